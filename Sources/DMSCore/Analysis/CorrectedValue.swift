import Foundation

/// A person's value as the corrections store it (checked by `NewCorrection`), read back as the
/// field's type: a name, a whole number of days, or `{"amount", "currency"?, "tax"?}`.
public enum CorrectedValue {
    public static func text(_ value: JSONValue) -> String? {
        if case .string(let text) = value { return text }
        return nil
    }

    public static func days(_ value: JSONValue) -> Int? {
        if case .number(let days) = value, days.rounded() == days, abs(days) < 1e9 { return Int(days) }
        return nil
    }

    public static func money(_ value: JSONValue) -> Money? {
        guard case .object(let object) = value, case .number(let amount)? = object["amount"] else { return nil }
        let currency: String = if case .string(let code)? = object["currency"] { code } else { "XOF" }
        let tax: Money.Tax? = if case .string(let raw)? = object["tax"] { Money.Tax(rawValue: raw) } else { nil }
        return Money(amount: Decimal(amount), currency: currency, tax: tax)
    }
}
