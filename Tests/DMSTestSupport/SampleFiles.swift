import Foundation
import ZIPFoundation

/// Real, small office files made on the fly, so tests never depend on binary fixtures.
public enum SampleFiles {
    /// A one-page text PDF.
    public static func pdf(_ text: String = "Offre financiere: Montant total 12 500 000 FCFA") -> Data {
        self.pdf(pages: [[text]])
    }

    /// A text PDF with these lines on each page (ASCII: the standard Helvetica encoding), and an
    /// information dictionary when `info` is given (`Author`, `Creator`, `Producer`,
    /// `CreationDate` as `D:20260301102233Z`…; ASCII values).
    public static func pdf(pages: [[String]], info: [String: String] = [:]) -> Data {
        var objects = ["<< /Type /Catalog /Pages 2 0 R >>", ""]
        var kids: [String] = []
        for lines in pages {
            let escaped = lines.map { $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "(", with: "\\(").replacingOccurrences(of: ")", with: "\\)") }
            let stream = "BT /F1 11 Tf 14 TL 60 760 Td " + escaped.map { "(\($0)) Tj T*" }.joined(separator: " ") + " ET"
            let pageNumber = objects.count + 1
            kids.append("\(pageNumber) 0 R")
            objects.append("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents \(pageNumber + 1) 0 R /Resources << /Font << /F1 FONT 0 R >> >> >>")
            objects.append("<< /Length \(stream.utf8.count) >>\nstream\n\(stream)\nendstream")
        }
        let font = objects.count + 1
        objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
        objects[1] = "<< /Type /Pages /Kids [\(kids.joined(separator: " "))] /Count \(pages.count) >>"
        objects = objects.map { $0.replacingOccurrences(of: "FONT", with: "\(font)") }
        var infoReference = ""
        if !info.isEmpty {
            func literal(_ text: String) -> String {
                "(" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "(", with: "\\(").replacingOccurrences(of: ")", with: "\\)") + ")"
            }
            objects.append("<< " + info.keys.sorted().map { "/\($0) \(literal(info[$0]!))" }.joined(separator: " ") + " >>")
            infoReference = " /Info \(objects.count) 0 R"
        }
        var body = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(body.utf8.count)
            body += "\(index + 1) 0 obj\n\(object)\nendobj\n"
        }
        let xref = body.utf8.count
        body += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { body += String(format: "%010d 00000 n \n", offset) }
        body += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R\(infoReference) >>\nstartxref\n\(xref)\n%%EOF\n"
        return Data(body.utf8)
    }

    /// What a Word file's properties say (`docProps/core.xml` and `docProps/app.xml`).
    public struct Properties: Sendable {
        public var author: String?
        public var lastModifiedBy: String?
        public var company: String?
        public var template: String?
        /// W3CDTF: `2026-03-01T10:22:33Z`.
        public var created: String?

        public init(author: String? = nil, lastModifiedBy: String? = nil, company: String? = nil, template: String? = nil, created: String? = nil) {
            self.author = author
            self.lastModifiedBy = lastModifiedBy
            self.company = company
            self.template = template
            self.created = created
        }
    }

    /// A minimal Word document whose paragraphs are `paragraphs`; a paragraph containing ` | `
    /// becomes a table row (consecutive rows form one table). With `properties`, the file carries
    /// them in `docProps/core.xml` and `docProps/app.xml`, as Word writes them.
    public static func docx(_ paragraphs: [String] = ["Soumissionnaire : Ets Diallo & Fils"], properties: Properties? = nil) throws -> Data {
        func paragraph(_ text: String) -> String { "<w:p><w:r><w:t xml:space=\"preserve\">\(xmlEscape(text))</w:t></w:r></w:p>" }
        var runs = ""
        var inTable = false
        for text in paragraphs {
            let cells = text.components(separatedBy: " | ")
            if cells.count > 1 {
                if !inTable { runs += "<w:tbl><w:tblPr/>"; inTable = true }
                runs += "<w:tr>" + cells.map { "<w:tc><w:tcPr/>\(paragraph($0))</w:tc>" }.joined() + "</w:tr>"
            } else {
                if inTable { runs += "</w:tbl>"; inTable = false }
                runs += paragraph(text)
            }
        }
        if inTable { runs += "</w:tbl>" }
        var parts: [(String, String)] = []
        if let properties {
            func element(_ name: String, _ value: String?, attributes: String = "") -> String {
                value.map { "<\(name)\(attributes)>\(xmlEscape($0))</\(name)>" } ?? "<\(name)/>"
            }
            parts.append(("docProps/core.xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\(element("dc:creator", properties.author))\(element("cp:lastModifiedBy", properties.lastModifiedBy))<cp:revision>3</cp:revision>\(element("dcterms:created", properties.created, attributes: " xsi:type=\"dcterms:W3CDTF\""))</cp:coreProperties>
                """))
            parts.append(("docProps/app.xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">\(element("Template", properties.template))<Application>Microsoft Office Word</Application>\(element("Company", properties.company))</Properties>
                """))
        }
        return try zip(parts + [
            ("[Content_Types].xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>
                """),
            ("_rels/.rels", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>
                """),
            ("word/document.xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>\(runs)</w:body></w:document>
                """),
        ])
    }

    /// A minimal Excel workbook (one empty sheet).
    public static func xlsx() throws -> Data {
        try zip([
            ("[Content_Types].xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>
                """),
            ("xl/workbook.xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="Prix" sheetId="1" r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/></sheets></workbook>
                """),
            ("xl/worksheets/sheet1.xml", #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>"#),
        ])
    }

    /// A ZIP whose one entry inflates to `megabytes` MB of zeros: a (small) ZIP bomb.
    public static func zipBomb(megabytes: Int = 50) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        let total = Int64(megabytes) << 20
        let chunk = Data(count: 1 << 20)
        try archive.addEntry(with: "word/document.xml", type: .file, uncompressedSize: total, compressionMethod: .deflate,
                             provider: { position, size in chunk.prefix(min(size, Int(total - position))) })
        try archive.addEntry(with: "[Content_Types].xml", type: .file, uncompressedSize: Int64(10), compressionMethod: .none,
                             provider: { _, _ in Data("wordproces".utf8) })
        return archive.data ?? Data()
    }

    /// A ZIP archive with the given text entries.
    public static func zip(_ entries: [(String, String)]) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        for (path, text) in entries {
            let bytes = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(bytes.count), compressionMethod: .deflate,
                                 provider: { position, size in bytes.subdata(in: Int(position)..<Int(position) + size) })
        }
        return archive.data ?? Data()
    }

    /// An OLE compound file header, as Word 97-2003 writes; with `encrypted`, the marker of a
    /// password-protected OOXML file.
    public static func ole(encrypted: Bool = false) -> Data {
        var data = Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) + Data(count: 504)
        if encrypted { data += Data("EncryptionInfo".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }) }
        return data + Data(count: 512)
    }

    static func xmlEscape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
