//! Delivery against a real reference backend process on loopback, with faults injected:
//! every confirmed enrolment ends delivered exactly once, and nothing else is delivered.

use std::process::{Command, Stdio};
use std::time::Duration;

use enrol_core::wire::{EnrolmentAnswer, EnrolmentRequest, WireVerification};
use msa_test_support::{free_port, wait, Backend, Guarded, KIOSK_TOKEN};
use serde_json::Value;
use uuid::Uuid;

use crate::kiosk::{deliver_one, Attempt, BackendClient, MemoryStore, Outbox, OutboxKey, Secret};

/// Jean Dupont of the demo data, with his Vitale serial: a verified enrolment.
fn jean(reference: &str) -> EnrolmentRequest {
    EnrolmentRequest {
        reference: reference.into(),
        kiosk_id: "e2e-kiosk".into(),
        nir: "1841276451089".into(),
        nir_key: "46".into(),
        last_name: "Dupont".into(),
        first_name: "Jean".into(),
        birth_date: "1984-12-03".into(),
        email: Some("jean.dupont@example.fr".into()),
        phone: None,
        verification: WireVerification::VitaleSerial {
            card: enrol_core::CardKind::Photo,
            serial: "12345678901".into(),
        },
        department: "44".into(),
        cgu_version: enrol_core::CguVersion::of("CGU").as_str().into(),
    }
}

/// A person unknown to the demo data: `postal`, and one more row at the backend each time.
pub(crate) fn unknown(reference: &str, n: u32) -> EnrolmentRequest {
    let body = format!("1850544{:06}", 100 + n);
    let nir = enrol_core::Nir::parse(&body).unwrap();
    EnrolmentRequest {
        nir: nir.as_str().into(),
        nir_key: nir.key_string(),
        last_name: "Canari".into(),
        first_name: "Test".into(),
        birth_date: "1985-05-10".into(),
        email: Some("canari@example.fr".into()),
        verification: WireVerification::None,
        ..jean(reference)
    }
}

struct Rig {
    dir: tempfile::TempDir,
    outbox: Outbox,
    port: u16,
}

impl Rig {
    async fn new() -> Rig {
        let dir = tempfile::tempdir().unwrap();
        let key = OutboxKey::load_or_create(&rig_store()).unwrap();
        let outbox = Outbox::open(&dir.path().join("outbox.db"), &key)
            .await
            .unwrap();
        Rig {
            dir,
            outbox,
            port: free_port(),
        }
    }

    fn client(&self, timeout: Duration) -> BackendClient {
        let url = url::Url::parse(&format!("http://127.0.0.1:{}/", self.port)).unwrap();
        BackendClient::new(&url, Secret::new(KIOSK_TOKEN), timeout).unwrap()
    }

    fn backend(&self) -> Backend {
        Backend::start_on(self.dir.path(), self.port)
    }

    /// Drives the worker step by step, as if time passed, until the outbox is empty.
    async fn drain(&self, client: &BackendClient) -> Vec<Attempt> {
        drain(&self.outbox, client, 50).await
    }
}

/// Drives the worker on `outbox` step by step, as if time passed, until it is empty; panics
/// after `steps` steps.
async fn drain(outbox: &Outbox, client: &BackendClient, steps: usize) -> Vec<Attempt> {
    let mut attempts = Vec::new();
    let mut now = delivery_now();
    for _ in 0..steps {
        match deliver_one(outbox, client, now).await.unwrap() {
            Attempt::Idle if outbox.pending_count().await.unwrap() == 0 => return attempts,
            Attempt::Idle => now += 600_000, // jump past any backoff
            other => attempts.push(other),
        }
    }
    panic!("the outbox did not drain in {steps} steps: {attempts:?}");
}

/// The crash child's outbox key, handed down in its environment.
const OUTBOX_KEY_VAR: &str = "DELIVERY_TEST_OUTBOX_KEY";

/// One outbox key for the test binary and the crash child it starts, as one kiosk has one key.
fn rig_key() -> &'static Secret {
    use crate::kiosk::{SecretStore, KIOSK_SERVICE, OUTBOX_KEY_ENTRY};
    static KEY: std::sync::OnceLock<Secret> = std::sync::OnceLock::new();
    KEY.get_or_init(|| match std::env::var(OUTBOX_KEY_VAR) {
        Ok(key) => Secret::new(key),
        Err(_) => {
            let seed = MemoryStore::default();
            OutboxKey::load_or_create(&seed).unwrap();
            seed.get(KIOSK_SERVICE, OUTBOX_KEY_ENTRY).unwrap().unwrap()
        }
    })
}

/// A store holding [`rig_key`], as the kiosk's keyring holds its outbox key.
fn rig_store() -> MemoryStore {
    use crate::kiosk::{SecretStore, KIOSK_SERVICE, OUTBOX_KEY_ENTRY};
    let store = MemoryStore::default();
    store
        .set(KIOSK_SERVICE, OUTBOX_KEY_ENTRY, rig_key())
        .unwrap();
    store
}

fn delivery_now() -> i64 {
    crate::kiosk::now_ms()
}

fn count(enrolments: &[Value], reference: &str) -> usize {
    enrolments
        .iter()
        .filter(|e| e["reference"] == reference)
        .count()
}

#[tokio::test]
async fn backend_down_at_submit_then_up() {
    let rig = Rig::new().await;
    let client = rig.client(Duration::from_secs(5));
    rig.outbox
        .enqueue(Uuid::new_v4(), &jean("DOWN-0001"), delivery_now())
        .await
        .unwrap();
    let first = deliver_one(&rig.outbox, &client, delivery_now())
        .await
        .unwrap();
    assert_eq!(
        first,
        Attempt::Retried {
            code: "unreachable".into()
        }
    );
    assert_eq!(
        rig.outbox.pending_count().await.unwrap(),
        1,
        "kept while the backend is down"
    );

    let backend = rig.backend();
    let attempts = rig.drain(&client).await;
    assert!(
        matches!(
            &attempts[..],
            [Attempt::Delivered {
                answer: EnrolmentAnswer::Verified { .. },
                ..
            }]
        ),
        "{attempts:?}"
    );
    assert_eq!(count(&backend.enrolments().await, "DOWN-0001"), 1);
}

#[tokio::test]
async fn a_503_then_recovery_delivers_once() {
    let rig = Rig::new().await;
    let backend = rig.backend();
    let client = rig.client(Duration::from_secs(5));
    backend.set_fault("unavailable").await;
    rig.outbox
        .enqueue(Uuid::new_v4(), &unknown("FIVE-0001", 1), delivery_now())
        .await
        .unwrap();
    let first = deliver_one(&rig.outbox, &client, delivery_now())
        .await
        .unwrap();
    assert_eq!(
        first,
        Attempt::Retried {
            code: "http-503".into()
        }
    );
    backend.set_fault("off").await;
    let attempts = rig.drain(&client).await;
    assert!(
        matches!(
            &attempts[..],
            [Attempt::Delivered {
                answer: EnrolmentAnswer::Postal { .. },
                ..
            }]
        ),
        "{attempts:?}"
    );
    assert_eq!(count(&backend.enrolments().await, "FIVE-0001"), 1);
}

#[tokio::test]
async fn a_timeout_after_the_backend_acted_is_not_delivered_twice() {
    let rig = Rig::new().await;
    let backend = rig.backend();
    // The backend answers after 1.5 s; the kiosk gives up after 0.5 s, then retries.
    backend.set_fault("slow:1500").await;
    let impatient = rig.client(Duration::from_millis(500));
    rig.outbox
        .enqueue(Uuid::new_v4(), &jean("SLOW-0001"), delivery_now())
        .await
        .unwrap();
    let first = deliver_one(&rig.outbox, &impatient, delivery_now())
        .await
        .unwrap();
    assert_eq!(
        first,
        Attempt::Retried {
            code: "timeout".into()
        }
    );
    // No wait for the backend here: the reference backend (axum) drops a request whose client
    // hung up while it was held by the `slow` fault, before acting on it, so nothing comes of
    // the first attempt (waiting for its enrolment to be recorded times out). The case where
    // the backend acted before the connection broke is `reset-after`, below.
    backend.set_fault("off").await;
    let attempts = rig.drain(&impatient).await;
    assert!(
        matches!(
            &attempts[..],
            [Attempt::Delivered {
                answer: EnrolmentAnswer::Verified { .. },
                ..
            }]
        ),
        "{attempts:?}"
    );
    assert_eq!(
        count(&backend.enrolments().await, "SLOW-0001"),
        1,
        "the retry must reuse the idempotency key"
    );
    let mails = backend.mailouts().await;
    assert_eq!(
        mails
            .iter()
            .filter(|m| m["reference"] == "SLOW-0001")
            .count(),
        1,
        "one password e-mail only: {mails:?}"
    );
}

#[tokio::test]
async fn a_very_slow_answer_within_the_timeout_is_delivered() {
    let rig = Rig::new().await;
    let backend = rig.backend();
    backend.set_fault("slow:800").await;
    let client = rig.client(Duration::from_secs(5));
    rig.outbox
        .enqueue(Uuid::new_v4(), &unknown("SLOW-0002", 2), delivery_now())
        .await
        .unwrap();
    let attempts = rig.drain(&client).await;
    assert!(
        matches!(&attempts[..], [Attempt::Delivered { .. }]),
        "{attempts:?}"
    );
    assert_eq!(count(&backend.enrolments().await, "SLOW-0002"), 1);
}

#[tokio::test]
async fn connection_resets_before_and_after_the_backend_acted() {
    let rig = Rig::new().await;
    let backend = rig.backend();
    let client = rig.client(Duration::from_secs(5));
    for (fault, reference, n) in [("reset", "RSET-0001", 3), ("reset-after", "RSET-0002", 4)] {
        backend.set_fault(fault).await;
        rig.outbox
            .enqueue(Uuid::new_v4(), &unknown(reference, n), delivery_now())
            .await
            .unwrap();
        let first = deliver_one(&rig.outbox, &client, delivery_now())
            .await
            .unwrap();
        assert!(
            matches!(first, Attempt::Retried { .. }),
            "{fault}: {first:?}"
        );
        backend.set_fault("off").await;
        let attempts = rig.drain(&client).await;
        assert!(
            matches!(&attempts[..], [Attempt::Delivered { .. }]),
            "{fault}: {attempts:?}"
        );
        assert_eq!(count(&backend.enrolments().await, reference), 1, "{fault}");
    }
}

/// The child side of the crash test, not a test of its own (hence ignored): queues enrolments
/// and reports each one once committed, until it is killed. The parent starts it with
/// `--ignored --exact`.
#[tokio::test]
#[ignore = "the child process of a_kiosk_killed_while_writing_the_outbox_loses_nothing_confirmed"]
async fn crash_child_queues_until_killed() {
    let Ok(path) = std::env::var("DELIVERY_CRASH_CHILD_OUTBOX") else {
        return; // not started as a child: nothing to do
    };
    let key = OutboxKey::load_or_create(&rig_store()).unwrap();
    let outbox = Outbox::open(std::path::Path::new(&path), &key)
        .await
        .unwrap();
    let mut log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(std::env::var("DELIVERY_CRASH_CHILD_LOG").unwrap())
        .unwrap();
    for n in 0..100_000u32 {
        let reference = format!("K{n:03}-CRSH");
        outbox
            .enqueue(
                Uuid::new_v4(),
                &unknown(&reference, 1000 + n % 900_000),
                delivery_now(),
            )
            .await
            .unwrap();
        // The confirmation screen would appear now: one unbuffered write per confirmation.
        use std::io::Write;
        log.write_all(format!("confirmed {reference}\n").as_bytes())
            .unwrap();
    }
}

#[tokio::test]
async fn a_kiosk_killed_while_writing_the_outbox_loses_nothing_confirmed() {
    if std::env::var("DELIVERY_CRASH_CHILD_OUTBOX").is_ok() {
        return;
    }
    let rig = Rig::new().await;
    let path = rig.dir.path().join("crash-outbox.db");
    let log = rig.dir.path().join("confirmed.log");
    let child = Guarded::spawn(
        Command::new(std::env::current_exe().unwrap())
            .args([
                "--ignored",
                "--exact",
                "delivery::crash_child_queues_until_killed",
                "--test-threads=1",
            ])
            .env("DELIVERY_CRASH_CHILD_OUTBOX", &path)
            .env(OUTBOX_KEY_VAR, rig_key().expose())
            .env("DELIVERY_CRASH_CHILD_LOG", &log)
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
        "crash child",
    );
    // Let it confirm a few dozen enrolments, then SIGKILL it in the middle of a write.
    let read_confirmed = || -> Vec<String> {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .lines()
            .filter_map(|line| line.strip_prefix("confirmed ").map(str::to_owned))
            .collect()
    };
    wait::until(
        "the child to confirm 40 enrolments",
        Duration::from_secs(60),
        Duration::from_millis(5),
        || async {
            match read_confirmed().len() {
                n if n >= 40 => Ok(n),
                n => Err(n),
            }
        },
    )
    .await;
    Command::new("kill")
        .args(["-KILL", &child.pid().to_string()])
        .status()
        .unwrap();
    drop(child);
    // Every line written before the kill is in the file (each one is its own write).
    let confirmed = read_confirmed();

    // The kiosk restarts: the outbox opens, and everything in it is delivered exactly once.
    let key = OutboxKey::load_or_create(&rig_store()).unwrap();
    let outbox = Outbox::open(&path, &key).await.unwrap();
    let queued = outbox.pending_count().await.unwrap() as usize;
    assert!(
        queued >= confirmed.len(),
        "{queued} queued < {} confirmed",
        confirmed.len()
    );
    assert!(
        queued <= confirmed.len() + 1,
        "at most the row being written when killed: {queued} queued, {} confirmed",
        confirmed.len()
    );
    let backend = rig.backend();
    let client = rig.client(Duration::from_secs(5));
    // Each queued row takes one step, and a few more for jumps past a backoff.
    drain(&outbox, &client, 2 * queued + 50).await;
    let received = backend.enrolments().await;
    for reference in &confirmed {
        assert_eq!(
            count(&received, reference),
            1,
            "{reference} confirmed on screen but delivered {} times",
            count(&received, reference)
        );
    }
    assert_eq!(
        received.len(),
        queued,
        "nothing delivered that was not in the outbox"
    );
}

/// What `msa-kiosk status` shows the IT team while the worker runs: the queue growing while
/// the kiosk has no backend token, then, with a token, the backend down (waiting, last error)
/// and back (delivered). Read through the real binary, as the IT team reads it.
#[tokio::test(flavor = "multi_thread")]
async fn the_status_shows_the_queue_the_token_and_the_last_error() {
    use crate::kiosk::{DeliveryHandle, StatusReport};
    use std::sync::Arc;

    let rig = Rig::new().await;
    let status_path = rig.dir.path().join("status.json");
    let backend_url = format!("http://127.0.0.1:{}/", rig.port);
    let status = || -> Value {
        let out = Command::new(crate::kiosk::BIN)
            .arg("status")
            .env("MSA_KIOSK_DATA_DIR", rig.dir.path())
            .env_remove("MSA_KIOSK_CONFIG")
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let wait_for = |what: &str, check: &dyn Fn(&Value) -> bool| {
        wait::blocking(
            &format!("the status to show {what}"),
            Duration::from_secs(30),
            Duration::from_millis(200),
            || {
                let now = status();
                if check(&now["delivery"]) {
                    Ok(now)
                } else {
                    Err(now)
                }
            },
        )
    };
    rig.outbox
        .enqueue(Uuid::new_v4(), &jean("STAT-0001"), delivery_now())
        .await
        .unwrap();

    // Not provisioned: nothing is sent, the queue is visible.
    let unprovisioned = DeliveryHandle::new();
    let worker = tokio::spawn(unprovisioned.clone().run(
        rig.outbox.clone(),
        None,
        StatusReport::new(status_path.clone(), &backend_url),
    ));
    let shown = wait_for("a missing token", &|d| {
        d["backendToken"] == "missing" && d["waiting"] == 1
    });
    assert_eq!(shown["delivery"]["backendUrl"], backend_url.as_str());
    assert!(
        shown["delivery"]["oldestWaitingSince"].is_string(),
        "{shown}"
    );
    worker.abort();

    // Provisioned, the backend down: the entry waits with the reason.
    let handle = DeliveryHandle::new();
    let client = Arc::new(rig.client(Duration::from_secs(5)));
    let worker = tokio::spawn(handle.clone().run(
        rig.outbox.clone(),
        Some(client),
        StatusReport::new(status_path.clone(), &backend_url),
    ));
    wait_for("the backend unreachable", &|d| {
        d["backendToken"] == "present" && d["waiting"] == 1 && d["lastError"] == "unreachable"
    });

    // The backend comes back: delivered, counted, nothing waiting.
    let backend = rig.backend();
    handle.wake();
    let shown = wait_for("the delivery", &|d| {
        d["waiting"] == 0 && d["delivered"]["verified"] == 1
    });
    assert!(shown["delivery"]["lastDeliveredAt"].is_string(), "{shown}");
    assert!(shown["delivery"]["lastError"].is_null(), "{shown}");
    assert_eq!(count(&backend.enrolments().await, "STAT-0001"), 1);
    worker.abort();

    // Nothing personal in what the IT team reads.
    let text = std::fs::read_to_string(&status_path).unwrap();
    for personal in ["Dupont", "1841276451089", "12345678901"] {
        assert!(!text.contains(personal), "{personal} in status.json");
    }
}
