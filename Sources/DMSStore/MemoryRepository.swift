import DMSCore
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// Reading the memory: its head, full-text search, similar decided cases, and the export.
public struct MemoryRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func head(logger: Logger) async throws -> MemoryHead {
        try await self.database.run { client in
            for try await (events, chains, head) in try await client.query("SELECT events, chains, head FROM memory_head()", logger: logger)
                .decode((Int, Int, String).self) {
                return MemoryHead(events: events, chains: chains, head: head)
            }
            throw DatabaseError.unexpected("memory_head() returned no row")
        }
    }

    /// Relevance first (title and lot weigh most), then newest; keyset pages.
    public func search(_ query: MemorySearchQuery, logger: Logger) async throws -> Page<SearchHit> {
        var sql = SQLBuilder("""
            WITH q AS (SELECT websearch_to_tsquery('dms_fr', 
            """)
        sql.append(sql.bind(query.text))
        sql.append("""
            ) AS query),
            hits AS (
                SELECT s.case_id, s.created_at, s.body, ts_rank_cd(s.vector, q.query)::float8 AS rank, q.query
                FROM case_search s, q
                WHERE s.vector @@ q.query
            """)
        if let type = query.caseType { sql.append(" AND s.case_type = \(sql.bind(type.rawValue))") }
        if let from = query.from { sql.append(" AND s.created_at >= \(sql.bind(from.iso8601))::timestamptz") }
        if let to = query.to { sql.append(" AND s.created_at < \(sql.bind(to.iso8601))::timestamptz") }
        sql.append("), page AS (SELECT * FROM hits")
        if let after = query.after {
            sql.append(" WHERE (rank, created_at, case_id) < (\(sql.bind(after.rank))::float8, \(sql.bind(after.createdAt.iso8601))::timestamptz, \(sql.bind(after.id)))")
        }
        sql.append("""
             ORDER BY rank DESC, created_at DESC, case_id DESC LIMIT \(sql.bind(query.limit + 1)))
            SELECT c.id, c.title, c.case_type, c.status, iso_utc(c.created_at), p.rank::text,
                   ts_headline('dms_fr', p.body, p.query, 'StartSel=«,StopSel=»,MaxWords=30,MinWords=8,MaxFragments=2,FragmentDelimiter= … ')
            FROM page p JOIN cases c ON c.id = p.case_id
            ORDER BY p.rank DESC, p.created_at DESC, p.case_id DESC
            """)
        let statement = sql.query
        return try await self.database.run { client in
            let rows = try await client.query(statement, logger: logger)
            var hits: [SearchHit] = []
            for try await (id, title, type, status, created, rank, snippet) in rows.decode((UUID, String, String, String, String, String, String).self) {
                guard let type = CaseType(rawValue: type), let status = CaseStatus(rawValue: status) else { continue }
                hits.append(SearchHit(caseID: id, title: title, caseType: type, status: status, createdAt: Timestamp(iso8601: created),
                                      snippet: snippet, rank: rank))
            }
            var next: String?
            if hits.count > query.limit {
                hits.removeLast()
                next = hits.last.map { SearchCursor(rank: $0.rank, createdAt: $0.createdAt, id: $0.caseID).token }
            }
            return Page(items: hits, nextCursor: next)
        }
    }

    /// The five decided cases whose words are closest to this case's (title, lot, criteria weigh most).
    public func similar(to caseID: UUID, logger: Logger) async throws -> [SimilarCase] {
        try await self.database.run { client in
            let rows = try await client.query("""
                WITH me AS (
                    SELECT s.case_id, to_tsquery('dms_fr', string_agg(quote_literal(lexeme), ' | ')) AS query
                    FROM case_search s, unnest(s.vector) AS l(lexeme, positions, weights)
                    WHERE s.case_id = \(caseID) AND (weights && ARRAY['A', 'C']::text[])
                    GROUP BY s.case_id
                )
                SELECT c.id, c.title, c.lot, d.chosen_supplier, d.decision_reason, iso_utc(d.decided_at)
                FROM me, case_search s
                JOIN cases c ON c.id = s.case_id
                JOIN decisions d ON d.case_id = s.case_id
                WHERE s.decided AND s.case_id <> me.case_id AND s.vector @@ me.query
                ORDER BY ts_rank_cd(s.vector, me.query) DESC, d.decided_at DESC
                LIMIT 5
                """, logger: logger)
            var cases: [SimilarCase] = []
            for try await (id, title, lot, supplier, reason, at) in rows.decode((UUID, String, String?, String, String, String).self) {
                cases.append(SimilarCase(caseID: id, title: title, lot: lot, chosenSupplier: supplier, decisionReason: reason, decidedAt: Timestamp(iso8601: at)))
            }
            return cases
        }
    }

    /// One event as an export line (and an archive's `events.jsonl` line): its fields and the
    /// exact canonical text its hash covers.
    static let exportLine = """
        json_build_object('id', id, 'case_id', case_id, 'seq', seq, 'type', type, 'actor', actor, 'actor_id', actor_id,
                          'at', iso_utc(created_at), 'payload', payload, 'prev_hash', prev_hash, 'hash', hash,
                          'canonical', event_canonical(case_id, seq, type, actor, actor_id, created_at, payload))::text
        """

    /// Streams events (JSON Lines) in id order between two instants, each with the exact
    /// canonical text its hash covers, so an auditor can recompute every hash offline.
    public func export(from: Timestamp?, to: Timestamp?, logger: Logger, line: (ByteBuffer) async throws -> Void) async throws {
        try await self.database.client.withConnection { connection in
            let rows = try await connection.query("""
                SELECT \(unescaped: Self.exportLine)
                FROM events
                WHERE (\(from?.iso8601)::timestamptz IS NULL OR created_at >= \(from?.iso8601)::timestamptz)
                  AND (\(to?.iso8601)::timestamptz IS NULL OR created_at < \(to?.iso8601)::timestamptz)
                ORDER BY id
                """, logger: logger)
            for try await text in rows.decode(String.self) {
                var buffer = ByteBuffer(string: text)
                buffer.writeString("\n")
                try await line(buffer)
            }
        }
    }
}
