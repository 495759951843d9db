//! The kiosk keeps itself up with nobody at hand: it tells the page and `status.json` when it
//! becomes unavailable or ready again, prepares the keyring and the outbox again with a
//! backoff until they come back, and gets the wizard back on its feet when the web process
//! dies. The decisions are Tauri-free (`ops::availability`, `ops::web_process`); the events,
//! the reloads and the timers are here.

use std::time::{Duration, Instant};

use serde_json::json;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use super::state::AppState;
use super::window;
use crate::ops::availability::{Availability, Reason};
use crate::ops::clock::now_rfc3339;
use crate::ops::status_file;
use crate::ops::web_process::Recovery;

/// The page's event when the availability changes; its payload is the new [`Availability`].
pub const AVAILABILITY_CHANGED: &str = "availability-changed";

/// The first wait before preparing again, doubled after each failure up to [`RETRY_MAX`].
const RETRY_FIRST: Duration = Duration::from_secs(1);
const RETRY_MAX: Duration = Duration::from_secs(10);

/// Tells the page and `status.json` (key `availability`) when what the page shows changed.
pub fn publish<R: Runtime>(app: &AppHandle<R>, change: Option<Availability>) {
    let Some(availability) = change else {
        return;
    };
    let state = app.state::<AppState>();
    tracing::info!(?availability, "availability changed");
    if let Some(path) = state.status_path() {
        let mut value = serde_json::to_value(&availability).unwrap_or_default();
        value["since"] = json!(now_rfc3339());
        if let Err(error) = status_file::merge(&path, "availability", value) {
            tracing::warn!(%error, "could not write the availability to status.json");
        }
    }
    let _ = app.emit(AVAILABILITY_CHANGED, availability);
}

/// Prepares the keyring and the outbox again until it works, waiting 1, 2, 4… up to 10 s
/// between attempts; no prompt, no exit. Ends once prepared.
pub async fn keep_preparing<R: Runtime>(app: AppHandle<R>) {
    let mut wait = RETRY_FIRST;
    loop {
        tokio::time::sleep(wait).await;
        let state = app.state::<AppState>();
        if state.outbox().is_some() {
            return;
        }
        match state.prepare().await {
            Ok(prepared) => {
                tracing::info!("keyring and outbox back: the kiosk is ready");
                publish(&app, state.install(prepared));
                return;
            }
            Err((reason, message)) => {
                tracing::debug!(reason = reason.code(), %message, "still unavailable");
                let now_held = state.availability.hold(reason);
                // Another cause than before (locked → unreachable): only that one is shown.
                let released = state
                    .availability
                    .release(|r| r.is_preparation() && r != reason);
                publish(&app, released.or(now_held));
                wait = (wait * 2).min(RETRY_MAX);
            }
        }
    }
}

/// The web process died (`reason`: WebKit's termination reason, for the log). The session is
/// wiped exactly as an idle expiry wipes it, the webview's storage emptied, the crash counted
/// in `status.json` (key `webProcess`), and the wizard reloaded on the welcome screen; a second
/// crash within a minute shows « indisponible » for a while before the next reload.
pub async fn web_process_died<R: Runtime>(app: AppHandle<R>, reason: &'static str) {
    let state = app.state::<AppState>();
    let ended = state.desk.end("a web process crash");
    let recovery = {
        let mut log = state
            .web_process
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let recovery = log.crashed(Instant::now(), now_rfc3339());
        if let Some(path) = state.status_path() {
            if let Err(error) = status_file::merge(&path, "webProcess", log.status()) {
                tracing::warn!(%error, "could not write the crash to status.json");
            }
        }
        recovery
    };
    tracing::warn!(
        reason,
        session_wiped = ended.is_some(),
        ?recovery,
        "web process terminated; recovering"
    );
    window::clear_browsing_data(&app);
    match recovery {
        Recovery::Reload => window::reload(&app),
        Recovery::PauseThenReload(pause) => {
            publish(&app, state.availability.hold(Reason::WebProcessCrashLoop));
            window::reload(&app);
            tokio::time::sleep(pause).await;
            publish(
                &app,
                state
                    .availability
                    .release(|r| r == Reason::WebProcessCrashLoop),
            );
            window::reload(&app);
        }
    }
}
