import Foundation

/// An amount as read in an offer. XOF unless stated; HT and TTC are kept apart, never converted.
public struct Money: Sendable, Hashable {
    public enum Tax: String, Sendable, Hashable {
        case ht = "HT"
        case ttc = "TTC"
    }

    public let amount: Decimal
    public let currency: String
    public let tax: Tax?

    public init(amount: Decimal, currency: String = "XOF", tax: Tax? = nil) {
        self.amount = amount
        self.currency = currency
        self.tax = tax
    }
}

/// Reads French-formatted amounts: `12 500 000`, `12.500.000`, `12 500 000,50`, `12,500,000`,
/// with `FCFA`, `F CFA`, `XOF`, `CFA` (all XOF), `EUR`/`€`, `USD`/`$`.
public enum MoneyParser {
    /// Currency words, folded, longest first so `f cfa` wins over `cfa`.
    static let currencies: [(String, String)] = [
        ("francs cfa", "XOF"), ("franc cfa", "XOF"), ("f cfa", "XOF"), ("f.cfa", "XOF"), ("fcfa", "XOF"), ("xof", "XOF"),
        ("frs cfa", "XOF"), ("fr cfa", "XOF"), ("cfa", "XOF"), ("francs guineens", "GNF"), ("franc guineen", "GNF"), ("gnf", "GNF"),
        ("euros", "EUR"), ("euro", "EUR"), ("eur", "EUR"), ("€", "EUR"), ("usd", "USD"), ("$", "USD"),
    ]

    /// Every amount on the line followed (or preceded) by a currency, in order.
    public static func amounts(in line: String) -> [Money] {
        let folded = TextFolding.fold(line)
        let tax = Self.tax(in: folded)
        var results: [Money] = []
        for match in Self.numbers(in: folded) {
            // « (47 875 000) francs CFA »: the figure in parentheses after the amount in words.
            let after = String(folded[match.range.upperBound...].drop(while: { $0 == ")" || $0 == " " }))
            let before = folded[..<match.range.lowerBound].trimmingCharacters(in: .whitespaces)
            if let currency = Self.currencies.first(where: { after.hasPrefix($0.0) && Self.endsWord(after, $0.0) })?.1
                ?? Self.currencies.first(where: { before.hasSuffix($0.0) })?.1 {
                results.append(Money(amount: match.value, currency: currency, tax: tax))
            }
        }
        return results
    }

    /// The first number on the line, whatever follows it (for `Montant total : 12 500 000`).
    public static func firstNumber(in line: String) -> Decimal? {
        Self.numbers(in: TextFolding.fold(line)).first?.value
    }

    /// TTC or HT as offers write them: `TTC`, `T.T.C`, `toutes taxes comprises`, `TVA comprise`,
    /// `TVAC`; `HT`, `H.T.`, `HTVA`, `hors taxes`, `hors TVA`.
    static func tax(in folded: String) -> Money.Tax? {
        let words = Set(SupplierName.words(folded))
        if words.contains("ttc") || words.contains("tvac") || folded.contains("toutes taxes") || folded.contains("tva comprise")
            || folded.contains("tva incluse") { return .ttc }
        if words.contains("ht") || words.contains("htva") || words.contains("htt") || folded.contains("hors taxe") || folded.contains("hors tva") {
            return .ht
        }
        return nil
    }

    /// The first currency named in the text (`Prix unitaire (FCFA)`, `Montants exprimés en francs CFA`).
    public static func currency(in text: String) -> String? {
        let folded = TextFolding.fold(text)
        var best: (String.Index, String)?
        for (word, code) in Self.currencies {
            var searchRange = folded.startIndex..<folded.endIndex
            while let range = folded.range(of: word, range: searchRange) {
                let before = range.lowerBound == folded.startIndex ? " " : folded[folded.index(before: range.lowerBound)]
                let after = range.upperBound == folded.endIndex ? " " : folded[range.upperBound]
                let isWord = word.count == 1 || (!before.isLetter && !after.isLetter)
                if isWord, best == nil || range.lowerBound < best!.0 { best = (range.lowerBound, code) }
                if isWord { break }
                searchRange = range.upperBound..<folded.endIndex
            }
        }
        return best?.1
    }

    /// An amount written in words and followed by a currency: « deux millions cinq cent vingt-sept
    /// mille cinq cents francs CFA ». Only runs with a multiplier (cent, mille, million) count.
    public static func amountInWords(in line: String) -> Money? {
        let folded = TextFolding.fold(line)
        let words = NumberWords.words(folded)
        for (index, word) in words.enumerated() where index > 0 && (word == "francs" || word == "fcfa" || word == "cfa" || word == "f") {
            var end = index
            // « … mille (2 527 000) francs »: skip a figure in parentheses.
            while end > 0, Int(words[end - 1]) != nil { end -= 1 }
            guard let written = NumberWords.ending(at: end, in: words), written.count >= 2 || written.value >= 100,
                  written.value >= 1_000 else { continue }
            let rest = words[index...].joined(separator: " ")
            let currency = Self.currency(in: rest) ?? "XOF"
            return Money(amount: Decimal(written.value), currency: currency, tax: Self.tax(in: folded))
        }
        return nil
    }

    private static func endsWord(_ text: String, _ word: String) -> Bool {
        guard let next = text.dropFirst(word.count).first else { return true }
        return !next.isLetter
    }

    struct NumberMatch {
        let value: Decimal
        let range: Range<String.Index>
    }

    /// Numbers with French grouping: groups of three separated by space, NBSP, `.` or `,`;
    /// a final `,dd` (or `.dd` when groups use spaces) is the decimal part.
    static func numbers(in text: String) -> [NumberMatch] {
        let pattern = #"(?<![\d.,])\d{1,3}(?:(?:[ .,]\d{3})+)?(?:[.,]\d{1,2})?(?![\d])|(?<![\d.,])\d+(?:[.,]\d{1,2})?(?![\d])"#
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        let nsText = text as NSString
        return regex.matches(in: text, range: NSRange(location: 0, length: nsText.length)).compactMap { match in
            guard let range = Range(match.range, in: text), let value = Self.decimal(String(text[range])) else { return nil }
            return NumberMatch(value: value, range: range)
        }
    }

    /// `12 500 000,50` → 12500000.50; `12.500.000` → 12500000; `1,5` → 1.5.
    static func decimal(_ raw: String) -> Decimal? {
        var digits = raw.replacingOccurrences(of: " ", with: "")
        var fraction = ""
        if let last = digits.lastIndex(where: { $0 == "," || $0 == "." }) {
            let tail = digits[digits.index(after: last)...]
            if tail.count <= 2 {
                fraction = String(tail)
                digits = String(digits[..<last])
            }
        }
        digits.removeAll { $0 == "." || $0 == "," }
        guard !digits.isEmpty, digits.allSatisfy(\.isNumber) else { return nil }
        return Decimal(string: fraction.isEmpty ? digits : "\(digits).\(fraction)")
    }
}
