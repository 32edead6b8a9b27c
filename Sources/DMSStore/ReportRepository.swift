import DMSCore
import Foundation
import Logging
import PostgresNIO

/// The memory of generated reports: each CBA or PV handed out is recorded with the hash of its
/// bytes, so a file found later can be matched to the state it came from.
public struct ReportRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Appends `cba_generated` or `pv_generated` to the case's chain (the `events_link` trigger
    /// numbers and hashes it). An unknown case is a 404, not a foreign-key error.
    public func recordGenerated(caseID: UUID, type: String, payload: [String: JSONValue], actor: ActorName, logger: Logger) async throws {
        let body = String(decoding: try JSONEncoder().encode(payload), as: UTF8.self)
        try await self.database.run { client in
            let rows = try await client.query("""
                INSERT INTO events (case_id, type, actor, payload)
                SELECT id, \(type), \(actor.value), \(body)::jsonb FROM cases WHERE id = \(caseID)
                RETURNING seq
                """, logger: logger)
            for try await _ in rows.decode(Int.self) { return }
            throw CaseError.notFound(caseID)
        }
    }
}
