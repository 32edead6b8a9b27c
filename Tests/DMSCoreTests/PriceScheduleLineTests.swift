import DMSCore
import Foundation
import Testing

@Suite("Price schedule: figures, units, arithmetic and confidence")
struct PriceScheduleLineTests {
    static let header = "Désignation | Unité | Qté | Prix unitaire | Montant"

    @Test("figures as written in French offers and spreadsheets", arguments: [
        ("12 500", "12500"), ("12.500", "12500"), ("12 500,50", "12500.5"), ("1,5", "1.5"), ("12.5", "12.5"),
        ("12 500 F CFA", "12500"), ("45000000 XOF", "45000000"), ("12,500,000", "12500000"), ("0,25", "0.25"),
        ("12 500 000", "12500000"), ("1\u{00A0}250", "1250"),
    ])
    func figures(written: String, value: String) throws {
        let line = try #require(schedule([Self.header, "Article | u | 1 | \(written) | \(written)"]).first)
        #expect(line.unitPrice == Decimal(string: value))
        #expect(line.lineTotal == Decimal(string: value))
    }

    @Test("a cell that is not one figure gives nil, never a guess", arguments: ["P.M.", "inclus", "5 0OO", "12,75 48 000", "18 %", "12 500 000 000 000 000 000 000"])
    func unreadable(written: String) throws {
        let line = try #require(schedule([Self.header, "Gardiennage | mois | 6 | \(written) | 900 000"]).first)
        #expect(line.unitPrice == nil)
        #expect(line.quantity == 6)
        #expect(line.arithmetic == .incomplete)
        #expect(line.confidence == .low)
    }

    @Test("a line with a designation and no figure is not a price line")
    func noFigure() {
        #expect(schedule([Self.header, "Nettoyage de fin de chantier | Forfait | | P.M. | P.M."]).isEmpty)
        #expect(schedule([Self.header, "LOT 1 : Gros œuvre | | | | "]).isEmpty)
    }

    @Test("the unit is read from its column only, never from the designation")
    func unitInDesignation() throws {
        let line = try #require(schedule(["Désignation | Quantité | Prix unitaire | Montant", "Ciment CPA 42.5 (sac de 50 kg) | 350 | 5 150 | 1 802 500"]).first)
        #expect(line.designation == "Ciment CPA 42.5 (sac de 50 kg)")
        #expect(line.unit == nil)
        #expect(line.confidence == .high)
    }

    @Test("a wrong line total is a mismatch, a missing figure incomplete; both low")
    func arithmetic() {
        let lines = schedule([
            Self.header,
            "Peinture glycéro | m² | 25 | 18 000 | 540 000",
            "Peinture antirouille | m² | 84 | 3 500 | ",
        ])
        #expect(lines.map(\.arithmetic) == [.mismatch, .incomplete])
        #expect(lines.map(\.confidence) == [.low, .low])
    }

    @Test("within one franc is ok, beyond is a mismatch")
    func tolerance() {
        #expect(PriceArithmetic.check(quantity: 3, unitPrice: Decimal(string: "333.33"), lineTotal: 1_000) == .ok)
        #expect(PriceArithmetic.check(quantity: 3, unitPrice: 333, lineTotal: 1_000) == .ok)
        #expect(PriceArithmetic.check(quantity: 3, unitPrice: 333, lineTotal: 1_002) == .mismatch)
        #expect(PriceArithmetic.check(quantity: nil, unitPrice: 333, lineTotal: 1_002) == .incomplete)
    }

    @Test("OCR text is always low, even when its figures agree; digits misread as letters are repaired in figure cells")
    func ocr() {
        let lines = schedule(["| Désignation | Qté | P.U | Montant |", "| Filtre à huile | l2 | 3 500 | 42 OOO |"], source: .ocr)
        #expect(lines.map(\.quantity) == [12])
        #expect(lines.map(\.lineTotal) == [42_000])
        #expect(lines.map(\.confidence) == [.low])
    }

    @Test("OCR without cell separators: the figures at the end are split where the arithmetic holds")
    func ocrRun() {
        let lines = schedule(["Désignation Qté P.U Montant", "Pointes de 90 25 1 300 32 500", "Tôle ondulée 0,35 mm 120 4 250 510 000", "TOTAL 542 500"],
                             source: .ocr)
        #expect(lines.map(\.designation) == ["Pointes de 90", "Tôle ondulée 0,35 mm"])
        #expect(lines.map(\.quantity) == [25, 120])
        #expect(lines.map(\.unitPrice) == [1_300, 4_250])
        #expect(lines.allSatisfy { $0.confidence == .low && $0.arithmetic == .ok })
    }

    @Test("a spreadsheet row without its empty cells: figures whose column cannot be told are nil, the line low")
    func missingCells() throws {
        let lines = schedule(["Réf | Désignation | Qté | PU HT | Montant HT", "SIS-01 | Disque dur externe | 10 | 52000 | 520000", "SIS-04 | Souris sans fil | 25 | 9000"])
        #expect(lines.map(\.designation) == ["Disque dur externe", "Souris sans fil"])
        let last = try #require(lines.last)
        #expect(last.quantity == nil && last.unitPrice == nil && last.lineTotal == nil)
        #expect(last.confidence == .low)
    }

    @Test("a pdftotext -layout schedule: header on two lines, a wrapped designation, the header repeated on the next page")
    func layout() {
        let page1 = """
         N°   Designation                        Unite    Quantite    Prix unitaire       Montant
                                                                         (F CFA)          (F CFA)
         1    Terrassement en deblai              m3          450           3 500      1 575 000
              pour mise a la cote
         2    Couche de forme                     m3          300           9 000      2 700 000
        """
        let page2 = """
         N°   Designation                        Unite    Quantite    Prix unitaire       Montant
         3    Caniveau en beton arme              ml          180          42 000      7 560 000
                                                  Total HT                            11 835 000
        """
        let lines = layoutSchedule(page1 + "\n\u{0C}" + page2)
        #expect(lines.map(\.designation) == ["Terrassement en deblai", "Couche de forme", "Caniveau en beton arme"])
        #expect(lines.map(\.unit) == ["m3", "m3", "ml"])
        #expect(lines.map(\.currency) == ["XOF", "XOF", "XOF"])
        #expect(lines.allSatisfy { $0.confidence == .high })
        #expect(lines.last?.source.location == .page(2))
    }

    @Test("PDF columns closer than three spaces: the figures are split by the arithmetic, and the line is low")
    func runTogether() throws {
        let lines = layoutSchedule("""
         Designation              Qte    P.U      Montant
         Balai coco                40    1 000  40 000
         Raclette sol 45 cm        12  3 500 42 000
        """)
        #expect(lines.map(\.quantity) == [40, 12])
        #expect(lines.map(\.unitPrice) == [1_000, 3_500])
        #expect(lines.map(\.confidence) == [.low, .low])
    }

    @Test("bad input: an empty document, garbage, a row of one cell, huge and negative figures")
    func badInput() throws {
        #expect(schedule([]).isEmpty)
        #expect(schedule(["", "   ", "|||", "| | |"]).isEmpty)
        #expect(schedule(["\u{0}\u{1}%%%", "Désignation", "}|{ | ||| 12 ||"]).isEmpty)
        #expect(schedule([Self.header, "Ciment"]).isEmpty)
        #expect(schedule([Self.header, "|"]).isEmpty)
        let huge = try #require(schedule([Self.header, "Ciment | sac | 99999999999999999999999 | 1 | 99999999999999999999999"]).first)
        #expect(huge.quantity == nil && huge.lineTotal == nil && huge.unitPrice == 1)
        let negative = try #require(schedule([Self.header, "Avoir sur livraison | u | 1 | -50 000 | -50 000"]).first)
        #expect(negative.unitPrice == -50_000)
        #expect(negative.arithmetic == .ok)
        #expect(negative.confidence == .low)
    }
}
