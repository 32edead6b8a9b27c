import DMSCore
import Foundation

/// A signal as `MarketRepository.signalJSON` builds it (the store's own format).
struct SignalRow: Decodable {
    let id: UUID
    let item_id: UUID
    let item: String
    let unit_id: UUID
    let unit: String
    let unit_price: String
    let currency: String
    let base_unit: String
    let base_unit_price: String
    let place_id: UUID
    let place: String
    let vendor_id: UUID?
    let vendor: String?
    let observed_on: String
    let source: String
    let source_detail: String?
    let case_id: UUID?
    let note: String?
    let status: String
    let reason: String?
    let proposed_by: String
    let proposed_at: String
    let reviewed_by: String?
    let reviewed_at: String?

    func signal() throws -> MarketSignal {
        guard let source = SignalSource(rawValue: self.source), let status = SignalStatus(rawValue: self.status),
              let baseUnit = BaseUnit(rawValue: self.base_unit), let price = Decimal(string: self.unit_price),
              let basePrice = Decimal(string: self.base_unit_price) else {
            throw DatabaseError.unexpected("market signal \(self.id) has an unknown source, status or number")
        }
        return MarketSignal(
            id: self.id, item: .init(id: self.item_id, name: self.item), unit: .init(id: self.unit_id, name: self.unit),
            unitPrice: price, currency: self.currency, baseUnit: baseUnit, baseUnitPrice: basePrice,
            place: .init(id: self.place_id, name: self.place), vendor: self.vendor_id.map { .init(id: $0, name: self.vendor ?? "") },
            observedOn: self.observed_on, source: source, sourceDetail: self.source_detail, caseID: self.case_id, note: self.note,
            status: status, reason: self.reason, proposedBy: self.proposed_by, proposedAt: Timestamp(iso8601: self.proposed_at),
            reviewedBy: self.reviewed_by, reviewedAt: self.reviewed_at.map(Timestamp.init(iso8601:)))
    }

    static func decode(_ json: String) throws -> MarketSignal {
        try JSONDecoder().decode(SignalRow.self, from: Data(json.utf8)).signal()
    }
}

extension MarketRepository {
    /// One signal as JSON, `s` being `market_signals`.
    static let signalJSON = """
        json_build_object(
            'id', s.id, 'item_id', s.item_id, 'item', i.name, 'unit_id', s.unit_id, 'unit', u.name,
            'unit_price', s.unit_price::text, 'currency', s.currency, 'base_unit', i.base_unit,
            'base_unit_price', s.base_unit_price::text, 'place_id', s.place_id, 'place', p.name,
            'vendor_id', s.vendor_id, 'vendor', v.name, 'observed_on', s.observed_on::text, 'source', s.source,
            'source_detail', s.source_detail, 'case_id', s.case_id, 'note', s.note, 'status', s.status, 'reason', s.reason,
            'proposed_by', s.proposed_by, 'proposed_at', iso_utc(s.proposed_at), 'reviewed_by', s.reviewed_by,
            'reviewed_at', CASE WHEN s.reviewed_at IS NULL THEN NULL ELSE iso_utc(s.reviewed_at) END)::text
        """
    static let signalJoins = """
        JOIN catalog_items i ON i.id = s.item_id JOIN catalog_units u ON u.id = s.unit_id
        JOIN catalog_places p ON p.id = s.place_id LEFT JOIN catalog_vendors v ON v.id = s.vendor_id
        """
}

/// A case's place as the case detail query builds it.
struct PlaceRow: Decodable {
    let id: UUID
    let name: String
    let level: String
    let path: [String]?

    static func decode(_ json: String) throws -> CasePlace {
        let row = try JSONDecoder().decode(PlaceRow.self, from: Data(json.utf8))
        return CasePlace(id: row.id, name: row.name, level: PlaceLevel(rawValue: row.level) ?? .marche, path: row.path ?? [row.name])
    }
}
