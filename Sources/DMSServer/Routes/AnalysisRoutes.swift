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

        router.get("/api/cases/{id}/analysis/runs") { _, context -> AnalysisRunListDTO in
            let runs = try await app.analysisHistory.runs(caseID: try context.caseID("id"), logger: context.logger)
            return AnalysisRunListDTO(items: runs.map(AnalysisRunDTO.init))
        }

        router.get("/api/cases/{id}/analysis/runs/{n}") { _, context -> AnalysisDTO in
            let caseID = try context.caseID("id")
            guard let raw = context.parameters.get("n"), let number = Int(raw), number >= 1 else { throw AnalysisError.unknownRun(0) }
            return AnalysisDTO(try await app.analysisHistory.run(number, caseID: caseID, logger: context.logger))
        }

        router.post("/api/cases/{id}/criteria") { request, context -> EditedResponse<AnalysisDTO> in
            let caseID = try context.caseID("id")
            let body = try await json.decode(CriterionRequest.self, from: request)
            let analysis = try await app.editCriteria.add(caseID: caseID, label: body.label, category: body.category, points: body.points,
                                                          weightPercent: body.weightPercent, eliminatory: body.eliminatory, reason: body.reason,
                                                          actor: try context.actor(request), logger: context.logger)
            return EditedResponse(status: .created, response: AnalysisDTO(analysis))
        }

        router.patch("/api/cases/{id}/criteria/{criterion_id}") { request, context -> AnalysisDTO in
            let caseID = try context.caseID("id")
            let criterionID = try Self.criterionID(context)
            let body = try await json.decode(CriterionRequest.self, from: request)
            return AnalysisDTO(try await app.editCriteria.update(caseID: caseID, criterionID: criterionID, label: body.label, category: body.category,
                                                                 points: body.points, weightPercent: body.weightPercent, eliminatory: body.eliminatory,
                                                                 reason: body.reason, actor: try context.actor(request), logger: context.logger))
        }

        router.delete("/api/cases/{id}/criteria/{criterion_id}") { request, context -> AnalysisDTO in
            let caseID = try context.caseID("id")
            let criterionID = try Self.criterionID(context)
            // The reason in a JSON body, or `?reason=` (some clients send no body with DELETE).
            let reason: String?
            if request.headers[.contentType] != nil {
                reason = try await json.decode(CriterionRequest.self, from: request).reason
            } else {
                reason = request.uri.queryParameters["reason"].map(String.init)
            }
            return AnalysisDTO(try await app.editCriteria.delete(caseID: caseID, criterionID: criterionID, reason: reason,
                                                                 actor: try context.actor(request), logger: context.logger))
        }

        router.patch("/api/cases/{id}/offers/{supplier_key}") { request, context -> AnalysisDTO in
            let caseID = try context.caseID("id")
            let key = context.parameters.get("supplier_key")?.removingPercentEncoding ?? ""
            let body = try await json.decode(CorrectionRequest.self, from: request)
            return AnalysisDTO(try await app.correctOffer.run(caseID: caseID, supplierKey: key, field: body.field, value: body.value,
                                                              reason: body.reason, actor: try context.actor(request), logger: context.logger))
        }

        // What the analysis found between offers: registered with it, so the router's builder is left as it is.
        IntegrityRoutes(app: app).register(on: router)
    }

    static func criterionID(_ context: AppRequestContext) throws -> UUID {
        guard let raw = context.parameters.get("criterion_id"), let id = UUID(uuidString: raw) else { throw AnalysisError.unknownCriterion(UUID()) }
        return id
    }
}
