-- The competing values an extraction found for a field (kept beside the chosen one, shown to
-- the committee), and every analysis run kept with its inputs and results (SPEC invariant 5).

ALTER TABLE offer_fields ADD COLUMN candidates jsonb NOT NULL DEFAULT '[]'::jsonb
    CHECK (jsonb_typeof(candidates) = 'array');

-- Criteria keep a stable id (derived from where they were read) so people's changes to them
-- survive a re-analysis; rows from before this migration get theirs from the code.
ALTER TABLE criteria ADD COLUMN id uuid;
CREATE UNIQUE INDEX criteria_id_idx ON criteria (case_id, id);

-- The current analysis says which run it is and how each document was read.
ALTER TABLE analyses ADD COLUMN run integer NOT NULL DEFAULT 1 CHECK (run >= 1);
ALTER TABLE analyses ADD COLUMN documents jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(documents) = 'array');

-- Every run, as the machine read it: what "the analysis of 12 March" said, for ever.
CREATE TABLE analysis_runs (
    case_id    uuid NOT NULL REFERENCES cases (id),
    run        integer NOT NULL CHECK (run >= 1),
    run_at     timestamptz NOT NULL DEFAULT now(),
    run_by     text NOT NULL CHECK (char_length(run_by) BETWEEN 1 AND 200),
    actor_id   uuid REFERENCES users (id),
    inputs     jsonb NOT NULL CHECK (jsonb_typeof(inputs) = 'array'),
    documents  jsonb NOT NULL CHECK (jsonb_typeof(documents) = 'array'),
    warnings   jsonb NOT NULL CHECK (jsonb_typeof(warnings) = 'array'),
    criteria   jsonb NOT NULL CHECK (jsonb_typeof(criteria) = 'array'),
    offers     jsonb NOT NULL CHECK (jsonb_typeof(offers) = 'array'),
    fields     jsonb NOT NULL CHECK (jsonb_typeof(fields) = 'array'),
    PRIMARY KEY (case_id, run)
);

CREATE TRIGGER analysis_runs_append_only BEFORE UPDATE OR DELETE ON analysis_runs
    FOR EACH ROW EXECUTE FUNCTION reject_modification();

-- People's changes to the criteria (add, update, delete), each with its reason: kept for ever,
-- applied over the latest analysis's criteria.
CREATE TABLE criterion_edits (
    seq             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id         uuid NOT NULL REFERENCES cases (id),
    criterion_id    uuid NOT NULL,
    action          text NOT NULL CHECK (action IN ('add', 'update', 'delete')),
    label           text CHECK (label IS NULL OR char_length(label) BETWEEN 1 AND 1000),
    category        text CHECK (category IS NULL OR category IN ('essentiel', 'technique', 'commercial', 'durabilite')),
    points          numeric CHECK (points IS NULL OR points >= 0),
    weight_percent  numeric CHECK (weight_percent IS NULL OR (weight_percent >= 0 AND weight_percent <= 100)),
    eliminatory     boolean,
    reason          text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 2000),
    edited_by       text NOT NULL CHECK (char_length(edited_by) BETWEEN 1 AND 200),
    actor_id        uuid REFERENCES users (id),
    edited_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (action <> 'add' OR (label IS NOT NULL AND category IS NOT NULL))
);

CREATE INDEX criterion_edits_case_idx ON criterion_edits (case_id, seq);

CREATE TRIGGER criterion_edits_append_only BEFORE UPDATE OR DELETE ON criterion_edits
    FOR EACH ROW EXECUTE FUNCTION reject_modification();

-- Analyses made before this migration become run 1, as they were read, so "every run kept" holds
-- for them too (the shapes are the store's row format, see AnalysisRows.swift).
INSERT INTO analysis_runs (case_id, run, run_at, run_by, inputs, documents, warnings, criteria, offers, fields)
SELECT a.case_id, 1, a.run_at, a.run_by, a.inputs, a.documents, a.warnings,
       (SELECT coalesce(jsonb_agg(jsonb_build_object(
               'id', c.id, 'position', c.position, 'label', c.label, 'category', c.category, 'points', c.points,
               'weight_percent', c.weight_percent, 'eliminatory', c.eliminatory, 'document_id', c.document_id,
               'sha256', c.sha256, 'location', c.location, 'snippet', c.snippet) ORDER BY c.position), '[]'::jsonb)
        FROM criteria c WHERE c.case_id = a.case_id),
       (SELECT coalesce(jsonb_agg(jsonb_build_object(
               'supplier_key', o.supplier_key, 'position', o.position, 'parts', o.parts, 'document_ids', o.document_ids)
               ORDER BY o.position), '[]'::jsonb)
        FROM offers o WHERE o.case_id = a.case_id),
       (SELECT coalesce(jsonb_agg(jsonb_build_object(
               'supplier_key', f.supplier_key, 'field', f.field, 'value', f.value, 'confidence', f.confidence,
               'document_id', f.document_id, 'sha256', f.sha256, 'location', f.location, 'snippet', f.snippet,
               'candidates', f.candidates)), '[]'::jsonb)
        FROM offer_fields f WHERE f.case_id = a.case_id)
FROM analyses a;
