//! What every command can reach ([`AppState`]), and how the kiosk prepares it: the keyring
//! reachable and swept, the outbox open with its key, the delivery worker running. When the
//! keyring is locked or unreachable at start, the state exists all the same, `unavailable`
//! with the reason, and `shell::heal` prepares the rest once the keyring is back.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use crate::config::Config;
use crate::delivery::client::BackendClient;
use crate::delivery::outbox::{Outbox, OutboxError};
use crate::delivery::status::StatusReport;
use crate::delivery::worker::DeliveryHandle;
use crate::enrolment::cgu::Cgu;
use crate::enrolment::desk::Desk;
use crate::enrolment::submit::Dispatch;
use crate::ops::availability::{Board, Reason};
use crate::ops::help::HelpDesk;
use crate::ops::web_process::CrashLog;
use crate::receipt::{Agency, Printing, Receipts};
use crate::secrets::{self, SecretStore};
use crate::speech::Speaker;
use crate::updater::InstallGate;
use enrol_core::Department;

/// How often the idle clock looks at the session.
pub const IDLE_TICK: Duration = Duration::from_millis(250);
/// How often the receipt printer's state is read for `msa-kiosk status`.
const PRINTER_CHECK: Duration = Duration::from_secs(60);

/// What every command can reach.
pub struct AppState {
    pub config: Config,
    /// The one live session, and the secret store its credentials go to.
    pub desk: Desk,
    /// Set once the keyring gave the outbox's key (at start, or later by `shell::heal`).
    outbox: OnceLock<Outbox>,
    pub delivery: DeliveryHandle,
    pub cgu: Cgu,
    /// Closed by the updater while it installs: no session may start then.
    pub gate: Arc<InstallGate>,
    /// How often the idle clock looks at the session ([`IDLE_TICK`]; shorter in tests).
    pub idle_tick: Duration,
    /// Whether an enrolment may start now, and why not.
    pub availability: Board,
    /// The web process's crashes since the start.
    pub web_process: Mutex<CrashLog>,
    /// The data folder (`status.json`, outbox); `None` for a state built around an open outbox.
    pub data_dir: Option<PathBuf>,
    /// Step 7's receipt and the agency's printer, if any (`[receipt]`).
    pub receipts: Receipts,
    /// « Besoin d'aide ? »: the kiosk's one help call; while held, the idle clock waits.
    pub help: Arc<HelpDesk>,
    /// The backend client, once the keyring gave the token: heartbeats and help calls.
    backend: OnceLock<Arc<BackendClient>>,
    /// The kiosk's voice (`[speech]`, issue 19).
    pub speech: Speaker,
}

/// What the keyring unlocks: the open outbox and the backend client.
pub struct Prepared {
    outbox: Outbox,
    client: Option<Arc<BackendClient>>,
}

/// Why preparing failed: a cause for the screen and `status.json`, and a message for the log
/// (never a secret: the store's and the outbox's errors carry none).
pub type NotPrepared = (Reason, String);

impl AppState {
    /// The state over an open outbox; the delivery worker, if any, is the caller's to start.
    pub fn new(config: Config, store: Arc<dyn SecretStore>, outbox: Outbox) -> AppState {
        let state = AppState::waiting(config, store, None);
        let _ = state.outbox.set(outbox);
        state
    }

    /// The state before the keyring gave the outbox's key: no session can go to « Valider ».
    fn waiting(config: Config, store: Arc<dyn SecretStore>, data_dir: Option<PathBuf>) -> AppState {
        // The printer is watched for `status.json` from the start, whatever the keyring says.
        let printing = match (&config.receipt, &data_dir) {
            (Some(receipt), Some(dir)) => {
                let printing = Arc::new(Printing::new(receipt.clone(), dir.join("status.json")));
                tauri::async_runtime::spawn(printing.clone().watch(PRINTER_CHECK));
                Some(printing)
            }
            _ => None,
        };
        AppState {
            receipts: Receipts::new(printing),
            speech: Speaker::new(config.speech),
            config,
            desk: Desk::new(store),
            outbox: OnceLock::new(),
            delivery: DeliveryHandle::new(),
            cgu: Cgu::bundled(),
            gate: Arc::default(),
            idle_tick: IDLE_TICK,
            availability: Board::default(),
            web_process: Mutex::default(),
            data_dir,
            help: Arc::default(),
            backend: OnceLock::new(),
        }
    }

    /// The backend client, once prepared with the kiosk's token.
    pub fn backend(&self) -> Option<Arc<BackendClient>> {
        self.backend.get().cloned()
    }

    /// The open outbox, once prepared.
    pub fn outbox(&self) -> Option<&Outbox> {
        self.outbox.get()
    }

    /// What « Valider » needs besides the session; `None` before the outbox is open.
    pub fn dispatch(&self) -> Option<Dispatch<'_>> {
        Some(Dispatch {
            outbox: self.outbox.get()?,
            delivery: &self.delivery,
            cgu: &self.cgu,
            kiosk_id: &self.config.kiosk_id,
            answer_wait: self.config.backend.submit_wait,
            receipts: &self.receipts,
            agency: Agency {
                kiosk_id: self.config.kiosk_id.clone(),
                department: self
                    .config
                    .agency_department
                    .as_deref()
                    .and_then(|code| Department::parse(code).ok())
                    .map(|d| format!("{} ({})", d.name(), d.code())),
            },
        })
    }

    /// May a session start now? Not while the kiosk is unavailable or an update installs.
    pub fn may_start(&self) -> bool {
        self.availability.is_ready() && self.outbox.get().is_some() && !self.gate.is_closed()
    }

    /// The state at start: prepared when the keyring answers, else `unavailable` with the
    /// reason (the caller then starts `shell::heal`). Never prompts, never exits.
    pub async fn open(config: &Config, data_dir: &Path, store: Arc<dyn SecretStore>) -> AppState {
        let state = AppState::waiting(config.clone(), store, Some(data_dir.to_path_buf()));
        match state.prepare().await {
            Ok(prepared) => {
                state.install(prepared);
            }
            Err((reason, message)) => {
                tracing::warn!(reason = reason.code(), %message, "kiosk unavailable at start");
                state.availability.hold(reason);
            }
        }
        state
    }

    /// What must be ready before the first person touches the screen: the keyring reachable
    /// and swept of any session a crash left behind, the outbox open with its key. Every
    /// keyring call is non-interactive and bounded (`secrets`).
    pub async fn prepare(&self) -> Result<Prepared, NotPrepared> {
        let store = self.desk.store();
        let keyring = |e: &secrets::StoreError| (Reason::of_store_error(e), e.to_string());
        let backend = store.backend_name();
        if backend == "mock" {
            return Err((
                Reason::KeyringUnreachable,
                "the keyring is the mock store: this build has no OS keyring".into(),
            ));
        }
        let data_dir = self
            .data_dir
            .as_deref()
            .ok_or((Reason::OutboxUnavailable, "no data folder".to_owned()))?;
        secrets::sweep_session_entries(store).map_err(|e| keyring(&e))?;
        // Never a new key over rows sealed under a lost one (issue 14).
        let outbox = Outbox::open_with_keyring(&data_dir.join("outbox.db"), store)
            .await
            .map_err(|e| match &e {
                OutboxError::Key(store_error) => keyring(store_error),
                OutboxError::KeyMissing { .. } => (Reason::OutboxKeyMissing, e.to_string()),
                other => (Reason::OutboxUnavailable, other.to_string()),
            })?;
        let pending = outbox
            .pending_count()
            .await
            .map_err(|e| (Reason::OutboxUnavailable, e.to_string()))?;
        tracing::info!(keyring = %backend, pending, "keyring swept, outbox open");
        let client = match BackendClient::load_token(store).map_err(|e| keyring(&e))? {
            Some(token) => Some(Arc::new(
                BackendClient::new(
                    &self.config.backend.url,
                    token,
                    self.config.backend.request_timeout,
                )
                .map_err(|message| (Reason::DeliveryUnavailable, message))?,
            )),
            None => None,
        };
        Ok(Prepared { outbox, client })
    }

    /// Keeps the prepared outbox and starts the delivery worker (reporting to
    /// `<data_dir>/status.json`); the preparation's causes are released. Returns whether the
    /// page's availability changed.
    pub fn install(&self, prepared: Prepared) -> Option<crate::ops::availability::Availability> {
        let Prepared { outbox, client } = prepared;
        if let Some(client) = &client {
            let _ = self.backend.set(client.clone());
        }
        if let (Ok(()), Some(status)) = (self.outbox.set(outbox.clone()), self.status_path()) {
            let report = StatusReport::new(status, self.config.backend.url.as_str());
            tauri::async_runtime::spawn(self.delivery.clone().run(outbox, client, report));
        }
        self.availability.release(Reason::is_preparation)
    }

    /// `<data_dir>/status.json`, when there is a data folder.
    pub fn status_path(&self) -> Option<PathBuf> {
        self.data_dir.as_deref().map(|d| d.join("status.json"))
    }
}
