-- The current analysis of a case: criteria from the tender file, one offer per supplier with its
-- extracted fields and their sources. Re-running replaces these rows (they are derived data); the
-- memory keeps every run as an `analysis_run` event with its input hashes.

CREATE TABLE analyses (
    case_id   uuid PRIMARY KEY REFERENCES cases (id),
    run_at    timestamptz NOT NULL DEFAULT now(),
    run_by    text NOT NULL CHECK (char_length(run_by) BETWEEN 1 AND 200),
    inputs    jsonb NOT NULL CHECK (jsonb_typeof(inputs) = 'array'),
    warnings  jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(warnings) = 'array')
);

CREATE TABLE criteria (
    case_id         uuid NOT NULL REFERENCES analyses (case_id),
    position        integer NOT NULL CHECK (position >= 1),
    label           text NOT NULL CHECK (char_length(label) BETWEEN 1 AND 1000),
    category        text NOT NULL CHECK (category IN ('essentiel', 'technique', 'commercial', 'durabilite')),
    points          numeric CHECK (points >= 0),
    weight_percent  numeric CHECK (weight_percent >= 0 AND weight_percent <= 100),
    eliminatory     boolean NOT NULL,
    document_id     uuid NOT NULL REFERENCES documents (id),
    sha256          text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    location        text NOT NULL,
    snippet         text NOT NULL,
    PRIMARY KEY (case_id, position)
);

CREATE TABLE offers (
    case_id       uuid NOT NULL REFERENCES analyses (case_id),
    supplier_key  text NOT NULL CHECK (char_length(supplier_key) BETWEEN 1 AND 400),
    position      integer NOT NULL CHECK (position >= 1),
    parts         text[] NOT NULL CHECK (parts <@ ARRAY['ADMINISTRATIVE', 'TECHNICAL', 'FINANCIAL']::text[]),
    document_ids  uuid[] NOT NULL CHECK (cardinality(document_ids) >= 1),
    PRIMARY KEY (case_id, supplier_key),
    UNIQUE (case_id, position)
);

-- One row per field; a NULL value is a field in REVUE MANUELLE, and then it has no source.
CREATE TABLE offer_fields (
    case_id       uuid NOT NULL,
    supplier_key  text NOT NULL,
    field         text NOT NULL CHECK (field IN ('supplier', 'total_amount', 'delivery_days', 'validity_days')),
    value         jsonb,
    confidence    text CHECK (confidence IN ('high', 'low')),
    document_id   uuid REFERENCES documents (id),
    sha256        text CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    location      text,
    snippet       text,
    CHECK ((value IS NULL) = (confidence IS NULL)
           AND (value IS NULL) = (document_id IS NULL)
           AND (document_id IS NULL) = (sha256 IS NULL)),
    PRIMARY KEY (case_id, supplier_key, field),
    FOREIGN KEY (case_id, supplier_key) REFERENCES offers (case_id, supplier_key) ON DELETE CASCADE
);

-- Human corrections of fields the extraction could not read: kept forever, never merged into
-- the extracted value, shown beside it.
CREATE TABLE offer_corrections (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id       uuid NOT NULL REFERENCES cases (id),
    supplier_key  text NOT NULL CHECK (char_length(supplier_key) BETWEEN 1 AND 400),
    field         text NOT NULL CHECK (field IN ('supplier', 'total_amount', 'delivery_days', 'validity_days')),
    value         jsonb NOT NULL,
    reason        text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 2000),
    corrected_by  text NOT NULL CHECK (char_length(corrected_by) BETWEEN 1 AND 200),
    corrected_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX offer_corrections_case_idx ON offer_corrections (case_id, supplier_key, field, id);

CREATE TRIGGER offer_corrections_append_only BEFORE UPDATE OR DELETE ON offer_corrections
    FOR EACH ROW EXECUTE FUNCTION reject_modification();
