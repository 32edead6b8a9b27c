/// A person's value for one field of an offer, checked before it is stored: the field exists,
/// the value has the field's type, and a reason is given.
public struct NewCorrection: Sendable, Hashable {
    public let field: OfferField
    public let value: JSONValue
    public let reason: String

    public static let currencies: Set<String> = ["XOF", "EUR", "USD"]

    public init(field raw: String?, value: JSONValue?, reason: String?) throws(ValidationError) {
        guard let raw, let field = OfferField(rawValue: raw) else {
            throw ValidationError(field: "field", message: "attendu supplier, total_amount, delivery_days ou validity_days")
        }
        self.field = field
        self.reason = try TextField(maxLength: 2000, multiline: true).validate(reason, field: "reason")
        guard let value else { throw ValidationError(field: "value", message: "champ obligatoire") }
        self.value = try Self.check(value, for: field)
    }

    private static func check(_ value: JSONValue, for field: OfferField) throws(ValidationError) -> JSONValue {
        switch (field, value) {
        case (.supplier, .string(let name)):
            return .string(try TextField.supplierName.validate(name, field: "value"))
        case (.deliveryDays, .number(let days)), (.validityDays, .number(let days)):
            guard days.rounded() == days, (0...3650).contains(days) else {
                throw ValidationError(field: "value", message: "nombre de jours entier entre 0 et 3650 attendu")
            }
            return value
        case (.totalAmount, .number(let amount)):
            return .object(["amount": .number(try Self.amount(amount)), "currency": .string("XOF")])
        case (.totalAmount, .object(let object)):
            guard case .number(let amount)? = object["amount"] else {
                throw ValidationError(field: "value", message: "objet {amount, currency?, tax?} attendu")
            }
            var clean: [String: JSONValue] = ["amount": .number(try Self.amount(amount)), "currency": .string("XOF")]
            if case .string(let currency)? = object["currency"] {
                guard Self.currencies.contains(currency) else { throw ValidationError(field: "value", message: "devise XOF, EUR ou USD attendue") }
                clean["currency"] = .string(currency)
            }
            if case .string(let tax)? = object["tax"] {
                guard Money.Tax(rawValue: tax) != nil else { throw ValidationError(field: "value", message: "tax HT ou TTC attendu") }
                clean["tax"] = .string(tax)
            }
            return .object(clean)
        default:
            throw ValidationError(field: "value", message: "type de valeur incorrect pour \(field.rawValue)")
        }
    }

    private static func amount(_ amount: Double) throws(ValidationError) -> Double {
        guard amount >= 0, amount < 1e15 else { throw ValidationError(field: "value", message: "montant positif attendu") }
        return amount
    }
}
