import Foundation

/// Delays and validity periods in days. Conventions (the ones procurement committees use when a
/// period is not given in days): a week is 7 days, a month 30 days, a year 365 days, and hours
/// count only when they make whole days (72 heures = 3 jours). Numbers may be figures, words up to
/// « trois cent soixante-cinq » (with or without hyphens), or both (« trois (3) mois »); units may
/// be abbreviated (`j`, `jrs`, `45j`, `sem.`).
public enum DurationParser {
    static let units: [String: Int] = [
        "jours": 1, "jour": 1, "j": 1, "jrs": 1, "jr": 1, "js": 1,
        "semaines": 7, "semaine": 7, "sem": 7, "mois": 30, "ans": 365, "an": 365, "annee": 365, "annees": 365,
    ]

    static let glued = try! NSRegularExpression(pattern: #"(\d)(jrs|jr|j|h)\b"#)

    /// The first duration on the line, in days.
    public static func days(in line: String) -> Int? {
        Self.all(in: line).first
    }

    /// Every duration on the line, in days, in order.
    public static func all(in line: String) -> [Int] {
        // « 45j » and « 10jrs »: a figure glued to its unit.
        var folded = TextFolding.fold(line)
        folded = Self.glued.stringByReplacingMatches(in: folded, range: NSRange(folded.startIndex..., in: folded), withTemplate: "$1 $2")
        let words = NumberWords.words(folded)
        var found: [Int] = []
        for (index, word) in words.enumerated() where index > 0 {
            if let unit = Self.units[word], let count = Self.count(before: index, in: words) {
                found.append(count * unit)
            } else if word == "heures" || word == "h", let hours = Int(words[index - 1]), hours > 0, hours % 24 == 0 {
                found.append(hours / 24)
            }
        }
        return found
    }

    /// The number just before a unit: a figure, or words (« vingt et un »), or a figure in
    /// parentheses after words (« trois (3) mois », the figure wins when both are given).
    static func count(before index: Int, in words: [String]) -> Int? {
        if let figure = Int(words[index - 1]) {
            return figure > 0 && figure < 10_000 ? figure : nil
        }
        guard let written = NumberWords.ending(at: index, in: words), written.value > 0, written.value < 10_000 else { return nil }
        return written.value
    }
}
