import DMSCore
import Foundation

/// `Synthèse`: the case, the generation, the suppliers, every document with its SHA-256, the
/// memory head, and the colour legend.
struct SummarySheet {
    let report: CaseReport
    let page: PageText

    func write(in book: XLSXWorkbook) throws(ReportError) {
        let sheet = try book.addSheet("Synthèse")
        var row = 0
        try sheet.text(row, 0, "Tableau comparatif des offres (CBA)", .title)
        row += 2
        let facts: [(String, String)] = [
            ("Dossier", report.title), ("Identifiant", report.caseID.uuidString.lowercased()), ("Type", report.caseType),
            ("Lot", report.lot ?? "—"), ("Statut", report.status), ("État du dossier au", report.generatedAt),
            ("Empreinte de la mémoire (dernier événement du dossier)", report.headHash),
            ("Dernier point de contrôle de la mémoire", report.checkpoint),
            ("Analyse", report.analysis ?? CaseReport.noAnalysis),
        ]
        for (label, value) in facts {
            try sheet.text(row, 0, label, .label)
            try sheet.text(row, 1, value, .body)
            row += 1
        }
        for template in report.cbaTemplates {
            try sheet.text(row, 0, "Modèle de CBA fourni", .label)
            try sheet.text(row, 1, "modèle fourni non utilisé : « \(template) » (présentation standard de DMS)", .body)
            row += 1
        }
        for warning in report.warnings {
            try sheet.text(row, 0, "Avertissement de l'analyse", .label)
            try sheet.text(row, 1, warning, .body, tone: .low)
            row += 1
        }

        row += 1
        try sheet.text(row, 0, "Fournisseurs (ordre alphabétique)", .section)
        row += 1
        if report.suppliers.isEmpty {
            try sheet.text(row, 0, report.isAnalysed ? "aucune offre analysée" : CaseReport.noAnalysis, .body)
            row += 1
        }
        for supplier in report.suppliers {
            try sheet.text(row, 0, supplier.name.display, .body, tone: supplier.name.tone)
            try sheet.text(row, 1, supplier.documents.joined(separator: "\n"), .body)
            row += 1
        }

        row += 1
        try sheet.text(row, 0, "Documents du dossier", .section)
        row += 1
        for (column, title) in ["Fichier", "SHA-256", "Type", "Taille (octets)", "Déposé"].enumerated() {
            try sheet.text(row, column, title, .header)
        }
        row += 1
        if report.documents.isEmpty {
            try sheet.text(row, 0, "aucun document déposé", .body)
            row += 1
        }
        for document in report.documents {
            try sheet.text(row, 0, document.filename, .body)
            try sheet.text(row, 1, document.sha256, .body)
            try sheet.text(row, 2, document.kind, .body)
            try sheet.number(row, 3, Double(document.size), .body, format: "#,##0")
            try sheet.text(row, 4, document.uploaded, .body)
            row += 1
        }

        row += 1
        try sheet.text(row, 0, "Légende des couleurs", .section)
        row += 1
        let names: [CellTone: String] = [.high: "Vert", .low: "Ambre", .manualReview: "REVUE MANUELLE", .corrected: "Bleu", .neutral: "Sans couleur"]
        for tone in CellTone.allCases {
            try sheet.text(row, 0, names[tone] ?? "", .legend, tone: tone)
            try sheet.text(row, 1, tone.legend, .body)
            row += 1
        }
        row += 1
        try sheet.text(row, 0, "Principe", .label)
        try sheet.text(row, 1, "Ce tableau présente les faits lus dans les offres, côte à côte, fournisseurs par ordre alphabétique. "
            + "Il ne note ni n'ordonne les offres : la décision appartient au comité.", .body)

        try sheet.fit(maximum: 50, overrides: [0: 36, 1: 68])
        sheet.freeze(rows: 1, columns: 0)
        try sheet.pageSetup(repeatRows: 0...0, repeatFirstColumn: false, header: page.header, footer: page.footer)
    }
}

/// `Critères`: the DAO's criteria as the DAO states them, with their source.
struct CriteriaSheet {
    let report: CaseReport
    let page: PageText

    func write(in book: XLSXWorkbook) throws(ReportError) {
        let sheet = try book.addSheet("Critères")
        try sheet.text(0, 0, "Critères du dossier d'appel d'offres — \(report.title)", .title)
        for (column, title) in ["N°", "Critère", "Catégorie", "Points", "Pondération (%)", "Éliminatoire", "Source"].enumerated() {
            try sheet.text(1, column, title, .header)
        }
        var row = 2
        if report.criteria.isEmpty {
            try sheet.text(row, 1, report.isAnalysed ? "aucun critère trouvé dans le DAO" : CaseReport.noAnalysis, .body)
        }
        for (index, criterion) in report.criteria.enumerated() {
            try sheet.number(row, 0, Double(index + 1), .body, format: "0")
            try sheet.text(row, 1, criterion.label, .body)
            try sheet.text(row, 2, criterion.category, .body)
            if let points = criterion.points {
                try sheet.number(row, 3, points, .body, format: "General")
            } else {
                try sheet.blank(row, 3, .body)
            }
            if let weight = criterion.weightPercent {
                try sheet.number(row, 4, weight, .body, format: "General")
            } else {
                try sheet.blank(row, 4, .body)
            }
            try sheet.text(row, 5, criterion.eliminatory ? "oui" : "non", .body)
            try sheet.text(row, 6, criterion.source, .source)
            row += 1
        }
        try sheet.fit(minimum: 6, maximum: 60, overrides: [0: 5, 3: 9, 4: 19, 5: 15])
        sheet.freeze(rows: 2, columns: 2)
        try sheet.pageSetup(repeatRows: 0...1, repeatFirstColumn: false, header: page.header, footer: page.footer)
    }
}

/// `Essentiels`, `Technique`, `Commercial`: a label column, then one column per supplier.
struct ComparisonSheet {
    static let suppliersPerPage = 6

    let name: String
    let rows: [ReportRow]
    let report: CaseReport
    let page: PageText
    /// Printed under the comparison on the `Commercial` sheet.
    var priceSchedule: [CaseReport.PriceScheduleLine] = []

    func write(in book: XLSXWorkbook) throws(ReportError) {
        let sheet = try book.addSheet(self.name)
        try sheet.text(0, 0, "\(self.name) — \(report.title)", .title)
        try sheet.text(1, 0, "Élément", .header)
        for (index, supplier) in report.suppliers.enumerated() {
            try sheet.text(1, index + 1, supplier.name.display, .header, tone: supplier.name.tone)
        }
        if report.suppliers.isEmpty {
            try sheet.text(2, 0, report.isAnalysed ? "aucune offre analysée" : CaseReport.noAnalysis, .body)
        } else {
            for (offset, row) in self.rows.enumerated() {
                try self.write(row, at: offset + 2, on: sheet)
            }
        }
        if !self.priceSchedule.isEmpty {
            try PriceScheduleBlock(lines: self.priceSchedule).write(at: self.rows.count + 4, on: sheet)
        }
        try sheet.fit(minimum: 14, maximum: 40, overrides: [0: 46])
        sheet.freeze(rows: 2, columns: 1)
        // Fitting 50 suppliers on one page width would print them unreadably small: past
        // `suppliersPerPage`, the sheet spans more pages across, the label column repeated on each.
        let pagesWide = max(1, (report.suppliers.count + Self.suppliersPerPage - 1) / Self.suppliersPerPage)
        try sheet.pageSetup(pagesWide: pagesWide, repeatRows: 0...1, repeatFirstColumn: true, header: page.header, footer: page.footer)
    }

    private func write(_ row: ReportRow, at index: Int, on sheet: XLSXSheet) throws(ReportError) {
        switch row.kind {
        case .section:
            try sheet.text(index, 0, row.label, .section)
            for column in row.cells.indices { try sheet.blank(index, column + 1, .section) }
            return
        case .source, .fact, .criterion:
            try sheet.text(index, 0, row.label, .label)
        }
        let role: XLSXWorkbook.Role = row.kind == .source ? .source : .body
        for (offset, cell) in row.cells.enumerated() {
            let column = offset + 1
            switch cell.value {
            case .amount(let amount, let currency):
                try sheet.number(index, column, amount, role, tone: cell.tone, format: CBAWriter.numberFormat(currency: currency))
            case .number(let number):
                try sheet.number(index, column, number, role, tone: cell.tone, format: "0")
            case .text, .manualReview, .empty:
                try sheet.text(index, column, cell.display, role, tone: cell.tone)
            }
        }
    }
}

/// The offers' price lines as read, each with the validated market reference for its item in
/// the case's région beside it (« référence marché : … » or « pas de référence »). Information
/// for the committee: nothing is coloured as cheaper or dearer; tones say only how sure the
/// reading is.
struct PriceScheduleBlock {
    static let headers = ["Fournisseur", "Désignation", "Unité", "Quantité", "Prix unitaire", "Montant", "Contrôle", "Article du catalogue",
                          "Référence marché (relevés validés, information)", "Source"]

    let lines: [CaseReport.PriceScheduleLine]

    func write(at top: Int, on sheet: XLSXSheet) throws(ReportError) {
        try sheet.text(top, 0, "Bordereaux des prix — lignes lues dans les offres, avec la référence du marché (information, pas une note)", .section)
        for column in 1..<Self.headers.count { try sheet.blank(top, column, .section) }
        for (column, header) in Self.headers.enumerated() { try sheet.text(top + 1, column, header, .header) }
        for (offset, line) in self.lines.enumerated() {
            let row = top + 2 + offset
            try sheet.text(row, 0, line.supplier, .label)
            try sheet.text(row, 1, line.designation, .body, tone: line.tone)
            try sheet.text(row, 2, line.unit, .body)
            let format = CBAWriter.numberFormat(currency: line.currency)
            for (column, value, numberFormat) in [(3, line.quantity, "#,##0.###"), (4, line.unitPrice, format), (5, line.lineTotal, format)] {
                if let value {
                    try sheet.number(row, column, value, .body, tone: line.tone, format: numberFormat)
                } else {
                    try sheet.text(row, column, "—", .body, tone: line.tone)
                }
            }
            try sheet.text(row, 6, line.check, .body)
            try sheet.text(row, 7, line.item, .body)
            try sheet.text(row, 8, line.reference, .body)
            try sheet.text(row, 9, line.source, .source)
        }
    }
}

/// `Indices`: what links offers of different suppliers (the same author, a shared phone, a
/// passage copied outside the DAO…), each with its evidence. Facts for the committee, in the
/// analysis' order (by kind, then suppliers alphabetically): no colour, no count per supplier,
/// nothing that weighs one offer against another.
struct IntegritySheet {
    static let name = "Indices"

    let report: CaseReport
    let page: PageText

    func write(in book: XLSXWorkbook) throws(ReportError) {
        let sheet = try book.addSheet(Self.name)
        try sheet.text(0, 0, "Indices entre offres — \(report.title)", .title)
        try sheet.text(1, 0, "Légende", .label)
        try sheet.text(1, 1, IntegrityLink.legend, .body)
        try sheet.text(2, 0, "Principe", .label)
        try sheet.text(2, 1, "Faits relevés dans les fichiers des offres de fournisseurs différents (propriétés des fichiers, coordonnées, "
            + "texte commun absent du DAO, prix, noms), chacun avec ses sources. Ils ne modifient ni les valeurs des offres, ni leur ordre, "
            + "ni la décision, qui appartient au comité.", .body)
        for (column, title) in ["Nature", "Fournisseurs", "Constat", "Sources (fichier, emplacement, extrait)"].enumerated() {
            try sheet.text(4, column, title, .header)
        }
        var row = 5
        if report.integrity.isEmpty {
            try sheet.text(row, 0, report.isAnalysed ? "aucun indice relevé entre les offres" : CaseReport.noAnalysis, .body)
        }
        for line in report.integrity {
            try sheet.text(row, 0, line.kind, .label)
            try sheet.text(row, 1, line.suppliers, .body)
            try sheet.text(row, 2, line.note, .body)
            try sheet.text(row, 3, line.evidence.joined(separator: "\n"), .source)
            row += 1
        }
        try sheet.fit(minimum: 14, maximum: 80, overrides: [0: 24, 1: 30, 2: 60, 3: 80])
        sheet.freeze(rows: 5, columns: 0)
        try sheet.pageSetup(repeatRows: 4...4, repeatFirstColumn: false, header: page.header, footer: page.footer)
    }
}
