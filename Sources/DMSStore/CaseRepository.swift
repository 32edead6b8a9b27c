import DMSCore
import Foundation
import Logging
import PostgresNIO

/// Cases and their decisions in PostgreSQL. Every write is one statement (CTEs) so it is atomic,
/// needs one round trip, and writes its memory event in the same transaction.
public struct CaseRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func create(_ new: NewCase, actor: Principal, logger: Logger) async throws -> Case {
        let payload = EventPayload.caseCreated(new)
        var binds = PostgresBindings()
        try binds.append(new.caseType.rawValue)
        try binds.append(new.title)
        try binds.append(new.lot)
        try binds.append(actor.value)
        try binds.append(payload.type.rawValue)
        try binds.append(actor.userID)
        try binds.append(payload.json)
        // With an Idempotency-Key the create runs in a transaction that also stores the key (and
        // whose deadline means "not committed"); without one it stays a single statement.
        if Database.claimsIdempotency {
            return try await self.database.transaction(logger: logger) { [database, binds] connection in
                try Self.created(try await database.rows(CaseSQL.Create.self, binds, on: connection, logger: logger))
            }
        }
        return try await self.database.run { [database, binds] client in
            try Self.created(try await database.rows(CaseSQL.Create.self, binds, on: client, logger: logger))
        }
    }

    private static func created(_ rows: [PostgresRow]) throws -> Case {
        guard let row = rows.first else { throw DatabaseError.unexpected("INSERT … RETURNING returned no row") }
        return try Case(row)
    }

    /// Whether the case exists: one index probe, for answers that only need a 404.
    public func exists(id: UUID, logger: Logger) async throws -> Bool {
        try await self.database.run { client in
            for try await found in try await client.query("SELECT EXISTS (SELECT 1 FROM cases WHERE id = \(id))", logger: logger).decode(Bool.self) {
                return found
            }
            return false
        }
    }

    public func list(_ query: CaseListQuery, logger: Logger) async throws -> Page<Case> {
        let rows: [PostgresRow]
        if query.text == nil {
            rows = try await self.listPrepared(query, logger: logger)
        } else {
            var sql = SQLBuilder("SELECT \(CaseSQL.columns) FROM cases WHERE true")
            if let status = query.status { sql.append(" AND status = \(sql.bind(status.rawValue))") }
            if let type = query.caseType { sql.append(" AND case_type = \(sql.bind(type.rawValue))") }
            if let after = query.after {
                // A row comparison the (…, created_at DESC, id DESC) indexes answer directly.
                sql.append(" AND (created_at, id) < (\(sql.bind(after.createdAt.iso8601))::timestamptz, \(sql.bind(after.id)))")
            }
            if let text = query.text {
                let pattern = "%" + Self.escapeLike(text) + "%"
                sql.append(" AND (title ILIKE \(sql.bind(pattern)) OR lot ILIKE \(sql.bind(pattern)))")
            }
            sql.append(" ORDER BY created_at DESC, id DESC LIMIT \(sql.bind(query.limit + 1))")
            let statement = sql.query
            rows = try await self.database.run { client in try await client.query(statement, logger: logger).collect() }
        }
        var items = try rows.map(Case.init)
        var next: String?
        if items.count > query.limit {
            items.removeLast()
            next = items.last.map { CaseCursor(createdAt: $0.createdAt, id: $0.id).token }
        }
        return Page(items: items, nextCursor: next)
    }

    /// The list without words, one prepared text per combination of filters.
    private func listPrepared(_ query: CaseListQuery, logger: Logger) async throws -> [PostgresRow] {
        var binds = PostgresBindings()
        if let status = query.status { try binds.append(status.rawValue) }
        if let type = query.caseType { try binds.append(type.rawValue) }
        if let after = query.after {
            try binds.append(after.createdAt.iso8601)
            try binds.append(after.id)
        }
        try binds.append(query.limit + 1)
        typealias Y = CaseSQL.Yes
        typealias N = CaseSQL.No
        let database = self.database
        return try await database.run { [binds] client in
            switch (query.status != nil, query.caseType != nil, query.after != nil) {
            case (false, false, false): try await database.rows(CaseSQL.List<N, N, N>.self, binds, on: client, logger: logger)
            case (false, false, true): try await database.rows(CaseSQL.List<N, N, Y>.self, binds, on: client, logger: logger)
            case (true, false, false): try await database.rows(CaseSQL.List<Y, N, N>.self, binds, on: client, logger: logger)
            case (true, false, true): try await database.rows(CaseSQL.List<Y, N, Y>.self, binds, on: client, logger: logger)
            case (false, true, false): try await database.rows(CaseSQL.List<N, Y, N>.self, binds, on: client, logger: logger)
            case (false, true, true): try await database.rows(CaseSQL.List<N, Y, Y>.self, binds, on: client, logger: logger)
            case (true, true, false): try await database.rows(CaseSQL.List<Y, Y, N>.self, binds, on: client, logger: logger)
            case (true, true, true): try await database.rows(CaseSQL.List<Y, Y, Y>.self, binds, on: client, logger: logger)
            }
        }
    }

    public func detail(id: UUID, logger: Logger) async throws -> CaseDetail {
        var binds = PostgresBindings()
        try binds.append(id)
        let rows = try await self.database.run { [database, binds] client in
            try await database.rows(CaseSQL.Detail.self, binds, on: client, logger: logger)
        }
        return try Self.detail(id: id, rows)
    }

    /// The case, its decision, documents and events in one query, on a caller's connection (a
    /// snapshot joins it to other reads).
    static func detail(id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> CaseDetail {
        var binds = PostgresBindings()
        try binds.append(id)
        return try Self.detail(id: id, try await connection.query(PostgresQuery(unsafeSQL: CaseSQL.Detail.sql, binds: binds), logger: logger).collect())
    }

    static func detail(id: UUID, _ rows: [PostgresRow]) throws -> CaseDetail {
        guard let row = rows.first else { throw CaseError.notFound(id) }
        let columns = row.makeRandomAccess()
        let record = try Case(row)
        var decision: Decision?
        if let supplier = try columns[7].decode(String?.self, context: .default), let reason = try columns[8].decode(String?.self, context: .default),
           let by = try columns[10].decode(String?.self, context: .default), let at = try columns[11].decode(ISOTimestamp?.self, context: .default) {
            decision = Decision(chosenSupplier: supplier, decisionReason: reason, nextAction: try columns[9].decode(String?.self, context: .default),
                                decidedBy: by, decidedAt: Timestamp(iso8601: at.text),
                                present: try columns[12].decode([UUID]?.self, context: .default) ?? [])
        }
        let events = try columns[13].decode(String.self, context: .default)
        let documents = try columns[14].decode(String.self, context: .default)
        let analysed = try columns[15].decode(Bool.self, context: .default)
        let place = try columns[16].decode(String?.self, context: .default)
        let budget = try columns[20].decode(Double?.self, context: .default).flatMap { amount in
            try columns[21].decode(String?.self, context: .default).map { Budget(amount: amount, currency: $0) }
        }
        let procedure = CaseProcedure(
            deadlineAt: try columns[17].decode(ISOTimestamp?.self, context: .default).map { Timestamp(iso8601: $0.text) },
            timeZone: try columns[19].decode(String.self, context: .default),
            openingAt: try columns[18].decode(ISOTimestamp?.self, context: .default).map { Timestamp(iso8601: $0.text) },
            budget: budget,
            openedAt: try columns[22].decode(ISOTimestamp?.self, context: .default).map { Timestamp(iso8601: $0.text) })
        let sealed = try columns[23].decode(String?.self, context: .default).map(SealedOfferRow.decodeList) ?? []
        return CaseDetail(case: record, decision: decision, documents: try DocumentRow.decodeList(documents),
                          events: try EventRow.decodeList(events), hasAnalysis: analysed, place: try place.map(PlaceRow.decode),
                          procedure: procedure, sealedOffers: sealed)
    }

    /// Records the committee's decision in one transaction: locks the case, refuses a second
    /// decision, checks the committee's quorum (when the case has a committee), inserts the
    /// decision, marks the case decided and appends `decision_recorded`.
    public func decide(caseID: UUID, _ decision: NewDecision, present: [UUID], quorum: Int, actor: Principal, logger: Logger) async throws -> CaseDetail {
        let supplierKey = SupplierName.key(decision.chosenSupplier)
        let payload = present.isEmpty ? EventPayload.decisionRecorded(decision) : EventPayload.decisionRecorded(decision, present: present)
        let database = self.database
        let outcome: DecideOutcome = try await self.database.transaction(logger: logger) { connection in
            // The lock first: a concurrent decide or committee change waits here, then sees the result.
            guard let status = try await CommitteeRepository.caseStatus(caseID, on: connection, lock: true, logger: logger) else { return .notFound }
            guard status != .decided else { return .alreadyDecided }
            let committee = try await CommitteeRepository.members(caseID, on: connection, logger: logger)
            try Quorum.check(committee: committee, present: present, decider: actor, quorum: quorum)
            var binds = PostgresBindings()
            try binds.append(caseID)
            try binds.append(supplierKey)
            try binds.append(decision.chosenSupplier)
            try binds.append(decision.decisionReason)
            try binds.append(decision.nextAction)
            try binds.append(actor.value)
            try binds.append(actor.userID)
            try binds.append(present)
            try binds.append(payload.type.rawValue)
            try binds.append(payload.json)
            try binds.append(EventPayload.previousStatusKey)
            let rows = try await database.rows(CaseSQL.Decide.self, binds, on: connection, logger: logger)
            for row in rows {
                let (decided, known, priced) = try row.decode((Bool, Bool, Bool).self)
                if decided {
                    // A→B: the chosen offer's matched price lines become proposed market signals
                    // (one more statement, only when the case has price lines at all).
                    if priced {
                        try await MarketRepository.proposeFromDecision(caseID: caseID, supplierKey: supplierKey, chosenSupplier: decision.chosenSupplier,
                                                                       actor: actor, on: connection, logger: logger)
                    }
                    return .decided
                }
                return known ? .alreadyDecided : .unknownSupplier
            }
            return .notFound
        }
        switch outcome {
        case .notFound: throw CaseError.notFound(caseID)
        case .alreadyDecided: throw CaseError.alreadyDecided(caseID)
        case .unknownSupplier:
            throw ValidationError(field: "chosen_supplier", message: "ne correspond à aucun fournisseur de l'analyse de ce dossier")
        case .decided: return try await self.detail(id: caseID, logger: logger)
        }
    }

    private enum DecideOutcome: Sendable { case notFound, alreadyDecided, unknownSupplier, decided }

    /// `%`, `_` and `\` match themselves in a user's search words.
    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }
}

extension Case {
    /// id, case_type, title, lot, status, created_at, updated_at (the first seven columns).
    init(_ row: PostgresRow) throws {
        let columns = row.makeRandomAccess()
        let id = try columns[0].decode(UUID.self, context: .default)
        guard let type = CaseType(rawValue: try columns[1].decode(String.self, context: .default)),
              let status = CaseStatus(rawValue: try columns[4].decode(String.self, context: .default)) else {
            throw DatabaseError.unexpected("unknown case_type/status in case \(id)")
        }
        self.init(id: id, caseType: type, title: try columns[2].decode(String.self, context: .default), lot: try columns[3].decode(String?.self, context: .default),
                  status: status, createdAt: Timestamp(iso8601: try columns[5].decode(ISOTimestamp.self, context: .default).text),
                  updatedAt: Timestamp(iso8601: try columns[6].decode(ISOTimestamp.self, context: .default).text))
    }
}
