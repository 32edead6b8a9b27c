import Foundation

/// The period statistics are grouped by.
public enum StatsGroup: String, Sendable, Hashable, CaseIterable {
    case month, quarter, year

    public init(parsing raw: String?) throws(ValidationError) {
        guard let raw, !raw.isEmpty else {
            self = .month
            return
        }
        guard let group = StatsGroup(rawValue: raw.lowercased()) else {
            throw ValidationError(field: "group", message: "regroupement attendu parmi month, quarter, year")
        }
        self = group
    }
}

/// `GET /api/market/stats`: validated signals only, by item, place (rolled up) and period.
public struct StatsQuery: Sendable, Hashable {
    public let item: String?
    public let place: String?
    public let from: String
    public let to: String
    public let group: StatsGroup

    /// Without dates: the 12 months up to `today`.
    public init(item: String?, place: String?, from: String?, to: String?, group: String?, today: String) throws(ValidationError) {
        self.item = try NewSignal.reference.validateOptional(item, field: "item")
        self.place = try NewSignal.reference.validateOptional(place, field: "place")
        self.group = try StatsGroup(parsing: group)
        let end = try Self.date(to, field: "to") ?? CalendarDate(parsing: today)!
        let start = try Self.date(from, field: "from") ?? end.minus(months: 12)
        guard start <= end else { throw ValidationError(field: "from", message: "la date de début doit précéder la date de fin") }
        self.from = start.iso
        self.to = end.iso
    }

    static func date(_ raw: String?, field: String) throws(ValidationError) -> CalendarDate? {
        guard let raw, !raw.isEmpty else { return nil }
        guard let date = CalendarDate(parsing: raw) else { throw ValidationError(field: field, message: "date attendue au format AAAA-MM-JJ") }
        return date
    }
}

/// One row of statistics, prices per base unit.
public struct StatsRow: Sendable, Hashable {
    public let item: MarketSignal.Ref
    /// Nil when the statistics span every place.
    public let place: MarketSignal.Ref?
    /// `2026-03`, `2026-T1`, `2026`.
    public let period: String
    public let unit: BaseUnit
    public let currency: String
    public let count: Int
    public let min: Decimal
    public let max: Decimal
    public let mean: Decimal
    public let median: Decimal

    public init(item: MarketSignal.Ref, place: MarketSignal.Ref?, period: String, unit: BaseUnit, currency: String, count: Int,
                min: Decimal, max: Decimal, mean: Decimal, median: Decimal) {
        self.item = item
        self.place = place
        self.period = period
        self.unit = unit
        self.currency = currency
        self.count = count
        self.min = min
        self.max = max
        self.mean = mean
        self.median = median
    }
}

/// B→A: what the market charged for an item in a région over a window, per base unit. Shown
/// beside an offer's price line as information; never compared, coloured or scored.
public struct ReferencePrice: Sendable, Hashable {
    public let itemID: UUID
    public let itemName: String
    public let region: String
    public let baseUnit: BaseUnit
    public let currency: String
    public let median: Decimal
    public let count: Int
    /// The observation dates covered (first and last signal's `observed_on`).
    public let firstObserved: String
    public let lastObserved: String

    public init(itemID: UUID, itemName: String, region: String, baseUnit: BaseUnit, currency: String, median: Decimal, count: Int,
                firstObserved: String, lastObserved: String) {
        self.itemID = itemID
        self.itemName = itemName
        self.region = region
        self.baseUnit = baseUnit
        self.currency = currency
        self.median = median
        self.count = count
        self.firstObserved = firstObserved
        self.lastObserved = lastObserved
    }

    /// How many months of signals a reference looks back on.
    public static let windowMonths = 12
}
