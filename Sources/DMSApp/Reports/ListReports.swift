import DMSCore
import DMSStore
import Foundation
import Logging

/// Every issued version of a case's reports, newest first.
public struct ListReports: Sendable {
    let reports: ReportRepository

    public func run(caseID: UUID, logger: Logger) async throws -> [IssuedReport] {
        try await self.reports.list(caseID: caseID, logger: logger)
    }
}
