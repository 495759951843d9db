//! End-to-end harness: the real app in the real WebKitGTK webview, driven through WebDriver
//! (tauri-driver → WebKitWebDriver), the way a person uses it: by what the screen says, by
//! roles, labels and accessible names.
//!
//! Every test gets its own virtual display if there is none, its own tauri-driver, its own HOME
//! and data folder, and leaves no process behind (process groups are ended on drop, even when the
//! test fails). A failing test saves a screenshot under `target/e2e-artifacts/`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use fantoccini::elements::{Element, ElementRef};
use fantoccini::{Client, ClientBuilder};
use msa_test_support::{free_port, run_with_stdin, wait, Backend, Guarded, KIOSK_TOKEN};
use serde_json::{json, Value};

pub const APP: &str = env!("CARGO_BIN_EXE_msa-kiosk");

/// How often a wait on the page asks again (each question is one WebDriver round trip).
pub const POLL: Duration = Duration::from_millis(50);

/// The app under test: this build's binary, or another one (a release build, for the
/// benchmarks) named by `MSA_KIOSK_E2E_APP`.
pub fn app() -> String {
    std::env::var("MSA_KIOSK_E2E_APP").unwrap_or_else(|_| APP.to_owned())
}

/// The display to use: `DISPLAY` when set (and `fresh` is false), else a fresh Xvfb.
pub fn display(fresh: bool) -> (Option<Guarded>, String) {
    if let Some(display) = std::env::var("DISPLAY")
        .ok()
        .filter(|d| !d.is_empty() && !fresh)
    {
        return (None, display);
    }
    // One display per test, its number chosen by the X server itself (`-displayfd`: it takes a
    // free one and writes it out once it accepts connections). Picking a number by looking for
    // lock files raced with other test processes on a shared machine: two Xvfb on one number,
    // and openbox on the other's display (seen in the ten-run series).
    let (reader, writer) = std::io::pipe().expect("a pipe for Xvfb's display number");
    let xvfb = Guarded::spawn(
        Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(writer)
            .stderr(Stdio::null()),
        "Xvfb",
    );
    // The Command (our copy of the pipe's writing end) is gone: EOF if Xvfb dies first.
    let mut number = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(reader), &mut number)
        .expect("Xvfb's display number");
    let number: u32 = number
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("Xvfb did not start (display number {number:?})"));
    let display = format!(":{number}");
    (Some(xvfb), display)
}

/// How one test wants the app started.
#[derive(Clone, Debug, Default)]
pub struct Launch {
    /// The configuration file's top-level keys and tables (the `[backend]` table is added).
    pub toml: String,
    /// Start a reference backend for this test and point the kiosk at it.
    pub backend: bool,
    /// Variables for the app's environment, on top of its own folders (`CUPS_SERVER`…).
    pub env: Vec<(String, String)>,
    /// Another binary than [`app`] (the bare window of the footprint benchmark).
    pub app: Option<String>,
    /// A display of the test's own with a window manager (openbox) on it, started before the app.
    pub window_manager: bool,
    /// How long « Valider » waits for the backend's answer (`backend.submit_wait_seconds`);
    /// `None`: 20 s (see `Kiosk::start`).
    pub submit_wait_seconds: Option<u64>,
}

impl Launch {
    pub fn kiosk() -> Launch {
        Launch {
            toml: "mode = \"kiosk\"\nkiosk_id = \"e2e-kiosk\"\nagency_department = \"44\"\n".into(),
            ..Launch::default()
        }
    }

    pub fn tablet() -> Launch {
        Launch {
            toml: "mode = \"tablet\"\nkiosk_id = \"e2e-tablet\"\nagency_department = \"44\"\n[tablet]\nfullscreen = false\n".into(),
            ..Launch::default()
        }
    }

    pub fn with_backend(mut self) -> Launch {
        self.backend = true;
        self
    }

    /// Adds a variable to the app's environment.
    pub fn with_env(mut self, key: &str, value: &str) -> Launch {
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    /// Starts `binary` instead of [`app`], with the same driver, folders and arguments.
    pub fn with_app(mut self, binary: &str) -> Launch {
        self.app = Some(binary.to_owned());
        self
    }

    /// « Valider » waits `seconds` for the backend's answer before showing « queued ».
    pub fn with_submit_wait(mut self, seconds: u64) -> Launch {
        self.submit_wait_seconds = Some(seconds);
        self
    }

    /// Runs the app on a display of its own under a real window manager (openbox).
    pub fn with_window_manager(mut self) -> Launch {
        self.window_manager = true;
        self
    }

    /// Adds TOML (a table such as `[idle]` and its keys).
    pub fn with_toml(mut self, toml: &str) -> Launch {
        self.toml.push('\n');
        self.toml.push_str(toml);
        self
    }
}

/// Stores the test kiosk's backend token in the OS keyring, as an installer would.
pub fn provision_token() {
    run_with_stdin(Command::new(app()).arg("provision-token"), KIOSK_TOKEN);
}

/// One running app under WebDriver.
pub struct Kiosk {
    pub client: Client,
    pub name: String,
    pub display_name: String,
    app_args: Vec<String>,
    env: Vec<(String, String)>,
    /// The binary WebDriver started.
    binary: String,
    /// When the WebDriver session (and so the app) was asked for: the start of a start-up time.
    pub session_requested: std::time::Instant,
    // Dropped in this order: the driver (and the app), the backend, the display, the folder.
    _driver: Guarded,
    pub backend: Option<Backend>,
    _window_manager: Option<Guarded>,
    _display: Option<Guarded>,
    pub home: tempfile::TempDir,
}

impl Kiosk {
    pub async fn start(name: &str, launch: Launch) -> Kiosk {
        let (xvfb, display) = display(launch.window_manager);
        let window_manager = launch
            .window_manager
            .then(|| start_window_manager(&display));
        let home = tempfile::Builder::new()
            .prefix("kiosk-e2e-")
            .tempdir()
            .unwrap();
        let data_dir = home.path().join("data");
        let backend = launch.backend.then(|| {
            provision_token();
            // The MSA's side, apart from the kiosk's folders (the privacy scans skip it).
            let dir = home.path().join("msa-backend");
            std::fs::create_dir_all(&dir).unwrap();
            Backend::start(&dir)
        });
        let mut config = launch.toml.clone();
        if let Some(backend) = &backend {
            // The tests read the backend's answer on the confirmation screen. 5 s was too short
            // on a loaded machine (load 27: the debug backend answered late, the screen said
            // « queued », and a test found nothing at the backend yet). A test of the « queued »
            // screen (the backend down: only retryable answers) sets a short wait of its own.
            config.push_str(&format!(
                "\n[backend]\nurl = \"{}\"\nsubmit_wait_seconds = {}\n",
                backend.url,
                launch.submit_wait_seconds.unwrap_or(20)
            ));
        }
        let config_path = home.path().join("kiosk.toml");
        std::fs::write(&config_path, &config).unwrap();
        let app_args = vec!["--config".to_owned(), config_path.display().to_string()];

        let env = launch.env;
        let binary = launch.app.unwrap_or_else(app);
        let (client, driver, session_requested) =
            start_driver_retrying(&home, &display, &data_dir, &binary, &app_args, &env).await;
        Kiosk {
            client,
            name: name.to_owned(),
            display_name: display,
            app_args,
            env,
            binary,
            session_requested,
            _driver: driver,
            backend,
            _window_manager: window_manager,
            _display: xvfb,
            home,
        }
    }

    /// The app's process id (its command line names this test's configuration file).
    pub fn app_pid(&self) -> Option<u32> {
        let out = Command::new("pgrep")
            .args([
                "-f",
                &format!("{} --config {}", self.binary, self.app_args[1]),
            ])
            .output()
            .ok()?;
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()?
            .trim()
            .parse()
            .ok()
    }

    /// Kills the app with SIGKILL, as a power cut or a crash would, then starts it again on the
    /// same data folder, HOME and backend, with a new WebDriver session.
    pub async fn kill_and_restart(self) -> Kiosk {
        let pid = self.app_pid().expect("the app is running");
        Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .unwrap();
        let Kiosk {
            client,
            name,
            display_name,
            app_args,
            env,
            binary,
            session_requested: _,
            _driver,
            backend,
            _window_manager,
            _display,
            home,
        } = self;
        drop(client);
        drop(_driver);
        let data_dir = home.path().join("data");
        let (client, driver, session_requested) =
            start_driver_retrying(&home, &display_name, &data_dir, &binary, &app_args, &env).await;
        Kiosk {
            client,
            name,
            display_name,
            app_args,
            env,
            binary,
            session_requested,
            _driver: driver,
            backend,
            _window_manager,
            _display,
            home,
        }
    }

    /// A kiosk whose WebDriver session another harness opened (tests/deploy.rs: the installed
    /// app inside cage); the driver is ended when the kiosk is dropped.
    #[allow(dead_code)] // tests/deploy.rs only
    pub fn attached(
        name: &str,
        client: Client,
        driver: Guarded,
        backend: Option<Backend>,
        home: tempfile::TempDir,
    ) -> Kiosk {
        Kiosk {
            client,
            name: name.to_owned(),
            display_name: String::new(),
            app_args: Vec::new(),
            env: Vec::new(),
            binary: String::new(),
            session_requested: std::time::Instant::now(),
            _driver: driver,
            backend,
            _window_manager: None,
            _display: None,
            home,
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.home.path().join("data")
    }

    /// Runs a JS function body with `arguments` and returns its value.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Waits until the script returns something truthy; panics with `what` after `timeout`.
    pub async fn wait_for(&self, what: &str, script: &str, timeout: Duration) -> Value {
        wait::until(what, timeout, POLL, || async move {
            let value = self
                .client
                .execute(script, vec![])
                .await
                .unwrap_or(Value::Null);
            if truthy(&value) {
                Ok(value)
            } else {
                Err(value)
            }
        })
        .await
    }

    /// Returns once the page has rendered `n` more frames (`requestAnimationFrame`): what is on
    /// screen has been laid out and painted since the call.
    pub async fn render_frames(&self, n: u32) {
        self.client
            .execute_async(
                "const [n, done] = arguments; let left = n; const next = () => (--left > 0 ? requestAnimationFrame(next) : done(true)); requestAnimationFrame(next);",
                vec![json!(n)],
            )
            .await
            .unwrap_or_else(|e| panic!("the page did not render {n} frames: {e}"));
    }

    /// The app's log so far (every file of `<data>/logs/`), as the IT team reads it.
    pub fn log(&self) -> String {
        let Ok(entries) = std::fs::read_dir(self.data_dir().join("logs")) else {
            return String::new();
        };
        let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        files.sort();
        files
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap_or_default())
            .collect()
    }

    /// The app's start-up phases from its log (`ops::startup`'s `start-up phase=… ms=…`):
    /// `(phase, ms since the app's run began)`, in the order logged.
    pub fn start_up_phases(&self) -> Vec<(String, f64)> {
        self.log()
            .lines()
            .filter(|line| line.contains("start-up"))
            .filter_map(|line| {
                let field = |key: &str| {
                    let rest = &line[line.find(&format!("{key}="))? + key.len() + 1..];
                    Some(rest.split_whitespace().next()?.trim_matches('"').to_owned())
                };
                Some((field("phase")?, field("ms")?.parse().ok()?))
            })
            .collect()
    }

    /// Waits until the app's log holds `line` at least `times` times (what the app did, in its
    /// own words: the observable end of something refused without a change on screen).
    pub async fn wait_for_log(&self, line: &str, times: usize) {
        wait::until(
            &format!("{times}× {line:?} in the app's log"),
            Duration::from_secs(10),
            POLL,
            || async move {
                let seen = self.log().matches(line).count();
                if seen >= times {
                    Ok(())
                } else {
                    Err(seen)
                }
            },
        )
        .await;
    }

    /// Loads axe-core into the page once; its accessible-name and role engine finds elements the
    /// way assistive technologies do.
    pub async fn ensure_axe(&self) {
        let present = self
            .js("return typeof window.axe === 'object';", vec![])
            .await;
        if present == Value::Bool(true) {
            return;
        }
        let source = std::fs::read_to_string(repo_root().join("node_modules/axe-core/axe.min.js"))
            .expect("node_modules/axe-core/axe.min.js: run `npm ci` (cargo xtask test does)");
        self.js(&format!("{source}\n;return true;"), vec![]).await;
    }

    /// The visible element with this ARIA role and accessible name (as a screen reader would
    /// announce it), waiting up to 5 s for it to appear.
    pub async fn by_role(&self, role: &str, name: &str) -> Element {
        self.by_role_within(role, name, Duration::from_secs(5))
            .await
    }

    /// `by_role`, waiting up to `timeout`.
    pub async fn by_role_within(&self, role: &str, name: &str, timeout: Duration) -> Element {
        self.ensure_axe().await;
        let script = &find_by_role();
        let found = wait::try_until(timeout, POLL, || async move {
            let found = self.js(script, vec![json!(role), json!(name)]).await;
            self.element_from(&found).ok_or(())
        })
        .await;
        if let Ok(element) = found {
            return element;
        }
        let seen = self.js(&list_roles(), vec![json!(role)]).await;
        panic!("no visible {role} named {name:?} after {timeout:?}; visible {role}s: {seen}");
    }

    /// The visible form field whose accessible name (its label) is `label`.
    pub async fn by_label(&self, label: &str) -> Element {
        self.ensure_axe().await;
        let script = &find_by_label();
        let found = wait::try_until(Duration::from_secs(5), POLL, || async move {
            let found = self.js(script, vec![json!(label)]).await;
            self.element_from(&found).ok_or(())
        })
        .await;
        if let Ok(element) = found {
            return element;
        }
        let seen = self.js(&list_fields(), vec![]).await;
        panic!("no visible field labelled {label:?}; fields: {seen}");
    }

    fn element_from(&self, value: &Value) -> Option<Element> {
        let id = value.get("element-6066-11e4-a52e-4f735466cecf")?.as_str()?;
        Some(Element::from_element_id(
            self.client.clone(),
            ElementRef::from(id.to_owned()),
        ))
    }

    /// The text of the page's main heading.
    pub async fn heading(&self) -> String {
        let value = self
            .wait_for("a visible h1", "const h = document.querySelector('h1:not([hidden])'); return h && h.offsetParent !== null ? h.textContent.replace(/\\s+/g, ' ').trim() : null;", Duration::from_secs(10))
            .await;
        value.as_str().unwrap_or_default().to_owned()
    }

    pub async fn screenshot(&self, label: &str) -> PathBuf {
        let dir = repo_root().join("target/e2e-artifacts");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{}-{label}.png", self.name));
        // WebKit's first snapshot can be a stale frame: the second one is current. A hidden
        // window (minimised) never paints: bounded, so a failing test still ends.
        let shots = async {
            let _ = self.client.screenshot().await;
            self.client.screenshot().await
        };
        match tokio::time::timeout(Duration::from_secs(15), shots).await {
            Ok(Ok(png)) => std::fs::write(&path, png).unwrap(),
            Ok(Err(e)) => eprintln!("no screenshot: {e}"),
            Err(_) => eprintln!("no screenshot: the webview did not paint within 15 s"),
        }
        path
    }

    /// Calls a Rust command through the page's IPC, as `ui/js/ipc.js` does.
    pub async fn invoke(&self, command: &str, args: Value) -> Result<Value, Value> {
        let out = self
            .js(
                "return window.__TAURI__.core.invoke(arguments[0], arguments[1]).then(v => ({ok: v}), e => ({err: e}));",
                vec![json!(command), args],
            )
            .await;
        match out.get("ok") {
            Some(value) => Ok(value.clone()),
            None => Err(out.get("err").cloned().unwrap_or(Value::Null)),
        }
    }

    pub async fn end(self) {
        let _ = self.client.clone().close().await;
    }
}

/// openbox on `display`, with its stock configuration; returns once it manages the screen
/// (the root window names its check window, EWMH `_NET_SUPPORTING_WM_CHECK`).
fn start_window_manager(display: &str) -> Guarded {
    let openbox = Guarded::spawn(
        Command::new("openbox")
            .env("DISPLAY", display)
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
        "openbox",
    );
    wait::blocking(
        &format!("openbox to manage {display}"),
        Duration::from_secs(10),
        Duration::from_millis(20),
        || {
            let out = Command::new("xprop")
                .args(["-display", display, "-root", "_NET_SUPPORTING_WM_CHECK"])
                .output()
                .map_err(|e| e.to_string())?;
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            if text.contains("window id") {
                Ok(())
            } else {
                Err(text)
            }
        },
    );
    openbox
}

/// Session creation through tauri-driver now and then fails on a busy machine (a port taken
/// by another process between probing and binding): try again with a fresh driver rather than
/// fail the test on the harness.
async fn start_driver_retrying(
    home: &tempfile::TempDir,
    display: &str,
    data_dir: &Path,
    binary: &str,
    app_args: &[String],
    env: &[(String, String)],
) -> (Client, Guarded, std::time::Instant) {
    let mut last_error = String::new();
    for attempt in 1..=3 {
        match start_driver(home, display, data_dir, binary, app_args, env).await {
            Ok(started) => return started,
            Err(error) => {
                // Said out loud, so that a retried start is seen in the test's output.
                eprintln!("harness: WebDriver session, attempt {attempt} of 3 failed: {error}");
                last_error = error;
            }
        }
    }
    panic!("cannot open a WebDriver session on the app: {last_error}")
}

async fn start_driver(
    home: &tempfile::TempDir,
    display: &str,
    data_dir: &Path,
    binary: &str,
    app_args: &[String],
    env: &[(String, String)],
) -> Result<(Client, Guarded, std::time::Instant), String> {
    let port = free_port();
    let native_port = free_port();
    let mut driver = Command::new(tauri_driver());
    driver
        .args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ])
        // The app inherits tauri-driver's environment: give it its own HOME and folders.
        .env("DISPLAY", display)
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join(".local/share"))
        .env("XDG_CACHE_HOME", home.path().join(".cache"))
        .env("XDG_CONFIG_HOME", home.path().join(".config"))
        .env("MSA_KIOSK_DATA_DIR", data_dir)
        .env("TMPDIR", home.path().join("tmp"))
        .stdout(Stdio::null())
        .stderr(Stdio::from(
            std::fs::File::create(home.path().join("driver.log")).unwrap(),
        ));
    std::fs::create_dir_all(home.path().join("tmp")).unwrap();
    driver.envs(env.iter().map(|(k, v)| (k, v)));
    let driver = Guarded::spawn(&mut driver, "tauri-driver");
    // tauri-driver listens at once, and starts WebKitWebDriver behind it; a session asked for
    // before WebKitWebDriver listens fails (tauri-driver drops the connection). Wait for both.
    for (listener, port) in [("tauri-driver", port), ("WebKitWebDriver", native_port)] {
        wait::until(
            &format!("{listener} to listen on {port}"),
            Duration::from_secs(20),
            Duration::from_millis(25),
            || async move { std::net::TcpStream::connect(("127.0.0.1", port)).map(drop) },
        )
        .await;
    }
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "tauri:options".into(),
        json!({ "application": binary, "args": app_args }),
    );
    let session_requested = std::time::Instant::now();
    // WebKitWebDriver waits for ever on an app that exited at start (a configuration it
    // refuses, exit 78): bound the wait, and say what the app printed (the driver's log).
    let mut builder = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
    builder.capabilities(capabilities);
    let url = format!("http://127.0.0.1:{port}");
    let log = || std::fs::read_to_string(home.path().join("driver.log")).unwrap_or_default();
    match tokio::time::timeout(Duration::from_secs(60), builder.connect(&url)).await {
        Ok(Ok(client)) => Ok((client, driver, session_requested)),
        Ok(Err(e)) => Err(format!("{e}\n{}", log())),
        Err(_) => Err(format!("no WebDriver session after 60 s\n{}", log())),
    }
}

/// One app at a time: they share the D-Bus session's keyring (whose session entries each app
/// sweeps at start) and two cores.
pub async fn one_at_a_time() -> tokio::sync::MutexGuard<'static, ()> {
    static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    ONE_AT_A_TIME.lock().await
}

/// Runs an end-to-end test body; on failure saves a screenshot of the app, then fails.
pub async fn e2e<F, Fut>(name: &str, launch: Launch, body: F)
where
    F: FnOnce(std::sync::Arc<Kiosk>) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let _turn = one_at_a_time().await;
    let kiosk = std::sync::Arc::new(Kiosk::start(name, launch).await);
    let outcome = tokio::spawn(body(kiosk.clone())).await;
    if let Err(error) = outcome {
        let shot = kiosk.screenshot("failure").await;
        eprintln!("screenshot of the failure: {}", shot.display());
        // A screenshot given up on stays queued in the WebDriver session: a close behind it
        // would wait for ever and hang the whole binary. The driver ends with the kiosk.
        let _ = tokio::time::timeout(Duration::from_secs(10), kiosk.client.clone().close()).await;
        std::panic::resume_unwind(error.into_panic());
    }
    let _ = kiosk.client.clone().close().await;
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn tauri_driver() -> PathBuf {
    if let Some(path) = std::env::var_os("TAURI_DRIVER") {
        return PathBuf::from(path);
    }
    let home_bin = Path::new(&std::env::var_os("CARGO_HOME").unwrap_or_else(|| {
        Path::new(&std::env::var_os("HOME").unwrap_or_default())
            .join(".cargo")
            .into_os_string()
    }))
    .join("bin/tauri-driver");
    if home_bin.exists() {
        home_bin
    } else {
        PathBuf::from("tauri-driver")
    }
}

fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::String(s) => !s.is_empty(),
        Value::Number(n) => n.as_f64() != Some(0.0),
        _ => true,
    }
}

/// Accessible name and role per axe-core (which follows accname 1.2 and ARIA in HTML).
const AXE_HELPERS: &str = r#"
const norm = s => (s || '').replace(/\s+/g, ' ').trim();
const visible = el => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length) && getComputedStyle(el).visibility !== 'hidden';
axe.setup(document);
try {
const nameOf = el => { const v = axe.utils.getNodeFromTree(el); return norm(v ? axe.commons.text.accessibleTextVirtual(v) : ''); };
const roleOf = el => axe.commons.aria.getRole(el);
const all = [...document.querySelectorAll('body *')].filter(visible);
"#;
const AXE_END: &str = "\n} finally { axe.teardown(); }";

fn axe_script(body: &str) -> String {
    format!("{AXE_HELPERS}{body}{AXE_END}")
}

const FIELD_ROLES: &str =
    "['textbox','combobox','checkbox','radio','spinbutton','listbox','searchbox']";

fn find_by_role() -> String {
    axe_script("return all.find(el => roleOf(el) === arguments[0] && nameOf(el) === norm(arguments[1])) || null;")
}
fn list_roles() -> String {
    axe_script("return all.filter(el => roleOf(el) === arguments[0]).map(nameOf);")
}
fn find_by_label() -> String {
    axe_script(&format!("return all.find(el => {FIELD_ROLES}.includes(roleOf(el)) && nameOf(el) === norm(arguments[0])) || null;"))
}
fn list_fields() -> String {
    axe_script(&format!("return all.filter(el => {FIELD_ROLES}.includes(roleOf(el))).map(el => roleOf(el) + ': ' + nameOf(el));"))
}
