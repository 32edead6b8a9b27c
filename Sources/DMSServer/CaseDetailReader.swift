import DMSCore
import DMSStore
import Foundation
import Logging

/// A case with everything about it, as `GET /api/cases/{id}` and the decide answer show it.
struct CaseDetailReader: Sendable {
    let cases: CaseRepository
    let analyses: AnalysisRepository

    func read(_ id: UUID, logger: Logger) async throws -> CaseDetailDTO {
        try await self.withAnalysis(try await self.cases.detail(id: id, logger: logger), logger: logger)
    }

    func decide(_ id: UUID, _ decision: NewDecision, actor: ActorName, logger: Logger) async throws -> CaseDetailDTO {
        try await self.withAnalysis(try await self.cases.decide(caseID: id, decision, actor: actor, logger: logger), logger: logger)
    }

    /// The analysis costs a second round trip: only when the case has one.
    private func withAnalysis(_ detail: CaseDetail, logger: Logger) async throws -> CaseDetailDTO {
        let analysis = detail.hasAnalysis ? try await self.analyses.analysis(caseID: detail.case.id, logger: logger) : nil
        return CaseDetailDTO(detail, analysis: analysis)
    }
}
