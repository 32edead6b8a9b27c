import Foundation

/// One entry of a case's memory, as the API shows it.
public struct Event: Sendable, Hashable, Codable {
    public let seq: Int
    public let type: String
    public let actor: String
    public let at: Timestamp
    public let prevHash: String
    public let hash: String
    public let payload: JSONValue

    enum CodingKeys: String, CodingKey {
        case seq, type, actor, at, payload, hash
        case prevHash = "prev_hash"
    }
}

/// A case with everything recorded about it.
public struct CaseDetail: Sendable, Hashable {
    public let `case`: Case
    public let decision: Decision?
    public let documents: [Document]
    public let events: [Event]
    /// Whether an analysis is stored (read separately, only when there is one).
    public let hasAnalysis: Bool

    public init(case: Case, decision: Decision?, documents: [Document], events: [Event], hasAnalysis: Bool = false) {
        self.case = `case`
        self.decision = decision
        self.documents = documents
        self.events = events
        self.hasAnalysis = hasAnalysis
    }
}
