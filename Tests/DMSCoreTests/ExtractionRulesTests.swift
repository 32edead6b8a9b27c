import DMSCore
import Foundation
import Testing

func offer(_ lines: [String]) -> OfferFacts {
    OfferExtractor.extract(DocumentText(documentID: UUID(), sha256: String(repeating: "c", count: 64),
                                        lines: lines.enumerated().map { TextLine($0.element, at: .paragraph($0.offset + 1)) }))
}

func dao(_ lines: [String]) -> [Criterion] {
    CriteriaExtractor.extract(DocumentText(documentID: UUID(), sha256: String(repeating: "d", count: 64),
                                           lines: lines.enumerated().map { TextLine($0.element, at: .paragraph($0.offset + 1)) }))
}

@Suite("Numbers and durations as suppliers write them")
struct NumberWordsTests {
    @Test("French numbers in words, with or without hyphens", arguments: [
        ("vingt et un", 21), ("vingt-et-un", 21), ("soixante et onze", 71), ("soixante-dix", 70), ("quatre-vingt-dix", 90),
        ("quatre vingt dix", 90), ("quatre-vingts", 80), ("cent vingt", 120), ("cent quatre-vingts", 180), ("trois cent soixante-cinq", 365),
        ("deux cents", 200), ("quarante-sept millions huit cent soixante-quinze mille", 47_875_000), ("mille deux cents", 1_200),
    ])
    func words(text: String, value: Int) {
        #expect(NumberWords.value(text.split(whereSeparator: { $0 == " " || $0 == "-" }).map(String.init)) == value)
    }

    @Test("a run with other words is not a number")
    func notNumbers() {
        #expect(NumberWords.value(["trente", "jours"]) == nil)
        #expect(NumberWords.value([]) == nil)
        #expect(NumberWords.value(["et"]) == nil)
    }

    @Test("durations: words, abbreviations, weeks (7), months (30), hours in whole days", arguments: [
        ("vingt et un jours", 21), ("Délai : 45 jrs", 45), ("45j", 45), ("10 j ouvrables", 10), ("3 semaines", 21), ("3 mois", 90),
        ("soixante et onze jours", 71), ("quatre vingt dix jours", 90), ("cent vingt (120) jours", 120), ("120 (cent vingt) jours", 120),
        ("trois cent soixante-cinq jours", 365), ("72 heures", 3), ("six semaines", 42),
    ])
    func durations(line: String, days: Int) {
        #expect(DurationParser.days(in: line) == days)
    }

    @Test("hours that are not whole days and bare numbers are not durations")
    func notDurations() {
        #expect(DurationParser.days(in: "livraison sous 36 heures") == nil)
        #expect(DurationParser.days(in: "le mois de novembre") == nil)
        #expect(DurationParser.all(in: "Délai : 30 jours ; validité : 90 jours") == [30, 90])
    }
}

@Suite("Money as suppliers write it")
struct MoneyWordsTests {
    @Test("the figure in parentheses after the amount in words")
    func parentheses() {
        let line = "pour un montant de quarante-sept millions huit cent soixante-quinze mille (47 875 000) francs CFA toutes taxes comprises"
        #expect(MoneyParser.amounts(in: line) == [Money(amount: 47_875_000, tax: .ttc)])
        #expect(MoneyParser.amountInWords(in: line)?.amount == 47_875_000)
    }

    @Test("tax as written: TVA comprise is TTC, hors TVA and HTVA are HT, a VAT rate alone is neither")
    func tax() {
        #expect(MoneyParser.amounts(in: "Total TVA comprise : 4 543 000 FCFA").first?.tax == .ttc)
        #expect(MoneyParser.amounts(in: "Total hors TVA : 3 850 000 FCFA").first?.tax == .ht)
        #expect(MoneyParser.amounts(in: "Total T.T.C : 3 850 000 FCFA").first?.tax == .ttc)
        #expect(MoneyParser.amounts(in: "TVA 18 % : 693 000 FCFA").first?.tax == nil)
    }

    @Test("currencies named in headers and notes; none in ordinary words")
    func currency() {
        #expect(MoneyParser.currency(in: "Prix unitaire (GNF)") == "GNF")
        #expect(MoneyParser.currency(in: "Montants exprimés en francs CFA") == "XOF")
        #expect(MoneyParser.currency(in: "Europe et Afrique") == nil)
        #expect(MoneyParser.amountInWords(in: "cinq sacs de ciment") == nil)
    }
}

@Suite("Supplier names")
struct SupplierNameTests {
    @Test("dotted legal forms and abbreviations are one word")
    func dotted() {
        #expect(SupplierName.key("SAHEL BTP S.A.R.L.") == "sahel btp")
        #expect(SupplierName.key("Sahel B.T.P.") == SupplierName.key("SAHEL BTP SARL"))
        #expect(SupplierName.key("Kanté Bureautique EURL") == "kante bureautique")
        #expect(SupplierName.key("Sahel B.T.P.") != SupplierName.key("Sahel B.T.S."))
    }

    @Test("registry and tax numbers after the name are cut", arguments: [
        ("DIOP & CIE SNC – NINEA 004567890 – RC SN-DKR-2001-A-3344", "DIOP & CIE SNC"),
        ("KEITA & FRERES SARL NIF 084112233 P", "KEITA & FRERES SARL"),
        ("Koffi et Fils (EKF) SARL, RCCM CI-ABJ-2014-B-5678", "Koffi et Fils (EKF) SARL"),
        ("Global Services, au capital de 1 000 000 FCFA", "Global Services"),
    ])
    func clean(raw: String, name: String) {
        #expect(SupplierName.clean(raw) == name)
    }

    @Test("a name without trailers is unchanged")
    func unchanged() {
        #expect(SupplierName.clean("Établissements Koné & Fils") == "Établissements Koné & Fils")
        #expect(SupplierName.clean("") == "")
    }
}

@Suite("PDF layout columns")
struct LayoutTextTests {
    @Test("wide gaps split columns; single spaces and thousands separators stay")
    func columns() {
        let lines = LayoutText.lines("  Delai de livraison : 21 jours      Duree de validite : 90 jours\n   Montant total      12 500 000\u{0C}Page deux")
        #expect(lines.map(\.text) == ["Delai de livraison : 21 jours | Duree de validite : 90 jours", "Montant total | 12 500 000", "Page deux"])
        #expect(lines.map(\.location) == [.page(1), .page(1), .page(2)])
    }

    @Test("two spaces are not a column gap; blank lines vanish")
    func narrow() {
        #expect(LayoutText.cells("Fait a Bamako,  le 5 octobre") == ["Fait a Bamako, le 5 octobre"])
        #expect(LayoutText.lines("\n   \n").isEmpty)
    }
}

@Suite("Offer totals a committee can trust")
struct TotalAmountTests {
    @Test("sub-total + VAT = total: the TTC total, high; the VAT and HT lines are not the total")
    func consistent() {
        let facts = offer(["Total HT | | 5 975 000", "TVA 18 % | | 1 075 500", "Total TTC | | 7 050 500", "Montants en FCFA"])
        #expect(facts.totalAmount.value == Money(amount: 7_050_500, tax: .ttc))
        #expect(facts.totalAmount.confidence == .high)
    }

    @Test("a total that does not equal sub-total + VAT is low, with the other totals kept")
    func inconsistent() {
        let facts = offer(["Montant HT : 10 000 000 FCFA", "TVA : 1 800 000 FCFA", "Montant TTC : 11 900 000 FCFA"])
        #expect(facts.totalAmount.value?.amount == 11_900_000 && facts.totalAmount.confidence == .low)
        #expect(facts.totalAmount.candidates.map(\.value.amount) == [10_000_000])
    }

    @Test("a VAT line or a discount alone is never read as a high total")
    func vatAlone() {
        let facts = offer(["TVA 18 % : 1 800 000 FCFA", "Remise : 200 000 FCFA"])
        #expect(facts.totalAmount.confidence != .high)
        #expect(offer(["Montant TVA : 693 000 FCFA", "Total TTC : 4 543 000 FCFA"]).totalAmount.value?.amount == 4_543_000)
    }

    @Test("two different totals: the largest, low, the other kept as a candidate")
    func conflict() {
        let facts = offer(["Montant total de l'offre : 15 200 000 FCFA TTC", "Montant total : 15 020 000 FCFA TTC"])
        #expect(facts.totalAmount.value?.amount == 15_200_000 && facts.totalAmount.confidence == .low)
        #expect(facts.totalAmount.candidates.map(\.value.amount) == [15_020_000])
    }

    @Test("a total in a table row takes its currency from the column header")
    func headerCurrency() {
        let facts = offer(["Article | Qté | PU (GNF) | Total (GNF)", "Lits | 10 | 4 500 000 | 45 000 000", "TOTAL GENERAL | | | 45 000 000"])
        #expect(facts.totalAmount.value == Money(amount: 45_000_000, currency: "GNF"))
        #expect(facts.totalAmount.confidence == .high)
    }

    @Test("without any currency stated the total is low (XOF assumed)")
    func noCurrency() {
        let facts = offer(["Désignation | Qté | Montant", "TOTAL GENERAL | | 2 000 000"])
        #expect(facts.totalAmount.value?.amount == 2_000_000 && facts.totalAmount.confidence == .low)
    }

    @Test("« arrêté à la somme de » in words agrees with the figure; a disagreement is low")
    func words() {
        let agreed = offer(["Le présent devis est arrêté à la somme de deux millions cinq cent mille (2 500 000) francs CFA HT."])
        #expect(agreed.totalAmount.value == Money(amount: 2_500_000, tax: .ht) && agreed.totalAmount.confidence == .high)
        let disagreed = offer(["Arrêté à la somme de deux millions (2 500 000) francs CFA HT."])
        #expect(disagreed.totalAmount.confidence == .low && disagreed.totalAmount.candidates.map(\.value.amount) == [2_000_000])
        let wordsOnly = offer(["Arrêté à la somme de deux millions cinq cent mille francs CFA hors TVA."])
        #expect(wordsOnly.totalAmount.value == Money(amount: 2_500_000, tax: .ht))
    }

    @Test("dotted leaders are a separator; the net after a discount is the total")
    func leadersAndDiscount() {
        let dotted = offer(["Montant total TTC ........ 12 500 000 FCFA"])
        #expect(dotted.totalAmount.value == Money(amount: 12_500_000, tax: .ttc) && dotted.totalAmount.confidence == .high)
        let net = offer(["Total brut | 3 175 000", "Remise 5 % | 158 750", "Net à payer | 3 016 250", "Prix en FCFA hors taxes"])
        #expect(net.totalAmount.value == Money(amount: 3_016_250, tax: .ht) && net.totalAmount.confidence == .high)
    }

    @Test("a guarantee or a capital is never a total")
    func guarantee() {
        let facts = offer(["Société au capital de 10 000 000 FCFA", "Garantie de soumission d'un montant de 900 000 FCFA"])
        #expect(facts.totalAmount.isMissing)
    }
}

@Suite("Delays and validity a committee can trust")
struct DurationRuleTests {
    @Test("delay and validity on one line each get their own number")
    func oneLine() {
        let facts = offer(["Délai de livraison : 30 jours ; validité de l'offre : 90 jours"])
        #expect(facts.deliveryDays.value == 30 && facts.deliveryDays.confidence == .high)
        #expect(facts.validityDays.value == 90 && facts.validityDays.confidence == .high)
        let columns = offer(["Delai de livraison : 21 jours | Duree de validite de l'offre : 90 jours"])
        #expect(columns.deliveryDays.value == 21 && columns.validityDays.value == 90)
    }

    @Test("a certificate, a guarantee or a reference never gives a validity or a delay")
    func otherSubjects() {
        let facts = offer(["Attestation de situation fiscale datant de moins de 6 mois", "Caution de soumission valable 120 jours",
                           "Références : marché exécuté en 90 jours", "Certificat de non faillite de moins de 90 jours"])
        #expect(facts.validityDays.isMissing && facts.deliveryDays.isMissing)
    }

    @Test("words, weeks and months; a sentence is low")
    func sentences() {
        let facts = offer(["Nous nous engageons à livrer dans un délai de vingt et un jours.", "Notre offre est valable trois mois."])
        #expect(facts.deliveryDays.value == 21 && facts.deliveryDays.confidence == .low)
        #expect(facts.validityDays.value == 90 && facts.validityDays.confidence == .high)
    }

    @Test("two different validities: low, the other kept")
    func conflict() {
        let facts = offer(["Validité de l'offre : 90 jours", "Durée de validité : 120 jours"])
        #expect(facts.validityDays.value == 90 && facts.validityDays.confidence == .low)
        #expect(facts.validityDays.candidates.map(\.value) == [120])
    }

    @Test("a label without a duration gives nothing")
    func noDuration() {
        #expect(offer(["Délai de livraison : à convenir", "Validité : voir conditions générales"]).deliveryDays.isMissing)
    }
}

@Suite("Who submits the offer")
struct SupplierRuleTests {
    @Test("Candidat, Soumissionnaire, Raison sociale du soumissionnaire: high, numbers cut", arguments: [
        ("CANDIDAT : IVOIRE BUREAUTIQUE SA – N° CC : 1234567 A", "IVOIRE BUREAUTIQUE SA"),
        ("Raison sociale du soumissionnaire : BENIN AGRI-INTRANTS S.A.", "BENIN AGRI-INTRANTS S.A."),
        ("Nom du candidat : Groupement SOGEA – BATIR PLUS", "Groupement SOGEA – BATIR PLUS"),
        ("Raison sociale ............ AFRICA TECHNOLOGIES SARL", "AFRICA TECHNOLOGIES SARL"),
        ("Soumissionnaire | Kaba Fournitures", "Kaba Fournitures"),
    ])
    func labelled(line: String, name: String) {
        let facts = offer([line])
        #expect(facts.supplier.value == name && facts.supplier.confidence == .high)
    }

    @Test("the « Je soussigné … pour le compte de » formula and a letterhead are low")
    func inferred() {
        let formula = offer(["Je soussigné KOFFI Yao, agissant au nom et pour le compte de l'entreprise KOFFI ET FILS, m'engage à livrer."])
        #expect(formula.supplier.value == "KOFFI ET FILS" && formula.supplier.confidence == .low)
        let letterhead = offer(["Établissements SAHEL NEGOCE", "Niamey, Quartier Plateau"])
        #expect(letterhead.supplier.value == "Établissements SAHEL NEGOCE" && letterhead.supplier.confidence == .low)
    }

    @Test("two labels naming different suppliers: low, both kept")
    func conflict() {
        let facts = offer(["Soumissionnaire : Sahel BTP", "Raison sociale : Sahel Construction"])
        #expect(facts.supplier.confidence == .low && facts.supplier.candidates.map(\.value) == ["Sahel Construction"])
    }

    @Test("a client, a signature or a group leader is not the supplier")
    func notSupplier() {
        let facts = offer(["Client : Agence Régionale de Développement", "Signature du soumissionnaire : ________", "Chef de file : SOGEA Mali SA"])
        #expect(facts.supplier.isMissing)
    }
}

@Suite("Criteria as DAOs write them")
struct CriteriaPhrasingTests {
    @Test("numbered list under a criteria heading, points after dotted leaders or a colon")
    func numberedList() {
        let criteria = dao(["Section III : Critères d'évaluation", "1. Conformité administrative (éliminatoire)",
                            "2. Expérience du soumissionnaire ........ 20 points", "a) Méthodologie et plan de travail : 25 points"])
        #expect(criteria.map(\.label) == ["Conformité administrative", "Expérience du soumissionnaire", "Méthodologie et plan de travail"])
        #expect(criteria.map(\.points) == [nil, 20, 25] && criteria.map(\.eliminatory) == [true, false, false])
    }

    @Test("a table with points or weights only in the header; the total row is not a criterion")
    func headerUnits() {
        let points = dao(["N° | Critères | Note maximale (points)", "1 | Personnel clé | 30", "2 | Matériel | 20", "TOTAL | 50"])
        #expect(points.map(\.label) == ["Personnel clé", "Matériel"] && points.map(\.points) == [30, 20])
        let weights = dao(["Critères | Pondération (%)", "Méthodologie | 60", "Prix | 40"])
        #expect(weights.map(\.weightPercent) == [60, 40] && CriteriaExtractor.warnings(weights).isEmpty)
    }

    @Test("eliminatory phrasing: the list after « sous peine de rejet », Conforme / Non conforme rows")
    func eliminatory() {
        let criteria = dao(["Les candidats devront fournir, sous peine de rejet :", "- une caution de soumission ;", "- le registre du commerce.",
                            "Critère | Appréciation", "Agrément du ministère | Conforme / Non conforme",
                            "L'attestation d'assurance est exigée sous peine d'élimination."])
        #expect(criteria.count == 4 && criteria.allSatisfy(\.eliminatory))
        #expect(criteria.last?.label == "L'attestation d'assurance est exigée")
    }

    @Test("weights that do not total 100 are flagged; points are not weights")
    func weightsWarning() {
        let criteria = dao(["Critères d'attribution", "a) Prix : 50 %", "b) Qualité technique : 30 %", "c) Délai : 15 %"])
        #expect(criteria.map(\.weightPercent) == [50, 30, 15])
        #expect(CriteriaExtractor.warnings(criteria).first?.contains("95") == true)
        #expect(CriteriaExtractor.warnings(dao(["Critère 1 : Prix (60 points)"])).isEmpty)
    }

    @Test("numbered lines outside a criteria section without points are not criteria")
    func noise() {
        let criteria = dao(["1. Objet du marché", "2. Caution de soumission : 2 % du montant", "3. Les offres seront valables 90 jours."])
        #expect(criteria.isEmpty)
    }
}

@Suite("Parts of one offer that disagree")
struct MergeConflictTests {
    @Test("two documents of one supplier with different validities: low, both kept")
    func conflict() {
        let offers = OfferMerger.merge([offer(["Soumissionnaire : Ets Koné", "Validité de l'offre : 90 jours"]),
                                        offer(["Soumissionnaire : ETS KONE", "Validité de l'offre : 120 jours", "Délai de livraison : 30 jours"])])
        #expect(offers.count == 1)
        #expect(offers[0].facts.validityDays.value == 90 && offers[0].facts.validityDays.confidence == .low)
        #expect(offers[0].facts.validityDays.candidates.map(\.value) == [120])
        #expect(offers[0].facts.deliveryDays.value == 30 && offers[0].facts.deliveryDays.confidence == .high)
    }

    @Test("the same value in both documents stays high; differently written names do not conflict")
    func agreement() {
        let offers = OfferMerger.merge([offer(["Soumissionnaire : Établissements Koné & Fils", "Validité de l'offre : 90 jours"]),
                                        offer(["Soumissionnaire : Ets KONE & FILS", "Offre valable 90 jours"])])
        #expect(offers[0].facts.validityDays.confidence == .high && offers[0].facts.validityDays.candidates.isEmpty)
        #expect(offers[0].facts.supplier.confidence == .high)
    }

    @Test("a document without the field takes nothing away")
    func missing() {
        let offers = OfferMerger.merge([offer(["Soumissionnaire : Ets Koné"]), offer(["Soumissionnaire : Ets Koné", "Validité : 60 jours"])])
        #expect(offers[0].facts.validityDays.value == 60 && offers[0].facts.validityDays.confidence == .high)
    }
}
