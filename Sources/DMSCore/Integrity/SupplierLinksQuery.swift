/// A page request over one supplier's links across cases, newest first: validated here so the
/// store only sees sane bounds. Supplier keys are folded as the analysis folds names, so
/// `Ets KONÉ & Fils` asks for the same supplier as `kone et fils`.
public struct SupplierLinksQuery: Sendable, Hashable {
    public static let defaultLimit = 50
    public static let maxLimit = 200

    public let supplierKey: String
    /// Only the links with this other supplier.
    public let with: String?
    public let limit: Int
    /// The previous page's `next_cursor`.
    public let before: Int64?

    public init(supplier: String?, with other: String?, limit: String?, cursor: String?) throws(ValidationError) {
        self.supplierKey = try Self.key(supplier, field: "key")
        if let other, !other.isEmpty {
            self.with = try Self.key(other, field: "with")
        } else {
            self.with = nil
        }
        var parsedLimit = Self.defaultLimit
        if let limit {
            guard let value = Int(limit), (1...Self.maxLimit).contains(value) else {
                throw ValidationError(field: "limit", message: "doit être un entier entre 1 et \(Self.maxLimit)")
            }
            parsedLimit = value
        }
        self.limit = parsedLimit
        if let cursor, !cursor.isEmpty {
            guard let value = Int64(cursor), value >= 1 else {
                throw ValidationError(field: "cursor", message: "curseur invalide : reprendre la valeur next_cursor d'une réponse")
            }
            self.before = value
        } else {
            self.before = nil
        }
    }

    static func key(_ raw: String?, field: String) throws(ValidationError) -> String {
        guard let raw, raw.unicodeScalars.count <= 1000 else {
            throw ValidationError(field: field, message: "nom ou clé de fournisseur attendu (1 000 caractères au plus)")
        }
        let key = SupplierName.key(raw)
        guard !key.isEmpty else { throw ValidationError(field: field, message: "nom ou clé de fournisseur sans lettre ni chiffre") }
        return key
    }
}
