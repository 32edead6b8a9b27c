/// A point in time as rendered by PostgreSQL: ISO-8601 with microseconds and an explicit offset
/// (`2026-11-25T17:30:00.123456+00:00`). Kept as text so that nothing is rounded between the
/// database, the JSON and the pagination cursor.
public struct Timestamp: Sendable, Hashable, CustomStringConvertible {
    public let iso8601: String

    public init(iso8601: String) {
        self.iso8601 = iso8601
    }

    public var description: String { self.iso8601 }
}
