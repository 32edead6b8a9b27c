import DMSCore
import DMSStore
import Foundation
import Logging

/// Issues a CBA or PV: renders it from one consistent snapshot, keeps the bytes as the next
/// version with their SHA-256, and appends `report_issued` — in one transaction. Issuing an
/// unchanged state again gives a new version with the same hash.
public struct IssueReport: Sendable {
    let reports: ReportRepository
    let renderer: ReportRenderer

    public func run(caseID: UUID, kind rawKind: String?, members rawMembers: [String]?, actor: Principal, logger: Logger) async throws -> IssuedReport {
        try AccessPolicy.check(.issueReport, actor)
        let kind = try ReportKind(parsing: rawKind)
        return try await self.issue(caseID: caseID, kind: kind, members: rawMembers ?? [], actor: actor, logger: logger)
    }

    /// Issues without the agent's right: the opening session issues its PV for the committee.
    func issue(caseID: UUID, kind: ReportKind, members rawMembers: [String], actor: Principal, logger: Logger) async throws -> IssuedReport {
        let members = try CommitteeMembers.validate(rawMembers, field: "members")
        let snapshot = try await self.reports.snapshot(caseID: caseID, logger: logger)
        let rendered = try self.renderer.render(snapshot, kind: kind, members: members)
        return try await self.reports.issue(rendered, caseID: caseID, actor: actor, logger: logger)
    }
}
