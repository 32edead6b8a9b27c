import DMSCore
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// Analyses in PostgreSQL: the documents to read, the current result (replaced on re-run), and
/// the corrections people add.
public struct AnalysisRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The case's status and its documents with their bytes (DAO and offers only).
    public func inputs(caseID: UUID, logger: Logger) async throws -> (CaseStatus, [(Document, ByteBuffer)]) {
        try await self.database.run(timeout: .seconds(60)) { client in
            let rows = try await client.query("""
                SELECT c.status, d.id, d.case_id, d.kind, d.filename, d.media_type, d.size, d.sha256, d.uploaded_by,
                       iso_utc(d.uploaded_at), dc.content
                FROM cases c
                LEFT JOIN documents d ON d.case_id = c.id AND d.kind IN ('dao', 'offer')
                LEFT JOIN document_contents dc ON dc.document_id = d.id
                WHERE c.id = \(caseID)
                ORDER BY d.uploaded_at, d.id
                """, logger: logger)
            var status: CaseStatus?
            var documents: [(Document, ByteBuffer)] = []
            for try await row in rows {
                let columns = row.makeRandomAccess()
                status = CaseStatus(rawValue: try columns[0].decode(String.self, context: .default))
                guard try columns[1].decode(UUID?.self, context: .default) != nil else { continue }
                documents.append((try Document(row: row, offset: 1), try columns[10].decode(ByteBuffer.self, context: .default)))
            }
            guard let status else { throw CaseError.notFound(caseID) }
            return (status, documents)
        }
    }

    /// Replaces the case's analysis in one transaction, moves an open case to `analyzed`, and
    /// appends `analysis_run` with the input hashes. A case decided meanwhile refuses (409).
    public func save(_ result: AnalysisResult, caseID: UUID, actor: Principal, logger: Logger) async throws {
        let inputs = try Self.json(result.inputs.map(AnalysisInputRow.init))
        let warnings = try Self.json(result.warnings)
        let criteria = try Self.json(result.criteria.enumerated().map { CriterionRow(position: $0.offset + 1, $0.element) })
        let offers = try Self.json(result.offers.enumerated().map { OfferRow(position: $0.offset + 1, $0.element) })
        let fields = try Self.json(result.offers.flatMap(FieldRow.rows))
        let payload = EventPayload.analysisRun(result)
        let texts = try Self.json(result.texts.map { ["document_id": $0.key.uuidString.lowercased(), "body": $0.value] })
        try await self.database.transaction(logger: logger) { connection in
            let rows = try await connection.query("SELECT status FROM cases WHERE id = \(caseID) FOR UPDATE", logger: logger)
            var status: String?
            for try await value in rows.decode(String.self) { status = value }
            guard let status else { throw CaseError.notFound(caseID) }
            guard status != CaseStatus.decided.rawValue else { throw CaseError.alreadyDecided(caseID) }
            try await connection.query("DELETE FROM criteria WHERE case_id = \(caseID)", logger: logger)
            try await connection.query("DELETE FROM offers WHERE case_id = \(caseID)", logger: logger)
            try await connection.query("""
                INSERT INTO analyses (case_id, run_by, inputs, warnings) VALUES (\(caseID), \(actor.value), \(inputs)::jsonb, \(warnings)::jsonb)
                ON CONFLICT (case_id) DO UPDATE SET run_at = now(), run_by = excluded.run_by, inputs = excluded.inputs, warnings = excluded.warnings
                """, logger: logger)
            try await connection.query("""
                INSERT INTO criteria (case_id, position, label, category, points, weight_percent, eliminatory, document_id, sha256, location, snippet)
                SELECT \(caseID), r.position, r.label, r.category, r.points, r.weight_percent, r.eliminatory, r.document_id, r.sha256, r.location, r.snippet
                FROM jsonb_to_recordset(\(criteria)::jsonb) AS r(position int, label text, category text, points numeric, weight_percent numeric,
                                                               eliminatory boolean, document_id uuid, sha256 text, location text, snippet text)
                """, logger: logger)
            try await connection.query("""
                INSERT INTO offers (case_id, supplier_key, position, parts, document_ids)
                SELECT \(caseID), r.supplier_key, r.position, r.parts, r.document_ids
                FROM jsonb_to_recordset(\(offers)::jsonb) AS r(supplier_key text, position int, parts text[], document_ids uuid[])
                """, logger: logger)
            try await connection.query("""
                INSERT INTO offer_fields (case_id, supplier_key, field, value, confidence, document_id, sha256, location, snippet)
                SELECT \(caseID), r.supplier_key, r.field, r.value, r.confidence, r.document_id, r.sha256, r.location, r.snippet
                FROM jsonb_to_recordset(\(fields)::jsonb) AS r(supplier_key text, field text, value jsonb, confidence text,
                                                             document_id uuid, sha256 text, location text, snippet text)
                """, logger: logger)
            try await connection.query("DELETE FROM document_texts WHERE case_id = \(caseID)", logger: logger)
            try await connection.query("""
                INSERT INTO document_texts (document_id, case_id, body)
                SELECT r.document_id, \(caseID), r.body FROM jsonb_to_recordset(\(texts)::jsonb) AS r(document_id uuid, body text)
                """, logger: logger)
            try await connection.query("""
                UPDATE cases SET status = 'analyzed', updated_at = now() WHERE id = \(caseID)
                """, logger: logger)
            try await connection.query("""
                INSERT INTO events (case_id, type, actor, actor_id, payload) VALUES (\(caseID), \(payload.type.rawValue), \(actor.value), \(actor.userID), \(payload.json)::jsonb)
                """, logger: logger)
        }
    }

    /// The current analysis, or nil when the case was never analysed.
    public func analysis(caseID: UUID, logger: Logger) async throws -> CaseAnalysis? {
        try await self.database.run { client in
            try await client.withConnection { connection in
                try await Self.read(caseID, on: connection, logger: logger)
            }
        }
    }

    /// Records a person's value for a field in REVUE MANUELLE (or inferred), with the reason,
    /// and appends `offer_corrected`. The extracted value stays as it was.
    public func correct(caseID: UUID, supplierKey: String, _ correction: NewCorrection, actor: Principal, logger: Logger) async throws -> CaseAnalysis {
        let field = correction.field
        let encodedValue = CanonicalJSON.string(correction.value)
        let payload = EventPayload.offerCorrected(supplierKey: supplierKey, correction)
        return try await self.database.transaction(logger: logger) { connection in
            let rows = try await connection.query("""
                SELECT c.status, f.confidence, (f.case_id IS NOT NULL)
                FROM cases c
                LEFT JOIN offer_fields f ON f.case_id = c.id AND f.supplier_key = \(supplierKey) AND f.field = \(field.rawValue)
                WHERE c.id = \(caseID)
                FOR UPDATE OF c
                """, logger: logger)
            var found: (String, String?, Bool)?
            for try await row in rows.decode((String, String?, Bool).self) { found = row }
            guard let (status, confidence, exists) = found else { throw CaseError.notFound(caseID) }
            guard status != CaseStatus.decided.rawValue else { throw CaseError.alreadyDecided(caseID) }
            guard exists else { throw AnalysisError.unknownSupplier(supplierKey) }
            guard confidence != Confidence.high.rawValue else { throw AnalysisError.fieldAlreadyExtracted(field) }
            try await connection.query("""
                WITH correction AS (
                    INSERT INTO offer_corrections (case_id, supplier_key, field, value, reason, corrected_by)
                    VALUES (\(caseID), \(supplierKey), \(field.rawValue), \(encodedValue)::jsonb, \(correction.reason), \(actor.value))
                    RETURNING case_id, corrected_by
                )
                INSERT INTO events (case_id, type, actor, actor_id, payload)
                SELECT case_id, \(payload.type.rawValue), corrected_by, \(actor.userID), \(payload.json)::jsonb FROM correction
                """, logger: logger)
            guard let analysis = try await Self.read(caseID, on: connection, logger: logger) else { throw AnalysisError.noAnalysis }
            return analysis
        }
    }

    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }
}
