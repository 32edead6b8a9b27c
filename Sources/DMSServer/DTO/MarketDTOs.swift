import DMSCore
import Foundation
import Hummingbird

/// A number sent as a JSON number or as text (`"4 750"`, `"4750,50"`): kept as the text it was,
/// for the domain to parse.
struct LenientNumber: Decodable, Sendable {
    let text: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self.text = text
        } else if let number = try? container.decode(Decimal.self) {
            self.text = "\(number)"
        } else {
            throw DecodingError.typeMismatch(String.self, .init(codingPath: decoder.codingPath, debugDescription: "attendu : un nombre ou un texte"))
        }
    }
}

struct CreateCatalogEntryRequest: Decodable, Sendable {
    let name: String?
    let aliases: [String]?
    let category: String?
    let baseUnit: String?
    let factor: LenientNumber?
    let level: String?
    let parent: String?
    let nif: String?
    let rccm: String?

    enum CodingKeys: String, CodingKey {
        case name, aliases, category, factor, level, parent, nif, rccm
        case baseUnit = "base_unit"
    }

    func entry(_ kind: CatalogKind) throws(ValidationError) -> NewCatalogEntry {
        var factor: Decimal?
        if let text = self.factor?.text {
            guard let parsed = PriceText.parse(text) else { throw ValidationError(field: "factor", message: "nombre attendu") }
            factor = parsed
        }
        let details = try NewCatalogEntry.details(kind: kind, category: self.category, baseUnit: self.baseUnit, factor: factor, level: self.level,
                                                  parent: self.parent, nif: self.nif, rccm: self.rccm)
        return try NewCatalogEntry(kind: kind, name: self.name, aliases: self.aliases, details: details)
    }
}

struct AliasesRequest: Decodable, Sendable {
    let aliases: [String]?
}

struct CatalogEntryDTO: ResponseEncodable, Sendable {
    let id: String
    let kind: String
    let name: String
    let aliases: [String]
    let similarity: Double?
    let category: String?
    let baseUnit: String?
    let factor: Decimal?
    let level: String?
    let parentID: String?
    let path: [String]?
    let nif: String?
    let rccm: String?

    enum CodingKeys: String, CodingKey {
        case id, kind, name, aliases, similarity, category, factor, level, path, nif, rccm
        case baseUnit = "base_unit"
        case parentID = "parent_id"
    }

    init(_ entry: CatalogEntry) {
        self.id = entry.id.uuidString.lowercased()
        self.kind = entry.kind.rawValue
        self.name = entry.name
        self.aliases = entry.aliases
        self.similarity = entry.similarity.map { ($0 * 1000).rounded() / 1000 }
        var category: String?, baseUnit: String?, factor: Decimal?, level: String?, parentID: String?, path: [String]?, nif: String?, rccm: String?
        switch entry.details {
        case .item(let c, let b): (category, baseUnit) = (c, b.rawValue)
        case .unit(let b, let f): (baseUnit, factor) = (b.rawValue, f)
        case .place(let l, let p, let pa): (level, parentID, path) = (l.rawValue, p?.uuidString.lowercased(), pa)
        case .vendor(let n, let r): (nif, rccm) = (n, r)
        }
        (self.category, self.baseUnit, self.factor, self.level, self.parentID, self.path, self.nif, self.rccm) =
            (category, baseUnit, factor, level, parentID, path, nif, rccm)
    }
}

struct CatalogListDTO: ResponseEncodable, Sendable {
    let items: [CatalogEntryDTO]
}

struct ProposeSignalRequest: Decodable, Sendable {
    let item: String?
    let unit: String?
    let unitPrice: LenientNumber?
    let currency: String?
    let place: String?
    let vendor: String?
    let observedOn: String?
    let note: String?

    enum CodingKeys: String, CodingKey {
        case item, unit, currency, place, vendor, note
        case unitPrice = "unit_price"
        case observedOn = "observed_on"
    }
}

struct RejectRequest: Decodable, Sendable {
    let reason: String?
}

struct BulkIDsRequest: Decodable, Sendable {
    let ids: [String]?
}

struct RefDTO: Encodable, Sendable {
    let id: String
    let name: String

    init(_ ref: MarketSignal.Ref) {
        self.id = ref.id.uuidString.lowercased()
        self.name = ref.name
    }
}

struct SignalDTO: ResponseEncodable, Sendable {
    let id: String
    let item: RefDTO
    let unit: RefDTO
    let unitPrice: Decimal
    let currency: String
    let baseUnit: String
    let baseUnitPrice: Decimal
    let place: RefDTO
    let vendor: RefDTO?
    let observedOn: String
    let source: String
    let sourceDetail: String?
    let caseID: String?
    let note: String?
    let status: String
    let reason: String?
    let proposedBy: String
    let proposedAt: String
    let reviewedBy: String?
    let reviewedAt: String?

    enum CodingKeys: String, CodingKey {
        case id, item, unit, currency, place, vendor, source, note, status, reason
        case unitPrice = "unit_price"
        case baseUnit = "base_unit"
        case baseUnitPrice = "base_unit_price"
        case observedOn = "observed_on"
        case sourceDetail = "source_detail"
        case caseID = "case_id"
        case proposedBy = "proposed_by"
        case proposedAt = "proposed_at"
        case reviewedBy = "reviewed_by"
        case reviewedAt = "reviewed_at"
    }

    init(_ signal: MarketSignal) {
        self.id = signal.id.uuidString.lowercased()
        self.item = RefDTO(signal.item)
        self.unit = RefDTO(signal.unit)
        self.unitPrice = signal.unitPrice
        self.currency = signal.currency
        self.baseUnit = signal.baseUnit.rawValue
        self.baseUnitPrice = signal.baseUnitPrice
        self.place = RefDTO(signal.place)
        self.vendor = signal.vendor.map(RefDTO.init)
        self.observedOn = signal.observedOn
        self.source = signal.source.rawValue
        self.sourceDetail = signal.sourceDetail
        self.caseID = signal.caseID?.uuidString.lowercased()
        self.note = signal.note
        self.status = signal.status.rawValue
        self.reason = signal.reason
        self.proposedBy = signal.proposedBy
        self.proposedAt = signal.proposedAt.iso8601
        self.reviewedBy = signal.reviewedBy
        self.reviewedAt = signal.reviewedAt?.iso8601
    }
}

struct SignalPageDTO: ResponseEncodable, Sendable {
    let items: [SignalDTO]
    let total: Int
    let limit: Int
    let offset: Int
    let nextOffset: Int?

    enum CodingKeys: String, CodingKey {
        case items, total, limit, offset
        case nextOffset = "next_offset"
    }
}

struct SignalListDTO: ResponseEncodable, Sendable {
    let items: [SignalDTO]
}

struct StatsRowDTO: Encodable, Sendable {
    let item: RefDTO
    let place: RefDTO?
    let period: String
    let unit: String
    let currency: String
    let count: Int
    let min: Decimal
    let max: Decimal
    let mean: Decimal
    let median: Decimal

    init(_ row: StatsRow) {
        self.item = RefDTO(row.item)
        self.place = row.place.map(RefDTO.init)
        self.period = row.period
        self.unit = row.unit.rawValue
        self.currency = row.currency
        self.count = row.count
        self.min = row.min
        self.max = row.max
        self.mean = row.mean
        self.median = row.median
    }
}

struct StatsDTO: ResponseEncodable, Sendable {
    let rows: [StatsRowDTO]
    let from: String
    let to: String
    let group: String
}

/// A price line of an offer with its match and market reference (`price_lines` of a case).
struct PriceLineDTO: Encodable, Sendable {
    struct MatchDTO: Encodable, Sendable {
        let item: RefDTO?
        let unit: RefDTO?
        let reason: String?
        let matchedBy: String
        let matchedAt: String

        enum CodingKeys: String, CodingKey {
            case item, unit, reason
            case matchedBy = "matched_by"
            case matchedAt = "matched_at"
        }
    }

    struct ReferenceDTO: Encodable, Sendable {
        let item: RefDTO
        let region: String
        let median: Decimal
        let baseUnit: String
        let currency: String
        let count: Int
        let firstObserved: String
        let lastObserved: String
        /// The median in the line's unit (`per_unit`), when that unit measures the same thing.
        let inLineUnit: Decimal?
        let lineUnit: String?

        enum CodingKeys: String, CodingKey {
            case item, region, median, currency, count
            case baseUnit = "base_unit"
            case firstObserved = "first_observed"
            case lastObserved = "last_observed"
            case inLineUnit = "in_line_unit"
            case lineUnit = "line_unit"
        }
    }

    let key: String
    let supplierKey: String
    let position: Int
    let designation: String
    let unit: String?
    let quantity: Decimal?
    let unitPrice: Decimal?
    let lineTotal: Decimal?
    let currency: String?
    let confidence: String
    let arithmetic: String
    let source: SourceDTO
    let match: MatchDTO?
    let suggestion: RefDTO?
    let reference: ReferenceDTO?
    /// The reference in French words, or « pas de référence ».
    let referenceText: String

    enum CodingKeys: String, CodingKey {
        case key, position, designation, unit, quantity, currency, confidence, arithmetic, source, match, suggestion, reference
        case supplierKey = "supplier_key"
        case unitPrice = "unit_price"
        case lineTotal = "line_total"
        case referenceText = "reference_text"
    }

    init(_ priced: OfferPriceLine) {
        let line = priced.line
        self.key = priced.key
        self.supplierKey = priced.supplierKey
        self.position = priced.position
        self.designation = line.designation
        self.unit = line.unit
        self.quantity = line.quantity
        self.unitPrice = line.unitPrice
        self.lineTotal = line.lineTotal
        self.currency = line.currency
        self.confidence = line.confidence.rawValue
        self.arithmetic = line.arithmetic.rawValue
        self.source = SourceDTO(line.source)
        self.match = priced.match.map {
            MatchDTO(item: $0.item.map(RefDTO.init), unit: $0.unit.map(RefDTO.init), reason: $0.reason, matchedBy: $0.matchedBy, matchedAt: $0.matchedAt.iso8601)
        }
        self.suggestion = priced.suggestion.map(RefDTO.init)
        self.reference = priced.reference.map {
            ReferenceDTO(item: RefDTO(.init(id: $0.itemID, name: $0.itemName)), region: $0.region, median: $0.median, baseUnit: $0.baseUnit.rawValue,
                         currency: $0.currency, count: $0.count, firstObserved: $0.firstObserved, lastObserved: $0.lastObserved,
                         inLineUnit: priced.referenceInLineUnit, lineUnit: priced.referenceInLineUnit == nil ? nil : priced.unit?.ref.name)
        }
        self.referenceText = priced.referenceText { "\($0)" }
    }
}

struct MatchPriceLineRequest: Decodable, Sendable {
    let item: String?
    let unit: String?
    let reason: String?
}
