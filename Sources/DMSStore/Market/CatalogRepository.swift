import DMSCore
import Foundation
import Logging
import PostgresNIO

/// The catalogs: tolerant lookup by folded names (trigram similarity), entries created and
/// aliased by admins, each change a market event in the same transaction.
public struct CatalogRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Entries answering to `query` (similarity ≥ 0.6, best first), or every entry by name when
    /// the query is empty.
    public func search(_ kind: CatalogKind, query: String?, limit: Int, logger: Logger) async throws -> [CatalogEntry] {
        try await self.database.run { client in
            try await client.withConnection { connection in
                let query = query?.trimmingWhitespace() ?? ""
                let scored: [(UUID, Double?)]
                if query.isEmpty {
                    scored = try await connection.query("""
                        SELECT entry_id FROM catalog_names WHERE kind = \(kind.rawValue) AND main ORDER BY folded, entry_id LIMIT \(limit)
                        """, logger: logger).decode(UUID.self).all().map { ($0, nil) }
                } else {
                    scored = try await Self.candidates(kind, query, wordMatch: true, on: connection, logger: logger)
                        .filter { $0.1 >= CatalogLookup.threshold }.prefix(limit).map { ($0.0, $0.1) }
                }
                return try await Self.entries(kind, scored, on: connection, logger: logger)
            }
        }
    }

    public func entry(_ kind: CatalogKind, id: UUID, logger: Logger) async throws -> CatalogEntry {
        try await self.database.run { client in
            try await client.withConnection { connection in
                guard let entry = try await Self.entries(kind, [(id, nil)], on: connection, logger: logger).first else {
                    throw CatalogError.notFound(kind: kind, id: id)
                }
                return entry
            }
        }
    }

    /// Creates an entry with its aliases and its `catalog_entry_created` event.
    public func create(_ new: NewCatalogEntry, actor: Principal, logger: Logger) async throws -> CatalogEntry {
        try await self.database.transaction(logger: logger) { connection in
            let id: UUID
            var parentID: UUID?
            switch new.details {
            case .item(let category, let baseUnit):
                id = try await Self.insert(new, connection, logger, """
                    INSERT INTO catalog_items (name, category, base_unit, created_by) VALUES (\(new.name), \(category), \(baseUnit.rawValue), \(actor.value)) RETURNING id
                    """)
            case .unit(let baseUnit, let factor):
                id = try await Self.insert(new, connection, logger, """
                    INSERT INTO catalog_units (name, base_unit, factor, created_by) VALUES (\(new.name), \(baseUnit.rawValue), \("\(factor)")::numeric, \(actor.value)) RETURNING id
                    """)
            case .place(let level, let parent):
                if let parent {
                    parentID = try await Self.resolve(.place, parent, field: "parent", on: connection, logger: logger).id
                }
                id = try await Self.insert(new, connection, logger, """
                    INSERT INTO catalog_places (level, name, parent_id, created_by) VALUES (\(level.rawValue), \(new.name), \(parentID), \(actor.value)) RETURNING id
                    """)
            case .vendor(let nif, let rccm):
                id = try await Self.insert(new, connection, logger, """
                    INSERT INTO catalog_vendors (name, nif, rccm, created_by) VALUES (\(new.name), \(nif), \(rccm), \(actor.value)) RETURNING id
                    """)
            }
            for alias in new.aliases {
                try await Self.addName(new.kind, id, alias, actor: actor, on: connection, logger: logger)
            }
            let payload = MarketEventPayload.entryCreated(new, parentID: parentID)
            try await MarketEvents.append(new.kind.rawValue, id, payload.type.rawValue, payload.json, actor: actor, on: connection, logger: logger)
            guard let entry = try await Self.entries(new.kind, [(id, nil)], on: connection, logger: logger).first else {
                throw DatabaseError.unexpected("catalog entry \(id) not found after insert")
            }
            return entry
        }
    }

    /// Adds names an entry answers to; a name it already has is skipped, one that belongs to
    /// another entry of the kind is refused (409).
    public func addAliases(_ kind: CatalogKind, id: UUID, _ aliases: [String], actor: Principal, logger: Logger) async throws -> CatalogEntry {
        try await self.database.transaction(logger: logger) { connection in
            guard try await Self.entries(kind, [(id, nil)], on: connection, logger: logger).first != nil else {
                throw CatalogError.notFound(kind: kind, id: id)
            }
            for alias in aliases {
                if try await Self.addName(kind, id, alias, actor: actor, on: connection, logger: logger) {
                    let payload = MarketEventPayload.aliasAdded(alias)
                    try await MarketEvents.append(kind.rawValue, id, payload.type.rawValue, payload.json, actor: actor, on: connection, logger: logger)
                }
            }
            return try await Self.entries(kind, [(id, nil)], on: connection, logger: logger)[0]
        }
    }

    /// Resolves a name (or an id) to one entry, inside the caller's transaction. Refuses an
    /// unknown name with the closest suggestions, and a tie between entries. Places whose names
    /// repeat (Ségou the région, cercle and commune) resolve to the widest one.
    /// `loose` (filters of reads): a query that is a word run of one entry's name (`ciment` for
    /// `Ciment CPA 42.5`) names it too.
    public static func resolve(_ kind: CatalogKind, _ name: String, field: String, loose: Bool = false, on connection: PostgresConnection,
                               logger: Logger) async throws -> CatalogEntry {
        if let id = UUID(uuidString: name.trimmingWhitespace()) {
            guard let entry = try await Self.entries(kind, [(id, 1)], on: connection, logger: logger).first else {
                throw CatalogError.notFound(kind: kind, id: id)
            }
            return entry
        }
        let candidates = try await Self.candidates(kind, name, wordMatch: loose, on: connection, logger: logger)
        // An exact name (or alias) wins over names that merely contain the words (`mil`, not `gros mil`).
        let exact = try await Self.exactMatches(kind, name, on: connection, logger: logger)
        let close = exact.isEmpty ? candidates.filter { $0.1 >= CatalogLookup.threshold } : exact.map { ($0, 1.0) }
        guard let best = close.first else {
            let scored = try await Self.candidates(kind, name, wordMatch: true, on: connection, logger: logger).prefix(CatalogLookup.suggestionCount)
            let suggestions = try await Self.entries(kind, scored.map { ($0.0, $0.1) }, on: connection, logger: logger).map(\.label)
            throw CatalogError.unknownName(kind: kind, field: field, name: String(name.prefix(200)), suggestions: suggestions)
        }
        let tied = close.filter { abs($0.1 - best.1) < 0.000_001 }
        let entries = try await Self.entries(kind, tied.map { ($0.0, $0.1) }, on: connection, logger: logger)
        if entries.count == 1 { return entries[0] }
        if kind == .place {
            let levels = entries.map(Self.level)
            if let widest = levels.min(), levels.filter({ $0 == widest }).count == 1 {
                return entries[levels.firstIndex(of: widest)!]
            }
        }
        throw CatalogError.ambiguousName(kind: kind, field: field, name: String(name.prefix(200)), candidates: entries.map(\.label))
    }

    static func level(_ entry: CatalogEntry) -> PlaceLevel {
        if case .place(let level, _, _) = entry.details { return level }
        return .marche
    }

    /// Entry ids with their best similarity to `name`, best first. `wordMatch` also scores the
    /// query as a word run inside a longer name (search, suggestions); writes use whole names.
    static func candidates(_ kind: CatalogKind, _ name: String, wordMatch: Bool, on connection: PostgresConnection,
                           logger: Logger) async throws -> [(UUID, Double)] {
        let rows = try await connection.query("""
            WITH q AS (SELECT catalog_fold(\(name)) AS f)
            SELECT n.entry_id,
                   max(CASE WHEN n.folded = q.f THEN 1.0
                            WHEN \(wordMatch) THEN greatest(similarity(n.folded, q.f), word_similarity(q.f, n.folded))
                            ELSE similarity(n.folded, q.f) END)::float8 AS score
            FROM catalog_names n, q
            WHERE n.kind = \(kind.rawValue) AND (n.folded % q.f OR q.f <% n.folded OR n.folded = q.f)
            GROUP BY n.entry_id
            ORDER BY score DESC, n.entry_id
            LIMIT 50
            """, logger: logger)
        return try await rows.decode((UUID, Double).self).all()
    }

    static func exactMatches(_ kind: CatalogKind, _ name: String, on connection: PostgresConnection, logger: Logger) async throws -> [UUID] {
        try await connection.query("""
            SELECT DISTINCT entry_id FROM catalog_names WHERE kind = \(kind.rawValue) AND folded = catalog_fold(\(name)) ORDER BY entry_id
            """, logger: logger).decode(UUID.self).all()
    }

    @discardableResult
    static func addName(_ kind: CatalogKind, _ id: UUID, _ name: String, actor: Principal, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        // Another entry of the kind with this folded name: refused (places may share names).
        let owners = try await connection.query("""
            SELECT entry_id FROM catalog_names WHERE kind = \(kind.rawValue) AND folded = catalog_fold(\(name))
            """, logger: logger).decode(UUID.self).all()
        if owners.contains(id) { return false }
        if kind != .place, !owners.isEmpty { throw CatalogError.nameTaken(kind: kind, name: name) }
        try await connection.query("""
            INSERT INTO catalog_names (kind, entry_id, name, main, added_by) VALUES (\(kind.rawValue), \(id), \(name), false, \(actor.value))
            """, logger: logger)
        return true
    }

    static func insert(_ new: NewCatalogEntry, _ connection: PostgresConnection, _ logger: Logger, _ query: PostgresQuery) async throws -> UUID {
        do {
            for try await id in try await connection.query(query, logger: logger).decode(UUID.self) { return id }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw CatalogError.nameTaken(kind: new.kind, name: new.name)
        }
        throw DatabaseError.unexpected("INSERT … RETURNING returned no row")
    }

    /// Loads entries (in the given order) with their aliases and kind-specific details.
    static func entries(_ kind: CatalogKind, _ scored: [(UUID, Double?)], on connection: PostgresConnection, logger: Logger) async throws -> [CatalogEntry] {
        guard !scored.isEmpty else { return [] }
        let ids = scored.map(\.0)
        let details: String
        switch kind {
        case .item: details = "SELECT id, name, category AS a, base_unit::text AS b, NULL::text AS c, NULL::text[] AS path FROM catalog_items"
        case .unit: details = "SELECT id, name, base_unit::text AS a, factor::text AS b, NULL::text AS c, NULL::text[] AS path FROM catalog_units"
        case .vendor: details = "SELECT id, name, nif AS a, rccm AS b, NULL::text AS c, NULL::text[] AS path FROM catalog_vendors"
        case .place:
            details = """
                SELECT p.id, p.name, p.level AS a, p.parent_id::text AS b, NULL::text AS c,
                       (SELECT array_agg(x.name ORDER BY pa.depth DESC) FROM place_ancestors pa JOIN catalog_places x ON x.id = pa.ancestor_id
                        WHERE pa.place_id = p.id) AS path
                FROM catalog_places p
                """
        }
        var query = PostgresQuery(unsafeSQL: """
            SELECT e.id, e.name, e.a, e.b, e.path,
                   (SELECT coalesce(array_agg(n.name ORDER BY n.added_at, n.name), '{}') FROM catalog_names n
                    WHERE n.kind = $1 AND n.entry_id = e.id AND NOT n.main)
            FROM (\(details)) e WHERE e.id = ANY($2::uuid[])
            """)
        query.binds.append(kind.rawValue)
        query.binds.append(ids)
        var found: [UUID: CatalogEntry] = [:]
        let scores = Dictionary(scored.map { ($0.0, $0.1) }, uniquingKeysWith: { first, _ in first })
        for try await (id, name, a, b, path, aliases) in try await connection.query(query, logger: logger)
            .decode((UUID, String, String?, String?, [String]?, [String]).self) {
            let entryDetails: CatalogEntry.Details
            switch kind {
            case .item: entryDetails = .item(category: a ?? "", baseUnit: BaseUnit(rawValue: b ?? "") ?? .piece)
            case .unit: entryDetails = .unit(baseUnit: BaseUnit(rawValue: a ?? "") ?? .piece, factor: Decimal(string: b ?? "1") ?? 1)
            case .vendor: entryDetails = .vendor(nif: a, rccm: b)
            case .place: entryDetails = .place(level: PlaceLevel(rawValue: a ?? "") ?? .marche, parentID: b.flatMap(UUID.init(uuidString:)), path: path ?? [name])
            }
            found[id] = CatalogEntry(id: id, kind: kind, name: name, aliases: aliases, details: entryDetails, similarity: scores[id] ?? nil)
        }
        return ids.compactMap { found[$0] }
    }
}
