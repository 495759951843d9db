-- Agency console (issue 17), SQLite dialect. Keep in step with ../postgres/0004_console.sql.
-- Counts, codes and times only: nothing here may hold a NIR, a name, an e-mail, a birth date
-- or a secret of a person at a kiosk. Times are Unix seconds (BIGINT).

-- An agency belongs to one caisse; staff see the kiosks of their agency, or of every agency
-- of their caisse.
CREATE TABLE agencies (
    id     TEXT PRIMARY KEY,
    caisse TEXT NOT NULL,
    name   TEXT NOT NULL
);
CREATE INDEX agencies_caisse ON agencies (caisse);

-- Which agency a kiosk stands in (a kiosk without a row is shown to nobody).
CREATE TABLE kiosk_agencies (
    kiosk_id  TEXT PRIMARY KEY REFERENCES kiosks (id),
    agency_id TEXT NOT NULL REFERENCES agencies (id)
);
CREATE INDEX kiosk_agencies_agency ON kiosk_agencies (agency_id);

-- The latest heartbeat of each kiosk (docs/openapi.yaml, Heartbeat).
CREATE TABLE kiosk_heartbeats (
    kiosk_id                 TEXT PRIMARY KEY REFERENCES kiosks (id),
    received_at              BIGINT NOT NULL,
    version                  TEXT NOT NULL,
    queue_size               BIGINT NOT NULL,
    queue_oldest_age_seconds BIGINT,
    needs_attention          BIGINT NOT NULL,
    last_delivery_at         BIGINT,
    updater_result           TEXT,
    crashes_recovered        BIGINT NOT NULL,
    printer                  TEXT NOT NULL,
    availability             TEXT NOT NULL CHECK (availability IN ('ready', 'unavailable', 'notConfigured')),
    availability_reason      TEXT,
    step                     BIGINT CHECK (step BETWEEN 1 AND 7),
    conditions               TEXT NOT NULL          -- the attention codes in force, space-separated
);

-- A kiosk's history: a condition starting or ending, a version change, a silence, a help call.
CREATE TABLE kiosk_incidents (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    kiosk_id TEXT NOT NULL REFERENCES kiosks (id),
    at       BIGINT NOT NULL,
    phase    TEXT NOT NULL CHECK (phase IN ('start', 'end', 'event')),
    code     TEXT NOT NULL,
    detail   TEXT                                   -- a version, a number or a code; never free text
);
CREATE INDEX kiosk_incidents_kiosk ON kiosk_incidents (kiosk_id, at);

-- « Besoin d'aide ? »: at most one open call per kiosk.
CREATE TABLE help_calls (
    id              TEXT PRIMARY KEY,               -- a UUID
    kiosk_id        TEXT NOT NULL REFERENCES kiosks (id),
    step            BIGINT CHECK (step BETWEEN 1 AND 7),
    opened_at       BIGINT NOT NULL,
    closed_at       BIGINT,
    closed_by       TEXT CHECK (closed_by IN ('agent', 'kiosk')),
    closed_by_staff BIGINT
);
CREATE UNIQUE INDEX help_calls_one_open ON help_calls (kiosk_id) WHERE closed_at IS NULL;
CREATE INDEX help_calls_open ON help_calls (closed_at, opened_at);

-- Agency staff: argon2id PHC strings only; locked for a while after too many failures.
CREATE TABLE staff (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    login         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    scope_kind    TEXT NOT NULL CHECK (scope_kind IN ('agency', 'caisse')),
    scope_id      TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('agent', 'observer')),
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until  BIGINT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

-- Console sessions: only the SHA-256 of the cookie's token is stored.
CREATE TABLE staff_sessions (
    token_sha256 TEXT PRIMARY KEY,
    staff_id     BIGINT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    csrf         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX staff_sessions_expiry ON staff_sessions (expires_at);
