import DMSApp
import DMSCore
import Foundation
import Hummingbird

/// The committee's decision. `POST /api/decide/{case_id}`; older clients send `case_id` in the
/// body of `POST /api/decide`.
struct DecisionRoutes {
    let app: UseCases
    let json: JSONRequest

    func register(on router: Router<AppRequestContext>) {
        router.post("/api/decide/{case_id}") { request, context -> CaseDetailDTO in
            let id = try context.caseID("case_id")
            let body = try await json.decode(DecideRequest.self, from: request)
            return try await decide(id, body, request: request, context: context)
        }

        router.post("/api/decide") { request, context -> CaseDetailDTO in
            let body = try await json.decode(DecideRequest.self, from: request)
            guard let raw = body.caseID else { throw ValidationError(field: "case_id", message: "champ obligatoire") }
            guard let id = UUID(uuidString: raw) else { throw APIError.unknownCase }
            return try await decide(id, body, request: request, context: context)
        }
    }

    private func decide(_ id: UUID, _ body: DecideRequest, request: Request, context: AppRequestContext) async throws -> CaseDetailDTO {
        CaseDetailDTO(try await app.decideCase.run(id, chosenSupplier: body.chosenSupplier, decisionReason: body.decisionReason,
                                                   nextAction: body.nextAction, present: body.present, actor: try context.actor(request), logger: context.logger))
    }
}
