import DMSCore
import DMSStore
import Foundation
import Logging

/// A person's value for one field of one supplier's offer, kept beside the extracted value with
/// the reason, and recorded as `offer_corrected`.
public struct CorrectOffer: Sendable {
    let analyses: AnalysisRepository

    public func run(caseID: UUID, supplierKey: String, field: String?, value: JSONValue?, reason: String?,
                    actor: Principal, logger: Logger) async throws -> CaseAnalysis {
        try AccessPolicy.check(.correctOffer, actor)
        guard !supplierKey.isEmpty else { throw AnalysisError.unknownSupplier("") }
        let correction = try NewCorrection(field: field, value: value, reason: reason)
        return try await self.analyses.correct(caseID: caseID, supplierKey: supplierKey, correction, actor: actor, logger: logger)
    }
}
