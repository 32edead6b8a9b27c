import DMSCore
import DMSStore
import Foundation
import Logging
import NIOCore

/// One issued report with the exact bytes that were issued.
public struct ReadReport: Sendable {
    let reports: ReportRepository

    public func run(_ id: UUID, logger: Logger) async throws -> (IssuedReport, ByteBuffer) {
        try await self.reports.report(id: id, logger: logger)
    }
}
