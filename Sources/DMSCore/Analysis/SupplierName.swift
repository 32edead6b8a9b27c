/// Supplier names as written vary (`Ets KONE & FILS`, `Établissements Koné & Fils`): the key folds
/// case, accents, punctuation and legal forms away, so the parts of one offer merge and two
/// different suppliers never do (keys must be equal, not merely similar).
public enum SupplierName {
    static let legalForms: Set<String> = [
        "sarl", "sarlu", "suarl", "sa", "sas", "sasu", "gie", "ets", "etablissements", "etablissement", "ste", "societe",
        "entreprise", "ent", "cie", "compagnie", "scoop", "coop", "snc", "ltd", "inc",
    ]

    public static func key(_ name: String) -> String {
        let words = TextFolding.fold(name)
            .replacingOccurrences(of: "&", with: " et ")
            .split(whereSeparator: { !$0.isLetter && !$0.isNumber })
            .map(String.init)
            .filter { !Self.legalForms.contains($0) }
        return words.joined(separator: " ")
    }
}
