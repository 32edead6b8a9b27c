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

    @Test("without Tesseract, a scanned PDF gives no text and a warning, not an error; its fields stay REVUE MANUELLE")
    func scannedWithoutOCR() async throws {
        let data = try SharedFixtures.data("IMG_20261102_0931.pdf")
        let extractor = TextExtractor(tesseract: "/nonexistent/tesseract")
        #expect(!extractor.ocrAvailable)
        let text = try await extractor.text(of: data, mediaType: .pdf, documentID: UUID(), sha256: "x")
        #expect(text.isEmpty && text.source == .native)
        #expect(text.warnings.contains { $0.contains("lu sans OCR : installez tesseract-ocr") }, "\(text.warnings)")
        let input = AnalysisInput(documentID: text.documentID, kind: .offer, filename: "IMG_20261102_0931.pdf", sha256: "x")
        let result = AnalysisResult.analyze(dao: [], offers: [text], inputs: [input])
        let facts = try #require(result.offers.first?.facts)
        #expect(facts.supplier.isMissing && facts.totalAmount.isMissing && facts.deliveryDays.isMissing && facts.validityDays.isMissing)
        #expect(result.warnings.contains { $0.contains("IMG_20261102_0931.pdf") && $0.contains("installez tesseract-ocr") })
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

    @Test("PDF: two fields on one line stay apart (wide gaps become cells)")
    func pdfColumns() async throws {
        let data = SampleFiles.pdf(pages: [["Delai de livraison : 21 jours                    Validite de l'offre : 90 jours"]])
        let text = try await extractor.text(of: data, mediaType: .pdf, documentID: UUID(), sha256: "x")
        #expect(text.lines.count == 1)
        #expect(text.lines.first?.text.contains(" | ") == true, "\(text.lines.map(\.text))")
        let facts = OfferExtractor.extract(text)
        #expect(facts.deliveryDays.value == 21 && facts.validityDays.value == 90)
    }

    static func docxWithHeader(_ header: String?, reference: String = "rId9") throws -> Data {
        var entries: [(String, String)] = [
            ("[Content_Types].xml", #"<Types><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#),
            ("word/document.xml", """
                <w:document xmlns:w="w" xmlns:r="r"><w:body><w:p><w:r><w:t>OFFRE FINANCIÈRE</w:t></w:r></w:p>\
                <w:p><w:r><w:t>Montant total TTC : 12 500 000 FCFA</w:t></w:r></w:p>\
                <w:sectPr><w:headerReference w:type="default" r:id="\(reference)"/></w:sectPr></w:body></w:document>
                """),
            ("word/_rels/document.xml.rels", #"<Relationships><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/></Relationships>"#),
        ]
        if let header {
            entries.append(("word/header1.xml", "<w:hdr xmlns:w=\"w\"><w:p><w:r><w:t>\(header)</w:t></w:r></w:p><w:p><w:r><w:t>BP 12 Mopti</w:t></w:r></w:p></w:hdr>"))
        }
        return try SampleFiles.zip(entries)
    }

    @Test("DOCX: the page header (letterhead) comes first as §0; the body keeps its numbers")
    func docxHeader() async throws {
        let text = try await extractor.text(of: Self.docxWithHeader("SAHEL BTP S.A.R.L."), mediaType: .docx, documentID: UUID(), sha256: "x")
        #expect(text.lines.map(\.text) == ["SAHEL BTP S.A.R.L.", "BP 12 Mopti", "OFFRE FINANCIÈRE", "Montant total TTC : 12 500 000 FCFA"])
        #expect(text.lines.map(\.location) == [.paragraph(0), .paragraph(0), .paragraph(1), .paragraph(2)])
        let facts = OfferExtractor.extract(text)
        #expect(facts.supplier.value == "SAHEL BTP S.A.R.L." && facts.supplier.confidence == .low)
    }

    @Test("DOCX: a header reference to a missing part or an unknown id is ignored")
    func docxMissingHeader() async throws {
        let missing = try await extractor.text(of: Self.docxWithHeader(nil), mediaType: .docx, documentID: UUID(), sha256: "x")
        #expect(missing.lines.map(\.location) == [.paragraph(1), .paragraph(2)])
        let unknown = try await extractor.text(of: Self.docxWithHeader("X", reference: "rId404"), mediaType: .docx, documentID: UUID(), sha256: "x")
        #expect(unknown.lines.count == 2)
    }

    static func workbook(sheetTarget: String, styles: String?) throws -> Data {
        var entries: [(String, String)] = [
            ("[Content_Types].xml", #"<Types><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#),
            ("xl/workbook.xml", #"<workbook xmlns:r="r"><sheets><sheet name="Notes" sheetId="1" r:id="rId1"/><sheet name="Devis" sheetId="2" r:id="rId2"/></sheets></workbook>"#),
            ("xl/_rels/workbook.xml.rels", """
                <Relationships><Relationship Id="rId1" Type="worksheet" Target="worksheets/notes.xml"/>\
                <Relationship Id="rId2" Type="worksheet" Target="\(sheetTarget)"/></Relationships>
                """),
            ("xl/worksheets/notes.xml", #"<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Soumissionnaire : Kaba SARL</t></is></c></row></sheetData></worksheet>"#),
            ("xl/worksheets/devis_final.xml", #"<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Total TTC</t></is></c><c r="B1" s="1"><v>12500000</v></c></row></sheetData></worksheet>"#),
        ]
        if let styles { entries.append(("xl/styles.xml", styles)) }
        return try SampleFiles.zip(entries)
    }

    @Test("XLSX: every sheet through the workbook relationships, currency from the number format")
    func xlsxRelationships() async throws {
        let styles = ##"<styleSheet><numFmts count="1"><numFmt numFmtId="164" formatCode="#,##0 &quot;FCFA&quot;"/></numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>"##
        let text = try await extractor.text(of: Self.workbook(sheetTarget: "worksheets/devis_final.xml", styles: styles), mediaType: .xlsx, documentID: UUID(), sha256: "x")
        #expect(text.lines.map(\.text) == ["Soumissionnaire : Kaba SARL", "Total TTC | 12500000 XOF"])
        let facts = OfferExtractor.extract(text)
        #expect(facts.totalAmount.value == Money(amount: 12_500_000, tax: .ttc) && facts.totalAmount.confidence == .high)
    }

    @Test("XLSX: a number without a currency format stays bare; a relationship to a missing sheet is skipped")
    func xlsxMissingSheet() async throws {
        let text = try await extractor.text(of: Self.workbook(sheetTarget: "/xl/worksheets/devis_final.xml", styles: nil), mediaType: .xlsx, documentID: UUID(), sha256: "x")
        #expect(text.lines.map(\.text) == ["Soumissionnaire : Kaba SARL", "Total TTC | 12500000"])
        let missing = try await extractor.text(of: Self.workbook(sheetTarget: "worksheets/absent.xml", styles: nil), mediaType: .xlsx, documentID: UUID(), sha256: "x")
        #expect(missing.lines.map(\.text) == ["Soumissionnaire : Kaba SARL"])
    }
}
