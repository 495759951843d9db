//! The binary as a standalone process, as the kiosk's end-to-end tests run it:
//! `msa-backend serve --listen 127.0.0.1:<port> --database sqlite://<tmp>/backend.db`
//! with the tokens in the environment; `add-kiosk` and `mailouts`; and the logs carry no
//! personal data.

mod common;

use common::*;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standalone_process_serves_and_logs_no_personal_data() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/data/backend.db", tmp.path().display());
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let log_path = tmp.path().join("stderr.log");
    let spawned = Command::new(BIN)
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database",
            &db,
        ])
        .env(
            "MSA_BACKEND_KIOSK_TOKENS",
            "test-kiosk:process-kiosk-token-123",
        )
        .env("MSA_BACKEND_ADMIN_TOKEN", "process-admin-token-123")
        .env("MSA_BACKEND_ARGON2", "test")
        .env("RUST_LOG", "debug")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .unwrap();
    let mut server = Child(spawned);
    wait_ready(&base).await;

    // add-kiosk on the same database: token from standard input.
    let mut add = Command::new(BIN)
        .args(["add-kiosk", "--id", "agence-44-02", "--database", &db])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all(b"second-kiosk-token-456\n")
        .unwrap();
    let out = add.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("second-kiosk-token-456"));

    let client = client();
    let mut sent = Vec::new();
    for (name, token, verification) in [
        (
            "Dupont",
            "process-kiosk-token-123",
            vitale(&person("Dupont")),
        ),
        (
            "Œuvray-D'Arc",
            "second-kiosk-token-456",
            child("1980-02-11"),
        ),
        ("N’Diaye", "process-kiosk-token-123", payment(8790)),
        ("Pereira", "process-kiosk-token-123", none()),
    ] {
        let b = body(&person(name), verification);
        let r = client
            .post(format!("{base}/v1/enrolments"))
            .bearer_auth(token)
            .header("Idempotency-Key", new_key())
            .json(&b)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200, "{name}");
        let a: Value = r.json().await.unwrap();
        assert_eq!(a["reference"], b["reference"]);
        sent.push((name, b, a));
    }
    assert_eq!(sent[0].2["outcome"], "verified");
    assert_eq!(sent[3].2["outcome"], "postal");
    // Also an invalid body and an unauthorised one go through the logs.
    let mut bad = sent[0].1.clone();
    bad["nirKey"] = json!("01");
    let r = client
        .post(format!("{base}/v1/enrolments"))
        .bearer_auth("process-kiosk-token-123")
        .header("Idempotency-Key", new_key())
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    // A readable refusal: a counsellor follow-up, and an e-mail to the address typed.
    assert_eq!(r.json::<Value>().await.unwrap()["followUp"], "recorded");

    // The admin view shows exactly what was typed, with the kiosk the token belongs to.
    let reference = sent[1].1["reference"].as_str().unwrap();
    let got: Value = client
        .get(format!("{base}/admin/enrolments?reference={reference}"))
        .bearer_auth("process-admin-token-123")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got[0]["kioskId"], "agence-44-02");
    assert_eq!(got[0]["lastName"], "Œuvray-D'Arc");

    // mailouts CLI: masked, no password.
    let out = Command::new(BIN)
        .args(["mailouts", "--database", &db])
        .output()
        .unwrap();
    assert!(out.status.success());
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.starts_with("kind"), "{table}");
    // Three passwords by e-mail, and the e-mail of the refused request's follow-up.
    assert_eq!(
        table.lines().filter(|l| l.starts_with("email")).count(),
        4,
        "{table}"
    );
    assert_eq!(
        table
            .lines()
            .filter(|l| l.contains("n'a pas pu être enregistrée"))
            .count(),
        1,
        "{table}"
    );
    assert_eq!(
        table.lines().filter(|l| l.starts_with("letter")).count(),
        1,
        "{table}"
    );
    assert!(table.contains("j•••@e•••.fr"));
    assert!(!table.contains("jean.dupont@example.fr"));
    assert!(!table.contains("$argon2"));
    let out = Command::new(BIN)
        .args(["mailouts", "--json", "--database", &db])
        .output()
        .unwrap();
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 5);

    // followups CLI: the refused request, with its code, and no personal data unless --json.
    let out = Command::new(BIN)
        .args(["followups", "--database", &db])
        .output()
        .unwrap();
    assert!(out.status.success());
    let table = String::from_utf8(out.stdout).unwrap();
    let refused = bad["reference"].as_str().unwrap();
    let line = table
        .lines()
        .find(|l| l.starts_with(refused))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(
        line.contains("invalid") && line.contains("nir.checksum") && line.contains("email"),
        "{line}"
    );
    for field in ["nir", "lastName", "firstName", "email", "phone"] {
        let v = bad[field].as_str().unwrap();
        assert!(!table.contains(v), "{field} printed by followups");
    }
    let out = Command::new(BIN)
        .args(["followups", "--json", "--database", &db])
        .output()
        .unwrap();
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["lastName"], bad["lastName"]);

    // Stop the server and read everything it logged.
    kill_term(&server.0);
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.0.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "no clean shutdown");
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut logs = String::new();
    std::fs::File::open(&log_path)
        .unwrap()
        .read_to_string(&mut logs)
        .unwrap();
    assert!(logs.contains("enrolment"), "{logs}");
    for (_, b, _) in &sent {
        assert!(
            logs.contains(b["reference"].as_str().unwrap()),
            "references are logged"
        );
        for field in [
            "nir",
            "lastName",
            "firstName",
            "email",
            "phone",
            "birthDate",
        ] {
            let v = b[field].as_str().unwrap();
            assert!(!logs.contains(v), "{field} {v:?} leaked into the logs");
        }
        let v = &b["verification"];
        for secret in [&v["serial"], &v["date"]] {
            if let Some(s) = secret.as_str() {
                assert!(!logs.contains(s), "secret leaked into the logs");
            }
        }
    }
    for token in [
        "process-kiosk-token-123",
        "second-kiosk-token-456",
        "process-admin-token-123",
    ] {
        assert!(!logs.contains(token), "token leaked into the logs");
    }
    // The payment amount, as a number of its own: timestamps and durations are full of digits.
    for amount in ["8790", "87,90", "87.90"] {
        assert!(
            !contains_number(&logs, amount),
            "the payment amount {amount} leaked into the logs"
        );
    }
}

/// `text` holds `number` with no digit right before or after it.
fn contains_number(text: &str, number: &str) -> bool {
    text.match_indices(number).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + number.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_digit()) && !after.is_some_and(|c| c.is_ascii_digit())
    })
}

#[test]
fn a_number_is_found_only_on_its_own() {
    assert!(contains_number("amount=8790 cents", "8790"));
    assert!(contains_number("8790", "8790"));
    assert!(contains_number("87,90 €", "87,90"));
    assert!(!contains_number("2026-11-26T19:05:12.887901Z", "8790"));
    assert!(!contains_number("took 18790µs", "8790"));
}

/// SIGTERM via the `kill` command (no libc dependency).
fn kill_term(child: &std::process::Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn refuses_plain_http_off_loopback_and_short_kiosk_tokens() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/b.db", tmp.path().display());
    let out = Command::new(BIN)
        .args(["serve", "--listen", "0.0.0.0:0", "--database", &db])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("refusing to serve plain HTTP"));

    let mut add = Command::new(BIN)
        .args(["add-kiosk", "--id", "k1", "--database", &db])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    add.stdin.take().unwrap().write_all(b"short\n").unwrap();
    let out = add.wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 16"));

    let out = Command::new(BIN)
        .args(["serve", "--database", &db])
        .env("MSA_BACKEND_FAULT", "explode")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown fault"));
}
