import Foundation

extension CaseReport {
    /// The report of a snapshot: printed with the state's head and time, never the clock's, so
    /// the same state always gives the same report, byte for byte.
    public init(snapshot: ReportSnapshot) {
        let at = snapshot.stateAt.iso8601
        // `2026-11-25T17:36:34.727385+00:00` → seconds since 1970 (PostgreSQL renders UTC here).
        let parts = at.split(whereSeparator: { "-T:+".contains($0) }).map(String.init)
        var date = Date(timeIntervalSince1970: 0)
        if parts.count >= 6, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
           let hour = Int(parts[3]), let minute = Int(parts[4]), let second = Double(parts[5]) {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: Int(second))
            date = calendar.date(from: components) ?? date
        }
        self.init(detail: snapshot.detail, analysis: snapshot.analysis, headHash: snapshot.stateHead, generatedAt: date)
        if let checkpoint = snapshot.checkpoint {
            self.checkpoint = "n° \(checkpoint.seq) : \(checkpoint.hash) (scellé le \(checkpoint.sealedAt))"
        }
        let decision = snapshot.detail.decision
        self.committee = snapshot.committee.map { member in
            let declaration: String
            switch member.declaration {
            case nil: declaration = "non déclarée"
            case let made? where made.noConflict: declaration = "aucun conflit d'intérêts (déclaré le \(ReportFormat.date(made.declaredAt)))"
            case let made?: declaration = "conflit d'intérêts déclaré le \(ReportFormat.date(made.declaredAt)) : ne prend pas part"
            }
            let presence = decision.map { $0.present.contains(member.userID) ? "présent" : "absent" } ?? "—"
            return CommitteeLine(name: member.name, function: member.function.label, declaration: declaration, presence: presence)
        }
        var names: [String: String] = [:]
        for offer in snapshot.analysis?.offers ?? [] {
            let corrected = offer.corrections.last { $0.field == .supplier }.flatMap { CorrectedValue.text($0.value) }
            names[offer.key] = corrected ?? offer.facts.supplier.value ?? Extracted<String>.manualReview
        }
        self.integrity = snapshot.integrity.map { link in
            let names = Dictionary(link.suppliers.map { ($0.key, $0.name) }, uniquingKeysWith: { first, _ in first })
            return IntegrityLine(kind: link.kind.label, suppliers: link.suppliers.map(\.name).joined(separator: " — "), note: link.note,
                                 evidence: link.evidenceLines(names: names))
        }
        var filenames: [UUID: String] = [:]
        for document in snapshot.detail.documents { filenames[document.id] = document.filename }
        self.priceSchedule = snapshot.priceLines.map { priced in
            let line = priced.line
            func double(_ value: Decimal?) -> Double? { value.map { NSDecimalNumber(decimal: $0).doubleValue } }
            let check: String = switch line.arithmetic {
            case .ok: ""
            case .mismatch: "quantité × prix unitaire ≠ montant : à vérifier"
            case .incomplete: "incomplet"
            }
            let item: String
            if let match = priced.match {
                item = match.item.map { "\($0.name) (confirmé par \(match.matchedBy))" } ?? "hors catalogue (\(match.matchedBy))"
            } else {
                item = priced.suggestion.map { "\($0.name) (rapprochement automatique, à confirmer)" } ?? "non rapprochée"
            }
            let file = filenames[line.source.documentID] ?? line.source.documentID.uuidString.lowercased()
            return PriceScheduleLine(
                supplier: names[priced.supplierKey] ?? priced.supplierKey, designation: line.designation, unit: line.unit ?? "",
                quantity: double(line.quantity), unitPrice: double(line.unitPrice), lineTotal: double(line.lineTotal), currency: line.currency ?? "XOF",
                check: check, tone: line.confidence == .high ? .high : .low, item: item,
                reference: priced.referenceText { ReportFormat.number(NSDecimalNumber(decimal: $0).doubleValue) },
                source: "« \(file) », \(line.source.location)")
        }
    }

    /// Builds the report from the case as stored, its current analysis (if any), the head of its
    /// memory and the generation time (injected, so the same inputs give the same report).
    public init(detail: CaseDetail, analysis: CaseAnalysis?, headHash: String, generatedAt: Date) {
        let record = detail.case
        var names: [UUID: String] = [:]
        for document in detail.documents { names[document.id] = document.filename }
        for input in analysis?.inputs ?? [] where names[input.documentID] == nil { names[input.documentID] = input.filename }
        let sources = SourceWording(filenames: names)

        self.caseID = record.id
        self.title = record.title
        self.caseType = ReportFormat.caseType(record.caseType)
        self.lot = record.lot
        self.status = ReportFormat.status(record.status)
        self.generatedAt = ReportFormat.date(generatedAt)
        self.generatedAtISO8601 = ISO8601DateFormatter().string(from: generatedAt)
        self.generatedAtEpoch = Int(generatedAt.timeIntervalSince1970)
        self.headHash = headHash
        self.analysis = analysis.map { "réalisée le \(ReportFormat.date($0.runAt)) par \($0.runBy)" }
        self.warnings = analysis?.warnings ?? []
        self.documents = detail.documents.map {
            DocumentLine(filename: $0.filename, kind: ReportFormat.kind($0.kind), size: $0.size, sha256: $0.sha256,
                         uploaded: "\(ReportFormat.date($0.uploadedAt)) par \($0.uploadedBy)" + ($0.late ? " — hors délai" : ""))
        }
        self.decision = detail.decision
        self.cbaTemplates = detail.documents.filter { $0.kind == .cbaTemplate }.map(\.filename)
        self.pvTemplates = detail.documents.filter { $0.kind == .pvTemplate }.map(\.filename)

        let offers = analysis?.offers ?? []
        let columns = OfferColumns(offers: offers, sources: sources)
        self.suppliers = columns.suppliers
        let criteria = analysis?.criteria ?? []
        self.criteria = criteria.map {
            CriterionLine(label: $0.label, category: ReportFormat.category($0.category), points: $0.points.map(ReportFormat.decimal),
                          weightPercent: $0.weightPercent.map(ReportFormat.decimal), eliminatory: $0.eliminatory,
                          source: sources.describe($0))
        }
        func criterionRows(_ keep: (Criterion) -> Bool, task: String) -> [ReportRow] {
            criteria.filter(keep).map { ReportRow(Self.criterionLabel($0), kind: .criterion, cells: columns.same(.text(task))) }
        }
        let check = "à vérifier par le comité"
        let evaluate = "à évaluer par le comité"

        self.essentials = [columns.documents, columns.part(.administrative)]
            + [ReportRow("Critères éliminatoires et d'éligibilité du DAO", kind: .section, cells: columns.same(.empty))]
            + criterionRows({ $0.eliminatory || $0.category == .essentiel }, task: check)
        self.technical = [columns.part(.technical)]
            + [ReportRow("Critères techniques et de durabilité du DAO", kind: .section, cells: columns.same(.empty))]
            + criterionRows({ !$0.eliminatory && ($0.category == .technique || $0.category == .durabilite) }, task: evaluate)
        self.commercial = [columns.part(.financial), columns.amount, columns.currency, columns.tax, columns.delivery, columns.validity]
            + [ReportRow("Sources", kind: .section, cells: columns.same(.empty))]
            + [columns.sourceRow("Source du montant", of: columns.amount), columns.sourceRow("Source du délai", of: columns.delivery),
               columns.sourceRow("Source de la validité", of: columns.validity)]
            + [ReportRow("Critères commerciaux du DAO", kind: .section, cells: columns.same(.empty))]
            + criterionRows({ !$0.eliminatory && $0.category == .commercial }, task: evaluate)
        self.amountRow = columns.amount
        self.taxRow = columns.tax
        self.supplierFacts = [columns.amount, columns.tax, columns.delivery, columns.validity, columns.parts, columns.documents]
    }

    /// `Expérience dans des marchés similaires — 20 points`: the DAO's own scale, never a mark.
    static func criterionLabel(_ criterion: Criterion) -> String {
        var details: [String] = []
        if criterion.eliminatory { details.append("éliminatoire") }
        if let points = criterion.points { details.append("\(ReportFormat.number(ReportFormat.decimal(points))) points") }
        if let weight = criterion.weightPercent { details.append("pondération \(ReportFormat.number(ReportFormat.decimal(weight))) %") }
        return details.isEmpty ? criterion.label : "\(criterion.label) — \(details.joined(separator: ", "))"
    }
}

/// A source in words: `offre_finale_v2.docx, §12 : « Montant total : 12 500 000 FCFA TTC »`.
struct SourceWording {
    let filenames: [UUID: String]

    func describe(_ source: SourceRef) -> String {
        let name = self.filenames[source.documentID] ?? source.documentID.uuidString.lowercased()
        return "\(name), \(source.location) : « \(source.snippet) »"
    }

    /// Where a criterion comes from: the DAO, and a person's change when there is one.
    func describe(_ criterion: Criterion) -> String {
        let read = criterion.source.map(self.describe) ?? "ajouté au dossier (absent du DAO)"
        guard let edit = criterion.edit else { return read }
        let verb = edit.action == .add ? "ajouté" : "corrigé"
        return "\(verb) par \(edit.by) le \(ReportFormat.date(edit.at)) : \(edit.reason) — \(read)"
    }

    /// « corrigé par NOM : raison », and what the extraction read when it differs (or that it read nothing).
    func describe(_ correction: Correction, extracted: String?) -> String {
        let read = extracted.map { "valeur lue dans l'offre : \($0)" } ?? "REVUE MANUELLE à l'extraction"
        return "corrigé par \(correction.correctedBy) le \(ReportFormat.date(correction.correctedAt)) : \(correction.reason) (\(read))"
    }
}
