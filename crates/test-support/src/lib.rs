//! What the kiosk's test binaries share, written once: child processes ended with their whole
//! process group ([`Guarded`]), free loopback ports, waits on a condition with a deadline
//! ([`wait`]), and the reference MSA backend run as a real process on loopback ([`Backend`]).
//!
//! Used by `tests/e2e` (the app in its webview) and `tests/integration` (the kiosk's parts
//! against real processes and services).

mod backend;
mod process;
pub mod wait;

pub use backend::{target_dir, Backend, ADMIN_TOKEN, KIOSK_TOKEN};
pub use process::{free_port, Guarded};
