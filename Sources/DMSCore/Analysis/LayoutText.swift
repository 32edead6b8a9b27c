/// Lines of `pdftotext -layout` output, page by page (pages are separated by form feeds). Columns
/// stay apart: a gap of three spaces or more becomes a ` | ` cell boundary, as in a DOCX table
/// row, so « Délai : 30 jours      Validité : 90 jours » is two fields, not one.
public enum LayoutText {
    public static func lines(_ output: String) -> [TextLine] {
        var lines: [TextLine] = []
        for (index, page) in output.components(separatedBy: "\u{0C}").enumerated() {
            for line in page.split(whereSeparator: \.isNewline) {
                let text = Self.cells(String(line)).joined(separator: " | ")
                if !text.isEmpty { lines.append(TextLine(text, at: .page(index + 1))) }
            }
        }
        return lines
    }

    /// The line's columns: runs of text separated by three spaces or more, inner spaces collapsed.
    public static func cells(_ line: String) -> [String] {
        var cells: [String] = []
        var current = ""
        var spaces = 0
        for character in line {
            if character == " " || character == "\t" {
                spaces += character == "\t" ? 3 : 1
                continue
            }
            if spaces > 0, !current.isEmpty {
                if spaces >= 3 {
                    cells.append(current)
                    current = ""
                } else {
                    current += " "
                }
            }
            spaces = 0
            current.append(character)
        }
        if !current.isEmpty { cells.append(current) }
        return cells
    }
}
