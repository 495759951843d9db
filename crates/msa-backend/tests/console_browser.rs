//! The console in a real browser: Debian's `chromium` driven by `chromedriver` (WebDriver,
//! through fantoccini), against two backend instances on one database (PostgreSQL when
//! `MSA_TEST_POSTGRES_URL` is set, SQLite otherwise). The kiosks are the test's heartbeat
//! clients, speaking with their own tokens to the first instance; the browser uses the second.
//!
//! axe-core (`node_modules/axe-core/axe.min.js`, WCAG 2.0/2.1/2.2 A and AA) runs on every page
//! and state met on the way: 0 violations, 0 « needs review ». Reports go to
//! `target/console-artifacts/axe/`.

mod common;
mod console_kit;

use common::*;
use console_kit::*;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const AXE_RUN: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
  .then(r => done(JSON.stringify(r)), e => done(JSON.stringify({ error: String((e && e.stack) || e) })));
"#;

fn repo_root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn chromedriver() -> PathBuf {
    std::env::var_os("CHROMEDRIVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromedriver"))
}

fn chromium() -> PathBuf {
    std::env::var_os("CHROMIUM_PATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// chromedriver, killed when dropped.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn browser(profile: &std::path::Path) -> (Client, Driver) {
    let port = free_port();
    let log = std::fs::File::create(profile.join("chromedriver.log")).unwrap();
    let child = Command::new(chromedriver())
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver(child);
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "chromedriver did not listen in 20 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium(),
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,900", "--lang=fr-FR", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                format!("--user-data-dir={}", profile.join("chromium").display()),
            ],
        }),
    );
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .unwrap_or_else(|e| {
            panic!(
                "WebDriver session: {e}\n{}",
                std::fs::read_to_string(profile.join("chromedriver.log")).unwrap_or_default()
            )
        });
    (client, driver)
}

/// Runs axe on the page as it is; the violations (and « needs review » results), one line each.
async fn axe(client: &Client, page: &str) -> Vec<String> {
    let present = client
        .execute("return typeof window.axe === 'object';", vec![])
        .await
        .unwrap();
    if present != Value::Bool(true) {
        let source = std::fs::read_to_string(repo_root().join("node_modules/axe-core/axe.min.js"))
            .expect("node_modules/axe-core/axe.min.js: run `npm ci` (cargo xtask test does)");
        client
            .execute(&format!("{source}\n;return true;"), vec![])
            .await
            .unwrap();
    }
    let raw = client.execute_async(AXE_RUN, vec![]).await.unwrap();
    let report: Value = serde_json::from_str(raw.as_str().unwrap()).unwrap();
    let dir = repo_root().join("target/console-artifacts/axe");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join(format!("{page}.json")),
        serde_json::to_string_pretty(&report).unwrap(),
    )
    .unwrap();
    assert!(
        report.get("error").is_none(),
        "axe on {page}: {}",
        report["error"]
    );
    assert!(
        report["passes"].as_array().is_some_and(|p| p.len() > 5),
        "axe checked almost nothing on {page}"
    );
    let mut found = Vec::new();
    for (kind, list) in [
        ("violation", &report["violations"]),
        ("needs review", &report["incomplete"]),
    ] {
        for item in list.as_array().unwrap() {
            for node in item["nodes"].as_array().unwrap() {
                found.push(format!(
                    "{page}: {kind}: {} ({}) {} at {}",
                    item["id"].as_str().unwrap_or_default(),
                    item["impact"].as_str().unwrap_or_default(),
                    item["help"].as_str().unwrap_or_default(),
                    node["target"]
                ));
            }
        }
    }
    found
}

/// Evaluates `script` (which returns a value) until `ok` accepts it, for at most `within`.
async fn wait_for(
    client: &Client,
    what: &str,
    within: Duration,
    script: &str,
    ok: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + within;
    loop {
        let v = client.execute(script, vec![]).await.unwrap();
        if ok(&v) {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: not within {within:?} (last: {v})"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn glance(client: &Client, kiosk: &str) -> Value {
    client
        .execute(
            "const r = document.querySelector(`[data-kiosk-row=\"${arguments[0]}\"]`); \
             return r ? [r.dataset.glance, r.querySelector('.state').textContent] : null;",
            vec![json!(kiosk)],
        )
        .await
        .unwrap()
}

async fn path(client: &Client) -> String {
    let url = client.current_url().await.unwrap();
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    }
}

async fn sign_in(client: &Client, base: &str, login: &str, password: &str) {
    client.goto(&format!("{base}/console/login")).await.unwrap();
    let field = client.find(Locator::Id("login")).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(login).await.unwrap();
    client
        .find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(password)
        .await
        .unwrap();
    client
        .find(Locator::Css("form.login button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

async fn sign_out(client: &Client) {
    client
        .find(Locator::Css(".account button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while path(client).await != "/console/login" {
        assert!(Instant::now() < deadline, "signed out to the login page");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A kiosk's heartbeat loop (every second), as the kiosk will run it.
fn heartbeats(
    kiosk: KioskClient,
    sent: std::sync::Arc<std::sync::Mutex<Vec<Value>>>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let body = heartbeat(Some(2));
            let a = kiosk.heartbeat(&body).await;
            assert_eq!(a.status, 200, "{}", a.body);
            sent.lock().unwrap().push(body);
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_watch_kiosks_and_close_a_help_call_in_chromium() {
    if !chromedriver().exists() || !chromium().exists() {
        eprintln!(
            "skipped: install chromium and chromium-driver (`cargo xtask test` does) to run the console's browser test"
        );
        return;
    }
    let kind = if std::env::var_os("MSA_TEST_POSTGRES_URL").is_some() {
        Kind::Postgres
    } else {
        Kind::Sqlite
    };
    let silent = Duration::from_secs(3);
    let h = Harness::start_with(kind, |c| c.console.silent_after = silent)
        .await
        .expect("database");
    setup(&h.server().state.db).await;
    let mut config = msa_backend::Config::for_tests(h.database_url.clone());
    config.console.silent_after = silent;
    let console_instance = msa_backend::spawn(config).await.unwrap();
    let base = console_instance.base_url.clone();
    let profile = tempfile::tempdir().unwrap();
    let (client, _driver) = browser(profile.path()).await;
    let mut audit: Vec<String> = Vec::new();
    let mut pages: Vec<String> = Vec::new();

    // The canary: a real enrolment through the normal endpoint, by a kiosk of Nantes.
    let canary = person("Dupont");
    let enrolment = body(&canary, vitale(&canary));
    let answer = h.enrol(&enrolment, &new_key()).await;
    assert_eq!(answer.outcome(), "verified", "{}", answer.body);

    // Two kiosks of Nantes send their heartbeats, with their tokens, to the other instance.
    let sent = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let kiosk_1 = KioskClient::new(&h.base, NANTES_1);
    let beat_1 = heartbeats(kiosk_1.clone(), sent.clone());
    let beat_2 = heartbeats(KioskClient::new(&h.base, NANTES_2), sent.clone());

    // Signed out: the console sends the browser to the login page.
    client.goto(&format!("{base}/console/")).await.unwrap();
    assert_eq!(path(&client).await, "/console/login");
    assert_eq!(
        client.title().await.unwrap(),
        "Connexion — Console des bornes MSA"
    );
    audit.extend(axe(&client, "login").await);
    sign_in(&client, &base, AGENT_NANTES, "not the password").await;
    wait_for(
        &client,
        "the login error",
        Duration::from_secs(5),
        "return document.title",
        |v| v.as_str().is_some_and(|t| t.starts_with("Erreur : ")),
    )
    .await;
    audit.extend(axe(&client, "login-error").await);

    sign_in(&client, &base, AGENT_NANTES, PASSWORD).await;
    wait_for(
        &client,
        "the dashboard",
        Duration::from_secs(5),
        "return location.pathname",
        |v| v == "/console/",
    )
    .await;
    assert_eq!(
        client
            .find(Locator::Css("h1"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "Bornes de l'agence Nantes"
    );
    // A mark that a reload would wipe: the updates below must come without one.
    client
        .execute("window.__sameDocument = true; return true;", vec![])
        .await
        .unwrap();
    for kiosk in [NANTES_1.0, NANTES_2.0] {
        wait_for(&client, &format!("{kiosk} in service"), Duration::from_secs(10), &format!(
            "const r = document.querySelector('[data-kiosk-row=\"{kiosk}\"]'); return r && r.dataset.glance;"
        ), |v| v == "ok")
        .await;
    }
    audit.extend(axe(&client, "dashboard").await);

    // Kiosk 2 stops: « Silencieuse » after the configured silence, kiosk 1 still in service.
    beat_2.abort();
    let _ = beat_2.await;
    let stopped = Instant::now();
    wait_for(&client, "kiosk 2 silent", silent + Duration::from_secs(8), &format!(
        "const r = document.querySelector('[data-kiosk-row=\"{}\"]'); return r && r.dataset.glance;", NANTES_2.0
    ), |v| v == "silent")
    .await;
    assert!(
        stopped.elapsed() >= silent - Duration::from_millis(1100),
        "not silent before its time"
    );
    assert_eq!(
        glance(&client, NANTES_2.0).await,
        json!(["silent", "Silencieuse"])
    );
    assert_eq!(
        glance(&client, NANTES_1.0).await,
        json!(["ok", "En service"])
    );

    // A help call from kiosk 1 shows within 5 s, announced politely, without a reload.
    let raised = Instant::now();
    let call = kiosk_1.raise(Some(3)).await;
    assert_eq!(call.status, 201);
    let call_id = call.body["id"].as_str().unwrap().to_owned();
    wait_for(
        &client,
        "the help call on screen",
        Duration::from_secs(5),
        &format!("return !!document.querySelector('[data-call-id=\"{call_id}\"]');"),
        |v| v == true,
    )
    .await;
    let shown_after = raised.elapsed();
    assert!(shown_after <= Duration::from_secs(5), "{shown_after:?}");
    eprintln!(
        "help call shown {} ms after the kiosk's request",
        shown_after.as_millis()
    );
    assert_eq!(
        client
            .execute("return window.__sameDocument === true;", vec![])
            .await
            .unwrap(),
        true,
        "the page was not reloaded"
    );
    let announced = client
        .find(Locator::Id("live-status"))
        .await
        .unwrap()
        .html(true)
        .await
        .unwrap();
    assert_eq!(announced, "Nouvel appel à l'aide : borne agence-44-01.");
    let row = client
        .find(Locator::Css(&format!("[data-call-id=\"{call_id}\"]")))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(row.contains("3 · Identité"), "{row}");
    audit.extend(axe(&client, "dashboard-help-call").await);
    pages.push(client.source().await.unwrap());

    // « Clore »: the kiosk's own GET shows it closed by an agent.
    let close = client
        .find(Locator::Id(&format!("close-{call_id}")))
        .await
        .unwrap();
    assert!(close.text().await.unwrap().starts_with("Clore"));
    close.click().await.unwrap();
    wait_for(
        &client,
        "the notice",
        Duration::from_secs(5),
        "const n = document.querySelector('.notice'); return n && n.textContent;",
        |v| v == "L'appel à l'aide est clos.",
    )
    .await;
    assert!(client
        .find_all(Locator::Css(&format!("[data-call-id=\"{call_id}\"]")))
        .await
        .unwrap()
        .is_empty());
    let seen = kiosk_1.help(&call_id).await;
    assert_eq!(seen.body["state"], "closed");
    assert_eq!(seen.body["closedBy"], "agent");
    audit.extend(axe(&client, "dashboard-after-close").await);
    pages.push(client.source().await.unwrap());

    // The kiosk's page and its history.
    client
        .find(Locator::Css(&format!(
            "[data-kiosk-row=\"{}\"] a",
            NANTES_1.0
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(
        &client,
        "the kiosk page",
        Duration::from_secs(5),
        "return document.querySelector('h1').textContent",
        |v| v == "Borne agence-44-01",
    )
    .await;
    let history = client
        .find(Locator::Css("table.history"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for line in [
        "Premier signal (version 0.1.0)",
        "Appel à l'aide, étape 3 · Identité",
        "Appel à l'aide clos par un agent",
    ] {
        assert!(history.contains(line), "{line} in {history}");
    }
    audit.extend(axe(&client, "kiosk").await);
    pages.push(client.source().await.unwrap());
    client
        .goto(&format!("{base}/console/kiosks/{}", NANTES_2.0))
        .await
        .unwrap();
    audit.extend(axe(&client, "kiosk-silent").await);
    pages.push(client.source().await.unwrap());

    // Signed out, nothing: the pages send back to the login page, the tables answer 401.
    sign_out(&client).await;
    client
        .goto(&format!("{base}/console/kiosks/{}", NANTES_1.0))
        .await
        .unwrap();
    assert_eq!(path(&client).await, "/console/login");
    let status = client
        .execute_async(
            "const done = arguments[0]; fetch('/console/live').then(r => done(r.status));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(status, 401);

    // A staff member of Angers sees neither kiosk nor the calls of Nantes.
    let call_2 = kiosk_1.raise(Some(4)).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    sign_in(&client, &base, AGENT_ANGERS, PASSWORD).await;
    wait_for(
        &client,
        "Angers's dashboard",
        Duration::from_secs(5),
        "return document.querySelector('h1') && document.querySelector('h1').textContent",
        |v| v == "Bornes de l'agence Angers",
    )
    .await;
    // Two refreshes of the live tables later, still nothing of Nantes.
    let source = client.source().await.unwrap();
    for other in [NANTES_1.0, NANTES_2.0, call_2.as_str()] {
        assert!(!source.contains(other), "Angers sees {other}");
    }
    wait_for(
        &client,
        "a live refresh",
        Duration::from_secs(6),
        "return document.querySelector('.updated time').getAttribute('datetime')",
        {
            let before = source.clone();
            move |v| {
                v.as_str()
                    .is_some_and(|dt| !before.contains(&format!("datetime=\"{dt}\"")))
            }
        },
    )
    .await;
    let source = client.source().await.unwrap();
    for other in [NANTES_1.0, NANTES_2.0, call_2.as_str()] {
        assert!(
            !source.contains(other),
            "Angers sees {other} after a refresh"
        );
    }
    audit.extend(axe(&client, "dashboard-other-agency").await);
    pages.push(source);
    client
        .goto(&format!("{base}/console/kiosks/{}", NANTES_1.0))
        .await
        .unwrap();
    assert!(client.source().await.unwrap().contains("Page introuvable."));
    client.goto(&format!("{base}/console/")).await.unwrap();
    sign_out(&client).await;

    // Five wrong passwords lock the account; the right one then does not open it.
    for i in 1..=5 {
        sign_in(&client, &base, AGENT_NANTES, "still not the password").await;
        let expected = if i < 5 {
            "Identifiant ou mot de passe incorrect."
        } else {
            "Compte bloqué"
        };
        wait_for(
            &client,
            &format!("refusal {i}"),
            Duration::from_secs(5),
            "const e = document.getElementById('login-error'); return e && e.textContent;",
            |v| v.as_str().is_some_and(|t| t.starts_with(expected)),
        )
        .await;
    }
    audit.extend(axe(&client, "login-locked").await);
    sign_in(&client, &base, AGENT_NANTES, PASSWORD).await;
    wait_for(
        &client,
        "still locked",
        Duration::from_secs(5),
        "const e = document.getElementById('login-error'); return e && e.textContent;",
        |v| v.as_str().is_some_and(|t| t.starts_with("Compte bloqué")),
    )
    .await;
    assert_eq!(path(&client).await, "/console/login");
    pages.push(client.source().await.unwrap());

    beat_1.abort();
    let _ = beat_1.await;
    let _ = client.close().await;

    // The canary appears nowhere: not in the heartbeats sent, the pages shown, or the tables
    // of the console — and it is where it should be (the search can find it).
    let pool = h.server().state.db.pool();
    let tables = table_text(
        pool,
        &[
            "kiosk_heartbeats",
            "kiosk_incidents",
            "help_calls",
            "staff",
            "staff_sessions",
            "agencies",
            "kiosk_agencies",
        ],
    )
    .await;
    assert!(
        tables.contains("code=helpCall"),
        "the dump reads the tables"
    );
    let heartbeats_sent = serde_json::to_string(&*sent.lock().unwrap()).unwrap();
    assert!(heartbeats_sent.contains("\"version\""));
    let nir15 = canary.nir15();
    let grouped = format!(
        "{} {} {} {} {} {}",
        &nir15[0..1],
        &nir15[1..3],
        &nir15[3..5],
        &nir15[5..7],
        &nir15[7..10],
        &nir15[10..13]
    );
    let birth = canary.birth_date;
    let email = canary.email.clone().unwrap();
    let serial = canary.vitale.as_ref().unwrap().serial.clone();
    let canaries = [
        nir15[..13].to_owned(),
        nir15.clone(),
        grouped,
        canary.last_name.clone(),
        canary.last_name.to_uppercase(),
        canary.first_name.clone(),
        email,
        enrol_core::date::iso(birth),
        format!("{:02}/{:02}/{}", birth.day(), birth.month(), birth.year()),
        serial,
    ];
    let received = table_text(pool, &["enrolments"]).await;
    assert!(
        received.contains(&canaries[0]) && received.contains(&canaries[3]),
        "the canary was enrolled"
    );
    for c in &canaries {
        assert!(
            !tables.contains(c.as_str()),
            "canary {c:?} in the console's tables"
        );
        assert!(
            !heartbeats_sent.contains(c.as_str()),
            "canary {c:?} in a heartbeat body"
        );
        for (i, page) in pages.iter().enumerate() {
            assert!(
                !page.contains(c.as_str()),
                "canary {c:?} in console page #{i}"
            );
        }
    }

    console_instance.stop().await.unwrap();
    h.finish().await;
    assert!(
        audit.is_empty(),
        "{} axe problem(s) (reports in target/console-artifacts/axe/):\n{}",
        audit.len(),
        audit.join("\n")
    );
}
