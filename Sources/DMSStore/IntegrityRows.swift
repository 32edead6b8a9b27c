import DMSCore
import Foundation

/// A link between two offers as `analysis_runs.integrity` and `integrity_links` hold it.
struct IntegrityLinkRow: Codable {
    struct EvidenceRow: Codable {
        let document_id: UUID
        let sha256: String
        let filename: String
        let supplier_key: String
        let location: String
        let snippet: String
    }

    let position: Int
    let kind: String
    let subject: String
    let supplier_a: String
    let supplier_b: String
    let name_a: String
    let name_b: String
    let value: String
    let note: String
    let evidence: [EvidenceRow]

    init(position: Int, _ link: IntegrityLink) {
        self.position = position
        self.kind = link.kind.rawValue
        self.subject = String(link.subject.prefix(40))
        self.supplier_a = link.suppliers[0].key
        self.supplier_b = link.suppliers[1].key
        self.name_a = String(link.suppliers[0].name.prefix(1000))
        self.name_b = String(link.suppliers[1].name.prefix(1000))
        self.value = String(link.value.prefix(2000))
        self.note = String(link.note.prefix(4000))
        self.evidence = link.evidence.map {
            EvidenceRow(document_id: $0.documentID, sha256: $0.sha256, filename: $0.filename, supplier_key: $0.supplierKey,
                        location: $0.location, snippet: $0.snippet)
        }
    }

    func link() throws -> IntegrityLink {
        guard let kind = IntegrityLink.Kind(rawValue: self.kind) else { throw DatabaseError.unexpected("unknown link kind \(self.kind)") }
        return IntegrityLink(
            kind: kind, subject: self.subject,
            suppliers: [.init(key: self.supplier_a, name: self.name_a), .init(key: self.supplier_b, name: self.name_b)], value: self.value,
            evidence: self.evidence.map {
                IntegrityLink.Evidence(documentID: $0.document_id, sha256: $0.sha256, filename: $0.filename, supplierKey: $0.supplier_key,
                                       location: $0.location, snippet: $0.snippet)
            },
            note: self.note)
    }
}
