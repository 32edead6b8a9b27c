import DMSApp
import DMSCore
import Foundation
import Hummingbird

/// `POST /api/analyze/{case_id}` and the manual corrections of what it could not read.
struct AnalysisRoutes {
    let app: UseCases
    let json: JSONRequest

    func register(on router: Router<AppRequestContext>) {
        router.post("/api/analyze/{case_id}") { request, context -> AnalysisDTO in
            let caseID = try context.caseID("case_id")
            return AnalysisDTO(try await app.analyzeCase.run(caseID: caseID, actor: try context.actor(request), logger: context.logger))
        }

        router.patch("/api/cases/{id}/offers/{supplier_key}") { request, context -> AnalysisDTO in
            let caseID = try context.caseID("id")
            let key = context.parameters.get("supplier_key")?.removingPercentEncoding ?? ""
            let body = try await json.decode(CorrectionRequest.self, from: request)
            return AnalysisDTO(try await app.correctOffer.run(caseID: caseID, supplierKey: key, field: body.field, value: body.value,
                                                              reason: body.reason, actor: try context.actor(request), logger: context.logger))
        }
    }
}
