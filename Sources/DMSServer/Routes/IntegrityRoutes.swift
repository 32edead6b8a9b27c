import DMSApp
import DMSCore
import Foundation
import Hummingbird

/// The integrity facts between offers: a case's (from its current analysis) and a supplier's
/// across cases. Reading only: the analysis finds and records them.
struct IntegrityRoutes {
    let app: UseCases

    func register(on router: Router<AppRequestContext>) {
        router.get("/api/cases/{id}/integrity") { _, context -> CaseIntegrityDTO in
            CaseIntegrityDTO(try await app.integrity.caseLinks(caseID: try context.caseID("id"), logger: context.logger))
        }

        router.get("/api/suppliers/{key}/links") { request, context -> SupplierLinksPageDTO in
            let parameters = request.uri.queryParameters
            let query = try SupplierLinksQuery(supplier: context.parameters.get("key")?.removingPercentEncoding, with: parameters["with"].map(String.init),
                                               limit: parameters["limit"].map(String.init), cursor: parameters["cursor"].map(String.init))
            let page = try await app.integrity.supplierLinks(query, logger: context.logger)
            return SupplierLinksPageDTO(items: page.items.map(SupplierLinkDTO.init), nextCursor: page.next.map(String.init))
        }
    }
}
