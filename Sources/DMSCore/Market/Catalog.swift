import Foundation

/// The four catalogs of Couche B (SPEC §5). The raw values are the API's path segments' singular
/// and what `catalog_names.kind` stores.
public enum CatalogKind: String, Sendable, Hashable, CaseIterable {
    case item
    case unit
    case place
    case vendor

    /// `/api/catalog/{items|units|places|vendors}`.
    public init?(pathSegment: String) {
        guard pathSegment.hasSuffix("s"), let kind = CatalogKind(rawValue: String(pathSegment.dropLast())) else { return nil }
        self = kind
    }

    public var pathSegment: String { self.rawValue + "s" }

    /// « article », « unité »… for messages.
    public var french: String {
        switch self {
        case .item: "article"
        case .unit: "unité"
        case .place: "lieu"
        case .vendor: "fournisseur"
        }
    }
}

/// What every price is normalised to.
public enum BaseUnit: String, Sendable, Hashable, CaseIterable {
    case kg, l, m, m2, m3, piece, jour, forfait

    public init(parsing raw: String?, field: String) throws(ValidationError) {
        guard let raw, let unit = BaseUnit(rawValue: raw.trimmingWhitespace().lowercased()) else {
            throw ValidationError(field: field, message: "unité de base attendue parmi \(Self.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = unit
    }
}

/// pays › région › cercle › commune › marché.
public enum PlaceLevel: String, Sendable, Hashable, CaseIterable, Comparable {
    case pays, region, cercle, commune, marche

    public init(parsing raw: String?, field: String) throws(ValidationError) {
        guard let raw, let level = PlaceLevel(rawValue: TextFolding.fold(raw.trimmingWhitespace())) else {
            throw ValidationError(field: field, message: "niveau attendu parmi pays, region, cercle, commune, marche")
        }
        self = level
    }

    public static func < (lhs: PlaceLevel, rhs: PlaceLevel) -> Bool {
        Self.allCases.firstIndex(of: lhs)! < Self.allCases.firstIndex(of: rhs)!
    }

    public var french: String {
        switch self {
        case .pays: "pays"
        case .region: "région"
        case .cercle: "cercle"
        case .commune: "commune"
        case .marche: "marché"
        }
    }
}

/// One catalog entry as lookup returns it: its names, what it is, and how close it was to the
/// words looked up (1 for an exact folded match; nil when listed without a query).
public struct CatalogEntry: Sendable, Hashable {
    public enum Details: Sendable, Hashable {
        case item(category: String, baseUnit: BaseUnit)
        case unit(baseUnit: BaseUnit, factor: Decimal)
        /// `path` from the country down to the place itself: `Mali › Ségou › Ségou`.
        case place(level: PlaceLevel, parentID: UUID?, path: [String])
        case vendor(nif: String?, rccm: String?)
    }

    public let id: UUID
    public let kind: CatalogKind
    public let name: String
    public let aliases: [String]
    public let details: Details
    public let similarity: Double?

    public init(id: UUID, kind: CatalogKind, name: String, aliases: [String], details: Details, similarity: Double?) {
        self.id = id
        self.kind = kind
        self.name = name
        self.aliases = aliases
        self.details = details
        self.similarity = similarity
    }

    /// The name with what tells homonyms apart (a place's path).
    public var label: String {
        if case .place(let level, _, let path) = self.details, path.count > 1 {
            return "\(self.name) (\(level.french), \(path.dropLast().joined(separator: " › ")))"
        }
        return self.name
    }
}

/// A new catalog entry, checked. Names are 1–200 characters without control characters.
public struct NewCatalogEntry: Sendable, Hashable {
    public let kind: CatalogKind
    public let name: String
    public let aliases: [String]
    public let details: Details

    public enum Details: Sendable, Hashable {
        case item(category: String, baseUnit: BaseUnit)
        case unit(baseUnit: BaseUnit, factor: Decimal)
        /// The parent is named (resolved by the store) or given by id.
        case place(level: PlaceLevel, parent: String?)
        case vendor(nif: String?, rccm: String?)
    }

    public static let nameField = TextField(maxLength: 200, multiline: false)

    public init(kind: CatalogKind, name: String?, aliases: [String]?, details: Details) throws(ValidationError) {
        self.kind = kind
        self.name = try Self.nameField.validate(name, field: "name")
        var seen: Set<String> = [TextFolding.fold(self.name)]
        var kept: [String] = []
        for (index, alias) in (aliases ?? []).enumerated() {
            let alias = try Self.nameField.validate(alias, field: "aliases.\(index)")
            if seen.insert(TextFolding.fold(alias)).inserted { kept.append(alias) }
        }
        guard kept.count <= 50 else { throw ValidationError(field: "aliases", message: "au plus 50 alias") }
        self.aliases = kept
        self.details = details
    }

    /// Checks the kind-specific fields of a request.
    public static func details(kind: CatalogKind, category: String?, baseUnit: String?, factor: Decimal?, level: String?,
                               parent: String?, nif: String?, rccm: String?) throws(ValidationError) -> Details {
        switch kind {
        case .item:
            let category = try TextField(maxLength: 100, multiline: false).validate(category, field: "category")
            return .item(category: category, baseUnit: try BaseUnit(parsing: baseUnit, field: "base_unit"))
        case .unit:
            guard let factor, factor > 0, factor < 1_000_000_000 else {
                throw ValidationError(field: "factor", message: "nombre strictement positif attendu (combien d'unités de base dans cette unité)")
            }
            return .unit(baseUnit: try BaseUnit(parsing: baseUnit, field: "base_unit"), factor: factor)
        case .place:
            let level = try PlaceLevel(parsing: level, field: "level")
            let parent = try Self.nameField.validateOptional(parent, field: "parent")
            if level == .pays, parent != nil { throw ValidationError(field: "parent", message: "un pays n'a pas de lieu parent") }
            if level != .pays, parent == nil { throw ValidationError(field: "parent", message: "champ obligatoire : le lieu qui contient celui-ci") }
            return .place(level: level, parent: parent)
        case .vendor:
            return .vendor(nif: try Self.registration(nif, field: "nif", max: 40), rccm: try Self.registration(rccm, field: "rccm", max: 60))
        }
    }

    static func registration(_ raw: String?, field: String, max: Int) throws(ValidationError) -> String? {
        guard let raw, !raw.trimmingWhitespace().isEmpty else { return nil }
        let value = raw.trimmingWhitespace()
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "./ -"))
        guard (3...max).contains(value.count), value.unicodeScalars.allSatisfy({ $0.isASCII && allowed.contains($0) }) else {
            throw ValidationError(field: field, message: "de 3 à \(max) caractères : lettres, chiffres, « . », « / », « - », espaces")
        }
        return value
    }
}

/// What a catalog refuses.
public enum CatalogError: Error, Sendable, Hashable {
    /// A name no entry answers to closely enough (similarity ≥ 0.6); the closest entries' labels.
    case unknownName(kind: CatalogKind, field: String, name: String, suggestions: [String])
    /// A name several entries answer to equally well; their labels.
    case ambiguousName(kind: CatalogKind, field: String, name: String, candidates: [String])
    case notFound(kind: CatalogKind, id: UUID)
    /// The name (or an alias) already belongs to another entry of the kind.
    case nameTaken(kind: CatalogKind, name: String)
    /// A unit that does not measure the item (litres for cement).
    case incompatibleUnit(unit: String, unitBase: BaseUnit, item: String, itemBase: BaseUnit)
}

/// Lookup rules shared by the API and the import.
public enum CatalogLookup {
    /// Below this trigram similarity a name does not resolve (SPEC §5).
    public static let threshold = 0.6
    /// How many suggestions a refused name comes with.
    public static let suggestionCount = 5
}

extension CatalogError: CustomStringConvertible {
    /// French, for people (the API's message, the import's line report).
    public var description: String {
        switch self {
        case .unknownName(let kind, _, let name, let suggestions):
            let hint = suggestions.isEmpty ? "aucune entrée proche" : "entrées proches : " + suggestions.joined(separator: " ; ")
            return "\(kind.french) \(kind == .unit ? "inconnue" : "inconnu") dans le catalogue : « \(name) » (\(hint))"
        case .ambiguousName(let kind, _, let name, let candidates):
            return "« \(name) » désigne plusieurs entrées (\(kind.french)) : \(candidates.joined(separator: " ; ")) — précisez ou donnez l'identifiant"
        case .notFound(let kind, _):
            return "\(kind.french) introuvable dans le catalogue"
        case .nameTaken(let kind, let name):
            return "le nom « \(name) » désigne déjà une autre entrée (\(kind.french)) du catalogue"
        case .incompatibleUnit(let unit, let unitBase, let item, let itemBase):
            return "l'unité « \(unit) » (\(unitBase.rawValue)) ne mesure pas l'article « \(item) » (\(itemBase.rawValue))"
        }
    }

    /// The request field the error is about.
    public var field: String? {
        switch self {
        case .unknownName(_, let field, _, _), .ambiguousName(_, let field, _, _): field
        case .incompatibleUnit: "unit"
        case .nameTaken: "name"
        case .notFound: nil
        }
    }
}
