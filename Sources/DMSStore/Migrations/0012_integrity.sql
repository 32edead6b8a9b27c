-- Integrity facts between offers (issue 22): what links the files of two suppliers — the same
-- author, a passage copied outside the DAO, one phone number, near-equal totals, another
-- supplier's name — each with its evidence. Information for the committee, never a score.

-- Every run keeps the links it showed, as it showed them (the memory of what was said).
ALTER TABLE analysis_runs ADD COLUMN integrity jsonb NOT NULL DEFAULT '[]'::jsonb
    CHECK (jsonb_typeof(integrity) = 'array');

-- The current analysis's links, one row each, so that a supplier's links in every case are one
-- index look-up away (GET /api/suppliers/{key}/links). Derived data like the offers: replaced
-- by each analysis run, kept in analysis_runs.
CREATE TABLE integrity_links (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id     uuid NOT NULL,
    run         integer NOT NULL CHECK (run >= 1),
    position    integer NOT NULL CHECK (position >= 1),
    kind        text NOT NULL CHECK (kind IN ('same_metadata', 'shared_contact', 'shared_text', 'similar_prices', 'names_other_supplier')),
    subject     text NOT NULL CHECK (char_length(subject) BETWEEN 1 AND 40),
    supplier_a  text NOT NULL CHECK (char_length(supplier_a) BETWEEN 1 AND 1000),
    supplier_b  text NOT NULL CHECK (char_length(supplier_b) BETWEEN 1 AND 1000),
    name_a      text NOT NULL CHECK (char_length(name_a) BETWEEN 1 AND 1000),
    name_b      text NOT NULL CHECK (char_length(name_b) BETWEEN 1 AND 1000),
    value       text NOT NULL CHECK (char_length(value) <= 2000),
    note        text NOT NULL CHECK (char_length(note) BETWEEN 1 AND 4000),
    evidence    jsonb NOT NULL CHECK (jsonb_typeof(evidence) = 'array' AND jsonb_array_length(evidence) >= 1),
    -- A supplier is never linked to itself.
    CHECK (supplier_a <> supplier_b),
    UNIQUE (case_id, position),
    FOREIGN KEY (case_id, run) REFERENCES analysis_runs (case_id, run)
);

-- A supplier's links, newest first, whichever side of the pair it is on.
CREATE INDEX integrity_links_supplier_a_idx ON integrity_links (supplier_a, id DESC);
CREATE INDEX integrity_links_supplier_b_idx ON integrity_links (supplier_b, id DESC);
