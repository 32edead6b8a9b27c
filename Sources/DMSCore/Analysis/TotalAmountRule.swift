import Foundation

/// Reads an offer's total. Only a line labelled as the total (or « arrêté(e) à la somme de »)
/// can give it with `high`; a VAT line, a sub-total, a discount, a guarantee or a capital never
/// do. `high` also needs the total to be alone on its line, its currency stated, and the
/// document to agree with it: the largest amount labelled total (TTC first, the net after a
/// discount), equal to sub-total + VAT when both are given, and to the amount in words when
/// both are written.
enum TotalAmountRule {
    enum Role: Equatable {
        case total(net: Bool)
        case subtotal
        case vat
        case discount
    }

    struct Reading {
        let money: Money
        let role: Role
        let line: TextLine
        /// Another amount follows the label on the same line, or the currency was not stated.
        let uncertain: Bool
        /// The amount in words on the same line, when written.
        let inWords: Decimal?
    }

    static let notOfferAmounts = ["caution", "garantie", "cautionnement", "capital", "avance", "penalite", "chiffre d'affaires", "assurance"]
    static let totalPhrases = [
        "arrete a la somme", "arretee a la somme", "arrete le present", "arretee la presente", "a la somme de", "pour un montant",
        "s'eleve a", "se chiffre a", "montant de l'offre", "montant de notre offre", "montant de la soumission", "montant de notre soumission",
    ]
    static let totalWords = [
        "total", "montant global", "net a payer", "prix de l'offre", "montant ttc", "montant ht", "prix global", "offre financiere :",
        "montant de l'offre", "montant de notre offre", "montant de la soumission", "montant de la proposition",
    ]

    static func role(of label: String) -> Role? {
        if ["remise", "rabais", "ristourne", "escompte"].contains(where: label.contains) { return .discount }
        if ["sous-total", "sous total", "total brut", "montant brut", "total partiel", "total lot", "report"].contains(where: label.contains) {
            return .subtotal
        }
        let words = Set(SupplierName.words(label))
        let taxIncluded = label.contains("toutes taxes") || label.contains("hors taxe") || label.contains("tva comprise") || label.contains("hors tva")
            || label.contains("tva incluse") || words.contains("ttc") || words.contains("htva") || words.contains("tvac")
        if !taxIncluded, words.contains("tva") || label.contains("taxe sur la valeur") || words.contains("taxes") || words.contains("aib") {
            return .vat
        }
        if words.contains("total") || words.contains("net") || Self.totalWords.contains(where: label.contains)
            || Self.totalPhrases.contains(where: label.contains) {
            return .total(net: words.contains("net"))
        }
        return nil
    }

    static func read(_ document: DocumentText, _ lines: [OfferLine]) -> Extracted<Money> {
        var readings: [Reading] = []
        var headerCurrency: String?
        var documentCurrency: String?
        var documentTax: Money.Tax?
        for line in lines {
            let numbers = MoneyParser.numbers(in: line.folded).filter { $0.value >= 100 }
            if numbers.isEmpty, let words = MoneyParser.amountInWords(in: line.text), case .total? = Self.role(of: line.folded),
               !Self.notOfferAmounts.contains(where: line.folded.contains) {
                // « Arrêté à la somme de deux millions … francs CFA » without the figure.
                readings.append(Reading(money: words, role: .total(net: false), line: line.line, uncertain: false, inWords: words.amount))
                continue
            }
            if numbers.isEmpty {
                // A column header (`Montant (FCFA)`) or a note (`Montants exprimés en FCFA hors taxes`).
                if let currency = MoneyParser.currency(in: line.text) {
                    if line.isTableRow { headerCurrency = currency } else { documentCurrency = documentCurrency ?? currency }
                }
                if !line.isTableRow, line.folded.contains("prix") || line.folded.contains("montant"), let tax = MoneyParser.tax(in: line.folded) {
                    documentTax = documentTax ?? tax
                }
                continue
            }
            if let reading = Self.reading(line, headerCurrency: headerCurrency) { readings.append(reading) }
        }
        // The note on currency or tax may come after the table.
        readings = readings.map { reading in
            var money = reading.money
            var uncertain = reading.uncertain
            if money.currency.isEmpty {
                if let currency = documentCurrency { money = Money(amount: money.amount, currency: currency, tax: money.tax) } else {
                    money = Money(amount: money.amount, currency: "XOF", tax: money.tax)
                    uncertain = true
                }
            }
            if money.tax == nil, let tax = documentTax { money = Money(amount: money.amount, currency: money.currency, tax: tax) }
            return Reading(money: money, role: reading.role, line: reading.line, uncertain: uncertain, inWords: reading.inWords)
        }
        return Self.decide(readings, document, lines)
    }

    /// The amount a labelled line gives: the last cell of a table row, or the amount after the label.
    static func reading(_ line: OfferLine, headerCurrency: String?) -> Reading? {
        let folded = line.folded
        guard !Self.notOfferAmounts.contains(where: folded.contains) else { return nil }
        let numbers = MoneyParser.numbers(in: folded).filter { match in
            let after = folded[match.range.upperBound...].drop(while: { $0 == " " })
            return after.first != "%" && match.value >= 100
        }
        guard let first = numbers.first else { return nil }
        let label = String(folded[..<first.range.lowerBound])
        guard let role = Self.role(of: label) else { return nil }
        let withCurrency = MoneyParser.amounts(in: line.text).filter { $0.amount >= 100 }
        let tax = MoneyParser.tax(in: label) ?? MoneyParser.tax(in: folded)
        let amount: Decimal
        var currency = MoneyParser.currency(in: line.text) ?? ""
        var uncertain = false
        if line.isTableRow, let last = line.cells.last, let value = MoneyParser.numbers(in: TextFolding.fold(last)).last?.value {
            amount = value
            if currency.isEmpty { currency = headerCurrency ?? "" }
        } else if let money = withCurrency.last {
            amount = money.amount
            currency = money.currency
            uncertain = Set(withCurrency.map(\.amount)).count > 1
        } else {
            amount = numbers.last!.value
            uncertain = Set(numbers.map(\.value)).count > 1
        }
        let inWords = MoneyParser.amountInWords(in: line.text)?.amount
        return Reading(money: Money(amount: amount, currency: currency, tax: tax), role: role, line: line.line,
                       uncertain: uncertain, inWords: inWords)
    }

    static func decide(_ readings: [Reading], _ document: DocumentText, _ lines: [OfferLine]) -> Extracted<Money> {
        let totals = readings.filter { if case .total = $0.role { true } else { false } }
        guard !totals.isEmpty else { return Self.inferred(document, lines) }
        var pool = totals.filter { $0.money.tax == .ttc }
        if pool.isEmpty { pool = totals }
        let hasDiscount = readings.contains { $0.role == .discount }
        if hasDiscount, case let nets = pool.filter({ $0.role == .total(net: true) }), !nets.isEmpty { pool = nets }
        let chosen = pool.max { $0.money.amount < $1.money.amount }!
        let amount = chosen.money.amount
        let conflict = pool.contains { $0.money.amount != amount } || pool.contains { $0.inWords != nil && $0.inWords != $0.money.amount }
        // Sub-total + VAT (- discount) must give the total when the document states them.
        let bases = readings.filter { $0.role == .subtotal || ($0.role == .total(net: false) && $0.money.tax == .ht && chosen.money.tax == .ttc) }
            .map(\.money.amount)
        let vats = readings.filter { $0.role == .vat }.map(\.money.amount)
        let discounts = readings.filter { $0.role == .discount }.map(\.money.amount) + [0]
        var consistent = true
        if !vats.isEmpty {
            consistent = bases.contains { base in vats.contains { vat in discounts.contains { base - $0 + vat == amount } } }
                || (bases.isEmpty && chosen.money.tax == .ttc && vats.contains { $0 < amount })
            // A VAT without a TTC total: the HT total is not the whole price.
            if chosen.money.tax != .ttc { consistent = false }
        } else if hasDiscount, !bases.isEmpty {
            consistent = bases.contains { base in discounts.contains { base - $0 == amount } }
        }
        let high = !chosen.uncertain && !conflict && consistent
        var seen: Set<Decimal> = [amount]
        var candidates = totals.filter { seen.insert($0.money.amount).inserted }.map { Candidate($0.money, SourceRef(document, $0.line)) }
        if let words = chosen.inWords, words != amount {
            candidates.append(Candidate(Money(amount: words, currency: chosen.money.currency, tax: chosen.money.tax), SourceRef(document, chosen.line)))
        }
        return Extracted(chosen.money, high ? .high : .low, SourceRef(document, chosen.line), candidates: candidates)
    }

    /// Without a total label: the largest amount with a currency outside VAT, discount, guarantee
    /// and capital lines, or an amount in words; always low.
    static func inferred(_ document: DocumentText, _ lines: [OfferLine]) -> Extracted<Money> {
        var best: (Money, TextLine)?
        for line in lines where !Self.notOfferAmounts.contains(where: line.folded.contains) {
            if let role = Self.role(of: line.folded), role == .vat || role == .discount { continue }
            var amounts = MoneyParser.amounts(in: line.text)
            if let words = MoneyParser.amountInWords(in: line.text) { amounts.append(words) }
            for money in amounts where money.amount > (best?.0.amount ?? 0) {
                best = (money, line.line)
            }
        }
        guard let best else { return .missing }
        return Extracted(best.0, .low, SourceRef(document, best.1))
    }
}
