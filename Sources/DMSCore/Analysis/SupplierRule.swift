import Foundation

/// Reads who submits the offer. `high` only after a label naming the bidder (« Raison sociale »,
/// « Soumissionnaire », « Candidat », « Nom du fournisseur »…) when every such label gives the
/// same supplier. The « Je soussigné …, agissant pour le compte de … » formula and a letterhead are
/// inferences: `low`. Registry and tax numbers after the name (NIF, RCCM, IFU, NINEA…) are cut.
enum SupplierRule {
    /// The words a supplier label is made of, once « nom », « du », « de la »… are set aside.
    static let labelWords: Set<String> = [
        "raison", "sociale", "denomination", "soumissionnaire", "candidat", "fournisseur", "entreprise", "societe", "titulaire",
        "prestataire", "attributaire", "adresse",
    ]
    static let keyLabelWords: Set<String> = ["raison", "denomination", "soumissionnaire", "candidat", "fournisseur", "entreprise", "societe", "titulaire", "prestataire", "attributaire"]
    static let fillers: Set<String> = ["nom", "noms", "et", "ou", "du", "de", "la", "l", "le", "des", "prenoms", "prenom", "complet", "officiel", "d"]

    /// Words that make a line a document title or an address rather than a company name.
    static let titleWords: Set<String> = [
        "offre", "offres", "proposition", "dossier", "devis", "facture", "bordereau", "soumission", "lettre", "objet", "technique",
        "financiere", "administrative", "appel", "marche", "lot", "republique", "ministere", "page", "formulaire", "attestation",
        "proforma", "pro", "forma", "avis", "direction", "grille", "criteres", "section", "demande", "cahier", "annexe", "monsieur",
        "client", "engagement", "renseignements", "recapitulatif", "tel", "bp", "email", "quartier", "rue", "avenue", "liste",
    ]
    static let companyWords: Set<String> = ["ets", "etablissements", "etablissement", "societe", "ste", "entreprise", "sarl", "sa", "gie", "eurl", "snc",
                                            "groupement", "compagnie", "cabinet", "bureau", "quincaillerie", "imprimerie", "librairie"]

    static func read(_ document: DocumentText, _ lines: [OfferLine]) -> Extracted<String> {
        var labelled: [(String, TextLine)] = []
        for line in lines {
            if let name = Self.labelled(line) { labelled.append((name, line.line)) }
        }
        var inferred: [(String, TextLine)] = []
        for line in lines {
            if let name = Self.onBehalfOf(line) { inferred.append((name, line.line)) }
        }
        if let letterhead = Self.letterhead(lines) { inferred.append(letterhead) }
        let all = labelled + inferred
        guard let chosen = labelled.first ?? inferred.first else { return .missing }
        let key = SupplierName.key(chosen.0)
        var seen: Set<String> = [key]
        let candidates = all.filter { seen.insert(SupplierName.key($0.0)).inserted }.map { Candidate($0.0, SourceRef(document, $0.1)) }
        let agreed = labelled.allSatisfy { SupplierName.key($0.0) == key }
        let high = !labelled.isEmpty && agreed
        return Extracted(chosen.0, high ? .high : .low, SourceRef(document, chosen.1), candidates: candidates)
    }

    static func isLabel(_ folded: String) -> Bool {
        let words = SupplierName.words(folded).filter { !Self.fillers.contains($0) }
        return !words.isEmpty && words.count <= 5 && words.allSatisfy(Self.labelWords.contains) && words.contains(where: Self.keyLabelWords.contains)
    }

    /// `Raison sociale : X`, `CANDIDAT : X`, a table row `Soumissionnaire | X`.
    static func labelled(_ line: OfferLine) -> String? {
        for (index, cell) in line.cells.enumerated() {
            var value: String?
            if let (label, after) = OfferLine.labelValue(cell), Self.isLabel(label) {
                value = after.isEmpty ? line.cells.dropFirst(index + 1).first : after
            } else if line.isTableRow, Self.isLabel(TextFolding.fold(cell)) {
                value = line.cells.dropFirst(index + 1).first
            }
            if let value, case let name = SupplierName.clean(value), Self.looksLikeName(name) { return name }
        }
        return nil
    }

    static func looksLikeName(_ text: String) -> Bool {
        let letters = text.filter(\.isLetter).count
        return letters >= 2 && text.count <= 120 && text.first.map { $0.isLetter || $0.isNumber || $0 == "«" || $0 == "\"" } == true
    }

    /// « … agissant au nom et pour le compte de la société X, … », « en qualité de Gérant de
    /// l'entreprise X, … »: the company, up to the next comma.
    static let onBehalf = try! NSRegularExpression(pattern:
        #"(?:pour le compte (?:de la |de l'|du |des |de )|en (?:ma |sa )?qualite de [\w-]+(?: [\w-]+)? (?:de la |de l'|du |des |de ))(?:societe |l'entreprise |entreprise |la societe )?"#)

    static func onBehalfOf(_ line: OfferLine) -> String? {
        let folded = line.folded
        guard let match = Self.onBehalf.firstMatch(in: folded, range: NSRange(folded.startIndex..., in: folded)),
              let range = Range(match.range, in: folded) else { return nil }
        let offset = folded.distance(from: folded.startIndex, to: range.upperBound)
        var rest = String(Array(line.text)[offset...])
        if let end = rest.range(of: #",\s|;|\s[-–]\s|\.\s|\s(?:apres|m'engage|nous|je)\s"#, options: .regularExpression) {
            rest = String(rest[..<end.lowerBound])
        }
        let name = SupplierName.clean(rest)
        guard let first = name.first, first.isUppercase, Self.looksLikeName(name) else { return nil }
        return name
    }

    /// Among the first lines, one in capitals or naming a company form that is not a title or an
    /// address, or what follows a title and a dash (« OFFRE - GIE BARA KA SERVICES »).
    static func letterhead(_ lines: [OfferLine]) -> (String, TextLine)? {
        for line in lines.prefix(4) where !line.isTableRow {
            for text in Self.afterTitle(line.line.text.trimmingWhitespace()) {
                guard text.count <= 100, OfferLine.labelValue(text) == nil else { continue }
                let words = SupplierName.words(TextFolding.fold(text))
                guard !words.isEmpty, Set(words).isDisjoint(with: Self.titleWords), words.first.map({ Int($0) == nil }) == true else { continue }
                let letters = text.filter(\.isLetter)
                let capitals = letters.count >= 3 && letters.allSatisfy { !$0.isLowercase }
                let company = words.contains(where: Self.companyWords.contains)
                guard capitals || company else { continue }
                let name = SupplierName.clean(text)
                if Self.looksLikeName(name) { return (name, line.line) }
            }
        }
        return nil
    }

    /// The line, and the part after « title - » when everything before the dash is title words.
    static func afterTitle(_ text: String) -> [String] {
        guard let dash = text.range(of: #"\s[-–—]\s"#, options: .regularExpression) else { return [text] }
        let title = SupplierName.words(TextFolding.fold(String(text[..<dash.lowerBound])))
        guard !title.isEmpty, title.allSatisfy(Self.titleWords.contains) else { return [text] }
        return [text, String(text[dash.upperBound...]).trimmingWhitespace()]
    }
}
