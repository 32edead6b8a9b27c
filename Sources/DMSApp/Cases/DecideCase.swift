import DMSCore
import DMSStore
import Foundation
import Logging

/// The committee's decision: validated, recorded once (a second decide is a conflict), with
/// `decision_recorded` in the same statement. The system never proposes the supplier.
public struct DecideCase: Sendable {
    let cases: CaseRepository
    let read: ReadCase

    public func run(_ id: UUID, chosenSupplier: String?, decisionReason: String?, nextAction: String?,
                    actor: ActorName, logger: Logger) async throws -> CaseView {
        let decision = try NewDecision(chosenSupplier: chosenSupplier, decisionReason: decisionReason, nextAction: nextAction)
        return try await self.read.view(try await self.cases.decide(caseID: id, decision, actor: actor, logger: logger), logger: logger)
    }
}
