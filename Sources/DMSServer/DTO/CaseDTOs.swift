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
    let procedure: ProcedureDTO
    let sealedOffers: [SealedOfferDTO]

    enum CodingKeys: String, CodingKey {
        case decision, events, documents, analysis, place, procedure
        case priceLines = "price_lines"
        case sealedOffers = "sealed_offers"
    }

    init(_ view: CaseView) {
        self.procedure = ProcedureDTO(view.detail.procedure)
        self.sealedOffers = view.detail.sealedOffers.map(SealedOfferDTO.init)
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
        try container.encode(self.procedure, forKey: .procedure)
        try container.encode(self.sealedOffers, forKey: .sealedOffers)
    }
}

/// Deadline, opening session, budget; `seals_offers` while offers arrive sealed.
struct ProcedureDTO: Encodable, Sendable {
    struct BudgetDTO: Codable, Sendable {
        let amount: Double?
        let currency: String?
    }

    let deadlineAt: String?
    let openingAt: String?
    let timeZone: String
    let budget: BudgetDTO?
    let openedAt: String?
    let sealsOffers: Bool

    enum CodingKeys: String, CodingKey {
        case budget
        case deadlineAt = "deadline_at"
        case openingAt = "opening_at"
        case timeZone = "time_zone"
        case openedAt = "opened_at"
        case sealsOffers = "seals_offers"
    }

    init(_ procedure: CaseProcedure) {
        self.deadlineAt = procedure.deadlineAt?.iso8601
        self.openingAt = procedure.openingAt?.iso8601
        self.timeZone = procedure.timeZone
        self.budget = procedure.budget.map { BudgetDTO(amount: $0.amount, currency: $0.currency) }
        self.openedAt = procedure.openedAt?.iso8601
        self.sealsOffers = procedure.sealsOffers
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.deadlineAt, forKey: .deadlineAt)
        try container.encode(self.openingAt, forKey: .openingAt)
        try container.encode(self.timeZone, forKey: .timeZone)
        try container.encode(self.budget, forKey: .budget)
        try container.encode(self.openedAt, forKey: .openedAt)
        try container.encode(self.sealsOffers, forKey: .sealsOffers)
    }
}

/// A sealed offer's receipt: nothing that names the supplier.
struct SealedOfferDTO: Encodable, Sendable {
    let id: String
    let receivedAt: String
    let size: Int
    let sealedSHA256: String
    let late: Bool
    let documentID: String?

    enum CodingKeys: String, CodingKey {
        case id, size, late
        case receivedAt = "received_at"
        case sealedSHA256 = "sealed_sha256"
        case documentID = "document_id"
    }

    init(_ offer: SealedOffer) {
        self.id = offer.id.uuidString.lowercased()
        self.receivedAt = offer.receivedAt.iso8601
        self.size = offer.size
        self.sealedSHA256 = offer.sealedSHA256
        self.late = offer.late
        self.documentID = offer.documentID?.uuidString.lowercased()
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.id, forKey: .id)
        try container.encode(self.receivedAt, forKey: .receivedAt)
        try container.encode(self.size, forKey: .size)
        try container.encode(self.sealedSHA256, forKey: .sealedSHA256)
        try container.encode(self.late, forKey: .late)
        try container.encode(self.documentID, forKey: .documentID)
    }
}

/// `POST /api/cases/{id}/opening`.
struct OpeningRequest: Decodable, Sendable {
    let present: [String]?
    let members: [String]?
}

struct OpenedOfferDTO: Encodable, Sendable {
    let sealedOfferID: String
    let sealedSHA256: String
    let documentID: String
    let filename: String
    let sha256: String
    let size: Int
    let late: Bool

    enum CodingKeys: String, CodingKey {
        case filename, sha256, size, late
        case sealedOfferID = "sealed_offer_id"
        case sealedSHA256 = "sealed_sha256"
        case documentID = "document_id"
    }

    init(_ offer: EventPayload.OpenedOffer) {
        self.sealedOfferID = offer.sealedOfferID.uuidString.lowercased()
        self.sealedSHA256 = offer.sealedSHA256
        self.documentID = offer.documentID.uuidString.lowercased()
        self.filename = offer.filename
        self.sha256 = offer.sha256
        self.size = offer.size
        self.late = offer.late
    }
}

struct OpeningDTO: ResponseEncodable, Sendable {
    let offers: [OpenedOfferDTO]
    let report: IssuedReportDTO
    let `case`: CaseDetailDTO
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
    let deadlineAt: String?
    let openingAt: String?
    let timeZone: String?
    let budget: ProcedureDTO.BudgetDTO?

    enum CodingKeys: String, CodingKey {
        case place, budget
        case deadlineAt = "deadline_at"
        case openingAt = "opening_at"
        case timeZone = "time_zone"
    }

    func procedure() throws -> ProcedureChange {
        try ProcedureChange(deadlineAt: self.deadlineAt, openingAt: self.openingAt, timeZone: self.timeZone,
                            budgetAmount: self.budget?.amount, budgetCurrency: self.budget?.currency)
    }
}
