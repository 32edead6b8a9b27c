import DMSApp
import DMSCore
import Foundation
import Hummingbird

/// The committee of a case and each member's declaration about conflicts of interest.
struct CommitteeRoutes {
    let app: UseCases
    let json: JSONRequest

    func register(on router: Router<AppRequestContext>) {
        router.get("/api/cases/{id}/committee") { _, context -> CommitteeDTO in
            CommitteeDTO(try await app.committee.read(caseID: try context.caseID("id"), logger: context.logger))
        }

        router.put("/api/cases/{id}/committee") { request, context -> CommitteeDTO in
            let caseID = try context.caseID("id")
            let body = try await json.decode(SetCommitteeRequest.self, from: request)
            guard let members = body.members else { throw ValidationError(field: "members", message: "champ obligatoire") }
            return CommitteeDTO(try await app.committee.set(caseID: caseID, members: members.map { ($0.userID, $0.function) },
                                                            actor: try context.actor(request), logger: context.logger))
        }

        router.post("/api/cases/{id}/committee/declaration") { request, context -> CommitteeDTO in
            let caseID = try context.caseID("id")
            let body = try await json.decode(DeclarationRequest.self, from: request)
            return CommitteeDTO(try await app.committee.declare(caseID: caseID, noConflict: body.noConflict, note: body.note,
                                                                actor: try context.actor(request), logger: context.logger))
        }
    }
}
