import Foundation

/// A page of OCDS releases of decided cases whose decision falls in [from, to), newest decision
/// first. Built from query-string values and validated here.
public struct OCDSReleaseQuery: Sendable, Hashable {
    public static let defaultLimit = 20
    public static let maxLimit = 100

    public let from: Timestamp?
    public let to: Timestamp?
    public let limit: Int
    public let after: OCDSCursor?

    public init(from: Timestamp? = nil, to: Timestamp? = nil, limit: Int = Self.defaultLimit, after: OCDSCursor? = nil) {
        self.from = from
        self.to = to
        self.limit = limit
        self.after = after
    }

    public init(from: String?, to: String?, limit: String?, cursor: String?) throws(ValidationError) {
        let from = try MemorySearchQuery.date(from, field: "from")
        let to = try MemorySearchQuery.date(to, field: "to")
        var parsedLimit = Self.defaultLimit
        if let limit {
            guard let value = Int(limit), (1...Self.maxLimit).contains(value) else {
                throw ValidationError(field: "limit", message: "doit être un entier entre 1 et \(Self.maxLimit)")
            }
            parsedLimit = value
        }
        var after: OCDSCursor?
        if let cursor, !cursor.isEmpty {
            guard let value = OCDSCursor(token: cursor) else {
                throw ValidationError(field: "cursor", message: "curseur invalide : reprendre la valeur next_cursor d'une réponse")
            }
            after = value
        }
        self.init(from: from, to: to, limit: parsedLimit, after: after)
    }
}

/// Keyset position in the newest-decision-first order: the last decided case of a page. Opaque
/// to clients.
public struct OCDSCursor: Sendable, Hashable {
    public let decidedAt: Timestamp
    public let caseID: UUID

    public init(decidedAt: Timestamp, caseID: UUID) {
        self.decidedAt = decidedAt
        self.caseID = caseID
    }

    /// base64url of `o1|<decided_at>|<case id>`.
    public var token: String { KeysetToken.make("o1", self.decidedAt, self.caseID) }

    public init?(token: String) {
        guard let (decidedAt, caseID) = KeysetToken.read(token, tag: "o1") else { return nil }
        self.init(decidedAt: decidedAt, caseID: caseID)
    }
}
