import Foundation

/// The parts an offer document can hold.
public enum OfferPart: String, Sendable, Hashable, CaseIterable, Comparable {
    case administrative = "ADMINISTRATIVE"
    case technical = "TECHNICAL"
    case financial = "FINANCIAL"

    public static func < (lhs: OfferPart, rhs: OfferPart) -> Bool {
        Self.allCases.firstIndex(of: lhs)! < Self.allCases.firstIndex(of: rhs)!
    }
}

/// What one offer document says, field by field, each with its source.
public struct OfferFacts: Sendable, Hashable {
    public var supplier: Extracted<String>
    public var totalAmount: Extracted<Money>
    public var deliveryDays: Extracted<Int>
    public var validityDays: Extracted<Int>
    public var parts: Set<OfferPart>
    public var documentIDs: [UUID]

    public init(supplier: Extracted<String> = .missing, totalAmount: Extracted<Money> = .missing, deliveryDays: Extracted<Int> = .missing,
                validityDays: Extracted<Int> = .missing, parts: Set<OfferPart> = [], documentIDs: [UUID] = []) {
        self.supplier = supplier
        self.totalAmount = totalAmount
        self.deliveryDays = deliveryDays
        self.validityDays = validityDays
        self.parts = parts
        self.documentIDs = documentIDs
    }
}

/// Reads an offer's facts from its text with explicit French labels. Nothing comes from the file
/// name; what no label or safe inference gives stays missing (`REVUE MANUELLE`).
public enum OfferExtractor {
    static let supplierLabels = [
        "raison sociale", "nom du fournisseur", "nom du soumissionnaire", "soumissionnaire", "fournisseur",
        "denomination sociale", "denomination", "nom de l'entreprise", "entreprise", "societe", "titulaire",
    ]
    static let amountLabels = [
        "montant total", "montant global", "prix total", "total general", "montant de l'offre", "montant de la soumission",
        "total ttc", "total ht", "montant ttc", "montant ht", "offre financiere :", "net a payer",
    ]
    static let deliveryLabels = ["delai de livraison", "delai d'execution", "delai de realisation", "delais de livraison", "livraison sous", "livraison dans"]
    static let validityLabels = ["validite de l'offre", "duree de validite", "offre valable", "validite", "valable pendant"]
    static let partMarkers: [(OfferPart, [String])] = [
        (.administrative, ["pieces administratives", "offre administrative", "dossier administratif", "registre de commerce", "attestation fiscale", "cnss", "quitus fiscal"]),
        (.technical, ["offre technique", "proposition technique", "specifications techniques", "note methodologique", "fiche technique", "caracteristiques techniques"]),
        (.financial, ["offre financiere", "bordereau des prix", "montant total", "prix total", "total general", "devis quantitatif", "montant de l'offre"]),
    ]
    /// Words that make a line a document title rather than a company name.
    static let titleWords: Set<String> = [
        "offre", "proposition", "dossier", "devis", "facture", "bordereau", "soumission", "lettre", "objet", "technique",
        "financiere", "administrative", "appel", "marche", "lot", "republique", "ministere", "page",
    ]

    public static func extract(_ document: DocumentText) -> OfferFacts {
        var facts = OfferFacts(documentIDs: [document.documentID])
        for line in document.lines {
            let folded = TextFolding.fold(line.text)
            if facts.supplier.isMissing, let name = Self.labelled(Self.supplierLabels, in: line.text, folded: folded), Self.looksLikeName(name) {
                facts.supplier = Extracted(Self.cleanName(name), .high, SourceRef(document, line))
            }
            if Self.hasLabel(Self.amountLabels, folded), facts.totalAmount.isMissing || facts.totalAmount.confidence == .low {
                if let money = MoneyParser.amounts(in: line.text).last {
                    facts.totalAmount = Extracted(money, .high, SourceRef(document, line))
                } else if let amount = MoneyParser.firstNumber(in: Self.afterLabel(line.text) ?? ""), amount > 0 {
                    facts.totalAmount = Extracted(Money(amount: amount, tax: MoneyParser.tax(in: folded)), .high, SourceRef(document, line))
                }
            }
            if facts.deliveryDays.isMissing, Self.hasLabel(Self.deliveryLabels, folded), let days = DurationParser.days(in: line.text) {
                facts.deliveryDays = Extracted(days, .high, SourceRef(document, line))
            }
            if facts.validityDays.isMissing, Self.hasLabel(Self.validityLabels, folded), let days = DurationParser.days(in: line.text) {
                facts.validityDays = Extracted(days, .high, SourceRef(document, line))
            }
            for (part, markers) in Self.partMarkers where markers.contains(where: folded.contains) {
                facts.parts.insert(part)
            }
        }
        if facts.supplier.isMissing, let letterhead = Self.letterhead(document) {
            facts.supplier = Extracted(Self.cleanName(letterhead.text), .low, SourceRef(document, letterhead))
        }
        if facts.totalAmount.isMissing, let largest = Self.largestAmount(document) {
            facts.totalAmount = largest
        }
        return facts
    }

    /// The text after `label :` when the line starts with one of `labels`.
    static func labelled(_ labels: [String], in original: String, folded: String) -> String? {
        let trimmed = folded.drop(while: { $0 == " " || $0 == "-" || $0 == "•" || $0 == "*" })
        let offset = folded.count - trimmed.count
        for label in labels where trimmed.hasPrefix(label) {
            let rest = trimmed.dropFirst(label.count).drop(while: { $0 == " " })
            guard rest.first == ":" || rest.first == "=" else { continue }
            return TextFolding.valueAfterSeparator(in: original, from: offset + label.count)
        }
        return nil
    }

    static func hasLabel(_ labels: [String], _ folded: String) -> Bool {
        labels.contains(where: folded.contains)
    }

    static func afterLabel(_ line: String) -> String? {
        line.firstIndex(where: { $0 == ":" || $0 == "=" }).map { String(line[line.index(after: $0)...]) }
    }

    static func looksLikeName(_ text: String) -> Bool {
        let letters = text.filter(\.isLetter).count
        return letters >= 2 && text.count <= 150
    }

    /// Trailing punctuation and quotes off; the name stays as written.
    static func cleanName(_ text: String) -> String {
        text.trimmingCharacters(in: CharacterSet(charactersIn: " .,;:\"«»").union(.whitespaces))
    }

    /// A first line in capitals that is not a document title: the company's letterhead.
    static func letterhead(_ document: DocumentText) -> TextLine? {
        guard let first = document.lines.first(where: { !$0.text.trimmingWhitespace().isEmpty }) else { return nil }
        let text = first.text.trimmingWhitespace()
        let letters = text.filter(\.isLetter)
        guard letters.count >= 3, letters.allSatisfy({ !$0.isLowercase }), text.count <= 80 else { return nil }
        let words = Set(TextFolding.fold(text).split(whereSeparator: { !$0.isLetter }).map(String.init))
        return words.isDisjoint(with: Self.titleWords) ? first : nil
    }

    /// Without a total label, the largest amount with a currency, marked as inferred.
    static func largestAmount(_ document: DocumentText) -> Extracted<Money>? {
        var best: (Money, TextLine)?
        for line in document.lines {
            for money in MoneyParser.amounts(in: line.text) where money.amount > (best?.0.amount ?? 0) {
                best = (money, line)
            }
        }
        return best.map { Extracted($0.0, .low, SourceRef(document, $0.1)) }
    }
}
