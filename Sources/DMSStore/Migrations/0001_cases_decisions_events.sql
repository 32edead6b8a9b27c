-- Couche A foundation: cases, the committee's decisions, and the memory's event log.
-- Constraints live here, not only in Swift: the database refuses what the domain refuses.

CREATE TABLE cases (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    case_type   text NOT NULL CHECK (case_type IN ('DAO', 'RFQ')),
    title       text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 300
                                     AND title !~ '[\x01-\x1f\x7f-\x9f]'),
    lot         text CHECK (lot IS NULL OR (char_length(lot) BETWEEN 1 AND 100
                                            AND lot !~ '[\x01-\x1f\x7f-\x9f]')),
    status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'analyzed', 'decided')),
    created_by  text NOT NULL CHECK (char_length(created_by) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (updated_at >= created_at)
);

-- Timestamps leave the database as ISO-8601 text, UTC, microseconds, explicit offset: exact in
-- JSON and in pagination cursors, whatever the server's TimeZone.
CREATE FUNCTION iso_utc(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')
$$;

-- Keyset pagination, newest first, with and without the filters the list offers.
CREATE INDEX cases_newest_idx ON cases (created_at DESC, id DESC);
CREATE INDEX cases_status_newest_idx ON cases (status, created_at DESC, id DESC);
CREATE INDEX cases_type_newest_idx ON cases (case_type, created_at DESC, id DESC);

-- A decided case stays decided: the human decision is final.
CREATE FUNCTION cases_keep_decided() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'decided' AND NEW.status <> 'decided' THEN
        RAISE EXCEPTION 'case % is decided; its status cannot change', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER cases_keep_decided BEFORE UPDATE OF status ON cases
    FOR EACH ROW EXECUTE FUNCTION cases_keep_decided();

CREATE TABLE decisions (
    case_id          uuid PRIMARY KEY REFERENCES cases (id),
    chosen_supplier  text NOT NULL CHECK (char_length(chosen_supplier) BETWEEN 1 AND 300
                                          AND chosen_supplier !~ '[\x01-\x1f\x7f-\x9f]'),
    decision_reason  text NOT NULL CHECK (char_length(decision_reason) BETWEEN 1 AND 5000),
    next_action      text CHECK (next_action IS NULL OR char_length(next_action) BETWEEN 1 AND 1000),
    decided_by       text NOT NULL CHECK (char_length(decided_by) BETWEEN 1 AND 200),
    decided_at       timestamptz NOT NULL DEFAULT now()
);

-- The memory: one hash chain per case. Appends to one case are serialized by that case's row
-- lock; appends to different cases run in parallel (SPEC §4, docs/ARCHITECTURE.md).
CREATE TABLE events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id     uuid NOT NULL REFERENCES cases (id),
    seq         integer NOT NULL CHECK (seq >= 1),
    type        text NOT NULL CHECK (type ~ '^[a-z][a-z_]{1,63}$'),
    actor       text NOT NULL CHECK (char_length(actor) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL DEFAULT now(),
    payload     jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(payload) = 'object'),
    prev_hash   text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
    hash        text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
    UNIQUE (case_id, seq)
);

-- The exact text that is hashed: jsonb's rendering is canonical (sorted keys, fixed spacing),
-- the time is UTC with microseconds whatever the server's TimeZone.
CREATE FUNCTION event_canonical(p_case_id uuid, p_seq integer, p_type text, p_actor text,
                                p_created_at timestamptz, p_payload jsonb)
RETURNS text LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'case_id', p_case_id,
        'seq', p_seq,
        'type', p_type,
        'actor', p_actor,
        'at', to_char(p_created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'payload', p_payload
    )::text
$$;

-- Links every new event to its case's chain. Clients cannot choose seq, time or hashes.
-- A transaction-scoped advisory lock per case serializes appends to one chain (it is released
-- only after commit, and works through transaction-mode poolers); other cases are not blocked.
CREATE FUNCTION events_link() RETURNS trigger LANGUAGE plpgsql AS $$
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
        NEW.prev_hash || event_canonical(NEW.case_id, NEW.seq, NEW.type, NEW.actor, NEW.created_at, NEW.payload),
        'UTF8')), 'hex');
    RETURN NEW;
END
$$;

CREATE TRIGGER events_link BEFORE INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION events_link();

-- Append-only, enforced by the database itself.
CREATE FUNCTION reject_modification() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION reject_modification();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION reject_modification();
CREATE TRIGGER decisions_append_only BEFORE UPDATE OR DELETE ON decisions
    FOR EACH ROW EXECUTE FUNCTION reject_modification();
CREATE TRIGGER decisions_no_truncate BEFORE TRUNCATE ON decisions
    FOR EACH STATEMENT EXECUTE FUNCTION reject_modification();
