-- Issued reports: every CBA and PV a committee issued, kept byte for byte (SPEC invariant 5).
-- Reading or downloading never writes; issuing is a POST that adds a version here and a
-- `report_issued` event in the same transaction.

CREATE TABLE reports (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    case_id      uuid NOT NULL REFERENCES cases (id),
    kind         text NOT NULL CHECK (kind IN ('cba', 'pv_ouverture', 'pv_analyse')),
    version      integer NOT NULL CHECK (version >= 1),
    filename     text NOT NULL CHECK (octet_length(filename) BETWEEN 1 AND 255),
    media_type   text NOT NULL CHECK (media_type IN (
                     'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
                     'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')),
    size         bigint NOT NULL CHECK (size > 0),
    sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    -- The hash of the case's last event the report describes (report events excluded).
    memory_head  text NOT NULL CHECK (memory_head ~ '^[0-9a-f]{64}$'),
    issued_by    text NOT NULL CHECK (char_length(issued_by) BETWEEN 1 AND 200),
    issued_at    timestamptz NOT NULL DEFAULT now(),
    content      bytea NOT NULL,
    CHECK (octet_length(content) = size),
    CHECK (encode(sha256(content), 'hex') = sha256),
    UNIQUE (case_id, kind, version)
);

ALTER TABLE reports ALTER COLUMN content SET STORAGE EXTERNAL;

CREATE INDEX reports_case_idx ON reports (case_id, issued_at DESC, id DESC);

CREATE TRIGGER reports_append_only BEFORE UPDATE OR DELETE ON reports
    FOR EACH ROW EXECUTE FUNCTION reject_modification();
CREATE TRIGGER reports_no_truncate BEFORE TRUNCATE ON reports
    FOR EACH STATEMENT EXECUTE FUNCTION reject_modification();
