import Foundation

/// A fact that links the files of two offers from different suppliers — the same author, a
/// paragraph copied outside the DAO, one phone number, near-equal totals, another supplier's name —
/// each with the documents and places it was read from. Information for the committee and the
/// auditor, never a score: an « indice, pas une preuve » that the committee weighs.
public struct IntegrityLink: Sendable, Hashable {
    /// Said under every list of links, on the page, in the API and in the CBA.
    public static let legend = "indice, pas une preuve ; le comité apprécie"

    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The same author, last editor, company, template or PDF tool, or creation times minutes apart.
        case sameMetadata = "same_metadata"
        /// The same phone number, e-mail, bank account, tax or registry number.
        case sharedContact = "shared_contact"
        /// Identical or near-identical passages that the DAO does not contain.
        case sharedText = "shared_text"
        /// The same unit price on many lines, or totals within 1 %.
        case similarPrices = "similar_prices"
        /// A file of one offer that contains another supplier's name.
        case namesOtherSupplier = "names_other_supplier"

        /// In words, for the page and the CBA.
        public var label: String {
            switch self {
            case .sameMetadata: "propriétés des fichiers"
            case .sharedContact: "coordonnées identiques"
            case .sharedText: "texte commun hors DAO"
            case .similarPrices: "prix"
            case .namesOtherSupplier: "nom d'un autre soumissionnaire"
            }
        }
    }

    /// A supplier of the case: its key (the analysis' grouping) and its name as read.
    public struct Party: Sendable, Hashable {
        public let key: String
        public let name: String

        public init(key: String, name: String) {
            self.key = key
            self.name = name
        }
    }

    /// Where the fact was read: the document (id, SHA-256, file name), its supplier, the place in
    /// it (`§12`, `page 3`, `métadonnées : auteur (docProps/core.xml, dc:creator)`) and the text.
    public struct Evidence: Sendable, Hashable {
        public let documentID: UUID
        public let sha256: String
        public let filename: String
        public let supplierKey: String
        public let location: String
        public let snippet: String

        public init(documentID: UUID, sha256: String, filename: String, supplierKey: String, location: String, snippet: String) {
            self.documentID = documentID
            self.sha256 = sha256
            self.filename = filename
            self.supplierKey = supplierKey
            self.location = location
            self.snippet = String(snippet.trimmingWhitespace().prefix(400))
        }
    }

    public let kind: Kind
    /// What exactly is shared: `author`, `phone`, `passage`, `unit_prices`, `total_amount`, `name`…
    public let subject: String
    /// Two suppliers, in alphabetical order of their names (never in any other order).
    public let suppliers: [Party]
    /// The shared value as shown (`+223 76 12 34 56`, `K. Traoré`), or a short summary.
    public let value: String
    public let evidence: [Evidence]
    /// One neutral French sentence: « Les offres de A et B ont le même auteur de document : “K. Traoré” ».
    public let note: String

    /// `« offre_b.docx » (Ets Diallo), §12 : « … »` for each piece of evidence.
    public func evidenceLines(names: [String: String]) -> [String] {
        self.evidence.map { item in
            let who = names[item.supplierKey].map { " (\($0))" } ?? ""
            return "« \(item.filename) »\(who), \(item.location) : « \(item.snippet) »"
        }
    }

    public init(kind: Kind, subject: String, suppliers: [Party], value: String, evidence: [Evidence], note: String) {
        self.kind = kind
        self.subject = subject
        self.suppliers = suppliers
        self.value = value
        self.evidence = evidence
        self.note = note
    }
}

/// A link as another case shows it: the case, the run that found it, and the link.
public struct SupplierLinkRecord: Sendable, Hashable {
    /// Keyset position (newest first); opaque to clients.
    public let id: Int64
    public let caseID: UUID
    public let caseTitle: String
    public let run: Int
    public let runAt: Timestamp
    public let link: IntegrityLink

    public init(id: Int64, caseID: UUID, caseTitle: String, run: Int, runAt: Timestamp, link: IntegrityLink) {
        self.id = id
        self.caseID = caseID
        self.caseTitle = caseTitle
        self.run = run
        self.runAt = runAt
        self.link = link
    }
}
