import DMSCore
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// Issued reports: the state they are rendered from, and every version kept byte for byte.
public struct ReportRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The case and its analysis as one committed state (REPEATABLE READ, READ ONLY).
    public func snapshot(caseID: UUID, logger: Logger) async throws -> ReportSnapshot {
        try await self.database.snapshot(logger: logger) { connection in
            let detail = try await CaseRepository.detail(id: caseID, on: connection, logger: logger)
            let analysis = detail.hasAnalysis ? try await AnalysisRepository.read(caseID, on: connection, logger: logger) : nil
            let committee = try await CommitteeRepository.members(caseID, on: connection, logger: logger)
            // References end on the day of the state the report describes (the same state, the same report).
            let stateDay = ReportSnapshot(detail: detail, analysis: nil).stateAt.iso8601.prefix(10)
            let lines = detail.hasAnalysis
                ? try await PricingRepository.lines(caseID: caseID, placeID: detail.place?.id, asOf: String(stateDay), on: connection, logger: logger) : []
            let checkpoint = try await CheckpointRepository.latest(on: connection, logger: logger)
            let integrity = detail.hasAnalysis ? try await IntegrityRepository.read(caseID, on: connection, logger: logger) ?? [] : []
            return ReportSnapshot(detail: detail, analysis: analysis, committee: committee, priceLines: lines, checkpoint: checkpoint,
                                  integrity: integrity)
        }
    }

    /// A rendered report to keep: its bytes and what they describe.
    public struct NewReport: Sendable {
        public let kind: ReportKind
        public let mediaType: MediaType
        /// The file name without the version (`CBA-1a2b3c4d`); `-vN` and the extension are added.
        public let baseName: String
        public let content: ByteBuffer
        public let sha256: String
        public let memoryHead: String

        public init(kind: ReportKind, mediaType: MediaType, baseName: String, content: ByteBuffer, sha256: String, memoryHead: String) {
            self.kind = kind
            self.mediaType = mediaType
            self.baseName = baseName
            self.content = content
            self.sha256 = sha256
            self.memoryHead = memoryHead
        }
    }

    /// Stores the next version of `report.kind` for the case and appends `report_issued`, in one
    /// transaction. The case row is locked so two issues of one kind never share a version.
    public func issue(_ report: NewReport, caseID: UUID, actor: Principal, logger: Logger) async throws -> IssuedReport {
        try await self.database.transaction(logger: logger) { connection in
            guard try await CommitteeRepository.caseStatus(caseID, on: connection, lock: true, logger: logger) != nil else {
                throw CaseError.notFound(caseID)
            }
            // The state may have moved between the snapshot and this lock: never file a stale report as the latest.
            var head = HashChain.genesis
            for try await hash in try await connection.query("""
                SELECT hash FROM events WHERE case_id = \(caseID) AND type NOT IN ('report_issued', 'cba_generated', 'pv_generated')
                ORDER BY seq DESC LIMIT 1
                """, logger: logger).decode(String.self) {
                head = hash
            }
            guard head == report.memoryHead else { throw ReportError.stale }
            var version = 1
            for try await next in try await connection.query("""
                SELECT coalesce(max(version), 0) + 1 FROM reports WHERE case_id = \(caseID) AND kind = \(report.kind.rawValue)
                """, logger: logger).decode(Int.self) {
                version = next
            }
            let filename = "\(report.baseName)-v\(version).\(report.mediaType.fileExtension)"
            let size = report.content.readableBytes
            let payload = EventPayload.reportIssued(kind: report.kind, version: version, sha256: report.sha256, size: size,
                                                    filename: filename, memoryHead: report.memoryHead)
            let rows = try await connection.query("""
                WITH issued AS (
                    INSERT INTO reports (case_id, kind, version, filename, media_type, size, sha256, memory_head, issued_by, content)
                    VALUES (\(caseID), \(report.kind.rawValue), \(version), \(filename), \(report.mediaType.rawValue), \(size),
                            \(report.sha256), \(report.memoryHead), \(actor.value), \(report.content))
                    RETURNING id, issued_at
                ), event AS (
                    INSERT INTO events (case_id, type, actor, actor_id, payload)
                    SELECT \(caseID), \(payload.type.rawValue), \(actor.value), \(actor.userID), \(payload.json)::jsonb FROM issued
                )
                SELECT id, iso_utc(issued_at) FROM issued
                """, logger: logger)
            for try await (id, issuedAt) in rows.decode((UUID, String).self) {
                return IssuedReport(id: id, caseID: caseID, kind: report.kind, version: version, filename: filename, mediaType: report.mediaType,
                                    size: size, sha256: report.sha256, memoryHead: report.memoryHead, issuedBy: actor.value,
                                    issuedAt: Timestamp(iso8601: issuedAt))
            }
            throw DatabaseError.unexpected("INSERT INTO reports returned no row")
        }
    }

    /// Every issued version of the case's reports, newest first.
    public func list(caseID: UUID, logger: Logger) async throws -> [IssuedReport] {
        try await self.database.run { client in
            let rows = try await client.query("""
                SELECT c.id, \(unescaped: Self.columns)
                FROM cases c LEFT JOIN reports r ON r.case_id = c.id
                WHERE c.id = \(caseID)
                ORDER BY r.issued_at DESC, r.version DESC
                """, logger: logger)
            var found = false
            var reports: [IssuedReport] = []
            for try await row in rows {
                found = true
                if let report = try Self.decode(row, offset: 1) { reports.append(report) }
            }
            guard found else { throw CaseError.notFound(caseID) }
            return reports
        }
    }

    /// One issued version with its exact bytes.
    public func report(id: UUID, logger: Logger) async throws -> (IssuedReport, ByteBuffer) {
        try await self.database.run { client in
            let rows = try await client.query("SELECT r.content, \(unescaped: Self.columns) FROM reports r WHERE r.id = \(id)", logger: logger)
            for try await row in rows {
                guard let report = try Self.decode(row, offset: 1) else { break }
                return (report, try row.makeRandomAccess()[0].decode(ByteBuffer.self, context: .default))
            }
            throw ReportError.notFound(id)
        }
    }

    private static let columns = """
        r.id, r.case_id, r.kind, r.version, r.filename, r.media_type, r.size, r.sha256, r.memory_head, r.issued_by, iso_utc(r.issued_at)
        """

    private static func decode(_ row: PostgresRow, offset: Int) throws -> IssuedReport? {
        let columns = row.makeRandomAccess()
        guard let id = try columns[offset].decode(UUID?.self, context: .default) else { return nil }
        let kind = try columns[offset + 2].decode(String.self, context: .default)
        let media = try columns[offset + 5].decode(String.self, context: .default)
        guard let kind = ReportKind(rawValue: kind), let media = MediaType(rawValue: media) else {
            throw DatabaseError.unexpected("unknown kind/media type in report \(id)")
        }
        return IssuedReport(
            id: id, caseID: try columns[offset + 1].decode(UUID.self, context: .default), kind: kind,
            version: try columns[offset + 3].decode(Int.self, context: .default),
            filename: try columns[offset + 4].decode(String.self, context: .default), mediaType: media,
            size: try columns[offset + 6].decode(Int.self, context: .default),
            sha256: try columns[offset + 7].decode(String.self, context: .default),
            memoryHead: try columns[offset + 8].decode(String.self, context: .default),
            issuedBy: try columns[offset + 9].decode(String.self, context: .default),
            issuedAt: Timestamp(iso8601: try columns[offset + 10].decode(String.self, context: .default)))
    }
}
