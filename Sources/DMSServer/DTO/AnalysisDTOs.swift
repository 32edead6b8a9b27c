import DMSCore
import Foundation
import Hummingbird

/// The analysis as the API shows it: criteria in the DAO's order, suppliers alphabetically, each
/// field with its value (or `REVUE MANUELLE`), confidence and source, corrections beside it.
struct AnalysisDTO: ResponseEncodable, Sendable {
    struct OfferDTO: Encodable, Sendable {
        let supplierKey: String
        let supplier: Extracted<String>
        let totalAmount: Extracted<Money>
        let deliveryDays: Extracted<Int>
        let validityDays: Extracted<Int>
        let parts: [OfferPart]
        let documentIDs: [String]
        let corrections: [Correction]

        enum CodingKeys: String, CodingKey {
            case supplier, parts, corrections
            case supplierKey = "supplier_key"
            case totalAmount = "total_amount"
            case deliveryDays = "delivery_days"
            case validityDays = "validity_days"
            case documentIDs = "document_ids"
        }

        init(_ offer: StoredOffer) {
            self.supplierKey = offer.key
            self.supplier = offer.facts.supplier
            self.totalAmount = offer.facts.totalAmount
            self.deliveryDays = offer.facts.deliveryDays
            self.validityDays = offer.facts.validityDays
            self.parts = offer.facts.parts.sorted()
            self.documentIDs = offer.facts.documentIDs.map { $0.uuidString.lowercased() }
            self.corrections = offer.corrections
        }
    }

    let runAt: String
    let runBy: String
    let inputs: [AnalysisInput]
    let warnings: [String]
    let criteria: [Criterion]
    let offers: [OfferDTO]

    enum CodingKeys: String, CodingKey {
        case inputs, warnings, criteria, offers
        case runAt = "run_at"
        case runBy = "run_by"
    }

    init(_ analysis: CaseAnalysis) {
        self.runAt = analysis.runAt.iso8601
        self.runBy = analysis.runBy
        self.inputs = analysis.inputs
        self.warnings = analysis.warnings
        self.criteria = analysis.criteria
        self.offers = analysis.offers.map(OfferDTO.init)
    }
}

/// `PATCH /api/cases/{id}/offers/{supplier_key}` body.
struct CorrectionRequest: Decodable, Sendable {
    let field: String?
    let value: JSONValue?
    let reason: String?

    /// Checks the value's type for the field: a name, an amount, a number of days.
    func validated() throws -> (OfferField, JSONValue, String) {
        guard let raw = self.field, let field = OfferField(rawValue: raw) else {
            throw ValidationError(field: "field", message: "attendu supplier, total_amount, delivery_days ou validity_days")
        }
        let reason = try TextField(maxLength: 2000, multiline: true).validate(self.reason, field: "reason")
        guard let value = self.value else { throw ValidationError(field: "value", message: "champ obligatoire") }
        switch (field, value) {
        case (.supplier, .string(let name)):
            return (field, .string(try TextField.supplierName.validate(name, field: "value")), reason)
        case (.deliveryDays, .number(let days)), (.validityDays, .number(let days)):
            guard days.rounded() == days, (0...3650).contains(days) else {
                throw ValidationError(field: "value", message: "nombre de jours entier entre 0 et 3650 attendu")
            }
            return (field, value, reason)
        case (.totalAmount, .number(let amount)):
            guard amount >= 0, amount < 1e15 else { throw ValidationError(field: "value", message: "montant positif attendu") }
            return (field, .object(["amount": .number(amount), "currency": .string("XOF")]), reason)
        case (.totalAmount, .object(let object)):
            guard case .number(let amount)? = object["amount"], amount >= 0, amount < 1e15 else {
                throw ValidationError(field: "value", message: "objet {amount, currency?, tax?} attendu")
            }
            var clean: [String: JSONValue] = ["amount": .number(amount), "currency": .string("XOF")]
            if case .string(let currency)? = object["currency"] {
                guard ["XOF", "EUR", "USD"].contains(currency) else { throw ValidationError(field: "value", message: "devise XOF, EUR ou USD attendue") }
                clean["currency"] = .string(currency)
            }
            if case .string(let tax)? = object["tax"] {
                guard Money.Tax(rawValue: tax) != nil else { throw ValidationError(field: "value", message: "tax HT ou TTC attendu") }
                clean["tax"] = .string(tax)
            }
            return (field, .object(clean), reason)
        default:
            throw ValidationError(field: "value", message: "type de valeur incorrect pour \(field.rawValue)")
        }
    }
}
