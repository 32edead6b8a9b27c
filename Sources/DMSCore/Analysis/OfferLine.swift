import Foundation

/// One line of an offer prepared for the rules: dotted leaders (`Montant total ........ 12 500 000`)
/// read as a `:` separator, table cells (` | `) kept apart, and a folded copy of the same length.
struct OfferLine {
    static let leaders = try! NSRegularExpression(pattern: #"\s*(?:\.{4,}|…{2,}|_{4,})\s*"#)

    let line: TextLine
    /// The text with leaders replaced by ` : `.
    let text: String
    let folded: String
    /// Non-empty cells of a table row (one cell for an ordinary line).
    let cells: [String]

    /// `ocr`: the text came from OCR; common misreadings of labels are repaired (`OCRRepair`)
    /// in `text` and `folded`, while `line` (the source's snippet) keeps what was read.
    init(_ line: TextLine, ocr: Bool = false) {
        self.line = line
        var text = ocr ? OCRRepair.repair(line.text) : line.text
        text = Self.leaders.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: " : ")
        self.text = text
        self.folded = TextFolding.fold(text)
        self.cells = text.components(separatedBy: " | ").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    var isTableRow: Bool { self.cells.count > 1 }

    /// `label : value` in one cell: the folded label and the value as written.
    static func labelValue(_ cell: String) -> (label: String, value: String)? {
        guard let colon = cell.firstIndex(where: { $0 == ":" || $0 == "=" }) else { return nil }
        let label = TextFolding.fold(String(cell[..<colon])).trimmingWhitespace()
        let value = String(cell[cell.index(after: colon)...]).trimmingWhitespace()
        return label.isEmpty ? nil : (label, value)
    }

    /// Sentences and clauses (split on `;` and `. `, not on the `.` of `S.A.`), each as an offset range in `folded`.
    var clauses: [Range<Int>] {
        let characters = Array(self.folded)
        var ranges: [Range<Int>] = []
        var start = 0
        var index = 0
        while index < characters.count {
            let isBreak = characters[index] == ";"
                || (characters[index] == "." && index + 1 < characters.count && characters[index + 1] == " "
                    && !(index > 0 && characters[index - 1].isLetter && (index < 2 || !characters[index - 2].isLetter)))
            if isBreak {
                if index > start { ranges.append(start..<index) }
                start = index + 1
            }
            index += 1
        }
        if start < characters.count { ranges.append(start..<characters.count) }
        return ranges
    }

    func folded(_ range: Range<Int>) -> String {
        String(Array(self.folded)[range])
    }

    func original(_ range: Range<Int>) -> String {
        String(Array(self.text)[range])
    }
}
