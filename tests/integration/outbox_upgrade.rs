//! An update that changes the outbox schema keeps the enrolments queued before it (issue 20).
//!
//! The outbox is made as the first release made it: only its first migration, applied by
//! `sqlx` from its SQL file (so `_sqlx_migrations` holds that file's checksum, as on a kiosk),
//! and rows written as that release wrote them: the request's JSON sealed with
//! XChaCha20-Poly1305 under the outbox key kept in the real OS keyring, the idempotency key as
//! associated data. Then the current code opens it (applying every later migration in
//! `src-tauri/migrations/`, whatever their number) and must read the rows and deliver them to
//! a real reference backend on loopback.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use enrol_core::wire::EnrolmentAnswer;
use msa_test_support::{free_port, Backend, KIOSK_TOKEN};
use rand::RngCore;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::Row;
use uuid::Uuid;

use crate::kiosk::{
    deliver_one, now_ms, Attempt, BackendClient, KeyringStore, Outbox, OutboxKey, Secret,
    SecretStore, KIOSK_SERVICE, OUTBOX_KEY_ENTRY,
};

/// Every migration of the kiosk's outbox, in the order `sqlx` applies them: (version, file).
fn migrations() -> Vec<(i64, PathBuf)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/migrations");
    let mut found: Vec<(i64, PathBuf)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "sql"))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let version = name.split('_').next().unwrap().parse().unwrap();
            (version, path)
        })
        .collect();
    found.sort();
    found
}

/// One queued enrolment as release 1 wrote it: the request's JSON exactly as its wire format
/// was then (camelCase keys, `verification` tagged on `kind`), not as today's types print it.
struct Queued {
    reference: &'static str,
    json: String,
    attempts: i64,
    last_error: Option<&'static str>,
}

fn release_one_rows() -> Vec<Queued> {
    let cgu = enrol_core::CguVersion::of("CGU");
    // Jean Dupont of the backend's demo data, with his Vitale serial: verified.
    let jean = format!(
        r#"{{"reference":"UPGR-0001","kioskId":"e2e-kiosk","nir":"1841276451089","nirKey":"46","lastName":"Dupont","firstName":"Jean","birthDate":"1984-12-03","email":"jean.dupont@example.fr","verification":{{"kind":"vitaleSerial","card":"photo","serial":"12345678901"}},"department":"44","cguVersion":"{}"}}"#,
        cgu.as_str()
    );
    // Someone the backend does not know, with a phone number and no verification item: postal.
    let nir = enrol_core::Nir::parse("1850544000777").unwrap();
    let unknown = format!(
        r#"{{"reference":"UPGR-0002","kioskId":"e2e-kiosk","nir":"{}","nirKey":"{}","lastName":"Canari","firstName":"Test","birthDate":"1985-05-10","email":"canari@example.fr","phone":"+33612345678","verification":{{"kind":"none"}},"department":"44","cguVersion":"{}"}}"#,
        nir.as_str(),
        nir.key_string(),
        cgu.as_str()
    );
    vec![
        Queued {
            reference: "UPGR-0001",
            json: jean,
            attempts: 0,
            last_error: None,
        },
        // Tried twice before the update, while the backend was down.
        Queued {
            reference: "UPGR-0002",
            json: unknown,
            attempts: 2,
            last_error: Some("http-503"),
        },
    ]
}

/// Writes `rows` into a new outbox at `path` as release 1 did: its one migration applied from
/// its file, then its `INSERT`, sealed with `key` (the 32 raw bytes of the keyring's entry).
async fn release_one_outbox(path: &Path, first_migration: &Path, key: &[u8], rows: &[Queued]) {
    // `sqlx` reads a folder: one holding only the first release's migration.
    let only_first = tempfile::tempdir().unwrap();
    std::fs::copy(
        first_migration,
        only_first.path().join(first_migration.file_name().unwrap()),
    )
    .unwrap();
    let options = SqliteConnectOptions::from_str("sqlite://")
        .unwrap()
        .filename(path)
        .create_if_missing(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .unwrap();
    sqlx::migrate::Migrator::new(only_first.path())
        .await
        .unwrap()
        .run(&pool)
        .await
        .unwrap();
    let cipher = XChaCha20Poly1305::new(key.into());
    let queued_at = now_ms() - 3_600_000;
    for row in rows {
        let idempotency_key = Uuid::new_v4().to_string();
        let mut nonce = [0u8; 24];
        rand::rng().fill_bytes(&mut nonce);
        let payload = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: row.json.as_bytes(),
                    aad: idempotency_key.as_bytes(),
                },
            )
            .unwrap();
        sqlx::query(
            "INSERT INTO outbox (id, idempotency_key, reference, nonce, payload, attempts, next_attempt_at, last_error, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(Uuid::now_v7().to_string())
        .bind(&idempotency_key)
        .bind(row.reference)
        .bind(&nonce[..])
        .bind(payload)
        .bind(row.attempts)
        .bind(queued_at)
        .bind(row.last_error)
        .bind(queued_at)
        .execute(&pool)
        .await
        .unwrap();
    }
    pool.close().await;
}

/// The outbox key as the kiosk keeps it: made on first use in the OS keyring (the real Secret
/// Service), read back as the 32 bytes a release-1 kiosk sealed its rows with.
fn keyring_key() -> (OutboxKey, Vec<u8>) {
    let key = OutboxKey::load_or_create(&KeyringStore).unwrap();
    let stored: Secret = KeyringStore
        .get(KIOSK_SERVICE, OUTBOX_KEY_ENTRY)
        .unwrap()
        .expect("the outbox key is in the keyring");
    let raw = base64::engine::general_purpose::STANDARD
        .decode(stored.expose())
        .unwrap();
    assert_eq!(raw.len(), 32);
    (key, raw)
}

#[tokio::test]
async fn rows_queued_by_the_first_release_are_read_and_delivered_after_every_later_migration() {
    let migrations = migrations();
    let (first_version, first_file) = migrations.first().cloned().expect("no outbox migration");
    assert_eq!(first_version, 1, "the first release's migration is 0001");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outbox.db");
    let (key, raw_key) = keyring_key();
    let rows = release_one_rows();
    release_one_outbox(&path, &first_file, &raw_key, &rows).await;

    // Today's kiosk opens it: every later migration is applied, none is refused.
    let outbox = Outbox::open(&path, &key).await.unwrap();
    let applied: Vec<(i64, bool)> = {
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(
                SqliteConnectOptions::from_str("sqlite://")
                    .unwrap()
                    .filename(&path)
                    .read_only(true),
            )
            .await
            .unwrap();
        let applied = sqlx::query("SELECT version, success FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&pool)
            .await
            .unwrap()
            .into_iter()
            .map(|row| (row.get("version"), row.get("success")))
            .collect();
        pool.close().await;
        applied
    };
    let expected: Vec<(i64, bool)> = migrations.iter().map(|(v, _)| (*v, true)).collect();
    assert_eq!(
        applied, expected,
        "migrations applied over the release-1 outbox"
    );

    // The rows are still read: counted as waiting, decrypted whole, retries kept.
    let health = outbox.health().await.unwrap();
    assert_eq!((health.waiting, health.set_aside), (2, 0), "{health:?}");
    let due = outbox.due(now_ms(), 10).await.unwrap();
    let mut seen: Vec<(String, String, u32)> = due
        .iter()
        .map(|p| (p.reference.clone(), p.request.reference.clone(), p.attempts))
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        vec![
            ("UPGR-0001".into(), "UPGR-0001".into(), 0),
            ("UPGR-0002".into(), "UPGR-0002".into(), 2),
        ]
    );
    let jean = due.iter().find(|p| p.reference == "UPGR-0001").unwrap();
    assert_eq!(jean.request.last_name, "Dupont");
    let other = due.iter().find(|p| p.reference == "UPGR-0002").unwrap();
    assert_eq!(other.request.phone.as_deref(), Some("+33612345678"));

    // And delivered to a real backend, once each, with the answers the backend gives them.
    let port = free_port();
    let backend = Backend::start_on(dir.path(), port);
    let url = url::Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap();
    let client =
        BackendClient::new(&url, Secret::new(KIOSK_TOKEN), Duration::from_secs(5)).unwrap();
    let mut delivered = Vec::new();
    let mut retried = Vec::new();
    let mut now = now_ms();
    for _ in 0..20 {
        match deliver_one(&outbox, &client, now).await.unwrap() {
            Attempt::Idle if outbox.pending_count().await.unwrap() == 0 => break,
            Attempt::Idle => now += 600_000, // past any backoff
            Attempt::Delivered { answer, .. } => delivered.push(answer),
            Attempt::Retried { code } => retried.push(code), // a slow machine: tried again
            Attempt::NeedsAttention { answer, .. } => {
                panic!("a row of the first release was refused: {answer:?}")
            }
        }
    }
    assert_eq!(
        outbox.pending_count().await.unwrap(),
        0,
        "delivered {delivered:?}, retried {retried:?}"
    );
    assert!(
        delivered
            .iter()
            .any(|a| matches!(a, EnrolmentAnswer::Verified { .. })),
        "Jean was not verified: {delivered:?}"
    );
    assert!(
        delivered
            .iter()
            .any(|a| matches!(a, EnrolmentAnswer::Postal { .. })),
        "the unknown person did not get a letter: {delivered:?}"
    );
    let received = backend.enrolments().await;
    for reference in ["UPGR-0001", "UPGR-0002"] {
        let count = received
            .iter()
            .filter(|e| e["reference"] == reference)
            .count();
        assert_eq!(count, 1, "{reference} received {count} times");
    }
    let mut outcomes = outbox.delivered_counts().await.unwrap();
    outcomes.sort();
    assert_eq!(
        outcomes.iter().map(|(_, n)| n).sum::<i64>(),
        2,
        "{outcomes:?}"
    );
    outbox.close().await;
}
