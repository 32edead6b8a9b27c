import Foundation

/// One entry of a case's memory as stored: numbered, linked and hashed by the database.
public struct Event: Sendable, Hashable {
    public let seq: Int
    public let type: String
    public let actor: String
    public let at: Timestamp
    public let prevHash: String
    public let hash: String
    public let payload: JSONValue

    public init(seq: Int, type: String, actor: String, at: Timestamp, prevHash: String, hash: String, payload: JSONValue) {
        self.seq = seq
        self.type = type
        self.actor = actor
        self.at = at
        self.prevHash = prevHash
        self.hash = hash
        self.payload = payload
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
    /// Where the case takes place (its reference prices come from the place's région).
    public let place: CasePlace?
    /// Deadline, opening session, budget (issue 20); `.none` for a case without them.
    public let procedure: CaseProcedure
    /// Offers received sealed, with their receipts (opened ones point at their document).
    public let sealedOffers: [SealedOffer]

    public init(case: Case, decision: Decision?, documents: [Document], events: [Event], hasAnalysis: Bool = false, place: CasePlace? = nil,
                procedure: CaseProcedure = .none, sealedOffers: [SealedOffer] = []) {
        self.case = `case`
        self.decision = decision
        self.documents = documents
        self.events = events
        self.hasAnalysis = hasAnalysis
        self.place = place
        self.procedure = procedure
        self.sealedOffers = sealedOffers
    }
}

/// A case's place in the catalog, with its path from the country down (`Mali › Ségou › Ségou`).
public struct CasePlace: Sendable, Hashable {
    public let id: UUID
    public let name: String
    public let level: PlaceLevel
    public let path: [String]

    public init(id: UUID, name: String, level: PlaceLevel, path: [String]) {
        self.id = id
        self.name = name
        self.level = level
        self.path = path
    }
}
