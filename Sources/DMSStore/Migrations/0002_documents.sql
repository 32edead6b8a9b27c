-- Documents deposited in a case. Bytes live in PostgreSQL (instances are stateless, cloud disks
-- ephemeral), in a table of their own so listing never reads them.

CREATE TABLE documents (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    case_id      uuid NOT NULL REFERENCES cases (id),
    kind         text NOT NULL CHECK (kind IN ('dao', 'offer', 'cba_template', 'pv_template')),
    filename     text NOT NULL CHECK (octet_length(filename) BETWEEN 1 AND 255
                                      AND filename !~ '[\x01-\x1f\x7f-\x9f/\\]'),
    media_type   text NOT NULL CHECK (media_type IN (
                     'application/pdf',
                     'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
                     'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')),
    size         bigint NOT NULL CHECK (size > 0),
    sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    uploaded_by  text NOT NULL CHECK (char_length(uploaded_by) BETWEEN 1 AND 200),
    uploaded_at  timestamptz NOT NULL DEFAULT now(),
    -- The same bytes deposited twice in one case are one document.
    UNIQUE (case_id, sha256),
    UNIQUE (id, sha256)
);

CREATE INDEX documents_case_idx ON documents (case_id, uploaded_at, id);

-- The database itself guarantees that the stored bytes are the ones the hash names.
CREATE TABLE document_contents (
    document_id  uuid PRIMARY KEY,
    sha256       text NOT NULL,
    content      bytea NOT NULL CHECK (octet_length(content) > 0),
    CHECK (encode(sha256(content), 'hex') = sha256),
    FOREIGN KEY (document_id, sha256) REFERENCES documents (id, sha256)
);

-- PDF and OOXML are already compressed: store them as they are.
ALTER TABLE document_contents ALTER COLUMN content SET STORAGE EXTERNAL;

CREATE TRIGGER documents_append_only BEFORE UPDATE OR DELETE ON documents
    FOR EACH ROW EXECUTE FUNCTION reject_modification();
CREATE TRIGGER document_contents_append_only BEFORE UPDATE OR DELETE ON document_contents
    FOR EACH ROW EXECUTE FUNCTION reject_modification();
