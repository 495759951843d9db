//! What every command can reach ([`AppState`]), and how the kiosk opens it at start: the
//! keyring reachable and swept, the outbox open with its key, the delivery worker running.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::config::Config;
use crate::delivery::client::BackendClient;
use crate::delivery::outbox::{Outbox, OutboxKey};
use crate::delivery::status::StatusReport;
use crate::delivery::worker::DeliveryHandle;
use crate::enrolment::cgu::Cgu;
use crate::enrolment::desk::Desk;
use crate::enrolment::submit::Dispatch;
use crate::receipt::{Agency, Printing, Receipts};
use crate::secrets::{self, SecretStore};
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
    pub outbox: Outbox,
    pub delivery: DeliveryHandle,
    pub cgu: Cgu,
    /// Closed by the updater while it installs: no session may start then.
    pub gate: Arc<InstallGate>,
    /// How often the idle clock looks at the session ([`IDLE_TICK`]; shorter in tests).
    pub idle_tick: Duration,
    /// Step 7's receipt and the agency's printer, if any (`[receipt]`).
    pub receipts: Receipts,
}

impl AppState {
    /// The state over an open outbox; the delivery worker, if any, is the caller's to start.
    pub fn new(config: Config, store: Arc<dyn SecretStore>, outbox: Outbox) -> AppState {
        AppState {
            config,
            desk: Desk::new(store),
            outbox,
            delivery: DeliveryHandle::new(),
            cgu: Cgu::bundled(),
            gate: Arc::default(),
            idle_tick: IDLE_TICK,
            receipts: Receipts::new(None),
        }
    }

    /// What « Valider » needs besides the session.
    pub fn dispatch(&self) -> Dispatch<'_> {
        Dispatch {
            outbox: &self.outbox,
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
        }
    }

    /// What must be ready before the first person touches the screen: the keyring reachable
    /// and swept of any session a crash left behind, the outbox open with its key, and the
    /// delivery worker started (reporting to `<data_dir>/status.json`).
    pub async fn open(
        config: &Config,
        data_dir: &Path,
        store: Arc<dyn SecretStore>,
    ) -> Result<AppState, String> {
        let backend = store.backend_name();
        if backend == "mock" {
            return Err("the keyring is the mock store: this build has no OS keyring".into());
        }
        secrets::sweep_session_entries(store.as_ref())
            .map_err(|e| format!("{e} (see the README: Where secrets live)"))?;
        let key = OutboxKey::load_or_create(store.as_ref()).map_err(|e| e.to_string())?;
        let outbox = Outbox::open(&data_dir.join("outbox.db"), &key)
            .await
            .map_err(|e| e.to_string())?;
        let pending = outbox.pending_count().await.map_err(|e| e.to_string())?;
        tracing::info!(keyring = %backend, pending, "keyring swept, outbox open");
        let client = match BackendClient::load_token(store.as_ref()).map_err(|e| e.to_string())? {
            Some(token) => Some(Arc::new(BackendClient::new(
                &config.backend.url,
                token,
                config.backend.request_timeout,
            )?)),
            None => None,
        };
        let mut state = AppState::new(config.clone(), store, outbox);
        if let Some(receipt) = config.receipt.clone() {
            let printing = Arc::new(Printing::new(receipt, data_dir.join("status.json")));
            tauri::async_runtime::spawn(printing.clone().watch(PRINTER_CHECK));
            state.receipts = Receipts::new(Some(printing));
        }
        let report = StatusReport::new(data_dir.join("status.json"), config.backend.url.as_str());
        tauri::async_runtime::spawn(state.delivery.clone().run(
            state.outbox.clone(),
            client,
            report,
        ));
        Ok(state)
    }
}
