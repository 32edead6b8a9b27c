import DMSCore
import DMSStore
import Foundation
import Logging

/// The cases as Open Contracting data (OCDS 1.1 release packages): read only, built from one
/// committed state, the same state giving the same bytes.
public struct PublishOCDS: Sendable {
    let ocds: OCDSRepository
    let publisher: OCDSPublisher

    /// The package of one case's current release; `uri` is where the package is served.
    public func package(caseID: UUID, uri: String, logger: Logger) async throws -> JSONValue {
        let state = try await self.ocds.state(caseID: caseID, logger: logger)
        return OCDSPackage.make(self.release(state), uri: uri, publisher: self.publisher)
    }

    /// A page of the decided cases' releases, newest decision first; no package when the page is
    /// empty (a release package holds at least one release).
    public func releases(_ query: OCDSReleaseQuery, uri: String, logger: Logger) async throws -> (package: JSONValue?, nextCursor: String?) {
        let page = try await self.ocds.decided(query, logger: logger)
        return (OCDSPackage.make(page.items.map(self.release), uri: uri, publisher: self.publisher), page.nextCursor)
    }

    func release(_ state: CaseState) -> OCDSRelease {
        OCDSRelease(detail: state.detail, analysis: state.analysis, publisher: self.publisher)
    }
}
