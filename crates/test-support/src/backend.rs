//! The reference MSA backend (`crates/msa-backend`) as a real process on a loopback port, with
//! its own SQLite file, its fault injection on, and its admin endpoints to read what it got.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

use crate::{free_port, wait, Guarded};

/// The token every test backend accepts from the test kiosks. The tests of one run share the
/// D-Bus session's keyring, so they share this one value too.
pub const KIOSK_TOKEN: &str = "e2e-kiosk-token-0123456789abcdef";
/// The test backends' admin token (`/admin/…`).
pub const ADMIN_TOKEN: &str = "e2e-admin-token-0123456789abcdef";

/// The cargo target folder of this build (`target/debug`), where the workspace's binaries are.
pub fn target_dir() -> PathBuf {
    // A test binary runs from target/<profile>/deps/.
    std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A reference MSA backend process; ended (with its process group) when dropped.
pub struct Backend {
    /// `http://127.0.0.1:<port>/`
    pub url: String,
    _process: Guarded,
}

impl Backend {
    /// On a free port; its database and log in `dir`.
    pub fn start(dir: &Path) -> Backend {
        Backend::start_on(dir, free_port())
    }

    /// On `port`; returns once `/ready` answers (30 s at most, else panics with its log).
    pub fn start_on(dir: &Path, port: u16) -> Backend {
        let binary = target_dir().join("msa-backend");
        assert!(
            binary.exists(),
            "{} is missing: build the workspace first (cargo xtask test does)",
            binary.display()
        );
        let log_path = dir.join(format!("backend-{port}.log"));
        let log = std::fs::File::create(&log_path).unwrap();
        let process = Guarded::spawn(
            Command::new(binary)
                .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
                .arg("--database")
                .arg(format!("sqlite://{}", dir.join("backend.db").display()))
                .current_dir(dir)
                .env(
                    "MSA_BACKEND_KIOSK_TOKENS",
                    format!("e2e-kiosk:{KIOSK_TOKEN}"),
                )
                .env("MSA_BACKEND_ADMIN_TOKEN", ADMIN_TOKEN)
                .env("MSA_BACKEND_ARGON2", "test")
                .env("MSA_BACKEND_FAULT_INJECTION", "true")
                .stdout(Stdio::null())
                .stderr(log),
            "msa-backend",
        );
        let url = format!("http://127.0.0.1:{port}/");
        let ready = format!("{url}ready");
        let started =
            wait::try_blocking(Duration::from_secs(30), Duration::from_millis(50), || {
                let up = std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
                    && Command::new("curl")
                        .args(["-fsS", "-o", "/dev/null", &ready])
                        .status()
                        .is_ok_and(|s| s.success());
                if up {
                    Ok(())
                } else {
                    Err(())
                }
            });
        assert!(
            started.is_ok(),
            "the backend did not get ready: {}",
            std::fs::read_to_string(&log_path).unwrap_or_default()
        );
        Backend {
            url,
            _process: process,
        }
    }

    /// What the backend received (`GET /admin/enrolments`): one JSON object per enrolment.
    pub async fn enrolments(&self) -> Vec<Value> {
        self.admin_get("enrolments").await
    }

    /// What the backend "sent" (`GET /admin/mailouts`): e-mails and letters.
    pub async fn mailouts(&self) -> Vec<Value> {
        self.admin_get("mailouts").await
    }

    /// Sets the injected fault (`unavailable`, `slow:<ms>`, `reset`, `reset-after`, `off`…).
    pub async fn set_fault(&self, fault: &str) {
        let response = reqwest::Client::new()
            .put(format!("{}admin/fault", self.url))
            .bearer_auth(ADMIN_TOKEN)
            .json(&json!({ "fault": fault }))
            .send()
            .await
            .expect("admin endpoint");
        assert!(response.status().is_success(), "{}", response.status());
    }

    async fn admin_get(&self, what: &str) -> Vec<Value> {
        let response = reqwest::Client::new()
            .get(format!("{}admin/{what}", self.url))
            .bearer_auth(ADMIN_TOKEN)
            .send()
            .await
            .expect("admin endpoint");
        assert!(response.status().is_success(), "{}", response.status());
        response.json().await.unwrap()
    }
}
