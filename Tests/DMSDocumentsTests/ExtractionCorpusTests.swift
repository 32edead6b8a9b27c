import DMSCore
import DMSDocuments
import DMSTestSupport
import Foundation
import Testing

/// A corpus of realistic French offers (DOCX and PDF made on the fly) with the values a person
/// reads in them. Precision: of the values extracted, how many are right. Recall: of the values
/// present, how many were extracted. Missing values must stay missing (never guessed).
@Suite("Extraction corpus: precision and recall per field")
struct ExtractionCorpusTests {
    enum Format { case docx, pdf }

    struct Sample {
        let format: Format
        let lines: [String]
    }

    struct Expected {
        let supplier: String?
        let amount: Decimal?
        let tax: Money.Tax?
        let delivery: Int?
        let validity: Int?
        let documents: Int
    }

    /// Documents, grouped by the supplier offer they must merge into.
    static let corpus: [([Sample], Expected)] = [
        ([Sample(format: .docx, lines: ["OFFRE TECHNIQUE ET FINANCIÈRE", "Raison sociale : Société Diallo et Frères SARL", "Pièces administratives jointes : registre de commerce, NIF", "Délai de livraison : 15 jours", "Validité de l'offre : 90 jours", "Montant total TTC : 8 450 000 FCFA"])],
         Expected(supplier: "Diallo et Frères", amount: 8_450_000, tax: .ttc, delivery: 15, validity: 90, documents: 1)),
        ([Sample(format: .pdf, lines: ["OFFRE FINANCIERE", "Entreprise : GIE Sougou Services", "Prix total HT : 4.250.000 F CFA", "Delai de livraison : 3 semaines", "Offre valable 60 jours"])],
         Expected(supplier: "Sougou", amount: 4_250_000, tax: .ht, delivery: 21, validity: 60, documents: 1)),
        ([Sample(format: .docx, lines: ["PROPOSITION TECHNIQUE", "Soumissionnaire : Établissements Coulibaly & Cie", "Délai de livraison : 45 jours calendaires"]),
          Sample(format: .pdf, lines: ["OFFRE FINANCIERE", "Soumissionnaire : ETS COULIBALY ET CIE", "Montant total : 12 500 000,00 XOF TTC", "Validite de l'offre : 120 jours"])],
         Expected(supplier: "Coulibaly", amount: 12_500_000, tax: .ttc, delivery: 45, validity: 120, documents: 2)),
        ([Sample(format: .pdf, lines: ["Nom du fournisseur : Sahel BTP", "Total general : 9 870 000 FCFA TTC", "Validite de l'offre : 90 jours"])],
         Expected(supplier: "Sahel BTP", amount: 9_870_000, tax: .ttc, delivery: nil, validity: 90, documents: 1)),
        ([Sample(format: .pdf, lines: ["Nom du fournisseur : Sahel Construction", "Total general : 9 990 000 FCFA TTC", "Delai de livraison : 20 jours", "Validite de l'offre : 90 jours"])],
         Expected(supplier: "Sahel Construction", amount: 9_990_000, tax: .ttc, delivery: 20, validity: 90, documents: 1)),
        ([Sample(format: .docx, lines: ["BAMAKO MATÉRIAUX", "Quartier du fleuve, Bamako", "Nous proposons la fourniture de 500 sacs de ciment.", "Prix proposé : 3 200 000 FCFA", "Livraison sous 10 jours"])],
         Expected(supplier: "Bamako Matériaux", amount: 3_200_000, tax: nil, delivery: 10, validity: nil, documents: 1)),
        ([Sample(format: .docx, lines: ["Soumissionnaire : Ets Traoré Commerce", "Total général : 6 000 000 F CFA HT", "Délai d'exécution : un mois", "Durée de validité : trois (3) mois"])],
         Expected(supplier: "Traoré Commerce", amount: 6_000_000, tax: .ht, delivery: 30, validity: 90, documents: 1)),
        ([Sample(format: .docx, lines: ["Raison sociale : Kayes Négoce SA", "Désignation | Quantité | Montant", "Ciment CPA 42.5 | 1 000 sacs | 5 800 000 FCFA", "Montant total TTC | | 6 844 000 FCFA", "Délai de livraison : 2 semaines", "Validité de l'offre : 60 jours"])],
         Expected(supplier: "Kayes Négoce", amount: 6_844_000, tax: .ttc, delivery: 14, validity: 60, documents: 1)),
        ([Sample(format: .pdf, lines: ["Societe : Mopti Transport SARL", "Montant de l'offre : 2 750 000 XOF", "Delai de livraison : 7 jours", "Validite : 30 jours"])],
         Expected(supplier: "Mopti Transport", amount: 2_750_000, tax: nil, delivery: 7, validity: 30, documents: 1)),
        ([Sample(format: .docx, lines: ["Entreprise : Ségou Agro-Services", "Offre technique : semences certifiées", "Délai de livraison : à convenir", "Validité de l'offre : 45 jours", "Montant total HT : 1 980 000 FCFA"])],
         Expected(supplier: "Ségou Agro-Services", amount: 1_980_000, tax: .ht, delivery: nil, validity: 45, documents: 1)),
        ([Sample(format: .pdf, lines: ["OFFRE TECHNIQUE", "Soumissionnaire : Sikasso Equipements", "Delai de livraison : 25 jours"]),
          Sample(format: .docx, lines: ["Bordereau des prix", "Soumissionnaire : SIKASSO ÉQUIPEMENTS SARL", "Montant total TTC : 15 300 000 F CFA"]),
          Sample(format: .pdf, lines: ["OFFRE ADMINISTRATIVE", "Soumissionnaire : Sikasso Equipements", "Registre de commerce et attestation fiscale jointes", "Validite de l'offre : 90 jours"])],
         Expected(supplier: "Sikasso", amount: 15_300_000, tax: .ttc, delivery: 25, validity: 90, documents: 3)),
        ([Sample(format: .docx, lines: ["Raison sociale : Niger Lumière SAS", "Montant total TTC : 22 000 000 FCFA", "Validité de l'offre : 90 jours", "Délai de livraison : 6 semaines"])],
         Expected(supplier: "Niger Lumière", amount: 22_000_000, tax: .ttc, delivery: 42, validity: 90, documents: 1)),
        ([Sample(format: .pdf, lines: ["Fournisseur : Dakar Pieces Auto", "Montant total : 3.450.000 FCFA HT", "Delai de livraison : 10 jours", "Validite de l'offre : 60 jours"])],
         Expected(supplier: "Dakar Pieces Auto", amount: 3_450_000, tax: .ht, delivery: 10, validity: 60, documents: 1)),
        ([Sample(format: .docx, lines: ["Dénomination : Ouaga Informatique", "Net à payer : 7 125 000 FCFA TTC", "Délai de livraison : quinze jours", "Offre valable : soixante jours"])],
         Expected(supplier: "Ouaga Informatique", amount: 7_125_000, tax: .ttc, delivery: 15, validity: 60, documents: 1)),
        ([Sample(format: .pdf, lines: ["Soumissionnaire : Tombouctou Services", "Offre technique detaillee en annexe", "Delai de livraison : 30 jours"])],
         Expected(supplier: "Tombouctou", amount: nil, tax: nil, delivery: 30, validity: nil, documents: 1)),
        ([Sample(format: .docx, lines: ["Raison sociale : Gao Bâtiment", "Montant total TTC : 4 400 000 FCFA", "Validité de l'offre : 90 jours"])],
         Expected(supplier: "Gao Bâtiment", amount: 4_400_000, tax: .ttc, delivery: nil, validity: 90, documents: 1)),
        ([Sample(format: .pdf, lines: ["Nom du soumissionnaire : Kita Fer et Acier", "Prix total TTC : 18 250 000 F CFA", "Delai de livraison : 21 jours", "Validite de l'offre : 90 jours"])],
         Expected(supplier: "Kita Fer et Acier", amount: 18_250_000, tax: .ttc, delivery: 21, validity: 90, documents: 1)),
    ]

    @Test("every field is right where extracted, and found where present")
    func corpusScores() async throws {
        let extractor = TextExtractor()
        var texts: [DocumentText] = []
        var documentCount = 0
        // Each expected offer is found by its documents, never by its name: the supplier is scored too.
        var firstDocument: [UUID] = []
        for (samples, _) in Self.corpus {
            for (index, sample) in samples.enumerated() {
                let data = switch sample.format {
                case .docx: try SampleFiles.docx(sample.lines)
                case .pdf: SampleFiles.pdf(pages: [sample.lines.map(Self.ascii)])
                }
                let mediaType: MediaType = sample.format == .docx ? .docx : .pdf
                let id = UUID()
                if index == 0 { firstDocument.append(id) }
                texts.append(try await extractor.text(of: data, mediaType: mediaType, documentID: id, sha256: SHA256Hex.of(data)))
                documentCount += 1
            }
        }
        #expect(documentCount >= 20)
        let offers = OfferMerger.merge(texts.map(OfferExtractor.extract))
        #expect(offers.count == Self.corpus.count, "merged into \(offers.map(\.key))")

        var score: [String: (extracted: Int, right: Int, present: Int)] = [:]
        func count<V: Equatable>(_ field: String, _ got: V?, _ expected: V?, matches: (V, V) -> Bool = { $0 == $1 }) {
            var entry = score[field] ?? (0, 0, 0)
            if got != nil { entry.extracted += 1 }
            if expected != nil { entry.present += 1 }
            if let got, let expected, matches(got, expected) { entry.right += 1 }
            if got != nil, expected == nil { Issue.record("\(field): invented \(got!)") }
            score[field] = entry
        }
        for ((_, expected), id) in zip(Self.corpus, firstDocument) {
            let offer = offers.first { $0.facts.documentIDs.contains(id) }
            guard let offer else {
                Issue.record("no offer for \(expected.supplier ?? "?")")
                continue
            }
            #expect(offer.facts.documentIDs.count == expected.documents, "\(expected.supplier ?? "") documents")
            count("supplier", offer.facts.supplier.value, expected.supplier) { TextFolding.fold($0).contains(TextFolding.fold($1)) }
            count("total_amount", offer.facts.totalAmount.value?.amount, expected.amount)
            count("tax", offer.facts.totalAmount.value?.tax, expected.tax)
            count("delivery_days", offer.facts.deliveryDays.value, expected.delivery)
            count("validity_days", offer.facts.validityDays.value, expected.validity)
        }
        print("field           precision  recall   (extracted/right/present)")
        for field in ["supplier", "total_amount", "tax", "delivery_days", "validity_days"] {
            let (extracted, right, present) = score[field] ?? (0, 0, 0)
            let precision = extracted == 0 ? 1 : Double(right) / Double(extracted)
            let recall = present == 0 ? 1 : Double(right) / Double(present)
            print(field.padding(toLength: 15, withPad: " ", startingAt: 0) + String(format: " %9.2f %7.2f   (%d/%d/%d)", precision, recall, extracted, right, present))
            #expect(precision == 1, "\(field) precision")
            #expect(recall >= 0.9, "\(field) recall")
        }
    }

    /// PDF samples use the standard Helvetica encoding: accents written without, as in the fixtures.
    static func ascii(_ text: String) -> String {
        String(text.decomposedStringWithCanonicalMapping.unicodeScalars.filter(\.isASCII).map(Character.init))
    }
}
