import DMSCore
import Foundation

/// French renderings for the pages: `25 novembre 2026 à 14 h 05` (Africa/Bamako), `12 500 000 FCFA`
/// with narrow no-break spaces, `14 jours`.
enum WebFormat {
    static let months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"]
    static let narrowSpace = "\u{202F}"
    /// West Africa's working time zone (UTC+0, no daylight saving).
    static let timeZone = TimeZone(identifier: "Africa/Bamako") ?? TimeZone(secondsFromGMT: 0)!

    /// A PostgreSQL timestamp (`2026-11-25T14:05:00.123456+00:00`) in words.
    static func date(_ timestamp: Timestamp) -> String {
        let text = timestamp.iso8601
        let parts = text.split(whereSeparator: { "-T:+".contains($0) }).map(String.init)
        guard parts.count >= 6, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              let hour = Int(parts[3]), let minute = Int(parts[4]) else { return text }
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(secondsFromGMT: 0)!
        guard let instant = utc.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute)) else { return text }
        var local = Calendar(identifier: .gregorian)
        local.timeZone = self.timeZone
        let c = local.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
        let name = self.months[max(0, min(11, (c.month ?? 1) - 1))]
        // No-break spaces: « 10 h 01 » never splits across lines.
        return "\(c.day ?? day)\u{00A0}\(name) \(c.year ?? year) à \(c.hour ?? hour)\u{00A0}h\u{00A0}\(String(format: "%02d", c.minute ?? minute))"
    }

    /// A stored instant as a `Date` (`…+00:00` or `…Z`, with or without fractions).
    static func parse(_ timestamp: Timestamp) -> Date? {
        let precise = ISO8601DateFormatter()
        precise.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        return precise.date(from: timestamp.iso8601) ?? plain.date(from: timestamp.iso8601)
    }

    /// A form's `datetime-local` (`2026-12-15T10:00`) read in the case's time zone, as an instant.
    static func instant(_ raw: String?, zone: String, field: String) throws -> String? {
        guard let raw, !raw.isEmpty else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: zone) ?? self.timeZone
        formatter.dateFormat = raw.count > 16 ? "yyyy-MM-dd'T'HH:mm:ss" : "yyyy-MM-dd'T'HH:mm"
        guard let date = formatter.date(from: raw) else { throw ValidationError(field: field, message: "date et heure attendues") }
        let out = ISO8601DateFormatter()
        return out.string(from: date)
    }

    static func amount(_ money: Money) -> String {
        let currency = money.currency == "XOF" ? "FCFA" : money.currency
        return "\(self.grouped(money.amount))\(self.narrowSpace)\(currency)" + (money.tax.map { " \($0.rawValue)" } ?? "")
    }

    static func grouped(_ value: Decimal) -> String {
        let number = NSDecimalNumber(decimal: value)
        let whole = number.int64Value
        var digits = String(abs(whole))
        var groups: [String] = []
        while digits.count > 3 {
            groups.insert(String(digits.suffix(3)), at: 0)
            digits.removeLast(3)
        }
        groups.insert(digits, at: 0)
        var text = (whole < 0 ? "-" : "") + groups.joined(separator: self.narrowSpace)
        let fraction = (value - Decimal(whole))
        if fraction != 0 {
            let cents = NSDecimalNumber(decimal: fraction * 100).intValue
            text += "," + String(format: "%02d", abs(cents))
        }
        return text
    }

    /// `20`, `12,5`.
    static func number(_ value: Decimal) -> String {
        "\(value)".replacingOccurrences(of: ".", with: ",")
    }

    static func days(_ days: Int) -> String { days == 1 ? "1 jour" : "\(days) jours" }

    static func status(_ status: CaseStatus) -> String {
        switch status {
        case .open: "ouvert"
        case .analyzed: "analysé"
        case .decided: "décidé"
        }
    }
}
