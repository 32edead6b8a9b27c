import DMSCore
import DMSStore
import Foundation
import Logging

/// Every analysis run of a case, as the machine read it: "what did DMS read on 12 March?"
public struct AnalysisHistory: Sendable {
    let analyses: AnalysisRepository

    public func runs(caseID: UUID, logger: Logger) async throws -> [AnalysisRunSummary] {
        try await self.analyses.runs(caseID: caseID, logger: logger)
    }

    public func run(_ number: Int, caseID: UUID, logger: Logger) async throws -> CaseAnalysis {
        try await self.analyses.run(number, caseID: caseID, logger: logger)
    }
}
