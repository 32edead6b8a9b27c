-- Writes that happen exactly once (issue 21): an Idempotency-Key, per caller, for 24 hours. The
-- row is inserted by the write's own transaction (so it exists exactly when the write committed),
-- then completed with the answer the client got, which a repeat receives instead of a second write.
CREATE TABLE idempotency_keys (
    scope         text NOT NULL CHECK (char_length(scope) BETWEEN 1 AND 300),
    key           text NOT NULL CHECK (char_length(key) BETWEEN 1 AND 255),
    request_hash  text NOT NULL CHECK (request_hash ~ '^[0-9a-f]{64}$'),
    status        integer CHECK (status BETWEEN 100 AND 599),
    content_type  text,
    location      text,
    body          bytea,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- The OCDS releases list walks decided cases newest first (GET /api/ocds/releases).
CREATE INDEX decisions_decided_at_idx ON decisions (decided_at DESC, case_id DESC);
