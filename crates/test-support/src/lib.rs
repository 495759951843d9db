//! What the kiosk's test binaries share, written once: child processes ended with their whole
//! process group ([`Guarded`]) or run with an input ([`run_with_stdin`]), free loopback ports,
//! waits on a condition with a deadline ([`wait`]), a canned HTTP server on loopback
//! ([`Canned`]), and the reference MSA backend run as a real process on loopback ([`Backend`]).
//!
//! Used by `tests/e2e` (the app in its webview) and `tests/integration` (the kiosk's parts
//! against real processes and services).

mod backend;
mod canned;
mod process;
pub mod wait;

pub use backend::{target_dir, Backend, ADMIN_TOKEN, KIOSK_TOKEN};
pub use canned::{response, response_with_headers, Canned};
pub use process::{free_port, output_with_stdin, run_with_stdin, Guarded};
