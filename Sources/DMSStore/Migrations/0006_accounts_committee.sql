-- Accounts, credentials and the case committee (SPEC §6). Secrets are never stored: passwords as
-- bcrypt hashes, API tokens and session ids as SHA-256 hex of the random value handed out once.

CREATE TABLE users (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email          text NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254 AND email ~ '^[^@\s]+@[^@\s]+$'),
    display_name   text NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 200
                                        AND display_name !~ '[\x01-\x1f\x7f-\x9f]'),
    roles          text[] NOT NULL CHECK (cardinality(roles) >= 1
                                          AND roles <@ ARRAY['agent', 'comite', 'admin']::text[]),
    password_hash  text NOT NULL CHECK (password_hash ~ '^\$2[abxy]?\$[0-9]{2}\$'),
    active         boolean NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL DEFAULT now()
);

-- One account per address, whatever its case.
CREATE UNIQUE INDEX users_email_idx ON users (lower(email));

CREATE TABLE api_tokens (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES users (id),
    name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100 AND name !~ '[\x01-\x1f\x7f-\x9f]'),
    token_hash  text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz,
    revoked_at  timestamptz,
    CHECK (expires_at IS NULL OR expires_at > created_at)
);

CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, created_at DESC);

-- Browser sessions live here, not in an instance's memory: any instance serves any request.
CREATE TABLE sessions (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES users (id),
    token_hash  text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    -- Synchronizer token for cookie-authenticated writes (sent back in X-CSRF-Token).
    csrf_token  text NOT NULL CHECK (char_length(csrf_token) BETWEEN 32 AND 128),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    CHECK (expires_at > created_at)
);

-- Failed sign-ins, counted per e-mail and per client address over a sliding window; kept in the
-- database so the limit holds across instances.
CREATE TABLE login_failures (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email           text NOT NULL,
    client_address  text NOT NULL,
    failed_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX login_failures_email_idx ON login_failures (lower(email), failed_at DESC);
CREATE INDEX login_failures_address_idx ON login_failures (client_address, failed_at DESC);

-- The committee of a case: who sits, in which function. Replaced as a whole while the case is
-- not decided (each change is an event); one president at most.
CREATE TABLE committee_members (
    case_id   uuid NOT NULL REFERENCES cases (id),
    user_id   uuid NOT NULL REFERENCES users (id),
    function  text NOT NULL CHECK (function IN ('president', 'rapporteur', 'membre', 'observateur')),
    PRIMARY KEY (case_id, user_id)
);

CREATE UNIQUE INDEX committee_one_president_idx ON committee_members (case_id) WHERE function = 'president';

-- Each member's written declaration about conflicts of interest: once, never changed.
CREATE TABLE committee_declarations (
    case_id      uuid NOT NULL REFERENCES cases (id),
    user_id      uuid NOT NULL REFERENCES users (id),
    no_conflict  boolean NOT NULL,
    note         text CHECK (note IS NULL OR char_length(note) BETWEEN 1 AND 2000),
    declared_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, user_id)
);

CREATE TRIGGER committee_declarations_append_only BEFORE UPDATE OR DELETE ON committee_declarations
    FOR EACH ROW EXECUTE FUNCTION reject_modification();

-- Who decided and who was present, by account.
ALTER TABLE decisions ADD COLUMN decided_by_user uuid REFERENCES users (id);
ALTER TABLE decisions ADD COLUMN present uuid[] NOT NULL DEFAULT '{}';

-- Events name the acting account. The id is part of what is hashed when there is one; events
-- without it (v0.1 and development mode) hash exactly as before.
ALTER TABLE events ADD COLUMN actor_id uuid REFERENCES users (id);

CREATE FUNCTION event_canonical(p_case_id uuid, p_seq integer, p_type text, p_actor text, p_actor_id uuid,
                                p_created_at timestamptz, p_payload jsonb)
RETURNS text LANGUAGE sql STABLE AS $$
    SELECT (jsonb_build_object(
        'case_id', p_case_id,
        'seq', p_seq,
        'type', p_type,
        'actor', p_actor,
        'at', to_char(p_created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'payload', p_payload
    ) || CASE WHEN p_actor_id IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('actor_id', p_actor_id) END)::text
$$;

CREATE OR REPLACE FUNCTION events_link() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_seq  integer;
    last_hash text;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(NEW.case_id::text, 0));
    SELECT e.seq, e.hash INTO last_seq, last_hash
      FROM events e WHERE e.case_id = NEW.case_id ORDER BY e.seq DESC LIMIT 1;
    NEW.seq := COALESCE(last_seq, 0) + 1;
    NEW.prev_hash := COALESCE(last_hash, repeat('0', 64));
    NEW.created_at := now();
    NEW.hash := encode(sha256(convert_to(
        NEW.prev_hash || event_canonical(NEW.case_id, NEW.seq, NEW.type, NEW.actor, NEW.actor_id, NEW.created_at, NEW.payload),
        'UTF8')), 'hex');
    RETURN NEW;
END
$$;
