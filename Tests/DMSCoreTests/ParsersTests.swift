import DMSCore
import Foundation
import Testing

@Suite("Money, durations and names")
struct ParsersTests {
    @Test("French amount formats and currencies", arguments: [
        ("Montant total : 12 500 000 FCFA", Decimal(12_500_000), "XOF", nil),
        ("12.500.000 F CFA", Decimal(12_500_000), "XOF", nil),
        ("Total : 12 500 000,00 XOF TTC", Decimal(12_500_000), "XOF", Money.Tax.ttc),
        ("12 500 000,50 FCFA HT", Decimal(string: "12500000.50")!, "XOF", .ht),
        ("Prix : 12\u{202F}500\u{202F}000 francs CFA", Decimal(12_500_000), "XOF", nil),
        ("1 250 000 CFA hors taxe", Decimal(1_250_000), "XOF", .ht),
        ("Montant : 15 000 EUR", Decimal(15_000), "EUR", nil),
        ("XOF 2 000 000", Decimal(2_000_000), "XOF", nil),
    ] as [(String, Decimal, String, Money.Tax?)])
    func money(line: String, amount: Decimal, currency: String, tax: Money.Tax?) {
        let found = MoneyParser.amounts(in: line)
        #expect(found.last == Money(amount: amount, currency: currency, tax: tax), "\(line) → \(found)")
    }

    @Test("numbers without a currency are not amounts")
    func noCurrency() {
        #expect(MoneyParser.amounts(in: "Ciment : 1 500 sacs x 5 800 = 8 700 000").isEmpty)
        #expect(MoneyParser.amounts(in: "CPA 42.5, lot 2, 2026").isEmpty)
    }

    @Test("durations in days", arguments: [
        ("Délai de livraison : 30 jours", 30), ("4 semaines à compter de la notification", 28), ("un mois", 30),
        ("deux semaines", 14), ("45 jours calendaires", 45), ("trois (3) mois", 90), ("valable 90 j", 90),
    ])
    func durations(line: String, days: Int) {
        #expect(DurationParser.days(in: line) == days)
    }

    @Test("no duration, no guess")
    func noDuration() {
        #expect(DurationParser.days(in: "Délai de livraison : à convenir") == nil)
        #expect(DurationParser.days(in: "Livraison rapide") == nil)
    }

    @Test("supplier keys fold case, accents, punctuation and legal forms")
    func keys() {
        #expect(SupplierName.key("Établissements Koné & Fils") == SupplierName.key("Ets KONE & FILS"))
        #expect(SupplierName.key("SAHEL BTP SARL") == SupplierName.key("Sahel B.T.P."))
        #expect(SupplierName.key("SAHEL BTP SARL") == "sahel btp")
        #expect(SupplierName.key("Société Diallo SA") == "diallo")
        #expect(SupplierName.key("Sahel BTP") != SupplierName.key("Sahel Construction"))
        #expect(SupplierName.key("Diallo Frères") != SupplierName.key("Diallo & Fils"))
    }

    @Test("folding keeps offsets")
    func folding() {
        let line = "Délai de livraison : 30 jours"
        #expect(TextFolding.fold(line).count == line.count)
        #expect(TextFolding.fold("ÉTABLISSEMENTS Koné’s «x»") == "etablissements kone's \"x\"")
    }
}
