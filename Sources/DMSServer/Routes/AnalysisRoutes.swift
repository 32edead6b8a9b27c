import DMSCore
import DMSStore
import Foundation
import Hummingbird

/// `POST /api/analyze/{case_id}` and the manual corrections of what it could not read.
struct AnalysisRoutes {
    let analyze: AnalyzeCase
    let analyses: AnalysisRepository
    let json: JSONRequest

    func register(on router: Router<AppRequestContext>) {
        router.post("/api/analyze/{case_id}") { request, context -> AnalysisDTO in
            let caseID = try context.caseID("case_id")
            return AnalysisDTO(try await analyze.run(caseID: caseID, actor: try request.actor(), logger: context.logger))
        }

        router.patch("/api/cases/{id}/offers/{supplier_key}") { request, context -> AnalysisDTO in
            let caseID = try context.caseID("id")
            guard let key = context.parameters.get("supplier_key")?.removingPercentEncoding, !key.isEmpty else {
                throw AnalysisError.unknownSupplier("")
            }
            let (field, value, reason) = try await json.decode(CorrectionRequest.self, from: request).validated()
            let analysis = try await analyses.correct(caseID: caseID, supplierKey: key, field: field, value: value, reason: reason,
                                                      actor: try request.actor(), logger: context.logger)
            return AnalysisDTO(analysis)
        }
    }
}
