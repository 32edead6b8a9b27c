import Foundation

/// The evaluation criteria of a tender file (DAO), as the file states them.
public struct Criterion: Sendable, Hashable {
    public enum Category: String, Sendable, Hashable, CaseIterable {
        /// Eligibility and administrative requirements.
        case essentiel
        case technique
        case commercial
        case durabilite
    }

    /// Stable across analyses of the same documents (derived from where the criterion was read),
    /// so a person's change to it still applies after a re-analysis.
    public let id: UUID
    public let label: String
    public let category: Category
    public let points: Decimal?
    public let weightPercent: Decimal?
    public let eliminatory: Bool
    /// Where the DAO states it; nil for a criterion a person added.
    public let source: SourceRef?
    /// The person's last change, when there is one (« corrigé par NOM : raison »).
    public let edit: CriterionEdit?

    public init(id: UUID? = nil, label: String, category: Category, points: Decimal?, weightPercent: Decimal?, eliminatory: Bool,
                source: SourceRef?, edit: CriterionEdit? = nil) {
        self.id = id ?? source.map { Self.stableID(label: label, source: $0) } ?? UUID()
        self.label = label
        self.category = category
        self.points = points
        self.weightPercent = weightPercent
        self.eliminatory = eliminatory
        self.source = source
        self.edit = edit
    }

    /// The first 16 bytes of SHA-256(document hash, place, label), as a UUID.
    public static func stableID(label: String, source: SourceRef) -> UUID {
        var hasher = ContentHasher()
        Array("\(source.sha256)|\(source.location)|\(label)".utf8).withUnsafeBytes { hasher.update($0) }
        let hex = Array(hasher.finalize().prefix(32))
        let text = String(hex[0..<8]) + "-" + String(hex[8..<12]) + "-" + String(hex[12..<16]) + "-" + String(hex[16..<20]) + "-" + String(hex[20..<32])
        return UUID(uuidString: text)!
    }
}

/// Who changed a criterion, how and why.
public struct CriterionEdit: Sendable, Hashable {
    public enum Action: String, Sendable, Hashable {
        case add, update, delete
    }

    public let action: Action
    public let reason: String
    public let by: String
    public let at: Timestamp

    public init(action: Action, reason: String, by: String, at: Timestamp) {
        self.action = action
        self.reason = reason
        self.by = by
        self.at = at
    }
}

/// A person's change to the criteria: the fields given replace the criterion's (all of them for
/// an addition), with a reason.
public struct NewCriterionEdit: Sendable, Hashable {
    public let action: CriterionEdit.Action
    public let label: String?
    public let category: Criterion.Category?
    public let points: Decimal?
    public let weightPercent: Decimal?
    public let eliminatory: Bool?
    public let reason: String

    public init(action: CriterionEdit.Action, label: String?, category: String?, points: Double?, weightPercent: Double?, eliminatory: Bool?,
                reason: String?) throws(ValidationError) {
        self.action = action
        self.reason = try TextField(maxLength: 2000, multiline: true).validate(reason, field: "reason")
        self.label = try TextField(maxLength: 1000, multiline: false).validateOptional(label, field: "label")
        if let category {
            guard let parsed = Criterion.Category(rawValue: category) else {
                throw ValidationError(field: "category", message: "attendu essentiel, technique, commercial ou durabilite")
            }
            self.category = parsed
        } else {
            self.category = nil
        }
        if let points, !(0...10_000).contains(points) { throw ValidationError(field: "points", message: "entre 0 et 10 000") }
        if let weightPercent, !(0...100).contains(weightPercent) { throw ValidationError(field: "weight_percent", message: "entre 0 et 100") }
        // Hundredths at most: a bare Double (1.98e-257) would be stored as written and could not
        // be read back as a Decimal.
        self.points = points.map { Decimal(Int64(($0 * 100).rounded())) / 100 }
        self.weightPercent = weightPercent.map { Decimal(Int64(($0 * 100).rounded())) / 100 }
        self.eliminatory = eliminatory
        switch action {
        case .add:
            guard self.label != nil else { throw ValidationError(field: "label", message: "champ obligatoire") }
            guard self.category != nil else { throw ValidationError(field: "category", message: "champ obligatoire") }
        case .update:
            guard label != nil || category != nil || points != nil || weightPercent != nil || eliminatory != nil else {
                throw ValidationError(field: "body", message: "au moins un champ à modifier : label, category, points, weight_percent, eliminatory")
            }
        case .delete:
            break
        }
    }
}

/// Reads criteria from numbered lines (`Critère 2 : Expérience … (20 points)`, `a) Prix : 50 %`,
/// `- Expérience (10 points)` under a criteria heading), from table rows (`Expérience | 20 points`,
/// or `Expérience | 20` under a `Points` / `Pondération (%)` header), and eliminatory
/// requirements (`Registre de commerce | Conforme / Non conforme`, the list after « sous peine de
/// rejet : », a sentence saying a missing document is rejected).
public enum CriteriaExtractor {
    static let categoryWords: [(Criterion.Category, [String])] = [
        (.durabilite, ["environnement", "durab", "emballage", "dechet", "social", "genre", "recycl", "carbone", "energie"]),
        (.essentiel, ["registre de commerce", "attestation", "caution", "agrement", "piece", "administrati", "quitus", "cnss", "nif", "eligib", "conformite administrative"]),
        (.commercial, ["prix", "delai", "montant", "cout", "paiement", "garantie", "validite", "tarif"]),
    ]
    static let eliminatoryPhrases = [
        "eliminatoire", "obligatoire", "a peine de rejet", "sous peine de rejet", "sous peine d'elimination", "sous peine de nullite",
        "peine d'irrecevabilite", "conforme / non conforme", "conforme/non conforme", "conforme ou non conforme", "non conforme et rejete",
        "sera rejetee", "seront rejetees", "sera declaree non conforme",
    ]
    static let documentWords = ["attestation", "certificat", "caution", "registre", "agrement", "quitus", "piece", "licence", "autorisation", "garantie"]
    static let sectionWords = ["critere", "grille d'evaluation", "grille de notation", "grille de conformite", "bareme", "notation"]
    static let bullet = try! NSRegularExpression(pattern: #"^\s*(?:\d+(?:\.\d+)*\s*[.)/-]?|[a-h]\s*[.)]|[-•*–o])\s+(?=\S)"#)

    /// A table header's unit for a bare number in a later row.
    enum Unit { case points, weight }

    public static func extract(_ document: DocumentText) -> [Criterion] {
        var criteria: [Criterion] = []
        var seen = Set<String>()
        var inSection = false
        var headerUnit: (column: Int, unit: Unit)?
        var eliminatoryList = false
        for original in document.lines {
            var text = original.text
            text = OfferLine.leaders.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: " : ")
            let line = TextLine(text, at: original.location)
            let folded = TextFolding.fold(text)
            let cells = text.components(separatedBy: " | ").map { $0.trimmingWhitespace() }
            if cells.count > 1, Self.isHeader(cells) {
                headerUnit = Self.headerUnit(cells)
                continue
            }
            let bulletRest = Self.afterBullet(text)
            if bulletRest == nil { eliminatoryList = false }
            var found: Criterion?
            if let criterion = Self.numbered(line, document) {
                found = criterion
            } else if cells.count > 1 {
                found = Self.tableRow(line, cells: cells, unit: headerUnit, document)
            } else if let rest = bulletRest, eliminatoryList {
                found = Self.criterion(rawLabel: rest, details: "éliminatoire", line: line, document: document)
            } else if let rest = bulletRest, inSection || Self.points(in: rest) != nil {
                found = Self.listItem(rest, line, document)
            } else if Self.isEliminatory(folded), Self.documentWords.contains(where: folded.contains), !folded.hasSuffix(":") {
                found = Self.criterion(rawLabel: Self.withoutEliminatoryClause(text), details: "éliminatoire", line: line, document: document)
            }
            if cells.count == 1, bulletRest == nil || found == nil {
                if Self.sectionWords.contains(where: folded.contains) { inSection = true }
                if Self.isEliminatory(folded), folded.trimmingWhitespace().hasSuffix(":") { eliminatoryList = true }
            }
            guard let criterion = found else { continue }
            let key = SupplierName.key(criterion.label)
            guard !key.isEmpty, seen.insert(key).inserted else { continue }
            criteria.append(criterion)
        }
        return criteria
    }

    /// The text after a list marker (`1.`, `2)`, `a)`, `-`, `•`), or nil for an ordinary line.
    static func afterBullet(_ text: String) -> String? {
        guard let match = Self.bullet.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let range = Range(match.range, in: text) else { return nil }
        return String(text[range.upperBound...])
    }

    /// `Expérience du cabinet : 20 points`, `Prix : 50 %`, `Conformité administrative (éliminatoire)`.
    static func listItem(_ rest: String, _ line: TextLine, _ document: DocumentText) -> Criterion? {
        var label = rest
        var details = ""
        if let colon = rest.lastIndex(of: ":") {
            let after = String(rest[rest.index(after: colon)...])
            if Self.points(in: after) != nil || Self.weight(in: after) != nil || Self.isEliminatory(after) {
                label = String(rest[..<colon])
                details = after
            }
        }
        guard Self.points(in: label + details) != nil || Self.weight(in: label + details) != nil || Self.isEliminatory(label + details) else { return nil }
        return Self.criterion(rawLabel: label, details: details, line: line, document: document)
    }

    static let headerWords = ["critere", "point", "note", "ponderation", "poids", "bareme", "appreciation", "libelle", "designation", "%", "intitule"]

    /// A table's first row: names of columns, no figures, no verdict.
    static func isHeader(_ cells: [String]) -> Bool {
        let folded = TextFolding.fold(cells.joined(separator: " | "))
        return !cells.contains(where: { $0.contains(where: \.isNumber) && !$0.hasPrefix("N°") }) && !Self.isEliminatory(folded)
            && Self.headerWords.contains(where: folded.contains)
    }

    static func headerUnit(_ cells: [String]) -> (column: Int, unit: Unit)? {
        for (index, cell) in cells.enumerated().reversed() {
            let folded = TextFolding.fold(cell)
            if folded.contains("ponderation") || folded.contains("poids") || folded.contains("%") { return (index, .weight) }
            if folded.contains("point") || folded.contains("note") || folded.contains("bareme") || folded.contains("score") { return (index, .points) }
        }
        return nil
    }

    /// The sentence without « sous peine de rejet » and what follows: the document required.
    static func withoutEliminatoryClause(_ text: String) -> String {
        let folded = TextFolding.fold(text)
        let cut = Self.eliminatoryPhrases.compactMap { folded.range(of: $0)?.lowerBound }.min()
        let offset = cut.map { folded.distance(from: folded.startIndex, to: $0) } ?? text.count
        return String(Array(text)[..<offset]).trimmingCharacters(in: CharacterSet(charactersIn: " ,.;:").union(.whitespaces))
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

    /// A table row `label | value…` where some cell gives points, a weight, or says eliminatory;
    /// a bare number takes the unit of the header's column.
    static func tableRow(_ line: TextLine, cells: [String], unit: (column: Int, unit: Unit)?, _ document: DocumentText) -> Criterion? {
        guard let labelIndex = cells.firstIndex(where: { cell in
            cell.contains(where: \.isLetter) && cell != "N°" && Self.points(in: cell) == nil && Self.weight(in: cell) == nil
        }) else { return nil }
        let label = cells[labelIndex]
        let folded = TextFolding.fold(label)
        guard !["critere", "criteres", "libelle", "designation", "intitule"].contains(folded), !folded.hasPrefix("total") else { return nil }
        var others = cells.enumerated().filter { $0.offset != labelIndex }.map(\.element).joined(separator: " ")
        if Self.points(in: others) == nil, Self.weight(in: others) == nil, let unit {
            let cell = cells.indices.contains(unit.column) && unit.column != labelIndex ? cells[unit.column] : cells.last!
            if let number = Decimal(string: cell.replacingOccurrences(of: ",", with: ".")), number > 0, number <= 1000 {
                others += unit.unit == .points ? " \(number) points" : " \(number) %"
            }
        }
        guard Self.points(in: others) != nil || Self.weight(in: others) != nil || Self.isEliminatory(others) else { return nil }
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
        return Self.eliminatoryPhrases.contains(where: folded.contains)
    }

    private static func firstCapture(_ pattern: String, in text: String) -> Decimal? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let range = Range(match.range(at: 1), in: text) else { return nil }
        return Decimal(string: text[range].replacingOccurrences(of: ",", with: "."))
    }
}
