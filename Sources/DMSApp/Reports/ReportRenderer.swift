import DMSCore
import DMSDocuments
import DMSStore
import Foundation
import NIOCore

/// A CBA or PV rendered from one snapshot: its bytes, their hash, and the state they describe —
/// exactly what the store keeps when it is issued.
public typealias RenderedReport = ReportRepository.NewReport

extension RenderedReport {
    /// The download name of a current rendering (an issued version adds `-vN`).
    public var filename: String { "\(self.baseName).\(self.mediaType.fileExtension)" }
}

/// Snapshot → bytes. Pure given the snapshot: the same state renders the same bytes.
struct ReportRenderer: Sendable {
    func render(_ snapshot: ReportSnapshot, kind: ReportKind, members: [String]) throws -> RenderedReport {
        let report = CaseReport(snapshot: snapshot)
        let data: Data
        switch kind.pv {
        case nil: data = try CBAWriter().write(report)
        case let pv?: data = try PVWriter().write(report, kind: pv, committee: members)
        }
        var hasher = ContentHasher()
        data.withUnsafeBytes { hasher.update($0) }
        return RenderedReport(kind: kind, mediaType: Self.mediaType(kind), baseName: Self.baseName(kind, caseID: snapshot.detail.case.id),
                              content: ByteBuffer(bytes: data), sha256: hasher.finalize(), memoryHead: snapshot.stateHead)
    }

    static func mediaType(_ kind: ReportKind) -> MediaType { kind == .cba ? .xlsx : .docx }

    static func baseName(_ kind: ReportKind, caseID: UUID) -> String {
        let short = String(caseID.uuidString.lowercased().prefix(8))
        switch kind.pv {
        case nil: return "CBA-\(short)"
        case let pv?: return "PV-\(pv.rawValue)-\(short)"
        }
    }
}
