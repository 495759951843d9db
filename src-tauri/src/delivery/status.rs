//! The `delivery` key of `<data_dir>/status.json`, what `msa-kiosk status` shows of the queue:
//! counts, times, error codes and whether the backend token is there; nothing personal.
//!
//! The report does not read the outbox itself: the worker asks [`StatusReport::wants_look`]
//! with the outbox's revision, reads the queue's health only when it changed, and hands it to
//! [`StatusReport::record`], which writes the file only when what it shows changed.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::delivery::outbox::OutboxHealth;
use crate::ops::clock::{now_rfc3339, rfc3339_ms};
use crate::ops::status_file;

/// While a backlog drains, the queue is looked at no more often than this.
const STATUS_EVERY: Duration = Duration::from_secs(1);

/// Whether the kiosk holds its backend token (`msa-kiosk provision-token`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    Present,
    Missing,
}

/// What the backend's last answers say of it (`status.json` `delivery.backend`), from the
/// worker's last step with an attempt. Ordered from good to worst news.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum BackendState {
    /// No attempt since the start.
    Unknown,
    /// It answered within the contract.
    Ok,
    /// `429` / `503`: it asks the kiosk to come back later.
    Busy,
    /// Timeout, connection refused or reset.
    Unreachable,
    /// `401`: the kiosk's token is refused.
    TokenRefused,
    /// An answer outside the contract, a redirect, a TLS failure (docs/contracts.md §3): the
    /// URL, a proxy or the certificate needs the IT team. Shown at the first such attempt.
    Misconfigured,
}

impl BackendState {
    pub fn code(self) -> &'static str {
        match self {
            BackendState::Unknown => "unknown",
            BackendState::Ok => "ok",
            BackendState::Busy => "busy",
            BackendState::Unreachable => "unreachable",
            BackendState::TokenRefused => "tokenRefused",
            BackendState::Misconfigured => "misconfigured",
        }
    }
}

/// How soon a change of the queue must show in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// A backlog is draining: once per second is enough.
    Draining,
    /// The queue is quiet: at once.
    Quiet,
}

/// The `delivery` key of `status.json`, written only when it changed.
pub struct StatusReport {
    path: PathBuf,
    backend_url: String,
    token: Token,
    backend: BackendState,
    /// What was last written, without its time.
    written: Option<Value>,
    /// The outbox's revision last read, and when.
    looked: Option<(u64, Instant)>,
}

impl StatusReport {
    /// A report to `path` (`<data_dir>/status.json`); the token is `Missing` until
    /// [`set_token`](Self::set_token) says otherwise.
    pub fn new(path: PathBuf, backend_url: &str) -> StatusReport {
        StatusReport {
            path,
            backend_url: backend_url.to_owned(),
            token: Token::Missing,
            backend: BackendState::Unknown,
            written: None,
            looked: None,
        }
    }

    pub fn set_token(&mut self, token: Token) {
        if token != self.token {
            self.token = token;
            // Shown at the next look, even if the queue did not change.
            self.looked = None;
        }
    }

    /// What the worker's last step said of the backend: shown at the next look.
    pub fn set_backend(&mut self, backend: BackendState) {
        if backend != self.backend {
            self.backend = backend;
            self.looked = None;
        }
    }

    /// Whether the queue is worth reading again: it changed since the last look (its
    /// `revision`, see `Outbox::revision`) and, while it drains, the last look is a second old.
    pub fn wants_look(&self, revision: u64, pace: Pace) -> bool {
        match self.looked {
            None => true,
            Some((seen, _)) if seen == revision => false,
            Some((_, at)) => pace == Pace::Quiet || at.elapsed() >= STATUS_EVERY,
        }
    }

    /// The queue as of `revision`: written to `status.json` if what it shows changed.
    pub fn record(&mut self, revision: u64, health: &OutboxHealth) {
        self.looked = Some((revision, Instant::now()));
        let delivered: serde_json::Map<String, Value> = health
            .delivered
            .iter()
            .map(|(outcome, n)| (outcome.clone(), json!(n)))
            .collect();
        let value = json!({
            "backendUrl": self.backend_url,
            "backendToken": match self.token {
                Token::Present => "present",
                Token::Missing => "missing",
            },
            "backend": self.backend.code(),
            "waiting": health.waiting,
            "oldestWaitingSince": health.oldest_queued_at.map(rfc3339_ms),
            "lastError": health.last_error,
            "setAside": health.set_aside,
            // The heartbeat's `needsAttention` (docs/contracts.md §4); `msa-kiosk status`
            // adds the age in seconds when it prints.
            "needsAttention": health.needs_attention,
            "needsAttentionOldestSince": health.oldest_attention_queued_at.map(rfc3339_ms),
            "lastDeliveredAt": health.last_delivered_at.map(rfc3339_ms),
            "delivered": delivered,
        });
        if self.written.as_ref() == Some(&value) {
            return;
        }
        let mut written = value.clone();
        written["updatedAt"] = json!(now_rfc3339());
        match status_file::merge(&self.path, "delivery", written) {
            Ok(()) => self.written = Some(value),
            Err(error) => tracing::warn!(%error, "cannot write status.json"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn health(waiting: i64) -> OutboxHealth {
        OutboxHealth {
            waiting,
            oldest_queued_at: (waiting > 0).then_some(1_764_180_000_000),
            set_aside: 0,
            needs_attention: 0,
            oldest_attention_queued_at: None,
            last_error: None,
            last_delivered_at: None,
            delivered: vec![("postal".into(), 2)],
        }
    }

    fn read(path: &std::path::Path) -> Value {
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn the_queue_is_read_again_only_once_it_changed() {
        let dir = tempfile::tempdir().unwrap();
        let mut report = StatusReport::new(dir.path().join("status.json"), "http://127.0.0.1/");
        assert!(report.wants_look(0, Pace::Draining), "the first look");
        report.record(0, &health(1));
        assert!(!report.wants_look(0, Pace::Quiet), "nothing changed");
        assert!(report.wants_look(1, Pace::Quiet));
        assert!(
            !report.wants_look(1, Pace::Draining),
            "not twice within a second while draining"
        );
        report.set_token(Token::Present);
        assert!(
            report.wants_look(0, Pace::Draining),
            "the token shows at once"
        );
    }

    #[test]
    fn the_file_shows_the_queue_and_the_token_and_is_rewritten_only_on_change() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("status.json");
        let mut report = StatusReport::new(path.clone(), "http://127.0.0.1/");
        report.record(0, &health(1));
        let first = read(&path);
        assert_eq!(first["delivery"]["backendToken"], "missing");
        assert_eq!(first["delivery"]["waiting"], 1);
        assert_eq!(
            first["delivery"]["oldestWaitingSince"],
            "2025-11-26T18:00:00Z"
        );
        assert_eq!(first["delivery"]["delivered"]["postal"], 2);
        // The same queue at a later revision: the file is not touched.
        std::fs::remove_file(&path).unwrap();
        report.record(1, &health(1));
        assert!(!path.exists());
        report.set_token(Token::Present);
        report.record(1, &health(0));
        assert_eq!(read(&path)["delivery"]["backendToken"], "present");
        assert_eq!(read(&path)["delivery"]["waiting"], 0);
        assert_eq!(read(&path)["delivery"]["backend"], "unknown");
        assert_eq!(read(&path)["delivery"]["needsAttention"], 0);
        // The backend's state shows at once, the queue unchanged.
        report.set_backend(BackendState::Misconfigured);
        assert!(report.wants_look(1, Pace::Draining));
        report.record(1, &health(0));
        assert_eq!(read(&path)["delivery"]["backend"], "misconfigured");
    }
}
