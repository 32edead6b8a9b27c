import Foundation

/// A search over the memory: words (French, accents ignored), optional filters, a page.
public struct MemorySearchQuery: Sendable, Hashable {
    public let text: String
    public let caseType: CaseType?
    public let from: Timestamp?
    public let to: Timestamp?
    public let limit: Int
    public let after: SearchCursor?

    public init(text: String?, caseType: String?, from: String?, to: String?, limit: String?, cursor: String?) throws(ValidationError) {
        self.text = try TextField(maxLength: 200, multiline: false).validate(text, field: "q")
        if let caseType, !caseType.isEmpty {
            guard let type = CaseType(rawValue: caseType) else { throw ValidationError(field: "case_type", message: "valeur inconnue : attendu DAO ou RFQ") }
            self.caseType = type
        } else {
            self.caseType = nil
        }
        self.from = try Self.date(from, field: "from")
        self.to = try Self.date(to, field: "to")
        if let limit {
            guard let value = Int(limit), (1...100).contains(value) else { throw ValidationError(field: "limit", message: "doit être un entier entre 1 et 100") }
            self.limit = value
        } else {
            self.limit = 20
        }
        if let cursor, !cursor.isEmpty {
            guard let parsed = SearchCursor(token: cursor) else { throw ValidationError(field: "cursor", message: "curseur invalide") }
            self.after = parsed
        } else {
            self.after = nil
        }
    }

    /// `2026-11-01` or a full ISO-8601 timestamp with offset.
    public static func date(_ raw: String?, field: String) throws(ValidationError) -> Timestamp? {
        guard let raw, !raw.isEmpty else { return nil }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        let instant = ISO8601DateFormatter()
        instant.formatOptions = [.withInternetDateTime]
        let precise = ISO8601DateFormatter()
        precise.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        // Foundation rolls 2026-02-30 over to 2 March: a date that does not exist is refused instead.
        guard raw.count <= 40, Self.existingDate(raw), let date = raw.count == 10 ? day.date(from: raw) : (instant.date(from: raw) ?? precise.date(from: raw)) else {
            throw ValidationError(field: field, message: "date attendue au format AAAA-MM-JJ ou ISO-8601 avec fuseau")
        }
        return Timestamp(iso8601: instant.string(from: date))
    }

    /// `YYYY-MM-DD` names a day of the calendar, and `THH:MM:SS`, when present, a time of day.
    static func existingDate(_ raw: String) -> Bool {
        let digits = Array(raw.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= digits.count else { return nil }
            var value = 0
            for byte in digits[range] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), (1...12).contains(month) else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...lengths[month - 1]).contains(day) else { return false }
        guard digits.count > 10 else { return true }
        guard let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19) else { return false }
        return hour <= 23 && minute <= 59 && second <= 59
    }
}

/// Keyset position in relevance order: (rank, created_at, id).
public struct SearchCursor: Sendable, Hashable {
    public let rank: String
    public let createdAt: Timestamp
    public let id: UUID

    public init(rank: String, createdAt: Timestamp, id: UUID) {
        self.rank = rank
        self.createdAt = createdAt
        self.id = id
    }

    public var token: String {
        Data("s1|\(self.rank)|\(self.createdAt.iso8601)|\(self.id.uuidString.lowercased())".utf8).base64URLEncodedString()
    }

    public init?(token: String) {
        guard token.utf8.count <= 300, let data = Data(base64URLEncoded: token), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, parts[0] == "s1", let rank = Float(parts[1]), rank.isFinite, let id = UUID(uuidString: parts[3]),
              CaseCursor.looksLikeTimestamp(Substring(parts[2])) else { return nil }
        self.init(rank: parts[1], createdAt: Timestamp(iso8601: parts[2]), id: id)
    }
}

/// One case found, with the words that matched highlighted (« »).
public struct SearchHit: Sendable, Hashable {
    public let caseID: UUID
    public let title: String
    public let caseType: CaseType
    public let status: CaseStatus
    public let createdAt: Timestamp
    public let snippet: String
    public let rank: String

    public init(caseID: UUID, title: String, caseType: CaseType, status: CaseStatus, createdAt: Timestamp, snippet: String, rank: String) {
        self.caseID = caseID
        self.title = title
        self.caseType = caseType
        self.status = status
        self.createdAt = createdAt
        self.snippet = snippet
        self.rank = rank
    }
}

/// The memory's size and head digest.
public struct MemoryHead: Sendable, Hashable {
    public let events: Int
    public let chains: Int
    public let head: String

    public init(events: Int, chains: Int, head: String) {
        self.events = events
        self.chains = chains
        self.head = head
    }
}

/// A past decided case like the current one: facts only (what was decided, by whom, when).
public struct SimilarCase: Sendable, Hashable {
    public let caseID: UUID
    public let title: String
    public let lot: String?
    public let chosenSupplier: String
    public let decisionReason: String
    public let decidedAt: Timestamp

    public init(caseID: UUID, title: String, lot: String?, chosenSupplier: String, decisionReason: String, decidedAt: Timestamp) {
        self.caseID = caseID
        self.title = title
        self.lot = lot
        self.chosenSupplier = chosenSupplier
        self.decisionReason = decisionReason
        self.decidedAt = decidedAt
    }
}
