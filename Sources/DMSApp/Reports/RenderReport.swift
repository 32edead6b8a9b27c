import DMSCore
import DMSStore
import Foundation
import Logging

/// The CBA or a PV of a case as it stands now, for a download: read from one snapshot, rendered,
/// and nothing written — a GET or a HEAD leaves the memory as it was. To keep a version, issue it.
public struct RenderReport: Sendable {
    let reports: ReportRepository
    let cases: CaseRepository
    let renderer: ReportRenderer

    public func run(caseID: UUID, kind: ReportKind, members: [String], logger: Logger) async throws -> RenderedReport {
        let snapshot = try await self.reports.snapshot(caseID: caseID, logger: logger)
        return try self.renderer.render(snapshot, kind: kind, members: members)
    }

    /// What a HEAD needs: the case exists, and the file's type and name; nothing is rendered.
    public func head(caseID: UUID, kind: ReportKind, logger: Logger) async throws -> (mediaType: MediaType, filename: String) {
        guard try await self.cases.exists(id: caseID, logger: logger) else { throw CaseError.notFound(caseID) }
        let mediaType = ReportRenderer.mediaType(kind)
        return (mediaType, "\(ReportRenderer.baseName(kind, caseID: caseID)).\(mediaType.fileExtension)")
    }
}
