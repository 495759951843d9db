//! Benchmark (not a test): what one keyring call costs, for the session's entries (one held
//! Secret Service connection, in-memory collection) and for the kiosk's own entries (keyring 3,
//! which connects and negotiates an encrypted session on every call).
//!
//! ```sh
//! cargo run --release --example keyring_bench   # inside a D-Bus session with an unlocked keyring
//! ```
//! A « Suivant » reads or writes one or two session entries; the step budget is 50 ms p95.

use std::time::Instant;

use msa_kiosk::secrets::{KeyringStore, Secret, SecretStore, KIOSK_SERVICE, SESSION_SERVICE};

const ROUNDS: usize = 40;

fn timed(label: &str, mut call: impl FnMut()) {
    let mut samples: Vec<f64> = (0..ROUNDS)
        .map(|_| {
            let start = Instant::now();
            call();
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    let p95 = samples[(samples.len() * 95 / 100).min(samples.len() - 1)];
    println!(
        "{label:<52} median {:>6.2} ms  p95 {:>6.2} ms",
        samples[samples.len() / 2],
        p95
    );
}

fn main() {
    let store = KeyringStore;
    println!("store: {}", store.backend_name());
    let value = Secret::new("184127645108946");
    for (service, what) in [
        (SESSION_SERVICE, "session entry (held connection)"),
        (KIOSK_SERVICE, "kiosk entry (keyring 3, per call)"),
    ] {
        let name = "bench-entry";
        timed(&format!("{what}: set"), || {
            store.set(service, name, &value).expect("set");
        });
        timed(&format!("{what}: get"), || {
            assert!(store.get(service, name).expect("get").is_some());
        });
        timed(&format!("{what}: set then delete"), || {
            store.set(service, name, &value).expect("set");
            store.delete(service, name).expect("delete");
        });
    }
}
