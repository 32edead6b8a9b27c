import Foundation

/// A calendar day as people write it (`2026-11-29`, `29/11/2026`), checked to exist.
public struct CalendarDate: Sendable, Hashable, Comparable {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1900...9999).contains(year), (1...12).contains(month), day >= 1, day <= Self.days(in: month, of: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    public init?(parsing raw: String) {
        let text = raw.trimmingWhitespace()
        let parts: [Substring]
        let ymd: Bool
        if text.contains("-") {
            parts = text.split(separator: "-", omittingEmptySubsequences: false)
            ymd = true
        } else {
            parts = text.split(separator: "/", omittingEmptySubsequences: false)
            ymd = false
        }
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let first = Int(parts[0]), let second = Int(parts[1]), let third = Int(parts[2]) else { return nil }
        if ymd {
            guard parts[0].count == 4 else { return nil }
            self.init(year: first, month: second, day: third)
        } else {
            guard parts[2].count == 4 else { return nil }
            self.init(year: third, month: second, day: first)
        }
    }

    public var iso: String {
        String(format: "%04d-%02d-%02d", self.year, self.month, self.day)
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    static func days(in month: Int, of year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The same day `months` months earlier (the last day of the month when it has fewer days).
    public func minus(months: Int) -> CalendarDate {
        var total = self.year * 12 + (self.month - 1) - months
        if total < 1900 * 12 { total = 1900 * 12 }
        let year = total / 12
        let month = total % 12 + 1
        return CalendarDate(year: year, month: month, day: min(self.day, Self.days(in: month, of: year)))!
    }
}

/// A price as people type it: `4 750`, `4750,50`, `4.750`, `1 250 000`. Nil for anything else.
public enum PriceText {
    public static func parse(_ raw: String) -> Decimal? {
        var text = raw.trimmingWhitespace()
            .replacingOccurrences(of: "\u{00A0}", with: " ")
            .replacingOccurrences(of: "\u{202F}", with: " ")
        for suffix in ["FCFA", "F CFA", "CFA", "XOF", "F"] where text.uppercased().hasSuffix(suffix) {
            text = String(text.dropLast(suffix.count)).trimmingWhitespace()
            break
        }
        text = text.replacingOccurrences(of: " ", with: "")
        guard !text.isEmpty, text.count <= 24, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == ",") }),
              text.first!.isNumber else { return nil }
        let commas = text.filter { $0 == "," }.count
        let dots = text.filter { $0 == "." }.count
        if commas > 1 || (commas == 1 && dots > 0 && text.lastIndex(of: ",")! < text.lastIndex(of: ".")!) {
            return nil
        }
        if commas == 1 {
            // `4750,50` decimal comma; dots before it group thousands (`4.750,50`).
            guard dots == 0 || Self.grouped(String(text[..<text.firstIndex(of: ",")!]), by: ".") else { return nil }
            text = text.replacingOccurrences(of: ".", with: "").replacingOccurrences(of: ",", with: ".")
        } else if dots > 1 || (dots == 1 && Self.grouped(text, by: ".") && text.split(separator: ".").last!.count == 3) {
            // `1.250.000` or `4.750`: dots group thousands.
            guard Self.grouped(text, by: ".") else { return nil }
            text = text.replacingOccurrences(of: ".", with: "")
        }
        guard let last = text.last, last.isNumber else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }

    static func grouped(_ text: String, by separator: Character) -> Bool {
        let groups = text.split(separator: separator, omittingEmptySubsequences: false)
        guard let first = groups.first, (1...3).contains(first.count) else { return false }
        return groups.dropFirst().allSatisfy { $0.count == 3 }
    }
}
