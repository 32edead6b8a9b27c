import DMSCore
import Foundation
import Logging
import PostgresNIO

/// The price lines of a case's offers with people's matches to catalog items and, B→A, the
/// validated market reference of each item in the case's région (read only).
public struct PricingRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The case's price lines now; references over the 12 months up to today.
    public func lines(caseID: UUID, placeID: UUID?, logger: Logger) async throws -> [OfferPriceLine] {
        try await self.database.run { client in
            try await client.withConnection { connection in
                try await Self.lines(caseID: caseID, placeID: placeID, asOf: nil, on: connection, logger: logger)
            }
        }
    }

    /// Records a person's match of one line (the latest counts) with its `price_line_matches`
    /// row and `price_line_matched` event; refused once the case is decided (its A→B is done).
    public func match(caseID: UUID, lineKey: String, _ new: NewPriceLineMatch, actor: Principal, logger: Logger) async throws {
        try await self.database.transaction(logger: logger) { connection in
            guard let status = try await CommitteeRepository.caseStatus(caseID, on: connection, lock: true, logger: logger) else {
                throw CaseError.notFound(caseID)
            }
            guard status != .decided else { throw CaseError.alreadyDecided(caseID) }
            let exists = try await connection.query("""
                SELECT EXISTS (SELECT 1 FROM offer_price_lines WHERE case_id = \(caseID) AND line_key = \(lineKey))
                """, logger: logger).decode(Bool.self).all().first ?? false
            guard exists else { throw AnalysisError.unknownPriceLine(lineKey) }
            var item: CatalogEntry?
            var unit: CatalogEntry?
            if let name = new.item, let unitName = new.unit {
                item = try await CatalogRepository.resolve(.item, name, field: "item", on: connection, logger: logger)
                unit = try await CatalogRepository.resolve(.unit, unitName, field: "unit", on: connection, logger: logger)
                if let item, let unit, case .item(_, let itemBase) = item.details, case .unit(let unitBase, _) = unit.details, itemBase != unitBase {
                    throw CatalogError.incompatibleUnit(unit: unit.name, unitBase: unitBase, item: item.name, itemBase: itemBase)
                }
            }
            let payload = EventPayload.priceLineMatched(lineKey: lineKey, itemID: item?.id, unitID: unit?.id, reason: new.reason)
            try await connection.query("""
                WITH matched AS (
                    INSERT INTO price_line_matches (case_id, line_key, item_id, unit_id, reason, matched_by, actor_id)
                    VALUES (\(caseID), \(lineKey), \(item?.id), \(unit?.id), \(new.reason), \(actor.value), \(actor.userID))
                    RETURNING case_id
                )
                INSERT INTO events (case_id, type, actor, actor_id, payload)
                SELECT case_id, \(payload.type.rawValue), \(actor.value), \(actor.userID), \(payload.json)::jsonb FROM matched
                """, logger: logger)
            try await connection.query("UPDATE cases SET updated_at = now() WHERE id = \(caseID)", logger: logger)
        }
    }

    /// On a caller's connection (a report's snapshot). `asOf` (`YYYY-MM-DD`) ends the reference
    /// window; nil is today.
    static func lines(caseID: UUID, placeID: UUID?, asOf: String?, on connection: PostgresConnection, logger: Logger) async throws -> [OfferPriceLine] {
        let rows = try await connection.query("""
            SELECT json_build_object(
                'line', to_json(l),
                'matched', m.seq IS NOT NULL, 'item_id', m.item_id, 'item', mi.name, 'unit_id', m.unit_id, 'unit_name', mu.name,
                'unit_base', mu.base_unit, 'unit_factor', mu.factor::text, 'reason', m.reason, 'matched_by', m.matched_by,
                'matched_at', CASE WHEN m.seq IS NULL THEN NULL ELSE iso_utc(m.matched_at) END,
                'suggested_id', sug.entry_id, 'suggested', si.name,
                'line_unit_id', lu.id, 'line_unit', lu.name, 'line_unit_base', lu.base_unit, 'line_unit_factor', lu.factor::text,
                'today', (now() AT TIME ZONE 'UTC')::date::text)::text
            FROM offer_price_lines l
            LEFT JOIN LATERAL (
                SELECT pm.* FROM price_line_matches pm WHERE pm.case_id = l.case_id AND pm.line_key = l.line_key ORDER BY pm.seq DESC LIMIT 1
            ) m ON true
            LEFT JOIN catalog_items mi ON mi.id = m.item_id
            LEFT JOIN catalog_units mu ON mu.id = m.unit_id
            LEFT JOIN LATERAL (
                SELECT n.entry_id FROM catalog_names n
                WHERE m.seq IS NULL AND n.kind = 'item' AND n.folded <% catalog_fold(l.designation)
                ORDER BY word_similarity(n.folded, catalog_fold(l.designation)) DESC, length(n.folded) DESC, n.entry_id LIMIT 1
            ) sug ON true
            LEFT JOIN catalog_items si ON si.id = sug.entry_id
            LEFT JOIN LATERAL (
                SELECT u.id, u.name, u.base_unit, u.factor FROM catalog_names n JOIN catalog_units u ON u.id = n.entry_id
                WHERE m.seq IS NULL AND l.unit IS NOT NULL AND n.kind = 'unit' AND n.folded = catalog_fold(l.unit) LIMIT 1
            ) lu ON true
            WHERE l.case_id = \(caseID)
            ORDER BY l.supplier_key, l.position
            """, logger: logger)
        var decoded: [PricingRow] = []
        for try await json in rows.decode(String.self) {
            decoded.append(try JSONDecoder().decode(PricingRow.self, from: Data(json.utf8)))
        }
        guard !decoded.isEmpty else { return [] }
        var references: [UUID: ReferencePrice] = [:]
        if let placeID {
            let items = Set(decoded.compactMap { $0.matched ? $0.item_id : $0.suggested_id })
            references = try await MarketRepository.references(items: Array(items), placeID: placeID, asOf: asOf ?? decoded[0].today,
                                                               on: connection, logger: logger)
        }
        return try decoded.map { try $0.priceLine(references) }
    }
}

/// One price line as `PricingRepository.lines` builds it (the store's own format).
struct PricingRow: Decodable {
    /// The `offer_price_lines` row as stored.
    let line: PriceLineRow
    let matched: Bool
    let item_id: UUID?
    let item: String?
    let unit_id: UUID?
    let unit_name: String?
    let unit_base: String?
    let unit_factor: String?
    let reason: String?
    let matched_by: String?
    let matched_at: String?
    let suggested_id: UUID?
    let suggested: String?
    let line_unit_id: UUID?
    let line_unit: String?
    let line_unit_base: String?
    let line_unit_factor: String?
    let today: String

    func priceLine(_ references: [UUID: ReferencePrice]) throws -> OfferPriceLine {
        let line = try self.line.line()
        var match: OfferPriceLine.Match?
        if self.matched, let by = self.matched_by, let at = self.matched_at {
            match = .init(item: self.item_id.map { .init(id: $0, name: self.item ?? "") }, unit: self.unit_id.map { .init(id: $0, name: self.unit_name ?? "") },
                          reason: self.reason, matchedBy: by, matchedAt: Timestamp(iso8601: at))
        }
        var unit: OfferPriceLine.UnitMeasure?
        if let id = self.unit_id, let base = self.unit_base.flatMap(BaseUnit.init), let factor = self.unit_factor.flatMap({ Decimal(string: $0) }) {
            unit = .init(ref: .init(id: id, name: self.unit_name ?? ""), baseUnit: base, factor: factor)
        } else if let id = self.line_unit_id, let base = self.line_unit_base.flatMap(BaseUnit.init),
                  let factor = self.line_unit_factor.flatMap({ Decimal(string: $0) }) {
            unit = .init(ref: .init(id: id, name: self.line_unit ?? ""), baseUnit: base, factor: factor)
        }
        let suggestion = self.matched ? nil : self.suggested_id.map { MarketSignal.Ref(id: $0, name: self.suggested ?? "") }
        let itemID = self.matched ? self.item_id : self.suggested_id
        return OfferPriceLine(key: self.line.line_key, supplierKey: self.line.supplier_key, position: self.line.position, line: line, match: match,
                              suggestion: suggestion, unit: unit, reference: itemID.flatMap { references[$0] })
    }
}
