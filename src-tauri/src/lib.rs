//! The « Mon espace privé » enrolment kiosk: the Tauri shell around the `ui/` wizard.
//!
//! Only `lib.rs`, `commands.rs` and `window.rs` import Tauri. The rules live in `enrol-core`;
//! the session, the secret store, the outbox and the delivery worker are plain Rust, tested
//! without a webview.

pub mod backend_client;
pub mod cgu;
mod commands;
pub mod config;
pub mod delivery;
pub mod installed;
pub mod logging;
pub mod outbox;
pub mod reference;
pub mod secrets;
pub mod session;
pub mod status;
pub mod systemd;
pub mod updater;
pub(crate) mod window;

use std::io::Read;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tauri::{Emitter, Manager};

use crate::backend_client::{BackendClient, BACKEND_TOKEN_ENTRY};
use crate::config::Config;
use crate::delivery::{DeliveryHandle, StatusReport};
use crate::outbox::{Outbox, OutboxKey};
use crate::secrets::{KeyringStore, Secret, SecretStore, KIOSK_SERVICE};
use crate::session::{IdleState, Session, Step};

/// Exit code when the configuration is refused: the IT team's supervisor can tell it from a crash.
pub const EXIT_BAD_CONFIG: i32 = 78; // EX_CONFIG in sysexits.h
/// Exit code when the OS keyring or the outbox cannot be opened at start.
pub const EXIT_UNAVAILABLE: i32 = 69; // EX_UNAVAILABLE

/// How often the idle clock is read.
const IDLE_TICK: Duration = Duration::from_millis(250);

/// What every command can reach.
pub struct AppState {
    pub config: Config,
    pub store: Arc<dyn SecretStore>,
    pub session: Mutex<Option<Session>>,
    pub outbox: Outbox,
    pub delivery: DeliveryHandle,
    pub cgu: cgu::Cgu,
}

/// Starts the kiosk, or runs one of its maintenance commands:
/// `msa-kiosk provision-token` (reads the backend token on standard input into the keyring) and
/// `msa-kiosk status` (what the agency's IT team checks).
pub fn run() {
    let args: Vec<String> = std::env::args().collect();
    // An installed kiosk reads /etc/msa-kiosk/config.toml when nothing else is named.
    let named = std::env::var(config::CONFIG_ENV).ok().or_else(|| {
        installed::default_config_file(installed::Build::current(), |p| p.exists())
            .map(|p| p.display().to_string())
    });
    let config = match Config::locate_and_load(args.clone(), named) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("msa-kiosk: {error}");
            std::process::exit(EXIT_BAD_CONFIG);
        }
    };
    match args.get(1).map(String::as_str) {
        Some("provision-token") => std::process::exit(provision_token()),
        Some("status") => std::process::exit(print_status(&config)),
        Some("apply-update") => {
            std::process::exit(updater::apply_update_command(&config.updater, &args[2..]))
        }
        _ => run_app(config),
    }
}

fn provision_token() -> i32 {
    let mut token = String::new();
    if std::io::stdin().read_to_string(&mut token).is_err() || token.trim().is_empty() {
        eprintln!(
            "msa-kiosk: provision-token reads the backend token on standard input; none was given"
        );
        return 2;
    }
    let token = Secret::new(token.trim());
    match KeyringStore.set(KIOSK_SERVICE, BACKEND_TOKEN_ENTRY, &token) {
        Ok(()) => {
            eprintln!(
                "msa-kiosk: backend token stored in the OS keyring ({})",
                KeyringStore.backend_name()
            );
            0
        }
        Err(error) => {
            eprintln!("msa-kiosk: {error}");
            EXIT_UNAVAILABLE
        }
    }
}

fn print_status(config: &Config) -> i32 {
    let Some(data_dir) = data_dir_for(config, None) else {
        eprintln!("msa-kiosk: no data folder");
        return EXIT_UNAVAILABLE;
    };
    let status =
        std::fs::read_to_string(data_dir.join("status.json")).unwrap_or_else(|_| "{}".into());
    println!("{status}");
    0
}

fn data_dir_for(config: &Config, os_default: Option<PathBuf>) -> Option<PathBuf> {
    config
        .data_dir
        .clone()
        .or_else(|| std::env::var_os("MSA_KIOSK_DATA_DIR").map(PathBuf::from))
        .or(os_default)
        .or_else(|| {
            // The same folder Tauri uses: $XDG_DATA_HOME/<identifier>.
            let base = std::env::var_os("XDG_DATA_HOME")
                .map(PathBuf::from)
                .or_else(|| {
                    std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share"))
                })?;
            Some(base.join("fr.msa.kiosk.enrolment"))
        })
}

fn run_app(config: Config) {
    let mut context = tauri::generate_context!("tauri.conf.json");
    // The feed and key of the agency's file, written into the plugin's configuration.
    let feed = updater::prepare(&mut context, &config.updater);
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_updater::Builder::new().build())
        .on_page_load(|_, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Finished {
                systemd::notify_ready();
            }
        })
        .invoke_handler(tauri::generate_handler![
            kiosk_info,
            commands::start_session,
            commands::cancel_session,
            commands::submit_nir,
            commands::submit_identity,
            commands::submit_verification,
            commands::list_departments,
            commands::submit_department,
            commands::open_step,
            commands::review_summary,
            commands::submit_enrolment,
            commands::report_activity,
        ])
        .setup(move |app| {
            let data_dir = data_dir_for(&config, app.path().app_data_dir().ok())
                .ok_or("no data folder: set data_dir in the configuration file")?;
            std::fs::create_dir_all(&data_dir)?;
            let log_guard = logging::init(&data_dir.join("logs"))?;
            // The guard flushes the log file when the app ends: keep it for the app's lifetime.
            app.manage(log_guard);
            tracing::info!(
                version = env!("CARGO_PKG_VERSION"),
                mode = config.mode.as_str(),
                kiosk_id = %config.kiosk_id,
                "kiosk starting"
            );

            let store: Arc<dyn SecretStore> = Arc::new(KeyringStore);
            let state = tauri::async_runtime::block_on(prepare(&config, &data_dir, store.clone()))
                .unwrap_or_else(|message| {
                    tracing::error!("{message}");
                    eprintln!("msa-kiosk: {message}");
                    std::process::exit(EXIT_UNAVAILABLE);
                });
            let (outbox, client) = state;
            let delivery = DeliveryHandle::new();
            let report =
                StatusReport::new(data_dir.join("status.json"), config.backend.url.as_str());
            tauri::async_runtime::spawn(delivery.clone().run(outbox.clone(), client, report));

            let webview_data = data_dir.join("webview");
            // State first: the page may call a command as soon as the window exists.
            app.manage(AppState {
                config: config.clone(),
                store,
                session: Mutex::new(None),
                outbox,
                delivery,
                cgu: cgu::Cgu::bundled(),
            });
            window::open_main_window(app, &config, &webview_data)?;
            let main_loop = app.handle().clone();
            systemd::start_heartbeat(move |job| main_loop.run_on_main_thread(job).is_ok());
            if let installed::Readiness::NotConfigured { keys } =
                installed::readiness(installed::Build::current(), &config)
            {
                // The « Borne non configurée » screen is the shell's to show (installed.rs).
                tracing::warn!(?keys, "installed kiosk not configured");
                systemd::notify_status(&format!("not configured: {}", keys.join(", ")));
            }
            // An enrolment is in progress while a session exists: no update installs then.
            let handle = app.handle().clone();
            let is_busy = move || {
                let state = handle.state::<AppState>();
                let session = state.session.lock().unwrap_or_else(|p| p.into_inner());
                session.is_some()
            };
            updater::start(app.handle(), feed, &config.updater, &data_dir, is_busy);
            tauri::async_runtime::spawn(idle_clock(app.handle().clone()));
            Ok(())
        })
        .run(context);

    if let Err(error) = result {
        eprintln!("msa-kiosk: {error}");
        std::process::exit(1);
    }
}

/// What must be ready before the first person touches the screen: the keyring reachable and
/// swept of any session a crash left behind, the outbox open with its key, the backend client.
async fn prepare(
    config: &Config,
    data_dir: &std::path::Path,
    store: Arc<dyn SecretStore>,
) -> Result<(Outbox, Option<Arc<BackendClient>>), String> {
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
    Ok((outbox, client))
}

#[derive(serde::Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct IdleWarning {
    seconds_left: u64,
}

/// The authoritative idle clock: warns once, then wipes the session and tells the page.
/// On the confirmation screen, the session (already empty of personal data) ends after the
/// confirmation's own delay.
async fn idle_clock(app: tauri::AppHandle) {
    let mut tick = tokio::time::interval(IDLE_TICK);
    loop {
        tick.tick().await;
        let state = app.state::<AppState>();
        let idle = state.config.idle;
        let expired = {
            let mut guard = state.session.lock().unwrap_or_else(|p| p.into_inner());
            let Some(session) = guard.as_mut() else {
                continue;
            };
            let verdict = if session.step() == Step::Confirmation {
                session.idle_state(Instant::now(), idle.confirmation_return, Duration::ZERO)
            } else {
                session.idle_state(Instant::now(), idle.idle, idle.warning)
            };
            match verdict {
                IdleState::Active => None,
                IdleState::Warn { seconds_left } => {
                    let _ = app.emit("idle-warning", IdleWarning { seconds_left });
                    None
                }
                IdleState::Expired => guard.take(),
            }
        };
        if let Some(session) = expired {
            let step = session.step();
            if let Err(errors) = session.wipe(state.store.as_ref()) {
                tracing::error!(?errors, "wipe after idle failed");
            }
            window::clear_browsing_data(&app);
            let _ = app.emit("session-expired", ());
            tracing::info!(?step, "session ended by the idle clock");
        }
    }
}

/// The kiosk's settings the wizard needs to lay out its screens. Nothing personal.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct KioskInfo {
    version: &'static str,
    mode: &'static str,
    languages: Vec<String>,
    agency_department: Option<String>,
    idle_seconds: u64,
    idle_warning_seconds: u64,
    confirmation_return_seconds: u64,
    on_screen_keyboard: bool,
}

#[tauri::command]
fn kiosk_info(state: tauri::State<'_, AppState>) -> KioskInfo {
    let config = &state.config;
    KioskInfo {
        version: env!("CARGO_PKG_VERSION"),
        mode: config.mode.as_str(),
        languages: config.languages.clone(),
        agency_department: config.agency_department.clone(),
        idle_seconds: config.idle.idle.as_secs(),
        idle_warning_seconds: config.idle.warning.as_secs(),
        confirmation_return_seconds: config.idle.confirmation_return.as_secs(),
        on_screen_keyboard: config.mode == config::Mode::Kiosk,
    }
}
