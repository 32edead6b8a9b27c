import DMSCore
import DMSStore
import Foundation
import Logging

/// `PATCH /api/cases/{id}`: the case's settings that may change before the decision — its place
/// (a catalog place) and its procedure (deadline, opening session, time zone, budget; these only
/// until the opening session).
public struct UpdateCase: Sendable {
    let cases: CaseRepository
    let procedures: ProcedureRepository
    let read: ReadCase

    public func run(_ caseID: UUID, place: String?, procedure: ProcedureChange? = nil, actor: Principal, logger: Logger) async throws -> CaseView {
        let place = try NewSignal.reference.validateOptional(place, field: "place")
        let procedure = procedure.flatMap { $0.isEmpty ? nil : $0 }
        guard place != nil || procedure != nil else {
            throw ValidationError(field: "place", message: "rien à modifier : donnez « place » (un lieu du catalogue) ou « deadline_at », « opening_at », « time_zone », « budget »")
        }
        if let place {
            try AccessPolicy.check(.setCasePlace, actor)
            _ = try await self.cases.setPlace(caseID: caseID, place: place, actor: actor, logger: logger)
        }
        if let procedure {
            try AccessPolicy.check(.setProcedure, actor)
            try await self.procedures.set(caseID: caseID, procedure, actor: actor, logger: logger)
        }
        return try await self.read.run(caseID, logger: logger)
    }
}
