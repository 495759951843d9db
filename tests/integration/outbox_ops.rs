//! Every answer has an owner (issue 14): a refusal the backend took no follow-up for stays in
//! the outbox « needs attention », shown by `msa-kiosk status`, listed, exported for a counsellor
//! and retried by `msa-kiosk outbox …`; a lost outbox key is refused, not replaced, and
//! `msa-kiosk outbox restore-key` brings the queue back. Real SQLite, the real Secret Service
//! (the kiosk's `outbox-key` entry, which these tests own while they run), the real binary, a
//! real HTTP server on loopback.

use std::process::{Command, Output};
use std::sync::Arc;
use std::time::Duration;

use enrol_core::wire::EnrolmentRequest;
use uuid::Uuid;

use crate::backend_client::client;
use crate::kiosk::{
    now_ms, Attempt, DeliveryHandle, KeyringStore, Outbox, OutboxKey, Secret, SecretStore,
    StatusReport, KIOSK_SERVICE, OUTBOX_KEY_ENTRY,
};
use crate::misconfigured::{unknown, wait_for};
use msa_test_support::{output_with_stdin, response, Canned};

/// The tests of this file take turns with the keyring's `outbox-key`.
static OUTBOX_KEY_ENTRY_LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Holds the keyring's `outbox-key` for one test and puts back what was there before.
struct KeyringKey {
    before: Option<Secret>,
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

impl KeyringKey {
    async fn take() -> KeyringKey {
        let turn = OUTBOX_KEY_ENTRY_LOCK.lock().await;
        let before = KeyringStore.get(KIOSK_SERVICE, OUTBOX_KEY_ENTRY).unwrap();
        let _ = KeyringStore.delete(KIOSK_SERVICE, OUTBOX_KEY_ENTRY);
        KeyringKey {
            before,
            _turn: turn,
        }
    }
}

impl Drop for KeyringKey {
    fn drop(&mut self) {
        let _ = KeyringStore.delete(KIOSK_SERVICE, OUTBOX_KEY_ENTRY);
        if let Some(before) = &self.before {
            let _ = KeyringStore.set(KIOSK_SERVICE, OUTBOX_KEY_ENTRY, before);
        }
    }
}

fn kiosk(dir: &std::path::Path, args: &[&str], stdin: Option<&str>) -> Output {
    output_with_stdin(
        Command::new(crate::kiosk::BIN)
            .args(args)
            .env("MSA_KIOSK_DATA_DIR", dir)
            .env_remove("MSA_KIOSK_CONFIG"),
        stdin.unwrap_or_default(),
    )
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Nothing personal of `person` in `text`.
fn assert_nothing_personal(text: &str, person: &EnrolmentRequest) {
    let email = person.email.as_deref().unwrap_or_default();
    for value in [
        person.nir.as_str(),
        person.last_name.as_str(),
        email,
        person.birth_date.as_str(),
    ] {
        assert!(
            value.is_empty() || !text.contains(value),
            "{value} in {text}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refusal_nobody_owns_needs_attention_until_an_operator_acts() {
    let _key = KeyringKey::take().await;
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::open_with_keyring(&dir.path().join("outbox.db"), &KeyringStore)
        .await
        .unwrap();
    let (enrolled, invalid) = (unknown("ATTN-0409"), unknown("ATTN-0422"));
    outbox
        .enqueue(Uuid::new_v4(), &enrolled, now_ms())
        .await
        .unwrap();

    // An older backend: a final refusal without `followUp`.
    let server = Canned::start(response(
        "409 Conflict",
        "application/json",
        r#"{"outcome":"alreadyEnrolled","reference":"ATTN-0409"}"#,
    ))
    .await;
    let url = format!("http://127.0.0.1:{}/", server.port);
    let client = Arc::new(client(&server, "/"));
    let handle = DeliveryHandle::new();
    let answers = handle.subscribe();
    let worker = tokio::spawn(handle.clone().run(
        outbox.clone(),
        Some(client.clone()),
        StatusReport::new(dir.path().join("status.json"), &url),
    ));
    // The screen, if the person were still there, hears the refusal.
    let heard = DeliveryHandle::answer_for(answers, "ATTN-0409", Duration::from_secs(30)).await;
    assert_eq!(heard.map(|a| a.outcome()), Some("alreadyEnrolled"));
    let shown = wait_for(dir.path(), "one enrolment needing attention", &|d| {
        d["needsAttention"] == 1
    });
    assert_eq!(shown["delivery"]["waiting"], 0, "{shown}");
    assert!(
        shown["delivery"]["needsAttentionOldestSeconds"].is_u64(),
        "{shown}"
    );

    // The same with a late 422 `invalid`, driven one step.
    server.set(response(
        "422 Unprocessable Entity",
        "application/json",
        r#"{"outcome":"invalid","errors":[{"code":"nir.checksum","field":"nir","key":"error.nir.checksum"}]}"#,
    ));
    outbox
        .enqueue(Uuid::new_v4(), &invalid, now_ms())
        .await
        .unwrap();
    handle.wake();
    wait_for(dir.path(), "two enrolments needing attention", &|d| {
        d["needsAttention"] == 2
    });
    assert_eq!(server.requests(), 2, "each sent once, never retried alone");
    assert_eq!(outbox.pending_count().await.unwrap(), 2, "never deleted");

    // `list`: references, state, age, attempts, reason; nothing personal.
    let listed = kiosk(dir.path(), &["outbox", "list"], None);
    assert!(listed.status.success(), "{listed:?}");
    let stdout = text(&listed.stdout);
    let lines: Vec<Vec<&str>> = stdout
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect())
        .collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert_eq!(
        (lines[0][0], lines[0][1], lines[0][4]),
        ("ATTN-0409", "needsAttention", "alreadyEnrolled")
    );
    assert_eq!(
        (lines[1][0], lines[1][1], lines[1][4]),
        ("ATTN-0422", "needsAttention", "invalid(nir.checksum)")
    );
    assert_nothing_personal(&(stdout + &text(&listed.stderr)), &invalid);
    assert_nothing_personal(
        &std::fs::read_to_string(dir.path().join("status.json")).unwrap(),
        &invalid,
    );

    // `export`: for a counsellor, into a new 0600 file, never to standard output.
    let file = dir.path().join("for-counsellor.json");
    let file_arg = file.to_str().unwrap();
    let exported = kiosk(
        dir.path(),
        &["outbox", "export", "ATTN-0422", "--to", file_arg],
        None,
    );
    assert!(exported.status.success(), "{exported:?}");
    assert!(exported.stdout.is_empty());
    assert!(text(&exported.stderr).contains("WARNING"), "{exported:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let document: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(document["enrolment"]["nir"], invalid.nir.as_str());
    assert_eq!(
        document["enrolment"]["email"],
        invalid.email.as_deref().unwrap()
    );
    assert_eq!(document["reason"], "invalid(nir.checksum)");
    let again = kiosk(
        dir.path(),
        &["outbox", "export", "ATTN-0422", "--to", file_arg],
        None,
    );
    assert_eq!(again.status.code(), Some(73), "never over an existing file");
    let to_stdout = kiosk(
        dir.path(),
        &["outbox", "export", "ATTN-0422", "--to", "-"],
        None,
    );
    assert_eq!(to_stdout.status.code(), Some(2));
    assert!(to_stdout.stdout.is_empty());
    let to_tty = kiosk(
        dir.path(),
        &["outbox", "export", "ATTN-0422", "--to", "/dev/tty"],
        None,
    );
    assert_eq!(to_tty.status.code(), Some(2));
    let missing = kiosk(
        dir.path(),
        &[
            "outbox",
            "export",
            "NONE-0000",
            "--to",
            dir.path().join("x").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(missing.status.code(), Some(65));

    // The backend fixed (it now records follow-ups and accepts): `retry` one, then the rest.
    server.set(response(
        "200 OK",
        "application/json",
        r#"{"outcome":"postal","reference":"ATTN-0409"}"#,
    ));
    let retried = kiosk(dir.path(), &["outbox", "retry", "ATTN-0409"], None);
    assert!(retried.status.success(), "{retried:?}");
    handle.wake();
    wait_for(dir.path(), "the retried one delivered", &|d| {
        d["needsAttention"] == 1 && d["delivered"]["postal"] == 1
    });
    let unknown_ref = kiosk(dir.path(), &["outbox", "retry", "NONE-0000"], None);
    assert_eq!(unknown_ref.status.code(), Some(65));
    let all = kiosk(dir.path(), &["outbox", "retry", "--all-attention"], None);
    assert!(all.status.success(), "{all:?}");
    assert!(text(&all.stderr).contains("1 enrolment(s)"), "{all:?}");
    handle.wake();
    wait_for(dir.path(), "every row delivered", &|d| {
        d["needsAttention"] == 0 && d["waiting"] == 0 && d["delivered"]["postal"] == 2
    });
    assert_eq!(server.requests(), 4, "one more request per retry");
    assert_eq!(outbox.pending_count().await.unwrap(), 0);
    worker.abort();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lost_outbox_key_is_refused_reported_and_restored() {
    let _key = KeyringKey::take().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outbox.db");
    // First start: an empty outbox, so the key is created in the keyring.
    let outbox = Outbox::open_with_keyring(&path, &KeyringStore)
        .await
        .unwrap();
    let person = unknown("LOST-0001");
    outbox
        .enqueue(Uuid::new_v4(), &person, now_ms())
        .await
        .unwrap();
    outbox.close().await;
    let backup = KeyringStore
        .get(KIOSK_SERVICE, OUTBOX_KEY_ENTRY)
        .unwrap()
        .expect("created at the first start");

    // The keyring is reset while the row waits: no new key, the kiosk says why.
    KeyringStore
        .delete(KIOSK_SERVICE, OUTBOX_KEY_ENTRY)
        .unwrap();
    let refused = Outbox::open_with_keyring(&path, &KeyringStore).await;
    let error = refused.err().expect("refused");
    assert!(error.to_string().contains("restore-key"), "{error}");
    assert!(
        KeyringStore
            .get(KIOSK_SERVICE, OUTBOX_KEY_ENTRY)
            .unwrap()
            .is_none(),
        "no key minted silently"
    );
    let listed = kiosk(dir.path(), &["outbox", "list"], None);
    assert!(
        text(&listed.stdout).contains("LOST-0001\tpending"),
        "{listed:?}"
    );
    let export = kiosk(
        dir.path(),
        &[
            "outbox",
            "export",
            "LOST-0001",
            "--to",
            dir.path().join("e").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(export.status.code(), Some(69), "{export:?}");

    // A wrong key is refused; the right one, on standard input, goes back into the keyring.
    let wrong = {
        let seed = crate::kiosk::MemoryStore::default();
        OutboxKey::load_or_create(&seed).unwrap();
        seed.get(KIOSK_SERVICE, OUTBOX_KEY_ENTRY).unwrap().unwrap()
    };
    let refused = kiosk(dir.path(), &["outbox", "restore-key"], Some(wrong.expose()));
    assert_eq!(refused.status.code(), Some(65), "{refused:?}");
    assert!(KeyringStore
        .get(KIOSK_SERVICE, OUTBOX_KEY_ENTRY)
        .unwrap()
        .is_none());
    let empty = kiosk(dir.path(), &["outbox", "restore-key"], Some(""));
    assert_eq!(empty.status.code(), Some(2));
    let restored = kiosk(
        dir.path(),
        &["outbox", "restore-key"],
        Some(&format!("{}\n", backup.expose())),
    );
    assert!(restored.status.success(), "{restored:?}");
    assert!(
        !text(&restored.stderr).contains(backup.expose()),
        "the key is never echoed"
    );
    assert_eq!(
        KeyringStore
            .get(KIOSK_SERVICE, OUTBOX_KEY_ENTRY)
            .unwrap()
            .map(|s| s.expose().to_owned()),
        Some(backup.expose().to_owned())
    );

    // The kiosk opens again and the row is delivered.
    let outbox = Outbox::open_with_keyring(&path, &KeyringStore)
        .await
        .unwrap();
    let server = Canned::start(response(
        "200 OK",
        "application/json",
        r#"{"outcome":"postal","reference":"LOST-0001"}"#,
    ))
    .await;
    let client = client(&server, "/");
    let attempt = crate::kiosk::deliver_one(&outbox, &client, now_ms())
        .await
        .unwrap();
    assert!(
        matches!(&attempt, Attempt::Delivered { reference, .. } if reference == "LOST-0001"),
        "{attempt:?}"
    );
    assert_eq!(outbox.pending_count().await.unwrap(), 0);
}

/// The kiosk's own preparation (`AppState`, as at start and in `shell::heal`): « indisponible »
/// with `outbox.keyMissing` while the key is lost, ready once it is back. An in-memory secret
/// store, so that the preparation's sweep of session entries cannot touch the other tests'
/// keyring entries.
#[tokio::test(flavor = "multi_thread")]
async fn the_kiosk_is_unavailable_with_key_missing_until_the_key_is_back() {
    use crate::kiosk::MemoryStore;
    use msa_kiosk::ops::availability::Availability;
    use msa_kiosk::shell::AppState;

    let dir = tempfile::tempdir().unwrap();
    let first = MemoryStore::default();
    let outbox = Outbox::open_with_keyring(&dir.path().join("outbox.db"), &first)
        .await
        .unwrap();
    outbox
        .enqueue(Uuid::new_v4(), &unknown("LOST-0002"), now_ms())
        .await
        .unwrap();
    outbox.close().await;
    let key = first.get(KIOSK_SERVICE, OUTBOX_KEY_ENTRY).unwrap().unwrap();

    let reset: Arc<MemoryStore> = Arc::default();
    let config = msa_kiosk::config::Config::defaults();
    let state = AppState::open(&config, dir.path(), reset.clone()).await;
    assert_eq!(
        state.availability.current(),
        Availability::Unavailable {
            reason: "outbox.keyMissing"
        }
    );
    assert!(!state.may_start(), "no enrolment without the key");
    assert!(reset
        .get(KIOSK_SERVICE, OUTBOX_KEY_ENTRY)
        .unwrap()
        .is_none());

    reset.set(KIOSK_SERVICE, OUTBOX_KEY_ENTRY, &key).unwrap();
    let prepared = state.prepare().await.expect("prepared with the key back");
    state.install(prepared);
    assert!(state.may_start());
    assert_eq!(state.outbox().unwrap().pending_count().await.unwrap(), 1);
}
