import DMSApp
import DMSCore
import Foundation
import Hummingbird

/// `POST /api/cases` body. Every field optional at the JSON level so that the domain, not the
/// decoder, says which one is missing.
struct CreateCaseRequest: Decodable, Sendable {
    let caseType: String?
    let title: String?
    let lot: String?

    enum CodingKeys: String, CodingKey {
        case caseType = "case_type"
        case title, lot
    }
}

/// `POST /api/decide/{case_id}` body (and the legacy `POST /api/decide` with `case_id`).
struct DecideRequest: Decodable, Sendable {
    let caseID: String?
    let chosenSupplier: String?
    let decisionReason: String?
    let nextAction: String?
    /// Members present (account ids), when the case has a committee.
    let present: [String]?

    enum CodingKeys: String, CodingKey {
        case present
        case caseID = "case_id"
        case chosenSupplier = "chosen_supplier"
        case decisionReason = "decision_reason"
        case nextAction = "next_action"
    }
}

struct CaseDTO: ResponseEncodable, Sendable {
    let id: UUID
    let caseType: String
    let title: String
    let lot: String?
    let status: String
    let createdAt: String
    let updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id, title, lot, status
        case caseType = "case_type"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    init(_ record: Case) {
        self.id = record.id
        self.caseType = record.caseType.rawValue
        self.title = record.title
        self.lot = record.lot
        self.status = record.status.rawValue
        self.createdAt = record.createdAt.iso8601
        self.updatedAt = record.updatedAt.iso8601
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.id.uuidString.lowercased(), forKey: .id)
        try container.encode(self.caseType, forKey: .caseType)
        try container.encode(self.title, forKey: .title)
        try container.encode(self.lot, forKey: .lot)  // explicit null: clients see the field
        try container.encode(self.status, forKey: .status)
        try container.encode(self.createdAt, forKey: .createdAt)
        try container.encode(self.updatedAt, forKey: .updatedAt)
    }
}

/// One page of any list: `{items, next_cursor}` with an explicit null on the last page.
struct PageDTO<Item: Encodable & Sendable>: ResponseEncodable, Sendable {
    let items: [Item]
    let nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.items, forKey: .items)
        try container.encode(self.nextCursor, forKey: .nextCursor)
    }
}

struct DecisionDTO: Encodable, Sendable {
    let chosenSupplier: String
    let decisionReason: String
    let nextAction: String?
    let decidedBy: String
    let decidedAt: String

    enum CodingKeys: String, CodingKey {
        case chosenSupplier = "chosen_supplier"
        case decisionReason = "decision_reason"
        case nextAction = "next_action"
        case decidedBy = "decided_by"
        case decidedAt = "decided_at"
    }

    init(_ decision: Decision) {
        self.chosenSupplier = decision.chosenSupplier
        self.decisionReason = decision.decisionReason
        self.nextAction = decision.nextAction
        self.decidedBy = decision.decidedBy
        self.decidedAt = decision.decidedAt.iso8601
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.chosenSupplier, forKey: .chosenSupplier)
        try container.encode(self.decisionReason, forKey: .decisionReason)
        try container.encode(self.nextAction, forKey: .nextAction)
        try container.encode(self.decidedBy, forKey: .decidedBy)
        try container.encode(self.decidedAt, forKey: .decidedAt)
    }
}

/// A case with its decision, documents and memory: `GET /api/cases/{id}` and the decide answer.
struct CaseDetailDTO: ResponseEncodable, Sendable {
    let record: CaseDTO
    let decision: DecisionDTO?
    let documents: [DocumentDTO]
    let events: [EventDTO]
    let analysis: AnalysisDTO?
    let place: CasePlaceDTO?
    let priceLines: [PriceLineDTO]

    enum CodingKeys: String, CodingKey {
        case decision, events, documents, analysis, place
        case priceLines = "price_lines"
    }

    init(_ view: CaseView) {
        self.priceLines = view.priceLines.map(PriceLineDTO.init)
        self.place = view.detail.place.map(CasePlaceDTO.init)
        self.analysis = view.analysis.map(AnalysisDTO.init)
        self.record = CaseDTO(view.detail.case)
        self.decision = view.detail.decision.map(DecisionDTO.init)
        self.documents = view.detail.documents.map(DocumentDTO.init)
        self.events = view.detail.events.map(EventDTO.init)
    }

    func encode(to encoder: any Encoder) throws {
        try self.record.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.decision, forKey: .decision)
        try container.encode(self.events, forKey: .events)
        try container.encode(self.documents, forKey: .documents)
        try container.encode(self.analysis, forKey: .analysis)
        try container.encode(self.place, forKey: .place)
        try container.encode(self.priceLines, forKey: .priceLines)
    }
}

struct CasePlaceDTO: Encodable, Sendable {
    let id: String
    let name: String
    let level: String
    let path: [String]

    init(_ place: CasePlace) {
        self.id = place.id.uuidString.lowercased()
        self.name = place.name
        self.level = place.level.rawValue
        self.path = place.path
    }
}

/// `PATCH /api/cases/{id}`.
struct UpdateCaseRequest: Decodable, Sendable {
    let place: String?
}
