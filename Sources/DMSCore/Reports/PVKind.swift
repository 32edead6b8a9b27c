/// The two minutes a case has: the opening of the offers and their analysis.
public enum PVKind: String, Sendable, Hashable, CaseIterable {
    case ouverture
    case analyse

    /// From `?type=`: anything else is refused naming `type`.
    public init(parsing raw: String?) throws(ValidationError) {
        guard let raw, let kind = PVKind(rawValue: raw.trimmingWhitespace().lowercased()) else {
            let given = raw.map { " « \($0.prefix(40)) »" } ?? ""
            throw ValidationError(field: "type", message: "type de PV inconnu\(given) : attendu ouverture ou analyse")
        }
        self = kind
    }

    public var title: String {
        switch self {
        case .ouverture: "Procès-verbal d'ouverture des offres"
        case .analyse: "Procès-verbal d'analyse des offres"
        }
    }
}

/// The committee members named on a PV: typed by the user, optional, printed as given.
public enum CommitteeMembers {
    public static let maxMembers = 30
    public static let maxQueryLength = 2000

    /// `?membres=Awa Traoré;Moussa Keïta` (separated by `;`).
    public static func parse(query raw: String?) throws(ValidationError) -> [String] {
        guard let raw else { return [] }
        guard raw.count <= Self.maxQueryLength else {
            throw ValidationError(field: "membres", message: "trop long : au plus \(Self.maxQueryLength) caractères")
        }
        return try self.validate(raw.split(separator: ";").map(String.init), field: "membres")
    }

    /// `{"committee": ["Awa Traoré", "Moussa Keïta"]}`.
    public static func validate(_ names: [String], field: String) throws(ValidationError) -> [String] {
        let kept = names.filter { !$0.trimmingWhitespace().isEmpty }
        guard kept.count <= Self.maxMembers else {
            throw ValidationError(field: field, message: "au plus \(Self.maxMembers) membres du comité")
        }
        var members: [String] = []
        for name in kept { members.append(try TextField.actor.validate(name, field: field)) }
        return members
    }
}
