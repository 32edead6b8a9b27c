import DMSCore
import DMSStore
import Foundation
import Logging

/// Price observations: agents (and admins) propose, admins validate or reject; the import reads
/// price lists in batches.
public struct MarketSignals: Sendable {
    let market: MarketRepository

    /// The most ids one bulk review takes.
    public static let maxBulk = 500

    public func propose(item: String?, unit: String?, unitPrice: String?, currency: String?, place: String?, vendor: String?,
                        observedOn: String?, note: String?, actor: Principal, logger: Logger) async throws -> MarketSignal {
        try AccessPolicy.check(.proposeSignal, actor)
        let new = try NewSignal(item: item, unit: unit, unitPrice: unitPrice, currency: currency, place: place, vendor: vendor,
                                observedOn: observedOn, note: note, today: Today.iso())
        return try await self.market.propose(new, actor: actor, logger: logger)
    }

    public func list(status: String?, item: String?, place: String?, limit: String?, offset: String?, logger: Logger) async throws -> (signals: [MarketSignal], total: Int, query: SignalQuery) {
        let query = try SignalQuery(status: status, item: item, place: place, limit: limit, offset: offset)
        let page = try await self.market.list(query, logger: logger)
        return (page.signals, page.total, query)
    }

    public func read(id: UUID, logger: Logger) async throws -> MarketSignal {
        try await self.market.signal(id: id, logger: logger)
    }

    public func review(ids: [String]?, _ review: @autoclosure () throws(ValidationError) -> SignalReview, actor: Principal, logger: Logger) async throws -> [MarketSignal] {
        try AccessPolicy.check(.reviewSignals, actor)
        guard let ids, !ids.isEmpty, ids.count <= Self.maxBulk else {
            throw ValidationError(field: "ids", message: "de 1 à \(Self.maxBulk) identifiants de relevés attendus")
        }
        var parsed: [UUID] = []
        for (index, raw) in ids.enumerated() {
            guard let id = UUID(uuidString: raw) else { throw ValidationError(field: "ids.\(index)", message: "identifiant invalide") }
            parsed.append(id)
        }
        return try await self.market.review(parsed, try review(), actor: actor, logger: logger)
    }

    /// One batch of an import (the command line reads the file and calls this per batch).
    public func importBatch(_ lines: [NewSignal], actor: Principal, logger: Logger) async throws -> [MarketRepository.ImportOutcome] {
        try AccessPolicy.check(.proposeSignal, actor)
        return try await self.market.importBatch(lines, actor: actor, logger: logger)
    }

    public func stats(item: String?, place: String?, from: String?, to: String?, group: String?, logger: Logger) async throws -> (rows: [StatsRow], query: StatsQuery) {
        let query = try StatsQuery(item: item, place: place, from: from, to: to, group: group, today: Today.iso())
        return (try await self.market.stats(query, logger: logger), query)
    }
}

/// Today's date in UTC (Mali's time zone), `YYYY-MM-DD`.
public enum Today {
    public static func iso(_ now: Date = Date()) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: now)
        return String(format: "%04d-%02d-%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
    }
}
