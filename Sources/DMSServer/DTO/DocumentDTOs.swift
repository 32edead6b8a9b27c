import DMSCore
import Hummingbird

/// A stored document's description, ids in lowercase as every answer renders them.
struct DocumentDTO: ResponseEncodable, Sendable {
    let id: String
    let caseID: String
    let kind: String
    let filename: String
    let mediaType: String
    let size: Int
    let sha256: String
    let uploadedBy: String
    let uploadedAt: String
    /// Received after the case's deadline: « hors délai ».
    let late: Bool

    enum CodingKeys: String, CodingKey {
        case id, kind, filename, size, sha256, late
        case caseID = "case_id"
        case mediaType = "media_type"
        case uploadedBy = "uploaded_by"
        case uploadedAt = "uploaded_at"
    }

    init(_ document: Document) {
        self.id = document.id.uuidString.lowercased()
        self.caseID = document.caseID.uuidString.lowercased()
        self.kind = document.kind.rawValue
        self.filename = document.filename
        self.mediaType = document.mediaType.rawValue
        self.size = document.size
        self.sha256 = document.sha256
        self.uploadedBy = document.uploadedBy
        self.uploadedAt = document.uploadedAt.iso8601
        self.late = document.late
    }
}

struct DocumentListDTO: ResponseEncodable, Sendable {
    let documents: [DocumentDTO]
}

/// One event of a case's memory, with its place in the chain.
struct EventDTO: Encodable, Sendable {
    let seq: Int
    let type: String
    let actor: String
    let at: String
    let prevHash: String
    let hash: String
    let payload: JSONValue

    enum CodingKeys: String, CodingKey {
        case seq, type, actor, at, payload, hash
        case prevHash = "prev_hash"
    }

    init(_ event: Event) {
        self.seq = event.seq
        self.type = event.type
        self.actor = event.actor
        self.at = event.at.iso8601
        self.prevHash = event.prevHash
        self.hash = event.hash
        self.payload = event.payload
    }
}
