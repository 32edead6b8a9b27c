import DMSCore
import DMSStore
import Foundation
import Logging

/// A case with its documents, decision, memory and current analysis.
public struct ReadCase: Sendable {
    let cases: CaseRepository
    let analyses: AnalysisRepository

    public func run(_ id: UUID, logger: Logger) async throws -> CaseView {
        try await self.view(try await self.cases.detail(id: id, logger: logger), logger: logger)
    }

    /// The analysis costs a second round trip: only when the case has one.
    func view(_ detail: CaseDetail, logger: Logger) async throws -> CaseView {
        let analysis = detail.hasAnalysis ? try await self.analyses.analysis(caseID: detail.case.id, logger: logger) : nil
        return CaseView(detail: detail, analysis: analysis)
    }
}
