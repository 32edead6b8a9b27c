import DMSCore
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// What the auditor's archive of a case holds (docs/ARCHIVE.md): read as one committed state,
/// then each file's bytes streamed slice by slice (they never change once written).
public struct ArchiveRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// A stored file of the case and where it goes in the archive.
    public struct File: Sendable, Hashable {
        public enum Source: Sendable, Hashable { case document, report }
        public let source: Source
        public let id: UUID
        public let path: String
        public let size: Int64
        public let sha256: String
    }

    public struct Contents: Sendable {
        /// `case.json`: the case, its decision, place, committee, documents and issued reports.
        public let caseJSON: String
        /// One `GET /api/memory/export` line per event, in seq order (without the newline).
        public let events: [String]
        public let checkpoints: [(Checkpoint, [CheckpointHead])]
        public let files: [File]
        /// The case's last event: its time (UTC ISO text) dates every entry.
        public let lastEventAt: String
    }

    /// Everything but the files' bytes, from one REPEATABLE READ snapshot; nil for no such case.
    public func contents(caseID: UUID, logger: Logger) async throws -> Contents? {
        try await self.database.snapshot(logger: logger) { connection in
            var caseJSON: String?
            for try await text in try await connection.query(Self.caseSQL(caseID), logger: logger).decode(String.self) {
                caseJSON = text
            }
            guard let caseJSON else { return nil }
            var events: [String] = []
            var lastAt = ""
            let rows = try await connection.query("""
                SELECT \(unescaped: MemoryRepository.exportLine), to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
                FROM events WHERE case_id = \(caseID) ORDER BY seq
                """, logger: logger)
            for try await (line, at) in rows.decode((String, String).self) {
                events.append(line)
                lastAt = at
            }
            var files: [File] = []
            let documents = try await connection.query("""
                SELECT id, filename, size, sha256 FROM documents WHERE case_id = \(caseID) ORDER BY uploaded_at, id
                """, logger: logger)
            for try await (id, filename, size, sha256) in documents.decode((UUID, String, Int64, String).self) {
                files.append(File(source: .document, id: id, path: "documents/\(id.uuidString.lowercased())/\(filename)", size: size, sha256: sha256))
            }
            let reports = try await connection.query("""
                SELECT id, kind, version, filename, size, sha256 FROM reports WHERE case_id = \(caseID) ORDER BY kind, version
                """, logger: logger)
            for try await (id, kind, version, filename, size, sha256) in reports.decode((UUID, String, Int, String, Int64, String).self) {
                files.append(File(source: .report, id: id, path: "reports/\(kind)-v\(version)/\(filename)", size: size, sha256: sha256))
            }
            let checkpoints = try await CheckpointRepository.covering(caseID: caseID, on: connection, logger: logger)
            return Contents(caseJSON: caseJSON, events: events, checkpoints: checkpoints, files: files, lastEventAt: lastAt)
        }
    }

    /// Sends a file's bytes in slices of `slice` bytes, each read by its own short query.
    public func stream(_ file: File, slice: Int = 1 << 20, logger: Logger, _ body: (ByteBuffer) async throws -> Void) async throws {
        var start: Int64 = 0
        while start < file.size {
            let from = start
            let chunk: ByteBuffer = try await self.database.run { client in
                let rows = switch file.source {
                case .document:
                    try await client.query("""
                        SELECT substring(content FROM \(from + 1)::int FOR \(slice)::int) FROM document_contents WHERE document_id = \(file.id)
                        """, logger: logger)
                case .report:
                    try await client.query("""
                        SELECT substring(content FROM \(from + 1)::int FOR \(slice)::int) FROM reports WHERE id = \(file.id)
                        """, logger: logger)
                }
                for try await bytes in rows.decode(ByteBuffer.self) { return bytes }
                throw DatabaseError.unexpected("\(file.path): content missing")
            }
            guard chunk.readableBytes > 0 else { throw DatabaseError.unexpected("\(file.path): shorter than its recorded size") }
            start += Int64(chunk.readableBytes)
            try await body(chunk)
        }
    }

    /// The case as an auditor reads it: jsonb, so keys are sorted and the text is stable.
    private static func caseSQL(_ caseID: UUID) -> PostgresQuery {
        """
        SELECT jsonb_pretty(jsonb_build_object('format', 'dms-archive/1', 'case', jsonb_build_object(
            'id', c.id, 'case_type', c.case_type, 'title', c.title, 'lot', c.lot, 'status', c.status,
            'created_at', iso_utc(c.created_at), 'created_by', c.created_by,
            'place', (SELECT jsonb_build_object('id', p.id, 'name', p.name, 'level', p.level) FROM catalog_places p WHERE p.id = c.place_id),
            'decision', (SELECT jsonb_build_object('chosen_supplier', d.chosen_supplier, 'decision_reason', d.decision_reason,
                                'next_action', d.next_action, 'decided_by', d.decided_by, 'decided_at', iso_utc(d.decided_at), 'present', d.present)
                         FROM decisions d WHERE d.case_id = c.id),
            'committee', (SELECT coalesce(jsonb_agg(jsonb_build_object('user_id', m.user_id, 'name', u.display_name, 'function', m.function)
                                                    ORDER BY m.function, u.display_name), '[]')
                          FROM committee_members m JOIN users u ON u.id = m.user_id WHERE m.case_id = c.id),
            'documents', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', d.id, 'kind', d.kind, 'filename', d.filename, 'media_type', d.media_type,
                                                    'size', d.size, 'sha256', d.sha256, 'uploaded_by', d.uploaded_by, 'uploaded_at', iso_utc(d.uploaded_at),
                                                    'path', 'documents/' || d.id || '/' || d.filename) ORDER BY d.uploaded_at, d.id), '[]')
                          FROM documents d WHERE d.case_id = c.id),
            'reports', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', r.id, 'kind', r.kind, 'version', r.version, 'filename', r.filename,
                                                  'size', r.size, 'sha256', r.sha256, 'memory_head', r.memory_head, 'issued_by', r.issued_by,
                                                  'issued_at', iso_utc(r.issued_at), 'path', 'reports/' || r.kind || '-v' || r.version || '/' || r.filename)
                                                  ORDER BY r.kind, r.version), '[]')
                        FROM reports r WHERE r.case_id = c.id)
        )))
        FROM cases c WHERE c.id = \(caseID)
        """
    }
}
