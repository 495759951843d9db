-- The outbox: every enrolment confirmed on screen, until the MSA backend has answered for good.
-- The payload is the enrolment request encrypted with XChaCha20-Poly1305 under the outbox key
-- held in the OS keyring; nothing personal is stored in clear.
CREATE TABLE outbox (
    id               TEXT PRIMARY KEY,      -- UUIDv7: sorts by creation time
    idempotency_key  TEXT NOT NULL UNIQUE,  -- sent on every retry, so the backend deduplicates
    reference        TEXT NOT NULL,         -- the short reference shown to the person
    nonce            BLOB NOT NULL,
    payload          BLOB NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,      -- unix milliseconds
    last_error       TEXT,                  -- a code such as "timeout" or "http-503", never a body
    created_at       INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox (next_attempt_at);

-- What the agency may count: no personal data, only the reference and the outcome.
CREATE TABLE delivered (
    reference     TEXT NOT NULL,
    outcome       TEXT NOT NULL,
    attempts      INTEGER NOT NULL,
    queued_at     INTEGER NOT NULL,
    delivered_at  INTEGER NOT NULL
);
