import Foundation

/// Everything the CBA and the PV print about a case, decided once so both documents say the same
/// thing. Suppliers are columns in the analysis' alphabetical order; nothing here ranks, scores,
/// totals or singles out a supplier (SPEC invariant 1).
public struct CaseReport: Sendable, Hashable {
    /// A supplier column: its name as read (or `REVUE MANUELLE`) and the files of its offer.
    public struct Supplier: Sendable, Hashable {
        public let name: ReportCell
        public let documents: [String]
    }

    public struct DocumentLine: Sendable, Hashable {
        public let filename: String
        public let kind: String
        public let size: Int
        public let sha256: String
        public let uploaded: String
    }

    public struct CriterionLine: Sendable, Hashable {
        public let label: String
        public let category: String
        public let points: Double?
        public let weightPercent: Double?
        public let eliminatory: Bool
        public let source: String
    }

    /// Printed where an analysis is needed and none was run.
    public static let noAnalysis = "aucune analyse : lancez l'analyse du dossier pour remplir cette partie"
    /// A workbook with more columns would not be readable on screen or paper.
    public static let maxWorkbookSuppliers = 50

    public let caseID: UUID
    public let title: String
    public let caseType: String
    public let lot: String?
    public let status: String
    public let generatedAt: String
    /// The same instant for document metadata (`2026-11-25T17:36:34Z`).
    public let generatedAtISO8601: String
    /// The same instant in seconds since 1970, for the files' own dates.
    public let generatedAtEpoch: Int
    /// The case's committee as the PVs list it (empty when the case has none).
    public internal(set) var committee: [CommitteeLine] = []
    /// `n° 12 : <hash> (scellé le …)`: the memory's latest checkpoint when rendered.
    public internal(set) var checkpoint: String = CaseReport.noCheckpoint
    public static let noCheckpoint = "aucun point de contrôle scellé à ce moment"

    public struct CommitteeLine: Sendable, Hashable {
        public let name: String
        public let function: String
        public let declaration: String
        public let presence: String
    }
    /// The offers' price schedules as read, each line with the market reference beside it.
    public internal(set) var priceSchedule: [PriceScheduleLine] = []
    /// What links offers of different suppliers (the CBA's `Indices` sheet): facts with their
    /// evidence, « indice, pas une preuve ».
    public internal(set) var integrity: [IntegrityLine] = []

    public struct IntegrityLine: Sendable, Hashable {
        /// `propriétés des fichiers`, `coordonnées identiques`…
        public let kind: String
        /// The two suppliers, alphabetical: `Ets Diallo — Koné SA`.
        public let suppliers: String
        public let note: String
        /// One line per piece of evidence: file, supplier, place, text.
        public let evidence: [String]
    }

    /// One price line for the CBA's `Commercial` sheet. The reference is information, never a
    /// verdict: no colour says cheaper or dearer.
    public struct PriceScheduleLine: Sendable, Hashable {
        public let supplier: String
        public let designation: String
        public let unit: String
        public let quantity: Double?
        public let unitPrice: Double?
        public let lineTotal: Double?
        public let currency: String
        /// « quantité × prix unitaire ≠ montant » or « incomplet »; empty when the figures agree.
        public let check: String
        /// How sure the reading is (green, amber).
        public let tone: CellTone
        public let item: String
        public let reference: String
        public let source: String
    }

    /// The hash of the case's last event: a printed copy proves which state it came from.
    public let headHash: String
    /// `réalisée le … par …`, or nil when the case was never analysed.
    public let analysis: String?
    public let warnings: [String]
    public let documents: [DocumentLine]
    public let suppliers: [Supplier]
    public let criteria: [CriterionLine]
    public let essentials: [ReportRow]
    public let technical: [ReportRow]
    public let commercial: [ReportRow]
    /// The facts the PV lists under each supplier (same rows as the sheets, fewer of them).
    public let supplierFacts: [ReportRow]
    /// The amounts as read, and HT/TTC, for the opening PV.
    public let amountRow: ReportRow
    public let taxRow: ReportRow
    public let decision: Decision?
    /// Templates deposited in the case (names): DMS writes its standard layout and says so.
    public let cbaTemplates: [String]
    public let pvTemplates: [String]

    /// Short id used in file names: `CBA-3025b48f.xlsx`.
    public var shortID: String { String(self.caseID.uuidString.lowercased().prefix(8)) }

    public var isAnalysed: Bool { self.analysis != nil }

    /// The CBA puts suppliers in columns; past the limit it refuses rather than print nonsense.
    public func checkWorkbookLimits() throws(ReportError) {
        guard self.suppliers.count <= Self.maxWorkbookSuppliers else {
            throw .tooManySuppliers(count: self.suppliers.count, limit: Self.maxWorkbookSuppliers)
        }
    }
}

public enum ReportError: Error, Sendable, Hashable {
    case tooManySuppliers(count: Int, limit: Int)
    /// No issued report has this id.
    case notFound(UUID)
    /// The case changed while the report was being issued.
    case stale
    /// The office library refused to write the file (a bug, not bad input).
    case writeFailed(String)
}
