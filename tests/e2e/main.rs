//! End-to-end tests: the real app in the real WebKitGTK webview under Xvfb, driven through
//! tauri-driver and WebDriver the way a person uses it, against a real reference backend.
//!
//! One test binary (one link for all of them); one test at a time, since the apps share the
//! D-Bus session's keyring and two cores. Run a part by its module name:
//! `cargo test --test e2e wizard`, `cargo test --test e2e screenshots`,
//! `cargo test --test e2e bench -- --ignored --nocapture`.
//!
//! - `harness`: the app, its driver, display, folders and backend; finding things by role and name.
//! - `persons`: the people of the tests and their answers.
//! - `steps`: the wizard's steps as a person does them, by touch, keyboard or on-screen keyboard
//!   (`go_to_step`), and what the screen shows.

mod harness;
mod persons;
mod steps;

mod a11y;
mod bench;
mod deploy_screen;
mod enrolment;
mod footprint;
mod front;
mod help;
mod journey;
mod late_answers;
mod real_inputs;
mod receipt;
mod screenshots;
mod selfheal;
mod session;
mod shell;
mod speech;
mod triage;
mod wizard;

/// The kiosk's library items these tests use, named in one place: their paths follow the
/// layout of `src-tauri/src/`.
mod kiosk {
    pub use msa_kiosk::delivery::outbox::{Outbox, OutboxKey};
    pub use msa_kiosk::secrets::KeyringStore;
}
