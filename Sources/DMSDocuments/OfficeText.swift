import DMSCore
import Foundation

/// Text of Word and Excel files, in reading order, numbered for traceability.
enum OfficeText {
    /// DOCX: one line per paragraph (`§n`); a table row is one line with its cells joined by ` | `.
    static func docx(_ archive: OfficeArchive) throws(DocumentError) -> [TextLine] {
        guard let xml = try archive.part("word/document.xml") else { throw .corrupt("word/document.xml absent") }
        var lines: [TextLine] = []
        var paragraph = ""
        var cells: [String] = []
        var cell = ""
        var tableDepth = 0
        var inText = false
        func emit(_ text: String) {
            lines.append(TextLine(text.trimmingWhitespace(), at: .paragraph(lines.count + 1)))
        }
        for token in XMLScanner.tokens(String(decoding: xml, as: UTF8.self)) {
            switch token {
            case .start("w:t", _, false): inText = true
            case .end("w:t"): inText = false
            case .text(let text) where inText: paragraph += text
            case .start("w:tab", _, _): paragraph += " "
            case .start("w:br", _, _), .start("w:cr", _, _): paragraph += " "
            case .start("w:tbl", _, false): tableDepth += 1
            case .end("w:tbl"): tableDepth -= 1
            case .start("w:tr", _, false) where tableDepth == 1: cells = []
            case .end("w:tc") where tableDepth == 1:
                cells.append(cell.trimmingWhitespace())
                cell = ""
            case .end("w:tr") where tableDepth == 1:
                if cells.contains(where: { !$0.isEmpty }) { emit(cells.joined(separator: " | ")) }
            case .end("w:p"):
                if tableDepth > 0 {
                    cell += (cell.isEmpty ? "" : " ") + paragraph
                } else if !paragraph.trimmingWhitespace().isEmpty {
                    emit(paragraph)
                }
                paragraph = ""
            default: continue
            }
        }
        return lines
    }

    /// XLSX: one line per non-empty row of every sheet, cells joined by ` | `.
    static func xlsx(_ archive: OfficeArchive) throws(DocumentError) -> [TextLine] {
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
        var lines: [TextLine] = []
        for index in 1...200 {
            guard let xml = try archive.part("xl/worksheets/sheet\(index).xml") else { break }
            var row: [String] = []
            var value = ""
            var isShared = false
            var inValue = false
            for token in XMLScanner.tokens(String(decoding: xml, as: UTF8.self)) {
                switch token {
                case .start("c", let attributes, _):
                    value = ""
                    isShared = attributes.contains("t=\"s\"")
                case .start("v", _, false), .start("t", _, false): inValue = true
                case .end("v"), .end("t"): inValue = false
                case .text(let text) where inValue: value += text
                case .end("c"):
                    row.append(isShared ? (Int(value).flatMap { shared.indices.contains($0) ? shared[$0] : nil } ?? "") : value)
                case .end("row"):
                    let cells = row.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
                    if !cells.isEmpty { lines.append(TextLine(cells.joined(separator: " | "), at: .paragraph(lines.count + 1))) }
                    row = []
                default: continue
                }
            }
        }
        return lines
    }
}
