-- Reference MSA backend, SQLite dialect. Keep in step with ../postgres/0003_followups_and_shared_limits.sql.
-- Issue 14: counsellor follow-ups for permanent refusals, and the per-kiosk rate limit in the
-- database so that several backend processes on one database share it.

-- One row per permanent refusal (409 alreadyEnrolled, 422 invalid, 422 idempotencyKeyReused) of an
-- authenticated request whose reference could be read: a counsellor reaches the person, who may have
-- left the kiosk before the answer came. Only what a counsellor needs (docs/contracts.md §3): no
-- birth date, no verification secret, no CGU version. Text columns hold the values as sent for
-- `invalid` (they may break the rules), as normalised by the core rules otherwise.
CREATE TABLE followups (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    reference   TEXT NOT NULL,
    kiosk_id    TEXT NOT NULL,              -- the kiosk the token belongs to
    idem_key    TEXT NOT NULL,
    body_sha256 TEXT NOT NULL,              -- canonical body hash: one follow-up per refused body
    reason      TEXT NOT NULL CHECK (reason IN ('alreadyEnrolled', 'invalid', 'idempotencyKeyReused')),
    codes       TEXT,                       -- invalid: the error codes, comma-separated (never a value)
    nir         TEXT,                       -- to find the person's file
    last_name   TEXT,
    first_name  TEXT,
    email       TEXT,                       -- as typed: the way to reach someone not matched on file
    phone       TEXT,
    department  TEXT,                       -- which caisse follows it up
    mailout     TEXT CHECK (mailout IN ('email', 'letter')),  -- what was sent to the person, if anything
    created_at  BIGINT NOT NULL,
    UNIQUE (kiosk_id, idem_key, body_sha256)
);
CREATE INDEX followups_reference ON followups (reference);

-- Token bucket per kiosk (`--kiosk-rate`), taken by one atomic upsert per request.
CREATE TABLE kiosk_buckets (
    kiosk_id   TEXT PRIMARY KEY,
    tokens     REAL NOT NULL,
    updated_ms BIGINT NOT NULL              -- Unix milliseconds of the last token taken
);
