//! The « Mon espace privé » enrolment kiosk: a Tauri shell around the `ui/` wizard.
//!
//! | room | what it holds |
//! |---|---|
//! | `shell/` | the Tauri builder on any runtime, the app state, the commands, the IPC error and answers, the idle clock, the window |
//! | `enrolment/` | the session state machine, its answers to the screen, the keyring codec of its credentials, the desk that holds it, « Valider » (the submit transaction), the terms, the reference |
//! | `delivery/` | the outbox, the worker that drains it, the backend client, the queue's status report |
//! | `updater/` | the signed self-update: feed, check, signature, install gate, installers, the root-side apply |
//! | `receipt/` | step 7's receipt without personal data: its text, the QR code, ESC/POS and PDF rendering, CUPS |
//! | `speech/` | the kiosk speaks: one voice over the OS speech service, the private-listening rule, headphone detection |
//! | `ops/` | `status.json`, logging, the clocks, the IT team's maintenance commands |
//! | `config`, `secrets` | the agency's configuration file; the OS keyring and where each secret lives |
//!
//! Only `shell/` and `updater/` import Tauri (`tests/layout.rs` fails if another file does). The
//! rules live in `enrol-core`; everything else here is plain Rust, tested without a webview.

pub mod config;
pub mod delivery;
pub mod enrolment;
pub mod ops;
pub mod receipt;
pub mod secrets;
pub mod shell;
pub mod speech;
pub mod updater;

pub use ops::cli::{EXIT_BAD_CONFIG, EXIT_UNAVAILABLE};

use crate::config::Config;

/// Starts the kiosk, or runs one of its maintenance commands: `msa-kiosk provision-token`,
/// `msa-kiosk status` (see `ops::cli`), `msa-kiosk outbox …` (`ops::outbox_cli`) and
/// `msa-kiosk apply-update` (the root update service).
pub fn run() {
    ops::startup::begin();
    let args: Vec<String> = std::env::args().collect();
    // An installed kiosk reads /etc/msa-kiosk/config.toml when nothing else is named.
    let named = std::env::var(config::CONFIG_ENV).ok().or_else(|| {
        ops::installed::default_config_file(ops::installed::Build::current(), |p| p.exists())
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
        Some("provision-token") => std::process::exit(ops::cli::provision_token()),
        Some("status") => std::process::exit(ops::cli::print_status(&config)),
        Some("outbox") => std::process::exit(ops::outbox_cli::run(&config, &args[2..])),
        Some("apply-update") => {
            std::process::exit(updater::apply_update_command(&config.updater, &args[2..]))
        }
        _ => {
            // Before GTK or any thread starts: WebKit's web process inherits the environment.
            let rendering = ops::rendering::apply(config.rendering);
            let jit = ops::javascript::apply();
            shell::run_app(config, rendering, jit)
        }
    }
}
