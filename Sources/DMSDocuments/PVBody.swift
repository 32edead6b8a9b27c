import DMSCore

/// The body of a PV, in WordprocessingML. It states facts and, once the committee has decided,
/// its decision; it never names a supplier as better than another.
struct PVBody {
    let report: CaseReport
    let kind: PVKind
    let committee: [String]

    /// Said exactly so while the committee has not decided.
    static let pendingDecision = "Décision : en attente du comité"

    var xml: String {
        var parts = [WordML.paragraph(self.kind.title, style: "Title"), self.caseTable, self.committeeSection]
        switch self.kind {
        case .ouverture:
            parts += [self.offersReceived, self.documentsSection]
        case .analyse:
            parts += [self.criteriaSection, self.factsSection, self.decisionSection, self.documentsSection]
        }
        for template in report.pvTemplates {
            parts.append(WordML.paragraph("Modèle de PV fourni non utilisé : « \(template) » (présentation standard de DMS)."))
        }
        parts.append(WordML.paragraph("Les fournisseurs sont présentés par ordre alphabétique. Les valeurs sont celles lues dans les offres, "
            + "avec leur source ; « REVUE MANUELLE » signale une valeur illisible ou absente, jamais devinée."))
        return parts.joined(separator: "\n")
    }

    private var caseTable: String {
        var rows: [(String, String)] = [
            ("Dossier", report.title), ("Identifiant", report.caseID.uuidString.lowercased()), ("Type", report.caseType),
            ("Lot", report.lot ?? "—"), ("Statut", report.status), ("Date", report.generatedAt),
        ]
        if self.kind == .analyse { rows.append(("Analyse", report.analysis ?? CaseReport.noAnalysis)) }
        rows.append(("Empreinte de la mémoire", report.headHash))
        rows.append(("Dernier point de contrôle", report.checkpoint))
        return WordML.table(widths: [28, 72], header: ["Élément", "Valeur"],
                            rows: rows.map { [WordML.Cell($0.0, bold: true), WordML.Cell($0.1)] })
    }

    private var committeeSection: String {
        let heading = WordML.heading("Membres du comité")
        if !report.committee.isEmpty {
            // The committee recorded in DMS: functions, declarations, presence at the decision.
            return heading + WordML.table(widths: [24, 14, 30, 14, 18], header: ["Membre", "Fonction", "Déclaration d'absence de conflit", "Présence", "Signature"],
                                          rows: report.committee.map {
                                              [WordML.Cell($0.name), WordML.Cell($0.function), WordML.Cell($0.declaration), WordML.Cell($0.presence), WordML.Cell("")]
                                          })
        }
        guard !self.committee.isEmpty else {
            return heading + WordML.paragraph("Membres du comité : non renseignés.")
        }
        return heading + WordML.table(widths: [60, 40], header: ["Nom", "Signature"],
                                      rows: self.committee.map { [WordML.Cell($0), WordML.Cell("")] })
    }

    private var offersReceived: String {
        let heading = WordML.heading("Offres reçues")
        guard report.isAnalysed else {
            let offers = report.documents.filter { $0.kind == ReportFormat.kind(.offer) }
            return heading + WordML.paragraph("Montants et fournisseurs : \(CaseReport.noAnalysis).")
                + WordML.table(widths: [30, 30, 40], header: ["Document d'offre", "Déposé", "Empreinte SHA-256"],
                               rows: offers.map { [WordML.Cell($0.filename), WordML.Cell($0.uploaded), WordML.Cell($0.sha256)] })
        }
        guard !report.suppliers.isEmpty else { return heading + WordML.paragraph("Aucune offre analysée.") }
        let rows = report.suppliers.enumerated().map { index, supplier in
            [WordML.Cell(supplier.name.display, tone: supplier.name.tone, bold: true),
             WordML.Cell(supplier.documents.joined(separator: "\n")),
             self.cell(report.amountRow.cells[index]), self.cell(report.taxRow.cells[index])]
        }
        return heading + WordML.paragraph("Offres dans l'ordre alphabétique des fournisseurs ; montants tels que lus.")
            + WordML.table(widths: [30, 32, 24, 14], header: ["Fournisseur", "Documents", "Montant lu", "HT / TTC"], rows: rows)
    }

    private var criteriaSection: String {
        let heading = WordML.heading("Critères du dossier d'appel d'offres")
        guard !report.criteria.isEmpty else {
            return heading + WordML.paragraph(report.isAnalysed ? "Aucun critère trouvé dans le DAO." : "Critères : \(CaseReport.noAnalysis).")
        }
        let rows = report.criteria.enumerated().map { index, criterion in
            [WordML.Cell("\(index + 1)"), WordML.Cell(criterion.label), WordML.Cell(criterion.category),
             WordML.Cell(criterion.points.map(ReportFormat.number) ?? "—"),
             WordML.Cell(criterion.eliminatory ? "oui" : "non")]
        }
        return heading + WordML.table(widths: [6, 45, 21, 11, 17], header: ["N°", "Critère", "Catégorie", "Points", "Éliminatoire"], rows: rows)
    }

    private var factsSection: String {
        var xml = WordML.heading("Faits relevés par fournisseur")
        guard report.isAnalysed else { return xml + WordML.paragraph("Offres : \(CaseReport.noAnalysis).") }
        guard !report.suppliers.isEmpty else { return xml + WordML.paragraph("Aucune offre analysée.") }
        for (index, supplier) in report.suppliers.enumerated() {
            xml += WordML.heading(supplier.name.display, level: 2)
            let rows = report.supplierFacts.map { row in
                let cell = row.cells[index]
                return [WordML.Cell(row.label, bold: true), self.cell(cell), WordML.Cell(cell.source ?? "", style: "SourceText")]
            }
            xml += WordML.table(widths: [25, 29, 46], header: ["Élément", "Valeur", "Source"], rows: rows)
        }
        for warning in report.warnings { xml += WordML.paragraph("Avertissement de l'analyse : \(warning)") }
        return xml
    }

    private var decisionSection: String {
        let heading = WordML.heading("Décision du comité")
        guard let decision = report.decision else { return heading + WordML.paragraph(Self.pendingDecision, bold: true) }
        let rows: [(String, String)] = [
            ("Fournisseur choisi par le comité", decision.chosenSupplier), ("Motif", decision.decisionReason),
            ("Prochaine action", decision.nextAction ?? "—"), ("Décidée le", ReportFormat.date(decision.decidedAt)),
            ("Par", decision.decidedBy),
        ]
        return heading + WordML.table(widths: [32, 68], header: ["Élément", "Décision"],
                                      rows: rows.map { [WordML.Cell($0.0, bold: true), WordML.Cell($0.1)] })
    }

    private var documentsSection: String {
        let heading = WordML.heading("Documents du dossier")
        guard !report.documents.isEmpty else { return heading + WordML.paragraph("Aucun document déposé.") }
        let rows = report.documents.map {
            [WordML.Cell($0.filename), WordML.Cell($0.kind), WordML.Cell($0.sha256, style: "SourceText"), WordML.Cell($0.uploaded)]
        }
        return heading + WordML.table(widths: [30, 9, 37, 24], header: ["Fichier", "Type", "SHA-256", "Déposé"], rows: rows)
    }

    private func cell(_ cell: ReportCell) -> WordML.Cell {
        WordML.Cell(cell.display, tone: cell.tone)
    }
}
