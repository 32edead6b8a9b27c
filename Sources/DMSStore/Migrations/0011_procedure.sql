-- The procedure as the rules require it (issue 20): deadlines, the estimated budget whose amount
-- decides the procedure, offers sealed until the committee's opening session.

-- The organisation's « seuils »: from which estimated amount a procedure is required, per
-- currency. Data, not code: an organisation changes them with SQL (docs/OPERATIONS.md), each row
-- valid from a date so that a case is judged by the table of its time.
CREATE TABLE procedure_thresholds (
    currency     text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    from_amount  numeric(20, 2) NOT NULL CHECK (from_amount >= 0),
    case_type    text NOT NULL CHECK (case_type IN ('DAO', 'RFQ')),
    label        text NOT NULL CHECK (char_length(label) BETWEEN 1 AND 200),
    valid_from   date NOT NULL DEFAULT DATE '2000-01-01',
    PRIMARY KEY (currency, from_amount, valid_from)
);

-- An example table (XOF): below 25 million a request for quotations, from 25 million a tender
-- (dossier d'appel d'offres). Replace it with your organisation's.
INSERT INTO procedure_thresholds (currency, from_amount, case_type, label) VALUES
    ('XOF', 0, 'RFQ', 'Demande de cotation (moins de 25 000 000 FCFA)'),
    ('XOF', 25000000, 'DAO', 'Appel d''offres (à partir de 25 000 000 FCFA)'),
    ('EUR', 0, 'RFQ', 'Demande de cotation (moins de 38 000 EUR)'),
    ('EUR', 38000, 'DAO', 'Appel d''offres (à partir de 38 000 EUR)');

-- The procedure a budget requires: the highest threshold at or below the amount, as of a day.
CREATE FUNCTION required_case_type(p_amount numeric, p_currency text, p_on date)
RETURNS TABLE (case_type text, label text) LANGUAGE sql STABLE AS $$
    SELECT t.case_type, t.label FROM procedure_thresholds t
    WHERE t.currency = p_currency AND t.from_amount <= p_amount
      AND t.valid_from = (SELECT max(v.valid_from) FROM procedure_thresholds v WHERE v.currency = p_currency AND v.valid_from <= p_on)
    ORDER BY t.from_amount DESC LIMIT 1
$$;

ALTER TABLE cases
    ADD COLUMN deadline_at     timestamptz,
    ADD COLUMN opening_at      timestamptz,
    ADD COLUMN time_zone       text NOT NULL DEFAULT 'Africa/Bamako' CHECK (time_zone ~ '^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$' AND char_length(time_zone) <= 64),
    ADD COLUMN budget_amount   numeric(20, 2) CHECK (budget_amount > 0),
    ADD COLUMN budget_currency text CHECK (budget_currency ~ '^[A-Z]{3}$'),
    -- Set once, by the opening session.
    ADD COLUMN opened_at       timestamptz,
    ADD CONSTRAINT cases_budget_whole CHECK ((budget_amount IS NULL) = (budget_currency IS NULL)),
    ADD CONSTRAINT cases_opening_after_deadline CHECK (opening_at IS NULL OR deadline_at IS NULL OR opening_at >= deadline_at),
    ADD CONSTRAINT cases_opened_needs_deadline CHECK (opened_at IS NULL OR deadline_at IS NOT NULL);

-- Once opened, the session is a fact: its time and the deadline it closed stay as they are.
CREATE FUNCTION cases_opened_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.opened_at IS NOT NULL AND (NEW.opened_at IS DISTINCT FROM OLD.opened_at OR NEW.deadline_at IS DISTINCT FROM OLD.deadline_at) THEN
        RAISE EXCEPTION 'case % was opened at %: its opening and deadline are fixed', OLD.id, OLD.opened_at
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER cases_opened_fixed BEFORE UPDATE OF opened_at, deadline_at ON cases
    FOR EACH ROW EXECUTE FUNCTION cases_opened_fixed();

-- Each case that seals offers has its own AES-256 key, stored only wrapped (AES-GCM) by the
-- server's key (DMS_SEAL_KEY), whose id (the first 16 hex digits of its SHA-256) says which one.
-- A key rotation rewraps these rows (dms seal rotate): the one table that is updated in place.
CREATE TABLE case_seal_keys (
    case_id      uuid PRIMARY KEY REFERENCES cases (id),
    key_id       text NOT NULL CHECK (key_id ~ '^[0-9a-f]{16}$'),
    wrapped_key  bytea NOT NULL CHECK (octet_length(wrapped_key) = 60),
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- An offer received while the case seals offers: only its envelope (nonce || ciphertext || tag
-- of the file's name, type and bytes) and the facts of its receipt.
CREATE TABLE sealed_offers (
    id             uuid PRIMARY KEY,
    case_id        uuid NOT NULL REFERENCES cases (id),
    received_at    timestamptz NOT NULL DEFAULT now(),
    received_by    text NOT NULL CHECK (char_length(received_by) BETWEEN 1 AND 200),
    late           boolean NOT NULL,
    size           bigint NOT NULL CHECK (size > 0),
    sealed_sha256  text NOT NULL CHECK (sealed_sha256 ~ '^[0-9a-f]{64}$'),
    envelope       bytea NOT NULL,
    CHECK (octet_length(envelope) = size),
    CHECK (encode(sha256(envelope), 'hex') = sealed_sha256),
    UNIQUE (case_id, sealed_sha256)
);
ALTER TABLE sealed_offers ALTER COLUMN envelope SET STORAGE EXTERNAL;
CREATE INDEX sealed_offers_case_idx ON sealed_offers (case_id, received_at);

-- What each sealed offer became at the opening session.
CREATE TABLE offer_openings (
    sealed_offer_id  uuid PRIMARY KEY REFERENCES sealed_offers (id),
    -- Two envelopes of the same bytes open into one document.
    document_id      uuid NOT NULL REFERENCES documents (id),
    opened_at        timestamptz NOT NULL DEFAULT now()
);

-- An offer that arrived after the deadline (sealed or not) is marked, never refused.
ALTER TABLE documents ADD COLUMN late boolean NOT NULL DEFAULT false;

CREATE TRIGGER sealed_offers_append_only BEFORE UPDATE OR DELETE ON sealed_offers
    FOR EACH ROW EXECUTE FUNCTION reject_modification();
CREATE TRIGGER sealed_offers_no_truncate BEFORE TRUNCATE ON sealed_offers
    FOR EACH STATEMENT EXECUTE FUNCTION reject_modification();
CREATE TRIGGER offer_openings_append_only BEFORE UPDATE OR DELETE ON offer_openings
    FOR EACH ROW EXECUTE FUNCTION reject_modification();
CREATE TRIGGER offer_openings_no_truncate BEFORE TRUNCATE ON offer_openings
    FOR EACH STATEMENT EXECUTE FUNCTION reject_modification();
