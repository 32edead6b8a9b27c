import DMSCore
import DMSStore
import Foundation
import Logging

/// A case with everything about it, as `GET /api/cases/{id}` and the decide answer show it.
struct CaseDetailReader: Sendable {
    let cases: CaseRepository
    let analyses: AnalysisRepository

    func read(_ id: UUID, logger: Logger) async throws -> CaseDetailDTO {
        CaseDetailDTO(try await self.cases.detail(id: id, logger: logger), analysis: try await self.analyses.analysis(caseID: id, logger: logger))
    }

    func decide(_ id: UUID, _ decision: NewDecision, actor: ActorName, logger: Logger) async throws -> CaseDetailDTO {
        let detail = try await self.cases.decide(caseID: id, decision, actor: actor, logger: logger)
        return CaseDetailDTO(detail, analysis: try await self.analyses.analysis(caseID: id, logger: logger))
    }
}
