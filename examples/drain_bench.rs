//! Benchmark (not a test): queue 10 000 enrolments while the backend is down, start it, and
//! print the outbox's drain rate and the kiosk-side memory.
//!
//! ```sh
//! cargo build --release -p msa-backend && cargo run --release --example drain_bench [-- COUNT]
//! ```
//! Target on the 2-core reference machine: ≥ 500 enrolments per second.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use enrol_core::wire::{EnrolmentRequest, WireVerification};
use msa_kiosk::delivery::client::BackendClient;
use msa_kiosk::delivery::outbox::{Outbox, OutboxKey};
use msa_kiosk::delivery::{deliver_batch, Attempt, BATCH};
use msa_kiosk::ops::clock::now_ms;
use msa_kiosk::secrets::{MemoryStore, Secret};
use uuid::Uuid;

const TOKEN: &str = "bench-kiosk-token-0123456789abcdef";

fn request(n: u32) -> EnrolmentRequest {
    // Unknown persons with valid NIRs: the backend records each one and answers `postal`.
    let nir = enrol_core::Nir::parse(&format!("1850544{:06}", n % 1_000_000)).expect("valid body");
    EnrolmentRequest {
        reference: format!("B{:03}-{:04}", n / 10_000, n % 10_000),
        kiosk_id: "bench".into(),
        nir: nir.as_str().into(),
        nir_key: nir.key_string(),
        last_name: "Banc".into(),
        first_name: "Essai".into(),
        birth_date: "1985-05-10".into(),
        email: Some("banc.essai@example.fr".into()),
        phone: None,
        verification: WireVerification::None,
        department: "44".into(),
        cgu_version: enrol_core::CguVersion::of("CGU").as_str().into(),
    }
}

fn memory_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|line| line.starts_with(field))
        .and_then(|line| line.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0)
}

#[tokio::main]
async fn main() {
    let count: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::open(
        &dir.path().join("outbox.db"),
        &OutboxKey::load_or_create(&MemoryStore::default()).unwrap(),
    )
    .await
    .unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = url::Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap();
    let client = BackendClient::new(&url, Secret::new(TOKEN), Duration::from_secs(10)).unwrap();

    // 1. The backend is down: every enrolment is queued durably.
    let started = Instant::now();
    for n in 0..count {
        outbox
            .enqueue(Uuid::new_v4(), &request(n), now_ms())
            .await
            .unwrap();
    }
    let queue_time = started.elapsed();
    let refused = deliver_batch(&outbox, &client, now_ms(), 1).await.unwrap();
    assert!(
        matches!(refused[..], [Attempt::Retried { .. }]),
        "the backend should be down"
    );

    // 2. The backend comes up.
    let profile_dir = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf();
    let mut backend = Command::new(profile_dir.join("msa-backend"))
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--no-demo",
        ])
        .arg("--database")
        .arg(format!(
            "sqlite://{}",
            dir.path().join("backend.db").display()
        ))
        .env("MSA_BACKEND_KIOSK_TOKENS", format!("bench:{TOKEN}"))
        .env("MSA_BACKEND_KIOSK_RATE", "1000000/100000")
        .env("MSA_BACKEND_ARGON2", "test")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("build the backend first: cargo build --release -p msa-backend");
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "backend did not start");
        std::thread::sleep(Duration::from_millis(20));
    }

    // 3. Drain, as the worker does after an outage (every entry is due now).
    let started = Instant::now();
    let mut delivered = 0u32;
    let far_future = now_ms() + 86_400_000;
    while outbox.pending_count().await.unwrap() > 0 {
        for attempt in deliver_batch(&outbox, &client, far_future, BATCH)
            .await
            .unwrap()
        {
            match attempt {
                Attempt::Delivered { .. } => delivered += 1,
                Attempt::Retried { code } => panic!("unexpected retry: {code}"),
                Attempt::NeedsAttention { reference, .. } => {
                    panic!("unexpected refusal: {reference}")
                }
                Attempt::Idle => {}
            }
        }
    }
    let drain_time = started.elapsed();
    let _ = backend.kill();
    let _ = backend.wait();

    println!(
        "queued    {count} enrolments in {:.2} s ({:.0}/s, each synced to disk)",
        queue_time.as_secs_f64(),
        f64::from(count) / queue_time.as_secs_f64()
    );
    println!(
        "drained   {delivered} enrolments in {:.2} s: {:.0} enrolments/s (batches of {BATCH})",
        drain_time.as_secs_f64(),
        f64::from(delivered) / drain_time.as_secs_f64()
    );
    println!(
        "memory    kiosk side: VmRSS {} KiB, peak VmHWM {} KiB",
        memory_kib("VmRSS:"),
        memory_kib("VmHWM:")
    );
}
