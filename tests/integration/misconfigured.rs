//! « Misconfigured is loud » (issue 14, docs/contracts.md §3): an answer outside the contract
//! makes `msa-kiosk status` say `backend: misconfigured` after one attempt, the row stays, and
//! once the backend (or the URL) is fixed it is delivered, once. The real worker loop, the real
//! binary's `status`, a real reference backend and real HTTP servers on loopback.

use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use enrol_core::wire::EnrolmentRequest;
use serde_json::Value;
use uuid::Uuid;

use crate::kiosk::{
    now_ms, BackendClient, DeliveryHandle, MemoryStore, Outbox, OutboxKey, Secret, StatusReport,
};
use msa_test_support::{response, wait, Backend, Canned, KIOSK_TOKEN};

/// A person unknown to the demo data: `postal`.
pub fn unknown(reference: &str) -> EnrolmentRequest {
    crate::delivery::unknown(reference, 77)
}

/// `msa-kiosk status` of the data folder `dir`, as the IT team reads it.
pub fn status(dir: &std::path::Path) -> Value {
    let out = Command::new(crate::kiosk::BIN)
        .arg("status")
        .env("MSA_KIOSK_DATA_DIR", dir)
        .env_remove("MSA_KIOSK_CONFIG")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Waits until `status`'s `delivery` satisfies `check`; returns the whole status.
pub fn wait_for(dir: &std::path::Path, what: &str, check: &dyn Fn(&Value) -> bool) -> Value {
    wait::blocking(
        &format!("the status to show {what}"),
        Duration::from_secs(40),
        Duration::from_millis(100),
        || {
            let now = status(dir);
            if check(&now["delivery"]) {
                Ok(now)
            } else {
                Err(now)
            }
        },
    )
}

fn client(url: &str) -> Arc<BackendClient> {
    Arc::new(
        BackendClient::new(
            &url::Url::parse(url).unwrap(),
            Secret::new(KIOSK_TOKEN),
            Duration::from_secs(20),
        )
        .unwrap(),
    )
}

async fn outbox_in(dir: &std::path::Path) -> Outbox {
    let key = OutboxKey::load_or_create(&MemoryStore::default()).unwrap();
    Outbox::open(&dir.join("outbox.db"), &key).await.unwrap()
}

fn attempts(outbox_dir: &std::path::Path) -> Vec<String> {
    let out = Command::new(crate::kiosk::BIN)
        .args(["outbox", "list"])
        .env("MSA_KIOSK_DATA_DIR", outbox_dir)
        .env_remove("MSA_KIOSK_CONFIG")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(1)
        .map(str::to_owned)
        .collect()
}

/// A proxy's HTML 502 in front of a backend that is not there yet: misconfigured at the first
/// attempt (the second is held by the proxy, so the look cannot race the backoff); then the
/// backend takes the proxy's port and the row is delivered once.
#[tokio::test(flavor = "multi_thread")]
async fn an_html_502_is_misconfigured_at_once_and_delivered_once_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = outbox_in(dir.path()).await;
    outbox
        .enqueue(Uuid::new_v4(), &unknown("MISC-0502"), now_ms())
        .await
        .unwrap();
    let proxy = Canned::start(response(
        "502 Bad Gateway",
        "text/html",
        "<html><body><h1>502 Bad Gateway</h1></body></html>",
    ))
    .await;
    proxy.answer_only(1);
    let url = format!("http://127.0.0.1:{}/", proxy.port);
    let handle = DeliveryHandle::new();
    let worker = tokio::spawn(handle.clone().run(
        outbox.clone(),
        Some(client(&url)),
        StatusReport::new(dir.path().join("status.json"), &url),
    ));
    let shown = wait_for(dir.path(), "backend misconfigured", &|d| {
        d["backend"] == "misconfigured"
    });
    assert_eq!(shown["delivery"]["waiting"], 1, "{shown}");
    assert_eq!(
        shown["delivery"]["lastError"], "misconfigured-http-502",
        "{shown}"
    );
    // One answer was given (the second request, if any, is still held by the proxy).
    let listed = attempts(dir.path());
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert!(
        listed[0].starts_with("MISC-0502\tpending\t")
            && listed[0].ends_with("\t1\tmisconfigured-http-502"),
        "{listed:?}"
    );
    assert!(proxy.requests() <= 2);

    // Fixed: the backend itself on the proxy's port.
    let port = proxy.stop().await;
    let backend = Backend::start_on(dir.path(), port);
    handle.wake();
    let shown = wait_for(dir.path(), "the delivery", &|d| {
        d["waiting"] == 0 && d["delivered"]["postal"] == 1
    });
    assert_eq!(shown["delivery"]["backend"], "ok", "{shown}");
    let received = backend.enrolments().await;
    let delivered = received
        .iter()
        .filter(|e| e["reference"] == "MISC-0502")
        .count();
    assert_eq!(delivered, 1, "{received:?}");
    worker.abort();
}

/// A backend URL with a wrong path: the reference backend's own 404. Misconfigured, the row
/// stays; the URL fixed, it is delivered once.
#[tokio::test(flavor = "multi_thread")]
async fn a_404_from_a_wrong_path_is_misconfigured_until_the_url_is_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let backend = Backend::start(dir.path());
    let outbox = outbox_in(dir.path()).await;
    outbox
        .enqueue(Uuid::new_v4(), &unknown("MISC-0404"), now_ms())
        .await
        .unwrap();
    let wrong = format!("{}kiosk-api", backend.url);
    let handle = DeliveryHandle::new();
    let worker = tokio::spawn(handle.clone().run(
        outbox.clone(),
        Some(client(&wrong)),
        StatusReport::new(dir.path().join("status.json"), &wrong),
    ));
    let shown = wait_for(dir.path(), "backend misconfigured", &|d| {
        d["backend"] == "misconfigured"
    });
    assert_eq!(shown["delivery"]["waiting"], 1, "{shown}");
    assert_eq!(
        shown["delivery"]["lastError"], "misconfigured-http-404",
        "{shown}"
    );
    worker.abort();
    let _ = worker.await;
    assert!(backend.enrolments().await.is_empty());

    // The configuration fixed (the kiosk restarts with the right URL): delivered, once.
    let handle = DeliveryHandle::new();
    let worker = tokio::spawn(handle.clone().run(
        outbox.clone(),
        Some(client(&backend.url)),
        StatusReport::new(dir.path().join("status.json"), &backend.url),
    ));
    // The row's backoff (about 2 s) runs first.
    wait_for(dir.path(), "the delivery", &|d| {
        d["waiting"] == 0 && d["delivered"]["postal"] == 1 && d["backend"] == "ok"
    });
    let received = backend.enrolments().await;
    assert_eq!(
        received
            .iter()
            .filter(|e| e["reference"] == "MISC-0404")
            .count(),
        1,
        "{received:?}"
    );
    worker.abort();
}
