import PostgresNIO

/// The case statements the service runs most, as fixed text (see `StaticSQL`): prepared once
/// per connection when the service connects directly.
enum CaseSQL {
    static let columns = "id, case_type, title, lot, status, created_at, updated_at"

    /// $1 type, $2 title, $3 lot, $4 actor, $5 event type, $6 actor id, $7 payload.
    enum Create: StaticSQL {
        static let name = "dms_case_create"
        static let sql = """
            WITH new_case AS (
                INSERT INTO cases (case_type, title, lot, created_by) VALUES ($1::text, $2::text, $3::text, $4::text)
                RETURNING \(CaseSQL.columns)
            ), event AS (
                INSERT INTO events (case_id, type, actor, actor_id, payload)
                SELECT id, $5::text, $4::text, $6::uuid, $7::jsonb FROM new_case
            )
            SELECT \(CaseSQL.columns) FROM new_case
            """
    }

    /// $1 the case id.
    enum Detail: StaticSQL {
        static let name = "dms_case_detail"
        static let sql = """
            SELECT c.id, c.case_type, c.title, c.lot, c.status, c.created_at, c.updated_at,
                   d.chosen_supplier, d.decision_reason, d.next_action, d.decided_by, d.decided_at, d.present,
                   (SELECT coalesce(json_agg(json_build_object(
                               'seq', e.seq, 'type', e.type, 'actor', e.actor, 'at', iso_utc(e.created_at),
                               'prev_hash', e.prev_hash, 'hash', e.hash, 'payload', e.payload) ORDER BY e.seq), '[]')::text
                    FROM events e WHERE e.case_id = c.id),
                   (SELECT coalesce(json_agg(json_build_object(
                               'id', d.id, 'case_id', d.case_id, 'kind', d.kind, 'filename', d.filename,
                               'media_type', d.media_type, 'size', d.size, 'sha256', d.sha256,
                               'uploaded_by', d.uploaded_by, 'uploaded_at', iso_utc(d.uploaded_at), 'late', d.late)
                               ORDER BY d.uploaded_at, d.id), '[]')::text
                    FROM documents d WHERE d.case_id = c.id),
                   EXISTS (SELECT 1 FROM analyses a WHERE a.case_id = c.id),
                   (SELECT json_build_object('id', p.id, 'name', p.name, 'level', p.level,
                               'path', (SELECT array_agg(x.name ORDER BY pa.depth DESC) FROM place_ancestors pa
                                        JOIN catalog_places x ON x.id = pa.ancestor_id WHERE pa.place_id = p.id))::text
                    FROM catalog_places p WHERE p.id = c.place_id),
                   c.deadline_at, c.opening_at, c.time_zone, c.budget_amount::float8, c.budget_currency, c.opened_at,
                   (SELECT json_agg(json_build_object('id', s.id, 'received_at', iso_utc(s.received_at), 'size', s.size,
                               'sealed_sha256', s.sealed_sha256, 'late', s.late, 'document_id', o.document_id) ORDER BY s.received_at, s.id)::text
                    FROM sealed_offers s LEFT JOIN offer_openings o ON o.sealed_offer_id = s.id WHERE s.case_id = c.id)
            FROM cases c LEFT JOIN decisions d ON d.case_id = c.id
            WHERE c.id = $1::uuid
            """
    }

    /// $1 case, $2 supplier key, $3 chosen supplier, $4 reason, $5 next action, $6 actor,
    /// $7 actor id, $8 present, $9 event type, $10 payload, $11 the previous-status key.
    enum Decide: StaticSQL {
        static let name = "dms_case_decide"
        static let sql = """
            WITH target AS (
                SELECT id, status FROM cases WHERE id = $1::uuid
            ), supplier AS (
                -- When the analysis found offers, the chosen supplier must be one of them.
                SELECT NOT EXISTS (SELECT 1 FROM offers o WHERE o.case_id = $1::uuid)
                    OR EXISTS (SELECT 1 FROM offers o WHERE o.case_id = $1::uuid AND o.supplier_key = $2::text)
                    OR EXISTS (SELECT 1 FROM offer_corrections oc WHERE oc.case_id = $1::uuid AND oc.field = 'supplier'
                               AND lower(oc.value #>> '{}') = lower($3::text)) AS known
            ), decision AS (
                INSERT INTO decisions (case_id, chosen_supplier, decision_reason, next_action, decided_by, decided_by_user, present)
                SELECT id, $3::text, $4::text, $5::text, $6::text, $7::uuid, $8::uuid[]
                FROM target, supplier WHERE status <> 'decided' AND supplier.known
                RETURNING case_id
            ), updated AS (
                UPDATE cases SET status = 'decided', updated_at = now()
                FROM decision WHERE cases.id = decision.case_id
                RETURNING cases.id
            ), event AS (
                INSERT INTO events (case_id, type, actor, actor_id, payload)
                SELECT d.case_id, $9::text, $6::text, $7::uuid, $10::jsonb || jsonb_build_object($11::text, t.status)
                FROM decision d CROSS JOIN target t
            )
            SELECT EXISTS (SELECT 1 FROM updated), supplier.known,
                   EXISTS (SELECT 1 FROM offer_price_lines l WHERE l.case_id = $1::uuid) FROM target, supplier
            """
    }

    /// The list without words (`q` is sent unprepared): one text per combination of filters.
    /// Absent filters are left out of the text, never `$n IS NULL OR …` (see `SQLBuilder`).
    struct List<Status: Flag, Kind: Flag, After: Flag>: StaticSQL {
        static var name: String { "dms_case_list_\(Status.on ? 1 : 0)\(Kind.on ? 1 : 0)\(After.on ? 1 : 0)" }
        static var sql: String {
            var sql = "SELECT \(CaseSQL.columns) FROM cases WHERE true"
            var index = 0
            func next() -> String { index += 1; return "$\(index)" }
            if Status.on { sql += " AND status = \(next())::text" }
            if Kind.on { sql += " AND case_type = \(next())::text" }
            if After.on { sql += " AND (created_at, id) < (\(next())::timestamptz, \(next())::uuid)" }
            return sql + " ORDER BY created_at DESC, id DESC LIMIT \(next())::int"
        }
    }

    protocol Flag: Sendable { static var on: Bool { get } }
    enum Yes: Flag { static let on = true }
    enum No: Flag { static let on = false }
}
