import Foundation

/// The evaluation criteria of a tender file (DAO), as the file states them.
public struct Criterion: Sendable, Hashable, Codable {
    public enum Category: String, Sendable, Hashable, Codable, CaseIterable {
        /// Eligibility and administrative requirements.
        case essentiel
        case technique
        case commercial
        case durabilite
    }

    public let label: String
    public let category: Category
    public let points: Decimal?
    public let weightPercent: Decimal?
    public let eliminatory: Bool
    public let source: SourceRef

    enum CodingKeys: String, CodingKey {
        case label, category, points, eliminatory, source
        case weightPercent = "weight_percent"
    }

    /// Absent points and weights are explicit nulls, so clients see every field.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.label, forKey: .label)
        try container.encode(self.category, forKey: .category)
        try container.encode(self.points, forKey: .points)
        try container.encode(self.weightPercent, forKey: .weightPercent)
        try container.encode(self.eliminatory, forKey: .eliminatory)
        try container.encode(self.source, forKey: .source)
    }

    public init(label: String, category: Category, points: Decimal?, weightPercent: Decimal?, eliminatory: Bool, source: SourceRef) {
        self.label = label
        self.category = category
        self.points = points
        self.weightPercent = weightPercent
        self.eliminatory = eliminatory
        self.source = source
    }
}

/// Reads criteria from numbered lines (`Critère 2 : Expérience … (20 points)`) and from table rows
/// (`Expérience | 20 points`, `Registre de commerce | Éliminatoire`).
public enum CriteriaExtractor {
    static let categoryWords: [(Criterion.Category, [String])] = [
        (.durabilite, ["environnement", "durab", "emballage", "dechet", "social", "genre", "recycl", "carbone", "energie"]),
        (.essentiel, ["registre de commerce", "attestation", "caution", "agrement", "piece", "administrati", "quitus", "cnss", "nif", "eligib", "conformite administrative"]),
        (.commercial, ["prix", "delai", "montant", "cout", "paiement", "garantie", "validite", "tarif"]),
    ]

    public static func extract(_ document: DocumentText) -> [Criterion] {
        var criteria: [Criterion] = []
        var seen = Set<String>()
        for line in document.lines {
            guard let criterion = Self.numbered(line, document) ?? Self.tableRow(line, document) else { continue }
            let key = SupplierName.key(criterion.label)
            guard !key.isEmpty, seen.insert(key).inserted else { continue }
            criteria.append(criterion)
        }
        return criteria
    }

    /// What a committee must check before trusting the criteria: weights stated as percentages
    /// that do not add up to 100 are flagged, never silently kept or rescaled.
    public static func warnings(_ criteria: [Criterion]) -> [String] {
        let weights = criteria.compactMap(\.weightPercent)
        guard !weights.isEmpty else { return [] }
        let total = weights.reduce(0, +)
        guard total != 100 else { return [] }
        return ["pondérations des critères : total \(total) % au lieu de 100 % — à vérifier dans le DAO"]
    }

    /// `Critère 2 : …`, `Critère n° 2 - …`, `2. Critère : …`
    static func numbered(_ line: TextLine, _ document: DocumentText) -> Criterion? {
        let folded = TextFolding.fold(line.text)
        guard let regex = try? NSRegularExpression(pattern: #"^\s*(?:\d+[.)]\s*)?criteres?\s*(?:n\s*[°o]\s*)?\d*\s*[:.\-]\s*"#),
              let match = regex.firstMatch(in: folded, range: NSRange(folded.startIndex..., in: folded)),
              let range = Range(match.range, in: folded) else { return nil }
        let offset = folded.distance(from: folded.startIndex, to: range.upperBound)
        let rest = String(Array(line.text)[offset...])
        return Self.criterion(rawLabel: rest, line: line, document: document)
    }

    /// A table row `label | value…` where some cell gives points, a weight, or says eliminatory.
    static func tableRow(_ line: TextLine, _ document: DocumentText) -> Criterion? {
        let cells = line.text.components(separatedBy: " | ").map { $0.trimmingWhitespace() }
        guard cells.count >= 2, let label = cells.first(where: { cell in
            cell.contains(where: \.isLetter) && Self.points(in: cell) == nil && Self.weight(in: cell) == nil
        }) else { return nil }
        let others = cells.filter { $0 != label }.joined(separator: " ")
        guard Self.points(in: others) != nil || Self.weight(in: others) != nil || Self.isEliminatory(others) else { return nil }
        let folded = TextFolding.fold(label)
        guard !["critere", "criteres", "libelle", "designation", "intitule"].contains(folded) else { return nil }
        return Self.criterion(rawLabel: label, details: others, line: line, document: document)
    }

    static func criterion(rawLabel: String, details: String = "", line: TextLine, document: DocumentText) -> Criterion? {
        let all = rawLabel + " " + details
        var label = rawLabel
        // The trailing "(20 points)" / "(éliminatoire)" belongs to the value, not the label.
        if let open = label.lastIndex(of: "("), label.hasSuffix(")") {
            let inside = String(label[open...])
            if Self.points(in: inside) != nil || Self.weight(in: inside) != nil || Self.isEliminatory(inside) {
                label = String(label[..<open])
            }
        }
        label = label.trimmingCharacters(in: CharacterSet(charactersIn: " .:;-–—").union(.whitespaces))
        guard label.contains(where: \.isLetter) else { return nil }
        let eliminatory = Self.isEliminatory(all)
        return Criterion(label: label, category: Self.category(label, eliminatory: eliminatory), points: Self.points(in: all),
                         weightPercent: Self.weight(in: all), eliminatory: eliminatory, source: SourceRef(document, line))
    }

    static func category(_ label: String, eliminatory: Bool) -> Criterion.Category {
        let folded = TextFolding.fold(label)
        for (category, words) in Self.categoryWords where words.contains(where: folded.contains) {
            return category
        }
        return eliminatory ? .essentiel : .technique
    }

    /// `20 points`, `20 pts`, `/20`
    static func points(in text: String) -> Decimal? {
        Self.firstCapture(#"(\d+(?:[.,]\d+)?)\s*(?:points?|pts?)\b"#, in: TextFolding.fold(text))
            ?? Self.firstCapture(#"(?:note|bareme)\s*(?:sur|/)\s*(\d+)"#, in: TextFolding.fold(text))
    }

    /// `20 %`, `pondération : 0,2` (→ 20 %)
    static func weight(in text: String) -> Decimal? {
        let folded = TextFolding.fold(text)
        if let percent = Self.firstCapture(#"(\d+(?:[.,]\d+)?)\s*%"#, in: folded) { return percent }
        if let fraction = Self.firstCapture(#"ponderation\s*[:=]?\s*(0[.,]\d+|1(?:[.,]0+)?)\b"#, in: folded) { return fraction * 100 }
        if let whole = Self.firstCapture(#"ponderation\s*[:=]?\s*(\d+(?:[.,]\d+)?)"#, in: folded) { return whole }
        return nil
    }

    static func isEliminatory(_ text: String) -> Bool {
        let folded = TextFolding.fold(text)
        return folded.contains("eliminatoire") || folded.contains("obligatoire") || folded.contains("requis a peine de rejet")
    }

    private static func firstCapture(_ pattern: String, in text: String) -> Decimal? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let range = Range(match.range(at: 1), in: text) else { return nil }
        return Decimal(string: text[range].replacingOccurrences(of: ",", with: "."))
    }
}
