import DMSCore
import DMSStore
import Foundation
import Logging

/// The committee's decision: validated, recorded once (a second decide is a conflict), with
/// `decision_recorded` in the same statement. The system never proposes the supplier.
public struct DecideCase: Sendable {
    let cases: CaseRepository
    let read: ReadCase
    /// Voting members who must be present when the case has a committee (`DMS_QUORUM`).
    let quorum: Int

    public func run(_ id: UUID, chosenSupplier: String?, decisionReason: String?, nextAction: String?, present rawPresent: [String]? = nil,
                    actor: Principal, logger: Logger) async throws -> CaseView {
        try AccessPolicy.check(.decideCase, actor)
        let decision = try NewDecision(chosenSupplier: chosenSupplier, decisionReason: decisionReason, nextAction: nextAction)
        var present: [UUID] = []
        for (index, raw) in (rawPresent ?? []).enumerated() {
            guard let id = UUID(uuidString: raw) else { throw ValidationError(field: "present.\(index)", message: "identifiant d'utilisateur (UUID) attendu") }
            present.append(id)
        }
        let detail = try await self.cases.decide(caseID: id, decision, present: present, quorum: self.quorum, actor: actor, logger: logger)
        return try await self.read.view(detail, logger: logger)
    }
}
