import DMSCore
import DMSStore
import Foundation
import Logging

/// `PATCH /api/cases/{id}`: the case's settings that may change before the decision. Today its
/// place (a catalog place: market, commune, cercle or région).
public struct UpdateCase: Sendable {
    let cases: CaseRepository
    let read: ReadCase

    public func run(_ caseID: UUID, place: String?, actor: Principal, logger: Logger) async throws -> CaseView {
        try AccessPolicy.check(.setCasePlace, actor)
        guard let place = try NewSignal.reference.validateOptional(place, field: "place") else {
            throw ValidationError(field: "place", message: "rien à modifier : donnez « place » (un lieu du catalogue)")
        }
        _ = try await self.cases.setPlace(caseID: caseID, place: place, actor: actor, logger: logger)
        return try await self.read.run(caseID, logger: logger)
    }
}
