//! The kiosk's heartbeat to the backend (issue 17; docs/contracts.md §4, docs/openapi.yaml
//! `Heartbeat`): its health every minute and at once when it changes, for the agency console.
//!
//! The body is built from `status.json` (which holds nothing personal: counts, times, codes),
//! the availability board and the wizard's step *number*; every text is re-checked against the
//! contract's forms (a version, a code of letters, an RFC 3339 time) before it leaves, so that a
//! value of the wrong kind can never travel. A heartbeat is a state, never queued: a failure is
//! logged by its code and the next beat says it again. Tauri-free: `shell::help` runs [`run`].

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::delivery::client::BackendClient;
use crate::ops::availability::{Availability, Reason};
use crate::ops::help::HelpCall;

/// How often the beat looks for a change; at most one heartbeat a second (docs/contracts.md §4).
const LOOK_EVERY: Duration = Duration::from_secs(1);

/// The body of `PUT /v1/kiosks/{kioskId}/heartbeat`: every field of the closed schema, in its
/// contract form. `Debug` is safe: nothing here can hold a personal value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Heartbeat {
    /// `MAJOR.MINOR.PATCH`, the app's version.
    pub version: String,
    /// Enrolments waiting in the outbox (`status.json` `delivery.waiting`).
    pub queue_size: u64,
    /// Age in seconds of the oldest waiting one; `None` when the queue is empty.
    pub queue_oldest_age_seconds: Option<u64>,
    /// Enrolments set aside for an operator (`delivery.needsAttention`, else `delivery.setAside`).
    pub needs_attention: u64,
    /// RFC 3339 (UTC, whole seconds) of the last delivery the backend acknowledged.
    pub last_delivery_at: Option<String>,
    /// The updater's last result code (`upToDate`, `refused.signature`…), `None` before a check.
    pub updater_result: Option<String>,
    /// Web-process crashes recovered (`webProcess.crashesRecovered`).
    pub crashes_recovered: u64,
    /// `none`, `ready`, `paperLow`, `paperOut`, `offline` or `error`.
    pub printer: &'static str,
    /// `ready` or `unavailable` (the kiosk has no « non configurée » screen yet).
    pub availability: &'static str,
    /// The reason code when not `ready` (`keyring.locked`…), `None` exactly when `ready`.
    pub availability_reason: Option<String>,
    /// The wizard's screen, 1 (welcome) to 7 (confirmation); `None` when no wizard is shown.
    pub step: Option<u8>,
}

/// The contract's code form: `^[a-z][A-Za-z]{0,39}(\.[a-z][A-Za-z]{0,39})?$`. Nothing else is
/// sent as a code (`other` takes its place).
pub fn as_code(text: &str) -> String {
    let part_ok = |p: &str| {
        let mut chars = p.chars();
        matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
            && p.len() <= 40
            && chars.all(|c| c.is_ascii_alphabetic())
    };
    let parts: Vec<&str> = text.split('.').collect();
    if (1..=2).contains(&parts.len()) && parts.iter().all(|p| part_ok(p)) {
        text.to_owned()
    } else {
        "other".to_owned()
    }
}

fn rfc3339(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).ok()
}

fn count(value: &Value) -> Option<u64> {
    value.as_u64()
}

/// `receipt.printer` of `status.json` (`ready`, `noPaper`, `offline`, `missing`, `unknown`) in
/// the contract's words; `none` without a printer.
fn printer(status: &Value) -> &'static str {
    match status.pointer("/receipt/printer").and_then(Value::as_str) {
        None if status.get("receipt").is_none() => "none",
        Some("ready") => "ready",
        Some("noPaper") => "paperOut",
        Some("offline") => "offline",
        _ => "error",
    }
}

impl Heartbeat {
    /// The heartbeat of `status` (the content of `status.json`, or `{}`), the availability the
    /// screen shows and the wizard's step number, at `now`.
    pub fn of(
        status: &Value,
        availability: &Availability,
        step: Option<u8>,
        now: OffsetDateTime,
    ) -> Heartbeat {
        let delivery = status.get("delivery").cloned().unwrap_or(Value::Null);
        let queue_size = delivery.get("waiting").and_then(count).unwrap_or(0);
        let queue_oldest_age_seconds = delivery
            .get("oldestWaitingSince")
            .and_then(Value::as_str)
            .and_then(rfc3339)
            .filter(|_| queue_size > 0)
            .map(|since| (now - since).whole_seconds().max(0).unsigned_abs());
        let needs_attention = delivery
            .get("needsAttention")
            .or_else(|| delivery.get("setAside"))
            .and_then(count)
            .unwrap_or(0);
        let last_delivery_at = delivery
            .get("lastDeliveredAt")
            .and_then(Value::as_str)
            .and_then(rfc3339)
            .and_then(|t| {
                t.to_offset(time::UtcOffset::UTC)
                    .replace_nanosecond(0)
                    .ok()?
                    .format(&Rfc3339)
                    .ok()
            });
        let updater_result = status
            .pointer("/updater/lastResult")
            .and_then(Value::as_str)
            .map(as_code);
        let crashes_recovered = status
            .pointer("/webProcess/crashesRecovered")
            .and_then(count)
            .unwrap_or(0);
        let (availability, availability_reason) = match availability {
            Availability::Ready => ("ready", None),
            // « Borne non configurée » is its own state in the console (§4): IT must act, it
            // will not come back by itself.
            Availability::Unavailable { reason } if *reason == Reason::NotConfigured.code() => {
                ("notConfigured", Some(as_code(reason)))
            }
            Availability::Unavailable { reason } => ("unavailable", Some(as_code(reason))),
        };
        Heartbeat {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            queue_size,
            queue_oldest_age_seconds,
            needs_attention,
            last_delivery_at,
            updater_result,
            crashes_recovered,
            printer: printer(status),
            availability,
            availability_reason,
            step: step.filter(|s| (1..=7).contains(s)),
        }
    }

    /// Whether `other` says the same thing, the queue's age aside (it grows every second: only
    /// whether there is one counts as a change).
    pub fn same_state(&self, other: &Heartbeat) -> bool {
        let mut a = self.clone();
        let mut b = other.clone();
        a.queue_oldest_age_seconds = a.queue_oldest_age_seconds.map(|_| 0);
        b.queue_oldest_age_seconds = b.queue_oldest_age_seconds.map(|_| 0);
        a == b
    }
}

/// The backend's `200` answer: `{"outcome": "recorded", "helpCall": <HelpCall>|null}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Recorded {
    help_call: Option<HelpCall>,
}

/// Sends one heartbeat; `Ok` with the kiosk's open help call, if the backend has one; `Err`
/// with a code for the log (`http-401`, `unreachable`…), never a body.
pub async fn send(
    client: &BackendClient,
    kiosk_id: &str,
    heartbeat: &Heartbeat,
) -> Result<Option<HelpCall>, String> {
    let request = client
        .kiosk_request(
            reqwest::Method::PUT,
            &format!("v1/kiosks/{kiosk_id}/heartbeat"),
        )
        .map_err(|t| t.code)?;
    let response = request
        .json(heartbeat)
        .send()
        .await
        .map_err(|e| BackendClient::failure_code(&e).to_owned())?;
    let status = response.status();
    if status != reqwest::StatusCode::OK {
        // 422 names the field the backend refused; the value is never echoed.
        let field = response
            .json::<Value>()
            .await
            .ok()
            .and_then(|v| v.get("field").and_then(Value::as_str).map(as_code));
        return Err(match field {
            Some(field) => format!("http-{}-{field}", status.as_u16()),
            None => format!("http-{}", status.as_u16()),
        });
    }
    let recorded: Recorded = response
        .json()
        .await
        .map_err(|_| "misconfigured-body".to_owned())?;
    Ok(recorded.help_call)
}

/// The heartbeat loop, for the kiosk's life: looks at `current()` every second and sends it when
/// it changed (see [`Heartbeat::same_state`]) or `every` after the last one. `answer` gets each
/// answer's open help call (`shell::help` closes one that no person is waiting on).
pub async fn run<C, A, F>(
    client: Arc<BackendClient>,
    kiosk_id: String,
    every: Duration,
    current: C,
    answer: A,
) where
    C: Fn() -> Heartbeat,
    A: Fn(Option<HelpCall>) -> F,
    F: Future<Output = ()>,
{
    let mut last: Option<(Heartbeat, Instant)> = None;
    let mut last_error: Option<String> = None;
    let mut ticks = tokio::time::interval(LOOK_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let heartbeat = current();
        let due = match &last {
            None => true,
            Some((sent, at)) => !sent.same_state(&heartbeat) || at.elapsed() >= every,
        };
        if !due {
            continue;
        }
        // Sent or not, this state was said: a failure waits for the next beat or change.
        last = Some((heartbeat.clone(), Instant::now()));
        match send(&client, &kiosk_id, &heartbeat).await {
            Ok(call) => {
                if last_error.take().is_some() {
                    tracing::info!("heartbeat recorded again");
                }
                answer(call).await;
            }
            Err(code) => {
                // Logged once per kind of failure, not every minute of an outage.
                if last_error.as_deref() != Some(code.as_str()) {
                    tracing::warn!(%code, "heartbeat not recorded");
                    last_error = Some(code);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-26 10:46:47 UTC);

    #[test]
    fn the_body_comes_from_status_json_in_the_contracts_words() {
        let status = json!({
            "delivery": {"waiting": 2, "oldestWaitingSince": "2026-11-26T10:41:07.250Z",
                         "setAside": 1, "lastDeliveredAt": "2026-11-26T10:41:07.123Z",
                         "lastError": "http-503", "backendToken": "present"},
            "updater": {"lastResult": "refused.signature"},
            "webProcess": {"crashesRecovered": 3},
            "receipt": {"printer": "noPaper"},
        });
        let hb = Heartbeat::of(&status, &Availability::Ready, Some(3), NOW);
        let body = serde_json::to_value(&hb).unwrap();
        assert_eq!(
            body,
            json!({"version": env!("CARGO_PKG_VERSION"), "queueSize": 2,
                   "queueOldestAgeSeconds": 339, "needsAttention": 1,
                   "lastDeliveryAt": "2026-11-26T10:41:07Z", "updaterResult": "refused.signature",
                   "crashesRecovered": 3, "printer": "paperOut", "availability": "ready",
                   "availabilityReason": null, "step": 3})
        );
        // The count of i14's « needs attention » wins over the set-aside entries.
        let with_attention =
            json!({"delivery": {"waiting": 0, "setAside": 1, "needsAttention": 4}});
        let hb = Heartbeat::of(&with_attention, &Availability::Ready, None, NOW);
        assert_eq!((hb.needs_attention, hb.queue_oldest_age_seconds), (4, None));
    }

    #[test]
    fn an_empty_status_and_an_unavailable_kiosk() {
        let hb = Heartbeat::of(
            &json!({}),
            &Availability::Unavailable {
                reason: "keyring.locked",
            },
            Some(9),
            NOW,
        );
        assert_eq!(hb.queue_size, 0);
        assert_eq!(hb.printer, "none");
        assert_eq!(hb.availability, "unavailable");
        assert_eq!(hb.availability_reason.as_deref(), Some("keyring.locked"));
        assert_eq!(hb.step, None, "a step out of 1–7 is not sent");
        assert_eq!(hb.updater_result, None);
    }

    #[test]
    fn a_kiosk_not_configured_says_so_in_its_own_state() {
        let hb = Heartbeat::of(
            &json!({}),
            &Availability::Unavailable {
                reason: Reason::NotConfigured.code(),
            },
            Some(1),
            NOW,
        );
        assert_eq!(hb.availability, "notConfigured");
        assert_eq!(
            hb.availability_reason.as_deref(),
            Some("system.notConfigured")
        );
    }

    #[test]
    fn only_codes_travel_as_codes() {
        assert_eq!(as_code("upToDate"), "upToDate");
        assert_eq!(
            as_code("refused.feedUnreachable"),
            "refused.feedUnreachable"
        );
        for bad in [
            "jean.dupont@example.fr",
            "1 84 12 76 451 089",
            "a.b.c",
            "Dupont",
            "",
            "é",
        ] {
            assert_eq!(as_code(bad), "other", "{bad}");
        }
    }

    #[test]
    fn a_growing_queue_age_is_no_change_but_a_new_step_is() {
        let status =
            json!({"delivery": {"waiting": 1, "oldestWaitingSince": "2026-11-26T10:41:07Z"}});
        let a = Heartbeat::of(&status, &Availability::Ready, Some(2), NOW);
        let b = Heartbeat::of(
            &status,
            &Availability::Ready,
            Some(2),
            NOW + time::Duration::seconds(5),
        );
        assert_ne!(a, b);
        assert!(a.same_state(&b));
        let c = Heartbeat::of(&status, &Availability::Ready, Some(3), NOW);
        assert!(!a.same_state(&c));
    }
}
