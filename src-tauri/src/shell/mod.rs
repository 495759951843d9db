//! The Tauri shell: the app's builder on any runtime ([`build_app`]), its state, the commands
//! (thin adapters over `enrolment/`), the IPC error and answers, the idle clock and the window.
//! With `updater/`, the only room that imports Tauri (the test in `lib.rs` checks it).

mod commands;
mod front;
pub mod heal;
mod help;
mod idle;
pub mod ipc;
pub mod state;
pub mod window;

#[cfg(test)]
mod mock_tests;

use std::sync::Arc;

use tauri::{App, Builder, Manager, Runtime};

use crate::config::Config;
use crate::ops::availability::Reason;
use crate::ops::cli::data_dir_for;
use crate::ops::installed;
use crate::ops::logging;
use crate::ops::startup;
use crate::ops::systemd;
use crate::ops::{javascript, rendering};
use crate::secrets::{KeyringStore, SecretStore};
use crate::updater;
pub use state::AppState;

/// Why the app's `setup` failed; Tauri reports it and the app does not start.
pub type SetupError = Box<dyn std::error::Error>;

/// The kiosk's commands on runtime `R` (Wry for the kiosk, the mock runtime in tests). `setup`
/// runs when the app starts and must hand the state to [`serve`] before any window opens.
pub fn build_app<R: Runtime>(
    builder: Builder<R>,
    setup: impl FnOnce(&mut App<R>) -> Result<(), SetupError> + Send + 'static,
) -> Builder<R> {
    builder
        .invoke_handler(tauri::generate_handler![
            commands::kiosk_info,
            commands::kiosk_availability,
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
            commands::print_receipt,
            help::help_request,
            help::help_close,
            help::help_state,
            commands::speech_say,
            commands::speech_stop,
            commands::speech_settings,
        ])
        .setup(setup)
}

/// Makes `state` reachable by the commands and starts the idle clock, the help call's events
/// and the heartbeat (once the backend's token is known).
pub fn serve<R: Runtime>(app: &App<R>, state: AppState) {
    let tick = state.idle_tick;
    app.manage(state);
    tauri::async_runtime::spawn(idle::clock(app.handle().clone(), tick));
    tauri::async_runtime::spawn(help::forward_changes(app.handle().clone()));
    tauri::async_runtime::spawn(help::beat(app.handle().clone()));
}

/// The kiosk itself: the Wry runtime, the updater plugin, the OS keyring, the window.
/// `rendering` and `jit` are what `ops::rendering::apply` and `ops::javascript::apply` decided
/// before GTK started (logged here).
pub fn run_app(config: Config, rendering: rendering::Decision, jit: javascript::Jit) {
    let mut context = tauri::generate_context!("tauri.conf.json");
    // The feed and key of the agency's file, written into the plugin's configuration.
    let feed = updater::prepare(&mut context, &config.updater);
    let builder = tauri::Builder::default()
        .plugin(tauri_plugin_updater::Builder::new().build())
        .on_page_load(|webview, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Started {
                window::reveal(webview.app_handle(), "page load started");
            }
            if payload.event() == tauri::webview::PageLoadEvent::Finished {
                systemd::notify_ready();
                // The phone numbering plans load on first use (0.77 s of CPU in a release build
                // here): in the background, at the lowest priority, and only 2 s after the page
                // has loaded, so that they compete neither with the welcome screen's start on a
                // 2-core machine (issue 18: even at nice 19 they delayed it) nor make the first
                // person's step 3 wait (two steps of typing away at the soonest).
                static PLANS: std::sync::Once = std::sync::Once::new();
                PLANS.call_once(|| {
                    startup::spawn_in_background("phone-plans", || {
                        std::thread::sleep(std::time::Duration::from_secs(2));
                        enrol_core::phone::load_metadata();
                    });
                });
            }
        });
    let result = build_app(builder, move |app| {
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
        rendering::log(config.rendering, &rendering);
        tracing::info!(?jit, "web process's JavaScript engine decided");
        startup::mark("setup");

        // Never an exit and never a prompt when the keyring is locked or away: the window opens
        // on « indisponible » and `heal` prepares the rest once the keyring is back.
        let store: Arc<dyn SecretStore> = Arc::new(KeyringStore);
        let state = tauri::async_runtime::block_on(AppState::open(&config, &data_dir, store));
        if let installed::Readiness::NotConfigured { keys } =
            installed::readiness(installed::Build::current(), &config)
        {
            // « Borne non configurée »: names of keys only, never their values.
            tracing::warn!(?keys, "installed kiosk not configured: no enrolment taken");
            systemd::notify_status(&format!("not configured: {}", keys.join(", ")));
            state.availability.hold(Reason::NotConfigured);
        }
        let gate = state.gate.clone();
        let availability = state.availability.current();
        let prepared = state.outbox().is_some();
        let boot = window::BootSnapshot {
            kiosk: ipc::KioskInfo::of(&state.config, state.receipts.print_mode()),
            availability: availability.clone(),
        };
        startup::mark("state");
        // State first: the page may call a command as soon as the window exists.
        serve(app, state);
        heal::publish(app.handle(), Some(availability));
        if !prepared {
            tauri::async_runtime::spawn(heal::keep_preparing(app.handle().clone()));
        }
        window::open_main_window(app, &config, &data_dir.join("webview"), &boot)?;
        startup::mark("window");
        // WATCHDOG=1 is sent from the GTK main loop itself: a hung loop sends nothing.
        let main_loop = app.handle().clone();
        systemd::start_heartbeat(move |job| main_loop.run_on_main_thread(job).is_ok());
        // An enrolment is in progress while a session exists: no update installs then.
        let handle = app.handle().clone();
        let is_busy = move || handle.state::<AppState>().desk.is_busy();
        updater::start(
            app.handle(),
            feed,
            &config.updater,
            &data_dir,
            gate,
            is_busy,
        );
        // The end of setup: until it returns, the main loop serves none of the page's requests.
        startup::mark("setup-end");
        Ok(())
    })
    .run(context);

    if let Err(error) = result {
        eprintln!("msa-kiosk: {error}");
        std::process::exit(1);
    }
}
