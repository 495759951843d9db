//! Generates the Tauri context and the app's permission set: every command the wizard may call is
//! listed here, so a window can call only what `src-tauri/capabilities/` grants it.

/// The app's commands. Each one gets an `allow-<name>` permission; nothing is allowed by default.
const COMMANDS: &[&str] = &[
    "kiosk_info",
    "kiosk_availability",
    "start_session",
    "cancel_session",
    "submit_nir",
    "submit_identity",
    "submit_verification",
    "list_departments",
    "submit_department",
    "open_step",
    "review_summary",
    "submit_enrolment",
    "report_activity",
    "print_receipt",
    "help_request",
    "help_close",
    "help_state",
    "speech_say",
    "speech_stop",
    "speech_settings",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        // The design card keeps capabilities beside the Rust sources, not beside Cargo.toml.
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("tauri-build failed");
}
