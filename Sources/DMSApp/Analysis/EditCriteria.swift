import DMSCore
import DMSStore
import Foundation
import Logging

/// People's changes to the criteria — add one the DAO states elsewhere, fix a label, points or a
/// weight, remove a line that is not a criterion — each with a reason, each an event. The
/// machine's reading stays in the analysis runs; the current criteria show who changed what.
public struct EditCriteria: Sendable {
    let analyses: AnalysisRepository

    public func add(caseID: UUID, label: String?, category: String?, points: Double?, weightPercent: Double?, eliminatory: Bool?,
                    reason: String?, actor: Principal, logger: Logger) async throws -> CaseAnalysis {
        try AccessPolicy.check(.correctOffer, actor)
        let change = try NewCriterionEdit(action: .add, label: label, category: category, points: points, weightPercent: weightPercent,
                                          eliminatory: eliminatory ?? false, reason: reason)
        return try await self.analyses.editCriterion(caseID: caseID, criterionID: nil, change, actor: actor, logger: logger)
    }

    public func update(caseID: UUID, criterionID: UUID, label: String?, category: String?, points: Double?, weightPercent: Double?,
                       eliminatory: Bool?, reason: String?, actor: Principal, logger: Logger) async throws -> CaseAnalysis {
        try AccessPolicy.check(.correctOffer, actor)
        let change = try NewCriterionEdit(action: .update, label: label, category: category, points: points, weightPercent: weightPercent,
                                          eliminatory: eliminatory, reason: reason)
        return try await self.analyses.editCriterion(caseID: caseID, criterionID: criterionID, change, actor: actor, logger: logger)
    }

    public func delete(caseID: UUID, criterionID: UUID, reason: String?, actor: Principal, logger: Logger) async throws -> CaseAnalysis {
        try AccessPolicy.check(.correctOffer, actor)
        let change = try NewCriterionEdit(action: .delete, label: nil, category: nil, points: nil, weightPercent: nil, eliminatory: nil, reason: reason)
        return try await self.analyses.editCriterion(caseID: caseID, criterionID: criterionID, change, actor: actor, logger: logger)
    }
}
