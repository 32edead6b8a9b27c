import CXLSXWriter
import DMSCore
import Foundation

/// A thin, non-Sendable wrapper over one libxlsxwriter workbook: its C pointers never leave the
/// function that writes the file (Swift 6 strict concurrency forbids sharing them anyway).
final class XLSXWorkbook {
    /// What a cell is for; with its tone and number format it selects one cached format.
    enum Role: Hashable {
        case title, header, label, section, body, source, legend
    }

    private struct FormatKey: Hashable {
        let role: Role
        let tone: CellTone
        let numberFormat: String?
    }

    private let workbook: UnsafeMutablePointer<lxw_workbook>
    private var formats: [FormatKey: UnsafeMutablePointer<lxw_format>] = [:]
    private var closed = false
    /// Kept alive until `close`: libxlsxwriter reads the option's C string then.
    private let tmpdir: UnsafeMutablePointer<CChar>

    init(path: String, tmpdir: String) throws(ReportError) {
        self.tmpdir = strdup(tmpdir)!
        var options = lxw_workbook_options()
        options.constant_memory = 0
        options.tmpdir = self.tmpdir
        guard let workbook = workbook_new_opt(path, &options) else {
            free(self.tmpdir)
            throw .writeFailed("workbook_new_opt(\(path))")
        }
        self.workbook = workbook
    }

    deinit {
        if !self.closed { workbook_close(self.workbook) }
        free(self.tmpdir)
    }

    /// `created` is written into the workbook (libxlsxwriter would use the clock): the same report
    /// gives the same bytes.
    func setProperties(title: String, subject: String, comments: String, created: Int) throws(ReportError) {
        let fields: [UnsafeMutablePointer<CChar>] = [title, subject, "DMS", comments, "CBA"].map { (text: String) in strdup(text)! }
        defer { fields.forEach { free($0) } }
        var properties = lxw_doc_properties()
        properties.title = fields[0]
        properties.subject = fields[1]
        properties.author = fields[2]
        properties.comments = fields[3]
        properties.keywords = fields[4]
        properties.created = time_t(created)
        try Self.check(workbook_set_properties(self.workbook, &properties), "properties")
    }

    func addSheet(_ name: String) throws(ReportError) -> XLSXSheet {
        guard let sheet = workbook_add_worksheet(self.workbook, name) else { throw .writeFailed("worksheet \(name)") }
        return XLSXSheet(sheet: sheet, book: self)
    }

    /// Writes the file. The workbook is freed whatever the outcome.
    func close() throws(ReportError) {
        self.closed = true
        try Self.check(workbook_close(self.workbook), "close")
    }

    func format(_ role: Role, tone: CellTone = .neutral, numberFormat: String? = nil) -> UnsafeMutablePointer<lxw_format> {
        let key = FormatKey(role: role, tone: tone, numberFormat: numberFormat)
        if let format = self.formats[key] { return format }
        let format = workbook_add_format(self.workbook)!
        format_set_font_name(format, "Calibri")
        format_set_font_size(format, 10)
        format_set_align(format, UInt8(LXW_ALIGN_VERTICAL_TOP.rawValue))
        switch role {
        case .title:
            format_set_bold(format)
            format_set_font_size(format, 14)
        case .header:
            format_set_bold(format)
            format_set_text_wrap(format)
            format_set_border(format, UInt8(LXW_BORDER_THIN.rawValue))
            format_set_bottom(format, UInt8(LXW_BORDER_MEDIUM.rawValue))
            if tone == .neutral { Self.fill(format, 0xD9E1F2) }
        case .label:
            format_set_bold(format)
            format_set_text_wrap(format)
            format_set_border(format, UInt8(LXW_BORDER_THIN.rawValue))
        case .section:
            format_set_bold(format)
            format_set_italic(format)
            Self.fill(format, 0xF2F2F2)
            format_set_border(format, UInt8(LXW_BORDER_THIN.rawValue))
        case .body, .legend:
            format_set_text_wrap(format)
            format_set_border(format, UInt8(LXW_BORDER_THIN.rawValue))
        case .source:
            format_set_text_wrap(format)
            format_set_italic(format)
            format_set_font_size(format, 8)
            format_set_font_color(format, 0x404040)
            format_set_border(format, UInt8(LXW_BORDER_THIN.rawValue))
        }
        if role != .title { format_set_border_color(format, 0xA6A6A6) }
        if let colours = Self.colours[tone] {
            Self.fill(format, colours.fill)
            format_set_font_color(format, colours.font)
        }
        if let numberFormat { format_set_num_format(format, numberFormat) }
        self.formats[key] = format
        return format
    }

    /// Fill and text colours per tone: pale fills with dark text, readable in print and on screen.
    static let colours: [CellTone: (fill: lxw_color_t, font: lxw_color_t)] = [
        .high: (0xC6EFCE, 0x006100),
        .low: (0xFFEB9C, 0x7A4B00),
        .manualReview: (0xFFC7CE, 0x9C0006),
        .corrected: (0xDDEBF7, 0x1F4E78),
    ]

    private static func fill(_ format: UnsafeMutablePointer<lxw_format>, _ colour: lxw_color_t) {
        format_set_pattern(format, UInt8(LXW_PATTERN_SOLID.rawValue))
        format_set_bg_color(format, colour)
    }

    static func check(_ error: lxw_error, _ what: @autoclosure () -> String) throws(ReportError) {
        guard error == LXW_NO_ERROR else {
            throw .writeFailed("\(what()): \(String(cString: lxw_strerror(error)))")
        }
    }
}

/// One worksheet of an `XLSXWorkbook`, with the widths of what was written, to fit the columns.
final class XLSXSheet {
    private let sheet: UnsafeMutablePointer<lxw_worksheet>
    private unowned let book: XLSXWorkbook
    private(set) var widths: [Int: Int] = [:]
    /// Wrapped texts per row, to size the rows: LibreOffice does not grow rows by itself.
    private var texts: [Int: [(column: Int, text: String, role: XLSXWorkbook.Role)]] = [:]
    private var columnWidths: [Int: Double] = [:]
    /// Excel refuses longer cell texts.
    static let maxCellCharacters = 32_000

    fileprivate init(sheet: UnsafeMutablePointer<lxw_worksheet>, book: XLSXWorkbook) {
        self.sheet = sheet
        self.book = book
    }

    func text(_ row: Int, _ column: Int, _ text: String, _ role: XLSXWorkbook.Role, tone: CellTone = .neutral) throws(ReportError) {
        let clipped = text.unicodeScalars.count > Self.maxCellCharacters ? String(text.unicodeScalars.prefix(Self.maxCellCharacters)) : text
        let format = self.book.format(role, tone: tone)
        try XLSXWorkbook.check(worksheet_write_string(self.sheet, lxw_row_t(row), lxw_col_t(column), clipped, format), "cell \(row),\(column)")
        if role == .title {
            try XLSXWorkbook.check(worksheet_set_row(self.sheet, lxw_row_t(row), 21, nil), "title height")
        } else if role != .section {
            self.measure(column, clipped.unicodeScalars.split(separator: "\n").map(\.count).max() ?? 0)
            self.texts[row, default: []].append((column, clipped, role))
        }
    }

    func number(_ row: Int, _ column: Int, _ value: Double, _ role: XLSXWorkbook.Role, tone: CellTone = .neutral, format numberFormat: String) throws(ReportError) {
        let format = self.book.format(role, tone: tone, numberFormat: numberFormat)
        try XLSXWorkbook.check(worksheet_write_number(self.sheet, lxw_row_t(row), lxw_col_t(column), value, format), "cell \(row),\(column)")
        self.measure(column, ReportFormat.number(value).count + 6)
    }

    func blank(_ row: Int, _ column: Int, _ role: XLSXWorkbook.Role) throws(ReportError) {
        try XLSXWorkbook.check(worksheet_write_blank(self.sheet, lxw_row_t(row), lxw_col_t(column), self.book.format(role)), "blank")
    }

    private func measure(_ column: Int, _ characters: Int) {
        self.widths[column] = max(self.widths[column] ?? 0, characters)
    }

    /// Widths from the longest line written in each column, within bounds (text wraps beyond),
    /// then row heights that show every wrapped line.
    func fit(minimum: Int = 10, maximum: Int = 45, overrides: [Int: Double] = [:]) throws(ReportError) {
        for (column, characters) in self.widths {
            let wanted = Int((Double(characters) / 0.95).rounded(.up)) + 2
            let width = overrides[column] ?? Double(min(max(wanted, minimum), maximum))
            self.columnWidths[column] = width
            try XLSXWorkbook.check(worksheet_set_column(self.sheet, lxw_col_t(column), lxw_col_t(column), width, nil), "width")
        }
        for (row, cells) in self.texts {
            let lines = cells.map { self.lines($0.text, width: self.columnWidths[$0.column] ?? 8.43, role: $0.role) }
            let height = zip(cells, lines).map { cell, lines in Double(lines) * (cell.role == .source ? 11 : 13.2) + 2 }.max() ?? 15
            if height > 15 {
                try XLSXWorkbook.check(worksheet_set_row(self.sheet, lxw_row_t(row), height, nil), "height")
            }
        }
    }

    /// Lines a text takes once wrapped at word boundaries in a column. A column unit is the width
    /// of a digit of the default font; kept pessimistic, since LibreOffice may substitute a wider
    /// font for Calibri (bold labels are wider, the 8-point sources narrower).
    private func lines(_ text: String, width: Double, role: XLSXWorkbook.Role) -> Int {
        let factor = switch role {
        case .source: 1.2
        case .label, .header: 0.85
        default: 0.95
        }
        let perLine = max(1, Int((width - 1) * factor))
        var total = 0
        for paragraph in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            var lines = 1
            var used = 0
            for word in paragraph.split(separator: " ") {
                let length = word.count
                if used == 0 {
                    used = length
                } else if used + 1 + length <= perLine {
                    used += 1 + length
                } else {
                    lines += 1
                    used = length
                }
                while used > perLine {
                    lines += 1
                    used -= perLine
                }
            }
            total += lines
        }
        return total
    }

    /// Landscape A4, fitted to `pagesWide` pages across (as many down as needed), header rows
    /// (and label column) repeated on every page, the case in the header, the memory head and
    /// page numbers in the footer.
    func pageSetup(pagesWide: Int = 1, repeatRows: ClosedRange<Int>, repeatFirstColumn: Bool, header: String, footer: String) throws(ReportError) {
        worksheet_set_landscape(self.sheet)
        worksheet_set_paper(self.sheet, 9)
        worksheet_fit_to_pages(self.sheet, UInt16(pagesWide), 0)
        worksheet_set_margins(self.sheet, 0.4, 0.4, 0.6, 0.6)
        try XLSXWorkbook.check(worksheet_repeat_rows(self.sheet, lxw_row_t(repeatRows.lowerBound), lxw_row_t(repeatRows.upperBound)), "repeat rows")
        if repeatFirstColumn {
            try XLSXWorkbook.check(worksheet_repeat_columns(self.sheet, 0, 0), "repeat columns")
        }
        try XLSXWorkbook.check(worksheet_set_header(self.sheet, header), "header")
        try XLSXWorkbook.check(worksheet_set_footer(self.sheet, footer), "footer")
    }

    func freeze(rows: Int, columns: Int) {
        worksheet_freeze_panes(self.sheet, lxw_row_t(rows), lxw_col_t(columns))
    }
}
