//! Several backend instances on one database (issue 14): two real `msa-backend serve`
//! processes on loopback over one throw-away PostgreSQL (`MSA_TEST_POSTGRES_URL`) or one
//! SQLite file, the requests spread over both. What they must agree on (the per-NIR throttle,
//! the per-kiosk rate limit, idempotency, follow-ups) lives in the database: the tests read the
//! outcome there. Every answer is checked against docs/openapi.yaml.

mod common;

use common::*;
use serde_json::{json, Value};
use sqlx::Row;
use std::process::{Command, Stdio};

const KIOSK_TOKEN: &str = "instances-kiosk-token-0123";
const OTHER_KIOSK_TOKEN: &str = "instances-other-kiosk-token-0123";
const ADMIN_TOKEN: &str = "instances-admin-token-0123";

on_both_databases!(
    nir_throttle_holds_across_two_instances,
    kiosk_rate_limit_holds_across_two_instances,
    refusals_have_one_follow_up_even_when_the_answer_is_lost,
);

/// Two backend processes on one fresh database, and a pool on it to look inside.
struct Instances {
    bases: Vec<String>,
    children: Vec<Child>,
    db: msa_backend::Db,
    pg: Option<(String, String)>,
    _tmp: tempfile::TempDir,
    _db_tmp: Option<tempfile::TempDir>,
}

impl Instances {
    /// `None` when PostgreSQL is not configured. `args` go to both `serve` commands.
    async fn start(kind: Kind, args: &[&str]) -> Option<Instances> {
        let (url, db_tmp, pg) = fresh_database(kind).await?;
        let tmp = tempfile::tempdir().unwrap();
        let mut bases = Vec::new();
        let mut children = Vec::new();
        // One after the other: the first one migrates and seeds, the second finds it done.
        for i in 0..2 {
            let port = free_port();
            let base = format!("http://127.0.0.1:{port}");
            let child = Command::new(BIN)
                .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
                .args(args)
                .env("MSA_BACKEND_DATABASE", &url)
                .env(
                    "MSA_BACKEND_KIOSK_TOKENS",
                    format!("test-kiosk:{KIOSK_TOKEN},other-kiosk:{OTHER_KIOSK_TOKEN}"),
                )
                .env("MSA_BACKEND_ADMIN_TOKEN", ADMIN_TOKEN)
                .env("MSA_BACKEND_ARGON2", "test")
                .env("MSA_BACKEND_FAULT_INJECTION", "1")
                .env("RUST_LOG", "info,sqlx=warn")
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(tmp.path().join(format!("backend-{i}.log"))).unwrap())
                .spawn()
                .unwrap();
            children.push(Child(child));
            wait_ready(&base).await;
            bases.push(base);
        }
        let db = msa_backend::Db::connect(&url).await.expect("database");
        Some(Instances {
            bases,
            children,
            db,
            pg,
            _tmp: tmp,
            _db_tmp: db_tmp,
        })
    }

    async fn finish(self) {
        drop(self.children);
        self.db.close().await;
        drop_database(self.pg).await;
    }

    async fn count(&self, sql: &str, bind: &str) -> i64 {
        sqlx::query(sql)
            .bind(bind.to_owned())
            .fetch_one(self.db.pool())
            .await
            .expect("count")
            .try_get::<i64, _>(0)
            .expect("count value")
    }
}

/// `POST {base}/v1/enrolments`, the answer checked against openapi.yaml; `None` when the
/// connection was closed without an answer.
async fn post(base: &str, body: &Value, key: &str, token: &str) -> Option<Answer> {
    let resp = client()
        .post(format!("{base}/v1/enrolments"))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .ok()?;
    Some(checked_answer("/v1/enrolments", "post", resp).await)
}

async fn set_fault(base: &str, fault: &str) {
    let resp = client()
        .put(format!("{base}/admin/fault"))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({ "fault": fault }))
        .send()
        .await
        .unwrap();
    let a = checked_answer("/admin/fault", "put", resp).await;
    assert_eq!(a.status, 200, "{}", a.body);
}

/// 20 parallel wrong secrets for one NIR, 10 to each instance: exactly the configured 5 are
/// checked, the other 15 are throttled (the secret not even looked at).
async fn nir_throttle_holds_across_two_instances(kind: Kind) {
    let Some(inst) = Instances::start(kind, &["--nir-max-failures", "5"]).await else {
        return;
    };
    let p = person("Garnier");
    let card = p.vitale.as_ref().unwrap().card.clone();
    let mut tasks = Vec::new();
    for i in 0..20u64 {
        let base = inst.bases[(i % 2) as usize].clone();
        let wrong =
            json!({"kind": "vitaleSerial", "card": card, "serial": format!("{:011}", 10 + i)});
        let b = body(&p, wrong);
        tasks.push(tokio::spawn(async move {
            post(&base, &b, &new_key(), KIOSK_TOKEN).await
        }));
    }
    for t in tasks {
        let a = t.await.unwrap().expect("an answer");
        assert_eq!((a.status, a.outcome()), (200, "postal"), "{}", a.body);
    }
    let nir = nir13(&p);
    let checked = inst
        .count(
            "SELECT COUNT(*) FROM enrolments WHERE nir = $1 AND detail = 'secretMismatch'",
            &nir,
        )
        .await;
    let throttled = inst
        .count(
            "SELECT COUNT(*) FROM enrolments WHERE nir = $1 AND detail = 'nirThrottled'",
            &nir,
        )
        .await;
    let failures = inst
        .count(
            "SELECT COUNT(*) FROM verification_failures WHERE nir = $1",
            &nir,
        )
        .await;
    assert_eq!(
        (checked, throttled, failures),
        (5, 15, 5),
        "secrets checked, throttled, failures recorded"
    );
    // One pending account and one letter, not one per instance.
    assert_eq!(
        inst.count(
            "SELECT COUNT(*) FROM accounts WHERE nir = $1 AND status = 'pendingPostal'",
            &nir
        )
        .await,
        1
    );
    assert_eq!(
        inst.count(
            "SELECT COUNT(*) FROM mailouts WHERE nir = $1 AND kind = 'letter'",
            &nir
        )
        .await,
        1
    );
    inst.finish().await;
}

/// `--kiosk-rate 1/5` on both instances: 12 parallel requests of one kiosk, 6 to each, get 5
/// answers and 7 `429` (each instance alone would have let 5 through); another kiosk is not
/// affected.
async fn kiosk_rate_limit_holds_across_two_instances(kind: Kind) {
    let Some(inst) = Instances::start(kind, &["--kiosk-rate", "1/5"]).await else {
        return;
    };
    let p = person("Pereira");
    let b = body(&p, none());
    let key = new_key();
    let mut tasks = Vec::new();
    for i in 0..12 {
        let base = inst.bases[i % 2].clone();
        let (b, key) = (b.clone(), key.clone());
        tasks.push(tokio::spawn(async move {
            post(&base, &b, &key, KIOSK_TOKEN).await
        }));
    }
    let mut served = 0;
    let mut throttled = 0;
    for t in tasks {
        let a = t.await.unwrap().expect("an answer");
        match a.status {
            200 => {
                assert_eq!(a.outcome(), "postal");
                served += 1;
            }
            429 => {
                let retry: u64 = a.headers["retry-after"].to_str().unwrap().parse().unwrap();
                // One token a minute: the next one is at most a minute away.
                assert!((1..=60).contains(&retry), "{retry}");
                throttled += 1;
            }
            other => panic!("unexpected {other}: {}", a.body),
        }
    }
    assert_eq!((served, throttled), (5, 7));
    // One enrolment for all the replays that got through.
    assert_eq!(
        inst.count(
            "SELECT COUNT(*) FROM enrolments WHERE reference = $1",
            b["reference"].as_str().unwrap()
        )
        .await,
        1
    );
    // The bucket is per kiosk.
    let q = person("Leroy");
    let a = post(
        &inst.bases[1],
        &body(&q, none()),
        &new_key(),
        OTHER_KIOSK_TOKEN,
    )
    .await
    .unwrap();
    assert_eq!(a.status, 200, "{}", a.body);
    inst.finish().await;
}

/// A refusal whose answer never reaches the kiosk (the connection drops after the backend
/// handled it, as when the kiosk's wait ran out): the follow-up is already in the database;
/// the kiosk's retry, on the other instance, is told `followUp: recorded`; one follow-up and
/// one letter or e-mail, however many times it is sent. A refusal without a readable
/// reference gets no `followUp` (the kiosk keeps it) and no row.
async fn refusals_have_one_follow_up_even_when_the_answer_is_lost(kind: Kind) {
    let Some(inst) = Instances::start(kind, &[]).await else {
        return;
    };
    let (first, second) = (&inst.bases[0], &inst.bases[1]);
    set_fault(first, "reset-after").await;

    // 422 invalid: a rule the kiosk did not know yet (here: Mayotte).
    let p = person("Dupont");
    let mut invalid = body(&p, vitale(&p));
    invalid["department"] = json!("976");
    let invalid_key = new_key();
    // 409 alreadyEnrolled: the identity matches a person who has an account.
    let enrolled = person("Haddad");
    let already = body(&enrolled, vitale(&enrolled));
    let already_key = new_key();

    for (b, key) in [(&invalid, &invalid_key), (&already, &already_key)] {
        assert!(
            post(first, b, key, KIOSK_TOKEN).await.is_none(),
            "the answer must be lost"
        );
        let reference = b["reference"].as_str().unwrap();
        // Recorded before any answer was read.
        assert_eq!(
            inst.count(
                "SELECT COUNT(*) FROM followups WHERE reference = $1",
                reference
            )
            .await,
            1
        );
        for _ in 0..2 {
            let a = post(second, b, key, KIOSK_TOKEN).await.expect("an answer");
            assert!(matches!(a.status, 409 | 422), "{}", a.body);
            assert_eq!(a.body["followUp"], "recorded", "{}", a.body);
        }
        assert_eq!(
            inst.count(
                "SELECT COUNT(*) FROM followups WHERE reference = $1",
                reference
            )
            .await,
            1,
            "one follow-up however often it is sent"
        );
        assert_eq!(
            inst.count(
                "SELECT COUNT(*) FROM mailouts WHERE reference = $1",
                reference
            )
            .await,
            1,
            "one letter or e-mail"
        );
    }

    // What the counsellor gets, from the database.
    let row = sqlx::query(
        "SELECT reason, codes, kiosk_id, nir, last_name, email, department, mailout \
         FROM followups WHERE reference = $1",
    )
    .bind(invalid["reference"].as_str().unwrap().to_owned())
    .fetch_one(inst.db.pool())
    .await
    .unwrap();
    let get = |c: &str| row.try_get::<Option<String>, _>(c).unwrap();
    assert_eq!(get("reason").as_deref(), Some("invalid"));
    assert_eq!(get("codes").as_deref(), Some("department.mayotte"));
    assert_eq!(get("kiosk_id").as_deref(), Some("test-kiosk"));
    assert_eq!(get("nir"), Some(nir13(&p)));
    assert_eq!(get("last_name").as_deref(), Some(p.last_name.as_str()));
    assert_eq!(get("email"), invalid["email"].as_str().map(str::to_owned));
    assert_eq!(get("department").as_deref(), Some("976"));
    assert_eq!(get("mailout").as_deref(), Some("email"));
    let row = sqlx::query("SELECT reason, mailout FROM followups WHERE reference = $1")
        .bind(already["reference"].as_str().unwrap().to_owned())
        .fetch_one(inst.db.pool())
        .await
        .unwrap();
    assert_eq!(
        row.try_get::<String, _>("reason").unwrap(),
        "alreadyEnrolled"
    );
    assert_eq!(
        row.try_get::<Option<String>, _>("mailout")
            .unwrap()
            .as_deref(),
        Some("letter")
    );

    // The admin listing, checked against openapi.yaml.
    let resp = client()
        .get(format!(
            "{second}/admin/followups?reference={}",
            already["reference"].as_str().unwrap()
        ))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    let a = checked_answer("/admin/followups", "get", resp).await;
    assert_eq!(a.body.as_array().unwrap().len(), 1);
    assert_eq!(a.body[0]["reason"], "alreadyEnrolled");

    // No readable reference: nothing to follow up, the kiosk is told nothing was recorded.
    let mut unreadable = invalid.clone();
    unreadable["reference"] = json!("Jean Dupont 1984");
    let a = post(second, &unreadable, &new_key(), KIOSK_TOKEN)
        .await
        .unwrap();
    assert_eq!(a.status, 422);
    assert!(a.body.get("followUp").is_none(), "{}", a.body);
    assert_eq!(
        inst.count(
            "SELECT COUNT(*) FROM followups WHERE reference <> $1",
            "none"
        )
        .await,
        2
    );
    inst.finish().await;
}
