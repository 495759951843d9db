//! Benchmark, not a test: the console's page for a caisse of 500 kiosks (their heartbeats in
//! every state, 25 open help calls). Prints the median and 95th percentile of
//! - the database reads (`view::dashboard`),
//! - the template alone (askama),
//! - a whole `GET /console/` over HTTP on loopback (session check, reads, render, transfer),
//! - a whole `GET /console/live` (what the page asks every 2 s).
//!
//! ```sh
//! cargo test -p msa-backend --release --test console_bench -- --ignored --nocapture
//! ```
//! Target on the 2-core reference machine: the page in under 200 ms.

mod common;
mod console_kit;

use askama::Template;
use common::*;
use console_kit::*;
use msa_backend::console::view;
use msa_backend::heartbeat::{self, Heartbeat};
use msa_backend::staff::{self, Role, Scope};
use std::time::{Duration, Instant};

const KIOSKS: usize = 500;
const RUNS: usize = 40;

fn figures(name: &str, mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    let median = samples[samples.len() / 2];
    let p95 = samples[(samples.len() * 95).div_ceil(100) - 1];
    println!(
        "{name:<34} median {:>7.2} ms   p95 {:>7.2} ms   ({} runs)",
        median.as_secs_f64() * 1000.0,
        p95.as_secs_f64() * 1000.0,
        samples.len()
    );
    median
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run with --ignored --nocapture"]
async fn console_page_for_500_kiosks() {
    let kind = if std::env::var_os("MSA_TEST_POSTGRES_URL").is_some() {
        Kind::Postgres
    } else {
        Kind::Sqlite
    };
    let h = Harness::start(kind).await.expect("database");
    let db = &h.server().state.db;
    for a in 0..10 {
        staff::add_agency(
            db,
            &format!("agence-{a}"),
            "msa-bench",
            &format!("Agence {a}"),
        )
        .await
        .unwrap();
    }
    let well = Heartbeat::parse(heartbeat(Some(1)).to_string().as_bytes()).unwrap();
    for k in 0..KIOSKS {
        let id = format!("borne-{k:03}");
        msa_backend::register_kiosk(db, &id, &format!("bench-token-{k:03}-0123456789"))
            .await
            .unwrap();
        staff::set_kiosk_agency(db, &id, &format!("agence-{}", k % 10))
            .await
            .unwrap();
        if k % 50 == 49 {
            continue; // never heard of: silent
        }
        let mut hb = well.clone();
        hb.step = Some((k % 7 + 1) as i64);
        hb.queue_size = (k % 4) as i64;
        hb.queue_oldest_age_seconds = (hb.queue_size > 0).then_some((k * 37 % 4000) as i64);
        if k % 10 == 3 {
            hb.availability = "unavailable".into();
            hb.availability_reason = Some("backendMisconfigured".into());
            hb.printer = "paperOut".into();
        }
        let c = &h.server().state.config.console;
        heartbeat::record(db, &id, &hb, c.silent_after, c.queue_attention_after)
            .await
            .unwrap();
        if k % 20 == 7 {
            msa_backend::helpcalls::open(db, &id, Some(3))
                .await
                .unwrap();
        }
    }
    let password = msa_backend::secret::Secret::new(PASSWORD);
    staff::add_staff(
        db,
        "bench.caisse",
        &password,
        &Scope::Caisse("msa-bench".into()),
        Role::Agent,
        msa_backend::config::Argon2Cost::for_tests(),
    )
    .await
    .unwrap();
    let mut browser = ConsoleClient::signed_in(&h.base, "bench.caisse").await;
    let token = browser.cookies["msa_console_session"].clone();
    let (signed, csrf) = staff::session(db, &token).await.unwrap().unwrap();
    let c = h.server().state.config.console.clone();

    let (mut reads, mut renders, mut pages, mut lives) = (vec![], vec![], vec![], vec![]);
    let mut size = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        let v = view::dashboard(
            db,
            &signed,
            csrf.expose(),
            msa_backend::db::now_unix(),
            c.silent_after,
            c.refresh_every,
        )
        .await
        .unwrap();
        reads.push(t.elapsed());
        let t = Instant::now();
        let html = view::DashboardPage {
            staff: &signed,
            csrf: csrf.expose(),
            view: &v,
            notice: None,
        }
        .render()
        .unwrap();
        renders.push(t.elapsed());
        assert_eq!(html.matches("data-kiosk-row=").count(), KIOSKS);
        assert_eq!(html.matches("data-call-id=").count(), KIOSKS / 20);

        let t = Instant::now();
        let page = browser.get("/console/").await;
        pages.push(t.elapsed());
        assert_eq!(page.status, 200);
        assert_eq!(page.body.matches("data-kiosk-row=").count(), KIOSKS);
        size = page.body.len();

        let t = Instant::now();
        let live = browser.get("/console/live").await;
        lives.push(t.elapsed());
        assert_eq!(live.status, 200);
    }
    println!(
        "\nconsole page, {KIOSKS} kiosks in 10 agencies of one caisse, {} open calls, {:?} database, {} build; page {} KiB",
        KIOSKS / 20,
        kind,
        if cfg!(debug_assertions) { "debug" } else { "release" },
        size / 1024
    );
    figures("database reads (view::dashboard)", reads);
    figures("template (askama)", renders);
    let page = figures("GET /console/ over HTTP", pages);
    figures("GET /console/live over HTTP", lives);
    println!(
        "target: the page in under 200 ms — {}",
        if page < Duration::from_millis(200) {
            "met"
        } else {
            "MISSED"
        }
    );
    h.finish().await;
}
