//! A bare Tauri v2 window: the floor of start-up time and memory that `cargo xtask bench`
//! compares the kiosk with (issue 18). One heading and one « S'inscrire » button, nothing else:
//! no plugin, no command, no state.

// No console window on Windows in release builds, as the kiosk.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    if let Err(error) = tauri::Builder::default().run(tauri::generate_context!()) {
        eprintln!("bare-window: {error}");
        std::process::exit(1);
    }
}
