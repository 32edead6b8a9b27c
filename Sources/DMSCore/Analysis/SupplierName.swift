import Foundation

/// Supplier names as written vary (`Ets KONE & FILS`, `Établissements Koné & Fils`): the key folds
/// case, accents, punctuation and legal forms away, so the parts of one offer merge and two
/// different suppliers never do (keys must be equal, not merely similar). Dotted abbreviations
/// are one word (`S.A.R.L.` is `sarl`, `B.T.P.` is `btp`).
public enum SupplierName {
    static let legalForms: Set<String> = [
        "sarl", "sarlu", "suarl", "sa", "sas", "sasu", "gie", "ets", "etablissements", "etablissement", "ste", "societe",
        "entreprise", "ent", "cie", "compagnie", "scoop", "coop", "snc", "ltd", "inc", "eurl", "scs", "sca", "su",
    ]

    public static func key(_ name: String) -> String {
        Self.words(TextFolding.fold(name).replacingOccurrences(of: "&", with: " et "))
            .filter { !Self.legalForms.contains($0) }
            .joined(separator: " ")
    }

    /// Words of folded text, with runs of single letters (`s a r l` from `S.A.R.L.`) joined.
    static func words(_ folded: String) -> [String] {
        var words: [String] = []
        var letters = ""
        for word in folded.split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
            if word.count == 1, word.first!.isLetter {
                letters += word
                continue
            }
            if !letters.isEmpty { words.append(letters); letters = "" }
            words.append(String(word))
        }
        if !letters.isEmpty { words.append(letters) }
        return words
    }

    /// What follows a name on the same line and is not the name: registry and tax numbers
    /// (NIF, RCCM, RC, NINEA, IFU, CC), capital, address, phone.
    static let trailers = #"(?:\s*[,;–—\-/(]\s*|\s+)(?:nif|rccm|r\.c\.c\.m|rc|ninea|ifu|n°\s*cc|cc|n°\s*ifu|n°\s*rccm|au capital|capital|tel|tél|telephone|téléphone|bp|b\.p|boite postale|sis|adresse|email|e-mail)\b.*$"#

    /// The name as written, without trailing identifiers and punctuation.
    public static func clean(_ text: String) -> String {
        var name = text
        if let regex = try? NSRegularExpression(pattern: Self.trailers, options: [.caseInsensitive]) {
            name = regex.stringByReplacingMatches(in: name, range: NSRange(name.startIndex..., in: name), withTemplate: "")
        }
        name = name.trimmingCharacters(in: CharacterSet(charactersIn: " ,;:\"«»–—-").union(.whitespaces))
        // A dangling opening parenthesis left by the cut.
        if name.filter({ $0 == "(" }).count > name.filter({ $0 == ")" }).count, let open = name.lastIndex(of: "(") {
            name = String(name[..<open]).trimmingCharacters(in: .whitespaces)
        }
        return name
    }
}
