import Foundation

/// How sure the system is of a cell, shown as its colour. Never a judgement of the supplier.
public enum CellTone: String, Sendable, Hashable, CaseIterable {
    /// Read next to an explicit label (green).
    case high
    /// Inferred (amber).
    case low
    /// Not readable: the cell says `REVUE MANUELLE` (red).
    case manualReview
    /// A person's value for a field the extraction could not read (blue), with who and why.
    case corrected
    /// Plain information: labels, lists, what the committee has to check.
    case neutral

    init(_ confidence: Confidence?) {
        switch confidence {
        case .high: self = .high
        case .low: self = .low
        case nil: self = .manualReview
        }
    }

    /// The legend printed on the CBA's first sheet and in the PV.
    public var legend: String {
        switch self {
        case .high: "vert : valeur lue à côté d'une étiquette explicite (confiance haute)"
        case .low: "ambre : valeur déduite, à confirmer (confiance basse)"
        case .manualReview: "rouge : REVUE MANUELLE — valeur illisible ou absente, jamais devinée"
        case .corrected: "bleu : valeur saisie par une personne (qui et pourquoi dans la source)"
        case .neutral: "sans couleur : information ou point à vérifier par le comité"
        }
    }
}

/// What a cell holds. Amounts and days stay numbers so a spreadsheet can compute with them.
public enum CellValue: Sendable, Hashable {
    case text(String)
    case number(Double)
    case amount(Double, currency: String)
    case manualReview
    case empty
}

/// One cell of the comparison: a value, its tone, and where it came from.
public struct ReportCell: Sendable, Hashable {
    public let value: CellValue
    public let tone: CellTone
    /// The source in words (document, place, text), or who entered the value and why.
    public let source: String?

    public init(_ value: CellValue, tone: CellTone, source: String? = nil) {
        self.value = value
        self.tone = tone
        self.source = source
    }

    public static func text(_ text: String, tone: CellTone = .neutral) -> ReportCell { ReportCell(.text(text), tone: tone) }
    public static let manualReview = ReportCell(.manualReview, tone: .manualReview)
    public static let empty = ReportCell(.empty, tone: .neutral)

    /// The cell as text, for documents that cannot hold numbers (the PV) and for column widths.
    public var display: String {
        switch self.value {
        case .text(let text): text
        case .number(let number): ReportFormat.number(number)
        case .amount(let amount, let currency): ReportFormat.amount(amount, currency: currency)
        case .manualReview: Extracted<String>.manualReview
        case .empty: ""
        }
    }
}

/// A row of a comparison sheet: a label, then one cell per supplier (same order as the columns).
public struct ReportRow: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// A fact read in the offers.
        case fact
        /// Where the facts of the row above came from.
        case source
        /// A criterion of the DAO: the committee checks it, the system does not.
        case criterion
        /// A heading inside the sheet.
        case section
    }

    public let label: String
    public let kind: Kind
    public let cells: [ReportCell]

    public init(_ label: String, kind: Kind, cells: [ReportCell]) {
        self.label = label
        self.kind = kind
        self.cells = cells
    }
}
