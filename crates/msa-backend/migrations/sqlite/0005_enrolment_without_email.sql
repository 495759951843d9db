-- Issue 15: a person without an e-mail address can enrol (the password comes by post).
-- enrolments.email becomes nullable: NULL is « no e-mail address given ». SQLite cannot
-- drop a NOT NULL constraint, so the table is rebuilt with the same columns and index.
-- Keep in step with ../postgres/0005_enrolment_without_email.sql.
CREATE TABLE enrolments_new (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    reference         TEXT NOT NULL,
    kiosk_id          TEXT NOT NULL,              -- the kiosk the token belongs to
    claimed_kiosk_id  TEXT NOT NULL,              -- kioskId in the body
    idempotency_key   TEXT NOT NULL,
    nir               TEXT NOT NULL,
    last_name         TEXT NOT NULL,
    first_name        TEXT NOT NULL,
    birth_date        TEXT NOT NULL,
    email             TEXT,                       -- NULL: no e-mail address, password by post
    phone             TEXT,
    verification_kind TEXT NOT NULL,
    vitale_card       TEXT,
    department        TEXT NOT NULL,
    cgu_version       TEXT NOT NULL,
    outcome           TEXT NOT NULL,
    detail            TEXT NOT NULL,
    received_at       BIGINT NOT NULL
);
INSERT INTO enrolments_new SELECT id, reference, kiosk_id, claimed_kiosk_id, idempotency_key, nir,
    last_name, first_name, birth_date, email, phone, verification_kind, vitale_card, department,
    cgu_version, outcome, detail, received_at FROM enrolments;
DROP TABLE enrolments;
ALTER TABLE enrolments_new RENAME TO enrolments;
CREATE INDEX enrolments_reference ON enrolments (reference);
