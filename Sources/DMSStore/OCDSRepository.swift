import DMSCore
import Foundation
import Logging
import PostgresNIO

/// What the OCDS export reads: cases with their analysis, each page from one committed state.
public struct OCDSRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// One case and its analysis as one committed state (REPEATABLE READ, READ ONLY).
    public func state(caseID: UUID, logger: Logger) async throws -> CaseState {
        try await self.database.snapshot(logger: logger) { connection in
            try await Self.state(caseID, on: connection, logger: logger)
        }
    }

    /// Decided cases whose decision falls in [from, to), newest decision first, keyset on
    /// (decided_at, case_id); the page and every case on it read from one snapshot.
    public func decided(_ query: OCDSReleaseQuery, logger: Logger) async throws -> Page<CaseState> {
        var sql = SQLBuilder("SELECT d.case_id, d.decided_at FROM decisions d WHERE true")
        if let from = query.from { sql.append(" AND d.decided_at >= \(sql.bind(from.iso8601))::timestamptz") }
        if let to = query.to { sql.append(" AND d.decided_at < \(sql.bind(to.iso8601))::timestamptz") }
        if let after = query.after {
            sql.append(" AND (d.decided_at, d.case_id) < (\(sql.bind(after.decidedAt.iso8601))::timestamptz, \(sql.bind(after.caseID)))")
        }
        sql.append(" ORDER BY d.decided_at DESC, d.case_id DESC LIMIT \(sql.bind(query.limit + 1))")
        let statement = sql.query
        return try await self.database.snapshot(logger: logger) { connection in
            var keys: [OCDSCursor] = []
            for try await (id, at) in try await connection.query(statement, logger: logger).decode((UUID, ISOTimestamp).self) {
                keys.append(OCDSCursor(decidedAt: Timestamp(iso8601: at.text), caseID: id))
            }
            let next = keys.count > query.limit ? keys[query.limit - 1].token : nil
            var states: [CaseState] = []
            for key in keys.prefix(query.limit) {
                states.append(try await Self.state(key.caseID, on: connection, logger: logger))
            }
            return Page(items: states, nextCursor: next)
        }
    }

    static func state(_ caseID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> CaseState {
        let detail = try await CaseRepository.detail(id: caseID, on: connection, logger: logger)
        let analysis = detail.hasAnalysis ? try await AnalysisRepository.read(caseID, on: connection, logger: logger) : nil
        return CaseState(detail: detail, analysis: analysis)
    }
}
