import DMSCore

/// The few WordprocessingML constructs the PV needs, every text escaped on the way in.
enum WordML {
    /// Width of the text between the template's margins (A4, 2 cm each side), in twips.
    static let textWidth = 9638

    /// XML-escapes text and drops the characters XML 1.0 cannot carry (form feeds from PDFs…).
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            case "\t", "\n", "\r": escaped.unicodeScalars.append(scalar)
            default:
                let value = scalar.value
                if value < 0x20 || value == 0xFFFE || value == 0xFFFF { continue }
                escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// Runs for `text`, line breaks kept as `<w:br/>`.
    static func runs(_ text: String, bold: Bool = false) -> String {
        let properties = bold ? "<w:rPr><w:b/></w:rPr>" : ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { index, line in
            (index > 0 ? "<w:r><w:br/></w:r>" : "") + "<w:r>\(properties)<w:t xml:space=\"preserve\">\(escape(String(line)))</w:t></w:r>"
        }.joined()
    }

    static func paragraph(_ text: String, style: String? = nil, bold: Bool = false) -> String {
        let properties = style.map { "<w:pPr><w:pStyle w:val=\"\($0)\"/></w:pPr>" } ?? ""
        return "<w:p>\(properties)\(runs(text, bold: bold))</w:p>"
    }

    static func heading(_ text: String, level: Int = 1) -> String { paragraph(text, style: "Heading\(level)") }

    /// A cell: its text, optional shading (a tone's colour), optional smaller "source" style.
    struct Cell {
        var text: String
        var tone: CellTone = .neutral
        var bold = false
        var style = "TableText"

        init(_ text: String, tone: CellTone = .neutral, bold: Bool = false, style: String = "TableText") {
            self.text = text
            self.tone = tone
            self.bold = bold
            self.style = style
        }
    }

    /// Pale fills with the same meaning as the CBA's.
    static let fills: [CellTone: String] = [.high: "C6EFCE", .low: "FFEB9C", .manualReview: "FFC7CE", .corrected: "DDEBF7"]

    /// A `Table Grid` table over the full text width; the header row repeats on each page.
    static func table(widths: [Int], header: [String], rows: [[Cell]]) -> String {
        let total = widths.reduce(0, +)
        let twips = widths.map { $0 * textWidth / max(total, 1) }
        var xml = "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"\(textWidth)\" w:type=\"dxa\"/>"
            + "<w:tblLayout w:type=\"fixed\"/><w:tblLook w:val=\"04A0\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/></w:tblPr>"
        xml += "<w:tblGrid>" + twips.map { "<w:gridCol w:w=\"\($0)\"/>" }.joined() + "</w:tblGrid>"
        xml += "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
            + zip(header, twips).map { cell(Cell($0, bold: true), width: $1, fill: "D9E1F2") }.joined() + "</w:tr>"
        for row in rows {
            xml += "<w:tr><w:trPr><w:cantSplit/></w:trPr>" + zip(row, twips).map { cell($0, width: $1, fill: fills[$0.tone]) }.joined() + "</w:tr>"
        }
        return xml + "</w:tbl>" + paragraph("")
    }

    private static func cell(_ cell: Cell, width: Int, fill: String?) -> String {
        let shading = fill.map { "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"\($0)\"/>" } ?? ""
        return "<w:tc><w:tcPr><w:tcW w:w=\"\(width)\" w:type=\"dxa\"/>\(shading)</w:tcPr>"
            + "<w:p><w:pPr><w:pStyle w:val=\"\(cell.style)\"/></w:pPr>\(runs(cell.text, bold: cell.bold))</w:p></w:tc>"
    }
}
