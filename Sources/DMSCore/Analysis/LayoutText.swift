/// Lines of `pdftotext -layout` output, page by page (pages are separated by form feeds).
public enum LayoutText {
    public static func lines(_ output: String) -> [TextLine] {
        var lines: [TextLine] = []
        for (index, page) in output.components(separatedBy: "\u{0C}").enumerated() {
            for line in page.split(whereSeparator: \.isNewline) {
                let text = line.split(whereSeparator: { $0 == " " }).joined(separator: " ")
                if !text.isEmpty { lines.append(TextLine(text, at: .page(index + 1))) }
            }
        }
        return lines
    }
}
