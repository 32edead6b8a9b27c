import DMSCore
import DMSStore
import Logging

/// One keyset page of cases, newest first, with the filters of `CaseListQuery`.
public struct ListCases: Sendable {
    let cases: CaseRepository

    public func run(_ query: CaseListQuery, logger: Logger) async throws -> Page<Case> {
        try await self.cases.list(query, logger: logger)
    }
}
