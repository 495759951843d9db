//! Kiosk heartbeats (issue 17, docs/openapi.yaml `Heartbeat`): what a kiosk's health is, in
//! counts, codes and times only, and the history of its incidents.
//!
//! The body is read field by field against a closed list (the schema's
//! `additionalProperties: false`), and every text is a version or a code of letters: a NIR, a
//! name, an e-mail address or a date cannot fit in any of them. A refusal names the field, never
//! the value.

use crate::db::{now_unix, Db};
use serde_json::{Map, Value};
use sqlx::Row;
use std::time::Duration;

/// Largest count accepted (queue sizes, crashes): far above anything a kiosk can hold.
const MAX_COUNT: i64 = 1_000_000;
/// Largest age accepted, in seconds (ten years).
const MAX_AGE_SECONDS: i64 = 10 * 365 * 24 * 3600;

/// Printer states (`printer`): `none` when the kiosk has no printer.
pub const PRINTER_STATES: &[&str] = &["none", "ready", "paperLow", "paperOut", "offline", "error"];
/// Availability states (`availability`).
pub const AVAILABILITY_STATES: &[&str] = &["ready", "unavailable", "notConfigured"];

/// What the kiosk says of itself. Every field of the contract is required (null where the
/// schema allows it), so that a kiosk states each one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heartbeat {
    /// The kiosk's version (see [`is_version`]).
    pub version: String,
    /// Enrolments waiting in the outbox.
    pub queue_size: i64,
    /// Age of the oldest waiting enrolment, seconds; `None` when the queue is empty.
    pub queue_oldest_age_seconds: Option<i64>,
    /// Enrolments set aside for an operator (« needs attention »).
    pub needs_attention: i64,
    /// Unix time of the last delivery the backend acknowledged.
    pub last_delivery_at: Option<i64>,
    /// The updater's last result code (`upToDate`, `refused.signature`, …).
    pub updater_result: Option<String>,
    /// Crashes of the kiosk's web process it recovered from (a counter).
    pub crashes_recovered: i64,
    /// One of [`PRINTER_STATES`].
    pub printer: String,
    /// One of [`AVAILABILITY_STATES`].
    pub availability: String,
    /// Why the kiosk is not `ready` (a code); `None` exactly when it is.
    pub availability_reason: Option<String>,
    /// The wizard's step on screen, 1 (welcome) to 7 (confirmation); never an answer.
    pub step: Option<i64>,
}

/// Why a body was refused: the top-level field at fault (`None`: the body itself).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Refused {
    pub field: Option<&'static str>,
}

const FIELDS: &[&str] = &[
    "version",
    "queueSize",
    "queueOldestAgeSeconds",
    "needsAttention",
    "lastDeliveryAt",
    "updaterResult",
    "crashesRecovered",
    "printer",
    "availability",
    "availabilityReason",
    "step",
];

fn refuse(field: &'static str) -> Refused {
    Refused { field: Some(field) }
}

/// `^[a-z][A-Za-z]{0,39}(\.[a-z][A-Za-z]{0,39})?$`: a code of letters, e.g. `refused.signature`.
pub fn is_code(text: &str) -> bool {
    let mut parts = text.split('.');
    let part_ok = |p: &str| {
        let mut chars = p.chars();
        matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
            && p.len() <= 40
            && chars.all(|c| c.is_ascii_alphabetic())
    };
    let first = parts.next().is_some_and(part_ok);
    let second = parts.next().is_none_or(part_ok);
    first && second && parts.next().is_none()
}

/// `MAJOR.MINOR.PATCH` (each 1–5 digits) and an optional `-alpha`, `-beta`, `-rc` or `-dev`
/// with an optional `.N` (1–5 digits): `0.1.0`, `1.2.0-rc.1`. No room for a name or a NIR.
pub fn is_version(text: &str) -> bool {
    let digits = |n: &str| (1..=5).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit());
    let (core, pre) = match text.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (text, None),
    };
    let numbers: Vec<&str> = core.split('.').collect();
    let pre_ok = pre.is_none_or(|pre| {
        let (label, number) = match pre.split_once('.') {
            Some((label, number)) => (label, Some(number)),
            None => (pre, None),
        };
        matches!(label, "alpha" | "beta" | "rc" | "dev") && number.is_none_or(digits)
    });
    numbers.len() == 3 && numbers.iter().all(|n| digits(n)) && pre_ok
}

fn count(obj: &Map<String, Value>, field: &'static str, max: i64) -> Result<i64, Refused> {
    match obj.get(field).and_then(Value::as_i64) {
        Some(n) if (0..=max).contains(&n) => Ok(n),
        _ => Err(refuse(field)),
    }
}

fn nullable<T>(
    obj: &Map<String, Value>,
    field: &'static str,
    read: impl FnOnce(&Value) -> Option<T>,
) -> Result<Option<T>, Refused> {
    match obj.get(field) {
        Some(Value::Null) => Ok(None),
        Some(v) => read(v).map(Some).ok_or(refuse(field)),
        None => Err(refuse(field)),
    }
}

fn one_of(
    obj: &Map<String, Value>,
    field: &'static str,
    allowed: &[&str],
) -> Result<String, Refused> {
    match obj.get(field).and_then(Value::as_str) {
        Some(s) if allowed.contains(&s) => Ok(s.to_owned()),
        _ => Err(refuse(field)),
    }
}

fn rfc3339_unix(text: &str) -> Option<i64> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

impl Heartbeat {
    /// Read a heartbeat body (JSON). Refused: not an object, a field missing, unknown or of
    /// the wrong form, or a reason given with `ready` (or missing without it).
    pub fn parse(body: &[u8]) -> Result<Heartbeat, Refused> {
        let value: Value = serde_json::from_slice(body).map_err(|_| Refused { field: None })?;
        let Value::Object(obj) = value else {
            return Err(Refused { field: None });
        };
        if obj.keys().any(|k| !FIELDS.contains(&k.as_str())) {
            return Err(Refused { field: None });
        }
        let version = match obj.get("version").and_then(Value::as_str) {
            Some(v) if is_version(v) => v.to_owned(),
            _ => return Err(refuse("version")),
        };
        let code = |v: &Value| v.as_str().filter(|s| is_code(s)).map(str::to_owned);
        let heartbeat = Heartbeat {
            version,
            queue_size: count(&obj, "queueSize", MAX_COUNT)?,
            queue_oldest_age_seconds: nullable(&obj, "queueOldestAgeSeconds", |v| {
                v.as_i64().filter(|n| (0..=MAX_AGE_SECONDS).contains(n))
            })?,
            needs_attention: count(&obj, "needsAttention", MAX_COUNT)?,
            last_delivery_at: nullable(&obj, "lastDeliveryAt", |v| {
                v.as_str().and_then(rfc3339_unix)
            })?,
            updater_result: nullable(&obj, "updaterResult", code)?,
            crashes_recovered: count(&obj, "crashesRecovered", MAX_COUNT)?,
            printer: one_of(&obj, "printer", PRINTER_STATES)?,
            availability: one_of(&obj, "availability", AVAILABILITY_STATES)?,
            availability_reason: nullable(&obj, "availabilityReason", code)?,
            step: nullable(&obj, "step", |v| v.as_i64().filter(|n| (1..=7).contains(n)))?,
        };
        if (heartbeat.availability == "ready") != heartbeat.availability_reason.is_none() {
            return Err(refuse("availabilityReason"));
        }
        Ok(heartbeat)
    }

    /// The attention codes this heartbeat puts in force, sorted: `unavailable.<reason>`,
    /// `notConfigured.<reason>`, `needsAttention`, `queueOld`, `updater.<result>`,
    /// `printer.<state>`. Empty: the kiosk is well.
    pub fn conditions(&self, queue_attention_after: Duration) -> Vec<String> {
        let mut codes = Vec::new();
        if let Some(reason) = &self.availability_reason {
            codes.push(format!("{}.{reason}", self.availability));
        }
        if self.needs_attention > 0 {
            codes.push("needsAttention".to_owned());
        }
        let limit = i64::try_from(queue_attention_after.as_secs()).unwrap_or(i64::MAX);
        if self.queue_oldest_age_seconds.is_some_and(|age| age > limit) {
            codes.push("queueOld".to_owned());
        }
        if let Some(result) = &self.updater_result {
            if result.starts_with("refused.") || result == "installFailed" {
                codes.push(format!("updater.{result}"));
            }
        }
        if !matches!(self.printer.as_str(), "none" | "ready") {
            codes.push(format!("printer.{}", self.printer));
        }
        codes.sort();
        codes
    }
}

/// Record `hb` as `kiosk`'s latest heartbeat and write the incidents its change brings: each
/// condition that starts or ends, a version change, a silence longer than `silent_after`
/// since the previous heartbeat, a crash counter that went up. One transaction; the first
/// statement takes the kiosk's row lock (or SQLite's write lock) so that two backend
/// instances serialise one kiosk's heartbeats.
pub async fn record(
    db: &Db,
    kiosk: &str,
    hb: &Heartbeat,
    silent_after: Duration,
    queue_attention_after: Duration,
) -> Result<(), sqlx::Error> {
    let now = now_unix();
    let conditions = hb.conditions(queue_attention_after);
    let mut tx = db.pool().begin().await?;
    sqlx::query("UPDATE kiosk_heartbeats SET received_at = received_at WHERE kiosk_id = $1")
        .bind(kiosk)
        .execute(&mut *tx)
        .await?;
    let previous = sqlx::query(
        "SELECT received_at, version, crashes_recovered, conditions FROM kiosk_heartbeats \
         WHERE kiosk_id = $1",
    )
    .bind(kiosk)
    .fetch_optional(&mut *tx)
    .await?;
    let mut incidents: Vec<(i64, &str, String, Option<String>)> = Vec::new();
    let before: String = match &previous {
        None => {
            incidents.push((
                now,
                "event",
                "firstHeartbeat".into(),
                Some(hb.version.clone()),
            ));
            String::new()
        }
        Some(row) => {
            let received_at: i64 = row.try_get("received_at")?;
            let version: String = row.try_get("version")?;
            let crashes: i64 = row.try_get("crashes_recovered")?;
            let silent = i64::try_from(silent_after.as_secs()).unwrap_or(i64::MAX);
            if now - received_at > silent {
                incidents.push((received_at + silent, "start", "silent".into(), None));
                let gap = (now - received_at).to_string();
                incidents.push((now, "end", "silent".into(), Some(gap)));
            }
            if version != hb.version {
                incidents.push((now, "event", "version".into(), Some(hb.version.clone())));
            }
            if hb.crashes_recovered > crashes {
                let more = (hb.crashes_recovered - crashes).to_string();
                incidents.push((now, "event", "crashRecovered".into(), Some(more)));
            }
            row.try_get("conditions")?
        }
    };
    let before: Vec<&str> = before.split_whitespace().collect();
    for gone in before
        .iter()
        .filter(|c| !conditions.iter().any(|n| n == *c))
    {
        incidents.push((now, "end", (*gone).to_owned(), None));
    }
    for new in conditions.iter().filter(|c| !before.contains(&c.as_str())) {
        incidents.push((now, "start", new.clone(), None));
    }
    sqlx::query(
        "INSERT INTO kiosk_heartbeats (kiosk_id, received_at, version, queue_size, \
         queue_oldest_age_seconds, needs_attention, last_delivery_at, updater_result, \
         crashes_recovered, printer, availability, availability_reason, step, conditions) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
         ON CONFLICT (kiosk_id) DO UPDATE SET received_at = excluded.received_at, \
         version = excluded.version, queue_size = excluded.queue_size, \
         queue_oldest_age_seconds = excluded.queue_oldest_age_seconds, \
         needs_attention = excluded.needs_attention, last_delivery_at = excluded.last_delivery_at, \
         updater_result = excluded.updater_result, crashes_recovered = excluded.crashes_recovered, \
         printer = excluded.printer, availability = excluded.availability, \
         availability_reason = excluded.availability_reason, step = excluded.step, \
         conditions = excluded.conditions",
    )
    .bind(kiosk)
    .bind(now)
    .bind(&hb.version)
    .bind(hb.queue_size)
    .bind(hb.queue_oldest_age_seconds)
    .bind(hb.needs_attention)
    .bind(hb.last_delivery_at)
    .bind(hb.updater_result.clone())
    .bind(hb.crashes_recovered)
    .bind(&hb.printer)
    .bind(&hb.availability)
    .bind(hb.availability_reason.clone())
    .bind(hb.step)
    .bind(conditions.join(" "))
    .execute(&mut *tx)
    .await?;
    for (at, phase, code, detail) in incidents {
        add_incident(&mut tx, kiosk, at, phase, &code, detail).await?;
    }
    tx.commit().await
}

/// Append one line to a kiosk's history.
pub async fn add_incident(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    kiosk: &str,
    at: i64,
    phase: &str,
    code: &str,
    detail: Option<String>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO kiosk_incidents (kiosk_id, at, phase, code, detail) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(kiosk)
    .bind(at)
    .bind(phase)
    .bind(code)
    .bind(detail)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    pub fn well() -> Value {
        json!({
            "version": "0.1.0", "queueSize": 0, "queueOldestAgeSeconds": null,
            "needsAttention": 0, "lastDeliveryAt": "2026-11-26T10:00:00Z",
            "updaterResult": "upToDate", "crashesRecovered": 0, "printer": "none",
            "availability": "ready", "availabilityReason": null, "step": 1
        })
    }

    fn parse(v: &Value) -> Result<Heartbeat, Refused> {
        Heartbeat::parse(v.to_string().as_bytes())
    }

    #[test]
    fn a_well_kiosk_has_no_condition() {
        let hb = parse(&well()).unwrap();
        assert_eq!(hb.last_delivery_at, Some(1_795_687_200));
        assert!(hb.conditions(Duration::from_secs(1800)).is_empty());
    }

    #[test]
    fn every_field_is_required_and_nothing_else_is_taken() {
        for field in FIELDS {
            let mut v = well();
            v.as_object_mut().unwrap().remove(*field);
            assert!(parse(&v).is_err(), "{field} missing");
        }
        let mut v = well();
        v["name"] = json!("Dupont");
        assert_eq!(parse(&v).unwrap_err().field, None);
        assert!(Heartbeat::parse(b"[1]").is_err());
        assert!(Heartbeat::parse(b"not json").is_err());
    }

    #[test]
    fn texts_are_codes_or_versions_only() {
        for (field, bad) in [
            ("version", json!("1841276451089")),
            ("version", json!("1.2.3-jean.dupont@example.fr")),
            ("version", json!("1.2")),
            ("updaterResult", json!("Dupont")),
            ("updaterResult", json!("refused.1841276451089")),
            ("updaterResult", json!("a b")),
            ("printer", json!("paper out")),
            ("step", json!(8)),
            ("step", json!(0)),
            ("step", json!("3")),
            ("queueSize", json!(-1)),
            ("queueSize", json!(1.5)),
            ("lastDeliveryAt", json!("1984-12-03")),
        ] {
            let mut v = well();
            v[field] = bad.clone();
            assert_eq!(parse(&v).unwrap_err().field, Some(field), "{field} = {bad}");
        }
        assert!(is_version("1.10.0-rc.1"));
        assert!(is_version("0.1.0-dev"));
        assert!(!is_version("0.1.0-dupont"));
        assert!(!is_version("0.1.0+b2"));
        assert!(!is_version("1.2.3.4"));
        assert!(is_code("refused.signature"));
        assert!(!is_code("refused.signature.more"));
        assert!(!is_code("Upper"));
    }

    #[test]
    fn a_reason_goes_with_a_state_other_than_ready() {
        let mut v = well();
        v["availabilityReason"] = json!("backendMisconfigured");
        assert_eq!(parse(&v).unwrap_err().field, Some("availabilityReason"));
        v["availability"] = json!("unavailable");
        let hb = parse(&v).unwrap();
        v["availabilityReason"] = Value::Null;
        assert!(parse(&v).is_err());

        let mut hb = hb;
        hb.needs_attention = 2;
        hb.queue_oldest_age_seconds = Some(3600);
        hb.updater_result = Some("refused.signature".into());
        hb.printer = "paperOut".into();
        assert_eq!(
            hb.conditions(Duration::from_secs(1800)),
            [
                "needsAttention",
                "printer.paperOut",
                "queueOld",
                "unavailable.backendMisconfigured",
                "updater.refused.signature"
            ]
        );
    }
}
