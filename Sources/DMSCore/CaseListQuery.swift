import Foundation

/// A page request over cases, newest first. Built from query-string values and validated here so
/// the store only ever sees sane bounds.
public struct CaseListQuery: Sendable, Hashable {
    public static let defaultLimit = 50
    public static let maxLimit = 200

    public let limit: Int
    public let after: CaseCursor?
    public let status: CaseStatus?
    public let caseType: CaseType?
    /// Words that must appear in the title or the lot (case- and accent-sensitive substring for now).
    public let text: String?

    public init(limit: Int = Self.defaultLimit, after: CaseCursor? = nil, status: CaseStatus? = nil, caseType: CaseType? = nil, text: String? = nil) {
        self.limit = limit
        self.after = after
        self.status = status
        self.caseType = caseType
        self.text = text
    }

    public init(limit: String?, cursor: String?, status: String?, caseType: String?, text: String?) throws(ValidationError) {
        var parsedLimit = Self.defaultLimit
        if let limit {
            guard let value = Int(limit), (1...Self.maxLimit).contains(value) else {
                throw ValidationError(field: "limit", message: "doit être un entier entre 1 et \(Self.maxLimit)")
            }
            parsedLimit = value
        }
        var parsedStatus: CaseStatus?
        if let status, !status.isEmpty {
            guard let value = CaseStatus(rawValue: status) else {
                throw ValidationError(field: "status", message: "valeur inconnue : attendu open, analyzed ou decided")
            }
            parsedStatus = value
        }
        var parsedType: CaseType?
        if let caseType, !caseType.isEmpty {
            guard let value = CaseType(rawValue: caseType) else {
                throw ValidationError(field: "case_type", message: "valeur inconnue : attendu DAO ou RFQ")
            }
            parsedType = value
        }
        var parsedCursor: CaseCursor?
        if let cursor, !cursor.isEmpty {
            guard let value = CaseCursor(token: cursor) else {
                throw ValidationError(field: "cursor", message: "curseur invalide : reprendre la valeur next_cursor d'une réponse")
            }
            parsedCursor = value
        }
        let words = try TextField(maxLength: 200, multiline: false).validateOptional(text, field: "q")
        self.init(limit: parsedLimit, after: parsedCursor, status: parsedStatus, caseType: parsedType, text: words)
    }
}

/// Keyset position in the newest-first order: the last case of a page. Opaque to clients.
public struct CaseCursor: Sendable, Hashable {
    public let createdAt: Timestamp
    public let id: UUID

    public init(createdAt: Timestamp, id: UUID) {
        self.createdAt = createdAt
        self.id = id
    }

    /// base64url of `v1|<created_at>|<id>`.
    public var token: String { KeysetToken.make("v1", self.createdAt, self.id) }

    public init?(token: String) {
        guard let (createdAt, id) = KeysetToken.read(token, tag: "v1") else { return nil }
        self.init(createdAt: createdAt, id: id)
    }

    /// Only a real instant in the form PostgreSQL renders (`2026-11-25T17:30:00.123456+00:00`):
    /// a tampered cursor is refused here, never handed to the database to fail there.
    /// Read by hand (`YYYY-MM-DDTHH:MM:SS.ffffff+00:00`, what the service writes): three
    /// `ISO8601DateFormatter`s per request made the cursor page cost twice the first one.
    static func looksLikeTimestamp(_ text: Substring) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 32 else { return false }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        let separators: [(Int, UInt8)] = [(4, 45), (7, 45), (10, 84), (13, 58), (16, 58), (19, 46), (26, 43), (29, 58)]
        guard separators.allSatisfy({ bytes[$0.0] == $0.1 }), number(27..<29) == 0, number(30..<32) == 0, number(20..<26) != nil,
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), CalendarDate(year: year, month: month, day: day) != nil,
              let hour = number(11..<13), hour < 24, let minute = number(14..<16), minute < 60, let second = number(17..<19), second < 60 else {
            return false
        }
        return true
    }
}

/// The text of a keyset cursor over (instant, id): base64url of `<tag>|<instant>|<id>`. Each list
/// has its own tag, so a cursor of one list is refused by another rather than misread.
enum KeysetToken {
    static func make(_ tag: String, _ at: Timestamp, _ id: UUID) -> String {
        Data("\(tag)|\(at.iso8601)|\(id.uuidString.lowercased())".utf8).base64URLEncodedString()
    }

    static func read(_ token: String, tag: String) -> (Timestamp, UUID)? {
        guard token.utf8.count <= 200, let data = Data(base64URLEncoded: token),
              let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == tag, let id = UUID(uuidString: String(parts[2])),
              CaseCursor.looksLikeTimestamp(parts[1]) else { return nil }
        return (Timestamp(iso8601: String(parts[1])), id)
    }
}

/// One page of a keyset-paginated list.
public struct Page<Item: Sendable>: Sendable {
    public let items: [Item]
    public let nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

extension Data {
    public func base64URLEncodedString() -> String {
        self.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public init?(base64URLEncoded text: String) {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }
}
