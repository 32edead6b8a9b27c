import Foundation

/// What a document is for in a case.
public enum DocumentKind: String, Sendable, Codable, CaseIterable {
    case dao
    case offer
    case cbaTemplate = "cba_template"
    case pvTemplate = "pv_template"

    /// Only offers come several at a time (a supplier's technical and financial parts).
    public var allowsSeveralFiles: Bool { self == .offer }
}

/// The formats DMS reads. Decided from the bytes, never from the file name.
public enum MediaType: String, Sendable, Codable, CaseIterable {
    case pdf = "application/pdf"
    case docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    case xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    public var fileExtension: String {
        switch self {
        case .pdf: "pdf"
        case .docx: "docx"
        case .xlsx: "xlsx"
        }
    }
}

/// A stored document's description (its bytes live apart).
public struct Document: Sendable, Hashable, Codable {
    public let id: UUID
    public let caseID: UUID
    public let kind: DocumentKind
    public let filename: String
    public let mediaType: MediaType
    public let size: Int
    public let sha256: String
    public let uploadedBy: String
    public let uploadedAt: Timestamp

    enum CodingKeys: String, CodingKey {
        case id, kind, filename, size, sha256
        case caseID = "case_id"
        case mediaType = "media_type"
        case uploadedBy = "uploaded_by"
        case uploadedAt = "uploaded_at"
    }

    /// Ids in lowercase, as PostgreSQL and every other answer render them.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.id.uuidString.lowercased(), forKey: .id)
        try container.encode(self.caseID.uuidString.lowercased(), forKey: .caseID)
        try container.encode(self.kind, forKey: .kind)
        try container.encode(self.filename, forKey: .filename)
        try container.encode(self.mediaType, forKey: .mediaType)
        try container.encode(self.size, forKey: .size)
        try container.encode(self.sha256, forKey: .sha256)
        try container.encode(self.uploadedBy, forKey: .uploadedBy)
        try container.encode(self.uploadedAt, forKey: .uploadedAt)
    }

    public init(id: UUID, caseID: UUID, kind: DocumentKind, filename: String, mediaType: MediaType, size: Int,
                sha256: String, uploadedBy: String, uploadedAt: Timestamp) {
        self.id = id
        self.caseID = caseID
        self.kind = kind
        self.filename = filename
        self.mediaType = mediaType
        self.size = size
        self.sha256 = sha256
        self.uploadedBy = uploadedBy
        self.uploadedAt = uploadedAt
    }
}

/// Why a file is refused, in the user's words. The server maps each to 413, 415 or 422.
public enum DocumentError: Error, Sendable, Hashable {
    case empty
    case tooLarge(limitBytes: Int)
    case unsupported(String)
    case legacyOffice
    case encrypted
    case corrupt(String)
    case archiveTooLarge(String)
    case notFound(UUID)
    /// The same bytes are being deposited in the same case by another request right now.
    case concurrentUpload
}
