import Crypto
import Foundation

/// A price line of an offer as the case shows it: what was read (with its source), the catalog
/// item a person matched it to (or the lookup's suggestion, never taken as confirmed), and the
/// validated market reference for that item in the case's région — information beside the
/// line, never a verdict on it.
public struct OfferPriceLine: Sendable, Hashable {
    public struct Match: Sendable, Hashable {
        public let item: MarketSignal.Ref?
        public let unit: MarketSignal.Ref?
        public let reason: String?
        public let matchedBy: String
        public let matchedAt: Timestamp

        public init(item: MarketSignal.Ref?, unit: MarketSignal.Ref?, reason: String?, matchedBy: String, matchedAt: Timestamp) {
            self.item = item
            self.unit = unit
            self.reason = reason
            self.matchedBy = matchedBy
            self.matchedAt = matchedAt
        }
    }

    /// A unit with what it measures, to say the reference in the line's own unit.
    public struct UnitMeasure: Sendable, Hashable {
        public let ref: MarketSignal.Ref
        public let baseUnit: BaseUnit
        public let factor: Decimal

        public init(ref: MarketSignal.Ref, baseUnit: BaseUnit, factor: Decimal) {
            self.ref = ref
            self.baseUnit = baseUnit
            self.factor = factor
        }
    }

    public let key: String
    public let supplierKey: String
    public let position: Int
    public let line: PriceLine
    /// A person's latest match (nil: none yet).
    public let match: Match?
    /// The catalog item whose name the designation contains, when no person matched the line.
    public let suggestion: MarketSignal.Ref?
    /// The matched unit, or the line's unit text found in the catalog.
    public let unit: UnitMeasure?
    public let reference: ReferencePrice?

    public init(key: String, supplierKey: String, position: Int, line: PriceLine, match: Match?, suggestion: MarketSignal.Ref?,
                unit: UnitMeasure?, reference: ReferencePrice?) {
        self.key = key
        self.supplierKey = supplierKey
        self.position = position
        self.line = line
        self.match = match
        self.suggestion = suggestion
        self.unit = unit
        self.reference = reference
    }

    /// The item the reference is about: the person's match, else the suggestion.
    public var item: MarketSignal.Ref? { self.match.map { $0.item } ?? self.suggestion }

    /// A person matched it to an item and a unit (what A→B proposes at the decision).
    public var isConfirmed: Bool { self.match?.item != nil && self.match?.unit != nil }

    /// The reference median in the line's unit when the unit measures the same thing (`4 600`
    /// per `sac 50 kg`), else nil (then it is said per base unit).
    public var referenceInLineUnit: Decimal? {
        guard let reference, let unit, unit.baseUnit == reference.baseUnit else { return nil }
        var value = reference.median * unit.factor
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 0, .plain)
        return rounded
    }

    /// « référence marché : 4 600 FCFA/sac 50 kg, médiane de 23 relevés, Ségou, 2025-12 – 2026-11 »
    /// or « pas de référence ». `format` writes amounts (the pages and the workbook format differently).
    public func referenceText(_ format: (Decimal) -> String) -> String {
        guard let reference else {
            return self.item == nil ? "pas de référence (ligne non rapprochée du catalogue)" : "pas de référence"
        }
        let currency = reference.currency == "XOF" ? "FCFA" : reference.currency
        let price: String
        if let inUnit = self.referenceInLineUnit, let unit = self.unit {
            price = "\(format(inUnit)) \(currency)/\(unit.ref.name)"
        } else {
            price = "\(format(reference.median)) \(currency)/\(reference.baseUnit.rawValue)"
        }
        let period = reference.firstObserved == reference.lastObserved
            ? Self.month(reference.firstObserved) : "\(Self.month(reference.firstObserved)) – \(Self.month(reference.lastObserved))"
        let confirmation = self.isConfirmed ? "" : " ; article rapproché automatiquement (« \(reference.itemName) »), à confirmer"
        return "référence marché : \(price), médiane de \(reference.count) relevé\(reference.count > 1 ? "s" : "") validé\(reference.count > 1 ? "s" : ""), "
            + "\(reference.region), \(period)\(confirmation)"
    }

    static let months = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]

    static func month(_ iso: String) -> String {
        guard let date = CalendarDate(parsing: iso) else { return iso }
        return "\(Self.months[date.month - 1]) \(date.year)"
    }
}

/// A price line's identity within a case: its supplier and its designation (folded), and which
/// occurrence of that designation it is. People's matches hang on it, so a re-analysis that
/// reads the same line again keeps them.
public enum PriceLineKey {
    public static func make(supplierKey: String, designation: String, occurrence: Int) -> String {
        let folded = TextFolding.fold(designation).split(whereSeparator: \.isWhitespace).joined(separator: " ").lowercased()
        return String(SHA256.hash(data: Data("\(supplierKey)\n\(folded)\n\(occurrence)".utf8)).hexString.prefix(16))
    }

    public static func isValid(_ key: String) -> Bool {
        key.count == 16 && key.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }
}

/// A person's match of a price line: an item and its unit, or neither (« hors catalogue »).
public struct NewPriceLineMatch: Sendable, Hashable {
    public let item: String?
    public let unit: String?
    public let reason: String?

    public init(item: String?, unit: String?, reason: String?) throws(ValidationError) {
        self.item = try NewSignal.reference.validateOptional(item, field: "item")
        self.unit = try NewSignal.reference.validateOptional(unit, field: "unit")
        if self.item != nil, self.unit == nil {
            throw ValidationError(field: "unit", message: "champ obligatoire avec l'article : l'unité de la ligne dans le catalogue (ex. « sac 50 kg »)")
        }
        if self.item == nil, self.unit != nil { throw ValidationError(field: "item", message: "champ obligatoire avec l'unité") }
        self.reason = try TextField(maxLength: 2000, multiline: true).validateOptional(reason, field: "reason")
    }
}
