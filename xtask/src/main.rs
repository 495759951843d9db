//! `cargo xtask run` and `cargo xtask test`: the README's two commands.
//!
//! Each installs what is missing (Debian packages on Debian-like systems, `tauri-driver`, the npm
//! packages the tests use), then runs the kiosk against the reference backend, or every test.
//! No dependencies, so it builds in seconds before anything else is installed.

mod release;

use std::env;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// What the app needs to build and run on Debian/Ubuntu (WebKitGTK, the keyring's D-Bus store,
/// a virtual display for machines without a screen).
const RUN_PACKAGES: &[&str] = &[
    "build-essential",
    "pkg-config",
    "curl",
    "file",
    "libssl-dev",
    "libwebkit2gtk-4.1-dev",
    "libxdo-dev",
    "libayatana-appindicator3-dev",
    "librsvg2-dev",
    "libdbus-1-dev",
    "xvfb",
    "xauth",
    "x11-utils",
    "imagemagick",
    "dbus",
    "dbus-x11",
    "gnome-keyring",
    "libsecret-tools",
    "keyutils",
    "nodejs",
    "npm",
    // The receipt printer: `lp`, `lpstat` and `cancel` (src-tauri/src/receipt/cups.rs).
    "cups-client",
    // « Écouter » (src-tauri/src/speech/): Speech Dispatcher with a French voice, and `pactl`
    // for the headphone detection.
    "speech-dispatcher",
    "speech-dispatcher-espeak-ng",
    "espeak-ng",
    "pulseaudio-utils",
];
/// What the tests need on top: the WebDriver for WebKitGTK, Chromium for the fast UI checks and,
/// with its WebDriver, for the agency console's browser test, PostgreSQL for the backend's second
/// database; for the receipt (tests/e2e_receipt.rs) a CUPS scheduler with a PDF printer, a QR
/// decoder and the PDF tools; a window manager and X tools for the window kept in front; for the
/// `.deb`'s kiosk session (tests/deploy.rs) cage and the rest.
const TEST_PACKAGES: &[&str] = &[
    "webkit2gtk-driver",
    "chromium",
    "chromium-driver",
    "postgresql",
    "cups",
    "printer-driver-cups-pdf",
    "zbar-tools",
    "poppler-utils",
    // The window kept in front (tests/e2e/front.rs): a real window manager, and the tools that
    // minimise, un-fullscreen and press keys as a person or another program would.
    "openbox",
    "xdotool",
    "wmctrl",
    // tests/deploy.rs: what the `.deb` depends on for its kiosk session (cage, which needs
    // Xwayland, the user's D-Bus session) and a second GTK window from Python.
    "cage",
    "xwayland",
    "dbus-user-session",
    "python3-gi",
    "gir1.2-gtk-3.0",
    // tests/e2e/speech.rs: a PulseAudio server with a null sink, captured with `parec`
    // (pulseaudio-utils, above) and measured with `sox`.
    "pulseaudio",
    "sox",
];

const BACKEND_PORT: u16 = 8787;
const DEV_KIOSK_TOKEN: &str = "dev-kiosk-token-change-me";
/// The demo agency's console account that `cargo xtask run` creates (loopback only, like the
/// demo data): the console is usable by hand at once.
const DEMO_STAFF_LOGIN: &str = "demo.agent";
const DEMO_STAFF_PASSWORD: &str = "demo-console-password";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("test") => test(&args[1..]),
        Some("inner-test") => inner_test(),
        Some("e2e") => e2e(&args[1..]),
        Some("bench") => bench(&args[1..]),
        Some("inner-bench") => inner_bench(&args[1..]),
        Some("release") => release::run(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask run [--tablet] [--release] [--config FILE]\n       cargo xtask test\n       cargo xtask e2e [--repeat N]\n       cargo xtask bench [footprint] [steps] [steps-speech] [soak] [churn] [forms]\n       cargo xtask release --base-url https://… [--out DIR] [--notes TEXT] [--skip-build]"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn cargo() -> OsString {
    env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Runs a command to completion in the workspace root; an error names it.
fn sh(command: &mut Command) -> Result<(), String> {
    let shown = format!("{command:?}");
    eprintln!("xtask: $ {shown}");
    let status = command
        .current_dir(root())
        .status()
        .map_err(|e| format!("cannot start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed with {status}"))
    }
}

fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program} >/dev/null 2>&1")])
        .status()
        .is_ok_and(|s| s.success())
}

fn is_debian_like() -> bool {
    std::fs::read_to_string("/etc/os-release").is_ok_and(|text| {
        text.lines().any(|line| {
            (line.starts_with("ID=") || line.starts_with("ID_LIKE="))
                && (line.contains("debian") || line.contains("ubuntu"))
        })
    })
}

/// Installs the missing Debian packages; elsewhere, says what is needed.
fn ensure_packages(packages: &[&str]) -> Result<(), String> {
    if !cfg!(target_os = "linux") {
        eprintln!("xtask: not Linux: install WebKit's or WebView2's prerequisites as the Tauri docs say (https://v2.tauri.app/start/prerequisites/), then run again.");
        return Ok(());
    }
    if !is_debian_like() {
        eprintln!("xtask: not a Debian-like system: install the equivalents of {packages:?} with your package manager.");
        return Ok(());
    }
    let missing: Vec<&str> = packages
        .iter()
        .copied()
        // A Node.js from elsewhere (NodeSource) already brings npm: don't fight it with Debian's.
        .filter(|package| !(matches!(*package, "nodejs" | "npm") && have("node") && have("npm")))
        .filter(|package| {
            !Command::new("dpkg-query")
                .args(["-W", "-f=${Status}", package])
                .output()
                .is_ok_and(|out| {
                    String::from_utf8_lossy(&out.stdout).contains("install ok installed")
                })
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let sudo: &[&str] = if is_root() { &[] } else { &["sudo"] };
    let apt = |args: &[&str]| {
        let mut command = Command::new(sudo.first().copied().unwrap_or("apt-get"));
        if !sudo.is_empty() {
            command.arg("apt-get");
        }
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        command
    };
    sh(&mut apt(&["update", "-qq"]))?;
    let mut install = apt(&["install", "-y", "-qq", "--no-install-recommends"]);
    install.args(&missing);
    sh(&mut install)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

fn ensure_tauri_driver() -> Result<(), String> {
    if have("tauri-driver") {
        return Ok(());
    }
    sh(Command::new(cargo()).args(["install", "tauri-driver", "--locked", "--version", "2.1.0"]))
}

/// `npm ci` when `node_modules` is missing or older than `package-lock.json` (a checkout that
/// added a package, e.g. esbuild for `npm run bundle`).
fn ensure_npm_packages() -> Result<(), String> {
    let modified = |path: &str| {
        std::fs::metadata(root().join(path))
            .and_then(|m| m.modified())
            .ok()
    };
    if let (Some(installed), Some(locked)) = (
        modified("node_modules/.package-lock.json"),
        modified("package-lock.json"),
    ) {
        if installed >= locked {
            return Ok(());
        }
    }
    sh(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]))
}

/// What `test`, `e2e` and `bench` need before building: the app's and the tests' Debian
/// packages, tauri-driver and the npm packages (axe-core, which the end-to-end helpers load into
/// the page to find elements by role and name, and esbuild).
fn ensure_test_tools() -> Result<(), String> {
    let mut packages = RUN_PACKAGES.to_vec();
    packages.extend_from_slice(TEST_PACKAGES);
    ensure_packages(&packages)?;
    ensure_tauri_driver()?;
    ensure_npm_packages()
}

/// `program` run inside a new D-Bus session with an unlocked Secret Service
/// (`KEYRING_THEN_EXEC`) whose keyring lives in `keyring`, on `display`: the kiosk's own kind of
/// session. `label` is the session's `$0`. Add the program's arguments to the command returned.
fn in_keyring_session(
    label: &str,
    program: impl AsRef<OsStr>,
    display: &str,
    keyring: &Path,
) -> Command {
    let mut command = Command::new("dbus-run-session");
    command
        .args(["--", "bash", "-c", KEYRING_THEN_EXEC])
        .arg(label)
        .arg(program)
        .env("DISPLAY", display)
        .env("MSA_KEYRING_DIR", keyring);
    command
}

/// tests/deploy.rs purges its package even when it fails; a killed run may not have: the
/// `msa-kiosk` package and its user, when root and installed.
fn purge_deploy_leftovers() {
    if is_root() && deb_installed("msa-kiosk") {
        let _ = Command::new("dpkg").args(["--purge", "msa-kiosk"]).status();
        let _ = Command::new("userdel").arg("msa-kiosk").status();
    }
}

/// A child process that is ended with its whole process group when dropped.
/// A background child (the reference backend, Xvfb), stopped when dropped. It stays in our
/// process group, so Ctrl+C in the terminal stops it too.
struct Guarded(Child, &'static str);

impl Drop for Guarded {
    fn drop(&mut self) {
        let pid = self.0.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            sleep(Duration::from_millis(100));
        }
        eprintln!("xtask: {} did not stop, killing it", self.1);
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn_guarded(command: &mut Command, name: &'static str) -> Result<Guarded, String> {
    command
        .current_dir(root())
        .spawn()
        .map(|child| Guarded(child, name))
        .map_err(|e| format!("cannot start {name}: {e}"))
}

/// Starts Xvfb on a free display when there is none, and returns it with the display name.
fn ensure_display() -> Result<(Option<Guarded>, String), String> {
    if let Some(display) = env::var("DISPLAY").ok().filter(|d| !d.is_empty()) {
        return Ok((None, display));
    }
    let number = (99..140)
        .find(|n| {
            !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
                && !Path::new(&format!("/tmp/.X{n}-lock")).exists()
        })
        .ok_or("no free X display number")?;
    let display = format!(":{number}");
    let xvfb = spawn_guarded(
        Command::new("Xvfb").args([&display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"]),
        "Xvfb",
    )?;
    let deadline = Instant::now() + Duration::from_secs(10);
    while !Path::new(&format!("/tmp/.X11-unix/X{number}")).exists() {
        if Instant::now() > deadline {
            return Err("Xvfb did not start".into());
        }
        sleep(Duration::from_millis(50));
    }
    Ok((Some(xvfb), display))
}

fn wait_for_http(url: &str, timeout: Duration) -> Result<(), String> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if Command::new("curl")
            .args(["-fsS", "-o", "/dev/null", url])
            .status()
            .is_ok_and(|s| s.success())
        {
            return Ok(());
        }
        sleep(Duration::from_millis(200));
    }
    Err(format!("{url} did not answer within {timeout:?}"))
}

fn run(args: &[String]) -> Result<(), String> {
    ensure_packages(RUN_PACKAGES)?;
    let release = args.iter().any(|a| a == "--release");
    let profile = if release { "release" } else { "debug" };
    let mut build = Command::new(cargo());
    build.args(["build", "-p", "msa-kiosk", "-p", "msa-backend"]);
    if release {
        // What `tauri build` ships: the assets embedded, no dev server.
        build.args(["--release", "--features", "tauri/custom-protocol"]);
    }
    sh(&mut build)?;

    let target =
        env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from);
    let data = root().join("target/run");
    std::fs::create_dir_all(&data).map_err(|e| e.to_string())?;

    if std::net::TcpStream::connect(("127.0.0.1", BACKEND_PORT)).is_ok() {
        return Err(format!(
            "something already listens on 127.0.0.1:{BACKEND_PORT} (a reference backend left by an earlier run?): stop it first"
        ));
    }
    let backend = spawn_guarded(
        Command::new(target.join(profile).join("msa-backend"))
            .args(["serve", "--listen", &format!("127.0.0.1:{BACKEND_PORT}")])
            .args([
                "--database",
                &format!("sqlite://{}", data.join("backend.db").display()),
            ])
            .env(
                "MSA_BACKEND_KIOSK_TOKENS",
                format!("kiosk-dev:{DEV_KIOSK_TOKEN}"),
            ),
        "the reference backend",
    )?;
    wait_for_http(
        &format!("http://127.0.0.1:{BACKEND_PORT}/ready"),
        Duration::from_secs(30),
    )?;
    eprintln!("xtask: reference backend ready on http://127.0.0.1:{BACKEND_PORT} (demo identities: crates/msa-backend/DEMO.md)");
    demo_console(
        &target.join(profile).join("msa-backend"),
        &format!("sqlite://{}", data.join("backend.db").display()),
    )?;
    eprintln!(
        "xtask: agency console on http://127.0.0.1:{BACKEND_PORT}/console/ — login {DEMO_STAFF_LOGIN}, password {DEMO_STAFF_PASSWORD} (agency « Agence de démonstration », kiosk kiosk-dev)"
    );

    let (_xvfb, display) = ensure_display()?;
    if _xvfb.is_some() {
        eprintln!(
            "xtask: no display, so the kiosk runs on the virtual display {display}. To see it: \
             `DISPLAY={display} import -window root kiosk.png` takes a screenshot; \
             `x11vnc -display {display}` (apt-get install x11vnc) lets a VNC viewer drive it."
        );
    }
    let mut kiosk = in_keyring_session(
        "msa-kiosk",
        target.join(profile).join("msa-kiosk"),
        &display,
        &data.join("keyring"),
    );
    kiosk
        .args(
            args.iter()
                .filter(|a| *a != "--release" && *a != "--tablet"),
        )
        .env("MSA_KIOSK_DATA_DIR", data.join("kiosk"))
        // The development defaults (kiosk-dev, the loopback backend), even for an installed
        // binary: src-tauri/src/ops/installed.rs.
        .env("MSA_KIOSK_DEV", "1")
        .env("MSA_PROVISION_TOKEN", DEV_KIOSK_TOKEN);
    if args.iter().any(|a| a == "--tablet") {
        let config = data.join("tablet.toml");
        std::fs::write(
            &config,
            "mode = \"tablet\"\nkiosk_id = \"kiosk-dev\"\n[tablet]\nfullscreen = false\n",
        )
        .map_err(|e| e.to_string())?;
        kiosk.arg("--config").arg(config);
    }
    let status = kiosk
        .current_dir(root())
        .status()
        .map_err(|e| e.to_string())?;
    drop(backend);
    if status.success() {
        Ok(())
    } else {
        Err(format!("the kiosk ended with {status}"))
    }
}

/// The demo agency, the dev kiosk placed in it and one agent's account, so that the console
/// shows the kiosk's heartbeats and help calls (each command creates or updates: runs again
/// fine). Secrets go through standard input, as `msa-backend` wants them.
fn demo_console(backend: &Path, database: &str) -> Result<(), String> {
    let cli = |args: &[&str], stdin: &str| -> Result<(), String> {
        use std::io::Write;
        let mut child = Command::new(backend)
            .args(args)
            .args(["--database", database])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| format!("msa-backend {}: {e}", args.join(" ")))?;
        if let Some(mut input) = child.stdin.take() {
            input
                .write_all(stdin.as_bytes())
                .map_err(|e| e.to_string())?;
        }
        match child.wait() {
            Ok(status) if status.success() => Ok(()),
            other => Err(format!("msa-backend {}: {other:?}", args.join(" "))),
        }
    };
    cli(
        &[
            "agency",
            "add",
            "--id",
            "demo",
            "--caisse",
            "msa-44-85",
            "--name",
            "Agence de démonstration",
        ],
        "",
    )?;
    cli(
        &["add-kiosk", "--id", "kiosk-dev", "--agency", "demo"],
        &format!("{DEV_KIOSK_TOKEN}\n"),
    )?;
    cli(
        &[
            "staff",
            "add",
            "--login",
            DEMO_STAFF_LOGIN,
            "--agency",
            "demo",
        ],
        &format!("{DEMO_STAFF_PASSWORD}\n"),
    )
}

/// A Secret Service for the session: gnome-keyring, unlocked with the secret kept in
/// `$MSA_KEYRING_DIR/unlock` (made on first use, readable by root only), its keyring file in
/// `$MSA_KEYRING_DIR/keyrings/`. This is how a kiosk's autologin session does it (README, «
/// Where secrets live»). Keeping both in one folder means an unlock secret always matches its
/// keyring: a keyring made by an earlier run with another secret would make gnome-keyring ask
/// for a password on screen, which nobody answers. Then the command.
const KEYRING_THEN_EXEC: &str = r#"
set -e
mkdir -p "$MSA_KEYRING_DIR"
chmod 700 "$MSA_KEYRING_DIR"
if [ ! -s "$MSA_KEYRING_DIR/unlock" ]; then
  (umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$MSA_KEYRING_DIR/unlock")
fi
eval "$(XDG_DATA_HOME="$MSA_KEYRING_DIR" gnome-keyring-daemon --unlock --components=secrets < "$MSA_KEYRING_DIR/unlock" 2>/dev/null)"
export GNOME_KEYRING_CONTROL
unset MSA_KEYRING_DIR
if [ -n "${MSA_PROVISION_TOKEN:-}" ]; then
  printf '%s' "$MSA_PROVISION_TOKEN" | "$1" provision-token "${@:2}"
  unset MSA_PROVISION_TOKEN
fi
set +e
exec "$@"
"#;

fn test(_args: &[String]) -> Result<(), String> {
    ensure_test_tools()?;

    sh(Command::new(cargo()).args(["fmt", "--all", "--check"]))?;
    // Build everything first, so the tests' own timings don't include compilation.
    sh(Command::new(cargo()).args(["build", "--workspace", "--all-targets"]))?;

    let (_xvfb, display) = ensure_display()?;
    let _postgres = start_postgres()?;
    // The tests run inside one D-Bus session with an unlocked Secret Service, like a kiosk's,
    // whose keyring is new for every run.
    let keyring = root().join("target/test-keyring");
    let _ = std::fs::remove_dir_all(&keyring);
    let xtask = env::current_exe().map_err(|e| e.to_string())?;
    let inner = sh(in_keyring_session("xtask-inner", xtask, &display, &keyring)
        .arg("inner-test")
        // tests/deploy.rs installs the .deb on this machine (its systemd manager confined to a
        // cgroup subtree and namespaces of its own): only when asked, as here.
        .env("MSA_KIOSK_DEPLOY_TESTS", "1"));
    purge_deploy_leftovers();
    inner?;
    sh(Command::new(cargo()).args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))
}

/// `cargo xtask e2e [--repeat N]` (default 1): the end-to-end suites (`tests/e2e`, the real app
/// through tauri-driver; and `tests/deploy.rs`, the .deb under systemd, when root on Debian) N
/// times in a row, each run on a new Xvfb and a new keyring, as a clean CI run would (issue 20:
/// a suite that never flakes). Each run's output goes to `target/e2e-runs/run-K.log`; one line
/// per run, then the count of failed runs and failed tests. Fails when any run failed.
fn e2e(args: &[String]) -> Result<(), String> {
    let repeat: u32 = match args {
        [] => 1,
        [flag, n] if flag == "--repeat" => n
            .parse()
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| format!("--repeat wants a count above 0, not {n:?}"))?,
        other => {
            return Err(format!(
                "unknown arguments {other:?}: cargo xtask e2e [--repeat N]"
            ))
        }
    };
    ensure_test_tools()?;
    sh(Command::new(cargo()).args(["build", "--workspace", "--all-targets"]))?;
    let deploy = is_root() && is_debian_like();
    let logs = root().join("target/e2e-runs");
    std::fs::create_dir_all(&logs).map_err(|e| format!("{}: {e}", logs.display()))?;
    let (mut failed_runs, mut failed_tests) = (0, 0);
    for run in 1..=repeat {
        let started = Instant::now();
        // A display of its own for every run (the caller's DISPLAY is not reused), so that
        // nothing one run leaves on screen reaches the next.
        env::remove_var("DISPLAY");
        let (xvfb, display) = ensure_display()?;
        let keyring = root().join("target/e2e-keyring");
        let _ = std::fs::remove_dir_all(&keyring);
        let log_path = logs.join(format!("run-{run}.log"));
        let log =
            std::fs::File::create(&log_path).map_err(|e| format!("{}: {e}", log_path.display()))?;
        let err = log.try_clone().map_err(|e| e.to_string())?;
        let mut command = in_keyring_session("xtask-inner", cargo(), &display, &keyring);
        command
            .args(["test", "--workspace", "--no-fail-fast", "--test", "e2e"])
            .current_dir(root())
            .stdout(log)
            .stderr(err);
        if deploy {
            command
                .args(["--test", "deploy"])
                .env("MSA_KIOSK_DEPLOY_TESTS", "1");
        }
        let status = command
            .status()
            .map_err(|e| format!("cannot start dbus-run-session: {e}"))?;
        drop(xvfb);
        purge_deploy_leftovers();
        let output = std::fs::read_to_string(&log_path).unwrap_or_default();
        let (passed, failed) = test_counts(&output);
        if !status.success() {
            failed_runs += 1;
            // A run that failed before any test reported counts as one failure.
            failed_tests += failed.max(1);
        }
        println!(
            "xtask: end-to-end run {run}/{repeat}: {} ({passed} passed, {failed} failed, {:.0} s, {})",
            if status.success() { "ok" } else { "FAILED" },
            started.elapsed().as_secs_f64(),
            log_path.display()
        );
    }
    println!(
        "xtask: {repeat} consecutive runs of the end-to-end suites: {failed_runs} failed runs, {failed_tests} failed tests"
    );
    if failed_runs == 0 {
        Ok(())
    } else {
        Err(format!("{failed_runs} of {repeat} end-to-end runs failed"))
    }
}

/// The passed and failed counts summed over the `test result:` lines of cargo test's output.
fn test_counts(output: &str) -> (u32, u32) {
    let count = |line: &str, word: &str| -> u32 {
        line.split(';')
            .find_map(|part| part.trim().strip_suffix(word))
            .and_then(|n| n.trim().rsplit(' ').next()?.parse().ok())
            .unwrap_or(0)
    };
    output
        .lines()
        .filter(|line| line.starts_with("test result:"))
        .fold((0, 0), |(p, f), line| {
            (p + count(line, "passed"), f + count(line, "failed"))
        })
}

/// Whether `dpkg` knows `package` as installed (or half-installed, config-files left).
fn deb_installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .is_ok_and(|o| {
            let status = String::from_utf8_lossy(&o.stdout);
            o.status.success() && !status.is_empty() && !status.ends_with("not-installed")
        })
}

/// The test suites, run inside the D-Bus session that `test` prepared. Every suite runs even
/// when an earlier one failed, so one run shows every failure.
fn inner_test() -> Result<(), String> {
    let results = [
        sh(Command::new(cargo()).args(["test", "--workspace", "--no-fail-fast"])),
        sh(Command::new("node").args(["--test", "tests/ui/"])),
    ];
    let failures: Vec<String> = results.into_iter().filter_map(Result::err).collect();
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("; "))
    }
}

/// `cargo xtask bench [footprint] [steps] [steps-speech] [soak] [churn] [forms]` (default: footprint and
/// steps):
/// release builds of the kiosk and of a bare Tauri window (`crates/bare-window`, same profile),
/// then, in the
/// same D-Bus session, keyring and display as the tests, the benchmarks of `tests/e2e`:
/// `footprint` (start-up and PSS beside the bare window, issue 18), `steps` (« Suivant » →
/// next heading; `steps-speech`: the same with « Écouter » on, issue 19) and `soak` (500
/// enrolments in one kiosk, PSS every 50; `MSA_SOAK_SESSIONS`) and `churn` (the bare window's
/// page churning its DOM with and without a WebDriver session: where the soak's growth comes
/// from; `MSA_CHURN_ROUNDS`) and `forms` (what DOM removed from a `<form>` leaves in WebKitGTK,
/// against a `<div>`: why the steps are not `<form>`s; `MSA_FORMS_ROUNDS`).
fn bench(args: &[String]) -> Result<(), String> {
    ensure_test_tools()?;
    let known = [
        "footprint",
        "steps",
        "steps-speech",
        "soak",
        "churn",
        "forms",
    ];
    if let Some(unknown) = args.iter().find(|a| !known.contains(&a.as_str())) {
        return Err(format!(
            "unknown benchmark {unknown:?}: choose among {known:?}"
        ));
    }
    let chosen: Vec<String> = if args.is_empty() {
        vec!["footprint".into(), "steps".into()]
    } else {
        args.to_vec()
    };
    // The apps in release (what ships); the test binary and the reference backend in debug.
    sh(Command::new(cargo()).args([
        "build",
        "--release",
        "-p",
        "msa-kiosk",
        "--bin",
        "msa-kiosk",
    ]))?;
    sh(Command::new(cargo()).args(["build", "--release", "-p", "bare-window"]))?;
    sh(Command::new(cargo()).args(["build", "--workspace", "--all-targets"]))?;
    let (_xvfb, display) = ensure_display()?;
    let keyring = root().join("target/bench-keyring");
    let _ = std::fs::remove_dir_all(&keyring);
    let release = root().join("target/release");
    let xtask = env::current_exe().map_err(|e| e.to_string())?;
    sh(in_keyring_session("xtask-inner", xtask, &display, &keyring)
        .arg("inner-bench")
        .args(&chosen)
        .env("MSA_KIOSK_E2E_APP", release.join("msa-kiosk"))
        .env("MSA_BARE_WINDOW_APP", release.join("bare-window")))
}

/// The benchmarks `bench` chose, inside its D-Bus session.
fn inner_bench(chosen: &[String]) -> Result<(), String> {
    for name in chosen {
        let filter = match name.as_str() {
            "footprint" => "footprint::footprint_beside_a_bare_window",
            "steps" | "steps-speech" => "bench::step_latency",
            "churn" => "footprint::dom_churn_with_and_without_webdriver",
            "forms" => "footprint::form_retention",
            _ => "footprint::soak",
        };
        // The same steps with « Écouter » on, into a PulseAudio null sink (issue 19).
        let speech = if name == "steps-speech" { "1" } else { "0" };
        sh(Command::new(cargo())
            .env("MSA_KIOSK_BENCH_SPEECH", speech)
            .args([
                "test",
                "--test",
                "e2e",
                filter,
                "--",
                "--ignored",
                "--exact",
                "--nocapture",
            ]))?;
    }
    Ok(())
}

/// A throw-away PostgreSQL cluster, stopped (`pg_ctl stop -m immediate`) when dropped.
struct Postgres {
    pg_ctl: Command,
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self.pg_ctl.stdout(Stdio::null()).status();
    }
}

/// A throw-away PostgreSQL cluster for the backend's PostgreSQL tests, on a Unix socket in target/.
fn start_postgres() -> Result<Option<Postgres>, String> {
    let Some(bin) = std::fs::read_dir("/usr/lib/postgresql")
        .ok()
        .and_then(|dirs| {
            dirs.filter_map(Result::ok)
                .map(|d| d.path().join("bin"))
                .find(|p| p.join("initdb").exists())
        })
    else {
        eprintln!(
            "xtask: PostgreSQL is not installed: its backend tests will say they were skipped"
        );
        return Ok(None);
    };
    let dir = root().join("target/pg-test");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    // initdb refuses to run as root: run the cluster as the `postgres` user when we are root.
    let as_pg = |program: PathBuf| {
        if is_root() {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        }
    };
    if is_root() {
        sh(Command::new("chown").args(["postgres:postgres"]).arg(&dir))?;
    }
    let data = dir.join("data");
    sh(as_pg(bin.join("initdb"))
        .args(["-A", "trust", "-U", "msa", "--no-sync", "-D"])
        .arg(&data)
        .stdout(Stdio::null()))?;
    let port = "54329";
    // pg_ctl starts the server in the background and waits until it accepts connections.
    sh(as_pg(bin.join("pg_ctl"))
        .args(["start", "--wait", "--timeout=60", "-D"])
        .arg(&data)
        .arg("-l")
        .arg(dir.join("server.log"))
        .arg("-o")
        .arg(format!(
            "-p {port} -c listen_addresses=127.0.0.1 -c fsync=off -k {}",
            dir.display()
        ))
        .stdout(Stdio::null()))?;
    let mut pg_ctl = as_pg(bin.join("pg_ctl"));
    pg_ctl.args(["stop", "-m", "immediate", "-D"]).arg(&data);
    let server = Postgres { pg_ctl };
    // Read by the backend's PostgreSQL tests.
    env::set_var(
        "MSA_TEST_POSTGRES_URL",
        format!("postgres://msa@127.0.0.1:{port}/postgres"),
    );
    Ok(Some(server))
}

#[cfg(test)]
mod tests {
    use super::test_counts;

    #[test]
    fn test_counts_sums_every_test_binary_of_a_run() {
        let output = "\
running 2 tests
test a ... ok
test b ... FAILED
test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 3 filtered out; finished in 1.20s
test result: ok. 57 passed; 0 failed; 4 ignored; 0 measured; 0 filtered out; finished in 380.02s
";
        assert_eq!(test_counts(output), (58, 1));
        assert_eq!(test_counts("error: could not compile"), (0, 0));
    }
}
