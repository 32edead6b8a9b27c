import Foundation

/// The offers as supplier columns, one row per fact. A field a person corrected shows the
/// person's value in its own colour, with who and why as its source; the extraction's
/// `REVUE MANUELLE` is said in that source, never hidden.
struct OfferColumns {
    let offers: [StoredOffer]
    let suppliers: [CaseReport.Supplier]
    let amount: ReportRow
    let currency: ReportRow
    let tax: ReportRow
    let delivery: ReportRow
    let validity: ReportRow
    let parts: ReportRow
    let documents: ReportRow

    init(offers: [StoredOffer], sources: SourceWording) {
        self.offers = offers
        let files = offers.map { $0.facts.documentIDs.map { sources.filenames[$0] ?? $0.uuidString.lowercased() } }
        self.suppliers = zip(offers, files).map { offer, files in
            let shown = Shown(offer.facts.supplier, .supplier, offer.corrections, sources, corrected: CorrectedValue.text, words: { $0 })
            guard shown.value == nil, let first = files.first else { return CaseReport.Supplier(name: shown.cell { .text($0) }, documents: files) }
            return CaseReport.Supplier(name: .text("\(Extracted<String>.manualReview) — \(first)", tone: .manualReview), documents: files)
        }
        let money = offers.map { Shown($0.facts.totalAmount, .totalAmount, $0.corrections, sources, corrected: CorrectedValue.money, words: Self.moneyWords) }
        self.amount = ReportRow("Montant total de l'offre", kind: .fact, cells: money.map {
            $0.cell { .amount(ReportFormat.decimal($0.amount), currency: $0.currency) }
        })
        self.currency = ReportRow("Devise", kind: .fact, cells: money.map { $0.cell { .text(ReportFormat.currencyLabel($0.currency)) } })
        self.tax = ReportRow("HT / TTC", kind: .fact, cells: money.map { shown in
            shown.value?.tax.map { ReportCell(.text($0.rawValue), tone: shown.tone, source: shown.source) } ?? .manualReview
        })
        self.delivery = ReportRow("Délai de livraison (jours)", kind: .fact, cells: offers.map {
            Shown($0.facts.deliveryDays, .deliveryDays, $0.corrections, sources, corrected: CorrectedValue.days, words: Self.dayWords).cell { .number(Double($0)) }
        })
        self.validity = ReportRow("Validité de l'offre (jours)", kind: .fact, cells: offers.map {
            Shown($0.facts.validityDays, .validityDays, $0.corrections, sources, corrected: CorrectedValue.days, words: Self.dayWords).cell { .number(Double($0)) }
        })
        self.parts = ReportRow("Parties de l'offre repérées", kind: .fact, cells: offers.map { offer in
            let found = offer.facts.parts.sorted().map(ReportFormat.part)
            return found.isEmpty ? .text("aucune partie repérée — à vérifier", tone: .low) : .text(found.joined(separator: ", "), tone: .high)
        })
        self.documents = ReportRow("Documents de l'offre", kind: .fact, cells: files.map { .text($0.joined(separator: "\n")) })
    }

    /// The same value under every supplier (a criterion the committee checks, a blank).
    func same(_ value: CellValue) -> [ReportCell] {
        Array(repeating: ReportCell(value, tone: .neutral), count: self.offers.count)
    }

    /// Whether the offer's text shows this part (administrative, technical, financial).
    func part(_ part: OfferPart) -> ReportRow {
        ReportRow("Partie \(ReportFormat.part(part)) de l'offre", kind: .fact, cells: self.offers.map {
            $0.facts.parts.contains(part) ? .text("présente", tone: .high) : .text("non repérée — à vérifier", tone: .low)
        })
    }

    /// The sources of a fact row, in words, as a row of their own.
    func sourceRow(_ label: String, of row: ReportRow) -> ReportRow {
        ReportRow(label, kind: .source, cells: row.cells.map { .text($0.source ?? "non trouvé dans les documents de l'offre") })
    }

    static func moneyWords(_ money: Money) -> String {
        "\(ReportFormat.decimal(money.amount)) \(ReportFormat.currencyLabel(money.currency))\(money.tax.map { " \($0.rawValue)" } ?? "")"
    }

    static func dayWords(_ days: Int) -> String { "\(days) jours" }
}

/// The value a field shows: a person's latest correction (blue, « corrigé par NOM : raison »,
/// with what the extraction read when it differs), else the extracted value (its confidence's
/// colour, its source, and the other values read when they compete), else nothing (`REVUE MANUELLE`).
struct Shown<Value: Sendable & Hashable> {
    let value: Value?
    let tone: CellTone
    let source: String?

    init(_ extracted: Extracted<Value>, _ field: OfferField, _ corrections: [Correction], _ sources: SourceWording,
         corrected parse: (JSONValue) -> Value?, words: (Value) -> String) {
        if let correction = corrections.last(where: { $0.field == field }), let value = parse(correction.value) {
            let read = extracted.value.flatMap { $0 == value ? nil : words($0) }
            let same = extracted.value == value
            (self.value, self.tone, self.source) = (value, .corrected, sources.describe(correction, extracted: same ? "la même" : read))
        } else if let value = extracted.value, let source = extracted.source {
            var text = sources.describe(source)
            if !extracted.candidates.isEmpty {
                let others = extracted.candidates.map { "\(words($0.value)) (\(sources.describe($0.source)))" }
                text += " — à vérifier, autres valeurs lues : " + others.joined(separator: " ; ")
            }
            (self.value, self.tone, self.source) = (value, CellTone(extracted.confidence), text)
        } else {
            (self.value, self.tone, self.source) = (nil, .manualReview, nil)
        }
    }

    func cell(_ render: (Value) -> CellValue) -> ReportCell {
        guard let value = self.value else { return .manualReview }
        return ReportCell(render(value), tone: self.tone, source: self.source)
    }
}
