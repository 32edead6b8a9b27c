import Foundation

/// The procedure settings of a case (issue 20): when offers are due, when the committee opens
/// them, and the estimated budget whose amount decides the procedure (DAO or RFQ, by the
/// organisation's thresholds, never the reverse). A case without a deadline receives offers as
/// before; with one, offers stay sealed until the opening session.
public struct CaseProcedure: Sendable, Hashable {
    /// Submission deadline (`deadline_at`), an instant; `timeZone` is how people read it.
    public let deadlineAt: Timestamp?
    /// IANA time zone of the deadline and the session (`Africa/Bamako`).
    public let timeZone: String
    /// The planned opening session (« séance d'ouverture des plis »).
    public let openingAt: Timestamp?
    public let budget: Budget?
    /// When the committee opened the offers (nil until then).
    public let openedAt: Timestamp?

    public init(deadlineAt: Timestamp?, timeZone: String, openingAt: Timestamp?, budget: Budget?, openedAt: Timestamp?) {
        self.deadlineAt = deadlineAt
        self.timeZone = timeZone
        self.openingAt = openingAt
        self.budget = budget
        self.openedAt = openedAt
    }

    /// Offers uploaded now are sealed: a deadline is set and the session has not opened them.
    public var sealsOffers: Bool { self.deadlineAt != nil && self.openedAt == nil }

    public static let none = CaseProcedure(deadlineAt: nil, timeZone: "Africa/Bamako", openingAt: nil, budget: nil, openedAt: nil)
}

/// An estimated amount in a currency (ISO 4217: `XOF`, `EUR`…).
public struct Budget: Sendable, Hashable {
    public let amount: Double
    public let currency: String

    public init(amount: Double, currency: String) {
        self.amount = amount
        self.currency = currency
    }
}

/// An offer received before the opening session, as anyone may see it while it is sealed: only
/// facts that do not depend on the supplier (the receipt an officer hands over).
public struct SealedOffer: Sendable, Hashable {
    public let id: UUID
    public let receivedAt: Timestamp
    /// Bytes of the sealed envelope (what the SHA-256 covers).
    public let size: Int
    /// SHA-256 of the sealed bytes: the supplier's receipt.
    public let sealedSHA256: String
    /// Received after the deadline: flagged « hors délai », never refused by the tool.
    public let late: Bool
    /// The document it became at the opening session (nil while sealed).
    public let documentID: UUID?

    public init(id: UUID, receivedAt: Timestamp, size: Int, sealedSHA256: String, late: Bool, documentID: UUID?) {
        self.id = id
        self.receivedAt = receivedAt
        self.size = size
        self.sealedSHA256 = sealedSHA256
        self.late = late
        self.documentID = documentID
    }
}
