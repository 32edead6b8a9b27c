import DMSCore
import DMSStore
import Foundation
import Logging

/// A case with its documents, decision, memory and current analysis.
public struct ReadCase: Sendable {
    let cases: CaseRepository
    let analyses: AnalysisRepository
    let pricing: PricingRepository

    public func run(_ id: UUID, logger: Logger) async throws -> CaseView {
        try await self.view(try await self.cases.detail(id: id, logger: logger), logger: logger)
    }

    /// The analysis and its price lines cost more round trips: only when the case has one.
    func view(_ detail: CaseDetail, logger: Logger) async throws -> CaseView {
        guard detail.hasAnalysis else { return CaseView(detail: detail, analysis: nil) }
        let analysis = try await self.analyses.analysis(caseID: detail.case.id, logger: logger)
        let lines = try await self.pricing.lines(caseID: detail.case.id, placeID: detail.place?.id, logger: logger)
        return CaseView(detail: detail, analysis: analysis, priceLines: lines)
    }
}
