//! Test harness: the real server on a loopback port (in-process), a fresh database per
//! test (SQLite temp file, or a fresh PostgreSQL schema), a reqwest client, and every
//! answer checked against `docs/openapi.yaml`.

#![allow(dead_code)]

use msa_backend::demo::DemoPerson;
use msa_backend::{Config, RunningServer, TEST_ADMIN_TOKEN, TEST_KIOSK_TOKEN};
use serde_json::{json, Value};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// Both engines: each contract test runs once per engine.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::Kind::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::Kind::Postgres).await;
                }
            )*
        }
    };
}

// ---------------------------------------------------------------- OpenAPI checking

/// `docs/openapi.yaml`, as JSON.
pub struct Spec {
    pub doc: Value,
}

pub fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi.yaml");
        let text = std::fs::read_to_string(path).expect("docs/openapi.yaml");
        let doc: Value = serde_yaml::from_str(&text).expect("openapi.yaml is valid YAML");
        assert_eq!(doc["openapi"], "3.1.0");
        Spec { doc }
    })
}

impl Spec {
    /// Follow a local `$ref` (`#/components/...`).
    pub fn resolve<'a>(&'a self, mut v: &'a Value) -> &'a Value {
        while let Some(r) = v.get("$ref").and_then(Value::as_str) {
            let pointer = r.strip_prefix('#').expect("local $ref");
            v = self
                .doc
                .pointer(pointer)
                .unwrap_or_else(|| panic!("dangling $ref {r}"));
        }
        v
    }

    /// A JSON Schema validator for `schema`, whose `#/components/...` refs resolve
    /// against the OpenAPI document.
    pub fn validator(&self, schema: &Value) -> jsonschema::Validator {
        let mut root = match schema {
            Value::Object(m) => m.clone(),
            _ => panic!("schema is not an object"),
        };
        root.insert("components".into(), self.doc["components"].clone());
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&Value::Object(root))
            .expect("schema compiles")
    }

    /// Check a real answer against the operation's documented response: status
    /// documented, body valid against its schema, required headers present and valid.
    pub fn check(
        &self,
        path: &str,
        method: &str,
        status: u16,
        headers: &reqwest::header::HeaderMap,
        body: &Value,
    ) {
        let op = &self.doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is not in openapi.yaml");
        let response = op["responses"]
            .get(status.to_string())
            .unwrap_or_else(|| panic!("{method} {path}: status {status} is not documented"));
        let response = self.resolve(response);
        let schema = &response["content"]["application/json"]["schema"];
        assert!(
            schema.is_object(),
            "{method} {path} {status}: no JSON schema"
        );
        let validator = self.validator(schema);
        let errors: Vec<String> = validator
            .iter_errors(body)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        assert!(
            errors.is_empty(),
            "{method} {path} {status}: body {body} does not match openapi.yaml: {errors:?}"
        );
        if let Some(hs) = response.get("headers").and_then(Value::as_object) {
            for (name, h) in hs {
                let h = self.resolve(h);
                let value = headers.get(name.as_str()).and_then(|v| v.to_str().ok());
                if h["required"] == true {
                    let value = value.unwrap_or_else(|| {
                        panic!("{method} {path} {status}: header {name} missing")
                    });
                    let v = self.validator(&h["schema"]);
                    assert!(
                        v.is_valid(&Value::String(value.to_owned())),
                        "{method} {path} {status}: header {name}: {value:?} does not match"
                    );
                }
            }
        }
    }
}

// ---------------------------------------------------------------- harness

pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn outcome(&self) -> &str {
        self.body["outcome"].as_str().unwrap_or("")
    }

    pub fn codes(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| e["code"].as_str().unwrap_or("").to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }
}

pub struct Harness {
    pub server: Option<RunningServer>,
    pub base: String,
    pub client: reqwest::Client,
    pub kind: Kind,
    pub database_url: String,
    tmp: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

fn skipped_once() {
    static SAID: AtomicBool = AtomicBool::new(false);
    if !SAID.swap(true, Ordering::SeqCst) {
        // Not through print!: the test harness would capture it.
        let _ = writeln!(
            std::io::stderr(),
            "skipped: set MSA_TEST_POSTGRES_URL (e.g. postgres://msa:msa@127.0.0.1:5432/msa_test) to run the PostgreSQL contract tests"
        );
    }
}

/// A fresh database URL for `kind`; `None` when PostgreSQL is not configured.
pub async fn fresh_database(
    kind: Kind,
) -> Option<(String, Option<tempfile::TempDir>, Option<(String, String)>)> {
    match kind {
        Kind::Sqlite => {
            let tmp = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}/backend.db", tmp.path().display());
            Some((url, Some(tmp), None))
        }
        Kind::Postgres => {
            let Ok(base) = std::env::var("MSA_TEST_POSTGRES_URL") else {
                skipped_once();
                return None;
            };
            let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
            sqlx::any::install_default_drivers();
            let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&base)
                .await
                .expect("connect to MSA_TEST_POSTGRES_URL");
            sqlx::query(&format!("CREATE SCHEMA {schema}"))
                .execute(&mut conn)
                .await
                .expect("create schema");
            let _ = <sqlx::AnyConnection as sqlx::Connection>::close(conn).await;
            let sep = if base.contains('?') { '&' } else { '?' };
            let url = format!("{base}{sep}options[search_path]={schema}");
            Some((url, None, Some((base, schema))))
        }
    }
}

/// Drop the PostgreSQL schema made by [`fresh_database`] (nothing for SQLite).
pub async fn drop_database(pg: Option<(String, String)>) {
    if let Some((base, schema)) = pg {
        if let Ok(mut conn) = <sqlx::AnyConnection as sqlx::Connection>::connect(&base).await {
            let _ = sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                .execute(&mut conn)
                .await;
            let _ = <sqlx::AnyConnection as sqlx::Connection>::close(conn).await;
        }
    }
}

/// Read a real answer and check it against the operation's entry in openapi.yaml.
pub async fn checked_answer(path: &str, method: &str, resp: reqwest::Response) -> Answer {
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let bytes = resp.bytes().await.expect("body");
    let body: Value = serde_json::from_slice(&bytes).unwrap_or_else(|_| {
        panic!(
            "{method} {path} {status}: not JSON: {}",
            String::from_utf8_lossy(&bytes)
        )
    });
    spec().check(path, method, status, &headers, &body);
    Answer {
        status,
        headers,
        body,
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .expect("client")
}

impl Harness {
    /// Start the real server on a fresh database; `None` when PostgreSQL is skipped.
    pub async fn start(kind: Kind) -> Option<Harness> {
        Harness::start_with(kind, |_| {}).await
    }

    pub async fn start_with(kind: Kind, tweak: impl FnOnce(&mut Config)) -> Option<Harness> {
        let (url, tmp, pg) = fresh_database(kind).await?;
        let mut config = Config::for_tests(url.clone());
        tweak(&mut config);
        let server = msa_backend::spawn(config).await.expect("server starts");
        Some(Harness {
            base: server.base_url.clone(),
            server: Some(server),
            client: client(),
            kind,
            database_url: url,
            tmp,
            pg,
        })
    }

    pub fn server(&self) -> &RunningServer {
        self.server.as_ref().expect("running")
    }

    /// Stop the server and drop the PostgreSQL schema.
    pub async fn finish(mut self) {
        if let Some(server) = self.server.take() {
            server.stop().await.expect("clean stop");
        }
        drop_database(self.pg.take()).await;
        drop(self.tmp.take());
    }

    async fn answer(&self, path: &str, method: &str, resp: reqwest::Response) -> Answer {
        checked_answer(path, method, resp).await
    }

    /// `POST /v1/enrolments` with the test kiosk token.
    pub async fn enrol(&self, body: &Value, key: &str) -> Answer {
        self.enrol_as(body, Some(key), Some(TEST_KIOSK_TOKEN)).await
    }

    pub async fn enrol_as(&self, body: &Value, key: Option<&str>, token: Option<&str>) -> Answer {
        let resp = self
            .send_enrolment(body, key, token)
            .await
            .expect("request");
        self.answer("/v1/enrolments", "post", resp).await
    }

    pub async fn send_enrolment(
        &self,
        body: &Value,
        key: Option<&str>,
        token: Option<&str>,
    ) -> reqwest::Result<reqwest::Response> {
        let mut req = self
            .client
            .post(format!("{}/v1/enrolments", self.base))
            .json(body);
        if let Some(k) = key {
            req = req.header("Idempotency-Key", k);
        }
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await
    }

    /// A GET checked against the spec (`path` without the query string).
    pub async fn get(&self, path: &str, query: &str, token: Option<&str>) -> Answer {
        let mut req = self.client.get(format!("{}{path}{query}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.expect("request");
        self.answer(path, "get", resp).await
    }

    pub async fn mailouts(&self) -> Vec<Value> {
        let a = self
            .get("/admin/mailouts", "", Some(TEST_ADMIN_TOKEN))
            .await;
        assert_eq!(a.status, 200);
        a.body.as_array().cloned().unwrap_or_default()
    }

    pub async fn received(&self, reference: &str) -> Vec<Value> {
        let a = self
            .get(
                "/admin/enrolments",
                &format!("?reference={reference}"),
                Some(TEST_ADMIN_TOKEN),
            )
            .await;
        assert_eq!(a.status, 200);
        a.body.as_array().cloned().unwrap_or_default()
    }

    pub async fn set_fault(&self, fault: &str) {
        let resp = self
            .client
            .put(format!("{}/admin/fault", self.base))
            .bearer_auth(TEST_ADMIN_TOKEN)
            .json(&json!({ "fault": fault }))
            .send()
            .await
            .expect("request");
        let a = self.answer("/admin/fault", "put", resp).await;
        assert_eq!(a.status, 200, "{}", a.body);
    }

    pub async fn account(&self, nir13: &str) -> Option<String> {
        msa_backend::enrol::account_status(&self.server().state.db, nir13)
            .await
            .expect("query")
    }

    pub async fn count(&self, sql: &str) -> i64 {
        use sqlx::Row;
        sqlx::query(sql)
            .fetch_one(self.server().state.db.pool())
            .await
            .expect("count")
            .try_get::<i64, _>(0)
            .expect("count value")
    }
}

// ---------------------------------------------------------------- backend processes

/// The `msa-backend` binary built with these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_msa-backend");

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A child process killed (and reaped) when dropped, so a failed test leaves none behind.
pub struct Child(pub std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Wait until `GET {base}/ready` answers 200 (30 s at most).
pub async fn wait_ready(base: &str) {
    let client = client();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        if let Ok(r) = client.get(format!("{base}/ready")).send().await {
            if r.status().as_u16() == 200 {
                return;
            }
        }
        assert!(
            std::time::Instant::now() < deadline,
            "backend not ready in time"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

// ---------------------------------------------------------------- demo persons and bodies

pub fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

/// The demo person whose last name is `last_name`.
pub fn person(last_name: &str) -> DemoPerson {
    msa_backend::demo::people()
        .expect("demo data")
        .into_iter()
        .find(|p| p.last_name == last_name)
        .unwrap_or_else(|| panic!("no demo person {last_name}"))
}

pub fn new_key() -> String {
    uuid::Uuid::new_v4().to_string()
}

pub fn new_reference() -> String {
    let s = uuid::Uuid::new_v4().simple().to_string().to_uppercase();
    format!("{}-{}", &s[..4], &s[4..8])
}

/// A valid request body for `p` with `verification`, as the kiosk would send it.
pub fn body(p: &DemoPerson, verification: Value) -> Value {
    let nir15 = p.nir15();
    json!({
        "reference": new_reference(),
        "kioskId": "agence-44-01",
        "nir": &nir15[..13],
        "nirKey": &nir15[13..],
        "lastName": p.last_name,
        "firstName": p.first_name,
        "birthDate": enrol_core::date::iso(p.birth_date),
        "email": p.email.clone().unwrap_or_else(|| "guy.lambert@example.fr".into()),
        "phone": "+33612345678",
        "verification": verification,
        "department": p.department,
        "cguVersion": "sha256:0123456789abcdef",
    })
}

pub fn vitale(p: &DemoPerson) -> Value {
    let v = p.vitale.as_ref().expect("person has a Vitale card");
    json!({"kind": "vitaleSerial", "card": v.card, "serial": v.serial})
}

pub fn child(date: &str) -> Value {
    json!({"kind": "childBirthDate", "date": date})
}

pub fn payment(cents: i64) -> Value {
    json!({"kind": "paymentAmount", "cents": cents})
}

pub fn none() -> Value {
    json!({"kind": "none"})
}

pub fn nir13(p: &DemoPerson) -> String {
    p.nir15()[..13].to_owned()
}

pub type Shared<T> = Arc<T>;
