import DMSCore
import Foundation
import Logging
import PostgresNIO

/// Rows as JSON records for `jsonb_to_recordset`: a whole analysis is written in a few statements.
struct CriterionRow: Encodable {
    let position: Int
    let label: String
    let category: String
    let points: Decimal?
    let weight_percent: Decimal?
    let eliminatory: Bool
    let document_id: String
    let sha256: String
    let location: String
    let snippet: String

    init(position: Int, _ criterion: Criterion) {
        self.position = position
        self.label = String(criterion.label.prefix(1000))
        self.category = criterion.category.rawValue
        self.points = criterion.points
        self.weight_percent = criterion.weightPercent
        self.eliminatory = criterion.eliminatory
        self.document_id = criterion.source.documentID.uuidString.lowercased()
        self.sha256 = criterion.source.sha256
        self.location = criterion.source.location.description
        self.snippet = criterion.source.snippet
    }
}

struct OfferRow: Encodable {
    let supplier_key: String
    let position: Int
    let parts: [String]
    let document_ids: [String]

    init(position: Int, _ offer: SupplierOffer) {
        self.supplier_key = offer.key
        self.position = position
        self.parts = offer.facts.parts.sorted().map(\.rawValue)
        self.document_ids = offer.facts.documentIDs.map { $0.uuidString.lowercased() }
    }
}

struct FieldRow: Encodable {
    let supplier_key: String
    let field: String
    let value: JSONValue?
    let confidence: String?
    let document_id: String?
    let sha256: String?
    let location: String?
    let snippet: String?

    init<V>(_ key: String, _ field: OfferField, _ extracted: Extracted<V>) throws {
        self.supplier_key = key
        self.field = field.rawValue
        self.value = try extracted.value.map(Self.jsonValue)
        self.confidence = extracted.confidence?.rawValue
        self.document_id = extracted.source?.documentID.uuidString.lowercased()
        self.sha256 = extracted.source?.sha256
        self.location = extracted.source?.location.description
        self.snippet = extracted.source?.snippet
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
}

extension AnalysisRepository {
    /// Reads the analysis back on one connection: header, criteria, fields, corrections.
    static func read(_ caseID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> CaseAnalysis? {
        var header: (String, String, String, String)?
        for try await row in try await connection.query("""
            SELECT iso_utc(run_at), run_by, inputs::text, warnings::text FROM analyses WHERE case_id = \(caseID)
            """, logger: logger).decode((String, String, String, String).self) {
            header = row
        }
        guard let (runAt, runBy, inputsJSON, warningsJSON) = header else { return nil }
        let decoder = JSONDecoder()

        var criteria: [Criterion] = []
        for try await (label, category, points, weight, eliminatory, documentID, sha, location, snippet) in try await connection.query("""
            SELECT label, category, points::text, weight_percent::text, eliminatory, document_id, sha256, location, snippet
            FROM criteria WHERE case_id = \(caseID) ORDER BY position
            """, logger: logger).decode((String, String, String?, String?, Bool, UUID, String, String, String).self) {
            let source = SourceRef(documentID: documentID, sha256: sha, location: try Self.location(location), snippet: snippet)
            criteria.append(Criterion(label: label, category: Criterion.Category(rawValue: category) ?? .technique,
                                      points: points.flatMap { Decimal(string: $0) }, weightPercent: weight.flatMap { Decimal(string: $0) },
                                      eliminatory: eliminatory, source: source))
        }

        var offers: [(String, OfferFacts)] = []
        for try await (key, parts, documents) in try await connection.query("""
            SELECT supplier_key, parts, document_ids FROM offers WHERE case_id = \(caseID) ORDER BY position
            """, logger: logger).decode((String, [String], [UUID]).self) {
            offers.append((key, OfferFacts(parts: Set(parts.compactMap(OfferPart.init)), documentIDs: documents)))
        }
        for try await (key, field, value, confidence, documentID, sha, location, snippet) in try await connection.query("""
            SELECT supplier_key, field, value::text, confidence, document_id, sha256, location, snippet
            FROM offer_fields WHERE case_id = \(caseID)
            """, logger: logger).decode((String, String, String?, String?, UUID?, String?, String?, String?).self) {
            guard let index = offers.firstIndex(where: { $0.0 == key }), let field = OfferField(rawValue: field) else { continue }
            guard let value, let confidence = confidence.flatMap(Confidence.init), let documentID, let sha, let location, let snippet else { continue }
            let source = SourceRef(documentID: documentID, sha256: sha, location: try Self.location(location), snippet: snippet)
            let data = Data(value.utf8)
            switch field {
            case .supplier: offers[index].1.supplier = Extracted(try decoder.decode(String.self, from: data), confidence, source)
            case .totalAmount: offers[index].1.totalAmount = Extracted(try decoder.decode(MoneyRow.self, from: data).money, confidence, source)
            case .deliveryDays: offers[index].1.deliveryDays = Extracted(try decoder.decode(Int.self, from: data), confidence, source)
            case .validityDays: offers[index].1.validityDays = Extracted(try decoder.decode(Int.self, from: data), confidence, source)
            }
        }

        var corrections: [String: [Correction]] = [:]
        for try await (key, field, value, reason, by, at) in try await connection.query("""
            SELECT supplier_key, field, value::text, reason, corrected_by, iso_utc(corrected_at)
            FROM offer_corrections WHERE case_id = \(caseID) ORDER BY id
            """, logger: logger).decode((String, String, String, String, String, String).self) {
            guard let field = OfferField(rawValue: field) else { continue }
            corrections[key, default: []].append(Correction(field: field, value: try decoder.decode(JSONValue.self, from: Data(value.utf8)),
                                                            reason: reason, correctedBy: by, correctedAt: Timestamp(iso8601: at)))
        }
        return CaseAnalysis(
            runAt: Timestamp(iso8601: runAt), runBy: runBy,
            inputs: try decoder.decode([AnalysisInputRow].self, from: Data(inputsJSON.utf8)).map { try $0.input() },
            warnings: try decoder.decode([String].self, from: Data(warningsJSON.utf8)),
            criteria: criteria,
            offers: offers.map { StoredOffer(key: $0.0, facts: $0.1, corrections: corrections[$0.0] ?? []) })
    }

    static func location(_ text: String) throws -> TextLocation {
        guard let location = TextLocation(parsing: text) else { throw DatabaseError.unexpected("bad location \(text)") }
        return location
    }
}
