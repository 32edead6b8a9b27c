import DMSCore
import Foundation
import Testing

@Suite("Text read by OCR (scanned offers)")
struct OCRTextTests {
    static func document(_ lines: [String], source: TextSource, warnings: [String] = []) -> DocumentText {
        DocumentText(documentID: UUID(), sha256: String(repeating: "e", count: 64),
                     lines: lines.map { TextLine($0, at: .page(1)) }, source: source, warnings: warnings)
    }

    static let perfect = [
        "Raison sociale : Ets Koné SARL", "Montant total TTC : 12 500 000 FCFA", "Délai de livraison : 30 jours", "Validité de l'offre : 90 jours",
    ]

    @Test("an OCR'd document's values are all low, even with perfect labels")
    func alwaysLow() {
        let native = OfferExtractor.extract(Self.document(Self.perfect, source: .native))
        #expect([native.supplier.confidence, native.totalAmount.confidence, native.deliveryDays.confidence, native.validityDays.confidence]
            == [.high, .high, .high, .high])
        let scanned = OfferExtractor.extract(Self.document(Self.perfect, source: .ocr))
        #expect(scanned.supplier.value == "Ets Koné SARL" && scanned.totalAmount.value == Money(amount: 12_500_000, tax: .ttc))
        #expect(scanned.deliveryDays.value == 30 && scanned.validityDays.value == 90)
        #expect([scanned.supplier.confidence, scanned.totalAmount.confidence, scanned.deliveryDays.confidence, scanned.validityDays.confidence]
            == [.low, .low, .low, .low])
        #expect(scanned.totalAmount.source?.location == .page(1))
    }

    @Test("« TIC » reads as TTC and O as 0 in a number on OCR text only; the snippet keeps what was read")
    func tolerantLabels() {
        let line = "Montant total TIC : 12 9OO 000 FCFA"
        let scanned = OfferExtractor.extract(Self.document([line], source: .ocr)).totalAmount
        #expect(scanned.value == Money(amount: 12_900_000, tax: .ttc) && scanned.confidence == .low)
        #expect(scanned.source?.snippet == line)
        let native = OfferExtractor.extract(Self.document([line], source: .native)).totalAmount
        #expect(native.value?.tax != .ttc)
    }

    @Test("the scanned fixture as Tesseract reads it: supplier, total and delay, all low, each with page and snippet")
    func fixtureText() {
        let facts = OfferExtractor.extract(Self.document(
            ["OFFRE - GIE BARA KA SERVICES", "Montant total TIC : 12 900 000 FCFA", "Délai de livraison : 21 jours"], source: .ocr))
        #expect(facts.supplier.value == "GIE BARA KA SERVICES" && facts.supplier.confidence == .low)
        #expect(facts.supplier.source?.snippet == "OFFRE - GIE BARA KA SERVICES")
        #expect(facts.totalAmount.value == Money(amount: 12_900_000, tax: .ttc) && facts.totalAmount.confidence == .low)
        #expect(facts.deliveryDays.value == 21 && facts.deliveryDays.confidence == .low)
        #expect(facts.validityDays.isMissing)
    }

    @Test("a title then a dash gives the name after it, low; a title alone gives none")
    func titleDash() {
        #expect(offer(["OFFRE FINANCIÈRE – ETS DIARRA ET FRÈRES", "Montant : 1 000 000 FCFA"]).supplier.value == "ETS DIARRA ET FRÈRES")
        #expect(offer(["OFFRE FINANCIÈRE – ETS DIARRA ET FRÈRES"]).supplier.confidence == .low)
        #expect(offer(["OFFRE TECHNIQUE - LOT 2"]).supplier.isMissing)
        #expect(offer(["Offre financière - fourniture de ciment"]).supplier.isMissing)
    }

    @Test("the analysis warns about OCR'd documents and repeats the reader's warnings with the file name")
    func warnings() {
        let ocr = Self.document(["Montant total TTC : 1 000 000 FCFA"], source: .ocr, warnings: ["page 2 : OCR au-delà de 20 s, page ignorée"])
        let unread = Self.document([], source: .native, warnings: ["document scanné lu sans OCR : installez tesseract-ocr et tesseract-ocr-fra"])
        let inputs = [(ocr, "scan.pdf"), (unread, "photo.pdf")].map {
            AnalysisInput(documentID: $0.0.documentID, kind: .offer, filename: $0.1, sha256: $0.0.sha256)
        }
        let result = AnalysisResult.analyze(dao: [], offers: [ocr, unread], inputs: inputs)
        #expect(result.warnings.contains("« scan.pdf » : document scanné lu par OCR — valeurs en confiance basse, à vérifier"))
        #expect(result.warnings.contains("« scan.pdf » : page 2 : OCR au-delà de 20 s, page ignorée"))
        #expect(result.warnings.contains { $0.hasPrefix("« photo.pdf » : aucun texte lisible") })
        #expect(result.warnings.contains { $0.hasPrefix("« photo.pdf » : document scanné lu sans OCR : installez tesseract-ocr") })
        let unnamed = result.offers.first { $0.facts.documentIDs == [unread.documentID] }
        #expect(unnamed?.facts.supplier.isMissing == true && unnamed?.facts.totalAmount.isMissing == true)
    }
}
