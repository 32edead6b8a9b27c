import DMSCore
import Foundation
import Logging
import PostgresNIO

extension MarketRepository {
    /// A→B, inside the decision's transaction: each price line of the chosen offer that a person
    /// matched to a catalog item and unit becomes a proposed signal linked to the case, observed
    /// on the decision's day at the case's place. Lines without a confirmed match, a unit price
    /// or a place are listed as skipped (in the case's `market_signals_proposed` event). Nothing
    /// happens before the decision: this is only called by it.
    static func proposeFromDecision(caseID: UUID, supplierKey: String, chosenSupplier: String, actor: Principal,
                                    on connection: PostgresConnection, logger: Logger) async throws {
        let rows = try await connection.query("""
            WITH chosen AS (
                SELECT o.supplier_key FROM offers o WHERE o.case_id = \(caseID)
                  AND (o.supplier_key = \(supplierKey) OR o.supplier_key IN (
                       SELECT oc.supplier_key FROM offer_corrections oc WHERE oc.case_id = \(caseID) AND oc.field = 'supplier'
                          AND lower(oc.value #>> '{}') = lower(\(chosenSupplier))))
            )
            SELECT l.line_key, l.designation, l.unit_price::text, coalesce(l.currency, 'XOF'), m.item_id, m.unit_id,
                   i.base_unit::text, u.base_unit::text, (SELECT place_id FROM cases WHERE id = \(caseID)),
                   (now() AT TIME ZONE 'UTC')::date::text
            FROM offer_price_lines l
            JOIN chosen c ON c.supplier_key = l.supplier_key
            LEFT JOIN LATERAL (
                SELECT pm.item_id, pm.unit_id FROM price_line_matches pm
                WHERE pm.case_id = l.case_id AND pm.line_key = l.line_key ORDER BY pm.seq DESC LIMIT 1
            ) m ON true
            LEFT JOIN catalog_items i ON i.id = m.item_id
            LEFT JOIN catalog_units u ON u.id = m.unit_id
            WHERE l.case_id = \(caseID)
            ORDER BY l.supplier_key, l.position
            """, logger: logger).decode((String, String, String?, String, UUID?, UUID?, String?, String?, UUID?, String).self).all()
        guard let first = rows.first else { return }
        let (placeID, today) = (first.8, first.9)
        var proposed: [UUID] = []
        var skipped: [String] = []
        for (lineKey, designation, price, currency, itemID, unitID, itemBase, unitBase, _, _) in rows {
            let label = "\(designation.prefix(80))"
            guard let itemID, let unitID else { skipped.append("\(label) : non rapprochée du catalogue"); continue }
            guard itemBase == unitBase else { skipped.append("\(label) : unité incompatible avec l'article"); continue }
            guard let price, let unitPrice = Decimal(string: price), unitPrice > 0 else { skipped.append("\(label) : prix unitaire absent"); continue }
            guard let placeID else { skipped.append("\(label) : le dossier n'a pas de lieu"); continue }
            let rows = try await connection.query("""
                INSERT INTO market_signals (item_id, unit_id, unit_price, currency, base_unit_price, place_id, observed_on, source, source_detail,
                                            case_id, proposed_by, proposed_by_id)
                VALUES (\(itemID), \(unitID), \(price)::numeric, \(currency), 1, \(placeID), \(today)::date, 'case', \("ligne \(lineKey)"),
                        \(caseID), \(actor.value), \(actor.userID))
                RETURNING id
                """, logger: logger)
            for try await id in rows.decode(UUID.self) {
                proposed.append(id)
                let payload = MarketEventPayload.signalProposed(
                    itemID: itemID, unitID: unitID, unitPrice: unitPrice, currency: currency, placeID: placeID, vendorID: nil, observedOn: today,
                    source: .case, sourceDetail: "ligne \(lineKey)", caseID: caseID, note: nil)
                try await MarketEvents.append("signal", id, payload.type.rawValue, payload.json, actor: actor, on: connection, logger: logger)
            }
        }
        let payload = EventPayload.marketSignalsProposed(signalIDs: proposed, supplierKey: supplierKey, skipped: skipped)
        try await connection.query("""
            INSERT INTO events (case_id, type, actor, actor_id, payload) VALUES (\(caseID), \(payload.type.rawValue), \(actor.value), \(actor.userID), \(payload.json)::jsonb)
            """, logger: logger)
    }
}
