/// What can be issued for a case: the CBA workbook and the two PVs. Stored and hashed: never rename.
public enum ReportKind: String, Sendable, Hashable, CaseIterable {
    case cba
    case pvOuverture = "pv_ouverture"
    case pvAnalyse = "pv_analyse"

    public init(parsing raw: String?) throws(ValidationError) {
        guard let raw, let kind = ReportKind(rawValue: raw.trimmingWhitespace().lowercased()) else {
            let given = raw.map { " « \($0.prefix(40)) »" } ?? ""
            throw ValidationError(field: "kind", message: "type de document inconnu\(given) : attendu cba, pv_ouverture ou pv_analyse")
        }
        self = kind
    }

    public init(pv: PVKind) {
        switch pv {
        case .ouverture: self = .pvOuverture
        case .analyse: self = .pvAnalyse
        }
    }

    /// The PV this is, or nil for the CBA.
    public var pv: PVKind? {
        switch self {
        case .cba: nil
        case .pvOuverture: .ouverture
        case .pvAnalyse: .analyse
        }
    }
}
