import DMSCore
import Foundation

/// The first worksheet of an XLSX file as a grid of cell texts, each cell in its own column
/// (from its `r="C7"` reference), for tables read column by column (price-list imports).
public enum SpreadsheetGrid {
    public static func rows(xlsx data: Data, limits: ArchiveLimits = ArchiveLimits()) throws(DocumentError) -> [[String]] {
        let archive = try OfficeArchive(data: data, limits: limits)
        var shared: [String] = []
        if let xml = try archive.part("xl/sharedStrings.xml") {
            var current: String?
            var inText = false
            for token in XMLScanner.tokens(String(decoding: xml, as: UTF8.self)) {
                switch token {
                case .start("si", _, _): current = ""
                case .end("si"): shared.append(current ?? ""); current = nil
                case .start("t", _, false): inText = true
                case .end("t"): inText = false
                case .text(let text) where inText: current? += text
                default: continue
                }
            }
        }
        guard let path = try OfficeText.sheetParts(archive).first, let xml = try archive.part(path) else { return [] }
        var rows: [[String]] = []
        var row: [String] = []
        var column = 0
        var value = ""
        var type: String?
        var inValue = false
        for token in XMLScanner.tokens(String(decoding: xml, as: UTF8.self)) {
            switch token {
            case .start("row", _, let selfClosing):
                row = []
                column = 0
                if selfClosing { rows.append([]) }
            case .start("c", let attributes, let selfClosing):
                value = ""
                type = OfficeText.attribute("t", in: attributes)
                if let reference = OfficeText.attribute("r", in: attributes) { column = Self.column(reference) ?? row.count }
                if selfClosing { column += 1 }
            case .start("v", _, false), .start("t", _, false): inValue = true
            case .end("v"), .end("t"): inValue = false
            case .text(let text) where inValue: value += text
            case .end("c"):
                let text = type == "s" ? (Int(value).flatMap { shared.indices.contains($0) ? shared[$0] : nil } ?? "") : value
                if column < 1_000 {
                    while row.count < column { row.append("") }
                    if row.count == column { row.append(text) } else { row[column] = text }
                }
                column += 1
            case .end("row"):
                rows.append(row)
            default: continue
            }
        }
        return rows
    }

    /// `C7` → 2 (0-based column).
    static func column(_ reference: String) -> Int? {
        var number = 0
        var letters = 0
        for scalar in reference.unicodeScalars {
            guard scalar.value >= 65, scalar.value <= 90 else { break }
            number = number * 26 + Int(scalar.value - 64)
            letters += 1
        }
        return letters == 0 || letters > 3 ? nil : number - 1
    }
}
