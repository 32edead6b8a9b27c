import DMSCore
import DMSDocuments
import DMSTestSupport
import Foundation
import Testing

@Suite("Reading text out of documents")
struct TextExtractorTests {
    let extractor = TextExtractor()

    @Test("DOCX: paragraphs in order with their numbers, table rows as cells joined by |, entities decoded")
    func docx() async throws {
        let data = try SampleFiles.docx(["OFFRE TECHNIQUE", "Raison sociale : Ets Koné & Fils", "Critère | Points", "Expérience | 20 points", "Fin"])
        let text = try await extractor.text(of: data, mediaType: .docx, documentID: UUID(), sha256: "x")
        #expect(text.lines.map(\.text) == ["OFFRE TECHNIQUE", "Raison sociale : Ets Koné & Fils", "Critère | Points", "Expérience | 20 points", "Fin"])
        #expect(text.lines.map(\.location) == (1...5).map { .paragraph($0) })
    }

    @Test("PDF: lines with their page numbers")
    func pdf() async throws {
        let data = SampleFiles.pdf(pages: [["Soumissionnaire : Ets KONE", "Montant total HT : 11.200.000 F CFA"], ["Validite de l'offre : 60 jours"]])
        let text = try await extractor.text(of: data, mediaType: .pdf, documentID: UUID(), sha256: "x")
        // Helvetica's standard encoding renders an apostrophe as a right single quote.
        #expect(text.lines.map(\.text) == ["Soumissionnaire : Ets KONE", "Montant total HT : 11.200.000 F CFA", "Validite de l\u{2019}offre : 60 jours"])
        #expect(text.lines.map(\.location) == [.page(1), .page(1), .page(2)])
    }

    @Test("a scanned PDF (no text layer) gives no text, not an error")
    func scanned() async throws {
        let data = try SharedFixtures.data("IMG_20261102_0931.pdf")
        let text = try await extractor.text(of: data, mediaType: .pdf, documentID: UUID(), sha256: "x")
        #expect(text.isEmpty)
    }

    @Test("XLSX: one line per row from shared strings and numbers")
    func xlsx() async throws {
        let data = try SampleFiles.zip([
            ("[Content_Types].xml", #"<Types><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#),
            ("xl/sharedStrings.xml", #"<sst><si><t>Désignation</t></si><si><t>Montant total TTC</t></si><si><t>FCFA</t></si></sst>"#),
            ("xl/worksheets/sheet1.xml", #"<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2"><v>12500000</v></c><c r="C2" t="s"><v>2</v></c></row></sheetData></worksheet>"#),
        ])
        let text = try await extractor.text(of: data, mediaType: .xlsx, documentID: UUID(), sha256: "x")
        #expect(text.lines.map(\.text) == ["Désignation", "Montant total TTC | 12500000 | FCFA"])
    }

    @Test("a PDF that pdftotext cannot read is reported as corrupt")
    func unreadable() async {
        await #expect(throws: DocumentError.self) {
            try await extractor.text(of: Data("%PDF-1.4 garbage %%EOF".utf8), mediaType: .pdf, documentID: UUID(), sha256: "x")
        }
    }
}
