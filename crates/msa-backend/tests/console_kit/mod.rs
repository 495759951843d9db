//! Shared by the console's tests: two agencies of one caisse and one of another, their kiosks
//! and staff; a heartbeat body; the kiosk's API called as a kiosk would (every answer checked
//! against docs/openapi.yaml); a console client that keeps its cookies by hand.

#![allow(dead_code)]

use crate::common::{spec, Answer};
use msa_backend::staff::{self, Role, Scope};
use msa_backend::Db;
use serde_json::{json, Value};
use std::collections::HashMap;

/// Kiosks of agency `nantes` (caisse `msa-44-85`).
pub const NANTES_1: (&str, &str) = ("agence-44-01", "token-agence-44-01-0123456789");
pub const NANTES_2: (&str, &str) = ("agence-44-02", "token-agence-44-02-0123456789");
/// A kiosk of agency `la-roche` (caisse `msa-44-85` too).
pub const ROCHE_1: (&str, &str) = ("agence-85-01", "token-agence-85-01-0123456789");
/// A kiosk of agency `angers` (caisse `msa-49`).
pub const ANGERS_1: (&str, &str) = ("agence-49-01", "token-agence-49-01-0123456789");

/// Every staff account's password.
pub const PASSWORD: &str = "correct horse battery staple";
/// An agent of Nantes.
pub const AGENT_NANTES: &str = "agent.nantes";
/// An agent of Angers.
pub const AGENT_ANGERS: &str = "agent.angers";
/// An observer of the whole caisse msa-44-85 (Nantes and La Roche).
pub const OBSERVER_CAISSE: &str = "observateur.4485";

/// Agencies, kiosks (and the test kiosk, in Nantes) and staff.
pub async fn setup(db: &Db) {
    staff::add_agency(db, "nantes", "msa-44-85", "Nantes")
        .await
        .unwrap();
    staff::add_agency(db, "la-roche", "msa-44-85", "La Roche-sur-Yon")
        .await
        .unwrap();
    staff::add_agency(db, "angers", "msa-49", "Angers")
        .await
        .unwrap();
    for ((id, token), agency) in [
        (NANTES_1, "nantes"),
        (NANTES_2, "nantes"),
        (ROCHE_1, "la-roche"),
        (ANGERS_1, "angers"),
    ] {
        msa_backend::register_kiosk(db, id, token).await.unwrap();
        staff::set_kiosk_agency(db, id, agency).await.unwrap();
    }
    staff::set_kiosk_agency(db, msa_backend::TEST_KIOSK_ID, "nantes")
        .await
        .unwrap();
    let cheap = msa_backend::config::Argon2Cost::for_tests();
    let password = msa_backend::secret::Secret::new(PASSWORD);
    for (login, scope, role) in [
        (AGENT_NANTES, Scope::Agency("nantes".into()), Role::Agent),
        (AGENT_ANGERS, Scope::Agency("angers".into()), Role::Agent),
        (
            OBSERVER_CAISSE,
            Scope::Caisse("msa-44-85".into()),
            Role::Observer,
        ),
    ] {
        staff::add_staff(db, login, &password, &scope, role, cheap)
            .await
            .unwrap();
    }
}

/// A heartbeat of a kiosk that is well, at `step`.
pub fn heartbeat(step: Option<i64>) -> Value {
    json!({
        "version": "0.1.0",
        "queueSize": 0,
        "queueOldestAgeSeconds": null,
        "needsAttention": 0,
        "lastDeliveryAt": "2026-11-26T10:41:07Z",
        "updaterResult": "upToDate",
        "crashesRecovered": 0,
        "printer": "none",
        "availability": "ready",
        "availabilityReason": null,
        "step": step,
    })
}

pub fn plain_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(20))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A kiosk speaking to the backend with its token.
#[derive(Clone)]
pub struct KioskClient {
    pub base: String,
    pub id: String,
    pub token: String,
    pub client: reqwest::Client,
}

impl KioskClient {
    pub fn new(base: &str, (id, token): (&str, &str)) -> KioskClient {
        KioskClient {
            base: base.to_owned(),
            id: id.to_owned(),
            token: token.to_owned(),
            client: plain_client(),
        }
    }

    /// A request to `template` (the OpenAPI path) filled in as `path`; the answer is checked
    /// against the spec.
    pub async fn call(
        &self,
        method: reqwest::Method,
        template: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Answer {
        let mut req = self
            .client
            .request(method.clone(), format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.unwrap();
        let body: Value = serde_json::from_slice(&bytes).unwrap_or_else(|_| {
            panic!(
                "{method} {path} {status}: not JSON: {}",
                String::from_utf8_lossy(&bytes)
            )
        });
        spec().check(
            template,
            &method.as_str().to_lowercase(),
            status,
            &headers,
            &body,
        );
        Answer {
            status,
            headers,
            body,
        }
    }

    pub async fn heartbeat(&self, body: &Value) -> Answer {
        self.call(
            reqwest::Method::PUT,
            "/v1/kiosks/{kioskId}/heartbeat",
            &format!("/v1/kiosks/{}/heartbeat", self.id),
            Some(body),
        )
        .await
    }

    pub async fn raise(&self, step: Option<i64>) -> Answer {
        self.call(
            reqwest::Method::POST,
            "/v1/kiosks/{kioskId}/help-calls",
            &format!("/v1/kiosks/{}/help-calls", self.id),
            Some(&json!({ "step": step })),
        )
        .await
    }

    pub async fn help(&self, call: &str) -> Answer {
        self.call(
            reqwest::Method::GET,
            "/v1/kiosks/{kioskId}/help-calls/{callId}",
            &format!("/v1/kiosks/{}/help-calls/{call}", self.id),
            None,
        )
        .await
    }

    pub async fn close(&self, call: &str) -> Answer {
        self.call(
            reqwest::Method::POST,
            "/v1/kiosks/{kioskId}/help-calls/{callId}/close",
            &format!("/v1/kiosks/{}/help-calls/{call}/close", self.id),
            None,
        )
        .await
    }
}

/// One HTTP answer of the console.
pub struct Page {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Page {
    pub fn location(&self) -> Option<&str> {
        self.headers.get("location").and_then(|v| v.to_str().ok())
    }

    /// The first `name="csrf" value="…"` of the page.
    pub fn csrf(&self) -> String {
        let at = self
            .body
            .find(r#"name="csrf" value=""#)
            .expect("a csrf field");
        let rest = &self.body[at + r#"name="csrf" value=""#.len()..];
        rest[..rest.find('"').unwrap()].to_owned()
    }

    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }
}

/// A browser-less console user: cookies kept by hand, redirects not followed.
pub struct ConsoleClient {
    pub base: String,
    pub client: reqwest::Client,
    pub cookies: HashMap<String, String>,
}

impl ConsoleClient {
    pub fn new(base: &str) -> ConsoleClient {
        ConsoleClient {
            base: base.to_owned(),
            client: plain_client(),
            cookies: HashMap::new(),
        }
    }

    fn keep(&mut self, page: &Page) {
        for c in page.set_cookies() {
            let pair = c.split(';').next().unwrap();
            let (k, v) = pair.split_once('=').unwrap();
            if v.is_empty() || c.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), v.to_owned());
            }
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn page(&mut self, resp: reqwest::Response) -> Page {
        let page = Page {
            status: resp.status().as_u16(),
            headers: resp.headers().clone(),
            body: resp.text().await.unwrap(),
        };
        self.keep(&page);
        page
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let resp = self
            .client
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.page(resp).await
    }

    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let resp = self
            .client
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .form(fields)
            .send()
            .await
            .unwrap();
        self.page(resp).await
    }

    /// Open the login page and send `login`/`password` with its token.
    pub async fn login(&mut self, login: &str, password: &str) -> Page {
        let form = self.get("/console/login").await;
        assert_eq!(form.status, 200);
        let csrf = form.csrf();
        self.post(
            "/console/login",
            &[("login", login), ("password", password), ("csrf", &csrf)],
        )
        .await
    }

    /// Signed in as `login`, or panic.
    pub async fn signed_in(base: &str, login: &str) -> ConsoleClient {
        let mut c = ConsoleClient::new(base);
        let page = c.login(login, PASSWORD).await;
        assert_eq!(page.status, 303, "{login} signs in: {}", page.body);
        assert_eq!(page.location(), Some("/console/"));
        c
    }

    /// `POST /console/help-calls/{id}/close` with the CSRF token of the dashboard.
    pub async fn close_call(&mut self, call: &str) -> Page {
        let dashboard = self.get("/console/").await;
        let csrf = dashboard.csrf();
        self.post(
            &format!("/console/help-calls/{call}/close"),
            &[("csrf", &csrf)],
        )
        .await
    }
}

/// Every column of `tables`, as text, for canary searches.
pub async fn table_text(pool: &sqlx::AnyPool, tables: &[&str]) -> String {
    use sqlx::{Column, Row, TypeInfo, ValueRef};
    let mut out = String::new();
    for t in tables {
        let rows = sqlx::query(&format!("SELECT * FROM {t}"))
            .fetch_all(pool)
            .await
            .unwrap();
        for row in rows {
            for (i, col) in row.columns().iter().enumerate() {
                let raw = row.try_get_raw(i).unwrap();
                if raw.is_null() {
                    continue;
                }
                let text = match raw.type_info().name() {
                    "TEXT" | "VARCHAR" => row.try_get::<String, _>(i).unwrap(),
                    _ => row
                        .try_get::<i64, _>(i)
                        .map(|n| n.to_string())
                        .or_else(|_| row.try_get::<String, _>(i))
                        .unwrap_or_else(|e| panic!("{t}.{}: {e}", col.name())),
                };
                out.push_str(&format!("{}={text}\n", col.name()));
            }
        }
    }
    out
}
