import DMSCore
import DMSStore
import Foundation
import Logging

/// The integrity facts between offers: a case's current ones, and a supplier's across cases
/// (the same two suppliers sharing a phone number in three tenders). Reading only.
public struct ReadIntegrity: Sendable {
    let integrity: IntegrityRepository

    /// The links of the case's current analysis; empty before any analysis, 404 for an unknown case.
    public func caseLinks(caseID: UUID, logger: Logger) async throws -> [IntegrityLink] {
        guard let links = try await self.integrity.links(caseID: caseID, logger: logger) else { throw CaseError.notFound(caseID) }
        return links
    }

    /// A page of the supplier's links, newest first: `limit` + 1 read to know whether another follows.
    public func supplierLinks(_ query: SupplierLinksQuery, logger: Logger) async throws -> (items: [SupplierLinkRecord], next: Int64?) {
        let rows = try await self.integrity.links(supplierKey: query.supplierKey, with: query.with, limit: query.limit + 1, before: query.before,
                                                  logger: logger)
        let page = Array(rows.prefix(query.limit))
        return (page, rows.count > query.limit ? page.last?.id : nil)
    }
}
