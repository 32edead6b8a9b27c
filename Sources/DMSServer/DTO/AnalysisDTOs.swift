import DMSCore
import Foundation
import Hummingbird

/// The analysis as the API shows it: criteria in the DAO's order, suppliers alphabetically, each
/// field with its value (or `REVUE MANUELLE`), confidence and source, corrections beside it.
struct AnalysisDTO: ResponseEncodable, Sendable {
    let analysis: CaseAnalysis

    init(_ analysis: CaseAnalysis) { self.analysis = analysis }

    enum CodingKeys: String, CodingKey {
        case inputs, warnings, criteria, offers
        case runAt = "run_at"
        case runBy = "run_by"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.analysis.runAt.iso8601, forKey: .runAt)
        try container.encode(self.analysis.runBy, forKey: .runBy)
        try container.encode(self.analysis.inputs.map(AnalysisInputDTO.init), forKey: .inputs)
        try container.encode(self.analysis.warnings, forKey: .warnings)
        try container.encode(self.analysis.criteria.map(CriterionDTO.init), forKey: .criteria)
        try container.encode(self.analysis.offers.map(OfferDTO.init), forKey: .offers)
    }
}

struct OfferDTO: Encodable, Sendable {
    let offer: StoredOffer

    init(_ offer: StoredOffer) { self.offer = offer }

    enum CodingKeys: String, CodingKey {
        case supplier, parts, corrections
        case supplierKey = "supplier_key"
        case totalAmount = "total_amount"
        case deliveryDays = "delivery_days"
        case validityDays = "validity_days"
        case documentIDs = "document_ids"
    }

    func encode(to encoder: any Encoder) throws {
        let facts = self.offer.facts
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.offer.key, forKey: .supplierKey)
        try container.encode(ExtractedDTO(facts.supplier, value: { $0 }), forKey: .supplier)
        try container.encode(ExtractedDTO(facts.totalAmount, value: MoneyDTO.init), forKey: .totalAmount)
        try container.encode(ExtractedDTO(facts.deliveryDays, value: { $0 }), forKey: .deliveryDays)
        try container.encode(ExtractedDTO(facts.validityDays, value: { $0 }), forKey: .validityDays)
        try container.encode(facts.parts.sorted().map(\.rawValue), forKey: .parts)
        try container.encode(facts.documentIDs.map { $0.uuidString.lowercased() }, forKey: .documentIDs)
        try container.encode(self.offer.corrections.map(CorrectionDTO.init), forKey: .corrections)
    }
}

/// `{value, confidence, source, status}`, every key present: `status` is `REVUE MANUELLE` when
/// nothing was read.
struct ExtractedDTO<Wire: Encodable & Sendable>: Encodable, Sendable {
    let value: Wire?
    let confidence: String?
    let source: SourceDTO?

    init<Value>(_ extracted: Extracted<Value>, value: (Value) -> Wire) {
        self.value = extracted.value.map(value)
        self.confidence = extracted.confidence?.rawValue
        self.source = extracted.source.map(SourceDTO.init)
    }

    enum CodingKeys: String, CodingKey { case value, confidence, source, status }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.value, forKey: .value)
        try container.encode(self.confidence, forKey: .confidence)
        try container.encode(self.source, forKey: .source)
        try container.encode(self.value == nil ? Extracted<Int>.manualReview : "extracted", forKey: .status)
    }
}

struct MoneyDTO: Encodable, Sendable {
    let amount: Decimal
    let currency: String
    let tax: String?

    init(_ money: Money) {
        self.amount = money.amount
        self.currency = money.currency
        self.tax = money.tax?.rawValue
    }
}

struct SourceDTO: Encodable, Sendable {
    let documentID: String
    let sha256: String
    let location: String
    let snippet: String

    enum CodingKeys: String, CodingKey {
        case sha256, location, snippet
        case documentID = "document_id"
    }

    init(_ source: SourceRef) {
        self.documentID = source.documentID.uuidString.lowercased()
        self.sha256 = source.sha256
        self.location = source.location.description
        self.snippet = source.snippet
    }
}

/// Absent points and weights are explicit nulls, so clients see every field.
struct CriterionDTO: Encodable, Sendable {
    let criterion: Criterion

    init(_ criterion: Criterion) { self.criterion = criterion }

    enum CodingKeys: String, CodingKey {
        case label, category, points, eliminatory, source
        case weightPercent = "weight_percent"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.criterion.label, forKey: .label)
        try container.encode(self.criterion.category.rawValue, forKey: .category)
        try container.encode(self.criterion.points, forKey: .points)
        try container.encode(self.criterion.weightPercent, forKey: .weightPercent)
        try container.encode(self.criterion.eliminatory, forKey: .eliminatory)
        try container.encode(SourceDTO(self.criterion.source), forKey: .source)
    }
}

struct CorrectionDTO: Encodable, Sendable {
    let field: String
    let value: JSONValue
    let reason: String
    let correctedBy: String
    let correctedAt: String

    enum CodingKeys: String, CodingKey {
        case field, value, reason
        case correctedBy = "corrected_by"
        case correctedAt = "corrected_at"
    }

    init(_ correction: Correction) {
        self.field = correction.field.rawValue
        self.value = correction.value
        self.reason = correction.reason
        self.correctedBy = correction.correctedBy
        self.correctedAt = correction.correctedAt.iso8601
    }
}

struct AnalysisInputDTO: Encodable, Sendable {
    let documentID: String
    let kind: String
    let filename: String
    let sha256: String

    enum CodingKeys: String, CodingKey {
        case kind, filename, sha256
        case documentID = "document_id"
    }

    init(_ input: AnalysisInput) {
        self.documentID = input.documentID.uuidString.lowercased()
        self.kind = input.kind.rawValue
        self.filename = input.filename
        self.sha256 = input.sha256
    }
}

/// `PATCH /api/cases/{id}/offers/{supplier_key}` body; the domain checks it (`NewCorrection`).
struct CorrectionRequest: Decodable, Sendable {
    let field: String?
    let value: JSONValue?
    let reason: String?
}
