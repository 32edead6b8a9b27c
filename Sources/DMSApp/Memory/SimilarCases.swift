import DMSCore
import DMSStore
import Foundation
import Logging

/// Decided cases that resemble this one: what was chosen before, and why.
public struct SimilarCases: Sendable {
    let memory: MemoryRepository
    let cases: CaseRepository

    public func run(to caseID: UUID, logger: Logger) async throws -> [SimilarCase] {
        guard try await self.cases.exists(id: caseID, logger: logger) else { throw CaseError.notFound(caseID) }
        return try await self.memory.similar(to: caseID, logger: logger)
    }
}
