//! « Besoin d'aide ? » and the heartbeat in the real app against the reference backend (issues
//! 15 and 17): the touch raises a help call the backend holds within 5 s; the idle clock is held
//! far past its deadline with the answers kept; an agent signed in to the agency console in
//! Chromium sees the call within 5 s of the touch, closes it, and the kiosk's dialog closes by
//! itself; without the backend, the dialog says to go to the reception desk and the
//! agency's hook runs; every heartbeat body on the wire holds nothing of an enrolled canary.

use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fantoccini::Locator;
use msa_test_support::{free_port, run_with_stdin, target_dir, Backend, Guarded, KIOSK_TOKEN};
use serde_json::Value;
use sqlx::Row;

use crate::a11y::Audit;
use crate::harness::{e2e, provision_token, Kiosk, Launch};
use crate::persons::{canary, jean};
use crate::steps::{
    accept_and_submit, click, expect_step, fill_identity, go_to_step, i18n, next, type_into,
    value_of, Input, FR,
};

/// The shortest idle clock the configuration accepts: 5 s, then 20 s to answer.
const IDLE: Duration = Duration::from_secs(5);
const WARNING: Duration = Duration::from_secs(20);
const SHORT_IDLE: &str = "[idle]\nidle_seconds = 5\nwarning_seconds = 20\n";
const AGENT: &str = "agent.nantes";
const AGENT_PASSWORD: &str = "e2e-console-password";

/// Runs `msa-backend <args>` against the test backend's database, with `stdin` as input.
fn backend_cli(kiosk: &Kiosk, args: &[&str], stdin: &str) {
    let db = format!(
        "sqlite://{}",
        kiosk.home.path().join("msa-backend/backend.db").display()
    );
    run_with_stdin(
        Command::new(target_dir().join("msa-backend"))
            .args(args)
            .args(["--database", &db])
            .env("MSA_BACKEND_ARGON2", "test"),
        stdin,
    );
}

/// The agency of Nantes with the test kiosk in it, and one agent of it.
fn console_with_an_agent(kiosk: &Kiosk) {
    backend_cli(
        kiosk,
        &[
            "agency",
            "add",
            "--id",
            "nantes",
            "--caisse",
            "msa-44-85",
            "--name",
            "Nantes",
        ],
        "",
    );
    backend_cli(
        kiosk,
        &["add-kiosk", "--id", "e2e-kiosk", "--agency", "nantes"],
        &format!("{KIOSK_TOKEN}\n"),
    );
    backend_cli(
        kiosk,
        &["staff", "add", "--login", AGENT, "--agency", "nantes"],
        &format!("{AGENT_PASSWORD}\n"),
    );
}

/// The backend's help calls: `(id, step, closed_by)`, oldest first.
async fn help_calls(kiosk: &Kiosk) -> Vec<(String, Option<i64>, Option<String>)> {
    let path = kiosk.home.path().join("msa-backend/backend.db");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", path.display()))
        .await
        .unwrap();
    let rows = sqlx::query(
        "SELECT id, step, closed_by FROM help_calls WHERE kiosk_id = 'e2e-kiosk' ORDER BY opened_at",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    rows.iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect()
}

/// Waits (at most `timeout`) until the backend holds `n` help calls, the last one matching
/// `closed_by`; returns it.
async fn wait_for_call(
    kiosk: &Kiosk,
    n: usize,
    closed_by: Option<&str>,
    timeout: Duration,
) -> (String, Option<i64>, Option<String>) {
    msa_test_support::wait::until(
        &format!("help call {n} closed by {closed_by:?} at the backend"),
        timeout,
        Duration::from_millis(100),
        || async {
            let calls = help_calls(kiosk).await;
            match calls.last() {
                Some(last) if calls.len() == n && last.2.as_deref() == closed_by => {
                    Ok(last.clone())
                }
                _ => Err(calls),
            }
        },
    )
    .await
}

/// Touches « Besoin d'aide ? ». The header is not sticky: a person on a long step scrolls
/// back up to it first (WebKit's WebDriver does not scroll to it by itself).
async fn touch_help(kiosk: &Kiosk) {
    // The header never scrolls away (issue 15): touched where it is.
    click(kiosk, "button", &i18n("fr", "toolbar.help")).await;
}

/// What the help dialog shows: `null` when closed, else its title.
const HELP_TITLE: &str = "const d = document.getElementById('help-dialog'); \
     return d.open ? d.querySelector('[data-help-title]').textContent : null;";

/// The agency console in Debian's Chromium, driven by chromedriver (WebDriver), as the
/// console's own browser test does (crates/msa-backend/tests/console_browser.rs).
struct Console {
    client: fantoccini::Client,
    _driver: Guarded,
    _profile: tempfile::TempDir,
}

impl Console {
    async fn open() -> Console {
        let profile = tempfile::tempdir().unwrap();
        let port = free_port();
        let driver = Guarded::spawn(
            Command::new(std::env::var("CHROMEDRIVER").unwrap_or("/usr/bin/chromedriver".into()))
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
            "chromedriver",
        );
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": std::env::var("CHROMIUM_PATH").unwrap_or("/usr/bin/chromium".into()),
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1280,900", "--lang=fr-FR", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         format!("--user-data-dir={}", profile.path().join("chromium").display())],
            }),
        );
        let client = msa_test_support::wait::until(
            "a WebDriver session of chromedriver",
            Duration::from_secs(20),
            Duration::from_millis(100),
            || {
                let caps = caps.clone();
                async move {
                    fantoccini::ClientBuilder::new(
                        hyper_util::client::legacy::connect::HttpConnector::new(),
                    )
                    .capabilities(caps)
                    .connect(&format!("http://127.0.0.1:{port}"))
                    .await
                    .map_err(|e| e.to_string())
                }
            },
        )
        .await;
        Console {
            client,
            _driver: driver,
            _profile: profile,
        }
    }

    async fn sign_in(&self, base: &str, login: &str, password: &str) {
        let c = &self.client;
        c.goto(&format!("{base}console/login")).await.unwrap();
        c.find(Locator::Id("login"))
            .await
            .unwrap()
            .send_keys(login)
            .await
            .unwrap();
        c.find(Locator::Id("password"))
            .await
            .unwrap()
            .send_keys(password)
            .await
            .unwrap();
        c.find(Locator::Css("form.login button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    /// Waits for `script` to return something other than `null`/`false`.
    async fn wait_for(&self, what: &str, script: &str, timeout: Duration) -> Value {
        msa_test_support::wait::until(what, timeout, Duration::from_millis(100), || async {
            match self.client.execute(script, vec![]).await {
                Ok(v) if !v.is_null() && v != Value::Bool(false) => Ok(v),
                other => Err(format!("{other:?}")),
            }
        })
        .await
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn help_holds_the_session_until_an_agent_closes_the_call_from_the_console() {
    e2e(
        "help-agent",
        Launch::kiosk().with_backend().with_toml(SHORT_IDLE),
        |kiosk| async move {
            console_with_an_agent(&kiosk);
            let person = jean();
            go_to_step(&kiosk, &FR, &person, 3, Input::Touch).await;
            type_into(&kiosk, FR.last_name, person.last_name).await;
            type_into(&kiosk, FR.first_name, person.first_name).await;

            // An agent of the agency is signed in to the console.
            let base = kiosk.backend.as_ref().unwrap().url.clone();
            let console = Console::open().await;
            console.sign_in(&base, AGENT, AGENT_PASSWORD).await;
            console
                .wait_for(
                    "the dashboard with the kiosk",
                    "return document.querySelector('[data-kiosk-row=\"e2e-kiosk\"]') !== null;",
                    Duration::from_secs(10),
                )
                .await;

            // The touch: the backend holds the call within 5 s, with the step number.
            let touched = Instant::now();
            touch_help(&kiosk).await;
            let (id, step, _) = wait_for_call(&kiosk, 1, None, Duration::from_secs(5)).await;
            eprintln!(
                "help call at the backend {} ms after the touch",
                touched.elapsed().as_millis()
            );
            assert_eq!(step, Some(3));
            // …and the agent's page shows it, without a reload, within 5 s of the touch.
            console
                .wait_for(
                    "the call on the console",
                    &format!("return document.querySelector('[data-call-id=\"{id}\"]') !== null;"),
                    Duration::from_secs(5).saturating_sub(touched.elapsed()),
                )
                .await;
            eprintln!(
                "help call on the agent's console {} ms after the touch",
                touched.elapsed().as_millis()
            );
            kiosk
                .by_role_within("dialog", &i18n("fr", "help.coming"), Duration::from_secs(5))
                .await;

            // The idle clock would have ended the session 25 s after the last touch; watch the
            // page and the backend until 10 s past that deadline: the call stays open, no
            // « Êtes-vous toujours là ? », the answers stay.
            let deadline = touched + IDLE + WARNING + Duration::from_secs(10);
            let mut looks = 0;
            while Instant::now() < deadline {
                let page = kiosk
                    .client
                    .execute(
                        &format!(
                            "return {{help: (() => {{ {HELP_TITLE} }})(), \
                             idle: document.getElementById('idle-dialog').open, \
                             values: [...document.querySelectorAll('#step-root input')].map(i => i.value)}};"
                        ),
                        vec![],
                    )
                    .await
                    .unwrap_or_else(|e| {
                        let log = kiosk.log();
                        let tail: Vec<&str> = log.lines().rev().take(30).collect();
                        panic!("the page did not answer: {e}; the app's log ends:\n{}", tail.join("\n"))
                    });
                assert_eq!(page["help"], Value::from(i18n("fr", "help.coming")), "{page}");
                assert!(
                    page["values"]
                        .as_array()
                        .is_some_and(|v| v.contains(&Value::from(person.last_name))),
                    "the answers are kept: {page}"
                );
                assert_eq!(page["idle"], Value::Bool(false), "the idle dialog opened: {page}");
                let calls = help_calls(&kiosk).await;
                assert!(
                    calls.len() == 1 && calls[0].2.is_none(),
                    "the call is still open: {calls:?}"
                );
                looks += 1;
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            assert!(looks > 10, "the page was looked at {looks} times");

            // The agent closes the call from the console (« Clore »): the kiosk's dialog
            // closes by itself.
            console
                .client
                .find(Locator::Id(&format!("close-{id}")))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            let closed = Instant::now();
            wait_for_call(&kiosk, 1, Some("agent"), Duration::from_secs(2)).await;
            kiosk
                .wait_for(
                    "the help dialog to close by itself",
                    &format!("return (() => {{ {HELP_TITLE} }})() === null;"),
                    Duration::from_secs(5),
                )
                .await;
            eprintln!(
                "the kiosk's dialog closed {} ms after the agent's « Clore »",
                closed.elapsed().as_millis()
            );
            let announced = i18n("fr", "help.closedByAgent");
            let live = kiosk
                .wait_for(
                    "the announcement",
                    &format!(
                        "const t = document.getElementById('live').textContent; return t.includes({}) ? t : null;",
                        serde_json::json!(announced)
                    ),
                    Duration::from_secs(5),
                )
                .await;
            assert_eq!(live, Value::from(announced));

            // The answers are kept and Rust's session is alive: the step goes on.
            assert_eq!(value_of(&kiosk, FR.last_name).await, person.last_name);
            assert_eq!(value_of(&kiosk, FR.first_name).await, person.first_name);
            fill_identity(&kiosk, &FR, &person).await;
            next(&kiosk, &FR).await;
            expect_step(&kiosk, &FR, 4).await;
            // And the idle clock runs again.
            kiosk
                .by_role_within("dialog", "Êtes-vous toujours là ?", IDLE + Duration::from_secs(10))
                .await;
            assert_eq!(help_calls(&kiosk).await.len(), 1, "one call, never two");
            let _ = console.client.close().await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn without_the_backend_the_dialog_says_go_to_the_desk_and_the_hook_runs() {
    // The backend's port, with nothing listening on it until the test starts the backend.
    let port = free_port();
    let msa = tempfile::tempdir().unwrap();
    let hook_out = msa.path().join("hook.out");
    provision_token();
    let config = format!(
        "[backend]\nurl = \"http://127.0.0.1:{port}/\"\n\
         [help]\nhook = [\"/bin/sh\", \"-c\", \"echo \\\"$MSA_KIOSK_ID $MSA_HELP_STEP\\\" > {}; exit 1\"]\n",
        hook_out.display()
    );
    e2e(
        "help-unreached",
        Launch::kiosk().with_toml(&config),
        |kiosk| async move {
            let mut audit = Audit::default();
            click(&kiosk, "button", FR.start).await;
            expect_step(&kiosk, &FR, 2).await;
            type_into(&kiosk, FR.nir, jean().nir).await;

            touch_help(&kiosk).await;
            let dialog = kiosk
                .by_role_within("dialog", &i18n("fr", "help.desk"), Duration::from_secs(10))
                .await;
            let text = dialog.text().await.unwrap();
            assert!(text.contains(&i18n("fr", "help.unreached")), "{text}");
            // The agency's hook was run, with the kiosk and the step; it refused (exit 1).
            assert_eq!(
                std::fs::read_to_string(&hook_out).unwrap().trim(),
                "e2e-kiosk 2"
            );
            audit.check(&kiosk, "help-unreached").await;

            // The backend comes up: the POST, retried every 3 s, gets through and the dialog
            // says so.
            let dir = msa.path().to_path_buf();
            let backend = tokio::task::spawn_blocking(move || Backend::start_on(&dir, port))
                .await
                .unwrap();
            let db = msa.path().join("backend.db");
            let calls = |closed_by: Option<&'static str>| {
                let db = db.clone();
                async move {
                    let pool =
                        sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", db.display()))
                            .await
                            .map_err(|e| e.to_string())?;
                    let rows: Vec<(Option<i64>, Option<String>)> =
                        sqlx::query_as("SELECT step, closed_by FROM help_calls")
                            .fetch_all(&pool)
                            .await
                            .map_err(|e| e.to_string())?;
                    pool.close().await;
                    match rows.as_slice() {
                        [(Some(2), by)] if by.as_deref() == closed_by => Ok(()),
                        other => Err(format!("{other:?}")),
                    }
                }
            };
            msa_test_support::wait::until(
                "the call at the backend",
                Duration::from_secs(10),
                Duration::from_millis(200),
                || calls(None),
            )
            .await;
            kiosk
                .by_role_within("dialog", &i18n("fr", "help.coming"), Duration::from_secs(5))
                .await;
            audit.check(&kiosk, "help-open").await;

            // The person closes it: closed « by the kiosk » at the backend, the NIR still there.
            click(&kiosk, "button", &i18n("fr", "help.done")).await;
            msa_test_support::wait::until(
                "the call closed by the kiosk",
                Duration::from_secs(5),
                Duration::from_millis(200),
                || calls(Some("kiosk")),
            )
            .await;
            assert_eq!(
                value_of(&kiosk, FR.nir).await.replace(' ', ""),
                jean().nir.replace(' ', "")
            );
            next(&kiosk, &FR).await;
            expect_step(&kiosk, &FR, 3).await;
            audit.assert_clean("on the help dialog's states");
            drop(backend);
        },
    )
    .await;
}

/// A loopback TCP relay to the backend that keeps a copy of every byte the kiosk sends.
async fn recording_relay(to: &str) -> (String, Arc<Mutex<Vec<u8>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let upstream = to
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut kiosk_side, _)) = listener.accept().await {
            let upstream = upstream.clone();
            let record = record.clone();
            tokio::spawn(async move {
                let Ok(mut backend_side) = tokio::net::TcpStream::connect(&upstream).await else {
                    return;
                };
                let (mut kr, mut kw) = kiosk_side.split();
                let (mut br, mut bw) = backend_side.split();
                let up = async {
                    let mut buf = [0u8; 8192];
                    loop {
                        use tokio::io::{AsyncReadExt, AsyncWriteExt};
                        let n = match kr.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => n,
                        };
                        record.lock().unwrap().extend_from_slice(&buf[..n]);
                        if bw.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                    let _ = tokio::io::AsyncWriteExt::shutdown(&mut bw).await;
                };
                let down = tokio::io::copy(&mut br, &mut kw);
                let _ = tokio::join!(up, down);
            });
        }
    });
    (url, seen)
}

/// The bodies of the heartbeats in what the kiosk sent (HTTP/1.1, `Content-Length` bodies).
fn heartbeat_bodies(sent: &[u8]) -> Vec<Value> {
    let text = String::from_utf8_lossy(sent);
    let mut bodies = Vec::new();
    for request in text.split("PUT /v1/kiosks/").skip(1) {
        if !request.starts_with("e2e-kiosk/heartbeat ") {
            continue;
        }
        let Some((head, rest)) = request.split_once("\r\n\r\n") else {
            continue;
        };
        let length: usize = head
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("content-length:")
                    .map(|v| v.trim().parse().unwrap())
            })
            .expect("a content-length");
        bodies.push(serde_json::from_str(&rest[..length]).expect("a JSON heartbeat"));
    }
    bodies
}

#[tokio::test(flavor = "multi_thread")]
async fn a_canary_enrolled_on_the_kiosk_is_in_no_heartbeat() {
    let home = tempfile::tempdir().unwrap();
    let backend = Backend::start(home.path());
    let (relay, sent) = recording_relay(&backend.url).await;
    provision_token();
    let config = format!(
        "[backend]\nurl = \"{relay}\"\nsubmit_wait_seconds = 5\n[heartbeat]\ninterval_seconds = 10\n"
    );
    let db = home.path().join("backend.db");
    e2e(
        "help-heartbeat-canary",
        Launch::kiosk().with_toml(&config),
        |kiosk| async move {
            let person = canary();
            go_to_step(&kiosk, &FR, &person, 6, Input::Touch).await;
            accept_and_submit(&kiosk, &FR).await;
            expect_step(&kiosk, &FR, 7).await;
            // The heartbeats follow the steps (2 to 7) and the queue; wait for the one of step 7.
            let bodies = msa_test_support::wait::until(
                "a heartbeat of step 7",
                Duration::from_secs(15),
                Duration::from_millis(200),
                || async {
                    let bodies = heartbeat_bodies(&sent.lock().unwrap());
                    if bodies.iter().any(|b| b["step"] == 7) {
                        Ok(bodies)
                    } else {
                        Err(bodies.len())
                    }
                },
            )
            .await;
            // The beat looks once a second, and steps 2 to 6 go by faster than that here: the
            // welcome screen first, step 7 last (waited for above), and the enrolment's steps seen
            // at least once between them.
            let mut steps: Vec<i64> = bodies.iter().filter_map(|b| b["step"].as_i64()).collect();
            steps.dedup();
            assert_eq!(steps.first(), Some(&1), "{steps:?}");
            assert_eq!(steps.last(), Some(&7), "{steps:?}");
            assert!(
                steps.iter().any(|s| (2..=6).contains(s)),
                "heartbeats followed the steps: {steps:?}"
            );
            // The backend took them (its schema is closed: a body outside it is refused).
            let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", db.display()))
                .await
                .unwrap();
            let recorded: Option<i64> = sqlx::query_scalar(
                "SELECT step FROM kiosk_heartbeats WHERE kiosk_id = 'e2e-kiosk'",
            )
            .fetch_one(&pool)
            .await
            .unwrap();
            pool.close().await;
            assert_eq!(recorded, Some(7));
            let all_sent = String::from_utf8_lossy(&sent.lock().unwrap()).into_owned();
            assert!(
                all_sent.contains(person.last_name),
                "the relay saw the enrolment itself"
            );
            let beats = serde_json::to_string(&bodies).unwrap();
            for value in crate::persons::CANARY_VALUES {
                assert!(!beats.contains(value), "{value:?} in a heartbeat: {beats}");
            }
            eprintln!(
                "{} heartbeats (steps {steps:?}), none with the canary",
                bodies.len()
            );
            drop(backend);
        },
    )
    .await;
}
