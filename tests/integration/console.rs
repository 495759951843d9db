//! The kiosk's side of the agency console (`ops::heartbeat`, `ops::help`) against a reference
//! backend process (docs/contracts.md §4): its heartbeat is accepted by the backend's closed
//! schema and recorded; a help call is raised, held, seen closed once the backend has it closed,
//! and, without the backend, falls back to the agency's hook and gets through once it is back.

use std::sync::Arc;
use std::time::Duration;

use msa_test_support::{free_port, wait, Backend, KIOSK_TOKEN};
use serde_json::json;
use sqlx::Row;

use crate::kiosk::{BackendClient, Secret};
use msa_kiosk::ops::availability::Availability;
use msa_kiosk::ops::heartbeat::{self, Heartbeat};
use msa_kiosk::ops::help::{self, HelpDesk, HelpView, Hook};

/// The test backends accept this kiosk id with [`KIOSK_TOKEN`].
const KIOSK: &str = "e2e-kiosk";

struct Setup {
    dir: tempfile::TempDir,
    _backend: Backend,
    client: Arc<BackendClient>,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let backend = Backend::start(dir.path());
    let client = BackendClient::new(
        &backend.url.parse().unwrap(),
        Secret::new(KIOSK_TOKEN),
        Duration::from_secs(5),
    )
    .unwrap();
    Setup {
        dir,
        _backend: backend,
        client: Arc::new(client),
    }
}

impl Setup {
    async fn db(&self) -> sqlx::SqlitePool {
        let path = self.dir.path().join("backend.db");
        sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn the_heartbeat_is_recorded_by_the_backend() {
    let s = setup();
    let status = json!({
        "delivery": {"waiting": 2, "oldestWaitingSince": "2026-11-26T10:41:07.250Z", "setAside": 1,
                     "lastDeliveredAt": "2026-11-26T10:41:07.123Z", "lastError": "http-503"},
        "updater": {"lastResult": "refused.signature"},
        "webProcess": {"crashesRecovered": 1},
        "receipt": {"printer": "noPaper"},
    });
    let beat = Heartbeat::of(
        &status,
        &Availability::Ready,
        Some(3),
        time::OffsetDateTime::now_utc(),
    );
    assert_eq!(heartbeat::send(&s.client, KIOSK, &beat).await, Ok(None));
    let unavailable = Heartbeat::of(
        &json!({}),
        &Availability::Unavailable {
            reason: "keyring.locked",
        },
        None,
        time::OffsetDateTime::now_utc(),
    );
    let pool = s.db().await;
    let row = sqlx::query(
        "SELECT queue_size, needs_attention, updater_result, printer, step FROM kiosk_heartbeats WHERE kiosk_id = ?",
    )
    .bind(KIOSK)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(row.get::<i64, _>(0), 2);
    assert_eq!(row.get::<i64, _>(1), 1);
    assert_eq!(row.get::<String, _>(2), "refused.signature");
    assert_eq!(row.get::<String, _>(3), "paperOut");
    assert_eq!(row.get::<Option<i64>, _>(4), Some(3));
    assert_eq!(
        heartbeat::send(&s.client, KIOSK, &unavailable).await,
        Ok(None)
    );
    let row = sqlx::query(
        "SELECT availability, availability_reason, step FROM kiosk_heartbeats WHERE kiosk_id = ?",
    )
    .bind(KIOSK)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(row.get::<String, _>(0), "unavailable");
    assert_eq!(row.get::<String, _>(1), "keyring.locked");
    assert_eq!(row.get::<Option<i64>, _>(2), None);
    // Another kiosk's id with this token: refused, and said as a code.
    assert_eq!(
        heartbeat::send(&s.client, "another-kiosk", &beat).await,
        Err("http-403".to_owned())
    );
}

/// « Besoin d'aide ? » on `step`, followed against the test backend until the call is open.
async fn call_for_help(desk: &Arc<HelpDesk>, s: &Setup, step: u8) {
    let generation = desk.raise(Some(step)).unwrap();
    tokio::spawn(help::follow(
        desk.clone(),
        generation,
        Some(s.client.clone()),
        KIOSK.into(),
        None,
    ));
    view_becomes(desk, HelpView::Open, Duration::from_secs(5)).await;
}

async fn view_becomes(desk: &HelpDesk, wanted: HelpView, within: Duration) {
    wait::until(
        &format!("help view {wanted:?}"),
        within,
        Duration::from_millis(50),
        || async {
            let view = desk.view();
            if view == wanted {
                Ok(())
            } else {
                Err(view)
            }
        },
    )
    .await;
}

#[tokio::test]
async fn a_help_call_is_held_until_the_backend_has_it_closed() {
    let s = setup();
    let desk = Arc::new(HelpDesk::default());
    call_for_help(&desk, &s, 4).await;
    assert!(desk.holds());
    let pool = s.db().await;
    let (id, step): (String, Option<i64>) =
        sqlx::query_as("SELECT id, step FROM help_calls WHERE kiosk_id = ? AND closed_at IS NULL")
            .bind(KIOSK)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(step, Some(4));
    // The heartbeat's answer carries it; it is not an orphan while the kiosk waits on it.
    let beat = Heartbeat::of(
        &json!({}),
        &Availability::Ready,
        Some(4),
        time::OffsetDateTime::now_utc(),
    );
    let carried = heartbeat::send(&s.client, KIOSK, &beat)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(carried.id.to_string(), id);
    assert!(!desk.is_orphan(&carried));

    // An agent closes it (as the console's « Clore » does: closed_by agent): within two polls.
    sqlx::query(
        "UPDATE help_calls SET closed_at = strftime('%s','now'), closed_by = 'agent' WHERE id = ?",
    )
    .bind(&id)
    .execute(&pool)
    .await
    .unwrap();
    view_becomes(
        &desk,
        HelpView::ClosedByAgent,
        help::POLL_EVERY * 2 + Duration::from_secs(1),
    )
    .await;
    assert!(!desk.holds());
    assert_eq!(desk.close(), None, "nothing left to close at the backend");

    // A second call, closed by the person: closed « by the kiosk » at the backend.
    call_for_help(&desk, &s, 5).await;
    let open = desk.close().unwrap();
    help::close_at_backend(&s.client, KIOSK, open).await;
    let closed_by: Option<String> =
        sqlx::query_scalar("SELECT closed_by FROM help_calls WHERE id = ?")
            .bind(open.to_string())
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(closed_by.as_deref(), Some("kiosk"));
}

#[tokio::test(flavor = "multi_thread")]
async fn without_the_backend_the_hook_takes_the_call_until_the_backend_is_back() {
    // The backend's port, with nothing listening on it yet.
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let client = BackendClient::new(
        &format!("http://127.0.0.1:{port}/").parse().unwrap(),
        Secret::new(KIOSK_TOKEN),
        Duration::from_secs(5),
    )
    .unwrap();
    let desk = Arc::new(HelpDesk::default());
    let generation = desk.raise(Some(2)).unwrap();
    let hook = Hook {
        program: "/bin/sh".into(),
        args: vec!["-c".into(), "test \"$MSA_HELP_STEP\" = 2".into()],
    };
    tokio::spawn(help::follow(
        desk.clone(),
        generation,
        Some(Arc::new(client)),
        KIOSK.into(),
        Some(hook),
    ));
    view_becomes(
        &desk,
        HelpView::Unreached { hook: true },
        Duration::from_secs(5),
    )
    .await;
    assert!(desk.holds());
    // The backend comes up: the POST, retried, gets through.
    let started = dir.path().to_path_buf();
    let _backend = tokio::task::spawn_blocking(move || Backend::start_on(&started, port))
        .await
        .unwrap();
    view_becomes(
        &desk,
        HelpView::Open,
        help::RETRY_EVERY + Duration::from_secs(3),
    )
    .await;

    // No token at all (never provisioned), no hook: « Allez à l'accueil ».
    let alone = Arc::new(HelpDesk::default());
    let generation = alone.raise(None).unwrap();
    tokio::spawn(help::follow(
        alone.clone(),
        generation,
        None,
        KIOSK.into(),
        None,
    ));
    view_becomes(
        &alone,
        HelpView::Unreached { hook: false },
        Duration::from_secs(2),
    )
    .await;
}
