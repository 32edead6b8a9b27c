import Foundation

/// Whether a price line's own figures agree: quantity × unit price against the line total.
public enum PriceArithmetic: String, Sendable, Hashable {
    /// quantity × unit price is within one unit of currency of the line total (a franc: XOF has no
    /// smaller unit, and half a percent of a 50 million franc line would hide a 250 000 error).
    case ok
    /// All three figures are written and they disagree.
    case mismatch
    /// One of the three is missing (empty cell, « P.M. », « inclus », unreadable).
    case incomplete

    /// One unit of currency.
    public static let tolerance: Decimal = 1

    public static func check(quantity: Decimal?, unitPrice: Decimal?, lineTotal: Decimal?) -> PriceArithmetic {
        guard let quantity, let unitPrice, let lineTotal else { return .incomplete }
        let difference = quantity * unitPrice - lineTotal
        return (difference < 0 ? -difference : difference) <= Self.tolerance ? .ok : .mismatch
    }
}

/// One line of an offer's price schedule as read, with its source.
public struct PriceLine: Sendable, Hashable {
    /// As written (trimmed), never empty.
    public let designation: String
    /// As written in a unit column (`sac`, `m3`, `u`, `Forfait`); never taken from the designation.
    public let unit: String?
    public let quantity: Decimal?
    public let unitPrice: Decimal?
    public let lineTotal: Decimal?
    /// ISO code (XOF for FCFA, F CFA, CFA…) from the table's header or the row's cells; nil if nothing says.
    public let currency: String?
    public let confidence: Confidence
    public let arithmetic: PriceArithmetic
    /// The row's line: document, place, and the row's text as snippet.
    public let source: SourceRef

    public init(designation: String, unit: String?, quantity: Decimal?, unitPrice: Decimal?, lineTotal: Decimal?,
                currency: String?, confidence: Confidence, arithmetic: PriceArithmetic, source: SourceRef) {
        self.designation = designation
        self.unit = unit
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.lineTotal = lineTotal
        self.currency = currency
        self.confidence = confidence
        self.arithmetic = arithmetic
        self.source = source
    }
}
