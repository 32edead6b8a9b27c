import Foundation

/// French renderings shared by the CBA and the PV: dates, amounts, labels.
public enum ReportFormat {
    /// `25/11/2026 à 17:36 UTC`: servers run in UTC, and the paper says so.
    public static func date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%02d/%02d/%04d à %02d:%02d UTC", c.day ?? 0, c.month ?? 0, c.year ?? 0, c.hour ?? 0, c.minute ?? 0)
    }

    /// A PostgreSQL timestamp (`2026-11-25T17:36:34.727385+00:00`, always UTC here) in the same form.
    public static func date(_ timestamp: Timestamp) -> String {
        let text = timestamp.iso8601
        let parts = text.split(whereSeparator: { "-T:.+ ".contains($0) }).map(String.init)
        guard parts.count >= 5, text.hasSuffix("+00:00") || text.hasSuffix("Z") else { return text }
        return "\(parts[2])/\(parts[1])/\(parts[0]) à \(parts[3]):\(parts[4]) UTC"
    }

    /// `12 500 000` with no-break spaces between groups; up to two decimals when there are some.
    public static func number(_ value: Double) -> String {
        let negative = value < 0
        let cents = (abs(value) * 100).rounded()
        let whole = (cents / 100).rounded(.down)
        let fraction = Int(cents - whole * 100)
        var digits = String(format: "%.0f", whole)
        var groups: [Substring] = []
        while digits.count > 3 {
            groups.insert(Substring(digits.suffix(3)), at: 0)
            digits.removeLast(3)
        }
        groups.insert(Substring(digits), at: 0)
        var text = groups.joined(separator: "\u{00A0}")
        if fraction != 0 { text += String(format: ",%02d", fraction) }
        return negative ? "-" + text : text
    }

    /// `12 500 000 FCFA` for XOF, `1 250,50 EUR` otherwise.
    public static func amount(_ value: Double, currency: String) -> String {
        "\(self.number(value))\u{00A0}\(self.currencyLabel(currency))"
    }

    public static func currencyLabel(_ code: String) -> String {
        code == "XOF" ? "FCFA" : code
    }

    public static func status(_ status: CaseStatus) -> String {
        switch status {
        case .open: "ouvert"
        case .analyzed: "analysé"
        case .decided: "décidé"
        }
    }

    public static func caseType(_ type: CaseType) -> String {
        switch type {
        case .dao: "DAO (dossier d'appel d'offres)"
        case .rfq: "RFQ (demande de cotation)"
        }
    }

    public static func kind(_ kind: DocumentKind) -> String {
        switch kind {
        case .dao: "DAO"
        case .offer: "offre"
        case .cbaTemplate: "modèle de CBA"
        case .pvTemplate: "modèle de PV"
        }
    }

    public static func category(_ category: Criterion.Category) -> String {
        switch category {
        case .essentiel: "essentiel (éligibilité)"
        case .technique: "technique"
        case .commercial: "commercial"
        case .durabilite: "durabilité"
        }
    }

    public static func part(_ part: OfferPart) -> String {
        switch part {
        case .administrative: "administrative"
        case .technical: "technique"
        case .financial: "financière"
        }
    }

    /// `12 345 octets`, `1,2 Mo`.
    public static func size(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) octets" }
        if bytes < 1 << 20 { return String(format: "%.1f Ko", Double(bytes) / 1024).replacingOccurrences(of: ".", with: ",") }
        return String(format: "%.1f Mo", Double(bytes) / Double(1 << 20)).replacingOccurrences(of: ".", with: ",")
    }

    static func decimal(_ value: Decimal) -> Double {
        NSDecimalNumber(decimal: value).doubleValue
    }
}
