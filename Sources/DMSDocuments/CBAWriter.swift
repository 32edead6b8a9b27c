import DMSCore
import Foundation

/// Writes the CBA workbook (comparative bid analysis) of a case with libxlsxwriter: a summary,
/// the DAO's criteria, and the offers' facts side by side, suppliers as columns in alphabetical
/// order. Facts only: no score, no rank, no total, no highlighted supplier.
public struct CBAWriter: Sendable {
    public static let mediaType = MediaType.xlsx.rawValue
    /// Amounts stay numbers; the format shows the currency.
    static let fcfaFormat = #"#,##0 "FCFA""#

    public init() {}

    /// The workbook's bytes. libxlsxwriter 1.1 writes only to a file: a private temporary file,
    /// read back and removed.
    public func write(_ report: CaseReport) throws -> Data {
        try report.checkWorkbookLimits()
        let temporary = FileManager.default.temporaryDirectory
        let url = temporary.appendingPathComponent("dms-cba-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: url) }
        let book = try XLSXWorkbook(path: url.path, tmpdir: temporary.path)
        try book.setProperties(title: "CBA — \(report.title)", subject: report.caseID.uuidString.lowercased(),
                               comments: "Tableau comparatif généré par DMS, état du dossier au \(report.generatedAt) ; empreinte de la mémoire \(report.headHash)",
                               created: report.generatedAtEpoch)
        let page = PageText(report)
        try SummarySheet(report: report, page: page).write(in: book)
        try CriteriaSheet(report: report, page: page).write(in: book)
        for (name, rows) in [("Essentiels", report.essentials), ("Technique", report.technical), ("Commercial", report.commercial)] {
            try ComparisonSheet(name: name, rows: rows, report: report, page: page, priceSchedule: name == "Commercial" ? report.priceSchedule : [])
                .write(in: book)
        }
        try IntegritySheet(report: report, page: page).write(in: book)
        try book.close()
        return try Data(contentsOf: url)
    }

    static func numberFormat(currency: String) -> String {
        currency == "XOF" ? self.fcfaFormat : #"#,##0.00 "\#(currency)""#
    }
}

/// The printed header and footer of every sheet: the case, the generation, the memory head.
struct PageText {
    let header: String
    let footer: String

    init(_ report: CaseReport) {
        // Excel's header language: `&L`/`&R` sections, `&P`/`&N` page numbers, `&&` a literal `&`;
        // at most 255 bytes each.
        let title = Self.escape(Self.clip(report.title, bytes: 90))
        self.header = "&L\(title)&RCBA — état au \(report.generatedAt)"
        self.footer = "&LMémoire : \(report.headHash)&RPage &P / &N"
    }

    static func escape(_ text: String) -> String { text.replacingOccurrences(of: "&", with: "&&") }

    static func clip(_ text: String, bytes: Int) -> String {
        var clipped = ""
        for character in text {
            guard clipped.utf8.count + character.utf8.count <= bytes - 3 else { return clipped + "…" }
            clipped.append(character)
        }
        return clipped
    }
}
