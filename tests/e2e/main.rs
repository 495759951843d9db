//! End-to-end tests: the real app in the real WebKitGTK webview under Xvfb, driven through
//! tauri-driver and WebDriver the way a person uses it, against a real reference backend.
//!
//! One test binary (one link for all of them); one test at a time, since the apps share the
//! D-Bus session's keyring and two cores. Run a part by its module name:
//! `cargo test --test e2e wizard`, `cargo test --test e2e screenshots`,
//! `cargo test --test e2e bench -- --ignored --nocapture`.
//!
//! - `harness`: the app, its driver, display, folders and backend; finding things by role and name.
//! - `steps`: the people and their answers, and the wizard's steps as a person does them.

mod harness;
mod steps;

mod a11y;
mod bench;
mod enrolment;
mod screenshots;
mod session;
mod shell;
mod wizard;
