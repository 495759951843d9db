//! « Besoin d'aide ? » (issues 15 and 17; docs/contracts.md §4 « Help calls »): the kiosk's one
//! help call, from the touch until the person or an agent closes it. While it is held, the
//! shell's idle clock keeps the session alive (`shell::idle`). Longer than 400 lines: the call's
//! states, its three requests and the local hook are one story, told with its unit tests.
//!
//! The call goes to the backend (`POST …/help-calls`), whose console shows it to the agency's
//! staff; the kiosk then asks every 2 s whether an agent closed it. When the backend cannot be
//! reached, nobody has been told: the agency's local hook (`[help] hook`, a command) is run once
//! and, if it took the call (exit status 0), the screen may say that someone is coming; if not,
//! the screen says to go to the reception desk. The `POST` is retried every few seconds while
//! the call is held. Tauri-free: the shell's commands call [`HelpDesk`] and spawn [`follow`].

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use uuid::Uuid;

use crate::delivery::client::BackendClient;

/// How often an open call's state is asked (docs/contracts.md §4: every 2 s).
pub const POLL_EVERY: Duration = Duration::from_secs(2);
/// How often a `POST` that did not get through is tried again.
pub const RETRY_EVERY: Duration = Duration::from_secs(3);
/// The local hook gets this long to say whether it took the call.
pub const HOOK_TIMEOUT: Duration = Duration::from_secs(5);

/// A help call as the backend returns it (docs/openapi.yaml `HelpCall`); only what the kiosk
/// reads. Nothing personal: an id, a state, who closed it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HelpCall {
    pub id: Uuid,
    /// `open` or `closed`.
    pub state: String,
    /// `agent`, `kiosk` or `None`.
    #[serde(default)]
    pub closed_by: Option<String>,
}

impl HelpCall {
    pub fn is_closed(&self) -> bool {
        self.state == "closed"
    }
}

/// What the help dialog shows, for the page (`help-changed` event, `help_state` command):
/// `{"state": "none" | "calling" | "open" | "unreached" | "closedByAgent", "hook": bool}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum HelpView {
    /// No help asked (or the person closed it).
    None,
    /// The first `POST` is on its way.
    Calling,
    /// The backend has the call: its console shows it to the agency's staff.
    Open,
    /// The backend could not be reached; `hook`: the agency's local hook took the call.
    Unreached { hook: bool },
    /// An agent closed the call: the dialog closes and the idle clock starts again from full.
    ClosedByAgent,
}

impl HelpView {
    /// Whether the idle clock is held (a call is being asked for or waited on).
    pub fn holds(self) -> bool {
        matches!(
            self,
            HelpView::Calling | HelpView::Open | HelpView::Unreached { .. }
        )
    }
}

/// The agency's local hook (`[help] hook` in the configuration): a program and its arguments,
/// run with `MSA_KIOSK_ID` and `MSA_HELP_STEP` in its environment; exit status 0 means it took
/// the call (rang a bell, sent a message to the desk…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hook {
    pub program: String,
    pub args: Vec<String>,
}

impl Hook {
    /// Runs the hook, at most [`HOOK_TIMEOUT`]; whether it took the call.
    pub async fn run(&self, kiosk_id: &str, step: Option<u8>) -> bool {
        let mut command = tokio::process::Command::new(&self.program);
        command
            .args(&self.args)
            .env("MSA_KIOSK_ID", kiosk_id)
            .env(
                "MSA_HELP_STEP",
                step.map(|s| s.to_string()).unwrap_or_default(),
            )
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true);
        let status = match command.spawn() {
            Ok(mut child) => tokio::time::timeout(HOOK_TIMEOUT, child.wait()).await,
            Err(error) => {
                tracing::warn!(kind = ?error.kind(), "help hook could not start");
                return false;
            }
        };
        match status {
            Ok(Ok(status)) if status.success() => true,
            Ok(Ok(status)) => {
                tracing::warn!(code = ?status.code(), "help hook refused the call");
                false
            }
            Ok(Err(_)) | Err(_) => {
                tracing::warn!("help hook did not answer in time");
                false
            }
        }
    }
}

struct Inner {
    view: HelpView,
    /// The backend's id of the call, once a `POST` got through.
    call: Option<Uuid>,
    /// The step number said with the call.
    step: Option<u8>,
    /// Bumped at each new call and each close: a [`follow`] task of an older one stops.
    generation: u64,
}

/// The kiosk's one help call.
pub struct HelpDesk {
    inner: Mutex<Inner>,
    changes: watch::Sender<HelpView>,
}

impl Default for HelpDesk {
    fn default() -> HelpDesk {
        HelpDesk {
            inner: Mutex::new(Inner {
                view: HelpView::None,
                call: None,
                step: None,
                generation: 0,
            }),
            changes: watch::Sender::new(HelpView::None),
        }
    }
}

impl HelpDesk {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn set(&self, inner: &mut Inner, view: HelpView) {
        if inner.view != view {
            inner.view = view;
            self.changes.send_replace(view);
        }
    }

    /// What the dialog shows now.
    pub fn view(&self) -> HelpView {
        self.lock().view
    }

    /// Whether the idle clock is held.
    pub fn holds(&self) -> bool {
        self.view().holds()
    }

    /// Follows the view's changes (the shell forwards them to the page).
    pub fn subscribe(&self) -> watch::Receiver<HelpView> {
        self.changes.subscribe()
    }

    /// « Besoin d'aide ? » at `step`: `Some(generation)` when a new call starts (the caller
    /// spawns [`follow`] with it), `None` when one is already held (a second touch: never two).
    pub fn raise(&self, step: Option<u8>) -> Option<u64> {
        let mut inner = self.lock();
        if inner.view.holds() {
            return None;
        }
        inner.generation += 1;
        inner.call = None;
        inner.step = step;
        self.set(&mut inner, HelpView::Calling);
        Some(inner.generation)
    }

    /// The person closed the dialog (« Je n'ai plus besoin d'aide »), or the session ended:
    /// the call's id if the backend has one still open (the caller sends `close`).
    pub fn close(&self) -> Option<Uuid> {
        let mut inner = self.lock();
        inner.generation += 1;
        let open = inner.view == HelpView::Open;
        self.set(&mut inner, HelpView::None);
        inner.call.take().filter(|_| open)
    }

    /// A call the backend holds open for this kiosk (a heartbeat's answer): `true` when nobody
    /// at the kiosk is waiting on it (the session that raised it is gone, e.g. after a
    /// restart), so it should be closed.
    pub fn is_orphan(&self, call: &HelpCall) -> bool {
        let inner = self.lock();
        !call.is_closed() && !inner.view.holds() && inner.call != Some(call.id)
    }

    /// Records what the backend said, if `generation` is still the current call. Returns
    /// whether the task should go on.
    fn record(&self, generation: u64, outcome: Outcome) -> bool {
        let mut inner = self.lock();
        if inner.generation != generation || !inner.view.holds() {
            return false;
        }
        match outcome {
            Outcome::Call(call) if call.is_closed() => {
                tracing::info!(call = %call.id, by = ?call.closed_by, "help call closed at the backend");
                inner.call = None;
                self.set(&mut inner, HelpView::ClosedByAgent);
                false
            }
            Outcome::Call(call) => {
                if inner.call.is_none() {
                    tracing::info!(call = %call.id, "help call raised");
                }
                inner.call = Some(call.id);
                self.set(&mut inner, HelpView::Open);
                true
            }
            Outcome::Unreached { hook } => {
                self.set(&mut inner, HelpView::Unreached { hook });
                true
            }
            Outcome::StillOpen => true,
        }
    }

    fn call_and_step(&self, generation: u64) -> Option<(Option<Uuid>, Option<u8>)> {
        let inner = self.lock();
        (inner.generation == generation && inner.view.holds()).then_some((inner.call, inner.step))
    }
}

enum Outcome {
    Call(HelpCall),
    Unreached {
        hook: bool,
    },
    /// The `GET` did not get through: nothing changes, ask again.
    StillOpen,
}

async fn answer(request: reqwest::RequestBuilder) -> Result<HelpCall, String> {
    let response = request
        .send()
        .await
        .map_err(|e| BackendClient::failure_code(&e).to_owned())?;
    let status = response.status();
    if !matches!(status.as_u16(), 200 | 201) {
        return Err(format!("http-{}", status.as_u16()));
    }
    response
        .json::<HelpCall>()
        .await
        .map_err(|_| "misconfigured-body".to_owned())
}

/// `POST /v1/kiosks/{kioskId}/help-calls` `{"step": n|null}`.
pub async fn post(
    client: &BackendClient,
    kiosk_id: &str,
    step: Option<u8>,
) -> Result<HelpCall, String> {
    let request = client
        .kiosk_request(
            reqwest::Method::POST,
            &format!("v1/kiosks/{kiosk_id}/help-calls"),
        )
        .map_err(|t| t.code)?;
    answer(request.json(&serde_json::json!({ "step": step }))).await
}

/// `GET /v1/kiosks/{kioskId}/help-calls/{id}`.
pub async fn get(client: &BackendClient, kiosk_id: &str, id: Uuid) -> Result<HelpCall, String> {
    let request = client
        .kiosk_request(
            reqwest::Method::GET,
            &format!("v1/kiosks/{kiosk_id}/help-calls/{id}"),
        )
        .map_err(|t| t.code)?;
    answer(request).await
}

/// `POST /v1/kiosks/{kioskId}/help-calls/{id}/close`; a failure is only logged (the next
/// heartbeat's answer still shows the call, and it is closed then: [`HelpDesk::is_orphan`]).
pub async fn close_at_backend(client: &BackendClient, kiosk_id: &str, id: Uuid) {
    let result = match client.kiosk_request(
        reqwest::Method::POST,
        &format!("v1/kiosks/{kiosk_id}/help-calls/{id}/close"),
    ) {
        Ok(request) => answer(request).await.map(|_| ()),
        Err(t) => Err(t.code),
    };
    match result {
        Ok(()) => tracing::info!(call = %id, "help call closed at the kiosk"),
        Err(code) => tracing::warn!(call = %id, %code, "help call not closed at the backend"),
    }
}

/// Follows call `generation` until it is closed: `POST` until it gets through (the local hook
/// once when it does not), then `GET` every [`POLL_EVERY`] until an agent closes it or the
/// person does ([`HelpDesk::close`] bumps the generation and this task ends at its next look).
/// `client` is `None` on a kiosk without its backend token: the hook alone then.
pub async fn follow(
    desk: Arc<HelpDesk>,
    generation: u64,
    client: Option<Arc<BackendClient>>,
    kiosk_id: String,
    hook: Option<Hook>,
) {
    let mut hook_tried: Option<bool> = None;
    while let Some((call, step)) = desk.call_and_step(generation) {
        let (outcome, wait) = match (&client, call) {
            (Some(client), Some(id)) => match get(client, &kiosk_id, id).await {
                Ok(call) => (Outcome::Call(call), POLL_EVERY),
                Err(code) => {
                    tracing::debug!(%code, "help call state not read");
                    (Outcome::StillOpen, POLL_EVERY)
                }
            },
            (client, _) => {
                let posted = match client {
                    Some(client) => post(client, &kiosk_id, step).await,
                    None => Err("noBackendToken".to_owned()),
                };
                match posted {
                    Ok(call) => (Outcome::Call(call), POLL_EVERY),
                    Err(code) => {
                        let hook_took = match (hook_tried, &hook) {
                            (Some(took), _) => took,
                            (None, Some(hook)) => hook.run(&kiosk_id, step).await,
                            (None, None) => false,
                        };
                        if hook_tried.is_none() {
                            tracing::warn!(%code, hook_took, "help call not received by the backend");
                        }
                        hook_tried = Some(hook_took);
                        (Outcome::Unreached { hook: hook_took }, RETRY_EVERY)
                    }
                }
            }
        };
        if !desk.record(generation, outcome) {
            return;
        }
        tokio::time::sleep(wait).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(state: &str) -> HelpCall {
        HelpCall {
            id: Uuid::from_u128(7),
            state: state.into(),
            closed_by: (state == "closed").then(|| "agent".into()),
        }
    }

    #[test]
    fn one_call_at_a_time_held_until_closed() {
        let desk = HelpDesk::default();
        assert!(!desk.holds());
        let generation = desk.raise(Some(3)).unwrap();
        assert_eq!(desk.view(), HelpView::Calling);
        assert!(desk.holds());
        assert_eq!(
            desk.raise(Some(3)),
            None,
            "a second touch raises no second call"
        );
        assert!(desk.record(generation, Outcome::Call(call("open"))));
        assert_eq!(desk.view(), HelpView::Open);
        assert!(desk.record(generation, Outcome::StillOpen));
        // The agent closes it at the console: the hold ends by itself.
        assert!(!desk.record(generation, Outcome::Call(call("closed"))));
        assert_eq!(desk.view(), HelpView::ClosedByAgent);
        assert!(!desk.holds());
        // The page acknowledges; nothing left to close at the backend.
        assert_eq!(desk.close(), None);
        assert_eq!(desk.view(), HelpView::None);
    }

    #[test]
    fn the_person_closes_and_an_older_task_stops() {
        let desk = HelpDesk::default();
        let generation = desk.raise(None).unwrap();
        desk.record(generation, Outcome::Call(call("open")));
        assert_eq!(desk.close(), Some(Uuid::from_u128(7)));
        assert!(!desk.holds());
        assert!(
            !desk.record(generation, Outcome::Call(call("open"))),
            "the task of a closed call ends"
        );
        assert_eq!(desk.view(), HelpView::None);
        // Unreached, the hook took it: still held, and retried.
        let next = desk.raise(Some(1)).unwrap();
        assert!(desk.record(next, Outcome::Unreached { hook: true }));
        assert_eq!(desk.view(), HelpView::Unreached { hook: true });
        assert!(desk.holds());
        assert_eq!(desk.close(), None, "the backend never had it");
    }

    #[test]
    fn a_call_nobody_waits_on_is_an_orphan() {
        let desk = HelpDesk::default();
        assert!(desk.is_orphan(&call("open")));
        assert!(!desk.is_orphan(&call("closed")));
        let generation = desk.raise(Some(2)).unwrap();
        assert!(!desk.is_orphan(&call("open")), "its POST may be on its way");
        desk.record(generation, Outcome::Call(call("open")));
        assert!(!desk.is_orphan(&call("open")));
    }

    #[test]
    fn the_view_on_the_wire() {
        let wire = |v: HelpView| serde_json::to_value(v).unwrap();
        assert_eq!(wire(HelpView::Open), serde_json::json!({"state": "open"}));
        assert_eq!(
            wire(HelpView::Unreached { hook: false }),
            serde_json::json!({"state": "unreached", "hook": false})
        );
        assert_eq!(
            wire(HelpView::ClosedByAgent),
            serde_json::json!({"state": "closedByAgent"})
        );
    }

    #[tokio::test]
    async fn the_hook_says_whether_it_took_the_call() {
        let hook = |program: &str, args: &[&str]| Hook {
            program: program.into(),
            args: args.iter().map(|a| a.to_string()).collect(),
        };
        assert!(
            hook(
                "sh",
                &[
                    "-c",
                    "test \"$MSA_HELP_STEP\" = 3 && test \"$MSA_KIOSK_ID\" = k1"
                ]
            )
            .run("k1", Some(3))
            .await
        );
        assert!(!hook("sh", &["-c", "exit 1"]).run("k1", Some(3)).await);
        assert!(!hook("/nonexistent/hook", &[]).run("k1", None).await);
    }
}
