-- Finding things in the memory: French full-text search with accents ignored, over what each
-- case holds (title, lot, criteria, suppliers, decision, document text). One row per case, kept
-- current by triggers, so every write path feeds it without typing anything twice.

CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE TEXT SEARCH CONFIGURATION dms_fr (COPY = french);
ALTER TEXT SEARCH CONFIGURATION dms_fr
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;

-- Text extracted from documents at analysis time, for search (derived data: replaced on re-run).
CREATE TABLE document_texts (
    document_id  uuid PRIMARY KEY REFERENCES documents (id),
    case_id      uuid NOT NULL REFERENCES cases (id),
    body         text NOT NULL
);
CREATE INDEX document_texts_case_idx ON document_texts (case_id);

CREATE TABLE case_search (
    case_id     uuid PRIMARY KEY REFERENCES cases (id),
    body        text NOT NULL,
    vector      tsvector NOT NULL,
    decided     boolean NOT NULL,
    case_type   text NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE INDEX case_search_vector_idx ON case_search USING gin (vector);
CREATE INDEX case_search_created_idx ON case_search (created_at DESC, case_id DESC);

-- Rebuilds one case's search row from everything it holds. Title and lot weigh most (A),
-- suppliers and decision next (B), criteria (C), document text least (D).
CREATE FUNCTION refresh_case_search(p_case_id uuid) RETURNS void LANGUAGE sql AS $$
    INSERT INTO case_search (case_id, body, vector, decided, case_type, created_at)
    SELECT c.id,
           concat_ws(E'\n', c.title, c.lot, s.suppliers, d.chosen_supplier, d.decision_reason, d.next_action, k.labels, t.body),
           setweight(to_tsvector('dms_fr', concat_ws(' ', c.title, c.lot)), 'A')
           || setweight(to_tsvector('dms_fr', concat_ws(' ', s.suppliers, d.chosen_supplier, d.decision_reason, d.next_action)), 'B')
           || setweight(to_tsvector('dms_fr', coalesce(k.labels, '')), 'C')
           || setweight(to_tsvector('dms_fr', coalesce(left(t.body, 200000), '')), 'D'),
           c.status = 'decided', c.case_type, c.created_at
    FROM cases c
    LEFT JOIN decisions d ON d.case_id = c.id
    LEFT JOIN LATERAL (SELECT string_agg(f.value #>> '{}', ' ') AS suppliers
                       FROM offer_fields f WHERE f.case_id = c.id AND f.field = 'supplier' AND f.value IS NOT NULL) s ON true
    LEFT JOIN LATERAL (SELECT string_agg(cr.label, ' ') AS labels FROM criteria cr WHERE cr.case_id = c.id) k ON true
    LEFT JOIN LATERAL (SELECT string_agg(dt.body, E'\n') AS body FROM document_texts dt WHERE dt.case_id = c.id) t ON true
    WHERE c.id = p_case_id
    ON CONFLICT (case_id) DO UPDATE
        SET body = excluded.body, vector = excluded.vector, decided = excluded.decided, case_type = excluded.case_type
$$;

-- Statement-level triggers with transition tables: an analysis writing fifty rows refreshes
-- its case once, at the end of the statement, seeing every row the statement wrote (a decide's
-- status change included, since it is part of the same statement as its decision row).
CREATE FUNCTION refresh_search_for_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_case_search(case_id) FROM (SELECT DISTINCT case_id FROM changed_rows) AS touched;
    RETURN NULL;
END
$$;

-- A new case holds only its title and lot: its row is written directly, without the joins.
CREATE FUNCTION search_for_new_cases() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO case_search (case_id, body, vector, decided, case_type, created_at)
    SELECT id, concat_ws(E'\n', title, lot), setweight(to_tsvector('dms_fr', concat_ws(' ', title, lot)), 'A'),
           status = 'decided', case_type, created_at
    FROM changed_rows;
    RETURN NULL;
END
$$;

CREATE TRIGGER cases_search_insert AFTER INSERT ON cases
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION search_for_new_cases();
CREATE TRIGGER decisions_search AFTER INSERT ON decisions
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION refresh_search_for_rows();
CREATE TRIGGER criteria_search AFTER INSERT ON criteria
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION refresh_search_for_rows();
CREATE TRIGGER offer_fields_search AFTER INSERT ON offer_fields
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION refresh_search_for_rows();
CREATE TRIGGER document_texts_search AFTER INSERT ON document_texts
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION refresh_search_for_rows();

-- Existing cases get their row.
SELECT refresh_case_search(id) FROM cases;

-- The memory's head: one digest over every case's chain head, in case order. It changes
-- whenever any chain grows, and anyone with an export can recompute it.
CREATE FUNCTION memory_head(OUT events bigint, OUT chains bigint, OUT head text) LANGUAGE sql STABLE AS $$
    WITH heads AS (
        SELECT DISTINCT ON (case_id) case_id, seq, hash FROM events ORDER BY case_id, seq DESC
    )
    SELECT (SELECT count(*) FROM events),
           (SELECT count(*) FROM heads),
           encode(sha256(convert_to(coalesce(string_agg(case_id::text || ':' || seq || ':' || hash || E'\n', '' ORDER BY case_id), ''), 'UTF8')), 'hex')
    FROM heads
$$;
