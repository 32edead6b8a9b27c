import Foundation

/// The parts an offer document can hold.
public enum OfferPart: String, Sendable, Hashable, CaseIterable, Comparable {
    case administrative = "ADMINISTRATIVE"
    case technical = "TECHNICAL"
    case financial = "FINANCIAL"

    public static func < (lhs: OfferPart, rhs: OfferPart) -> Bool {
        Self.allCases.firstIndex(of: lhs)! < Self.allCases.firstIndex(of: rhs)!
    }
}

/// What one offer document says, field by field, each with its source.
public struct OfferFacts: Sendable, Hashable {
    public var supplier: Extracted<String>
    public var totalAmount: Extracted<Money>
    public var deliveryDays: Extracted<Int>
    public var validityDays: Extracted<Int>
    public var parts: Set<OfferPart>
    public var documentIDs: [UUID]

    public init(supplier: Extracted<String> = .missing, totalAmount: Extracted<Money> = .missing, deliveryDays: Extracted<Int> = .missing,
                validityDays: Extracted<Int> = .missing, parts: Set<OfferPart> = [], documentIDs: [UUID] = []) {
        self.supplier = supplier
        self.totalAmount = totalAmount
        self.deliveryDays = deliveryDays
        self.validityDays = validityDays
        self.parts = parts
        self.documentIDs = documentIDs
    }
}

/// Reads an offer's facts from its text. Nothing comes from the file name; what no label or
/// safe inference gives stays missing (`REVUE MANUELLE`); `high` only for a value read after an
/// explicit label of that field and consistent with the rest of the document (see the rules).
public enum OfferExtractor {
    static let partMarkers: [(OfferPart, [String])] = [
        (.administrative, ["pieces administratives", "offre administrative", "dossier administratif", "registre de commerce", "attestation fiscale", "cnss", "quitus fiscal"]),
        (.technical, ["offre technique", "proposition technique", "specifications techniques", "note methodologique", "fiche technique", "caracteristiques techniques"]),
        (.financial, ["offre financiere", "bordereau des prix", "montant total", "prix total", "total general", "devis quantitatif", "montant de l'offre"]),
    ]

    /// Text read by OCR gives every value `low`, whatever its label: a misread digit looks as
    /// sure as a right one. Its labels are read through `OCRRepair` (« TIC » for « TTC »…).
    public static func extract(_ document: DocumentText) -> OfferFacts {
        let ocr = document.source == .ocr
        let lines = document.lines.map { OfferLine($0, ocr: ocr) }
        var facts = OfferFacts(documentIDs: [document.documentID])
        facts.supplier = SupplierRule.read(document, lines)
        facts.totalAmount = TotalAmountRule.read(document, lines)
        facts.deliveryDays = DurationRule.read(.delivery, document, lines)
        facts.validityDays = DurationRule.read(.validity, document, lines)
        if ocr {
            facts.supplier = facts.supplier.lowered
            facts.totalAmount = facts.totalAmount.lowered
            facts.deliveryDays = facts.deliveryDays.lowered
            facts.validityDays = facts.validityDays.lowered
        }
        for line in lines {
            for (part, markers) in Self.partMarkers where markers.contains(where: line.folded.contains) {
                facts.parts.insert(part)
            }
        }
        return facts
    }
}
