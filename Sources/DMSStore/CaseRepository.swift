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
        return try await self.database.run { client in
            let rows = try await client.query("""
                WITH new_case AS (
                    INSERT INTO cases (case_type, title, lot, created_by)
                    VALUES (\(new.caseType.rawValue), \(new.title), \(new.lot), \(actor.value))
                    RETURNING id, case_type, title, lot, status, created_at, updated_at
                ), event AS (
                    INSERT INTO events (case_id, type, actor, actor_id, payload)
                    SELECT id, \(payload.type.rawValue), \(actor.value), \(actor.userID), \(payload.json)::jsonb FROM new_case
                )
                SELECT id, case_type, title, lot, status, iso_utc(created_at), iso_utc(updated_at) FROM new_case
                """, logger: logger)
            guard let created = try await rows.decodeCases().first else {
                throw DatabaseError.unexpected("INSERT … RETURNING returned no row")
            }
            return created
        }
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
        var sql = SQLBuilder("""
            SELECT id, case_type, title, lot, status, iso_utc(created_at), iso_utc(updated_at)
            FROM cases WHERE true
            """)
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
        return try await self.database.run { client in
            var items = try await client.query(statement, logger: logger).decodeCases()
            var next: String?
            if items.count > query.limit {
                items.removeLast()
                next = items.last.map { CaseCursor(createdAt: $0.createdAt, id: $0.id).token }
            }
            return Page(items: items, nextCursor: next)
        }
    }

    public func detail(id: UUID, logger: Logger) async throws -> CaseDetail {
        try await self.database.run { client in
            try await client.withConnection { connection in try await Self.detail(id: id, on: connection, logger: logger) }
        }
    }

    /// The case, its decision, documents and events in one query, on a caller's connection (a
    /// snapshot joins it to other reads).
    static func detail(id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> CaseDetail {
        let rows = try await connection.query("""
            SELECT c.id, c.case_type, c.title, c.lot, c.status, iso_utc(c.created_at), iso_utc(c.updated_at),
                   d.chosen_supplier, d.decision_reason, d.next_action, d.decided_by, iso_utc(d.decided_at), d.present,
                   (SELECT coalesce(json_agg(json_build_object(
                               'seq', e.seq, 'type', e.type, 'actor', e.actor, 'at', iso_utc(e.created_at),
                               'prev_hash', e.prev_hash, 'hash', e.hash, 'payload', e.payload) ORDER BY e.seq), '[]')::text
                    FROM events e WHERE e.case_id = c.id),
                   (SELECT coalesce(json_agg(json_build_object(
                               'id', d.id, 'case_id', d.case_id, 'kind', d.kind, 'filename', d.filename,
                               'media_type', d.media_type, 'size', d.size, 'sha256', d.sha256,
                               'uploaded_by', d.uploaded_by, 'uploaded_at', iso_utc(d.uploaded_at))
                               ORDER BY d.uploaded_at, d.id), '[]')::text
                    FROM documents d WHERE d.case_id = c.id),
                   EXISTS (SELECT 1 FROM analyses a WHERE a.case_id = c.id),
                   (SELECT json_build_object('id', p.id, 'name', p.name, 'level', p.level,
                               'path', (SELECT array_agg(x.name ORDER BY pa.depth DESC) FROM place_ancestors pa
                                        JOIN catalog_places x ON x.id = pa.ancestor_id WHERE pa.place_id = p.id))::text
                    FROM catalog_places p WHERE p.id = c.place_id)
            FROM cases c LEFT JOIN decisions d ON d.case_id = c.id
            WHERE c.id = \(id)
            """, logger: logger)
        for try await row in rows {
            let (caseID, caseType, title, lot, status, created, updated, supplier, reason, next, by, at, present, events, documents, analysed, place) =
                try row.decode((UUID, String, String, String?, String, String, String, String?, String?, String?, String?, String?, [UUID]?, String, String, Bool,
                                String?).self)
            let record = try Case(row: (caseID, caseType, title, lot, status, created, updated))
            var decision: Decision?
            if let supplier, let reason, let by, let at {
                decision = Decision(chosenSupplier: supplier, decisionReason: reason, nextAction: next, decidedBy: by, decidedAt: Timestamp(iso8601: at),
                                    present: present ?? [])
            }
            return CaseDetail(case: record, decision: decision, documents: try DocumentRow.decodeList(documents),
                              events: try EventRow.decodeList(events), hasAnalysis: analysed, place: try place.map(PlaceRow.decode))
        }
        throw CaseError.notFound(id)
    }

    /// Records the committee's decision in one transaction: locks the case, refuses a second
    /// decision, checks the committee's quorum (when the case has a committee), inserts the
    /// decision, marks the case decided and appends `decision_recorded`.
    public func decide(caseID: UUID, _ decision: NewDecision, present: [UUID], quorum: Int, actor: Principal, logger: Logger) async throws -> CaseDetail {
        let supplierKey = SupplierName.key(decision.chosenSupplier)
        let payload = present.isEmpty ? EventPayload.decisionRecorded(decision) : EventPayload.decisionRecorded(decision, present: present)
        let outcome: DecideOutcome = try await self.database.transaction(logger: logger) { connection in
            // The lock first: a concurrent decide or committee change waits here, then sees the result.
            guard let status = try await CommitteeRepository.caseStatus(caseID, on: connection, lock: true, logger: logger) else { return .notFound }
            guard status != .decided else { return .alreadyDecided }
            let committee = try await CommitteeRepository.members(caseID, on: connection, logger: logger)
            try Quorum.check(committee: committee, present: present, decider: actor, quorum: quorum)
            let rows = try await connection.query("""
                WITH target AS (
                    SELECT id, status FROM cases WHERE id = \(caseID)
                ), supplier AS (
                    -- When the analysis found offers, the chosen supplier must be one of them.
                    SELECT NOT EXISTS (SELECT 1 FROM offers o WHERE o.case_id = \(caseID))
                        OR EXISTS (SELECT 1 FROM offers o WHERE o.case_id = \(caseID) AND o.supplier_key = \(supplierKey))
                        OR EXISTS (SELECT 1 FROM offer_corrections oc WHERE oc.case_id = \(caseID) AND oc.field = 'supplier'
                                   AND lower(oc.value #>> '{}') = lower(\(decision.chosenSupplier))) AS known
                ), decision AS (
                    INSERT INTO decisions (case_id, chosen_supplier, decision_reason, next_action, decided_by, decided_by_user, present)
                    SELECT id, \(decision.chosenSupplier), \(decision.decisionReason), \(decision.nextAction), \(actor.value),
                           \(actor.userID), \(present)::uuid[]
                    FROM target, supplier WHERE status <> 'decided' AND supplier.known
                    RETURNING case_id
                ), updated AS (
                    UPDATE cases SET status = 'decided', updated_at = now()
                    FROM decision WHERE cases.id = decision.case_id
                    RETURNING cases.id
                ), event AS (
                    INSERT INTO events (case_id, type, actor, actor_id, payload)
                    SELECT d.case_id, \(payload.type.rawValue), \(actor.value), \(actor.userID),
                           \(payload.json)::jsonb || jsonb_build_object(\(EventPayload.previousStatusKey)::text, t.status)
                    FROM decision d CROSS JOIN target t
                )
                SELECT EXISTS (SELECT 1 FROM updated), supplier.known FROM target, supplier
                """, logger: logger)
            for (decided, known) in try await rows.decode((Bool, Bool).self).all() {
                if decided {
                    // A→B: the chosen offer's matched price lines become proposed market signals.
                    try await MarketRepository.proposeFromDecision(caseID: caseID, supplierKey: supplierKey, chosenSupplier: decision.chosenSupplier,
                                                                   actor: actor, on: connection, logger: logger)
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
    typealias Row = (UUID, String, String, String?, String, String, String)

    init(row: Row) throws {
        guard let type = CaseType(rawValue: row.1), let status = CaseStatus(rawValue: row.4) else {
            throw DatabaseError.unexpected("unknown case_type/status in case \(row.0)")
        }
        self.init(id: row.0, caseType: type, title: row.2, lot: row.3, status: status,
                  createdAt: Timestamp(iso8601: row.5), updatedAt: Timestamp(iso8601: row.6))
    }
}

extension PostgresRowSequence {
    func decodeCases() async throws -> [Case] {
        var cases: [Case] = []
        for try await row in self.decode(Case.Row.self) {
            cases.append(try Case(row: row))
        }
        return cases
    }
}
