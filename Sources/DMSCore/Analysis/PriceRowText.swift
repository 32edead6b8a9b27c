import Foundation

/// One line of a document prepared for the price-schedule reader: its cells, split on `|` with
/// empty cells kept (a DOCX row keeps its positions: `| Total HT |  |  | 1 910 000`), and what
/// kind of row its label makes it.
struct PriceRowText {
    /// Total, sub-total, tax, discount and « arrêté à la somme » labels, at the start of a cell.
    static let totalLabel = try! NSRegularExpression(pattern: [
        #"^(?:sous[- ]?(?:total|totaux)|s/total|total|totaux|montant\s+(?:total|global|net|h\.?t|t\.?t\.?c|de\s+la\s+tva|tva|des\s+taxes|(?:du\s+)?(?:lot|chapitre|section))"#,
        #"|net\s+(?:a\s+payer|commercial|h\.?t|t\.?t\.?c)|net|t\.?v\.?a|h\.?t\.?v\.?a|h\.?t|t\.?t\.?c"#,
        #"|remise(?=\s*(?:\d|%|:|$|commerciale|exceptionnelle|accordee|consentie|globale))|rabais|ristourne|escompte"#,
        #"|arretee?|report|a\s+reporter|i\.?s\.?b|a\.?i\.?b|prelevement|retenue)(?=$|[^a-z])"#,
        #"|arretee?\s+(?:le|la)\s+present|a\s+la\s+somme\s+de|total\s+general"#,
    ].joined())
    /// Sub-totals of a section or a lot: the table goes on after them.
    static let subtotalLabel = try! NSRegularExpression(
        pattern: #"^(?:sous[- ]?(?:total|totaux)|s/total|total\s+(?:partiel|lot|chapitre|section|titre|[ivxlc]+(?=$|[^a-z])|\d)|montant\s+(?:du\s+)?(?:lot|chapitre|section)|report|a\s+reporter)"#)
    /// A numbering cell: `1`, `1.2`, `A4`, `BT-01`, `PGF-0012`, `II`, `3)`.
    static let numbering = try! NSRegularExpression(pattern: #"^(?:[a-z]{0,4}[-. ]?\d+(?:[.\-/]\d+)*[a-z]?|[ivxlc]+(?:[.\-]\d+)*|\d+[.)°])\.?$"#)

    let line: TextLine
    /// The line's text, with OCR misreadings of labels and figures repaired when it came from OCR.
    let text: String
    let folded: String
    let cells: [String]
    let ocr: Bool

    init(_ line: TextLine, ocr: Bool) {
        self.line = line
        self.ocr = ocr
        self.text = ocr ? OCRRepair.repair(line.text) : line.text
        self.folded = TextFolding.fold(self.text).trimmingWhitespace()
        self.cells = self.text.split(separator: "|", omittingEmptySubsequences: false).map { String($0).trimmingWhitespace() }
    }

    /// The cells that hold something.
    var filled: [String] { self.cells.filter { !$0.isEmpty } }

    /// A total, sub-total, tax or discount row: its label is one of its first two cells.
    var isTotal: Bool { self.labelMatches(Self.totalLabel) }

    var isSubtotal: Bool { self.labelMatches(Self.subtotalLabel) }

    private func labelMatches(_ regex: NSRegularExpression) -> Bool {
        self.filled.prefix(2).contains { cell in
            let folded = TextFolding.fold(cell).trimmingWhitespace()
            return regex.firstMatch(in: folded, range: NSRange(folded.startIndex..., in: folded)) != nil
        }
    }

    static func isNumbering(_ cell: String) -> Bool {
        let folded = TextFolding.fold(cell).trimmingWhitespace()
        return Self.numbering.firstMatch(in: folded, range: NSRange(folded.startIndex..., in: folded)) != nil
    }
}
