import DMSCore

/// A case with everything about it, as its page and `GET /api/cases/{id}` show it.
public struct CaseView: Sendable, Hashable {
    public let detail: CaseDetail
    public let analysis: CaseAnalysis?
    /// The offers' price lines with matches and market references (empty without an analysis).
    public let priceLines: [OfferPriceLine]

    public init(detail: CaseDetail, analysis: CaseAnalysis?, priceLines: [OfferPriceLine] = []) {
        self.detail = detail
        self.analysis = analysis
        self.priceLines = priceLines
    }
}
