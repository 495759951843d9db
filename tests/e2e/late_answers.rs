//! Late refusals through the real app (issue 14): the screen already said « bien gardée » when
//! the backend's final refusal comes. Never silently gone: either the backend owns it (its
//! counsellor follow-up is in its database) and the kiosk's copy goes, or nobody at the backend
//! does and the kiosk keeps the row « needs attention » for an operator.

use std::process::Command;
use std::time::Duration;

use msa_test_support::{free_port, wait, ADMIN_TOKEN};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::harness::{app, e2e, provision_token, Kiosk, Launch};
use crate::persons::{jean, Item, Person};
use crate::steps::{accept_and_submit, go_to_step, i18n, reference_in, Input, FR};

/// Nadia Haddad of the demo data: an account exists, the backend answers 409 `alreadyEnrolled`.
fn nadia() -> Person {
    Person {
        nir: "2 94 03 75 120 005",
        last_name: "Haddad",
        first_name: "Nadia",
        birth: ("9", "3", "1994"),
        email: "nadia.haddad@example.fr",
        phone: "",
        item: Item::VitalePhoto("44455566677"),
        department: "44",
    }
}

/// `msa-kiosk ARGS` on the kiosk's data folder, as the IT team runs it.
fn kiosk_cli(kiosk: &Kiosk, args: &[&str]) -> String {
    let out = Command::new(app())
        .args(args)
        .env("MSA_KIOSK_DATA_DIR", kiosk.data_dir())
        .env_remove("MSA_KIOSK_CONFIG")
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn delivery_status(kiosk: &Kiosk) -> Value {
    let status: Value = serde_json::from_str(&kiosk_cli(kiosk, &["status"])).unwrap();
    status["delivery"].clone()
}

/// The screen said the enrolment is kept, not answered.
fn assert_queued(confirmation: &str) {
    let queued = i18n("fr", "confirmation.queued");
    assert!(
        confirmation.contains(&queued),
        "the answer came in time: {confirmation}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_late_already_enrolled_is_followed_up_by_the_backend() {
    e2e(
        "late-already-enrolled",
        Launch::kiosk().with_backend().with_submit_wait(5),
        |kiosk| async move {
            let backend = kiosk.backend.as_ref().unwrap();
            // Later than the kiosk's wait (5 s), within its request timeout (10 s).
            backend.set_fault("slow:7000").await;
            go_to_step(&kiosk, &FR, &nadia(), 6, Input::Touch).await;
            let text = accept_and_submit(&kiosk, &FR).await;
            assert_queued(&text);
            let reference = reference_in(&text);

            // The backend owns it: its follow-up, in its database, for this reference.
            let url = format!("{}admin/followups?reference={reference}", backend.url);
            let followups: Vec<Value> = wait::until(
                "the backend's follow-up",
                Duration::from_secs(30),
                Duration::from_millis(250),
                || async {
                    let list: Vec<Value> = reqwest::Client::new()
                        .get(&url)
                        .bearer_auth(ADMIN_TOKEN)
                        .send()
                        .await
                        .map_err(|e| e.to_string())?
                        .json()
                        .await
                        .map_err(|e| e.to_string())?;
                    if list.is_empty() {
                        Err("none yet".to_owned())
                    } else {
                        Ok(list)
                    }
                },
            )
            .await;
            assert_eq!(followups.len(), 1, "{followups:?}");
            assert_eq!(followups[0]["reason"], "alreadyEnrolled");
            assert_eq!(followups[0]["mailout"], "letter");

            // So the kiosk's copy went, counted as answered; nothing needs an operator.
            let delivery = wait::blocking(
                "the kiosk to record the refusal",
                Duration::from_secs(30),
                Duration::from_millis(250),
                || {
                    let d = delivery_status(&kiosk);
                    if d["delivered"]["alreadyEnrolled"] == 1 {
                        Ok(d)
                    } else {
                        Err(d)
                    }
                },
            );
            assert_eq!(delivery["needsAttention"], 0, "{delivery}");
            assert_eq!(delivery["waiting"], 0, "{delivery}");
            let listed = kiosk_cli(&kiosk, &["outbox", "list"]);
            assert_eq!(listed.lines().count(), 1, "only the header: {listed}");
        },
    )
    .await;
}

/// An older backend on loopback: reads the request, waits `delay`, then answers a 422
/// `invalid` without `followUp` (it records nothing).
async fn older_backend(delay: Duration) -> (u16, tokio::task::JoinHandle<()>) {
    let port = free_port();
    let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    let task = tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                // The head, then the body its Content-Length announces.
                loop {
                    let n = socket.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
                        continue;
                    };
                    let head = String::from_utf8_lossy(&buf[..end]).to_lowercase();
                    let length: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(0);
                    if buf.len() >= end + 4 + length {
                        break;
                    }
                }
                tokio::time::sleep(delay).await;
                let body = r#"{"outcome":"invalid","errors":[{"code":"email.format","field":"email","key":"error.email.format"}]}"#;
                let answer = format!(
                    "HTTP/1.1 422 Unprocessable Entity\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(answer.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (port, task)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_late_invalid_nobody_owns_stays_needing_attention_in_the_kiosk() {
    let (port, server) = older_backend(Duration::from_secs(4)).await;
    provision_token();
    let launch = Launch::kiosk().with_toml(&format!(
        "[backend]\nurl = \"http://127.0.0.1:{port}/\"\nsubmit_wait_seconds = 2\n"
    ));
    e2e("late-invalid", launch, |kiosk| async move {
        go_to_step(&kiosk, &FR, &jean(), 6, Input::Touch).await;
        let text = accept_and_submit(&kiosk, &FR).await;
        assert_queued(&text);
        let reference = reference_in(&text);

        let delivery = wait::blocking(
            "the row to need attention",
            Duration::from_secs(30),
            Duration::from_millis(250),
            || {
                let d = delivery_status(&kiosk);
                if d["needsAttention"] == 1 {
                    Ok(d)
                } else {
                    Err(d)
                }
            },
        );
        assert!(
            delivery["needsAttentionOldestSeconds"].is_u64(),
            "{delivery}"
        );
        assert_eq!(delivery["waiting"], 0, "{delivery}");
        let listed = kiosk_cli(&kiosk, &["outbox", "list"]);
        let row: Vec<&str> = listed
            .lines()
            .nth(1)
            .unwrap_or_default()
            .split('\t')
            .collect();
        assert_eq!(
            (row[0], row[1], row[4]),
            (
                reference.as_str(),
                "needsAttention",
                "invalid(email.format)"
            ),
            "{listed}"
        );
        for personal in ["Dupont", "jean.dupont", "1841276451089"] {
            assert!(!listed.contains(personal), "{listed}");
        }
    })
    .await;
    server.abort();
}
