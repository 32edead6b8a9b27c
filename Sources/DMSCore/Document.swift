import Foundation

/// What a document is for in a case.
public enum DocumentKind: String, Sendable, CaseIterable {
    case dao
    case offer
    case cbaTemplate = "cba_template"
    case pvTemplate = "pv_template"

    /// Only offers come several at a time (a supplier's technical and financial parts).
    public var allowsSeveralFiles: Bool { self == .offer }
}

/// The formats DMS reads. Decided from the bytes, never from the file name.
public enum MediaType: String, Sendable, CaseIterable {
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
public struct Document: Sendable, Hashable {
    public let id: UUID
    public let caseID: UUID
    public let kind: DocumentKind
    public let filename: String
    public let mediaType: MediaType
    public let size: Int
    public let sha256: String
    public let uploadedBy: String
    public let uploadedAt: Timestamp
    /// An offer received after the case's deadline: « hors délai » (the committee decides).
    public let late: Bool

    public init(id: UUID, caseID: UUID, kind: DocumentKind, filename: String, mediaType: MediaType, size: Int,
                sha256: String, uploadedBy: String, uploadedAt: Timestamp, late: Bool = false) {
        self.late = late
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
