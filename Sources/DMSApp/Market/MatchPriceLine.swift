import DMSCore
import DMSStore
import Foundation
import Logging

/// A person confirms or corrects which catalog item (and unit) a price line is — or says it is
/// none — with the reason kept. Until the decision; the latest match counts.
public struct MatchPriceLine: Sendable {
    let pricing: PricingRepository
    let read: ReadCase

    public func run(caseID: UUID, lineKey: String, item: String?, unit: String?, reason: String?, actor: Principal, logger: Logger) async throws -> CaseView {
        try AccessPolicy.check(.matchPriceLine, actor)
        guard PriceLineKey.isValid(lineKey) else { throw AnalysisError.unknownPriceLine(lineKey) }
        let match = try NewPriceLineMatch(item: item, unit: unit, reason: reason)
        try await self.pricing.match(caseID: caseID, lineKey: lineKey, match, actor: actor, logger: logger)
        return try await self.read.run(caseID, logger: logger)
    }
}
