//! A bare Tauri v2 window: the floor of start-up time and memory that `cargo xtask bench`
//! compares the kiosk with (issue 18). One heading and one « S'inscrire » button, nothing else:
//! no plugin, no command, no state.
//!
//! With `MSA_BARE_WINDOW_CHURN=N` (a whole number of rounds, 1 to 1000), and only then, one
//! initialisation script makes the page churn its DOM (`src/churn.js`), and one command,
//! `churn_progress`, prints each round it finished on standard error (« churn 3 », « churn
//! done »): the churn benchmark measures the memory that costs with and without a WebDriver
//! session attached.

// No console window on Windows in release builds, as the kiosk.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

const CHURN: &str = include_str!("churn.js");

/// The page's progress through its churn, read by the benchmark from standard error.
#[tauri::command]
fn churn_progress(title: String) {
    if title.len() <= 16 && title.starts_with("churn ") {
        eprintln!("{title}");
    }
}

fn main() {
    let mut builder = tauri::Builder::default();
    let rounds = std::env::var("MSA_BARE_WINDOW_CHURN")
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
        .filter(|n| (1..=1000).contains(n));
    if let Some(rounds) = rounds {
        let script = CHURN.replace("__ROUNDS__", &rounds.to_string());
        builder = builder
            .invoke_handler(tauri::generate_handler![churn_progress])
            .plugin(
                tauri::plugin::Builder::<tauri::Wry>::new("churn")
                    .js_init_script(script)
                    .build(),
            );
    }
    if let Err(error) = builder.run(tauri::generate_context!()) {
        eprintln!("bare-window: {error}");
        std::process::exit(1);
    }
}
