import DMSCore
import Foundation
import Logging
import PostgresNIO

/// The links between offers that analyses found (written by `AnalysisRepository.save`): a case's
/// current ones, and a supplier's across every case.
public struct IntegrityRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// One row's link, as JSON the store owns.
    static let linkJSON = """
        json_build_object('position', l.position, 'kind', l.kind, 'subject', l.subject, 'supplier_a', l.supplier_a, 'supplier_b', l.supplier_b,
                          'name_a', l.name_a, 'name_b', l.name_b, 'value', l.value, 'note', l.note, 'evidence', l.evidence)::text
        """

    /// The case's current links (its latest analysis), in the order the analysis gave them; nil
    /// for an unknown case, empty before any analysis.
    public func links(caseID: UUID, logger: Logger) async throws -> [IntegrityLink]? {
        try await self.database.run { client in
            try await client.withConnection { connection in
                try await Self.read(caseID, on: connection, logger: logger)
            }
        }
    }

    static func read(_ caseID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> [IntegrityLink]? {
        let rows = try await connection.query("""
            SELECT c.id, CASE WHEN l.case_id IS NULL THEN NULL ELSE \(unescaped: Self.linkJSON) END
            FROM cases c LEFT JOIN integrity_links l ON l.case_id = c.id
            WHERE c.id = \(caseID)
            ORDER BY l.position
            """, logger: logger)
        var found = false
        var links: [IntegrityLink] = []
        for try await (_, json) in rows.decode((UUID, String?).self) {
            found = true
            if let json { links.append(try (AnalysisRepository.decode(json) as IntegrityLinkRow).link()) }
        }
        return found ? links : nil
    }

    /// Links involving the supplier `key` in every case's current analysis, newest first, `limit`
    /// from the keyset position `before`; `with`: only those with that other supplier.
    public func links(supplierKey key: String, with other: String?, limit: Int, before: Int64?, logger: Logger) async throws -> [SupplierLinkRecord] {
        try await self.database.run { client in
            let rows = try await client.query("""
                SELECT l.id, l.case_id, c.title, l.run, iso_utc(r.run_at), \(unescaped: Self.linkJSON)
                FROM integrity_links l
                JOIN cases c ON c.id = l.case_id
                JOIN analysis_runs r ON r.case_id = l.case_id AND r.run = l.run
                WHERE (l.supplier_a = \(key) OR l.supplier_b = \(key))
                  AND (\(other)::text IS NULL OR l.supplier_a = \(other)::text OR l.supplier_b = \(other)::text)
                  AND (\(before)::bigint IS NULL OR l.id < \(before)::bigint)
                ORDER BY l.id DESC
                LIMIT \(limit)
                """, logger: logger)
            var records: [SupplierLinkRecord] = []
            for try await (id, caseID, title, run, runAt, json) in rows.decode((Int64, UUID, String, Int, String, String).self) {
                records.append(SupplierLinkRecord(id: id, caseID: caseID, caseTitle: title, run: run, runAt: Timestamp(iso8601: runAt),
                                                  link: try (AnalysisRepository.decode(json) as IntegrityLinkRow).link()))
            }
            return records
        }
    }
}
