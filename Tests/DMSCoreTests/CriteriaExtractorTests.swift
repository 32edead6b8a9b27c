import DMSCore
import Foundation
import Testing

@Suite("DAO criteria")
struct CriteriaExtractorTests {
    func text(_ lines: [String]) -> DocumentText {
        DocumentText(documentID: UUID(), sha256: String(repeating: "a", count: 64),
                     lines: lines.enumerated().map { TextLine($0.element, at: .paragraph($0.offset + 1)) })
    }

    @Test("numbered criteria with points, eliminatory flags and categories")
    func numbered() {
        let criteria = CriteriaExtractor.extract(self.text([
            "Section III — Critères d'évaluation",
            "Critère 1 : Registre de commerce et attestation fiscale à jour (éliminatoire)",
            "Critère n° 2 - Expérience dans au moins deux marchés similaires (20 points)",
            "Critère 3 : Délai de livraison proposé (15 points)",
            "Critère 4 : Prix de l'offre (60 pts)",
            "Critère 5 : Engagement environnemental et gestion des emballages (5 points)",
            "Les offres seront valables au moins 60 jours.",
        ]))
        #expect(criteria.map(\.label) == ["Registre de commerce et attestation fiscale à jour", "Expérience dans au moins deux marchés similaires",
                                          "Délai de livraison proposé", "Prix de l'offre", "Engagement environnemental et gestion des emballages"])
        #expect(criteria.map(\.points) == [nil, 20, 15, 60, 5])
        #expect(criteria.map(\.eliminatory) == [true, false, false, false, false])
        #expect(criteria.map(\.category) == [.essentiel, .technique, .commercial, .commercial, .durabilite])
        #expect(criteria[1].source?.location == .paragraph(3))
        #expect(criteria[1].source?.snippet.hasPrefix("Critère n° 2") == true)
    }

    @Test("criteria tables: points, percentages, pondération and eliminatory columns; header rows skipped")
    func tables() {
        let criteria = CriteriaExtractor.extract(self.text([
            "Critère | Pondération | Éliminatoire",
            "Agrément technique du ministère | | Oui, éliminatoire",
            "Méthodologie et planning | 30 % |",
            "Qualification du personnel clé | pondération : 0,25 |",
            "Offre financière | 45 points |",
        ]))
        #expect(criteria.count == 4)
        #expect(criteria[0].eliminatory && criteria[0].category == .essentiel)
        #expect(criteria[1].weightPercent == 30 && criteria[1].category == .technique)
        #expect(criteria[2].weightPercent == 25)
        #expect(criteria[3].points == 45)
    }

    @Test("ordinary lines and duplicates are not criteria")
    func noise() {
        let criteria = CriteriaExtractor.extract(self.text([
            "Le soumissionnaire fournira 20 sacs de ciment.",
            "Critère 1 : Prix (60 points)",
            "Rappel — Critère 1 : Prix (60 points)",
            "Critère 1 : Prix (60 points)",
        ]))
        #expect(criteria.count == 1)
    }
}

@Suite("Offer facts")
struct OfferExtractorTests {
    func text(_ lines: [String]) -> DocumentText {
        DocumentText(documentID: UUID(), sha256: String(repeating: "b", count: 64),
                     lines: lines.enumerated().map { TextLine($0.element, at: .page(1)) })
    }

    @Test("explicit labels give high confidence with their source")
    func labels() throws {
        let document = self.text(["OFFRE TECHNIQUE ET FINANCIÈRE", "Raison sociale : SAHEL BTP SARL", "Délai de livraison : 30 jours",
                                  "Validité de l'offre : 90 jours", "Montant total TTC : 12 500 000 FCFA"])
        let facts = OfferExtractor.extract(document)
        #expect(facts.supplier.value == "SAHEL BTP SARL" && facts.supplier.confidence == .high)
        #expect(facts.supplier.source?.snippet == "Raison sociale : SAHEL BTP SARL")
        #expect(facts.supplier.source?.documentID == document.documentID)
        #expect(facts.totalAmount.value == Money(amount: 12_500_000, tax: .ttc))
        #expect(facts.deliveryDays.value == 30 && facts.validityDays.value == 90)
        #expect(facts.parts == [.technical, .financial])
    }

    @Test("without labels: letterhead and largest amount are low confidence; the rest stays REVUE MANUELLE")
    func inferred() {
        let facts = OfferExtractor.extract(self.text(["DIOURA TRANSPORT ET COMMERCE", "Sevare", "Nous proposons 3 000 000 FCFA, transport inclus 250 000 FCFA"]))
        #expect(facts.supplier.value == "DIOURA TRANSPORT ET COMMERCE" && facts.supplier.confidence == .low)
        #expect(facts.totalAmount.value?.amount == 3_000_000 && facts.totalAmount.confidence == .low)
        #expect(facts.deliveryDays.isMissing && facts.validityDays.isMissing)
    }

    @Test("a title line is not a supplier; an empty document gives nothing")
    func nothing() {
        #expect(OfferExtractor.extract(self.text(["OFFRE FINANCIERE", "Bordereau des prix"])).supplier.isMissing)
        let empty = OfferExtractor.extract(self.text([]))
        #expect(empty.supplier.isMissing && empty.totalAmount.isMissing && empty.deliveryDays.isMissing && empty.validityDays.isMissing)
    }

    @Test("parts of one supplier merge; different suppliers never do; alphabetical order")
    func merge() {
        let technical = OfferExtractor.extract(self.text(["PROPOSITION TECHNIQUE", "Entreprise : Établissements Koné & Fils", "Délai de livraison : 4 semaines"]))
        let financial = OfferExtractor.extract(self.text(["OFFRE FINANCIERE", "Soumissionnaire : Ets KONE & FILS", "Montant total HT : 11.200.000 F CFA"]))
        let other = OfferExtractor.extract(self.text(["Soumissionnaire : Koné Transport", "Montant total : 9 000 000 FCFA"]))
        let scanned = OfferExtractor.extract(self.text([]))
        let offers = OfferMerger.merge([other, scanned, financial, technical])
        #expect(offers.count == 3)
        #expect(offers.map(\.facts.supplier.value) == ["Ets KONE & FILS", "Koné Transport", nil])
        #expect(offers[0].facts.deliveryDays.value == 28 && offers[0].facts.totalAmount.value?.tax == .ht)
        #expect(offers[0].facts.parts == [.technical, .financial] && offers[0].facts.documentIDs.count == 2)
    }

    @Test("edited points and weights keep hundredths: a subnormal Double becomes 0, never an unreadable number (fuzz 2026-11-29)")
    func editRounding() throws {
        let edit = try NewCriterionEdit(action: .add, label: "Délai", category: "technique", points: 1.988041890709372e-257,
                                        weightPercent: 6.6372384178698525, eliminatory: nil, reason: "document endommagé")
        #expect(edit.points == 0)
        #expect(edit.weightPercent == Decimal(string: "6.64"))
    }
}
