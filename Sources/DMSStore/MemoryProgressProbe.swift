import Logging
import PostgresNIO

/// How far the memory has gone, read when metrics are scraped.
public struct MemoryProgress: Sendable, Hashable {
    /// The last event's id: ids come from an identity column, so this only grows (a rolled-back
    /// append leaves a gap: it counts appends attempted and committed, never fewer).
    public let eventsAppended: Int64
    /// Seconds since the last memory checkpoint was sealed; nil when none is (or the table is not there yet).
    public let checkpointAge: Double?
}

/// Two cheap reads in one read-only snapshot: a scrape never writes, and never fails on a
/// database that has no checkpoint table yet.
public struct MemoryProgressProbe: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func read(logger: Logger) async throws -> MemoryProgress {
        try await self.database.snapshot(logger: logger) { connection in
            // `to_regclass` resolves the name as the next query would (the search path), and
            // answers NULL instead of failing when there is no such table.
            let rows = try await connection.query("""
                SELECT (SELECT coalesce(max(id), 0) FROM events), to_regclass('memory_checkpoints') IS NOT NULL
                """, logger: logger)
            var progress: (events: Int64, checkpoints: Bool)?
            for try await row in rows.decode((Int64, Bool).self) { progress = row }
            guard let progress else { throw DatabaseError.unexpected("memory progress query returned no row") }
            var age: Double?
            if progress.checkpoints {
                let ages = try await connection.query(
                    "SELECT extract(epoch FROM now() - max(sealed_at))::float8 FROM memory_checkpoints", logger: logger)
                for try await (value) in ages.decode(Double?.self) { age = value }
            }
            return MemoryProgress(eventsAppended: progress.events, checkpointAge: age)
        }
    }
}
