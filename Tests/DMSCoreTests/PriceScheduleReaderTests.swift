import DMSCore
import Foundation
import Testing

/// Reads lines as a DOCX or XLSX gives them (one paragraph or table row per line, cells joined by ` | `).
func schedule(_ lines: [String], source: TextSource = .native) -> [PriceLine] {
    PriceScheduleReader.read(DocumentText(documentID: UUID(), sha256: String(repeating: "e", count: 64),
                                          lines: lines.enumerated().map { TextLine($0.element, at: .paragraph($0.offset + 1)) },
                                          source: source))
}

/// Reads `pdftotext -layout` output as a PDF's text comes to the rules.
func layoutSchedule(_ output: String) -> [PriceLine] {
    PriceScheduleReader.read(DocumentText(documentID: UUID(), sha256: String(repeating: "e", count: 64), lines: LayoutText.lines(output)))
}

@Suite("Price schedule: tables, columns and rows")
struct PriceScheduleTableTests {
    static let bordereau = [
        "BORDEREAU DES PRIX",
        "N° | Désignation | Unité | Quantité | Prix unitaire (FCFA) | Montant (FCFA)",
        "1 | Ciment CPA 42.5 | sac | 200 | 5 200 | 1 040 000",
        "2 | Fer HA 10 | barre | 150 | 4 300 | 645 000",
        " | Total HT |  |  |  | 1 685 000",
        " | TVA 18 % |  |  |  | 303 300",
        " | Total TTC |  |  |  | 1 988 300",
    ]

    @Test("a DOCX bordereau: designation and unit from their columns, the numbering column left out, totals and taxes skipped")
    func bordereau() throws {
        let lines = schedule(Self.bordereau)
        #expect(lines.map(\.designation) == ["Ciment CPA 42.5", "Fer HA 10"])
        let first = try #require(lines.first)
        #expect(first.unit == "sac")
        #expect(first.quantity == 200)
        #expect(first.unitPrice == 5_200)
        #expect(first.lineTotal == 1_040_000)
        #expect(first.currency == "XOF")
        #expect(first.arithmetic == .ok)
        #expect(first.confidence == .high)
    }

    @Test("each line points at its row: document, place, and the row's text")
    func source() throws {
        let line = try #require(schedule(Self.bordereau).last)
        #expect(line.source.location == .paragraph(4))
        #expect(line.source.snippet == "2 | Fer HA 10 | barre | 150 | 4 300 | 645 000")
        #expect(line.source.sha256 == String(repeating: "e", count: 64))
    }

    @Test("no header, no lines: figures in prose, a table of references, a table of criteria")
    func noHeader() {
        #expect(schedule(["Ciment CPA | 200 | 5 200 | 1 040 000", "Montant total : 1 040 000 FCFA"]).isEmpty)
        #expect(schedule(["Intitulé du marché | Maître d'ouvrage | Année | Montant (FCFA)", "Route Dosso – Gaya | Ministère | 2023 | 185 000 000"]).isEmpty)
        #expect(schedule(["Critères | Pondération (%)", "Méthodologie | 35", "Total | 100"]).isEmpty)
        // A designation column alone with one other column is not a schedule.
        #expect(schedule(["Désignation | Montant", "Ciment | 1 040 000"]).isEmpty)
    }

    @Test("a header without a designation keyword still names it before three figure columns")
    func unnamedDesignation() {
        let lines = schedule(["Nature des prestations | Qté | PU | Montant", "Gardiennage | 6 | 150 000 | 900 000"])
        #expect(lines.map(\.designation) == ["Gardiennage"])
    }

    @Test("a sub-total keeps the table open, a total closes it; section titles are not lines")
    func sections() {
        let lines = schedule([
            "N° | Désignation | U | Qté | PU | Montant",
            "I | TERRASSEMENTS |  |  |  | ",
            "1.1 | Fouilles en rigole | m3 | 48,5 | 4 000 | 194 000",
            " | Sous-total I |  |  |  | 194 000",
            "II | MAÇONNERIE |  |  |  | ",
            "2.1 | Agglos de 15 | m² | 410 | 8 200 | 3 362 000",
            " | TOTAL GÉNÉRAL |  |  |  | 3 556 000",
            "3 | Ligne après le total | u | 1 | 1 000 | 1 000",
        ])
        #expect(lines.map(\.designation) == ["Fouilles en rigole", "Agglos de 15"])
        #expect(lines.first?.quantity == Decimal(string: "48.5"))
    }

    @Test("« Remise en état » is a designation, « Remise 5 % » a discount, « Arrêté… » the end")
    func discountWords() {
        let lines = schedule([
            "Désignation | Qté | PU | Montant",
            "Remise en état des portes | 4 | 25 000 | 100 000",
            "Remise 5 % | | | 5 000",
            "Net à payer | | | 95 000",
        ])
        #expect(lines.map(\.designation) == ["Remise en état des portes"])
    }

    @Test("several tables are all read, in order; a paragraph between them ends the first")
    func twoTables() {
        let lines = schedule([
            "LOT 1 : Mobilier",
            "Désignation | Qté | PU | PT",
            "Table-banc | 300 | 32 500 | 9 750 000",
            "Sous-total lot 1 | | | 9 750 000",
            "LOT 2 : Matériel didactique",
            "Le matériel est livré dans les écoles.",
            "Ligne hors tableau | 2 | 10 | 20",
            "Désignation | Qté | PU | PT",
            "Globe terrestre | 20 | 17 500 | 350 000",
        ])
        #expect(lines.map(\.designation) == ["Table-banc", "Globe terrestre"])
    }

    @Test("a section title between rows of a spreadsheet does not end the table")
    func titleInsideTable() {
        let lines = schedule([
            "Désignation | Unité | Quantité | Prix unitaire | Montant",
            "TERRASSEMENTS",
            "Déblais | m3 | 100 | 2200 | 220000",
            "OUVRAGES",
            "Dalot | u | 3 | 38500000 | 115500000",
        ])
        #expect(lines.map(\.designation) == ["Déblais", "Dalot"])
    }

    @Test("« Prix » above « Unitaire | Total », and a currency line under the header")
    func twoLineHeader() throws {
        let lines = schedule([
            "Désignation | Qté | Prix (FCFA) | ",
            " |  | Unitaire | Total",
            "Lanterne LED | 10 | 97 500 | 975 000",
        ])
        let line = try #require(lines.first)
        #expect(line.unitPrice == 97_500)
        #expect(line.lineTotal == 975_000)
        #expect(line.arithmetic == .ok)
        #expect(line.currency == "XOF")
    }

    @Test("« Article | Description »: the article is the reference, the description the designation")
    func articleColumn() {
        let lines = schedule(["Article | Description | Qté | Prix unitaire | Prix total", "A-12 | Climatiseur split | 2 | 385 000 | 770 000"])
        #expect(lines.map(\.designation) == ["Climatiseur split"])
    }
}
