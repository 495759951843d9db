//! The delivery worker: takes the outbox's due entries (up to [`BATCH`] at once) and sends them,
//! with exponential backoff and jitter between failed attempts, and tells whoever listens
//! ([`DeliveryHandle`]) the final answers. One step is `deliver_batch` (`deliver_one`), so tests
//! can drive the queue deterministically; `run` only loops, sleeps and keeps the status report.

use std::sync::Arc;
use std::time::Duration;

use enrol_core::wire::{AnswerBody, EnrolmentAnswer};
use rand::Rng;
use tokio::sync::{broadcast, Notify};

use super::client::{is_misconfigured, BackendClient, Transient};
use super::outbox::{Outbox, OutboxError};
use super::status::{BackendState, Pace, StatusReport, Token};
use crate::ops::clock::now_ms;

/// First retry after about this long; doubled at each failure.
const BACKOFF_BASE: Duration = Duration::from_secs(2);
/// Never wait longer than this between two attempts.
const BACKOFF_MAX: Duration = Duration::from_secs(300);
/// How often an idle worker looks at the outbox even if nobody wakes it.
const IDLE_POLL: Duration = Duration::from_secs(30);

/// What one step of the worker did.
#[derive(Debug, PartialEq, Eq)]
pub enum Attempt {
    /// The backend answered for good; the entry is gone from the outbox.
    Delivered {
        reference: String,
        answer: EnrolmentAnswer,
    },
    /// A permanent refusal the backend took no follow-up for (docs/contracts.md §3): the entry
    /// stays in the outbox, encrypted, « needs attention », until an operator acts.
    NeedsAttention {
        reference: String,
        answer: EnrolmentAnswer,
    },
    /// A transient failure; the entry will be tried again.
    Retried { code: String },
    /// Nothing is due.
    Idle,
}

/// How long to wait before attempt number `attempts + 1`: doubling from `BACKOFF_BASE` up to
/// `BACKOFF_MAX`, spread by ±25 % so that kiosks coming back online together do not retry in
/// step; never sooner than the backend's `Retry-After`. `jitter` is in [0, 1).
pub fn backoff(attempts: u32, retry_after: Option<Duration>, jitter: f64) -> Duration {
    let doubled = BACKOFF_BASE.saturating_mul(1u32 << attempts.min(16));
    let base = doubled.min(BACKOFF_MAX);
    let spread = base.mul_f64(0.75 + 0.5 * jitter.clamp(0.0, 1.0));
    spread.max(retry_after.unwrap_or_default())
}

/// How many due entries one step sends at once. A kiosk queues one enrolment at a time, but
/// after an outage the backlog drains in parallel requests (see `examples/drain_bench.rs`).
pub const BATCH: u32 = 16;

/// One step: send the oldest due entry, if any.
pub async fn deliver_one(
    outbox: &Outbox,
    client: &BackendClient,
    now_ms: i64,
) -> Result<Attempt, OutboxError> {
    Ok(deliver_batch(outbox, client, now_ms, 1)
        .await?
        .into_iter()
        .next()
        .unwrap_or(Attempt::Idle))
}

/// One step over up to `limit` due entries, sent concurrently; the final answers are recorded
/// in one transaction. An empty result means nothing was due.
pub async fn deliver_batch(
    outbox: &Outbox,
    client: &BackendClient,
    now_ms: i64,
    limit: u32,
) -> Result<Vec<Attempt>, OutboxError> {
    let due = outbox.due(now_ms, limit).await?;
    let results = futures_util::future::join_all(
        due.iter()
            .map(|pending| client.send_body(pending.idempotency_key, &pending.request)),
    )
    .await;
    let mut done = Vec::new();
    let mut held = Vec::new();
    let mut attempts = Vec::with_capacity(due.len());
    for (pending, result) in due.iter().zip(results) {
        match result {
            Ok(body) if !body.backend_owns_it() => {
                // A final refusal nobody at the backend took charge of: never deleted.
                let reason = attention_reason(&body);
                tracing::warn!(reference = %pending.reference, reason = %reason, "refused without a follow-up at the backend: kept, needs attention");
                held.push((pending, reason));
                attempts.push(Attempt::NeedsAttention {
                    reference: pending.reference.clone(),
                    answer: body.answer,
                });
            }
            Ok(AnswerBody { answer, .. }) => {
                let outcome = answer.outcome();
                done.push((pending, outcome));
                tracing::info!(reference = %pending.reference, outcome, attempts = pending.attempts + 1, "enrolment delivered");
                attempts.push(Attempt::Delivered {
                    reference: pending.reference.clone(),
                    answer,
                });
            }
            Err(Transient { code, retry_after }) => {
                let wait = backoff(pending.attempts, retry_after, rand::rng().random::<f64>());
                let next =
                    now_ms.saturating_add(i64::try_from(wait.as_millis()).unwrap_or(i64::MAX));
                outbox.reschedule(&pending.id, next, &code).await?;
                tracing::warn!(reference = %pending.reference, code = %code, retry_in_ms = wait.as_millis() as u64, "delivery failed, will retry");
                attempts.push(Attempt::Retried { code });
            }
        }
    }
    if !done.is_empty() {
        outbox.complete_many(&done, now_ms).await?;
    }
    if !held.is_empty() {
        outbox.hold_for_attention(&held, now_ms).await?;
    }
    Ok(attempts)
}

/// What `msa-kiosk outbox list` shows of a refusal: its outcome and, for `invalid`, the error
/// codes (`invalid(nir.checksum,email.format)`), never a value. Codes come from the backend:
/// one that is not shaped like a code (letters and dots, at most 40 characters; a backend might
/// echo a value there) shows as `unknown`; at most 120 characters in all.
fn attention_reason(body: &AnswerBody) -> String {
    let mut reason = body.answer.outcome().to_owned();
    if let EnrolmentAnswer::Invalid { errors } = &body.answer {
        let codes: Vec<&str> = errors
            .iter()
            .map(|e| {
                let shaped = !e.code.is_empty()
                    && e.code.len() <= 40
                    && e.code.chars().all(|c| c.is_ascii_alphabetic() || c == '.');
                if shaped {
                    e.code.as_str()
                } else {
                    "unknown"
                }
            })
            .collect();
        reason = format!("{reason}({})", codes.join(","));
    }
    reason.chars().take(120).collect()
}

/// What the backend's answers to one step say of it, for `status.json`'s `backend`: the
/// worst news first (a misconfiguration hides nothing behind it: nothing gets through).
fn backend_state(attempts: &[Attempt]) -> Option<BackendState> {
    let mut state = None;
    for attempt in attempts {
        let this = match attempt {
            Attempt::Retried { code } if is_misconfigured(code) => BackendState::Misconfigured,
            Attempt::Retried { code } if code == "http-401" => BackendState::TokenRefused,
            Attempt::Retried { code } if code == "http-429" || code == "http-503" => {
                BackendState::Busy
            }
            Attempt::Retried { .. } => BackendState::Unreachable,
            Attempt::Delivered { .. } | Attempt::NeedsAttention { .. } => BackendState::Ok,
            Attempt::Idle => continue,
        };
        state = Some(state.map_or(this, |s: BackendState| s.max(this)));
    }
    state
}

/// The handle the rest of the app uses: wake the worker, hear its final answers.
#[derive(Clone)]
pub struct DeliveryHandle {
    wake: Arc<Notify>,
    answers: broadcast::Sender<(String, EnrolmentAnswer)>,
}

impl DeliveryHandle {
    pub fn new() -> DeliveryHandle {
        let (answers, _) = broadcast::channel(64);
        DeliveryHandle {
            wake: Arc::new(Notify::new()),
            answers,
        }
    }

    /// Something was queued: try now rather than at the next poll.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Subscribe before enqueueing, so an answer that comes quickly is not missed.
    pub fn subscribe(&self) -> broadcast::Receiver<(String, EnrolmentAnswer)> {
        self.answers.subscribe()
    }

    /// Waits up to `wait` for the final answer about `reference`.
    pub async fn answer_for(
        mut receiver: broadcast::Receiver<(String, EnrolmentAnswer)>,
        reference: &str,
        wait: Duration,
    ) -> Option<EnrolmentAnswer> {
        tokio::time::timeout(wait, async {
            loop {
                match receiver.recv().await {
                    Ok((delivered, answer)) if delivered == reference => return Some(answer),
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            }
        })
        .await
        .ok()
        .flatten()
    }

    /// The worker's loop. Ends only with the app. The queue's state goes to `status` after
    /// every change, for `msa-kiosk status` (see [`report`]).
    pub async fn run(
        self,
        outbox: Outbox,
        client: Option<Arc<BackendClient>>,
        mut status: StatusReport,
    ) {
        let Some(client) = client else {
            tracing::error!("no backend token in the OS keyring: enrolments are kept in the outbox until the kiosk is provisioned (msa-kiosk provision-token)");
            // Nothing is sent, but the IT team still sees the queue grow.
            status.set_token(Token::Missing);
            loop {
                report(&mut status, &outbox, Pace::Quiet).await;
                let _ = tokio::time::timeout(IDLE_POLL, self.wake.notified()).await;
            }
        };
        status.set_token(Token::Present);
        loop {
            match deliver_batch(&outbox, &client, now_ms(), BATCH).await {
                Ok(attempts) if !attempts.is_empty() => {
                    if let Some(backend) = backend_state(&attempts) {
                        status.set_backend(backend);
                    }
                    report(&mut status, &outbox, Pace::Draining).await;
                    for attempt in attempts {
                        // The screen, if the person is still there, shows a refusal either way.
                        if let Attempt::Delivered { reference, answer }
                        | Attempt::NeedsAttention { reference, answer } = attempt
                        {
                            let _ = self.answers.send((reference, answer));
                        }
                    }
                }
                Ok(_) => {
                    report(&mut status, &outbox, Pace::Quiet).await;
                    let until_due = match outbox.next_attempt_at().await {
                        Ok(Some(at)) => Duration::from_millis(
                            u64::try_from(at.saturating_sub(now_ms())).unwrap_or(0),
                        ),
                        _ => IDLE_POLL,
                    };
                    let _ =
                        tokio::time::timeout(until_due.min(IDLE_POLL), self.wake.notified()).await;
                }
                Err(error) => {
                    tracing::error!(%error, "outbox error");
                    let _ =
                        tokio::time::timeout(Duration::from_secs(5), self.wake.notified()).await;
                }
            }
        }
    }
}

/// Shows the queue in `status`: its health is read only when the outbox changed since the last
/// look (and while a backlog drains, once a second at most).
async fn report(status: &mut StatusReport, outbox: &Outbox, pace: Pace) {
    // Read before the health, so that a change during the read is seen at the next look.
    let revision = outbox.revision();
    if !status.wants_look(revision, pace) {
        return;
    }
    match outbox.health().await {
        Ok(health) => status.record(revision, &health),
        Err(error) => tracing::warn!(%error, "cannot read the outbox's state for status.json"),
    }
}

impl Default for DeliveryHandle {
    fn default() -> Self {
        DeliveryHandle::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_is_capped_and_respects_retry_after() {
        assert_eq!(backoff(0, None, 0.5), Duration::from_secs(2));
        assert_eq!(backoff(1, None, 0.5), Duration::from_secs(4));
        assert_eq!(backoff(3, None, 0.5), Duration::from_secs(16));
        assert_eq!(backoff(30, None, 0.5), BACKOFF_MAX);
        assert_eq!(backoff(0, None, 0.0), Duration::from_millis(1500));
        assert!(backoff(0, None, 0.999) < Duration::from_millis(2500));
        assert_eq!(
            backoff(0, Some(Duration::from_secs(60)), 0.5),
            Duration::from_secs(60)
        );
    }

    #[test]
    fn the_worst_news_of_a_step_is_the_backend_state() {
        let retried = |code: &str| Attempt::Retried { code: code.into() };
        let delivered = Attempt::Delivered {
            reference: "R".into(),
            answer: EnrolmentAnswer::Postal {
                reference: "R".into(),
            },
        };
        assert_eq!(backend_state(&[]), None);
        assert_eq!(backend_state(&[delivered]), Some(BackendState::Ok));
        assert_eq!(
            backend_state(&[retried("unreachable"), retried("misconfigured-http-404")]),
            Some(BackendState::Misconfigured)
        );
        assert_eq!(
            backend_state(&[retried("http-503"), retried("timeout")]),
            Some(BackendState::Unreachable)
        );
        assert_eq!(
            backend_state(&[retried("http-429")]),
            Some(BackendState::Busy)
        );
    }

    #[test]
    fn an_attention_reason_carries_codes_never_values() {
        let body: AnswerBody = serde_json::from_value(serde_json::json!({
            "outcome": "invalid",
            "errors": [{"code": "nir.checksum", "field": "nir", "key": "k"},
                       {"code": "jean@x.fr <b>", "field": null, "key": "k"}]
        }))
        .unwrap();
        assert_eq!(attention_reason(&body), "invalid(nir.checksum,unknown)");
    }
}
