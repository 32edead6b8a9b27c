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
    /// `integrity`: the links found between offers, kept in the run and as the case's current links.
    public func save(_ result: AnalysisResult, integrity: [IntegrityLink] = [], caseID: UUID, actor: Principal, logger: Logger) async throws {
        let inputs = try Self.json(result.inputs.map(AnalysisInputRow.init))
        let warnings = try Self.json(result.warnings)
        let documents = try Self.json(result.documents.map(DocumentReadingRow.init))
        let criteria = try Self.json(result.criteria.enumerated().compactMap { CriterionRow(position: $0.offset + 1, $0.element) })
        let offers = try Self.json(result.offers.enumerated().map { OfferRow(position: $0.offset + 1, $0.element) })
        let fields = try Self.json(result.offers.flatMap(FieldRow.rows))
        let priceLines = try Self.json(result.keyedPriceLines.map { PriceLineRow(key: $0.key, supplierKey: $0.supplierKey, position: $0.position, line: $0.line) })
        let links = try Self.json(integrity.enumerated().map { IntegrityLinkRow(position: $0.offset + 1, $0.element) })
        let payload = EventPayload.analysisRun(result)
        let texts = try Self.json(result.texts.map { ["document_id": $0.key.uuidString.lowercased(), "body": $0.value] })
        try await self.database.transaction(logger: logger) { connection in
            guard let status = try await CommitteeRepository.caseStatus(caseID, on: connection, lock: true, logger: logger) else {
                throw CaseError.notFound(caseID)
            }
            guard status != .decided else { throw CaseError.alreadyDecided(caseID) }
            try await connection.query("DELETE FROM criteria WHERE case_id = \(caseID)", logger: logger)
            try await connection.query("DELETE FROM offers WHERE case_id = \(caseID)", logger: logger)
            // Every run is kept as the machine read it; the current analysis is the latest one.
            var run = 1
            for try await next in try await connection.query(
                "SELECT coalesce(max(run), 0) + 1 FROM analysis_runs WHERE case_id = \(caseID)", logger: logger).decode(Int.self) {
                run = next
            }
            try await connection.query("""
                INSERT INTO analysis_runs (case_id, run, run_by, actor_id, inputs, documents, warnings, criteria, offers, fields, price_lines, integrity)
                VALUES (\(caseID), \(run), \(actor.value), \(actor.userID), \(inputs)::jsonb, \(documents)::jsonb, \(warnings)::jsonb,
                        \(criteria)::jsonb, \(offers)::jsonb, \(fields)::jsonb, \(priceLines)::jsonb, \(links)::jsonb)
                """, logger: logger)
            try await connection.query("DELETE FROM integrity_links WHERE case_id = \(caseID)", logger: logger)
            try await connection.query("""
                INSERT INTO integrity_links (case_id, run, position, kind, subject, supplier_a, supplier_b, name_a, name_b, value, note, evidence)
                SELECT \(caseID), \(run), r.position, r.kind, r.subject, r.supplier_a, r.supplier_b, r.name_a, r.name_b, r.value, r.note, r.evidence
                FROM jsonb_to_recordset(\(links)::jsonb) AS r(position int, kind text, subject text, supplier_a text, supplier_b text, name_a text,
                                                             name_b text, value text, note text, evidence jsonb)
                """, logger: logger)
            try await connection.query("""
                INSERT INTO analyses (case_id, run, run_by, inputs, documents, warnings)
                VALUES (\(caseID), \(run), \(actor.value), \(inputs)::jsonb, \(documents)::jsonb, \(warnings)::jsonb)
                ON CONFLICT (case_id) DO UPDATE SET run = excluded.run, run_at = now(), run_by = excluded.run_by, inputs = excluded.inputs,
                                                    documents = excluded.documents, warnings = excluded.warnings
                """, logger: logger)
            try await connection.query("""
                INSERT INTO criteria (case_id, id, position, label, category, points, weight_percent, eliminatory, document_id, sha256, location, snippet)
                SELECT \(caseID), r.id, r.position, r.label, r.category, r.points, r.weight_percent, r.eliminatory, r.document_id, r.sha256, r.location, r.snippet
                FROM jsonb_to_recordset(\(criteria)::jsonb) AS r(id uuid, position int, label text, category text, points numeric, weight_percent numeric,
                                                               eliminatory boolean, document_id uuid, sha256 text, location text, snippet text)
                ON CONFLICT (case_id, id) DO NOTHING
                """, logger: logger)
            try await connection.query("""
                INSERT INTO offers (case_id, supplier_key, position, parts, document_ids)
                SELECT \(caseID), r.supplier_key, r.position, r.parts, r.document_ids
                FROM jsonb_to_recordset(\(offers)::jsonb) AS r(supplier_key text, position int, parts text[], document_ids uuid[])
                """, logger: logger)
            try await connection.query("""
                INSERT INTO offer_fields (case_id, supplier_key, field, value, confidence, document_id, sha256, location, snippet, candidates)
                SELECT \(caseID), r.supplier_key, r.field, r.value, r.confidence, r.document_id, r.sha256, r.location, r.snippet, r.candidates
                FROM jsonb_to_recordset(\(fields)::jsonb) AS r(supplier_key text, field text, value jsonb, confidence text,
                                                             document_id uuid, sha256 text, location text, snippet text, candidates jsonb)
                """, logger: logger)
            try await connection.query("""
                INSERT INTO offer_price_lines (case_id, supplier_key, position, line_key, designation, unit, quantity, unit_price, line_total, currency,
                                               confidence, arithmetic, document_id, sha256, location, snippet)
                SELECT \(caseID), r.supplier_key, r.position, r.line_key, r.designation, r.unit, r.quantity, r.unit_price, r.line_total, r.currency,
                       r.confidence, r.arithmetic, r.document_id, r.sha256, r.location, r.snippet
                FROM jsonb_to_recordset(\(priceLines)::jsonb) AS r(supplier_key text, position int, line_key text, designation text, unit text,
                                                                 quantity numeric, unit_price numeric, line_total numeric, currency text,
                                                                 confidence text, arithmetic text, document_id uuid, sha256 text, location text, snippet text)
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

    /// Records a person's value for any field (even one read with `high` confidence: a machine
    /// can be wrong), with the reason, and appends `offer_corrected`. The extracted value stays
    /// as it was, beside it; a later analysis replaces the extracted value, never the correction.
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
            guard let (status, _, exists) = found else { throw CaseError.notFound(caseID) }
            guard status != CaseStatus.decided.rawValue else { throw CaseError.alreadyDecided(caseID) }
            guard exists else { throw AnalysisError.unknownSupplier(supplierKey) }
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

    /// Every run of the case, newest first, as summaries.
    public func runs(caseID: UUID, logger: Logger) async throws -> [AnalysisRunSummary] {
        try await self.database.run { client in
            let rows = try await client.query("""
                SELECT c.id, r.run, iso_utc(r.run_at), r.run_by, r.inputs::text, r.documents::text, r.warnings::text,
                       jsonb_array_length(r.criteria), (SELECT coalesce(jsonb_agg(o->>'supplier_key'), '[]') FROM jsonb_array_elements(r.offers) o)::text
                FROM cases c LEFT JOIN analysis_runs r ON r.case_id = c.id
                WHERE c.id = \(caseID) ORDER BY r.run DESC
                """, logger: logger)
            var found = false
            var runs: [AnalysisRunSummary] = []
            for try await (_, run, at, by, inputs, documents, warnings, criteria, suppliers) in rows.decode(
                (UUID, Int?, String?, String?, String?, String?, String?, Int?, String?).self) {
                found = true
                guard let run, let at, let by, let inputs, let documents, let warnings, let criteria, let suppliers else { continue }
                runs.append(AnalysisRunSummary(
                    run: run, runAt: Timestamp(iso8601: at), runBy: by, inputs: try (Self.decode(inputs) as [AnalysisInputRow]).map { try $0.input() },
                    documents: (try Self.decode(documents) as [DocumentReadingRow]).map(\.reading), warnings: try Self.decode(warnings),
                    criteria: criteria, suppliers: try Self.decode(suppliers)))
            }
            guard found else { throw CaseError.notFound(caseID) }
            return runs
        }
    }

    /// One past run exactly as the machine read it (no corrections, no criteria changes).
    public func run(_ number: Int, caseID: UUID, logger: Logger) async throws -> CaseAnalysis {
        try await self.database.run { client in
            let rows = try await client.query("""
                SELECT run, iso_utc(run_at), run_by, inputs::text, documents::text, warnings::text, criteria::text, offers::text, fields::text
                FROM analysis_runs WHERE case_id = \(caseID) AND run = \(number)
                """, logger: logger)
            for try await (run, at, by, inputs, documents, warnings, criteria, offers, fields) in rows.decode(
                (Int, String, String, String, String, String, String, String, String).self) {
                return try AnalysisRows(run: run, runAt: at, runBy: by, inputs: Self.decode(inputs), documents: Self.decode(documents),
                                        warnings: Self.decode(warnings), criteria: Self.decode(criteria), offers: Self.decode(offers),
                                        fields: Self.decode(fields)).assemble()
            }
            throw AnalysisError.unknownRun(number)
        }
    }

    /// A person's change to the criteria (add, update or delete), with the reason, recorded as
    /// `criterion_changed`. Refused on a decided case, before any analysis, or for a criterion
    /// the current analysis does not have.
    public func editCriterion(caseID: UUID, criterionID: UUID?, _ change: NewCriterionEdit, actor: Principal, logger: Logger) async throws -> CaseAnalysis {
        try await self.database.transaction(logger: logger) { connection in
            guard let status = try await CommitteeRepository.caseStatus(caseID, on: connection, lock: true, logger: logger) else {
                throw CaseError.notFound(caseID)
            }
            guard status != .decided else { throw CaseError.alreadyDecided(caseID) }
            guard let current = try await Self.read(caseID, on: connection, logger: logger) else { throw AnalysisError.noAnalysis }
            let id: UUID
            if change.action == .add {
                id = UUID()
            } else {
                guard let criterionID, current.criteria.contains(where: { $0.id == criterionID }) else {
                    throw AnalysisError.unknownCriterion(criterionID ?? UUID())
                }
                id = criterionID
            }
            let payload = EventPayload.criterionChanged(criterionID: id, change)
            try await connection.query("""
                WITH edit AS (
                    INSERT INTO criterion_edits (case_id, criterion_id, action, label, category, points, weight_percent, eliminatory, reason, edited_by, actor_id)
                    VALUES (\(caseID), \(id), \(change.action.rawValue), \(change.label), \(change.category?.rawValue),
                            \(change.points.map { "\($0)" })::numeric, \(change.weightPercent.map { "\($0)" })::numeric, \(change.eliminatory),
                            \(change.reason), \(actor.value), \(actor.userID))
                    RETURNING case_id
                )
                INSERT INTO events (case_id, type, actor, actor_id, payload)
                SELECT case_id, \(payload.type.rawValue), \(actor.value), \(actor.userID), \(payload.json)::jsonb FROM edit
                """, logger: logger)
            guard let analysis = try await Self.read(caseID, on: connection, logger: logger) else { throw AnalysisError.noAnalysis }
            return analysis
        }
    }

    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }
}
