import Foundation

/// Delays and validity periods in days: `30 jours`, `4 semaines` (28), `un mois` (30),
/// `deux semaines`, `45 jours calendaires`, `trois (3) mois`.
public enum DurationParser {
    static let numberWords: [String: Int] = [
        "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8,
        "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "quinze": 15, "vingt": 20, "trente": 30, "quarante": 40,
        "soixante": 60, "quatre-vingt-dix": 90,
    ]
    static let units: [(String, Int)] = [("jours", 1), ("jour", 1), ("j", 1), ("semaines", 7), ("semaine", 7), ("mois", 30), ("ans", 365), ("an", 365)]

    /// The first duration on the line, in days.
    public static func days(in line: String) -> Int? {
        let words = TextFolding.fold(line)
            .replacingOccurrences(of: "(", with: " ").replacingOccurrences(of: ")", with: " ")
            .split(whereSeparator: { $0 == " " || $0 == "," || $0 == ";" || $0 == ":" })
            .map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: ".")) }
        for (index, word) in words.enumerated() {
            guard let unit = Self.units.first(where: { $0.0 == word })?.1, index > 0 else { continue }
            // "trois (3) mois": the number may sit one word before the written one.
            for back in 1...min(2, index) {
                let candidate = words[index - back]
                if let count = Int(candidate) ?? Self.numberWords[candidate], count > 0, count < 10_000 {
                    return count * unit
                }
            }
        }
        return nil
    }
}
