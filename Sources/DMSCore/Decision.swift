import Foundation

/// The committee's decision on a case, as recorded. The system never proposes it.
public struct Decision: Sendable, Hashable {
    public let chosenSupplier: String
    public let decisionReason: String
    public let nextAction: String?
    public let decidedBy: String
    public let decidedAt: Timestamp
    /// Committee members present (accounts), when the case had a committee.
    public let present: [UUID]

    public init(chosenSupplier: String, decisionReason: String, nextAction: String?, decidedBy: String, decidedAt: Timestamp, present: [UUID] = []) {
        self.chosenSupplier = chosenSupplier
        self.decisionReason = decisionReason
        self.nextAction = nextAction
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
        self.present = present
    }
}

/// A decision ready to be recorded: every field already validated.
public struct NewDecision: Sendable, Hashable {
    public let chosenSupplier: String
    public let decisionReason: String
    public let nextAction: String?

    public init(chosenSupplier: String?, decisionReason: String?, nextAction: String?) throws(ValidationError) {
        self.chosenSupplier = try TextField.supplierName.validate(chosenSupplier, field: "chosen_supplier")
        self.decisionReason = try TextField.reason.validate(decisionReason, field: "decision_reason")
        self.nextAction = try TextField.nextAction.validateOptional(nextAction, field: "next_action")
    }
}
