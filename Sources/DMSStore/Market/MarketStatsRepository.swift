import DMSCore
import Foundation
import Logging
import PostgresNIO

extension MarketRepository {
    /// Statistics of validated signals by item, place (a place counts every place under it) and
    /// period, prices per base unit. Without a place, every place together.
    public func stats(_ query: StatsQuery, logger: Logger) async throws -> [StatsRow] {
        try await self.database.run { client in
            try await client.withConnection { connection in
                let item = try await query.item.asyncMap { try await CatalogRepository.resolve(.item, $0, field: "item", loose: true, on: connection, logger: logger) }
                let place = try await query.place.asyncMap { try await CatalogRepository.resolve(.place, $0, field: "place", loose: true, on: connection, logger: logger) }
                // Grouped on the date truncated to its period, formatted once per row of the result.
                let (truncate, format): (String, String)
                switch query.group {
                case .month: (truncate, format) = ("month", "to_char(g.period, 'YYYY-MM')")
                case .quarter: (truncate, format) = ("quarter", "to_char(g.period, 'YYYY') || '-T' || to_char(g.period, 'Q')")
                case .year: (truncate, format) = ("year", "to_char(g.period, 'YYYY')")
                }
                var sql = SQLBuilder("""
                    SELECT g.item_id, i.name, i.base_unit::text, \(format), g.currency, g.count, g.min, g.max, g.mean, g.median
                    FROM (
                    SELECT s.item_id, date_trunc('\(truncate)', s.observed_on)::date AS period, s.currency, count(*)::int AS count,
                           min(s.base_unit_price)::text AS min, max(s.base_unit_price)::text AS max, round(avg(s.base_unit_price), 2)::text AS mean,
                           round((percentile_cont(0.5) WITHIN GROUP (ORDER BY s.base_unit_price))::numeric, 2)::text AS median
                    FROM market_signals s
                    """)
                if let place { sql.append(" JOIN place_ancestors a ON a.place_id = s.place_id AND a.ancestor_id = \(sql.bind(place.id))") }
                sql.append(" WHERE s.status = 'validated' AND s.observed_on BETWEEN \(sql.bind(query.from))::date AND \(sql.bind(query.to))::date")
                if let item { sql.append(" AND s.item_id = \(sql.bind(item.id))") }
                sql.append(" GROUP BY s.item_id, 2, s.currency) g JOIN catalog_items i ON i.id = g.item_id ORDER BY i.name, g.item_id, g.period, g.currency LIMIT 5000")
                let placeRef = place.map { MarketSignal.Ref(id: $0.id, name: $0.name) }
                var rows: [StatsRow] = []
                let decoded = try await connection.query(sql.query, logger: logger)
                    .decode((UUID, String, String, String, String, Int, String, String, String, String).self)
                for try await (itemID, itemName, base, period, currency, count, min, max, mean, median) in decoded {
                    rows.append(StatsRow(
                        item: .init(id: itemID, name: itemName), place: placeRef, period: period, unit: BaseUnit(rawValue: base) ?? .piece,
                        currency: currency, count: count, min: Decimal(string: min) ?? 0, max: Decimal(string: max) ?? 0,
                        mean: Decimal(string: mean) ?? 0, median: Decimal(string: median) ?? 0))
                }
                return rows
            }
        }
    }

    /// B→A: for each item, the median of validated signals in the région of `placeID` observed in
    /// the 12 months up to `asOf`. Items without a signal there are absent.
    static func references(items: [UUID], placeID: UUID, asOf: String, on connection: PostgresConnection, logger: Logger) async throws -> [UUID: ReferencePrice] {
        guard !items.isEmpty, let end = CalendarDate(parsing: asOf) else { return [:] }
        let start = end.minus(months: ReferencePrice.windowMonths)
        let rows = try await connection.query("""
            WITH region AS (
                SELECT r.id, r.name FROM place_ancestors pa JOIN catalog_places r ON r.id = pa.ancestor_id
                WHERE pa.place_id = \(placeID) AND r.level IN ('region', 'pays')
                ORDER BY (r.level = 'region') DESC LIMIT 1
            )
            SELECT s.item_id, i.name, i.base_unit::text, region.name, s.currency, count(*)::int,
                   round((percentile_cont(0.5) WITHIN GROUP (ORDER BY s.base_unit_price))::numeric, 2)::text,
                   min(s.observed_on)::text, max(s.observed_on)::text
            FROM region
            JOIN place_ancestors a ON a.ancestor_id = region.id
            JOIN market_signals s ON s.place_id = a.place_id
            JOIN catalog_items i ON i.id = s.item_id
            WHERE s.status = 'validated' AND s.item_id = ANY(\(items)::uuid[])
              AND s.observed_on BETWEEN \(start.iso)::date AND \(end.iso)::date
            GROUP BY s.item_id, i.name, i.base_unit, region.name, s.currency
            ORDER BY count(*) DESC
            """, logger: logger)
        var references: [UUID: ReferencePrice] = [:]
        for try await (itemID, name, base, region, currency, count, median, first, last) in rows
            .decode((UUID, String, String, String, String, Int, String, String, String).self) where references[itemID] == nil {
            references[itemID] = ReferencePrice(itemID: itemID, itemName: name, region: region, baseUnit: BaseUnit(rawValue: base) ?? .piece,
                                                currency: currency, median: Decimal(string: median) ?? 0, count: count,
                                                firstObserved: first, lastObserved: last)
        }
        return references
    }
}
