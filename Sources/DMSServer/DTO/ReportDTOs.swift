import DMSCore
import Hummingbird

/// `POST /api/cases/{id}/reports` body.
struct IssueReportRequest: Decodable, Sendable {
    let kind: String?
    let members: [String]?
}

/// An issued version: `{id, kind, version, sha256, size, issued_by, issued_at, memory_head}`.
struct IssuedReportDTO: ResponseEncodable, Sendable {
    let id: String
    let caseID: String
    let kind: String
    let version: Int
    let filename: String
    let mediaType: String
    let sha256: String
    let size: Int
    let issuedBy: String
    let issuedAt: String
    let memoryHead: String

    enum CodingKeys: String, CodingKey {
        case id, kind, version, filename, sha256, size
        case caseID = "case_id"
        case mediaType = "media_type"
        case issuedBy = "issued_by"
        case issuedAt = "issued_at"
        case memoryHead = "memory_head"
    }

    init(_ report: IssuedReport) {
        self.id = report.id.uuidString.lowercased()
        self.caseID = report.caseID.uuidString.lowercased()
        self.kind = report.kind.rawValue
        self.version = report.version
        self.filename = report.filename
        self.mediaType = report.mediaType.rawValue
        self.sha256 = report.sha256
        self.size = report.size
        self.issuedBy = report.issuedBy
        self.issuedAt = report.issuedAt.iso8601
        self.memoryHead = report.memoryHead
    }
}

struct IssuedReportListDTO: ResponseEncodable, Sendable {
    let items: [IssuedReportDTO]
}
