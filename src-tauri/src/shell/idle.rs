//! The authoritative idle clock: every tick it asks the desk about the session, warns the page
//! once (`idle-warning`), and when the session ends empties the webview and tells the page
//! (`session-expired`). The decision is `enrolment::Desk::idle_check`; only the events are here.
//! While a help call is held (`ops::help`), the clock waits.

use std::time::{Duration, Instant};

use tauri::{AppHandle, Emitter, Manager, Runtime};

use super::state::AppState;
use super::window;
use crate::enrolment::desk::IdleVerdict;

#[derive(serde::Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct IdleWarning {
    seconds_left: u64,
}

/// Runs for the life of the app; needs [`AppState`] managed.
pub(super) async fn clock<R: Runtime>(app: AppHandle<R>, tick: Duration) {
    let mut ticks = tokio::time::interval(tick);
    loop {
        ticks.tick().await;
        let state = app.state::<AppState>();
        if state.help.holds() {
            // Someone is waiting for an agent (« Besoin d'aide ? »): the session stays fresh,
            // so the clock starts again from full when the call is closed.
            state.desk.touch();
            continue;
        }
        match state.desk.idle_check(Instant::now(), &state.config.idle) {
            IdleVerdict::Quiet => {}
            IdleVerdict::Warn { seconds_left } => {
                let _ = app.emit("idle-warning", IdleWarning { seconds_left });
            }
            IdleVerdict::Expired { .. } => {
                window::clear_browsing_data(&app);
                let _ = app.emit("session-expired", ());
            }
        }
    }
}
