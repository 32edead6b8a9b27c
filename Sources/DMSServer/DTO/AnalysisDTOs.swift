import DMSCore
import Foundation
import Hummingbird

/// The analysis as the API shows it: criteria in the DAO's order, suppliers alphabetically, each
/// field with its value (or `REVUE MANUELLE`), confidence and source, corrections beside it.
struct AnalysisDTO: ResponseEncodable, Sendable {
    let analysis: CaseAnalysis

    init(_ analysis: CaseAnalysis) { self.analysis = analysis }

    enum CodingKeys: String, CodingKey {
        case run, inputs, documents, warnings, criteria, offers
        case runAt = "run_at"
        case runBy = "run_by"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.analysis.run, forKey: .run)
        try container.encode(self.analysis.documents.map(DocumentReadingDTO.init), forKey: .documents)
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
/// `candidates` (other values read for the field, each with its source) appears only when there are some.
struct ExtractedDTO<Wire: Encodable & Sendable>: Encodable, Sendable {
    struct CandidateDTO: Encodable, Sendable {
        let value: Wire
        let source: SourceDTO
    }

    let value: Wire?
    let confidence: String?
    let source: SourceDTO?
    let candidates: [CandidateDTO]

    init<Value>(_ extracted: Extracted<Value>, value: (Value) -> Wire) {
        self.value = extracted.value.map(value)
        self.confidence = extracted.confidence?.rawValue
        self.source = extracted.source.map(SourceDTO.init)
        self.candidates = extracted.candidates.map { CandidateDTO(value: value($0.value), source: SourceDTO($0.source)) }
    }

    enum CodingKeys: String, CodingKey { case value, confidence, source, status, candidates }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.value, forKey: .value)
        try container.encode(self.confidence, forKey: .confidence)
        try container.encode(self.source, forKey: .source)
        try container.encode(self.value == nil ? Extracted<Int>.manualReview : "extracted", forKey: .status)
        if !self.candidates.isEmpty { try container.encode(self.candidates, forKey: .candidates) }
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

/// Absent points and weights are explicit nulls, so clients see every field. `source` is null
/// for a criterion a person added; `edit` says who last changed it and why.
struct CriterionDTO: Encodable, Sendable {
    let criterion: Criterion

    init(_ criterion: Criterion) { self.criterion = criterion }

    enum CodingKeys: String, CodingKey {
        case id, label, category, points, eliminatory, source, edit
        case weightPercent = "weight_percent"
    }

    enum EditKeys: String, CodingKey {
        case action, reason, by, at
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.criterion.id.uuidString.lowercased(), forKey: .id)
        try container.encode(self.criterion.label, forKey: .label)
        try container.encode(self.criterion.category.rawValue, forKey: .category)
        try container.encode(self.criterion.points, forKey: .points)
        try container.encode(self.criterion.weightPercent, forKey: .weightPercent)
        try container.encode(self.criterion.eliminatory, forKey: .eliminatory)
        try container.encode(self.criterion.source.map(SourceDTO.init), forKey: .source)
        if let edit = self.criterion.edit {
            var nested = container.nestedContainer(keyedBy: EditKeys.self, forKey: .edit)
            try nested.encode(edit.action.rawValue, forKey: .action)
            try nested.encode(edit.reason, forKey: .reason)
            try nested.encode(edit.by, forKey: .by)
            try nested.encode(edit.at.iso8601, forKey: .at)
        } else {
            try container.encodeNil(forKey: .edit)
        }
    }
}

struct DocumentReadingDTO: Encodable, Sendable {
    let documentID: String
    let filename: String
    let status: String
    let reason: String?

    enum CodingKeys: String, CodingKey {
        case filename, status, reason
        case documentID = "document_id"
    }

    init(_ reading: DocumentReading) {
        self.documentID = reading.documentID.uuidString.lowercased()
        self.filename = reading.filename
        self.status = reading.status.rawValue
        self.reason = reading.reason
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.documentID, forKey: .documentID)
        try container.encode(self.filename, forKey: .filename)
        try container.encode(self.status, forKey: .status)
        try container.encode(self.reason, forKey: .reason)
    }
}

struct AnalysisRunDTO: Encodable, Sendable {
    let summary: AnalysisRunSummary

    enum CodingKeys: String, CodingKey {
        case run, inputs, documents, warnings, criteria, suppliers
        case runAt = "run_at"
        case runBy = "run_by"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.summary.run, forKey: .run)
        try container.encode(self.summary.runAt.iso8601, forKey: .runAt)
        try container.encode(self.summary.runBy, forKey: .runBy)
        try container.encode(self.summary.inputs.map(AnalysisInputDTO.init), forKey: .inputs)
        try container.encode(self.summary.documents.map(DocumentReadingDTO.init), forKey: .documents)
        try container.encode(self.summary.warnings, forKey: .warnings)
        try container.encode(self.summary.criteria, forKey: .criteria)
        try container.encode(self.summary.suppliers, forKey: .suppliers)
    }
}

struct AnalysisRunListDTO: ResponseEncodable, Sendable {
    let items: [AnalysisRunDTO]
}

/// `POST /api/cases/{id}/criteria`, `PATCH …/criteria/{criterion_id}`, `DELETE …` (reason only).
struct CriterionRequest: Decodable, Sendable {
    let label: String?
    let category: String?
    let points: Double?
    let weightPercent: Double?
    let eliminatory: Bool?
    let reason: String?

    enum CodingKeys: String, CodingKey {
        case label, category, points, eliminatory, reason
        case weightPercent = "weight_percent"
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
