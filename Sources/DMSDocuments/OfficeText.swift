import DMSCore
import Foundation

/// Text of Word and Excel files, in reading order, numbered for traceability.
enum OfficeText {
    /// DOCX: one line per paragraph (`§n`); a table row is one line with its cells joined by ` | `.
    /// Page headers come first, numbered `§0`: a supplier's letterhead often lives there.
    static func docx(_ archive: OfficeArchive) throws(DocumentError) -> [TextLine] {
        guard let xml = try archive.part("word/document.xml") else { throw .corrupt("word/document.xml absent") }
        let document = String(decoding: xml, as: UTF8.self)
        var lines: [TextLine] = []
        var seen = Set<String>()
        for path in try Self.headerParts(archive, document) {
            guard let header = try archive.part(path) else { continue }
            for text in Self.paragraphs(String(decoding: header, as: UTF8.self)) where seen.insert(text).inserted {
                lines.append(TextLine(text, at: .paragraph(0)))
            }
        }
        for (index, text) in Self.paragraphs(document).enumerated() {
            lines.append(TextLine(text, at: .paragraph(index + 1)))
        }
        return lines
    }

    /// The header parts the body refers to (`<w:headerReference r:id=…>`), first page's first.
    static func headerParts(_ archive: OfficeArchive, _ document: String) throws(DocumentError) -> [String] {
        guard let rels = try archive.part("word/_rels/document.xml.rels") else { return [] }
        let targets = Self.relationships(String(decoding: rels, as: UTF8.self), base: "word/")
        var references: [(type: String, id: String)] = []
        for token in XMLScanner.tokens(document) {
            if case .start("w:headerReference", let attributes, _) = token, let id = Self.attribute("r:id", in: attributes) {
                references.append((Self.attribute("w:type", in: attributes) ?? "default", id))
            }
        }
        references.sort { ($0.type == "first" ? 0 : 1) < ($1.type == "first" ? 0 : 1) }
        var paths: [String] = []
        for reference in references {
            if let path = targets[reference.id], !paths.contains(path) { paths.append(path) }
        }
        return paths
    }

    /// Paragraphs of a WordprocessingML part; a top-level table row is one line of ` | ` cells.
    static func paragraphs(_ xml: String) -> [String] {
        var lines: [String] = []
        var paragraph = ""
        var cells: [String] = []
        var cell = ""
        var tableDepth = 0
        var inText = false
        for token in XMLScanner.tokens(xml) {
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
                if cells.contains(where: { !$0.isEmpty }) { lines.append(cells.joined(separator: " | ").trimmingWhitespace()) }
            case .end("w:p"):
                if tableDepth > 0 {
                    cell += (cell.isEmpty ? "" : " ") + paragraph
                } else if !paragraph.trimmingWhitespace().isEmpty {
                    lines.append(paragraph.trimmingWhitespace())
                }
                paragraph = ""
            default: continue
            }
        }
        return lines
    }

    /// XLSX: one line per non-empty row of every sheet, in the workbook's order (through its
    /// relationships, whatever the parts are called), cells joined by ` | `. A number whose
    /// format names a currency (`#,##0 "FCFA"`) keeps it: `12500000 XOF`.
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
        let styleCurrencies = try Self.styleCurrencies(archive)
        var lines: [TextLine] = []
        for path in try Self.sheetParts(archive) {
            guard let xml = try archive.part(path) else { continue }
            var row: [String] = []
            var value = ""
            var isShared = false
            var currency: String?
            var inValue = false
            for token in XMLScanner.tokens(String(decoding: xml, as: UTF8.self)) {
                switch token {
                case .start("c", let attributes, _):
                    value = ""
                    isShared = Self.attribute("t", in: attributes) == "s"
                    currency = Self.attribute("s", in: attributes).flatMap(Int.init).flatMap { styleCurrencies[$0] }
                case .start("v", _, false), .start("t", _, false): inValue = true
                case .end("v"), .end("t"): inValue = false
                case .text(let text) where inValue: value += text
                case .end("c"):
                    var text = isShared ? (Int(value).flatMap { shared.indices.contains($0) ? shared[$0] : nil } ?? "") : value
                    if !isShared, let currency, Double(text) != nil { text += " \(currency)" }
                    row.append(text)
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

    /// Worksheet parts in workbook order; without a readable workbook, `sheet1.xml`, `sheet2.xml`…
    static func sheetParts(_ archive: OfficeArchive) throws(DocumentError) -> [String] {
        if let workbook = try archive.part("xl/workbook.xml"), let rels = try archive.part("xl/_rels/workbook.xml.rels") {
            let targets = Self.relationships(String(decoding: rels, as: UTF8.self), base: "xl/")
            var paths: [String] = []
            for token in XMLScanner.tokens(String(decoding: workbook, as: UTF8.self)) {
                if case .start("sheet", let attributes, _) = token, let id = Self.attribute("r:id", in: attributes), let path = targets[id] {
                    paths.append(path)
                }
            }
            if !paths.isEmpty { return paths }
        }
        var paths: [String] = []
        for index in 1...200 {
            let path = "xl/worksheets/sheet\(index).xml"
            guard try archive.part(path) != nil else { break }
            paths.append(path)
        }
        return paths
    }

    /// Cell style index → currency code, for styles whose number format names a currency.
    static func styleCurrencies(_ archive: OfficeArchive) throws(DocumentError) -> [Int: String] {
        guard let xml = try archive.part("xl/styles.xml") else { return [:] }
        var formats: [Int: String] = [:]
        var styles: [Int: String] = [:]
        var inCellXfs = false
        var index = 0
        for token in XMLScanner.tokens(String(decoding: xml, as: UTF8.self)) {
            switch token {
            case .start("numFmt", let attributes, _):
                if let id = Self.attribute("numFmtId", in: attributes).flatMap(Int.init), let code = Self.attribute("formatCode", in: attributes) {
                    // `#,##0 "FCFA"`, `[$€-40C]`: the quoted or bracketed part names the currency.
                    let readable = XMLScanner.decode(Substring(code)).replacingOccurrences(of: "\"", with: " ")
                        .replacingOccurrences(of: "[$", with: " ").replacingOccurrences(of: "]", with: " ")
                    if let currency = MoneyParser.currency(in: readable) { formats[id] = currency }
                }
            case .start("cellXfs", _, false): inCellXfs = true
            case .end("cellXfs"): inCellXfs = false
            case .start("xf", let attributes, _) where inCellXfs:
                if let id = Self.attribute("numFmtId", in: attributes).flatMap(Int.init), let currency = formats[id] { styles[index] = currency }
                index += 1
            default: continue
            }
        }
        return styles
    }

    /// `Id` → part path, from a relationships part; targets are relative to `base` unless absolute.
    static func relationships(_ xml: String, base: String) -> [String: String] {
        var targets: [String: String] = [:]
        for token in XMLScanner.tokens(xml) {
            guard case .start("Relationship", let attributes, _) = token, let id = Self.attribute("Id", in: attributes),
                  let target = Self.attribute("Target", in: attributes), Self.attribute("TargetMode", in: attributes) != "External" else { continue }
            targets[id] = target.hasPrefix("/") ? String(target.dropFirst()) : base + target
        }
        return targets
    }

    static func attribute(_ name: String, in attributes: String) -> String? {
        guard let range = attributes.range(of: #"(?:^|\s)\#(NSRegularExpression.escapedPattern(for: name))\s*=\s*"([^"]*)""#, options: .regularExpression) else {
            return nil
        }
        let match = attributes[range]
        guard let open = match.firstIndex(of: "\"") else { return nil }
        return String(match[match.index(after: open)..<match.index(before: match.endIndex)])
    }
}
