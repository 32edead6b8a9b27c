import Foundation

/// Figures in the cells of a price schedule, read strictly: a cell is a number only when the whole
/// cell is one (a currency aside), so « 12,75 48 000 », « P.M. » or « 5 0OO » never become a value
/// by accident. A run of figures whose cell boundaries were lost is read by `readings`.
enum PriceNumber {
    /// `12 500`, `12 500,50`, `12 500.50`: groups of three after spaces, any decimal part.
    static let spaced = try! NSRegularExpression(pattern: #"^-?[1-9]\d{0,2}(?: \d{3})+(?:[.,]\d+)?$"#)
    /// `12.500`, `12.500,50`: groups of three after dots, a comma decimal part.
    static let dotted = try! NSRegularExpression(pattern: #"^-?[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?$"#)
    /// `12,500,000`, `12,500,000.50`: at least two groups after commas (one would be a French decimal).
    static let commas = try! NSRegularExpression(pattern: #"^-?[1-9]\d{0,2}(?:,\d{3}){2,}(?:\.\d+)?$"#)
    /// `12500`, `1,5`, `12.5`, `0,25` (as spreadsheets and short figures are written).
    static let plain = try! NSRegularExpression(pattern: #"^-?(?:0|[1-9]\d*)(?:[.,]\d+)?$"#)
    /// Words that may follow (or precede) a figure in its cell without changing it.
    static let noise: Set<String> = ["f", "fr", "frs", "francs", "fcfa", "cfa", "xof", "f.cfa", "gnf", "eur", "euros", "€", "usd", "$",
                                     "ht", "h.t", "h.t.", "ttc", "t.t.c", "t.t.c.", "htva"]
    /// More significant digits than any price or quantity: a longer run is not read as a figure.
    static let maximumDigits = 18

    /// The figure a cell holds, or nil. `ocr`: letters Tesseract reads for digits (`l2`, `5 0OO`)
    /// are taken as digits in a cell that has nothing else.
    static func value(_ cell: String, ocr: Bool = false) -> Decimal? {
        var words = TextFolding.fold(cell).split(separator: " ").map(String.init)
        // « 1 450 F CFA » leaves « 1 450 ».
        while let last = words.last, Self.noise.contains(last) { words.removeLast() }
        while let first = words.first, Self.noise.contains(first) { words.removeFirst() }
        var text = words.joined(separator: " ")
        if ocr { text = Self.repairedDigits(text) }
        guard !text.isEmpty, text.filter(\.isNumber).count <= Self.maximumDigits else { return nil }
        let range = NSRange(text.startIndex..., in: text)
        func matches(_ regex: NSRegularExpression) -> Bool { regex.firstMatch(in: text, range: range) != nil }
        var normalized: String
        if matches(Self.spaced) {
            normalized = text.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: ",", with: ".")
        } else if matches(Self.dotted) {
            normalized = text.replacingOccurrences(of: ".", with: "").replacingOccurrences(of: ",", with: ".")
        } else if matches(Self.commas) {
            normalized = text.replacingOccurrences(of: ",", with: "")
        } else if matches(Self.plain) {
            normalized = text.replacingOccurrences(of: ",", with: ".")
        } else {
            return nil
        }
        if normalized.hasPrefix("-.") { normalized = "-0" + normalized.dropFirst() }
        return Decimal(string: normalized, locale: Locale(identifier: "en_US_POSIX"))
    }

    /// `l2` → `12`, `42 OOO` → `42 000`: only when the text is digits and digit-like letters with
    /// at least one real digit.
    static func repairedDigits(_ text: String) -> String {
        guard text.contains(where: \.isNumber), text.allSatisfy({ $0.isNumber || "oil., -".contains($0) }) else { return text }
        return String(text.map { character in
            switch character {
            case "o": "0"
            case "i", "l": "1"
            default: character
            }
        })
    }

    /// Whether a token can be part of a written figure (`12`, `500`, `12,75`).
    static func isFigure(_ token: Substring) -> Bool {
        !token.isEmpty && token.allSatisfy { $0.isNumber || $0 == "," || $0 == "." } && token.first?.isNumber == true
            && token.last?.isNumber == true
    }

    /// Every way to read space-separated figure tokens as exactly `count` numbers, each number
    /// being a first group then groups of three (`8 45 000 360 000` → [8, 45 000, 360 000]).
    static func readings(_ tokens: [Substring], count: Int) -> [[Decimal]] {
        guard count > 0, tokens.count >= count, tokens.count <= 24, tokens.allSatisfy(Self.isFigure) else { return [] }
        var results: [[Decimal]] = []
        func walk(_ start: Int, _ numbers: [Decimal]) {
            guard results.count < 64 else { return }
            if start == tokens.count {
                if numbers.count == count { results.append(numbers) }
                return
            }
            guard numbers.count < count else { return }
            for end in (start + 1)...tokens.count {
                guard let value = Self.value(tokens[start..<end].joined(separator: " ")) else {
                    // A longer run only grows once the first group is short and the rest are three digits.
                    if end - start > 1 { break }
                    continue
                }
                walk(end, numbers + [value])
            }
        }
        walk(0, [])
        return results
    }
}
