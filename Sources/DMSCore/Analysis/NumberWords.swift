/// French numbers written in words, as offers write durations and amounts: « vingt et un »,
/// « soixante-et-onze », « quatre vingt dix », « trois cent soixante-cinq »,
/// « quarante-sept millions huit cent soixante-quinze mille ». Hyphens and spaces are the same.
public enum NumberWords {
    static let units: [String: Int] = [
        "zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9,
        "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16,
        "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
        // Belgian and Swiss forms, seen in some offers.
        "septante": 70, "huitante": 80, "octante": 80, "nonante": 90,
    ]
    static let multipliers: [String: Int] = ["cent": 100, "cents": 100, "mille": 1_000, "mil": 1_000, "million": 1_000_000, "millions": 1_000_000,
                                             "milliard": 1_000_000_000, "milliards": 1_000_000_000]

    /// Folded words (`vingt`, `et`, `un`) split on spaces and hyphens.
    public static func isNumberWord(_ word: String) -> Bool {
        Self.units[word] != nil || Self.multipliers[word] != nil
    }

    /// The value of a run of number words, or nil when the run is not a well-formed number.
    public static func value(_ words: [String]) -> Int? {
        let words = words.filter { $0 != "et" }
        guard !words.isEmpty, words.allSatisfy(Self.isNumberWord) else { return nil }
        var total = 0
        var group = 0
        var previous: String?
        for word in words {
            if let unit = Self.units[word] {
                // « quatre-vingt(s) » is 4 × 20, not 4 + 20.
                if unit == 20, previous == "quatre" {
                    group += 76
                } else {
                    group += unit
                }
            } else if let multiplier = Self.multipliers[word] {
                if multiplier == 100 {
                    group = max(group, 1) * 100
                } else {
                    total += max(group, 1) * multiplier
                    group = 0
                }
            }
            previous = word
        }
        return total + group
    }

    /// The number written in words that ends just before `end` in `words` (e.g. the words before
    /// « jours »), with how many words it took. A leading « et » is not part of it.
    static func ending(at end: Int, in words: [String]) -> (value: Int, count: Int)? {
        var start = end
        while start > 0, Self.isNumberWord(words[start - 1]) || (words[start - 1] == "et" && start - 1 > 0 && Self.isNumberWord(words[start - 2])) {
            start -= 1
        }
        guard start < end, let value = Self.value(Array(words[start..<end])) else { return nil }
        return (value, end - start)
    }

    /// Folded text split into words, hyphens and apostrophes counting as spaces.
    static func words(_ folded: String) -> [String] {
        folded.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
    }
}
