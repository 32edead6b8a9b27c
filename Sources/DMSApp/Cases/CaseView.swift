import DMSCore

/// A case with everything about it, as its page and `GET /api/cases/{id}` show it.
public struct CaseView: Sendable, Hashable {
    public let detail: CaseDetail
    public let analysis: CaseAnalysis?
}
