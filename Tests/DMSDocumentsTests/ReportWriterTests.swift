import DMSCore
import DMSTestSupport
import Foundation
import Testing

@testable import DMSDocuments

/// Reports built from a synthetic case, without a database: sizes, limits, colours, escaping.
enum ReportSamples {
    static let caseID = UUID(uuidString: "3025B48F-670A-43D6-867A-8301DAB8FE1B")!
    static let head = String(repeating: "ab", count: 32)
    static let at = Timestamp(iso8601: "2026-11-25T17:36:34.727385+00:00")

    static func report(suppliers: Int, criteria: Int, name: (Int) -> String = { "Fournisseur \(String(format: "%03d", $0))" },
                       corrections: (Int) -> [Correction] = { _ in [] }, templates: [DocumentKind] = []) -> CaseReport {
        let record = Case(id: caseID, caseType: .dao, title: "Fourniture de ciment — Mopti", lot: "Lot 2", status: .analyzed, createdAt: at, updatedAt: at)
        let dao = Document(id: UUID(), caseID: caseID, kind: .dao, filename: "dao.docx", mediaType: .docx, size: 1200, sha256: String(repeating: "1", count: 64),
                           uploadedBy: "Awa", uploadedAt: at)
        var documents = [dao]
        var offers: [StoredOffer] = []
        for index in 0..<suppliers {
            let document = Document(id: UUID(), caseID: caseID, kind: .offer, filename: "offre-\(index).pdf", mediaType: .pdf, size: 4000 + index,
                                    sha256: String(repeating: "2", count: 64), uploadedBy: "Awa", uploadedAt: at)
            documents.append(document)
            let source = SourceRef(documentID: document.id, sha256: document.sha256, location: .page(1), snippet: "Montant total : \(index) FCFA")
            let facts = OfferFacts(
                supplier: Extracted(name(index), .high, source),
                totalAmount: Extracted(Money(amount: Decimal(10_000_000 + index * 1_000), tax: .ttc), .high, source),
                deliveryDays: index % 3 == 0 ? .missing : Extracted(30, index % 3 == 1 ? .high : .low, source),
                validityDays: Extracted(90, .high, source),
                parts: [.financial], documentIDs: [document.id])
            offers.append(StoredOffer(key: "k\(index)", facts: facts, corrections: corrections(index)))
        }
        for kind in templates {
            documents.append(Document(id: UUID(), caseID: caseID, kind: kind, filename: "modele-\(kind.rawValue).docx", mediaType: .docx, size: 10,
                                      sha256: String(repeating: "3", count: 64), uploadedBy: "Awa", uploadedAt: at))
        }
        let daoSource = SourceRef(documentID: dao.id, sha256: dao.sha256, location: .paragraph(3), snippet: "Critère")
        let categories = Criterion.Category.allCases
        let list = (0..<criteria).map {
            Criterion(label: "Critère \($0 + 1) : exigence du DAO", category: categories[$0 % categories.count], points: $0 % 2 == 0 ? 10 : nil,
                      weightPercent: nil, eliminatory: $0 % 7 == 0, source: daoSource)
        }
        let analysis = CaseAnalysis(runAt: at, runBy: "Awa", inputs: [], warnings: [], criteria: list, offers: offers)
        let detail = CaseDetail(case: record, decision: nil, documents: documents, events: [])
        return CaseReport(detail: detail, analysis: analysis, headHash: head, generatedAt: Date(timeIntervalSince1970: 1_795_000_000))
    }
}

@Suite("CBA and PV writers")
struct ReportWriterTests {
    @Test("500 criteria × 50 suppliers: the workbook opens with every row and column")
    func large() throws {
        let started = ContinuousClock.now
        let report = ReportSamples.report(suppliers: 50, criteria: 500)
        let data = try CBAWriter().write(report)
        print("CBA 500 criteria × 50 suppliers (model and file): \(data.count) bytes in \(ContinuousClock.now - started)")
        // For a look with scripts/check_office: DMS_REPORT_SAMPLES=/some/folder.
        if let folder = ProcessInfo.processInfo.environment["DMS_REPORT_SAMPLES"] {
            try data.write(to: URL(fileURLWithPath: folder).appendingPathComponent("cba-500x50.xlsx"))
        }
        let book = try Workbook(data)
        #expect(book.sheetNames == ["Synthèse", "Critères", "Essentiels", "Technique", "Commercial", "Indices"])
        #expect(try book.grid("Critères").count == 2 + 500)
        let rows = report.essentials.count + report.technical.count + report.commercial.count
        let written = try ["Essentiels", "Technique", "Commercial"].map { try book.grid($0).count - 2 }.reduce(0, +)
        #expect(written == rows)
        #expect(rows > 500)
        let header = try book.grid("Commercial")[1]
        #expect(header.count == 51)
        #expect(Array(header.dropFirst()) == (0..<50).map { "Fournisseur \(String(format: "%03d", $0))" })
        let pvStarted = ContinuousClock.now
        let pvData = try PVWriter().write(report, kind: .analyse, committee: [])
        print("PV analyse, 500 criteria × 50 suppliers: \(pvData.count) bytes in \(ContinuousClock.now - pvStarted)")
        let pv = try WordDocument(pvData)
        #expect(pv.tables.count > 50)
    }

    @Test("more than 50 suppliers is refused, not squeezed")
    func tooMany() throws {
        #expect(throws: ReportError.tooManySuppliers(count: 51, limit: 50)) {
            try CBAWriter().write(ReportSamples.report(suppliers: 51, criteria: 1))
        }
    }

    @Test("colours follow confidence: green high, amber low, red REVUE MANUELLE; amounts are numbers in FCFA")
    func tones() throws {
        let book = try Workbook(try CBAWriter().write(ReportSamples.report(suppliers: 3, criteria: 3)))
        let cells = try book.cells("Commercial")
        let grid = try book.grid("Commercial")
        let amountRow = try #require(grid.firstIndex { $0.first == "Montant total de l'offre" })
        let amount = try #require(cells[Workbook.reference(row: amountRow, column: 1)])
        #expect(amount.isNumber && amount.value == "10000000")
        #expect(book.numberFormat(style: amount.style) == #"#,##0 "FCFA""#)
        #expect(book.fill(style: amount.style) == "FFC6EFCE")
        let delayRow = try #require(grid.firstIndex { $0.first == "Délai de livraison (jours)" })
        let missing = try #require(cells[Workbook.reference(row: delayRow, column: 1)])
        #expect(missing.value == "REVUE MANUELLE" && book.fill(style: missing.style) == "FFFFC7CE")
        let high = try #require(cells[Workbook.reference(row: delayRow, column: 2)])
        #expect(high.isNumber && high.value == "30" && book.fill(style: high.style) == "FFC6EFCE")
        let low = try #require(cells[Workbook.reference(row: delayRow, column: 3)])
        #expect(book.fill(style: low.style) == "FFFFEB9C")
        let legend = try book.grid("Synthèse").flatMap { $0 }
        #expect(legend.contains("REVUE MANUELLE"))
        #expect(legend.contains { $0.hasPrefix("vert") } && legend.contains { $0.hasPrefix("ambre") } && legend.contains { $0.hasPrefix("rouge") })
    }

    @Test("a person's value shows in blue, « corrigé par NOM : raison », with what the extraction read when it differs")
    func corrections() throws {
        let at = ReportSamples.at
        let report = ReportSamples.report(suppliers: 2, criteria: 1, corrections: { _ in [
            Correction(field: .deliveryDays, value: .number(21), reason: "Confirmé par téléphone", correctedBy: "Awa Traoré", correctedAt: at),
            Correction(field: .totalAmount, value: .object(["amount": .number(1), "currency": .string("XOF")]), reason: "x", correctedBy: "Awa", correctedAt: at),
        ] })
        let book = try Workbook(try CBAWriter().write(report))
        let grid = try book.grid("Commercial")
        let cells = try book.cells("Commercial")
        let delay = try #require(grid.firstIndex { $0.first == "Délai de livraison (jours)" })
        let corrected = try #require(cells[Workbook.reference(row: delay, column: 1)])
        #expect(corrected.isNumber && corrected.value == "21" && book.fill(style: corrected.style) == "FFDDEBF7")
        let source = try #require(grid.first { $0.first == "Source du délai" })[1]
        #expect(source.contains("REVUE MANUELLE") && source.contains("corrigé par Awa Traoré") && source.contains("Confirmé par téléphone"))
        // A value read with an explicit label is corrected too (the machine may be wrong), and the paper says what it had read.
        let second = try #require(cells[Workbook.reference(row: delay, column: 2)])
        #expect(second.value == "21" && book.fill(style: second.style) == "FFDDEBF7")
        #expect(try #require(grid.first { $0.first == "Source du délai" })[2].contains("valeur lue dans l'offre : 30 jours"))
        let amount = try #require(grid.firstIndex { $0.first == "Montant total de l'offre" })
        #expect(cells[Workbook.reference(row: amount, column: 1)]?.value == "1")
    }

    @Test("deposited CBA and PV templates are named as not used")
    func templates() throws {
        let report = ReportSamples.report(suppliers: 1, criteria: 1, templates: [.cbaTemplate, .pvTemplate])
        let summary = try Workbook(try CBAWriter().write(report)).grid("Synthèse").flatMap { $0 }
        #expect(summary.contains { $0.contains("modèle fourni non utilisé") && $0.contains("modele-cba_template.docx") })
        let pv = try WordDocument(try PVWriter().write(report, kind: .ouverture, committee: []))
        #expect(pv.paragraphs.contains { $0.contains("non utilisé") && $0.contains("modele-pv_template.docx") })
    }

    @Test("names with &, <, > and quotes are written as text, in both files")
    func escaping() throws {
        let name = #"Ets Diallo & Fils <Sikasso> "Le Fer" l'Éclair"#
        let report = ReportSamples.report(suppliers: 1, criteria: 1, name: { _ in name })
        let book = try Workbook(try CBAWriter().write(report))
        #expect(try book.grid("Commercial")[1][1] == name)
        let pv = try WordDocument(try PVWriter().write(report, kind: .ouverture, committee: ["Aïssata Koné & co"]))
        #expect(pv.paragraphs.contains(name))
        #expect(pv.paragraphs.contains("Aïssata Koné & co"))
        #expect(try pv.package.xml("word/header1.xml").all("w:t").map(\.text).contains("Fourniture de ciment — Mopti"))
    }

    @Test("the PV template keeps its styles, header, footer page number and memory head")
    func template() throws {
        let pv = try WordDocument(try PVWriter().write(ReportSamples.report(suppliers: 2, criteria: 2), kind: .analyse, committee: []))
        let styles = try pv.package.xml("word/styles.xml").all("w:style").compactMap { $0.attributes["w:styleId"] }
        #expect(Set(["Normal", "Heading1", "TableGrid"]).isSubset(of: styles))
        #expect(pv.styledParagraphs.contains { $0.style == "Heading1" })
        let footer = pv.package.text("word/footer1.xml")
        #expect(footer.contains(" PAGE ") && footer.contains(ReportSamples.head))
        #expect(pv.paragraphs.contains("Décision : en attente du comité"))
        #expect(PVWriter.fill("a {{X}} b {{Y}}", ["{{X}}": "{{Y}}", "{{Y}}": "y"]) == "a {{Y}} b y")
    }
}
