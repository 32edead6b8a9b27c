-- Sealed checkpoints of the memory (docs/ARCHIVE.md): one global append-only chain. Each
-- checkpoint hashes the previous one and the heads (case_id, seq, hash) of every case whose chain
-- grew since, so cutting or rewriting a case's tail afterwards no longer goes unnoticed.

CREATE TABLE memory_checkpoints (
    seq        bigint PRIMARY KEY CHECK (seq >= 1),
    -- One successor per checkpoint: the chain cannot fork.
    prev_hash  text NOT NULL UNIQUE CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
    hash       text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
    sealed_at  timestamptz NOT NULL,
    heads      integer NOT NULL CHECK (heads >= 1),
    -- Who asked: 'service' (the periodic sealer) or 'cli' (dms memory checkpoint).
    sealed_by  text NOT NULL CHECK (sealed_by IN ('service', 'cli'))
);

CREATE TABLE checkpoint_heads (
    checkpoint_seq bigint NOT NULL REFERENCES memory_checkpoints (seq),
    case_id        uuid NOT NULL,
    seq            integer NOT NULL CHECK (seq >= 1),
    hash           text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
    PRIMARY KEY (checkpoint_seq, case_id)
);
-- "The latest sealed head of this case" is one index probe.
CREATE INDEX checkpoint_heads_case_idx ON checkpoint_heads (case_id, seq DESC) INCLUDE (checkpoint_seq, hash);

CREATE TRIGGER memory_checkpoints_append_only BEFORE UPDATE OR DELETE ON memory_checkpoints
    FOR EACH ROW EXECUTE FUNCTION reject_modification();
CREATE TRIGGER memory_checkpoints_no_truncate BEFORE TRUNCATE ON memory_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION reject_modification();
CREATE TRIGGER checkpoint_heads_append_only BEFORE UPDATE OR DELETE ON checkpoint_heads
    FOR EACH ROW EXECUTE FUNCTION reject_modification();
CREATE TRIGGER checkpoint_heads_no_truncate BEFORE TRUNCATE ON checkpoint_heads
    FOR EACH STATEMENT EXECUTE FUNCTION reject_modification();

-- A checkpoint links to the last one: seq + 1 and its hash (whoever inserts it).
CREATE FUNCTION memory_checkpoints_link() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_seq  bigint;
    last_hash text;
BEGIN
    SELECT c.seq, c.hash INTO last_seq, last_hash FROM memory_checkpoints c ORDER BY c.seq DESC LIMIT 1;
    IF NEW.seq <> COALESCE(last_seq, 0) + 1 OR NEW.prev_hash <> COALESCE(last_hash, repeat('0', 64)) THEN
        RAISE EXCEPTION 'checkpoint % does not follow checkpoint %', NEW.seq, COALESCE(last_seq, 0)
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER memory_checkpoints_link BEFORE INSERT ON memory_checkpoints
    FOR EACH ROW EXECUTE FUNCTION memory_checkpoints_link();

-- The text a checkpoint's hash covers (docs/ARCHIVE.md), `\n` after every line.
CREATE FUNCTION checkpoint_text(p_seq bigint, p_prev text, p_sealed_at timestamptz, p_heads text)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT 'dms-checkpoint/1' || E'\n'
        || 'seq ' || p_seq || E'\n'
        || 'prev ' || p_prev || E'\n'
        || 'sealed_at ' || to_char(p_sealed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || E'\n'
        || p_heads
$$;

-- Seals the heads of every case whose chain grew since the last checkpoint; returns the new
-- checkpoint, or nothing when nothing grew (or, with p_wait false, when another session is
-- sealing right now). Under READ COMMITTED each statement sees what is committed: the heads are
-- read without locking anything, so writers never wait for a seal. Sealers queue on one
-- transaction-scoped advisory lock (usable through transaction-mode poolers).
CREATE FUNCTION seal_checkpoint(p_wait boolean, p_sealed_by text)
RETURNS TABLE (seq bigint, hash text, heads integer, sealed_at text) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_prev_seq  bigint;
    v_prev_hash text;
    v_prev_at   timestamptz;
    v_cases     uuid[];
    v_seqs      integer[];
    v_hashes    text[];
    v_seq       bigint;
    v_at        timestamptz;
    v_hash      text;
BEGIN
    IF p_wait THEN
        PERFORM pg_advisory_xact_lock(hashtextextended('dms:memory_checkpoint', 0));
    ELSIF NOT pg_try_advisory_xact_lock(hashtextextended('dms:memory_checkpoint', 0)) THEN
        RETURN;
    END IF;
    SELECT c.seq, c.hash, c.sealed_at INTO v_prev_seq, v_prev_hash, v_prev_at
      FROM memory_checkpoints c ORDER BY c.seq DESC LIMIT 1;
    SELECT array_agg(g.case_id ORDER BY g.case_id), array_agg(g.seq ORDER BY g.case_id), array_agg(g.hash ORDER BY g.case_id)
      INTO v_cases, v_seqs, v_hashes
      FROM (SELECT c.id AS case_id, h.seq, h.hash
              FROM cases c
              CROSS JOIN LATERAL (SELECT e.seq, e.hash FROM events e WHERE e.case_id = c.id ORDER BY e.seq DESC LIMIT 1) h
              LEFT JOIN LATERAL (SELECT k.seq FROM checkpoint_heads k WHERE k.case_id = c.id ORDER BY k.seq DESC LIMIT 1) s ON true
             WHERE s.seq IS NULL OR h.seq > s.seq) g;
    IF v_cases IS NULL THEN
        RETURN;
    END IF;
    v_seq := COALESCE(v_prev_seq, 0) + 1;
    -- Truncated to microseconds (what timestamptz keeps), never before the previous checkpoint.
    v_at := greatest(date_trunc('microseconds', clock_timestamp()), v_prev_at);
    v_hash := encode(sha256(convert_to(checkpoint_text(v_seq, COALESCE(v_prev_hash, repeat('0', 64)), v_at,
        (SELECT string_agg(u.case_id::text || ' ' || u.seq || ' ' || u.hash || E'\n', '' ORDER BY u.case_id)
           FROM unnest(v_cases, v_seqs, v_hashes) AS u(case_id, seq, hash))), 'UTF8')), 'hex');
    INSERT INTO memory_checkpoints (seq, prev_hash, hash, sealed_at, heads, sealed_by)
    VALUES (v_seq, COALESCE(v_prev_hash, repeat('0', 64)), v_hash, v_at, cardinality(v_cases), p_sealed_by);
    INSERT INTO checkpoint_heads (checkpoint_seq, case_id, seq, hash)
    SELECT v_seq, u.case_id, u.seq, u.hash FROM unnest(v_cases, v_seqs, v_hashes) AS u(case_id, seq, hash);
    RETURN QUERY SELECT v_seq, v_hash, cardinality(v_cases),
        to_char(v_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
END
$$;
