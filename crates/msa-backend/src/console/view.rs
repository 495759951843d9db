//! What the console shows, read from the database and put in words (French), and the askama
//! templates that render it (`templates/console/`, HTML-escaped by askama).
//!
//! askama: templates checked and compiled with the crate (a typo in a field is a build error),
//! HTML escaping on by default, no run-time template loading; maintained by the askama-rs
//! organisation (rinja merged back into it in 2025; 0.16 is the current series).

use crate::db::{rfc3339, Db};
use crate::staff::{Role, Scope, Staff};
use askama::Template;
use sqlx::Row;
use std::time::Duration;

/// The wizard's steps (contracts.md §2), 1 to 7.
pub fn step_label(step: i64) -> &'static str {
    match step {
        1 => "Accueil",
        2 => "Numéro de sécurité sociale",
        3 => "Identité",
        4 => "Vérification",
        5 => "Département",
        6 => "Récapitulatif",
        7 => "Confirmation",
        _ => "Inconnue",
    }
}

fn step_text(step: Option<i64>) -> String {
    match step {
        Some(s) => format!("{s} · {}", step_label(s)),
        None => "—".to_owned(),
    }
}

/// Why a kiosk is not `ready` (`availabilityReason`), in words; an unknown code is shown as it
/// is.
pub fn reason_label(code: &str) -> String {
    match code {
        "backendMisconfigured" => "serveur mal configuré".into(),
        "backendUnreachable" => "serveur injoignable".into(),
        "noBackendToken" => "jeton du serveur absent".into(),
        "outboxKeyLost" => "clé de la file d'attente perdue".into(),
        "configInvalid" => "configuration invalide".into(),
        "keyringUnavailable" => "trousseau de clés indisponible".into(),
        "diskFull" => "disque plein".into(),
        "updating" => "mise à jour en cours".into(),
        "maintenance" => "maintenance".into(),
        other => format!("motif « {other} »"),
    }
}

/// The updater's last result (`updaterResult`), in words.
pub fn updater_label(code: &str) -> String {
    match code {
        "upToDate" => "à jour".into(),
        "downloaded" => "téléchargée, installation à venir".into(),
        "deferred" => "reportée".into(),
        "installing" => "installation en cours".into(),
        "installed" => "installée".into(),
        "installFailed" => "échec de l'installation".into(),
        "disabled" => "désactivée".into(),
        "refused.feedUnreachable" => "refusée : flux injoignable".into(),
        "refused.feedInvalid" => "refusée : flux invalide".into(),
        "refused.wrongTarget" => "refusée : paquet pour un autre système".into(),
        "refused.downgrade" => "refusée : version plus ancienne".into(),
        "refused.insecureDownload" => "refusée : téléchargement non sécurisé".into(),
        "refused.download" => "refusée : téléchargement échoué".into(),
        "refused.signature" => "refusée : signature invalide".into(),
        other => format!("« {other} »"),
    }
}

/// The printer's state (`printer`), in words.
pub fn printer_label(code: &str) -> &'static str {
    match code {
        "none" => "aucune",
        "ready" => "prête",
        "paperLow" => "papier bientôt épuisé",
        "paperOut" => "plus de papier",
        "offline" => "hors ligne",
        "error" => "en erreur",
        _ => "état inconnu",
    }
}

/// An attention condition (`heartbeat::Heartbeat::conditions`), in words.
pub fn condition_label(code: &str) -> String {
    if let Some(reason) = code.strip_prefix("unavailable.") {
        return format!("Indisponible : {}", reason_label(reason));
    }
    if let Some(reason) = code.strip_prefix("notConfigured.") {
        return format!("Non configurée : {}", reason_label(reason));
    }
    if let Some(result) = code.strip_prefix("updater.") {
        return format!("Mise à jour {}", updater_label(result));
    }
    if let Some(state) = code.strip_prefix("printer.") {
        return format!("Imprimante : {}", printer_label(state));
    }
    match code {
        "needsAttention" => "Demandes mises de côté, à traiter".into(),
        "queueOld" => "File d'attente bloquée".into(),
        other => format!("« {other} »"),
    }
}

/// A duration in words: « 45 s », « 3 min 05 s », « 2 h 07 min », « 3 j 4 h ».
pub fn duration_text(seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..60 => format!("{s} s"),
        60..3600 if s % 60 == 0 => format!("{} min", s / 60),
        60..3600 => format!("{} min {:02} s", s / 60, s % 60),
        3600..86_400 => format!("{} h {:02} min", s / 3600, (s % 3600) / 60),
        _ => format!("{} j {} h", s / 86_400, (s % 86_400) / 3600),
    }
}

/// A point in time: machine-readable (RFC 3339) and in words (UTC; the page's script shows it
/// in the browser's time zone).
#[derive(Clone, Debug)]
pub struct When {
    pub iso: String,
    pub text: String,
}

impl When {
    pub fn at(unix: i64) -> When {
        let text = time::OffsetDateTime::from_unix_timestamp(unix)
            .ok()
            .and_then(|t| {
                t.format(time::macros::format_description!(
                    "[day]/[month]/[year] [hour]:[minute]:[second] UTC"
                ))
                .ok()
            })
            .unwrap_or_default();
        When {
            iso: rfc3339(unix),
            text,
        }
    }
}

/// The state at a glance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Glance {
    /// No heartbeat for longer than the configured silence (or never).
    Silent,
    /// A condition is in force.
    Attention,
    Ok,
}

impl Glance {
    pub fn label(self) -> &'static str {
        match self {
            Glance::Silent => "Silencieuse",
            Glance::Attention => "À surveiller",
            Glance::Ok => "En service",
        }
    }

    /// `silent`, `attention` or `ok` (a hook for tests and style).
    pub fn code(self) -> &'static str {
        match self {
            Glance::Silent => "silent",
            Glance::Attention => "attention",
            Glance::Ok => "ok",
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            Glance::Silent => "state state-silent",
            Glance::Attention => "state state-attention",
            Glance::Ok => "state state-ok",
        }
    }
}

/// One kiosk as the console shows it.
#[derive(Clone, Debug)]
pub struct KioskView {
    pub id: String,
    pub agency: String,
    pub glance: Glance,
    /// The conditions in force, in words.
    pub problems: Vec<String>,
    /// « il y a 40 s », or « jamais ».
    pub last_seen: String,
    pub last_seen_at: Option<When>,
    pub version: String,
    pub queue: String,
    pub queue_size: i64,
    pub needs_attention: i64,
    pub last_delivery: Option<When>,
    pub updater: String,
    pub crashes_recovered: i64,
    pub printer: String,
    pub availability: String,
    pub step: String,
    pub help_call_open: bool,
}

/// One open help call.
#[derive(Clone, Debug)]
pub struct CallView {
    pub id: String,
    pub kiosk_id: String,
    pub agency: String,
    pub step: String,
    pub opened: When,
    pub waiting: String,
}

/// One line of a kiosk's history.
#[derive(Clone, Debug)]
pub struct IncidentView {
    pub at: When,
    pub text: String,
}

/// Everything the console's main page shows.
#[derive(Clone, Debug)]
pub struct Dashboard {
    pub title: String,
    pub by_caisse: bool,
    pub can_close: bool,
    pub csrf: String,
    pub kiosks: Vec<KioskView>,
    pub calls: Vec<CallView>,
    pub updated: When,
    pub refresh_ms: u128,
    pub silent_after: String,
}

impl Dashboard {
    pub fn count(&self, glance: Glance) -> usize {
        self.kiosks.iter().filter(|k| k.glance == glance).count()
    }

    /// « 0 borne », « 1 borne », « 3 bornes » (French puts 0 and 1 in the singular).
    pub fn plural(n: usize, one: &str, many: &str) -> String {
        format!("{n} {}", if n < 2 { one } else { many })
    }

    pub fn summary(&self) -> String {
        format!(
            "{} : {} en service, {} à surveiller, {}.",
            Dashboard::plural(self.kiosks.len(), "borne", "bornes"),
            self.count(Glance::Ok),
            self.count(Glance::Attention),
            Dashboard::plural(self.count(Glance::Silent), "silencieuse", "silencieuses"),
        )
    }
}

/// The heading of a staff member's pages.
pub fn scope_title(staff: &Staff) -> String {
    match &staff.scope {
        Scope::Agency(_) => format!("Bornes de l'agence {}", staff.scope_name),
        Scope::Caisse(_) => format!("Bornes de la caisse {}", staff.scope_name),
    }
}

const KIOSK_COLUMNS: &str = "ka.kiosk_id, a.name AS agency_name, h.received_at, h.version, \
    h.queue_size, h.queue_oldest_age_seconds, h.needs_attention, h.last_delivery_at, \
    h.updater_result, h.crashes_recovered, h.printer, h.availability, h.availability_reason, \
    h.step, h.conditions, \
    (SELECT COUNT(*) FROM help_calls c WHERE c.kiosk_id = ka.kiosk_id AND c.closed_at IS NULL) \
    AS open_calls";

fn kiosk_from_row(
    row: &sqlx::any::AnyRow,
    now: i64,
    silent_after: i64,
) -> Result<KioskView, sqlx::Error> {
    let received_at: Option<i64> = row.try_get("received_at")?;
    let conditions: Option<String> = row.try_get("conditions")?;
    let problems: Vec<String> = conditions
        .as_deref()
        .unwrap_or("")
        .split_whitespace()
        .map(condition_label)
        .collect();
    let glance = match received_at {
        Some(t) if now - t <= silent_after => {
            if problems.is_empty() {
                Glance::Ok
            } else {
                Glance::Attention
            }
        }
        _ => Glance::Silent,
    };
    let queue_size: Option<i64> = row.try_get("queue_size")?;
    let oldest: Option<i64> = row.try_get("queue_oldest_age_seconds")?;
    let queue = match (queue_size, oldest) {
        (None, _) => "—".to_owned(),
        (Some(0), _) => "vide".to_owned(),
        (Some(n), Some(age)) => format!("{n}, la plus ancienne depuis {}", duration_text(age)),
        (Some(n), None) => n.to_string(),
    };
    let availability: Option<String> = row.try_get("availability")?;
    let reason: Option<String> = row.try_get("availability_reason")?;
    let availability = match (availability.as_deref(), reason.as_deref()) {
        (None, _) => "—".to_owned(),
        (Some("ready"), _) => "prête".to_owned(),
        (Some("unavailable"), r) => format!("indisponible : {}", reason_label(r.unwrap_or(""))),
        (Some(_), r) => format!("non configurée : {}", reason_label(r.unwrap_or(""))),
    };
    let updater: Option<String> = row.try_get("updater_result")?;
    let printer: Option<String> = row.try_get("printer")?;
    let open_calls: i64 = row.try_get("open_calls")?;
    Ok(KioskView {
        id: row.try_get("kiosk_id")?,
        agency: row.try_get("agency_name")?,
        glance,
        problems,
        last_seen: match received_at {
            Some(t) => format!("il y a {}", duration_text(now - t)),
            None => "jamais".to_owned(),
        },
        last_seen_at: received_at.map(When::at),
        version: row
            .try_get::<Option<String>, _>("version")?
            .unwrap_or_else(|| "—".into()),
        queue,
        queue_size: queue_size.unwrap_or(0),
        needs_attention: row
            .try_get::<Option<i64>, _>("needs_attention")?
            .unwrap_or(0),
        last_delivery: row
            .try_get::<Option<i64>, _>("last_delivery_at")?
            .map(When::at),
        updater: updater
            .as_deref()
            .map(updater_label)
            .unwrap_or_else(|| "—".into()),
        crashes_recovered: row
            .try_get::<Option<i64>, _>("crashes_recovered")?
            .unwrap_or(0),
        printer: printer
            .as_deref()
            .map(printer_label)
            .unwrap_or("—")
            .to_owned(),
        availability,
        step: step_text(row.try_get("step")?),
        help_call_open: open_calls > 0,
    })
}

/// The kiosks and open help calls `staff` may see, at `now`.
pub async fn dashboard(
    db: &Db,
    staff: &Staff,
    csrf: &str,
    now: i64,
    silent_after: Duration,
    refresh_every: Duration,
) -> Result<Dashboard, sqlx::Error> {
    let silent = i64::try_from(silent_after.as_secs()).unwrap_or(i64::MAX);
    let filter = staff.scope.kiosk_filter(1);
    let rows = sqlx::query(&format!(
        "SELECT {KIOSK_COLUMNS} FROM kiosk_agencies ka JOIN agencies a ON a.id = ka.agency_id \
         LEFT JOIN kiosk_heartbeats h ON h.kiosk_id = ka.kiosk_id WHERE {filter}"
    ))
    .bind(staff.scope.id())
    .fetch_all(db.pool())
    .await?;
    let mut kiosks = rows
        .iter()
        .map(|row| kiosk_from_row(row, now, silent))
        .collect::<Result<Vec<_>, _>>()?;
    kiosks.sort_by(|a, b| (a.glance, &a.agency, &a.id).cmp(&(b.glance, &b.agency, &b.id)));
    let rows = sqlx::query(&format!(
        "SELECT c.id, c.kiosk_id, c.step, c.opened_at, a.name AS agency_name FROM help_calls c \
         JOIN kiosk_agencies ka ON ka.kiosk_id = c.kiosk_id JOIN agencies a ON a.id = ka.agency_id \
         WHERE c.closed_at IS NULL AND {filter} ORDER BY c.opened_at, c.kiosk_id"
    ))
    .bind(staff.scope.id())
    .fetch_all(db.pool())
    .await?;
    let calls = rows
        .iter()
        .map(|row| -> Result<CallView, sqlx::Error> {
            let opened_at: i64 = row.try_get("opened_at")?;
            Ok(CallView {
                id: row.try_get("id")?,
                kiosk_id: row.try_get("kiosk_id")?,
                agency: row.try_get("agency_name")?,
                step: step_text(row.try_get("step")?),
                opened: When::at(opened_at),
                waiting: duration_text(now - opened_at),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Dashboard {
        title: scope_title(staff),
        by_caisse: matches!(staff.scope, Scope::Caisse(_)),
        can_close: staff.role == Role::Agent,
        csrf: csrf.to_owned(),
        kiosks,
        calls,
        updated: When::at(now),
        refresh_ms: refresh_every.as_millis(),
        silent_after: duration_text(silent),
    })
}

/// Whether `staff` sees `kiosk`.
pub async fn in_scope(db: &Db, staff: &Staff, kiosk: &str) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query(&format!(
        "SELECT COUNT(*) AS n FROM kiosk_agencies ka WHERE {} AND ka.kiosk_id = $2",
        staff.scope.kiosk_filter(1)
    ))
    .bind(staff.scope.id())
    .bind(kiosk)
    .fetch_one(db.pool())
    .await?
    .try_get("n")?;
    Ok(n > 0)
}

/// One kiosk's page: its state and its history (newest first, at most `limit` lines).
/// `None`: not a kiosk `staff` may see.
pub async fn kiosk_page(
    db: &Db,
    staff: &Staff,
    kiosk: &str,
    now: i64,
    silent_after: Duration,
    limit: i64,
) -> Result<Option<(KioskView, Vec<IncidentView>)>, sqlx::Error> {
    let silent = i64::try_from(silent_after.as_secs()).unwrap_or(i64::MAX);
    let filter = staff.scope.kiosk_filter(1);
    let row = sqlx::query(&format!(
        "SELECT {KIOSK_COLUMNS} FROM kiosk_agencies ka JOIN agencies a ON a.id = ka.agency_id \
         LEFT JOIN kiosk_heartbeats h ON h.kiosk_id = ka.kiosk_id WHERE {filter} AND ka.kiosk_id = $2"
    ))
    .bind(staff.scope.id())
    .bind(kiosk)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let view = kiosk_from_row(&row, now, silent)?;
    let rows = sqlx::query(
        "SELECT at, phase, code, detail FROM kiosk_incidents WHERE kiosk_id = $1 \
         ORDER BY at DESC, id DESC LIMIT $2",
    )
    .bind(kiosk)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    let incidents = rows
        .iter()
        .map(|row| -> Result<IncidentView, sqlx::Error> {
            let phase: String = row.try_get("phase")?;
            let code: String = row.try_get("code")?;
            let detail: Option<String> = row.try_get("detail")?;
            Ok(IncidentView {
                at: When::at(row.try_get("at")?),
                text: incident_text(&phase, &code, detail.as_deref()),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some((view, incidents)))
}

/// A history line in words.
pub fn incident_text(phase: &str, code: &str, detail: Option<&str>) -> String {
    let detail_secs = || detail.and_then(|d| d.parse::<i64>().ok());
    match (phase, code) {
        ("event", "firstHeartbeat") => {
            format!("Premier signal (version {})", detail.unwrap_or("?"))
        }
        ("event", "version") => format!("Nouvelle version : {}", detail.unwrap_or("?")),
        ("event", "crashRecovered") => format!(
            "Reprise après un plantage ({} fois)",
            detail_secs().unwrap_or(1)
        ),
        ("start", "silent") => "Devenue silencieuse".to_owned(),
        ("end", "silent") => match detail_secs() {
            Some(s) => format!("Signal revenu après {} sans nouvelles", duration_text(s)),
            None => "Signal revenu".to_owned(),
        },
        ("start", "helpCall") => match detail_secs() {
            Some(step) => format!("Appel à l'aide, étape {}", step_text(Some(step))),
            None => "Appel à l'aide".to_owned(),
        },
        ("end", "helpCall") => match detail {
            Some("agent") => "Appel à l'aide clos par un agent".to_owned(),
            _ => "Appel à l'aide clos à la borne".to_owned(),
        },
        ("start", code) => condition_label(code),
        ("end", code) => format!("Fin : {}", condition_label(code)),
        (_, code) => format!("« {code} »"),
    }
}

// ---------------------------------------------------------------- templates

#[derive(Template)]
#[template(path = "console/login.html")]
pub struct LoginPage<'a> {
    pub csrf: &'a str,
    pub login: &'a str,
    /// An error to show above the form (its title starts with « Erreur : »).
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "console/dashboard.html")]
pub struct DashboardPage<'a> {
    pub staff: &'a Staff,
    pub csrf: &'a str,
    pub view: &'a Dashboard,
    /// A message after an action (« L'appel de la borne … est clos. »).
    pub notice: Option<String>,
}

#[derive(Template)]
#[template(path = "console/live.html")]
pub struct LiveFragment<'a> {
    pub view: &'a Dashboard,
}

#[derive(Template)]
#[template(path = "console/kiosk.html")]
pub struct KioskPage<'a> {
    pub staff: &'a Staff,
    pub csrf: &'a str,
    pub title: String,
    pub kiosk: &'a KioskView,
    pub incidents: &'a [IncidentView],
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration_text(-3), "0 s");
        assert_eq!(duration_text(45), "45 s");
        assert_eq!(duration_text(185), "3 min 05 s");
        assert_eq!(duration_text(300), "5 min");
        assert_eq!(duration_text(7620), "2 h 07 min");
        assert_eq!(duration_text(3 * 86_400 + 4 * 3600), "3 j 4 h");
    }

    #[test]
    fn words() {
        assert_eq!(
            condition_label("unavailable.backendMisconfigured"),
            "Indisponible : serveur mal configuré"
        );
        assert_eq!(
            condition_label("updater.refused.signature"),
            "Mise à jour refusée : signature invalide"
        );
        assert_eq!(
            incident_text("end", "printer.paperOut", None),
            "Fin : Imprimante : plus de papier"
        );
        assert_eq!(
            incident_text("start", "helpCall", Some("3")),
            "Appel à l'aide, étape 3 · Identité"
        );
        assert_eq!(When::at(0).text, "01/01/1970 00:00:00 UTC");
    }
}
