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

/// The current analysis of a case.
public struct CaseAnalysis: Sendable, Hashable {
    public let runAt: Timestamp
    public let runBy: String
    public let inputs: [AnalysisInput]
    public let warnings: [String]
    public let criteria: [Criterion]
    /// Alphabetical by supplier name; never ranked.
    public let offers: [StoredOffer]

    public init(runAt: Timestamp, runBy: String, inputs: [AnalysisInput], warnings: [String], criteria: [Criterion], offers: [StoredOffer]) {
        self.runAt = runAt
        self.runBy = runBy
        self.inputs = inputs
        self.warnings = warnings
        self.criteria = criteria
        self.offers = offers
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

    public init(inputs: [AnalysisInput], criteria: [Criterion], offers: [SupplierOffer], warnings: [String], texts: [UUID: String] = [:]) {
        self.inputs = inputs
        self.criteria = criteria
        self.offers = offers
        self.warnings = warnings
        self.texts = texts
    }

    /// Pure: the criteria of every DAO document and the merged offers of every offer document.
    public static func analyze(dao: [DocumentText], offers: [DocumentText], inputs: [AnalysisInput]) -> AnalysisResult {
        var warnings: [String] = []
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
        var texts: [UUID: String] = [:]
        for text in dao + offers where !text.isEmpty {
            texts[text.documentID] = String(text.lines.map(\.text).joined(separator: "\n").prefix(200_000))
        }
        return AnalysisResult(inputs: inputs, criteria: criteria, offers: merged, warnings: warnings, texts: texts)
    }
}

public enum AnalysisError: Error, Sendable, Hashable {
    case unknownSupplier(String)
    case fieldAlreadyExtracted(OfferField)
    case noAnalysis
}
