import Foundation

/// Reads the delivery delay and the offer's validity. Each label takes the duration that follows
/// it up to the next label, so « Délai : 30 jours ; validité : 90 jours » gives each its own
/// number. A clause about a certificate, a guarantee, an attestation or a reference is never
/// read (« attestation de moins de 6 mois », « caution valable 120 jours »).
enum DurationRule {
    enum Field { case delivery, validity }

    enum Strength: Int, Comparable {
        /// A sentence or a loose word (« livrer … sous », « Planning »): low.
        case inferred = 0
        /// The field's own words (« Délai de livraison », « offre valable »): may be high.
        case explicit = 1

        static func < (lhs: Strength, rhs: Strength) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    struct Label {
        let field: Field
        let strength: Strength
        let pattern: NSRegularExpression
    }

    static let labels: [Label] = {
        func label(_ field: Field, _ strength: Strength, _ pattern: String) -> Label {
            Label(field: field, strength: strength, pattern: try! NSRegularExpression(pattern: pattern))
        }
        return [
            label(.delivery, .explicit, #"\bdelais? (?:global |total )?(?:de |d')(?:livraison|execution|realisation|achevement)"#),
            label(.delivery, .explicit, #"\b(?:duree|periode) (?:d'execution|de realisation|des travaux|de livraison)"#),
            label(.delivery, .explicit, #"\blivraisons? ?(?::|sous\b|dans\b|en\b)"#),
            label(.delivery, .inferred, #"\b(?:livr|execut|achev|realis)\w* [^;|]{0,80}?\b(?:sous|dans un delai de|dans les|en)\b"#),
            label(.delivery, .inferred, #"\b(?:delais?|planning(?: d'execution)?|duree totale(?: des travaux)?|chronogramme|demarrage)\b"#),
            label(.validity, .explicit, #"\b(?:duree|periode|delai|validite) de validite\b"#),
            label(.validity, .explicit, #"\bvalidite (?:de l'offre|de notre offre|des offres|du devis|de la proforma|de la facture|de la soumission|des prix|de la proposition)"#),
            label(.validity, .explicit, #"^\s*validite\b"#),
            label(.validity, .explicit, #"\b(?:offres?|soumission|devis|proforma|pro forma|proposition|cotation|prix)\b[^.;|]{0,40}?\b(?:valables?|valides?)\b"#),
            label(.validity, .inferred, #"\bmaint\w* (?:notre |la presente |cette |l')?(?:offre|soumission|proposition)\b"#),
            label(.validity, .inferred, #"\b(?:valables?|valides?|validite)\b"#),
        ]
    }()

    /// Words that make a clause about something else than the offer's delay or validity.
    static let otherSubjects = [
        "attestation", "certificat", "caution", "garantie", "cautionnement", "reference", "moins de", "datant", "bonne execution",
        "bonne fin", "assurance", "agrement", "registre", "cnss", "cnps", "quitus", "non faillite", "il y a", "experience",
        "marche n", "paiement", "avance",
    ]

    struct Reading {
        let days: Int
        let strength: Strength
        let ambiguous: Bool
        let line: TextLine
    }

    static func read(_ field: Field, _ document: DocumentText, _ lines: [OfferLine]) -> Extracted<Int> {
        var readings: [Reading] = []
        for line in lines {
            readings += Self.readings(line).filter { $0.field == field }.map(\.reading)
        }
        guard let strongest = readings.map(\.strength).max() else { return .missing }
        let best = readings.filter { $0.strength == strongest }
        let chosen = best[0]
        let others = readings.filter { $0.days != chosen.days }
        let conflict = best.contains { $0.days != chosen.days }
        let high = strongest == .explicit && !chosen.ambiguous && !conflict
        var seen = Set<Int>()
        let candidates = others.filter { seen.insert($0.days).inserted }.map { Candidate($0.days, SourceRef(document, $0.line)) }
        return Extracted(chosen.days, high ? .high : .low, SourceRef(document, chosen.line), candidates: candidates)
    }

    /// Every label on the line with the duration that follows it (up to the next label).
    static func readings(_ line: OfferLine) -> [(field: Field, reading: Reading)] {
        var results: [(Field, Reading)] = []
        for clause in line.clauses {
            let text = line.folded(clause)
            let clauseAboutOther = Self.otherSubjects.contains(where: text.contains)
            // The first (strongest) label found at each place; later weaker matches of the same
            // field overlapping it are the same label.
            var found: [(start: Int, end: Int, label: Label)] = []
            // Explicit labels first: a weaker label inside a stronger one is the same label.
            for label in Self.labels.sorted(by: { $0.strength > $1.strength }) {
                let ns = NSRange(text.startIndex..., in: text)
                for match in label.pattern.matches(in: text, range: ns) {
                    guard let range = Range(match.range, in: text) else { continue }
                    let start = text.distance(from: text.startIndex, to: range.lowerBound)
                    let end = text.distance(from: text.startIndex, to: range.upperBound)
                    if found.contains(where: { start < $0.end && end > $0.start }) { continue }
                    if found.contains(where: { $0.label.field == label.field && start < $0.end + 25 && end > $0.start - 25 }) { continue }
                    found.append((start, end, label))
                }
            }
            found.sort { $0.start < $1.start }
            for (index, label) in found.enumerated() {
                guard !clauseAboutOther else { continue }
                let segmentEnd = found[(index + 1)...].first(where: { $0.label.field != label.label.field })?.start ?? text.count
                guard segmentEnd > label.start else { continue }
                let segment = String(Array(text)[label.start..<segmentEnd])
                let durations = DurationParser.all(in: segment)
                guard let days = durations.first else { continue }
                results.append((label.label.field, Reading(days: days, strength: label.label.strength,
                                                           ambiguous: Set(durations).count > 1, line: line.line)))
            }
        }
        return results
    }
}
