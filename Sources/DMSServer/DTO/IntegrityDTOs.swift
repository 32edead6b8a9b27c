import DMSCore
import Foundation
import Hummingbird

/// `{document_id, sha256, filename, supplier_key, where, snippet}`: where a link was read.
struct IntegrityEvidenceDTO: Encodable, Sendable {
    let documentID: String
    let sha256: String
    let filename: String
    let supplierKey: String
    let location: String
    let snippet: String

    enum CodingKeys: String, CodingKey {
        case sha256, filename, snippet
        case documentID = "document_id"
        case supplierKey = "supplier_key"
        case location = "where"
    }

    init(_ evidence: IntegrityLink.Evidence) {
        self.documentID = evidence.documentID.uuidString.lowercased()
        self.sha256 = evidence.sha256
        self.filename = evidence.filename
        self.supplierKey = evidence.supplierKey
        self.location = evidence.location
        self.snippet = evidence.snippet
    }
}

/// `{kind, subject, suppliers: [a, b], supplier_keys, value, evidence, note}`: suppliers by name,
/// alphabetically (the order of the pair, never a ranking).
struct IntegrityLinkDTO: Encodable, Sendable {
    let link: IntegrityLink

    init(_ link: IntegrityLink) { self.link = link }

    enum CodingKeys: String, CodingKey {
        case kind, subject, suppliers, value, evidence, note
        case supplierKeys = "supplier_keys"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try self.encodeFields(into: &container)
    }

    func encodeFields<Key: CodingKey>(into container: inout KeyedEncodingContainer<Key>) throws {
        func key(_ name: CodingKeys) -> Key { Key(stringValue: name.stringValue)! }
        try container.encode(self.link.kind.rawValue, forKey: key(.kind))
        try container.encode(self.link.subject, forKey: key(.subject))
        try container.encode(self.link.suppliers.map(\.name), forKey: key(.suppliers))
        try container.encode(self.link.suppliers.map(\.key), forKey: key(.supplierKeys))
        try container.encode(self.link.value, forKey: key(.value))
        try container.encode(self.link.evidence.map(IntegrityEvidenceDTO.init), forKey: key(.evidence))
        try container.encode(self.link.note, forKey: key(.note))
    }
}

/// `GET /api/cases/{id}/integrity`: the current analysis's links and the legend that goes with them.
struct CaseIntegrityDTO: ResponseEncodable, Sendable {
    let links: [IntegrityLinkDTO]
    let legend = IntegrityLink.legend

    init(_ links: [IntegrityLink]) { self.links = links.map(IntegrityLinkDTO.init) }

    enum CodingKeys: String, CodingKey { case links, legend }
}

/// One link of a supplier in some case: the case, the run, then the link's own fields.
struct SupplierLinkDTO: Encodable, Sendable {
    let record: SupplierLinkRecord

    struct AnyKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        try container.encode(self.record.caseID.uuidString.lowercased(), forKey: AnyKey(stringValue: "case_id")!)
        try container.encode(self.record.caseTitle, forKey: AnyKey(stringValue: "case_title")!)
        try container.encode(self.record.run, forKey: AnyKey(stringValue: "run")!)
        try container.encode(self.record.runAt.iso8601, forKey: AnyKey(stringValue: "run_at")!)
        try IntegrityLinkDTO(self.record.link).encodeFields(into: &container)
    }
}

/// `GET /api/suppliers/{key}/links`: `{items, next_cursor, legend}`.
struct SupplierLinksPageDTO: ResponseEncodable, Sendable {
    let items: [SupplierLinkDTO]
    let nextCursor: String?
    let legend = IntegrityLink.legend

    enum CodingKeys: String, CodingKey {
        case items, legend
        case nextCursor = "next_cursor"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.items, forKey: .items)
        try container.encode(self.nextCursor, forKey: .nextCursor)
        try container.encode(self.legend, forKey: .legend)
    }
}
