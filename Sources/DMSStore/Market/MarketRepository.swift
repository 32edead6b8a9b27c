import DMSCore
import Foundation
import Logging
import PostgresNIO

/// Market signals: proposed (survey, import, decided case), reviewed once by an admin, counted in
/// statistics and reference prices only when validated. Every change is a market event in the
/// same transaction.
public struct MarketRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// A field survey's observation.
    public func propose(_ new: NewSignal, actor: Principal, logger: Logger) async throws -> MarketSignal {
        try await self.database.transaction(logger: logger) { connection in
            var cache = ResolutionCache()
            let resolved = try await cache.resolve(new, on: connection, logger: logger)
            guard let id = try await Self.insert(resolved, new, source: .survey, caseID: nil, importKey: nil, actor: actor,
                                                 on: connection, logger: logger) else {
                throw DatabaseError.unexpected("a survey signal was not inserted")
            }
            return try await Self.signal(id, on: connection, logger: logger)
        }
    }

    /// The outcome of one imported line.
    public enum ImportOutcome: Sendable, Hashable {
        case imported(UUID)
        /// The same line was imported before (same values): nothing new.
        case duplicate
        case refused(String)
    }

    /// Imports a batch of lines in one transaction: lines whose names do not resolve are refused
    /// one by one (with the reason), the others inserted; a line identical to one imported
    /// before is a duplicate.
    public func importBatch(_ lines: [NewSignal], actor: Principal, logger: Logger) async throws -> [ImportOutcome] {
        // A batch is long work on purpose (hundreds of rows): minutes, not a request's deadline.
        try await self.database.transaction(logger: logger, timeout: .seconds(600)) { connection in
            var cache = ResolutionCache()
            var outcomes: [ImportOutcome] = []
            for line in lines {
                let resolved: ResolvedSignal
                do {
                    resolved = try await cache.resolve(line, on: connection, logger: logger)
                } catch let error as CatalogError {
                    outcomes.append(.refused(error.description))
                    continue
                }
                let key = Self.importKey(resolved, line)
                if let id = try await Self.insert(resolved, line, source: .import, caseID: nil, importKey: key, actor: actor,
                                                  on: connection, logger: logger) {
                    outcomes.append(.imported(id))
                } else {
                    outcomes.append(.duplicate)
                }
            }
            return outcomes
        }
    }

    /// The validation queue (or any status), newest first, filtered by item and place (a place
    /// includes every place under it).
    public func list(_ query: SignalQuery, logger: Logger) async throws -> (signals: [MarketSignal], total: Int) {
        try await self.database.run { client in
            try await client.withConnection { connection in
                let itemID = try await query.item.asyncMap { try await CatalogRepository.resolve(.item, $0, field: "item", loose: true, on: connection, logger: logger).id }
                let placeID = try await query.place.asyncMap { try await CatalogRepository.resolve(.place, $0, field: "place", loose: true, on: connection, logger: logger).id }
                func filtered(_ prefix: String) -> SQLBuilder {
                    var sql = SQLBuilder(prefix + " FROM market_signals s WHERE true")
                    if let status = query.status { sql.append(" AND s.status = \(sql.bind(status.rawValue))") }
                    if let itemID { sql.append(" AND s.item_id = \(sql.bind(itemID))") }
                    if let placeID { sql.append(" AND s.place_id IN (SELECT place_id FROM place_ancestors WHERE ancestor_id = \(sql.bind(placeID)))") }
                    return sql
                }
                var total = 0
                for try await count in try await connection.query(filtered("SELECT count(*)").query, logger: logger).decode(Int.self) {
                    total = count
                }
                var page = filtered("SELECT s.*")
                page.append(" ORDER BY s.proposed_at DESC, s.id DESC LIMIT \(query.limit) OFFSET \(query.offset)")
                let outer = PostgresQuery(unsafeSQL: """
                    SELECT \(Self.signalJSON) FROM (\(page.sql)) s \(Self.signalJoins) ORDER BY s.proposed_at DESC, s.id DESC
                    """, binds: page.query.binds)
                var signals: [MarketSignal] = []
                for try await json in try await connection.query(outer, logger: logger).decode(String.self) {
                    signals.append(try SignalRow.decode(json))
                }
                return (signals, total)
            }
        }
    }

    public func signal(id: UUID, logger: Logger) async throws -> MarketSignal {
        try await self.database.run { client in
            try await client.withConnection { connection in try await Self.signal(id, on: connection, logger: logger) }
        }
    }

    /// Validates or rejects proposed signals, all or none: an unknown id is a 404, a signal
    /// already reviewed a 409.
    public func review(_ ids: [UUID], _ review: SignalReview, actor: Principal, logger: Logger) async throws -> [MarketSignal] {
        try await self.database.transaction(logger: logger) { connection in
            let unique = Array(Set(ids))
            let rows = try await connection.query("""
                SELECT id, status FROM market_signals WHERE id = ANY(\(unique)::uuid[]) ORDER BY id FOR UPDATE
                """, logger: logger).decode((UUID, String).self).all()
            let found = Dictionary(uniqueKeysWithValues: rows)
            if let missing = unique.first(where: { found[$0] == nil }) { throw MarketError.signalNotFound(missing) }
            if let (id, status) = rows.first(where: { $0.1 != SignalStatus.proposed.rawValue }) {
                throw MarketError.alreadyReviewed(id, SignalStatus(rawValue: status) ?? .validated)
            }
            let status: SignalStatus
            let reason: String?
            switch review {
            case .validate: (status, reason) = (.validated, nil)
            case .reject(let text): (status, reason) = (.rejected, text)
            }
            try await connection.query("""
                UPDATE market_signals SET status = \(status.rawValue), reason = \(reason), reviewed_by = \(actor.value), reviewed_by_id = \(actor.userID)
                WHERE id = ANY(\(unique)::uuid[])
                """, logger: logger)
            let payload = MarketEventPayload.reviewed(review)
            for id in unique.sorted(by: { $0.uuidString < $1.uuidString }) {
                try await MarketEvents.append("signal", id, payload.type.rawValue, payload.json, actor: actor, on: connection, logger: logger)
            }
            var signals: [MarketSignal] = []
            for id in ids where !signals.contains(where: { $0.id == id }) {
                signals.append(try await Self.signal(id, on: connection, logger: logger))
            }
            return signals
        }
    }

    // MARK: - Rows

    static func signal(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> MarketSignal {
        let rows = try await connection.query(PostgresQuery(unsafeSQL: """
            SELECT \(Self.signalJSON) FROM market_signals s \(Self.signalJoins) WHERE s.id = $1
            """, binds: { var b = PostgresBindings(); b.append(id); return b }()), logger: logger)
        for try await json in rows.decode(String.self) { return try SignalRow.decode(json) }
        throw MarketError.signalNotFound(id)
    }

    /// Inserts a resolved signal and its `market_signal_proposed` event; nil when an imported
    /// line with the same key exists.
    static func insert(_ resolved: ResolvedSignal, _ new: NewSignal, source: SignalSource, caseID: UUID?, importKey: String?,
                       actor: Principal, on connection: PostgresConnection, logger: Logger) async throws -> UUID? {
        let rows = try await connection.query("""
            INSERT INTO market_signals (item_id, unit_id, unit_price, currency, base_unit_price, place_id, vendor_id, observed_on,
                                        source, source_detail, case_id, note, import_key, proposed_by, proposed_by_id)
            VALUES (\(resolved.item.id), \(resolved.unit.id), \("\(new.unitPrice)")::numeric, \(new.currency), 1, \(resolved.place.id),
                    \(resolved.vendor?.id), \(new.observedOn)::date, \(source.rawValue), \(new.sourceDetail), \(caseID), \(new.note),
                    \(importKey), \(actor.value), \(actor.userID))
            ON CONFLICT (import_key) DO NOTHING
            RETURNING id
            """, logger: logger)
        var inserted: UUID?
        for try await id in rows.decode(UUID.self) { inserted = id }
        guard let id = inserted else { return nil }
        let payload = MarketEventPayload.signalProposed(
            itemID: resolved.item.id, unitID: resolved.unit.id, unitPrice: new.unitPrice, currency: new.currency, placeID: resolved.place.id,
            vendorID: resolved.vendor?.id, observedOn: new.observedOn, source: source, sourceDetail: new.sourceDetail, caseID: caseID, note: new.note)
        try await MarketEvents.append("signal", id, payload.type.rawValue, payload.json, actor: actor, on: connection, logger: logger)
        return id
    }

    static func importKey(_ resolved: ResolvedSignal, _ new: NewSignal) -> String {
        SignalIdentity.importKey(itemID: resolved.item.id, unitID: resolved.unit.id, unitPrice: new.unitPrice, currency: new.currency,
                                 placeID: resolved.place.id, vendorID: resolved.vendor?.id, observedOn: new.observedOn)
    }
}

/// A signal's names resolved to catalog entries, the unit checked against the item.
struct ResolvedSignal: Sendable {
    let item: CatalogEntry
    let unit: CatalogEntry
    let place: CatalogEntry
    let vendor: CatalogEntry?
}

/// Resolves names once per transaction (an import repeats the same few names thousands of times).
struct ResolutionCache {
    private var entries: [String: CatalogEntry] = [:]

    mutating func entry(_ kind: CatalogKind, _ name: String, field: String, on connection: PostgresConnection, logger: Logger) async throws -> CatalogEntry {
        let key = kind.rawValue + "\u{1F}" + name.lowercased()
        if let entry = self.entries[key] { return entry }
        let entry = try await CatalogRepository.resolve(kind, name, field: field, on: connection, logger: logger)
        self.entries[key] = entry
        return entry
    }

    mutating func resolve(_ new: NewSignal, on connection: PostgresConnection, logger: Logger) async throws -> ResolvedSignal {
        let item = try await self.entry(.item, new.item, field: "item", on: connection, logger: logger)
        let unit = try await self.entry(.unit, new.unit, field: "unit", on: connection, logger: logger)
        if case .item(_, let itemBase) = item.details, case .unit(let unitBase, _) = unit.details, itemBase != unitBase {
            throw CatalogError.incompatibleUnit(unit: unit.name, unitBase: unitBase, item: item.name, itemBase: itemBase)
        }
        let place = try await self.entry(.place, new.place, field: "place", on: connection, logger: logger)
        var vendor: CatalogEntry?
        if let name = new.vendor { vendor = try await self.entry(.vendor, name, field: "vendor", on: connection, logger: logger) }
        return ResolvedSignal(item: item, unit: unit, place: place, vendor: vendor)
    }
}
