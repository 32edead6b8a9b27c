import DMSCore
import Foundation

/// The JSON that queries build with `json_agg` is the store's own format: these rows read it.
/// Neither the API's JSON nor the hashed payloads depend on them.
struct EventRow: Decodable {
    let seq: Int
    let type: String
    let actor: String
    let at: String
    let prev_hash: String
    let hash: String
    let payload: JSONValue

    var event: Event {
        Event(seq: self.seq, type: self.type, actor: self.actor, at: Timestamp(iso8601: self.at), prevHash: self.prev_hash, hash: self.hash, payload: self.payload)
    }

    static func decodeList(_ json: String) throws -> [Event] {
        try JSONDecoder().decode([EventRow].self, from: Data(json.utf8)).map(\.event)
    }
}

struct DocumentRow: Decodable {
    let id: UUID
    let case_id: UUID
    let kind: String
    let filename: String
    let media_type: String
    let size: Int
    let sha256: String
    let uploaded_by: String
    let uploaded_at: String
    let late: Bool?

    func document() throws -> Document {
        guard let kind = DocumentKind(rawValue: self.kind), let media = MediaType(rawValue: self.media_type) else {
            throw DatabaseError.unexpected("unknown kind/media type in document \(self.id)")
        }
        return Document(id: self.id, caseID: self.case_id, kind: kind, filename: self.filename, mediaType: media, size: self.size,
                        sha256: self.sha256, uploadedBy: self.uploaded_by, uploadedAt: Timestamp(iso8601: self.uploaded_at),
                        late: self.late ?? false)
    }

    static func decodeList(_ json: String) throws -> [Document] {
        try JSONDecoder().decode([DocumentRow].self, from: Data(json.utf8)).map { try $0.document() }
    }
}

/// An amount as `offer_fields.value` holds it: `{"amount": 12500000, "currency": "XOF", "tax": "TTC"}`.
struct MoneyRow: Codable {
    let amount: Decimal
    let currency: String
    let tax: String?

    init(_ money: Money) {
        self.amount = money.amount
        self.currency = money.currency
        self.tax = money.tax?.rawValue
    }

    var money: Money { Money(amount: self.amount, currency: self.currency, tax: self.tax.flatMap(Money.Tax.init)) }

    /// Absent tax is stored as an absent key, as v0.1.0 did.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.amount, forKey: .amount)
        try container.encode(self.currency, forKey: .currency)
        try container.encodeIfPresent(self.tax, forKey: .tax)
    }
}

/// One document an analysis read, as `analyses.inputs` holds it.
struct AnalysisInputRow: Codable {
    let document_id: String
    let kind: String
    let filename: String
    let sha256: String

    init(_ input: AnalysisInput) {
        self.document_id = input.documentID.uuidString.lowercased()
        self.kind = input.kind.rawValue
        self.filename = input.filename
        self.sha256 = input.sha256
    }

    func input() throws -> AnalysisInput {
        guard let id = UUID(uuidString: self.document_id), let kind = DocumentKind(rawValue: self.kind) else {
            throw DatabaseError.unexpected("bad analysis input \(self.document_id)")
        }
        return AnalysisInput(documentID: id, kind: kind, filename: self.filename, sha256: self.sha256)
    }
}

/// A sealed offer's receipt as the case detail's JSON lists it.
struct SealedOfferRow: Decodable {
    let id: UUID
    let received_at: String
    let size: Int
    let sealed_sha256: String
    let late: Bool
    let document_id: UUID?

    static func decodeList(_ json: String) throws -> [SealedOffer] {
        try JSONDecoder().decode([SealedOfferRow].self, from: Data(json.utf8)).map {
            SealedOffer(id: $0.id, receivedAt: Timestamp(iso8601: $0.received_at), size: $0.size, sealedSHA256: $0.sealed_sha256,
                        late: $0.late, documentID: $0.document_id)
        }
    }
}
