//! The Tauri side of « Besoin d'aide ? » and of the heartbeat (issues 15 and 17): the three
//! help commands, the `help-changed` event, and the two tasks. The decisions are Tauri-free
//! (`ops::help`, `ops::heartbeat`).

use std::time::Duration;

use tauri::{AppHandle, Emitter, Manager, Runtime, State};

use super::state::AppState;
use crate::enrolment::session::Step;
use crate::ops::availability::Availability;
use crate::ops::heartbeat::{self, Heartbeat};
use crate::ops::help::{self, HelpView};

/// The page's event when the help dialog must change; its payload is the new [`HelpView`].
pub const HELP_CHANGED: &str = "help-changed";

/// How often the heartbeat task looks whether the keyring gave the backend's token yet.
const WAIT_FOR_TOKEN: Duration = Duration::from_secs(1);

/// The screen's number in the contract (docs/contracts.md §4 `step`): 1 welcome … 7
/// confirmation; `None` while « indisponible » is shown.
fn step_number(state: &AppState) -> Option<u8> {
    match (state.desk.step(), state.availability.current()) {
        (_, Availability::Unavailable { .. }) => None,
        (None, Availability::Ready) => Some(1),
        (Some(step), Availability::Ready) => Some(match step {
            Step::Welcome => 1,
            Step::Nir => 2,
            Step::Identity => 3,
            Step::Verification => 4,
            Step::Department => 5,
            Step::Review => 6,
            Step::Confirmation => 7,
        }),
    }
}

/// « Besoin d'aide ? »: raises the kiosk's help call (one at a time: a second touch gets the
/// same one) and holds the idle clock until it is closed. Takes no argument: the step number is
/// Rust's own.
#[tauri::command]
pub fn help_request(state: State<'_, AppState>) -> HelpView {
    if let Some(generation) = state.help.raise(step_number(&state)) {
        state.desk.touch();
        tauri::async_runtime::spawn(help::follow(
            state.help.clone(),
            generation,
            state.backend(),
            state.config.kiosk_id.clone(),
            state.config.help_hook.clone(),
        ));
    }
    state.help.view()
}

/// « Je n'ai plus besoin d'aide » (or the dialog closed after an agent's close): the call ends
/// and the idle clock starts again from full.
#[tauri::command]
pub fn help_close(state: State<'_, AppState>) -> HelpView {
    end_call(&state);
    state.help.view()
}

/// What the help dialog shows now (a page reloaded after a crash finds its call again).
#[tauri::command]
pub fn help_state(state: State<'_, AppState>) -> HelpView {
    state.help.view()
}

/// Ends the help call, if any (the person closed it, the session ended): closed at the
/// backend in the background, the idle clock restarted from full.
pub fn end_call(state: &AppState) {
    let open = state.help.close();
    state.desk.touch();
    if let (Some(id), Some(client)) = (open, state.backend()) {
        let kiosk_id = state.config.kiosk_id.clone();
        tauri::async_runtime::spawn(async move {
            help::close_at_backend(&client, &kiosk_id, id).await;
        });
    }
}

/// Tells the page each change of the help call; an agent's close restarts the idle clock from
/// full. Runs for the life of the app.
pub(super) async fn forward_changes<R: Runtime>(app: AppHandle<R>) {
    let mut changes = app.state::<AppState>().help.subscribe();
    while changes.changed().await.is_ok() {
        let view = *changes.borrow_and_update();
        if view == HelpView::ClosedByAgent {
            app.state::<AppState>().desk.touch();
        }
        let _ = app.emit(HELP_CHANGED, view);
    }
}

/// The heartbeat, once the backend's token is known, for the life of the app: `status.json`,
/// the availability and the step number, every `[heartbeat] interval_seconds` and on change.
/// A help call the backend holds open that nobody at the kiosk waits on is closed.
pub(super) async fn beat<R: Runtime>(app: AppHandle<R>) {
    let client = loop {
        if let Some(client) = app.state::<AppState>().backend() {
            break client;
        }
        tokio::time::sleep(WAIT_FOR_TOKEN).await;
    };
    let (kiosk_id, every, status_path, desk) = {
        let state = app.state::<AppState>();
        (
            state.config.kiosk_id.clone(),
            state.config.heartbeat_every,
            state.status_path(),
            state.help.clone(),
        )
    };
    let reader = app.clone();
    let current = move || {
        let state = reader.state::<AppState>();
        let status = status_path
            .as_deref()
            .and_then(|path| std::fs::read_to_string(path).ok())
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_else(|| serde_json::json!({}));
        Heartbeat::of(
            &status,
            &state.availability.current(),
            step_number(&state),
            time::OffsetDateTime::now_utc(),
        )
    };
    let closer = (client.clone(), kiosk_id.clone());
    let answer = move |call: Option<help::HelpCall>| {
        let orphan = call.filter(|call| desk.is_orphan(call));
        let (client, kiosk_id) = closer.clone();
        async move {
            if let Some(call) = orphan {
                tracing::info!(call = %call.id, "an open help call nobody waits on");
                help::close_at_backend(&client, &kiosk_id, call.id).await;
            }
        }
    };
    heartbeat::run(client, kiosk_id, every, current, answer).await;
}
