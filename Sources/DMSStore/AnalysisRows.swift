import DMSCore
import Foundation
import Logging
import PostgresNIO

/// The store's own JSON for an analysis: rows for `jsonb_to_recordset` when writing, the same
/// rows read back with `json_agg` (the current analysis) or from `analysis_runs` (a past run).
/// Neither the API's JSON nor a hashed payload depends on them.
struct CriterionRow: Codable {
    let id: UUID?
    let position: Int
    let label: String
    let category: String
    let points: Decimal?
    let weight_percent: Decimal?
    let eliminatory: Bool
    let document_id: UUID
    let sha256: String
    let location: String
    let snippet: String

    init?(position: Int, _ criterion: Criterion) {
        guard let source = criterion.source else { return nil }
        self.id = criterion.id
        self.position = position
        self.label = String(criterion.label.prefix(1000))
        self.category = criterion.category.rawValue
        self.points = criterion.points
        self.weight_percent = criterion.weightPercent
        self.eliminatory = criterion.eliminatory
        self.document_id = source.documentID
        self.sha256 = source.sha256
        self.location = source.location.description
        self.snippet = source.snippet
    }

    func criterion() throws -> Criterion {
        let source = SourceRef(documentID: self.document_id, sha256: self.sha256, location: try AnalysisRepository.location(self.location), snippet: self.snippet)
        return Criterion(id: self.id, label: self.label, category: Criterion.Category(rawValue: self.category) ?? .technique,
                         points: self.points, weightPercent: self.weight_percent, eliminatory: self.eliminatory, source: source)
    }
}

struct OfferRow: Codable {
    let supplier_key: String
    let position: Int
    let parts: [String]
    let document_ids: [UUID]

    init(position: Int, _ offer: SupplierOffer) {
        self.supplier_key = offer.key
        self.position = position
        self.parts = offer.facts.parts.sorted().map(\.rawValue)
        self.document_ids = offer.facts.documentIDs
    }
}

struct FieldRow: Codable {
    let supplier_key: String
    let field: String
    let value: JSONValue?
    let confidence: String?
    let document_id: UUID?
    let sha256: String?
    let location: String?
    let snippet: String?
    let candidates: [CandidateRow]

    /// A competing value with its source, as `offer_fields.candidates` holds it.
    struct CandidateRow: Codable {
        let value: JSONValue
        let document_id: UUID
        let sha256: String
        let location: String
        let snippet: String
    }

    init<V>(_ key: String, _ field: OfferField, _ extracted: Extracted<V>) throws {
        self.supplier_key = key
        self.field = field.rawValue
        self.value = try extracted.value.map(Self.jsonValue)
        self.confidence = extracted.confidence?.rawValue
        self.document_id = extracted.source?.documentID
        self.sha256 = extracted.source?.sha256
        self.location = extracted.source?.location.description
        self.snippet = extracted.source?.snippet
        self.candidates = try extracted.candidates.map { candidate in
            CandidateRow(value: try Self.jsonValue(candidate.value), document_id: candidate.source.documentID, sha256: candidate.source.sha256,
                         location: candidate.source.location.description, snippet: candidate.source.snippet)
        }
    }

    /// The stored form of a field's value: a name, a number of days, or an amount.
    static func jsonValue(_ value: some Sendable & Hashable) throws -> JSONValue {
        switch value {
        case let text as String: return .string(text)
        case let days as Int: return .number(Double(days))
        case let money as Money:
            return try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(MoneyRow(money)))
        default: throw DatabaseError.unexpected("no stored form for \(type(of: value))")
        }
    }

    static func rows(_ offer: SupplierOffer) throws -> [FieldRow] {
        [
            try FieldRow(offer.key, .supplier, offer.facts.supplier),
            try FieldRow(offer.key, .totalAmount, offer.facts.totalAmount),
            try FieldRow(offer.key, .deliveryDays, offer.facts.deliveryDays),
            try FieldRow(offer.key, .validityDays, offer.facts.validityDays),
        ]
    }

    /// Writes this row's value (and its candidates) into the facts.
    func apply(to facts: inout OfferFacts) throws {
        guard let field = OfferField(rawValue: self.field), let value = self.value, let confidence = self.confidence.flatMap(Confidence.init),
              let documentID = self.document_id, let sha = self.sha256, let location = self.location, let snippet = self.snippet else { return }
        let source = SourceRef(documentID: documentID, sha256: sha, location: try AnalysisRepository.location(location), snippet: snippet)
        func extracted<V>(_ decode: (JSONValue) throws -> V) throws -> Extracted<V> {
            let others = try self.candidates.map { row in
                Candidate(try decode(row.value),
                          SourceRef(documentID: row.document_id, sha256: row.sha256, location: try AnalysisRepository.location(row.location), snippet: row.snippet))
            }
            return Extracted(try decode(value), confidence, source, candidates: others)
        }
        switch field {
        case .supplier: facts.supplier = try extracted(Self.string)
        case .totalAmount: facts.totalAmount = try extracted(Self.money)
        case .deliveryDays: facts.deliveryDays = try extracted(Self.int)
        case .validityDays: facts.validityDays = try extracted(Self.int)
        }
    }

    static func string(_ value: JSONValue) throws -> String {
        guard case .string(let text) = value else { throw DatabaseError.unexpected("a name that is not text") }
        return text
    }

    static func int(_ value: JSONValue) throws -> Int {
        guard case .number(let number) = value, number.rounded() == number else { throw DatabaseError.unexpected("days that are not whole") }
        return Int(number)
    }

    static func money(_ value: JSONValue) throws -> Money {
        try JSONDecoder().decode(MoneyRow.self, from: JSONEncoder().encode(value)).money
    }
}

struct DocumentReadingRow: Codable {
    let document_id: UUID
    let filename: String
    let status: String
    let reason: String?

    init(_ reading: DocumentReading) {
        self.document_id = reading.documentID
        self.filename = reading.filename
        self.status = reading.status.rawValue
        self.reason = reading.reason
    }

    var reading: DocumentReading {
        DocumentReading(documentID: self.document_id, filename: self.filename, status: DocumentReading.Status(rawValue: self.status) ?? .read,
                        reason: self.reason)
    }
}

struct CorrectionRow: Decodable {
    let supplier_key: String
    let field: String
    let value: JSONValue
    let reason: String
    let corrected_by: String
    let corrected_at: String
}

struct CriterionEditRow: Decodable {
    let criterion_id: UUID
    let action: String
    let label: String?
    let category: String?
    let points: Decimal?
    let weight_percent: Decimal?
    let eliminatory: Bool?
    let reason: String
    let edited_by: String
    let edited_at: String
}

/// Everything an analysis is made of, as stored.
struct AnalysisRows {
    var run: Int
    var runAt: String
    var runBy: String
    var inputs: [AnalysisInputRow]
    var documents: [DocumentReadingRow]
    var warnings: [String]
    var criteria: [CriterionRow]
    var offers: [OfferRow]
    var fields: [FieldRow]
    var corrections: [CorrectionRow] = []
    var edits: [CriterionEditRow] = []

    /// The analysis: criteria in the DAO's order with people's changes applied, offers in their
    /// stored (alphabetical) order with their fields and corrections.
    func assemble() throws -> CaseAnalysis {
        var criteria = try self.criteria.sorted { $0.position < $1.position }.map { try $0.criterion() }
        for edit in self.edits {
            guard let action = CriterionEdit.Action(rawValue: edit.action) else { continue }
            let made = CriterionEdit(action: action, reason: edit.reason, by: edit.edited_by, at: Timestamp(iso8601: edit.edited_at))
            switch action {
            case .add:
                criteria.append(Criterion(id: edit.criterion_id, label: edit.label ?? "", category: edit.category.flatMap(Criterion.Category.init) ?? .technique,
                                          points: edit.points, weightPercent: edit.weight_percent, eliminatory: edit.eliminatory ?? false,
                                          source: nil, edit: made))
            case .update:
                guard let index = criteria.firstIndex(where: { $0.id == edit.criterion_id }) else { continue }
                let old = criteria[index]
                criteria[index] = Criterion(id: old.id, label: edit.label ?? old.label, category: edit.category.flatMap(Criterion.Category.init) ?? old.category,
                                            points: edit.points ?? old.points, weightPercent: edit.weight_percent ?? old.weightPercent,
                                            eliminatory: edit.eliminatory ?? old.eliminatory, source: old.source,
                                            edit: old.edit?.action == .add ? CriterionEdit(action: .add, reason: edit.reason, by: edit.edited_by, at: made.at) : made)
            case .delete:
                criteria.removeAll { $0.id == edit.criterion_id }
            }
        }
        var facts: [String: OfferFacts] = [:]
        for offer in self.offers {
            facts[offer.supplier_key] = OfferFacts(parts: Set(offer.parts.compactMap(OfferPart.init)), documentIDs: offer.document_ids)
        }
        for field in self.fields {
            guard var offer = facts[field.supplier_key] else { continue }
            try field.apply(to: &offer)
            facts[field.supplier_key] = offer
        }
        var corrections: [String: [Correction]] = [:]
        for row in self.corrections {
            guard let field = OfferField(rawValue: row.field) else { continue }
            corrections[row.supplier_key, default: []].append(Correction(field: field, value: row.value, reason: row.reason, correctedBy: row.corrected_by,
                                                                         correctedAt: Timestamp(iso8601: row.corrected_at)))
        }
        let offers = self.offers.sorted { $0.position < $1.position }.compactMap { row in
            facts[row.supplier_key].map { StoredOffer(key: row.supplier_key, facts: $0, corrections: corrections[row.supplier_key] ?? []) }
        }
        return CaseAnalysis(run: self.run, runAt: Timestamp(iso8601: self.runAt), runBy: self.runBy, inputs: try self.inputs.map { try $0.input() },
                            documents: self.documents.map(\.reading), warnings: self.warnings, criteria: criteria, offers: offers)
    }
}

extension AnalysisRepository {
    /// The current analysis on one connection, in one query: header, criteria, offers, fields,
    /// corrections and criteria changes.
    static func read(_ caseID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> CaseAnalysis? {
        let rows = try await connection.query("""
            SELECT a.run, iso_utc(a.run_at), a.run_by, a.inputs::text, a.documents::text, a.warnings::text,
                (SELECT coalesce(json_agg(json_build_object(
                        'id', c.id, 'position', c.position, 'label', c.label, 'category', c.category, 'points', c.points,
                        'weight_percent', c.weight_percent, 'eliminatory', c.eliminatory, 'document_id', c.document_id,
                        'sha256', c.sha256, 'location', c.location, 'snippet', c.snippet)), '[]')
                 FROM criteria c WHERE c.case_id = a.case_id)::text,
                (SELECT coalesce(json_agg(json_build_object(
                        'supplier_key', o.supplier_key, 'position', o.position, 'parts', o.parts, 'document_ids', o.document_ids)), '[]')
                 FROM offers o WHERE o.case_id = a.case_id)::text,
                (SELECT coalesce(json_agg(json_build_object(
                        'supplier_key', f.supplier_key, 'field', f.field, 'value', f.value, 'confidence', f.confidence,
                        'document_id', f.document_id, 'sha256', f.sha256, 'location', f.location, 'snippet', f.snippet,
                        'candidates', f.candidates)), '[]')
                 FROM offer_fields f WHERE f.case_id = a.case_id)::text,
                (SELECT coalesce(json_agg(json_build_object(
                        'supplier_key', k.supplier_key, 'field', k.field, 'value', k.value, 'reason', k.reason,
                        'corrected_by', k.corrected_by, 'corrected_at', iso_utc(k.corrected_at)) ORDER BY k.id), '[]')
                 FROM offer_corrections k WHERE k.case_id = a.case_id)::text,
                (SELECT coalesce(json_agg(json_build_object(
                        'criterion_id', e.criterion_id, 'action', e.action, 'label', e.label, 'category', e.category,
                        'points', e.points, 'weight_percent', e.weight_percent, 'eliminatory', e.eliminatory, 'reason', e.reason,
                        'edited_by', e.edited_by, 'edited_at', iso_utc(e.edited_at)) ORDER BY e.seq), '[]')
                 FROM criterion_edits e WHERE e.case_id = a.case_id)::text
            FROM analyses a WHERE a.case_id = \(caseID)
            """, logger: logger)
        for try await row in rows {
            let (run, runAt, runBy, inputs, documents, warnings, criteria, offers, fields, corrections, edits) =
                try row.decode((Int, String, String, String, String, String, String, String, String, String, String).self)
            var stored = AnalysisRows(run: run, runAt: runAt, runBy: runBy, inputs: try Self.decode(inputs), documents: try Self.decode(documents),
                                      warnings: try Self.decode(warnings), criteria: try Self.decode(criteria), offers: try Self.decode(offers),
                                      fields: try Self.decode(fields))
            stored.corrections = try Self.decode(corrections)
            stored.edits = try Self.decode(edits)
            return try stored.assemble()
        }
        return nil
    }

    static func decode<T: Decodable>(_ json: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(json.utf8))
    }

    static func location(_ text: String) throws -> TextLocation {
        guard let location = TextLocation(parsing: text) else { throw DatabaseError.unexpected("bad location \(text)") }
        return location
    }
}

/// A price line as `offer_price_lines` and `analysis_runs.price_lines` hold it.
struct PriceLineRow: Codable {
    let supplier_key: String
    let position: Int
    let line_key: String
    let designation: String
    let unit: String?
    let quantity: Decimal?
    let unit_price: Decimal?
    let line_total: Decimal?
    let currency: String?
    let confidence: String
    let arithmetic: String
    let document_id: UUID
    let sha256: String
    let location: String
    let snippet: String

    init(key: String, supplierKey: String, position: Int, line: PriceLine) {
        self.supplier_key = supplierKey
        self.position = position
        self.line_key = key
        self.designation = String(line.designation.prefix(1000))
        self.unit = line.unit.map { String($0.prefix(100)) }
        self.quantity = line.quantity
        self.unit_price = line.unitPrice
        self.line_total = line.lineTotal
        self.currency = line.currency
        self.confidence = line.confidence.rawValue
        self.arithmetic = line.arithmetic.rawValue
        self.document_id = line.source.documentID
        self.sha256 = line.source.sha256
        self.location = line.source.location.description
        self.snippet = line.source.snippet
    }

    func line() throws -> PriceLine {
        PriceLine(designation: self.designation, unit: self.unit, quantity: self.quantity, unitPrice: self.unit_price, lineTotal: self.line_total,
                  currency: self.currency, confidence: Confidence(rawValue: self.confidence) ?? .low,
                  arithmetic: PriceArithmetic(rawValue: self.arithmetic) ?? .incomplete,
                  source: SourceRef(documentID: self.document_id, sha256: self.sha256, location: try AnalysisRepository.location(self.location),
                                    snippet: self.snippet))
    }
}
