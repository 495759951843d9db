-- Reference MSA backend, SQLite dialect. Keep in step with ../postgres/0001_init.sql.
-- Times are Unix seconds (BIGINT); dates are ISO text (YYYY-MM-DD).

CREATE TABLE kiosks (
    id           TEXT PRIMARY KEY,
    token_sha256 TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL
);

CREATE TABLE insured (
    nir            TEXT PRIMARY KEY,          -- the 13 characters, no key
    last_name      TEXT NOT NULL,
    first_name     TEXT NOT NULL,
    birth_date     TEXT NOT NULL,
    email          TEXT,                      -- NULL: no e-mail on file, password by post
    vitale_card    TEXT CHECK (vitale_card IN ('photo', 'noPhoto')),
    vitale_serial  TEXT,
    postal_address TEXT NOT NULL,
    department     TEXT NOT NULL
);

CREATE TABLE insured_children (
    nir        TEXT NOT NULL REFERENCES insured (nir),
    first_name TEXT NOT NULL,
    birth_date TEXT NOT NULL
);
CREATE INDEX insured_children_nir ON insured_children (nir);

CREATE TABLE insured_payments (
    nir     TEXT NOT NULL REFERENCES insured (nir),
    paid_on TEXT NOT NULL,
    cents   BIGINT NOT NULL,
    label   TEXT NOT NULL
);
CREATE INDEX insured_payments_nir ON insured_payments (nir);

CREATE TABLE accounts (
    nir           TEXT PRIMARY KEY,
    status        TEXT NOT NULL CHECK (status IN ('active', 'pendingPostal')),
    password_hash TEXT,                       -- argon2id PHC string, never the password
    reference     TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

CREATE TABLE mailouts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT NOT NULL CHECK (kind IN ('email', 'letter')),
    reference  TEXT NOT NULL,
    nir        TEXT,
    recipient  TEXT NOT NULL,
    contents   TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE enrolments (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    reference         TEXT NOT NULL,
    kiosk_id          TEXT NOT NULL,              -- the kiosk the token belongs to
    claimed_kiosk_id  TEXT NOT NULL,              -- kioskId in the body
    idempotency_key   TEXT NOT NULL,
    nir               TEXT NOT NULL,
    last_name         TEXT NOT NULL,
    first_name        TEXT NOT NULL,
    birth_date        TEXT NOT NULL,
    email             TEXT NOT NULL,
    phone             TEXT,
    verification_kind TEXT NOT NULL,
    vitale_card       TEXT,
    department        TEXT NOT NULL,
    cgu_version       TEXT NOT NULL,
    outcome           TEXT NOT NULL,
    detail            TEXT NOT NULL,
    received_at       BIGINT NOT NULL
);
CREATE INDEX enrolments_reference ON enrolments (reference);

CREATE TABLE idempotency (
    kiosk_id    TEXT NOT NULL,
    idem_key    TEXT NOT NULL,
    body_sha256 TEXT NOT NULL,
    status      BIGINT,
    answer      TEXT,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (kiosk_id, idem_key)
);

CREATE TABLE verification_failures (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    nir       TEXT NOT NULL,
    failed_at BIGINT NOT NULL
);
CREATE INDEX verification_failures_nir ON verification_failures (nir, failed_at);
