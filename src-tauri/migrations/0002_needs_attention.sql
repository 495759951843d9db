-- Issue 14, « every answer has an owner ». Additive only: rows queued before it read as pending
-- (NULL in every new column).
-- A permanent refusal the backend took no follow-up for is kept, encrypted, « needs attention »,
-- until an operator retries or exports it (`msa-kiosk outbox ...`): never deleted.
ALTER TABLE outbox ADD COLUMN attention_since INTEGER;  -- unix milliseconds; NULL while pending
ALTER TABLE outbox ADD COLUMN attention_reason TEXT;    -- the answer's outcome and error codes, never a value
-- Which outbox key sealed the row: a fingerprint of the key, never the key. NULL for rows queued
-- before this migration. A kiosk whose keyring lost the key sees that rows need it.
ALTER TABLE outbox ADD COLUMN key_id TEXT;
