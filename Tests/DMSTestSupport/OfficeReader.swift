import Foundation
import ZIPFoundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed XML element: enough of a DOM to read what DMS writes into office files.
public final class XMLTree {
    public let name: String
    public let attributes: [String: String]
    public var children: [XMLTree] = []
    public var text = ""

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    /// Every descendant (or self) with this qualified name, in document order.
    public func all(_ name: String) -> [XMLTree] {
        (self.name == name ? [self] : []) + self.children.flatMap { $0.all(name) }
    }

    public func first(_ name: String) -> XMLTree? { self.all(name).first }

    public static func parse(_ data: Data) throws -> XMLTree {
        let builder = TreeBuilder()
        let parser = XMLParser(data: data)
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            throw TestSetupError("XML illisible: \(parser.parserError.map { "\($0)" } ?? "?")")
        }
        return root
    }

    private final class TreeBuilder: NSObject, XMLParserDelegate {
        var root: XMLTree?
        var stack: [XMLTree] = []

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            let node = XMLTree(name: qualifiedName ?? name, attributes: attributes)
            if let parent = self.stack.last { parent.children.append(node) } else { self.root = node }
            self.stack.append(node)
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            self.stack.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            self.stack.last?.text += string
        }
    }
}

/// An OOXML package (xlsx or docx) opened from its bytes: its parts as text.
public struct OfficePackage {
    public let parts: [String: Data]

    public init(_ data: Data) throws {
        let archive = try Archive(data: data, accessMode: .read)
        var parts: [String: Data] = [:]
        for entry in archive {
            var bytes = Data()
            _ = try archive.extract(entry) { bytes.append($0) }
            parts[entry.path] = bytes
        }
        self.parts = parts
    }

    public func xml(_ path: String) throws -> XMLTree {
        guard let data = self.parts[path] else { throw TestSetupError("pas de partie \(path) (parties : \(self.parts.keys.sorted()))") }
        return try XMLTree.parse(data)
    }

    public func text(_ path: String) -> String {
        self.parts[path].map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// Every part's text, for searches over the whole file.
    public var allText: String {
        self.parts.keys.sorted().map(self.text).joined(separator: "\n")
    }
}

/// A workbook written by libxlsxwriter, read back: sheet names, cells with values and styles.
public struct Workbook {
    public struct Cell {
        public let reference: String
        /// The text of a string cell, or the raw `<v>` of a number cell.
        public let value: String
        public let isNumber: Bool
        public let style: Int
    }

    public let package: OfficePackage
    public let sheetNames: [String]
    let sharedStrings: [String]
    let styles: XMLTree

    public init(_ data: Data) throws {
        self.package = try OfficePackage(data)
        self.sheetNames = try self.package.xml("xl/workbook.xml").all("sheet").compactMap { $0.attributes["name"] }
        self.sharedStrings = (try? self.package.xml("xl/sharedStrings.xml"))?.all("si").map { $0.all("t").map(\.text).joined() } ?? []
        self.styles = try self.package.xml("xl/styles.xml")
    }

    /// The cells of a sheet, by reference (`B3`).
    public func cells(_ sheet: String) throws -> [String: Cell] {
        guard let index = self.sheetNames.firstIndex(of: sheet) else { throw TestSetupError("pas de feuille \(sheet) : \(self.sheetNames)") }
        var cells: [String: Cell] = [:]
        for node in try self.package.xml("xl/worksheets/sheet\(index + 1).xml").all("c") {
            guard let reference = node.attributes["r"] else { continue }
            let raw = node.first("v")?.text ?? node.first("t")?.text ?? ""
            let type = node.attributes["t"]
            let value = type == "s" ? (Int(raw).map { self.sharedStrings[$0] } ?? "") : raw
            cells[reference] = Cell(reference: reference, value: value, isNumber: type == nil && !raw.isEmpty, style: Int(node.attributes["s"] ?? "0") ?? 0)
        }
        return cells
    }

    /// The sheet as rows of texts (`[row][column]`), for searching labels and their neighbours.
    public func grid(_ sheet: String) throws -> [[String]] {
        let cells = try self.cells(sheet)
        var grid: [[String]] = []
        for cell in cells.values {
            let (row, column) = Self.position(cell.reference)
            while grid.count <= row { grid.append([]) }
            while grid[row].count <= column { grid[row].append("") }
            grid[row][column] = cell.value
        }
        return grid
    }

    /// `C12` → (11, 2).
    public static func position(_ reference: String) -> (row: Int, column: Int) {
        let letters = reference.prefix { $0.isLetter }
        let column = letters.unicodeScalars.reduce(0) { $0 * 26 + Int($1.value) - 64 } - 1
        return ((Int(reference.dropFirst(letters.count)) ?? 1) - 1, column)
    }

    public static func reference(row: Int, column: Int) -> String {
        var letters = ""
        var number = column + 1
        while number > 0 {
            let remainder = (number - 1) % 26
            letters = String(UnicodeScalar(65 + remainder)!) + letters
            number = (number - 1) / 26
        }
        return "\(letters)\(row + 1)"
    }

    /// The number format code of a cell style (`#,##0 "FCFA"`), nil for General.
    public func numberFormat(style: Int) -> String? {
        let xfs = self.styles.first("cellXfs")?.all("xf") ?? []
        guard style < xfs.count, let id = xfs[style].attributes["numFmtId"], id != "0" else { return nil }
        return self.styles.all("numFmt").first { $0.attributes["numFmtId"] == id }?.attributes["formatCode"] ?? "builtin:\(id)"
    }

    /// The solid fill colour of a cell style (`FFC6EFCE`), nil when none.
    public func fill(style: Int) -> String? {
        let xfs = self.styles.first("cellXfs")?.all("xf") ?? []
        let fills = self.styles.first("fills")?.all("fill") ?? []
        guard style < xfs.count, let id = Int(xfs[style].attributes["fillId"] ?? "0"), id < fills.count else { return nil }
        guard fills[id].first("patternFill")?.attributes["patternType"] == "solid" else { return nil }
        return fills[id].first("fgColor")?.attributes["rgb"]
    }
}

/// A Word document written by DMS, read back: paragraphs and tables of `word/document.xml`.
public struct WordDocument {
    public let package: OfficePackage
    public let body: XMLTree

    public init(_ data: Data) throws {
        self.package = try OfficePackage(data)
        self.body = try self.package.xml("word/document.xml")
    }

    /// Text of a paragraph, line breaks as `\n`.
    public static func text(_ paragraph: XMLTree) -> String {
        var text = ""
        func walk(_ node: XMLTree) {
            if node.name == "w:t" { text += node.text }
            if node.name == "w:br" { text += "\n" }
            node.children.forEach(walk)
        }
        walk(paragraph)
        return text
    }

    /// Every paragraph's text, tables' included, in order.
    public var paragraphs: [String] { self.body.all("w:p").map(Self.text) }

    /// Paragraphs with their style (`Heading1`…), outside and inside tables.
    public var styledParagraphs: [(style: String?, text: String)] {
        self.body.all("w:p").map { ($0.first("w:pStyle")?.attributes["w:val"], Self.text($0)) }
    }

    /// Every table as rows of cell texts.
    public var tables: [[[String]]] {
        self.body.all("w:tbl").map { table in
            table.children.filter { $0.name == "w:tr" }.map { row in
                row.children.filter { $0.name == "w:tc" }.map { cell in cell.all("w:p").map(Self.text).joined(separator: "\n") }
            }
        }
    }
}
