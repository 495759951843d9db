//! The durable outbox: nothing confirmed on screen is ever lost.
//!
//! Longer than 400 lines: its unit tests (encryption at rest, set-aside entries, health, « needs
//! attention », the lost key) sit beside it.
//!
//! Each enrolment is written here (SQLite in WAL mode with `synchronous=FULL`, so a committed row
//! survives power loss) *before* the confirmation screen appears. The delivery worker sends it,
//! with the same idempotency key on every retry, and deletes it once the backend has answered
//! for good, keeping only a non-personal line (reference, outcome, times) for the statistics.
//! « For good » means the backend owns the enrolment (docs/contracts.md §3 « Who owns an
//! enrolment »): a permanent refusal without `followUp: "recorded"` is kept, encrypted, in the
//! « needs attention » state until an operator acts (`msa-kiosk outbox …`, [`OutboxRows`]).
//!
//! The request is encrypted with XChaCha20-Poly1305 under a 256-bit key that lives in the OS
//! keyring; the idempotency key is the associated data, so a payload cannot be moved to another
//! row unnoticed. Each row also carries the key's fingerprint ([`OutboxKey::id`]): a kiosk whose
//! keyring lost the key refuses to mint a new one over rows sealed under it
//! ([`Outbox::open_with_keyring`]).

use std::path::Path;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use enrol_core::wire::EnrolmentRequest;
use rand::RngCore;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::secrets::{Secret, SecretStore, StoreError, KIOSK_SERVICE};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./src-tauri/migrations");

/// `next_attempt_at` of an entry that cannot be decrypted: far in the future, out of the way.
const SET_ASIDE: i64 = i64::MAX / 2;

/// The keyring entry holding the outbox key.
pub const OUTBOX_KEY_ENTRY: &str = "outbox-key";

#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    #[error("outbox database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("outbox migrations: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("outbox key: {0}")]
    Key(#[from] StoreError),
    #[error("the outbox key in the keyring is malformed")]
    MalformedKey,
    #[error("an outbox entry could not be decrypted (wrong key or tampered row)")]
    Decrypt,
    #[error("an outbox entry could not be encoded")]
    Encode,
    /// The keyring holds no outbox key but the outbox holds rows sealed under one: a new key
    /// would leave them unreadable for ever. `msa-kiosk outbox restore-key` puts it back.
    #[error("the outbox key is missing from the keyring while {rows} queued enrolment(s) need it (msa-kiosk outbox restore-key)")]
    KeyMissing { rows: i64 },
}

/// The 256-bit outbox key. Zeroed on drop; never printed.
pub struct OutboxKey(Zeroizing<[u8; 32]>);

impl OutboxKey {
    /// The key as the keyring keeps it: 32 bytes in standard base64 (what `msa-kiosk outbox
    /// restore-key` reads). Surrounding white space is ignored.
    pub fn parse(text: &str) -> Result<OutboxKey, OutboxError> {
        let engine = base64::engine::general_purpose::STANDARD;
        let bytes = Zeroizing::new(
            engine
                .decode(text.trim())
                .map_err(|_| OutboxError::MalformedKey)?,
        );
        let mut key = Zeroizing::new([0u8; 32]);
        if bytes.len() != key.len() {
            return Err(OutboxError::MalformedKey);
        }
        key.copy_from_slice(&bytes);
        Ok(OutboxKey(key))
    }

    /// The key in the keyring, if there is one.
    pub fn load(store: &dyn SecretStore) -> Result<Option<OutboxKey>, OutboxError> {
        match store.get(KIOSK_SERVICE, OUTBOX_KEY_ENTRY)? {
            Some(secret) => Ok(Some(OutboxKey::parse(secret.expose())?)),
            None => Ok(None),
        }
    }

    /// Stores this key in the keyring (the entry `outbox-key`).
    pub fn store(&self, store: &dyn SecretStore) -> Result<(), OutboxError> {
        let engine = base64::engine::general_purpose::STANDARD;
        store.set(
            KIOSK_SERVICE,
            OUTBOX_KEY_ENTRY,
            &Secret::new(engine.encode(self.0.as_ref())),
        )?;
        Ok(())
    }

    /// The key's fingerprint, stored beside every row it seals: 16 hex digits, the first 8
    /// bytes of the Poly1305 tag of an empty message under the key with a fixed nonce and a
    /// fixed associated data. A keyed function of the key (nothing about the key can be read
    /// from it) that needs no other primitive than the outbox's own cipher.
    pub fn id(&self) -> String {
        let cipher = XChaCha20Poly1305::new(self.0.as_ref().into());
        let tag = cipher
            .encrypt(
                XNonce::from_slice(&[0u8; 24]),
                Payload {
                    msg: &[],
                    aad: b"msa-kiosk outbox key id v1",
                },
            )
            .unwrap_or_default();
        tag.iter().take(8).map(|b| format!("{b:02x}")).collect()
    }

    /// Reads the key from the keyring, creating it on the first start. Prefer
    /// [`Outbox::open_with_keyring`], which refuses to create one over rows sealed under a lost
    /// key.
    pub fn load_or_create(store: &dyn SecretStore) -> Result<OutboxKey, OutboxError> {
        if let Some(key) = OutboxKey::load(store)? {
            return Ok(key);
        }
        let mut key = Zeroizing::new([0u8; 32]);
        rand::rng().fill_bytes(key.as_mut());
        let key = OutboxKey(key);
        key.store(store)?;
        tracing::info!("created a new outbox key in the OS keyring");
        Ok(key)
    }

    #[cfg(test)]
    pub fn random() -> OutboxKey {
        let mut key = Zeroizing::new([0u8; 32]);
        rand::rng().fill_bytes(key.as_mut());
        OutboxKey(key)
    }
}

/// An enrolment waiting for delivery, decrypted.
pub struct Pending {
    pub id: String,
    pub idempotency_key: Uuid,
    pub reference: String,
    pub request: EnrolmentRequest,
    pub attempts: u32,
    pub created_at: i64,
}

/// The queue as `msa-kiosk status` shows it: counts, times (unix ms) and error codes only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxHealth {
    /// Confirmed on screen, not yet answered for good by the backend.
    pub waiting: i64,
    pub oldest_queued_at: Option<i64>,
    /// Entries the current key cannot decrypt (kept, never deleted; see `due`).
    pub set_aside: i64,
    /// Permanent refusals the backend took no follow-up for, kept for an operator
    /// (docs/contracts.md §3), and when the oldest of them was queued.
    pub needs_attention: i64,
    pub oldest_attention_queued_at: Option<i64>,
    /// The code of the oldest waiting entry's last failure, such as `unreachable` or `http-503`.
    pub last_error: Option<String>,
    pub last_delivered_at: Option<i64>,
    /// Delivered enrolments per outcome.
    pub delivered: Vec<(String, i64)>,
}

#[derive(Clone)]
pub struct Outbox {
    pool: SqlitePool,
    cipher: XChaCha20Poly1305,
    /// [`OutboxKey::id`] of the key, written beside every row.
    key_id: String,
    /// Bumped by every change of the queue made through this outbox or its clones.
    revision: Arc<AtomicU64>,
}

/// Opens (creating it if needed) and migrates the outbox's database.
async fn connect(path: &Path) -> Result<SqlitePool, OutboxError> {
    let options = SqliteConnectOptions::from_str("sqlite://")?
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: a commit is on disk before the confirmation screen says so.
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(10));
    // One connection: a single writer, so no SQLITE_BUSY between the worker and a submit.
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?;
    MIGRATOR.run(&pool).await?;
    Ok(pool)
}

impl Outbox {
    pub async fn open(path: &Path, key: &OutboxKey) -> Result<Outbox, OutboxError> {
        let pool = connect(path).await?;
        let cipher = XChaCha20Poly1305::new(key.0.as_ref().into());
        Ok(Outbox {
            pool,
            cipher,
            key_id: key.id(),
            revision: Arc::default(),
        })
    }

    /// Opens the outbox with the key in `store`. The key is created only when the keyring has
    /// none **and** the outbox holds no row: rows sealed under a lost key give
    /// [`OutboxError::KeyMissing`] (the kiosk shows « indisponible », code `outbox.keyMissing`,
    /// until `msa-kiosk outbox restore-key`), never a silent new key.
    pub async fn open_with_keyring(
        path: &Path,
        store: &dyn SecretStore,
    ) -> Result<Outbox, OutboxError> {
        if let Some(key) = OutboxKey::load(store)? {
            return Outbox::open(path, &key).await;
        }
        let rows = OutboxRows::open(path).await?;
        let count = rows.count().await?;
        rows.close().await;
        if count > 0 {
            return Err(OutboxError::KeyMissing { rows: count });
        }
        Outbox::open(path, &OutboxKey::load_or_create(store)?).await
    }

    /// The rows without their payloads, for the operator's commands.
    pub fn rows(&self) -> OutboxRows {
        OutboxRows {
            pool: self.pool.clone(),
        }
    }

    /// A number that changes whenever the queue does (an entry queued, rescheduled, set aside
    /// or completed) through this outbox or a clone: [`health`](Self::health) need not be read
    /// again while it stays the same. In memory only; the process is the queue's one writer.
    pub fn revision(&self) -> u64 {
        self.revision.load(Ordering::SeqCst)
    }

    fn changed(&self) {
        self.revision.fetch_add(1, Ordering::SeqCst);
    }

    /// Writes the enrolment durably. Returns once it is committed to disk.
    pub async fn enqueue(
        &self,
        idempotency_key: Uuid,
        request: &EnrolmentRequest,
        now_ms: i64,
    ) -> Result<(), OutboxError> {
        let plain = Zeroizing::new(serde_json::to_vec(request).map_err(|_| OutboxError::Encode)?);
        let mut nonce = [0u8; 24];
        rand::rng().fill_bytes(&mut nonce);
        let aad = idempotency_key.to_string();
        let payload = self
            .cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &plain,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| OutboxError::Encode)?;
        sqlx::query(
            "INSERT INTO outbox (id, idempotency_key, reference, nonce, payload, next_attempt_at, created_at, key_id)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(Uuid::now_v7().to_string())
        .bind(&aad)
        .bind(&request.reference)
        .bind(&nonce[..])
        .bind(payload)
        .bind(now_ms)
        .bind(now_ms)
        .bind(&self.key_id)
        .execute(&self.pool)
        .await?;
        self.changed();
        Ok(())
    }

    /// The oldest entry whose next attempt is due, decrypted.
    pub async fn next_due(&self, now_ms: i64) -> Result<Option<Pending>, OutboxError> {
        Ok(self.due(now_ms, 1).await?.into_iter().next())
    }

    /// Up to `limit` due entries, oldest first, decrypted. An entry that cannot be decrypted is
    /// kept (it may be read again with the right key) but set aside, so that it does not block
    /// the entries behind it; the error is returned when nothing else is due.
    pub async fn due(&self, now_ms: i64, limit: u32) -> Result<Vec<Pending>, OutboxError> {
        let rows = sqlx::query(
            "SELECT id, idempotency_key, reference, nonce, payload, attempts, created_at FROM outbox
             WHERE next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
        )
        .bind(now_ms)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        let mut pending = Vec::with_capacity(rows.len());
        let mut set_aside = false;
        for row in rows {
            let id: String = row.get("id");
            match self.decrypt_row(&row) {
                Some((idempotency_key, request)) => pending.push(Pending {
                    id,
                    idempotency_key,
                    reference: row.get("reference"),
                    request,
                    attempts: row.get::<i64, _>("attempts").try_into().unwrap_or(u32::MAX),
                    created_at: row.get("created_at"),
                }),
                None => {
                    set_aside = true;
                    sqlx::query("UPDATE outbox SET next_attempt_at = ?, last_error = 'undecryptable' WHERE id = ? AND attention_since IS NULL")
                        .bind(SET_ASIDE)
                        .bind(&id)
                        .execute(&self.pool)
                        .await?;
                    self.changed();
                }
            }
        }
        if pending.is_empty() && set_aside {
            return Err(OutboxError::Decrypt);
        }
        Ok(pending)
    }

    fn decrypt_row(&self, row: &sqlx::sqlite::SqliteRow) -> Option<(Uuid, EnrolmentRequest)> {
        let idempotency_key: String = row.get("idempotency_key");
        let nonce: Vec<u8> = row.get("nonce");
        let payload: Vec<u8> = row.get("payload");
        if nonce.len() != 24 {
            return None;
        }
        let plain = Zeroizing::new(
            self.cipher
                .decrypt(
                    XNonce::from_slice(&nonce),
                    Payload {
                        msg: &payload,
                        aad: idempotency_key.as_bytes(),
                    },
                )
                .ok()?,
        );
        let request = serde_json::from_slice(&plain).ok()?;
        Some((Uuid::parse_str(&idempotency_key).ok()?, request))
    }

    /// The backend answered for good: the row goes, a non-personal line stays for statistics.
    pub async fn complete(
        &self,
        pending: &Pending,
        outcome: &str,
        now_ms: i64,
    ) -> Result<(), OutboxError> {
        self.complete_many(&[(pending, outcome)], now_ms).await
    }

    /// `complete` for several entries in one transaction (one sync to disk).
    pub async fn complete_many(
        &self,
        done: &[(&Pending, &str)],
        now_ms: i64,
    ) -> Result<(), OutboxError> {
        let mut tx = self.pool.begin().await?;
        for (pending, outcome) in done {
            sqlx::query("DELETE FROM outbox WHERE id = ?")
                .bind(&pending.id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO delivered (reference, outcome, attempts, queued_at, delivered_at) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(&pending.reference)
            .bind(*outcome)
            .bind(i64::from(pending.attempts) + 1)
            .bind(pending.created_at)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        self.changed();
        Ok(())
    }

    /// The attempt failed in a way worth retrying: try again at `next_attempt_at`.
    pub async fn reschedule(
        &self,
        id: &str,
        next_attempt_at: i64,
        error_code: &str,
    ) -> Result<(), OutboxError> {
        sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?",
        )
        .bind(next_attempt_at)
        .bind(error_code)
        .bind(id)
        .execute(&self.pool)
        .await?;
        self.changed();
        Ok(())
    }

    /// Permanent refusals the backend took no follow-up for: each row stays, encrypted, out of
    /// the worker's way, « needs attention » since `now_ms` with its `reason` (the answer's
    /// outcome and error codes, never a value), in one transaction.
    pub async fn hold_for_attention(
        &self,
        held: &[(&Pending, String)],
        now_ms: i64,
    ) -> Result<(), OutboxError> {
        let mut tx = self.pool.begin().await?;
        for (pending, reason) in held {
            sqlx::query(
                "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = NULL,
                 attention_since = ?, attention_reason = ? WHERE id = ?",
            )
            .bind(SET_ASIDE)
            .bind(now_ms)
            .bind(reason)
            .bind(&pending.id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        self.changed();
        Ok(())
    }

    /// The enrolment queued under `reference`, decrypted, whatever its state: for a
    /// counsellor (`msa-kiosk outbox export`). `Ok(None)` when no row has that reference;
    /// [`OutboxError::Decrypt`] when this key cannot read it.
    pub async fn export(&self, reference: &str) -> Result<Option<EnrolmentRequest>, OutboxError> {
        let row = sqlx::query(
            "SELECT idempotency_key, nonce, payload FROM outbox WHERE reference = ? ORDER BY id LIMIT 1",
        )
        .bind(reference)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            None => Ok(None),
            Some(row) => match self.decrypt_row(&row) {
                Some((_, request)) => Ok(Some(request)),
                None => Err(OutboxError::Decrypt),
            },
        }
    }

    /// How many rows this key reads, and how many it cannot (`msa-kiosk outbox restore-key`
    /// checks a key before putting it back). Changes nothing.
    pub async fn readable(&self) -> Result<(i64, i64), OutboxError> {
        let rows = sqlx::query("SELECT idempotency_key, nonce, payload FROM outbox")
            .fetch_all(&self.pool)
            .await?;
        let read = rows
            .iter()
            .filter(|row| self.decrypt_row(row).is_some())
            .count();
        let read = i64::try_from(read).unwrap_or(i64::MAX);
        Ok((read, i64::try_from(rows.len()).unwrap_or(i64::MAX) - read))
    }

    pub async fn pending_count(&self) -> Result<i64, OutboxError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM outbox")
            .fetch_one(&self.pool)
            .await?)
    }

    /// When the next entry falls due, if any.
    pub async fn next_attempt_at(&self) -> Result<Option<i64>, OutboxError> {
        Ok(
            sqlx::query_scalar("SELECT MIN(next_attempt_at) FROM outbox")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Delivered enrolments per outcome, for the kiosk's status.
    pub async fn delivered_counts(&self) -> Result<Vec<(String, i64)>, OutboxError> {
        let rows = sqlx::query(
            "SELECT outcome, COUNT(*) AS n FROM delivered GROUP BY outcome ORDER BY outcome",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| (row.get("outcome"), row.get("n")))
            .collect())
    }

    /// What the agency's IT team needs to know of the queue, nothing personal.
    pub async fn health(&self) -> Result<OutboxHealth, OutboxError> {
        let waiting = sqlx::query(
            "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE next_attempt_at < ?",
        )
        .bind(SET_ASIDE)
        .fetch_one(&self.pool)
        .await?;
        let set_aside: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE next_attempt_at >= ? AND attention_since IS NULL",
        )
        .bind(SET_ASIDE)
        .fetch_one(&self.pool)
        .await?;
        let attention = sqlx::query(
            "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE attention_since IS NOT NULL",
        )
        .fetch_one(&self.pool)
        .await?;
        let last_error: Option<String> = sqlx::query_scalar(
            "SELECT last_error FROM outbox WHERE next_attempt_at < ? AND last_error IS NOT NULL ORDER BY id LIMIT 1",
        )
        .bind(SET_ASIDE)
        .fetch_optional(&self.pool)
        .await?;
        let last_delivered_at: Option<i64> =
            sqlx::query_scalar("SELECT MAX(delivered_at) FROM delivered")
                .fetch_one(&self.pool)
                .await?;
        Ok(OutboxHealth {
            waiting: waiting.get("n"),
            oldest_queued_at: waiting.get("oldest"),
            set_aside,
            needs_attention: attention.get("n"),
            oldest_attention_queued_at: attention.get("oldest"),
            last_error,
            last_delivered_at,
            delivered: self.delivered_counts().await?,
        })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Where a row stands, as `msa-kiosk outbox list` shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowState {
    /// Waiting for its next attempt.
    Pending,
    /// A permanent refusal nobody at the backend owns: an operator must act.
    NeedsAttention,
    /// The current key cannot read it (kept; a restored key reads it again).
    SetAside,
}

impl RowState {
    pub fn code(self) -> &'static str {
        match self {
            RowState::Pending => "pending",
            RowState::NeedsAttention => "needsAttention",
            RowState::SetAside => "setAside",
        }
    }
}

/// One row without its payload: nothing personal (the reference is the short code shown to
/// the person, also printed on the receipt).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowSummary {
    pub reference: String,
    pub state: RowState,
    /// Unix milliseconds.
    pub queued_at: i64,
    pub attempts: i64,
    /// The attention reason (outcome and codes) or the last failure's code.
    pub reason: Option<String>,
}

/// The outbox's rows without their payloads: what the operator's commands read and change
/// without the key (`msa-kiosk outbox list`, `retry`).
pub struct OutboxRows {
    pool: SqlitePool,
}

impl OutboxRows {
    pub async fn open(path: &Path) -> Result<OutboxRows, OutboxError> {
        Ok(OutboxRows {
            pool: connect(path).await?,
        })
    }

    /// Every row queued, whatever its state.
    pub async fn count(&self) -> Result<i64, OutboxError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM outbox")
            .fetch_one(&self.pool)
            .await?)
    }

    /// Every row, oldest first.
    pub async fn list(&self) -> Result<Vec<RowSummary>, OutboxError> {
        let rows = sqlx::query(
            "SELECT reference, created_at, attempts, next_attempt_at, last_error, attention_since,
                    attention_reason FROM outbox ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let attention: Option<i64> = row.get("attention_since");
                let next: i64 = row.get("next_attempt_at");
                let (state, reason) = if attention.is_some() {
                    (RowState::NeedsAttention, row.get("attention_reason"))
                } else if next >= SET_ASIDE {
                    (RowState::SetAside, row.get("last_error"))
                } else {
                    (RowState::Pending, row.get("last_error"))
                };
                RowSummary {
                    reference: row.get("reference"),
                    state,
                    queued_at: row.get("created_at"),
                    attempts: row.get("attempts"),
                    reason,
                }
            })
            .collect())
    }

    /// Puts the row(s) of `reference` back to pending, due at `now_ms`, whatever their state;
    /// returns how many. The running kiosk's worker takes them at its next look (at most
    /// 30 s).
    pub async fn retry(&self, reference: &str, now_ms: i64) -> Result<u64, OutboxError> {
        Ok(sqlx::query(
            "UPDATE outbox SET next_attempt_at = ?, attention_since = NULL, attention_reason = NULL
             WHERE reference = ?",
        )
        .bind(now_ms)
        .bind(reference)
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    /// Puts every « needs attention » row back to pending; returns how many.
    pub async fn retry_all_attention(&self, now_ms: i64) -> Result<u64, OutboxError> {
        Ok(sqlx::query(
            "UPDATE outbox SET next_attempt_at = ?, attention_since = NULL, attention_reason = NULL
             WHERE attention_since IS NOT NULL",
        )
        .bind(now_ms)
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use enrol_core::wire::WireVerification;

    fn request(reference: &str) -> EnrolmentRequest {
        EnrolmentRequest {
            reference: reference.into(),
            kiosk_id: "test".into(),
            nir: "1841276451089".into(),
            nir_key: "08".into(),
            last_name: "Canari".into(),
            first_name: "Jaune".into(),
            birth_date: "1984-12-03".into(),
            email: Some("canari@example.fr".into()),
            phone: None,
            verification: WireVerification::None,
            department: "44".into(),
            cgu_version: "sha256:0000000000000000".into(),
        }
    }

    #[tokio::test]
    async fn an_entry_is_stored_encrypted_and_comes_back_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outbox.db");
        let outbox = Outbox::open(&path, &OutboxKey::random()).await.unwrap();
        let key = Uuid::new_v4();
        outbox
            .enqueue(key, &request("AAAA-BBBB"), 1_000)
            .await
            .unwrap();
        assert!(outbox.next_due(999).await.unwrap().is_none(), "not due yet");
        let pending = outbox.next_due(1_000).await.unwrap().unwrap();
        assert_eq!(pending.idempotency_key, key);
        assert_eq!(pending.request, request("AAAA-BBBB"));
        outbox.close().await;

        // Nothing personal in clear in the database, its WAL or its journal.
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            for canary in ["1841276451089", "Canari", "canari@example.fr", "1984-12-03"] {
                assert!(!text.contains(canary), "{canary} found in clear");
            }
        }
    }

    #[tokio::test]
    async fn a_completed_entry_leaves_only_its_statistics() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(&dir.path().join("o.db"), &OutboxKey::random())
            .await
            .unwrap();
        outbox
            .enqueue(Uuid::new_v4(), &request("CCCC-DDDD"), 0)
            .await
            .unwrap();
        let pending = outbox.next_due(0).await.unwrap().unwrap();
        outbox.reschedule(&pending.id, 50, "timeout").await.unwrap();
        assert!(outbox.next_due(10).await.unwrap().is_none());
        let pending = outbox.next_due(50).await.unwrap().unwrap();
        assert_eq!(pending.attempts, 1);
        outbox.complete(&pending, "postal", 60).await.unwrap();
        assert_eq!(outbox.pending_count().await.unwrap(), 0);
        assert_eq!(
            outbox.delivered_counts().await.unwrap(),
            vec![("postal".to_owned(), 1)]
        );
    }

    #[tokio::test]
    async fn the_revision_moves_with_every_change_of_the_queue_only() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(&dir.path().join("o.db"), &OutboxKey::random())
            .await
            .unwrap();
        let worker_side = outbox.clone();
        let start = outbox.revision();
        outbox
            .enqueue(Uuid::new_v4(), &request("GGGG-HHHH"), 0)
            .await
            .unwrap();
        let queued = worker_side.revision();
        assert!(queued > start, "a clone sees the enqueue");
        outbox.health().await.unwrap();
        assert!(worker_side.next_due(-1).await.unwrap().is_none());
        assert_eq!(outbox.revision(), queued, "reading changes nothing");
        let pending = worker_side.next_due(0).await.unwrap().unwrap();
        worker_side
            .reschedule(&pending.id, 5, "timeout")
            .await
            .unwrap();
        let rescheduled = outbox.revision();
        assert!(rescheduled > queued);
        let pending = worker_side.next_due(5).await.unwrap().unwrap();
        worker_side.complete(&pending, "postal", 6).await.unwrap();
        assert!(outbox.revision() > rescheduled);
    }

    #[tokio::test]
    async fn health_counts_waiting_set_aside_and_delivered() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("o.db");
        let key = OutboxKey::random();
        let outbox = Outbox::open(&path, &key).await.unwrap();
        let empty = outbox.health().await.unwrap();
        assert_eq!(
            (empty.waiting, empty.set_aside, empty.oldest_queued_at),
            (0, 0, None)
        );
        for (n, at) in [(1, 1_000), (2, 2_000), (3, 3_000)] {
            outbox
                .enqueue(Uuid::new_v4(), &request(&format!("AAAA-000{n}")), at)
                .await
                .unwrap();
        }
        let first = outbox.next_due(5_000).await.unwrap().unwrap();
        outbox
            .reschedule(&first.id, 9_000, "http-503")
            .await
            .unwrap();
        let second = outbox.next_due(5_000).await.unwrap().unwrap();
        outbox.complete(&second, "verified", 6_000).await.unwrap();
        let health = outbox.health().await.unwrap();
        assert_eq!(health.waiting, 2);
        assert_eq!(health.oldest_queued_at, Some(1_000));
        assert_eq!(health.last_error.as_deref(), Some("http-503"));
        assert_eq!(health.last_delivered_at, Some(6_000));
        assert_eq!(health.delivered, vec![("verified".to_owned(), 1)]);
        assert_eq!(health.set_aside, 0);
        outbox.close().await;

        // Under another key, what cannot be read is counted apart, not as waiting.
        let other = Outbox::open(&path, &OutboxKey::random()).await.unwrap();
        assert!(other.next_due(10_000).await.is_err());
        let health = other.health().await.unwrap();
        assert_eq!((health.waiting, health.set_aside), (1, 1));
    }

    #[tokio::test]
    async fn another_key_cannot_read_the_outbox() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("o.db");
        let outbox = Outbox::open(&path, &OutboxKey::random()).await.unwrap();
        outbox
            .enqueue(Uuid::new_v4(), &request("EEEE-FFFF"), 0)
            .await
            .unwrap();
        outbox.close().await;
        let other = Outbox::open(&path, &OutboxKey::random()).await.unwrap();
        assert!(matches!(other.next_due(0).await, Err(OutboxError::Decrypt)));
        // Set aside, not lost: it no longer blocks the queue, and it is still there.
        assert!(other.next_due(0).await.unwrap().is_none());
        assert_eq!(other.pending_count().await.unwrap(), 1);
    }

    #[tokio::test]
    async fn a_refusal_nobody_owns_stays_needing_attention_until_retried() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(&dir.path().join("o.db"), &OutboxKey::random())
            .await
            .unwrap();
        for (reference, at) in [("ATTN-0001", 1_000), ("ATTN-0002", 2_000)] {
            outbox
                .enqueue(Uuid::new_v4(), &request(reference), at)
                .await
                .unwrap();
        }
        let first = outbox.next_due(5_000).await.unwrap().unwrap();
        let before = outbox.revision();
        outbox
            .hold_for_attention(&[(&first, "invalid(nir.checksum)".to_owned())], 5_000)
            .await
            .unwrap();
        assert!(outbox.revision() > before);
        // Out of the worker's way, never due, but still there, readable and counted apart.
        let due = outbox.due(i64::MAX / 4, 10).await.unwrap();
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].reference, "ATTN-0002");
        let health = outbox.health().await.unwrap();
        assert_eq!(
            (health.waiting, health.set_aside, health.needs_attention),
            (1, 0, 1)
        );
        assert_eq!(health.oldest_attention_queued_at, Some(1_000));
        assert_eq!(
            outbox.export("ATTN-0001").await.unwrap(),
            Some(request("ATTN-0001"))
        );
        let listed = outbox.rows().list().await.unwrap();
        assert_eq!(listed[0].state, RowState::NeedsAttention);
        assert_eq!(listed[0].reason.as_deref(), Some("invalid(nir.checksum)"));
        assert_eq!(listed[0].attempts, 1);
        assert_eq!(listed[1].state, RowState::Pending);

        assert_eq!(outbox.rows().retry_all_attention(6_000).await.unwrap(), 1);
        let again: Vec<String> = outbox
            .due(6_000, 10)
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.reference)
            .collect();
        assert_eq!(again, ["ATTN-0002", "ATTN-0001"], "due again, at 6 000");
        assert_eq!(outbox.health().await.unwrap().needs_attention, 0);
        assert_eq!(outbox.rows().retry("NONE-0000", 6_000).await.unwrap(), 0);
    }

    #[tokio::test]
    async fn a_lost_key_is_not_replaced_over_queued_rows_and_can_be_restored() {
        use crate::secrets::MemoryStore;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("o.db");
        let store = MemoryStore::default();
        let outbox = Outbox::open_with_keyring(&path, &store).await.unwrap();
        let original = OutboxKey::load(&store)
            .unwrap()
            .expect("created on an empty outbox");
        outbox
            .enqueue(Uuid::new_v4(), &request("LOST-0001"), 0)
            .await
            .unwrap();
        outbox.close().await;

        // The keyring is reset: no new key while the row needs the old one.
        let reset = MemoryStore::default();
        let refused = Outbox::open_with_keyring(&path, &reset).await;
        assert!(matches!(refused, Err(OutboxError::KeyMissing { rows: 1 })));
        assert!(OutboxKey::load(&reset).unwrap().is_none(), "no key minted");

        // Another key reads nothing; the original reads the row.
        let wrong = Outbox::open(&path, &OutboxKey::random()).await.unwrap();
        assert_eq!(wrong.readable().await.unwrap(), (0, 1));
        wrong.close().await;
        let text = base64::engine::general_purpose::STANDARD.encode(original.0.as_ref());
        let restored = OutboxKey::parse(&format!("{text}\n")).unwrap();
        assert_eq!(restored.id(), original.id());
        assert_ne!(restored.id(), OutboxKey::random().id());
        restored.store(&reset).unwrap();
        let back = Outbox::open_with_keyring(&path, &reset).await.unwrap();
        assert_eq!(
            back.next_due(0).await.unwrap().unwrap().reference,
            "LOST-0001"
        );
        assert!(OutboxKey::parse("c2hvcnQ=").is_err());
    }
}
