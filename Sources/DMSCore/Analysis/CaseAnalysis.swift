import Foundation

/// The fields of an offer that the committee compares, as named in the API and the database.
public enum OfferField: String, Sendable, Hashable, CaseIterable {
    case supplier
    case totalAmount = "total_amount"
    case deliveryDays = "delivery_days"
    case validityDays = "validity_days"
}

/// A person's value for a field the extraction could not read, with who and why. Kept beside the
/// extracted value, never merged into it.
public struct Correction: Sendable, Hashable {
    public let field: OfferField
    public let value: JSONValue
    public let reason: String
    public let correctedBy: String
    public let correctedAt: Timestamp

    public init(field: OfferField, value: JSONValue, reason: String, correctedBy: String, correctedAt: Timestamp) {
        self.field = field
        self.value = value
        self.reason = reason
        self.correctedBy = correctedBy
        self.correctedAt = correctedAt
    }
}

/// One supplier's offer as stored: the merged facts and any corrections.
public struct StoredOffer: Sendable, Hashable {
    public let key: String
    public let facts: OfferFacts
    public let corrections: [Correction]

    public init(key: String, facts: OfferFacts, corrections: [Correction]) {
        self.key = key
        self.facts = facts
        self.corrections = corrections
    }
}

/// The current analysis of a case (the latest run, with people's corrections and criteria
/// changes applied), or one past run as the machine read it.
public struct CaseAnalysis: Sendable, Hashable {
    /// The run's number in the case (1, 2, …); every run is kept.
    public let run: Int
    public let runAt: Timestamp
    public let runBy: String
    public let inputs: [AnalysisInput]
    /// How each document was read: one unreadable file never blocks the others.
    public let documents: [DocumentReading]
    public let warnings: [String]
    public let criteria: [Criterion]
    /// Alphabetical by supplier name; never ranked.
    public let offers: [StoredOffer]

    public init(run: Int = 1, runAt: Timestamp, runBy: String, inputs: [AnalysisInput], documents: [DocumentReading] = [], warnings: [String],
                criteria: [Criterion], offers: [StoredOffer]) {
        self.run = run
        self.runAt = runAt
        self.runBy = runBy
        self.inputs = inputs
        self.documents = documents
        self.warnings = warnings
        self.criteria = criteria
        self.offers = offers
    }
}

/// How one document was read by an analysis.
public struct DocumentReading: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        /// Text was read.
        case read
        /// No text (a scan without a text layer): its fields are in REVUE MANUELLE.
        case empty
        /// The file could not be read at all (corrupt, refused by the reader): the others were analysed.
        case unreadable
    }

    public let documentID: UUID
    public let filename: String
    public let status: Status
    public let reason: String?

    public init(documentID: UUID, filename: String, status: Status, reason: String? = nil) {
        self.documentID = documentID
        self.filename = filename
        self.status = status
        self.reason = reason
    }
}

/// A document an analysis read, with the hash of the exact bytes.
public struct AnalysisInput: Sendable, Hashable {
    public let documentID: UUID
    public let kind: DocumentKind
    public let filename: String
    public let sha256: String

    public init(documentID: UUID, kind: DocumentKind, filename: String, sha256: String) {
        self.documentID = documentID
        self.kind = kind
        self.filename = filename
        self.sha256 = sha256
    }
}

/// What an analysis run produces, before it is stored.
public struct AnalysisResult: Sendable {
    public let inputs: [AnalysisInput]
    public let criteria: [Criterion]
    public let offers: [SupplierOffer]
    public let warnings: [String]
    /// Each document's text, for the memory's search.
    public let texts: [UUID: String]
    public let documents: [DocumentReading]
    /// Each offer's price lines (its price schedule as read), by supplier key, in document order.
    public let priceLines: [String: [PriceLine]]

    public init(inputs: [AnalysisInput], criteria: [Criterion], offers: [SupplierOffer], warnings: [String], texts: [UUID: String] = [:],
                documents: [DocumentReading] = [], priceLines: [String: [PriceLine]] = [:]) {
        self.inputs = inputs
        self.criteria = criteria
        self.offers = offers
        self.warnings = warnings
        self.texts = texts
        self.documents = documents
        self.priceLines = priceLines
    }

    /// The price lines with their keys and positions, supplier by supplier.
    public var keyedPriceLines: [(key: String, supplierKey: String, position: Int, line: PriceLine)] {
        var keyed: [(String, String, Int, PriceLine)] = []
        for offer in self.offers {
            var seen: [String: Int] = [:]
            for (index, line) in (self.priceLines[offer.key] ?? []).enumerated() {
                let folded = TextFolding.fold(line.designation).lowercased()
                let occurrence = seen[folded, default: 0]
                seen[folded] = occurrence + 1
                keyed.append((PriceLineKey.make(supplierKey: offer.key, designation: line.designation, occurrence: occurrence), offer.key, index + 1, line))
            }
        }
        return keyed.map { (key: $0.0, supplierKey: $0.1, position: $0.2, line: $0.3) }
    }

    /// Pure: the criteria of every DAO document and the merged offers of every offer document.
    /// `unreadable` documents (with why) are reported and left out; the others are analysed.
    public static func analyze(dao: [DocumentText], offers: [DocumentText], inputs: [AnalysisInput],
                               unreadable: [UUID: String] = [:]) -> AnalysisResult {
        var warnings: [String] = []
        for input in inputs {
            if let why = unreadable[input.documentID] { warnings.append("« \(input.filename) » : illisible (\(why)) — les autres documents ont été analysés") }
        }
        for text in dao + offers {
            let name = inputs.first { $0.documentID == text.documentID }?.filename ?? text.documentID.uuidString
            if text.isEmpty {
                warnings.append("« \(name) » : aucun texte lisible (document scanné ?) — champs en REVUE MANUELLE")
            } else if text.source == .ocr {
                warnings.append("« \(name) » : document scanné lu par OCR — valeurs en confiance basse, à vérifier")
            }
            warnings += text.warnings.map { "« \(name) » : \($0)" }
        }
        if dao.isEmpty { warnings.append("aucun dossier d'appel d'offres (DAO) déposé : pas de critères") }
        if offers.isEmpty { warnings.append("aucune offre déposée") }
        let criteria = dao.flatMap(CriteriaExtractor.extract)
        warnings += CriteriaExtractor.warnings(criteria)
        let merged = OfferMerger.merge(offers.map(OfferExtractor.extract))
        // Each offer document's price schedule, under the supplier its facts were merged into.
        var priceLines: [String: [PriceLine]] = [:]
        for text in offers where !text.isEmpty {
            guard let offer = merged.first(where: { $0.facts.documentIDs.contains(text.documentID) }) else { continue }
            let lines = PriceScheduleReader.read(text)
            if !lines.isEmpty { priceLines[offer.key, default: []] += lines }
        }
        var texts: [UUID: String] = [:]
        for text in dao + offers where !text.isEmpty {
            texts[text.documentID] = String(text.lines.map(\.text).joined(separator: "\n").prefix(200_000))
        }
        let read = Set((dao + offers).filter { !$0.isEmpty }.map(\.documentID))
        let documents = inputs.map { input in
            if let why = unreadable[input.documentID] {
                return DocumentReading(documentID: input.documentID, filename: input.filename, status: .unreadable, reason: why)
            }
            let ocr = (dao + offers).contains { $0.documentID == input.documentID && $0.source == .ocr }
            return read.contains(input.documentID)
                ? DocumentReading(documentID: input.documentID, filename: input.filename, status: .read,
                                  reason: ocr ? "document scanné lu par OCR : valeurs en confiance basse, à vérifier" : nil)
                : DocumentReading(documentID: input.documentID, filename: input.filename, status: .empty,
                                  reason: "aucun texte lisible (document scanné ?) : champs en REVUE MANUELLE")
        }
        return AnalysisResult(inputs: inputs, criteria: criteria, offers: merged, warnings: warnings, texts: texts, documents: documents,
                              priceLines: priceLines)
    }
}

public enum AnalysisError: Error, Sendable, Hashable {
    case unknownSupplier(String)
    case noAnalysis
    case unknownRun(Int)
    case unknownCriterion(UUID)
    case unknownPriceLine(String)
}

/// One past analysis run, in short.
public struct AnalysisRunSummary: Sendable, Hashable {
    public let run: Int
    public let runAt: Timestamp
    public let runBy: String
    public let inputs: [AnalysisInput]
    public let documents: [DocumentReading]
    public let warnings: [String]
    public let criteria: Int
    public let suppliers: [String]

    public init(run: Int, runAt: Timestamp, runBy: String, inputs: [AnalysisInput], documents: [DocumentReading], warnings: [String],
                criteria: Int, suppliers: [String]) {
        self.run = run
        self.runAt = runAt
        self.runBy = runBy
        self.inputs = inputs
        self.documents = documents
        self.warnings = warnings
        self.criteria = criteria
        self.suppliers = suppliers
    }
}
