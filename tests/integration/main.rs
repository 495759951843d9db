//! Integration tests: the kiosk's parts against real processes and services, without the
//! webview. The outbox and its delivery against a reference backend process with faults
//! (`delivery`), the secret store against the real Secret Service (`keyring_store`), the signed
//! self-update against a feed on loopback (`updater`), a bad configuration at start
//! (`config_errors`), an outbox written by the first release opened by today's code
//! (`outbox_upgrade`), the heartbeat and help calls against the backend (`console`), and the
//! backend client against servers that answer outside the contract (`backend_client`).
//!
//! One test binary (one link for all of them); run a part by its module name, e.g.
//! `cargo test --test integration updater`. The helpers they share with the end-to-end tests
//! (process guards, free ports, bounded waits, the backend process) are in `msa-test-support`.

mod backend_client;
mod config_errors;
mod console;
mod delivery;
mod keyring_store;
mod misconfigured;
mod outbox_ops;
mod outbox_upgrade;
mod updater;

/// The kiosk's items these tests use, named in one place: their paths follow the layout of
/// `src-tauri/src/`.
mod kiosk {
    pub use msa_kiosk::delivery::client::{BackendClient, RETRY_AFTER_MAX};
    pub use msa_kiosk::delivery::outbox::{Outbox, OutboxKey, OUTBOX_KEY_ENTRY};
    pub use msa_kiosk::delivery::{deliver_one, Attempt, DeliveryHandle, StatusReport};
    pub use msa_kiosk::ops::clock::now_ms;
    #[cfg(target_os = "linux")]
    pub use msa_kiosk::secrets::session_collection::collection_of;
    pub use msa_kiosk::secrets::{
        sweep_session_entries, KeyringStore, MemoryStore, Secret, SecretStore, KIOSK_SERVICE,
        SESSION_SERVICE,
    };
    pub use msa_kiosk::updater;

    /// The kiosk's binary of this build.
    pub const BIN: &str = env!("CARGO_BIN_EXE_msa-kiosk");
}
