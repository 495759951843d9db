//! The `.deb` on this machine, the way an agency's IT team uses it (docs/deployment.md):
//! `dpkg -i`; its files, owners, modes and units; the kiosk session (cage on wlroots' headless
//! backend) with one whole enrolment through WebDriver against the reference backend; the
//! shipped units under a real systemd manager (kills, a hang, a refused and a missing
//! configuration, a signed update through the update units); then remove and purge.
//!
//! Longer than 400 lines: one scenario in order (build, install, enrol under cage, supervise,
//! update, purge), each part needing the state the previous one left.
//!
//! systemd is not PID 1 here, so the units run under `systemd --user` started as root inside
//! its own cgroup subtree and mount namespace (see [`SANDBOX`]); the session unit loses only the
//! directives that need a real seat and PAM ([`SYSTEM_ONLY`]) and gets, in a drop-in, what
//! logind would give it (a runtime folder) and wlroots' headless backend; the other units run
//! verbatim.
//!
//! It installs a system package and creates a system user, so it runs only when asked:
//! `MSA_KIOSK_DEPLOY_TESTS=1` (set by `cargo xtask test`), as root, on Debian; otherwise it
//! says why it was skipped.
//!
//! The harness of `tests/e2e/` (the app under WebDriver, the wizard's steps, the persons) is
//! compiled in here too: one enrolment through the same steps as the e2e tests.

#[allow(dead_code)]
#[path = "e2e/harness.rs"]
mod harness;
#[allow(dead_code)]
#[path = "e2e/persons.rs"]
mod persons;
#[allow(dead_code)]
#[path = "e2e/steps.rs"]
mod steps;

use std::collections::BTreeMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use harness::{repo_root, Kiosk};
use msa_test_support::{free_port, run_with_stdin, target_dir, Backend, Guarded, KIOSK_TOKEN};
use persons::jean;
use serde_json::json;
use steps::{accept_and_submit, assert_received, go_to_step, Input, FR};

const PACKAGE: &str = "msa-kiosk";
const USER: &str = "msa-kiosk";
const APP: &str = "/usr/bin/msa-kiosk";
const SESSION: &str = "/usr/lib/msa-kiosk/session";
const CONFIG: &str = "/etc/msa-kiosk/config.toml";
const SPOOL: &str = "/var/lib/msa-kiosk/update";
const UNIT_DIR: &str = "/usr/lib/systemd/system";
const UNITS: [&str; 5] = [
    "msa-kiosk-session.service",
    "msa-kiosk-update.path",
    "msa-kiosk-update.service",
    "msa-kiosk-config.path",
    "msa-kiosk-config.service",
];
/// What the session unit needs from a real system manager (a logind session on tty1 through
/// PAM); everything else of the unit runs as shipped.
const SYSTEM_ONLY: [&str; 8] = [
    "PAMName",
    "TTYPath",
    "TTYReset",
    "TTYVHangup",
    "TTYVTDisallocate",
    "StandardInput",
    "UtmpIdentifier",
    "UtmpMode",
];
/// wlroots without a GPU, a seat or input devices.
const HEADLESS: [(&str, &str); 3] = [
    ("WLR_BACKENDS", "headless"),
    ("WLR_RENDERER", "pixman"),
    ("WLR_LIBINPUT_NO_DEVICES", "1"),
];
/// The headless output's size (wlroots' default): every window in cage gets exactly this.
const OUTPUT: (u64, u64) = (1280, 720);

fn skip_reason() -> Option<String> {
    if std::env::var("MSA_KIOSK_DEPLOY_TESTS").as_deref() != Ok("1") {
        return Some("MSA_KIOSK_DEPLOY_TESTS=1 is not set (cargo xtask test sets it): it installs a system package".into());
    }
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if !root {
        return Some("not root".into());
    }
    for tool in [
        "dpkg", "cage", "Xwayland", "runuser", "unshare", "nsenter", "strip",
    ] {
        if !have(tool) {
            return Some(format!("{tool} is missing (cargo xtask test installs it)"));
        }
    }
    None
}

fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program} >/dev/null")])
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs a command to completion; panics with its output when it fails.
fn run(command: &mut Command) -> Output {
    let shown = format!("{command:?}");
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {shown}: {e}"));
    assert!(
        out.status.success(),
        "{shown} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn stdout(command: &mut Command) -> String {
    String::from_utf8_lossy(&run(command).stdout)
        .trim()
        .to_owned()
}

/// Waits for `condition` with a deadline; returns how long it took.
fn wait_until(what: &str, timeout: Duration, mut condition: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    while !condition() {
        assert!(
            start.elapsed() < timeout,
            "timed out after {timeout:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    start.elapsed()
}

// -------------------------------------------------------------------------------------------
// The packages
// -------------------------------------------------------------------------------------------

/// The debug build bundled by `npx tauri bundle` into the current version and a newer one,
/// both signed with a throw-away key. The binary is a stripped copy (debug information would
/// make a 300 MB package) in a target folder of its own, which the bundler patches with its
/// bundle type: the tests' own binary stays as it is.
struct Packages {
    current: PathBuf,
    current_version: String,
    newer: PathBuf,
    newer_signature: String,
    newer_version: String,
    pubkey: String,
}

fn build_packages(dir: &Path) -> Packages {
    let started = Instant::now();
    let conf: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("tauri.conf.json")).unwrap(),
    )
    .unwrap();
    let current_version = conf["version"].as_str().unwrap().to_owned();
    let mut newer = semver::Version::parse(&current_version).unwrap();
    newer.patch += 1;
    let newer_version = newer.to_string();

    let pristine = dir.join("msa-kiosk.stripped");
    std::fs::copy(target_dir().join("msa-kiosk"), &pristine).unwrap();
    run(Command::new("strip").arg("--strip-debug").arg(&pristine));

    let key = dir.join("updater.key");
    run(Command::new("npx")
        .args(["tauri", "signer", "generate", "--ci", "-f", "-p", "", "-w"])
        .arg(&key)
        .current_dir(repo_root()));
    let private_key = std::fs::read_to_string(&key).unwrap();
    let pubkey = std::fs::read_to_string(dir.join("updater.key.pub"))
        .unwrap()
        .trim()
        .to_owned();

    let target = dir.join("target");
    let bundle = |version: &str| -> PathBuf {
        let debug = target.join("debug");
        std::fs::create_dir_all(&debug).unwrap();
        std::fs::copy(&pristine, debug.join("msa-kiosk")).unwrap();
        let overrides =
            json!({ "version": version, "plugins": { "updater": { "pubkey": pubkey } } });
        run(Command::new("npx")
            .args([
                "tauri",
                "bundle",
                "--debug",
                "--bundles",
                "deb",
                "--ci",
                "--config",
            ])
            .arg(overrides.to_string())
            .env("CARGO_TARGET_DIR", &target)
            .env("TAURI_SIGNING_PRIVATE_KEY", &private_key)
            .env("TAURI_SIGNING_PRIVATE_KEY_PASSWORD", "")
            .current_dir(repo_root()));
        let built = target.join(format!("debug/bundle/deb/{PACKAGE}_{version}_amd64.deb"));
        let kept = dir.join(format!("{PACKAGE}_{version}_amd64.deb"));
        std::fs::rename(&built, &kept).unwrap();
        let mut sig = built.into_os_string();
        sig.push(".sig");
        let mut kept_sig = kept.clone().into_os_string();
        kept_sig.push(".sig");
        std::fs::rename(&sig, &kept_sig).unwrap();
        kept
    };
    let current = bundle(&current_version);
    let newer = bundle(&newer_version);
    let mut sig = newer.clone().into_os_string();
    sig.push(".sig");
    let newer_signature = std::fs::read_to_string(sig).unwrap().trim().to_owned();
    eprintln!(
        "deploy: two packages of {} bytes built in {:?}",
        std::fs::metadata(&current).unwrap().len(),
        started.elapsed()
    );
    Packages {
        current,
        current_version,
        newer,
        newer_signature,
        newer_version,
        pubkey,
    }
}

/// The installed package; purged when dropped, even after a failure, so that the machine is
/// left as it was (and the system user removed, which the package itself keeps).
struct Installed;

impl Installed {
    fn install(deb: &Path) -> Installed {
        end_user_processes();
        purge();
        run(Command::new("dpkg").arg("-i").arg(deb));
        Installed
    }
}

fn purge() {
    let _ = Command::new("dpkg").args(["--purge", PACKAGE]).output();
}

/// Ends every process of the kiosk's user: what a failed or killed earlier run left (a keyring
/// daemon, a session) keeps `userdel` from removing the user, and the next run from seeing its
/// own session end. A bounded wait: SIGKILL is not refused.
fn end_user_processes() {
    let exists = |cmd: &mut Command| cmd.output().map(|o| o.status.success()).unwrap_or(false);
    if !exists(Command::new("id").arg(USER)) {
        return;
    }
    let _ = Command::new("pkill").args(["-KILL", "-u", USER]).output();
    let deadline = Instant::now() + Duration::from_secs(10);
    while exists(Command::new("pgrep").args(["-u", USER])) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
}

impl Drop for Installed {
    fn drop(&mut self) {
        end_user_processes();
        purge();
        let _ = Command::new("userdel").arg(USER).output();
    }
}

fn uid_of(user: &str) -> u32 {
    stdout(Command::new("id").args(["-u", user]))
        .parse()
        .unwrap()
}

/// (owner name, group name, mode & 0o7777) of a path.
fn owner_mode(path: &str) -> (String, String, u32) {
    let meta = std::fs::symlink_metadata(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let name = |flag: &str, id: u32| {
        let out = stdout(Command::new("getent").args([flag, &id.to_string()]));
        out.split(':').next().unwrap().to_owned()
    };
    (
        name("passwd", meta.uid()),
        name("group", meta.gid()),
        meta.permissions().mode() & 0o7777,
    )
}

fn check_installed_files() {
    let listed = stdout(Command::new("dpkg").args(["-L", PACKAGE]));
    let units = UNITS.iter().map(|u| format!("{UNIT_DIR}/{u}"));
    let expected = [APP, SESSION, "/usr/lib/tmpfiles.d/msa-kiosk.conf"]
        .map(str::to_owned)
        .into_iter()
        .chain(units);
    for path in expected {
        assert!(
            listed.lines().any(|l| l == path),
            "{path} is not in the package: {listed}"
        );
    }
    let root = |mode| ("root".to_owned(), "root".to_owned(), mode);
    assert_eq!(owner_mode(APP), root(0o755));
    assert_eq!(owner_mode(SESSION), root(0o755));
    for unit in UNITS {
        assert_eq!(
            owner_mode(&format!("{UNIT_DIR}/{unit}")),
            root(0o644),
            "{unit}"
        );
    }
    let kiosk = |mode| (USER.to_owned(), USER.to_owned(), mode);
    assert_eq!(owner_mode("/var/lib/msa-kiosk"), kiosk(0o750));
    assert_eq!(owner_mode("/var/lib/msa-kiosk/data"), kiosk(0o700));
    assert_eq!(owner_mode(SPOOL), kiosk(0o700));
    assert_eq!(owner_mode("/etc/msa-kiosk"), root(0o755));
    assert_eq!(
        owner_mode("/etc/msa-kiosk/keyring-unlock"),
        ("root".to_owned(), USER.to_owned(), 0o640)
    );
    let secret = std::fs::read_to_string("/etc/msa-kiosk/keyring-unlock").unwrap();
    assert!(
        secret.len() == 64 && secret.chars().all(|c| c.is_ascii_hexdigit()),
        "the unlock secret is 32 random bytes in hex"
    );

    // What the kiosk needs from the system comes with the package: the session's compositor
    // and D-Bus, and the receipt printer's client (`lp`, issue 16).
    let depends = stdout(Command::new("dpkg-query").args(["-W", "-f=${Depends}", PACKAGE]));
    let depends: Vec<&str> = depends.split(", ").collect();
    for needed in [
        "cups-client",
        "cage",
        "xwayland",
        "dbus-user-session",
        "gnome-keyring",
    ] {
        assert!(
            depends.contains(&needed),
            "{needed} not in Depends: {depends:?}"
        );
    }
    assert!(have("lp"), "cups-client's lp is not installed");

    // A system user that cannot log in.
    let passwd = stdout(Command::new("getent").args(["passwd", USER]));
    let fields: Vec<&str> = passwd.split(':').collect();
    assert!(uid_of(USER) < 1000, "a system user: {passwd}");
    assert_eq!(fields[5], "/var/lib/msa-kiosk");
    assert_eq!(fields[6], "/usr/sbin/nologin");

    // The update and configuration path units are enabled, the kiosk session is not (tablets).
    for unit in ["msa-kiosk-update.path", "msa-kiosk-config.path"] {
        // (deb-systemd-helper links through /lib, which is /usr/lib on Debian 12.)
        let link = format!("/etc/systemd/system/multi-user.target.wants/{unit}");
        assert_eq!(
            std::fs::canonicalize(&link).unwrap_or_else(|e| panic!("{link}: {e}")),
            PathBuf::from(format!("{UNIT_DIR}/{unit}"))
        );
    }
    assert!(
        !Path::new("/etc/systemd/system/graphical.target.wants/msa-kiosk-session.service").exists()
    );

    // systemd's own check of the installed units: syntax, directives, executables.
    let paths: Vec<String> = UNITS.iter().map(|u| format!("{UNIT_DIR}/{u}")).collect();
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .args(&paths)
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "systemd-analyze verify: {said}");
    assert!(
        !said.contains("msa-kiosk"),
        "systemd-analyze verify has something to say about our units:\n{said}"
    );
}

/// Writes the configuration the way an editor does: a new file renamed over the old one (the
/// temporary file outside /etc/msa-kiosk, which msa-kiosk-config.path watches).
fn write_config(text: &str) {
    let tmp = "/etc/.msa-kiosk-config.toml.tmp";
    std::fs::write(tmp, text).unwrap();
    std::fs::set_permissions(tmp, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::rename(tmp, CONFIG).unwrap();
}

fn agency_config(backend: &str, pubkey: &str) -> String {
    format!(
        "mode = \"kiosk\"\nkiosk_id = \"e2e-kiosk\"\nagency_department = \"44\"\ndata_dir = \"/var/lib/msa-kiosk/data\"\n\
         [backend]\nurl = \"{backend}\"\nsubmit_wait_seconds = 5\n[updater]\npubkey = \"{pubkey}\"\n"
    )
}

/// `msa-kiosk provision-token` in the kiosk user's keyring, as docs/deployment.md says.
fn provision_token() {
    run_with_stdin(
        Command::new("runuser").args([
            "-u",
            USER,
            "--",
            SESSION,
            "--headless",
            APP,
            "provision-token",
        ]),
        KIOSK_TOKEN,
    );
}

/// A folder the kiosk's user can use (its parents let it through).
fn kiosk_folder(path: &Path) {
    std::fs::create_dir_all(path).unwrap();
    run(Command::new("chown")
        .arg(format!("{USER}:{USER}"))
        .arg(path));
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700)).unwrap();
}

// -------------------------------------------------------------------------------------------
// The kiosk session under cage, driven through WebDriver
// -------------------------------------------------------------------------------------------

/// `/usr/lib/msa-kiosk/session` as the unit starts it (as msa-kiosk, cage headless), with
/// tauri-driver as cage's client instead of the app: WebKitWebDriver then starts the installed
/// app inside cage.
async fn enrol_under_cage(dir: &Path, backend: Backend) {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let driver_bin = bin.join("tauri-driver");
    std::fs::copy(harness::tauri_driver(), &driver_bin).unwrap();
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    // Session creation through tauri-driver now and then fails on a busy machine (as in
    // tests/common): a fresh session, up to three times.
    let mut failures = Vec::new();
    let (client, driver, run_dir) = loop {
        let attempt = failures.len();
        let run_dir = dir.join(format!("run-cage-{attempt}"));
        kiosk_folder(&run_dir);
        let log_path = dir.join(format!("cage-session-{attempt}.log"));
        let port = free_port();
        let native_port = free_port();
        let log = std::fs::File::create(&log_path).unwrap();
        let mut session = Command::new("runuser");
        session
            .args(["-u", USER, "--", "env", "-u", "DISPLAY"])
            .args(["-u", "DBUS_SESSION_BUS_ADDRESS"])
            .arg(format!("XDG_RUNTIME_DIR={}", run_dir.display()))
            .arg("PATH=/usr/local/bin:/usr/bin:/bin")
            .arg("MSA_KIOSK_DATA_DIR=/var/lib/msa-kiosk/data")
            .args(HEADLESS.iter().map(|(k, v)| format!("{k}={v}")))
            .arg(SESSION)
            .arg(&driver_bin)
            .args(["--port", &port.to_string()])
            .args(["--native-port", &native_port.to_string()])
            .current_dir("/")
            .stdout(log.try_clone().unwrap())
            .stderr(log);
        let driver = Guarded::spawn(&mut session, "the kiosk session with tauri-driver");
        wait_until("tauri-driver inside cage", Duration::from_secs(60), || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "tauri:options".into(),
            json!({ "application": APP, "args": [] }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match fantoccini::ClientBuilder::new(connector)
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(client) => break (client, driver, run_dir),
            Err(e) => {
                drop(driver);
                let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                failures.push(format!("{e}\n{log}"));
                assert!(
                    failures.len() < 3,
                    "no WebDriver session on the installed app: {failures:#?}"
                );
            }
        }
    };
    let home = tempfile::Builder::new()
        .prefix("kiosk-deploy-")
        .tempdir()
        .unwrap();
    let kiosk = Arc::new(Kiosk::attached(
        "deploy-cage",
        client,
        driver,
        Some(backend),
        home,
    ));

    let outcome = tokio::spawn(drive_one_enrolment(kiosk.clone(), run_dir, dir.to_owned())).await;
    if let Err(error) = outcome {
        let shot = kiosk.screenshot("failure").await;
        eprintln!("screenshot of the failure: {}", shot.display());
        let _ = kiosk.client.clone().close().await;
        std::panic::resume_unwind(error.into_panic());
    }
    let _ = kiosk.client.clone().close().await;
}

async fn drive_one_enrolment(kiosk: Arc<Kiosk>, run_dir: PathBuf, dir: PathBuf) {
    // The app's window is the whole output: cage maximises it.
    let size = kiosk
        .js("return [window.innerWidth, window.innerHeight];", vec![])
        .await;
    assert_eq!(size, json!([OUTPUT.0, OUTPUT.1]), "the kiosk's window");

    let person = jean();
    go_to_step(&kiosk, &FR, &person, 6, Input::Touch).await;
    let text = accept_and_submit(&kiosk, &FR).await;
    assert!(
        text.contains("envoyé par e-mail"),
        "confirmation says: {text}"
    );
    assert_received(&kiosk, &person, &text, "verified").await;

    // Another program of the session opens a small window: cage gives it the whole output, on
    // top of the kiosk; it can never sit beside the app.
    let socket = std::fs::read_dir(&run_dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|name| name.starts_with("wayland-") && !name.ends_with(".lock"))
        .expect("cage's Wayland socket");
    let script = dir.join("second-window.py");
    std::fs::write(&script, SECOND_WINDOW).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = run(Command::new("timeout")
        .args(["60", "runuser", "-u", USER, "--", "env", "-u", "DISPLAY"])
        .arg(format!("XDG_RUNTIME_DIR={}", run_dir.display()))
        .arg(format!("WAYLAND_DISPLAY={socket}"))
        .arg("GDK_BACKEND=wayland")
        .arg("/usr/bin/python3")
        .arg(&script));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.lines()
            .any(|l| l == format!("mapped {} {}", OUTPUT.0, OUTPUT.1)),
        "a 300×200 window got: {said}"
    );
}

/// A GTK window that asks for 300×200 and prints the size the compositor gave it once mapped.
const SECOND_WINDOW: &str = r#"
import gi
gi.require_version("Gtk", "3.0")
from gi.repository import Gtk, GLib
window = Gtk.Window(title="second")
window.set_default_size(300, 200)
def report():
    allocation = window.get_allocation()
    print("mapped", allocation.width, allocation.height, flush=True)
    Gtk.main_quit()
window.connect("map-event", lambda *_: GLib.timeout_add(500, report) and False)
window.show_all()
Gtk.main()
"#;

// -------------------------------------------------------------------------------------------
// A systemd manager of our own
// -------------------------------------------------------------------------------------------

/// Starts `systemd --user` as root confined to a cgroup subtree of its own (it moves every
/// process of its cgroup into `init.scope`: at the root that would be the whole machine's) and
/// a private mount namespace, where `/run/systemd/system` tells systemctl and the package's
/// scripts that systemd runs, `/run/systemd/private` leads `systemctl` (as root, no `--user`)
/// to this manager, the container's `policy-rc.d` (which forbids every service action in
/// package scripts) is hidden, as on a real kiosk.
const SANDBOX: &str = r#"
set -euo pipefail
cg=msa-kiosk-test-$$
if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
  hierarchies=.
else
  hierarchies="systemd unified"
fi
for h in $hierarchies; do
  mkdir "/sys/fs/cgroup/$h/$cg"
  echo $$ > "/sys/fs/cgroup/$h/$cg/cgroup.procs"
done
exec unshare --mount --cgroup --propagation private -- bash -euo pipefail -c '
  if [ "$1" = . ]; then
    mount -t cgroup2 cgroup2 /sys/fs/cgroup
  else
    mount -t tmpfs -o mode=755 tmpfs /sys/fs/cgroup
    mkdir /sys/fs/cgroup/systemd /sys/fs/cgroup/unified
    mount -t cgroup -o none,name=systemd cgroup /sys/fs/cgroup/systemd
    mount -t cgroup2 cgroup2 /sys/fs/cgroup/unified
  fi
  mkdir -p /run/systemd
  mount -t tmpfs -o mode=755 tmpfs /run/systemd
  mkdir /run/systemd/system
  touch /run/systemd/private
  if [ -e /usr/sbin/policy-rc.d ]; then mount --bind /dev/null /usr/sbin/policy-rc.d; fi
  exec /lib/systemd/systemd --user --log-target=console --log-level=info
' sandbox "$hierarchies"
"#;

struct Manager {
    child: Child,
    runtime: PathBuf,
    log: PathBuf,
    session_log: PathBuf,
    cgroups: Vec<PathBuf>,
}

impl Manager {
    /// `dir` for logs and units; `run` for runtime folders, outside /tmp (the session unit has
    /// `PrivateTmp=yes`, as /run/systemd/notify and /run/user/<uid> are on a kiosk).
    fn start(dir: &Path, run: &Path, units: &[(String, String)]) -> Manager {
        let runtime = run.join("manager");
        let config = dir.join("manager-config");
        let unit_dir = config.join("systemd/user");
        std::fs::create_dir_all(&unit_dir).unwrap();
        std::fs::create_dir_all(&runtime).unwrap();
        // The kiosk's user sends READY=1 and WATCHDOG=1 to the manager's socket in here.
        std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o755)).unwrap();
        for (name, text) in units {
            let path = unit_dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let log = dir.join("manager.log");
        let child = Command::new("bash")
            .args(["-c", SANDBOX])
            .env("XDG_RUNTIME_DIR", &runtime)
            .env("XDG_CONFIG_HOME", &config)
            .env("HOME", dir.join("manager-home"))
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let cg = format!("msa-kiosk-test-{}", child.id());
        let cgroups = [
            "/sys/fs/cgroup/systemd",
            "/sys/fs/cgroup/unified",
            "/sys/fs/cgroup",
        ]
        .iter()
        .map(|h| Path::new(h).join(&cg))
        .collect();
        let mut manager = Manager {
            child,
            runtime,
            log,
            session_log: dir.join("session.log"),
            cgroups,
        };
        wait_until("the systemd manager", Duration::from_secs(60), || {
            let state = manager.systemctl_lossy(&["is-system-running"]);
            state == "running" || state == "degraded"
        });
        // Anyone may notify, as through the system manager's /run/systemd/notify: the session
        // runs as msa-kiosk.
        std::fs::set_permissions(
            manager.runtime.join("systemd/notify"),
            std::fs::Permissions::from_mode(0o777),
        )
        .unwrap();
        let private = manager.runtime.join("systemd/private");
        manager.in_namespace(
            Command::new("mount")
                .arg("--bind")
                .arg(&private)
                .arg("/run/systemd/private"),
        );
        manager.child_alive();
        manager
    }

    fn child_alive(&mut self) {
        assert!(
            self.child.try_wait().unwrap().is_none(),
            "the manager ended: {}",
            std::fs::read_to_string(&self.log).unwrap_or_default()
        );
    }

    fn in_namespace(&self, command: &mut Command) -> Output {
        let mut entered = Command::new("nsenter");
        entered
            .args(["-t", &self.child.id().to_string(), "-m", "-C", "--"])
            .arg(command.get_program())
            .args(command.get_args())
            .env("XDG_RUNTIME_DIR", &self.runtime);
        run(&mut entered)
    }

    /// `systemctl` as the package's scripts would call it: root, system mode, which in the
    /// namespace reaches this manager.
    fn systemctl(&self, args: &[&str]) -> String {
        let out = self.in_namespace(Command::new("systemctl").args(args));
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    fn systemctl_lossy(&self, args: &[&str]) -> String {
        Command::new("nsenter")
            .args([
                "-t",
                &self.child.id().to_string(),
                "-m",
                "-C",
                "--",
                "systemctl",
                "--user",
            ])
            .args(args)
            .env("XDG_RUNTIME_DIR", &self.runtime)
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default()
    }

    fn show(&self, unit: &str) -> BTreeMap<String, String> {
        self.systemctl_lossy(&[
            "show",
            unit,
            "-p",
            "ActiveState,SubState,Result,NRestarts,MainPID,StatusText,ExecMainCode,ExecMainStatus",
        ])
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    /// Waits for a state of `unit`; on timeout, says what systemd and the session said.
    fn wait_for(
        &self,
        what: &str,
        unit: &str,
        timeout: Duration,
        mut condition: impl FnMut(&BTreeMap<String, String>) -> bool,
    ) -> Duration {
        let start = Instant::now();
        loop {
            let state = self.show(unit);
            if condition(&state) {
                return start.elapsed();
            }
            if start.elapsed() > timeout {
                let tail = |text: String| {
                    let lines: Vec<&str> = text
                        .lines()
                        .filter(|l| !l.contains("Basic output test failed"))
                        .collect();
                    lines[lines.len().saturating_sub(40)..].join("\n")
                };
                let status = self.systemctl_lossy(&["status", "--no-pager", "--lines=30", unit]);
                panic!(
                    "timed out after {timeout:?} waiting for {what}; {unit}: {state:?}\n{status}\n--- session:\n{}",
                    tail(std::fs::read_to_string(&self.session_log).unwrap_or_default())
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Manager {
    fn drop(&mut self) {
        // The manager's and the session's logs outlive the test's folder.
        let artifacts = repo_root().join("target/e2e-artifacts");
        let _ = std::fs::create_dir_all(&artifacts);
        let _ = std::fs::copy(&self.log, artifacts.join("deploy-manager.log"));
        let _ = std::fs::copy(&self.session_log, artifacts.join("deploy-session.log"));
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline && self.child.try_wait().ok().flatten().is_none() {
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        // Whatever the manager left in its subtree, then the subtree itself.
        for cgroup in &self.cgroups {
            if !cgroup.exists() {
                continue;
            }
            let procs = Command::new("sh")
                .arg("-c")
                .arg(format!(
                    "cat $(find {} -name cgroup.procs)",
                    cgroup.display()
                ))
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
                .unwrap_or_default();
            for pid in procs.split_whitespace() {
                let _ = Command::new("kill").args(["-KILL", pid]).status();
            }
            let _ = Command::new("sh")
                .arg("-c")
                .arg(format!(
                    "for i in 1 2 3 4 5 6 7 8 9 10; do find {} -depth -type d -exec rmdir {{}} + 2>/dev/null && break; sleep 0.5; done",
                    cgroup.display()
                ))
                .status();
        }
    }
}

/// The session unit for this manager: the shipped file without [`SYSTEM_ONLY`]; the other
/// units verbatim; a drop-in for what the real session would get from logind and PAM.
fn units_for_manager(dir: &Path, runtime: &Path) -> Vec<(String, String)> {
    let mut units = Vec::new();
    for unit in UNITS {
        let text = std::fs::read_to_string(format!("{UNIT_DIR}/{unit}")).unwrap();
        if unit != "msa-kiosk-session.service" {
            units.push((unit.to_owned(), text));
            continue;
        }
        let mut dropped = Vec::new();
        let kept: Vec<&str> = text
            .lines()
            .filter(|line| {
                let key = line.split('=').next().unwrap_or_default();
                let system_only = SYSTEM_ONLY.contains(&key);
                if system_only {
                    dropped.push(key);
                }
                !system_only
            })
            .collect();
        dropped.sort_unstable();
        let mut expected = SYSTEM_ONLY.to_vec();
        expected.sort_unstable();
        assert_eq!(
            dropped, expected,
            "the session unit's system-only lines changed"
        );
        units.push((unit.to_owned(), kept.join("\n") + "\n"));
    }
    let env: Vec<String> = HEADLESS
        .iter()
        .map(|(k, v)| format!("Environment={k}={v}"))
        .collect();
    units.push((
        "msa-kiosk-session.service.d/test.conf".to_owned(),
        format!(
            "[Service]\n# What pam_systemd would give: the user's runtime folder.\nEnvironment=XDG_RUNTIME_DIR={}\n\
             # Not the manager's (root's) bus.\nUnsetEnvironment=DBUS_SESSION_BUS_ADDRESS DISPLAY\n{}\n\
             # No journal in the sandbox.\nStandardOutput=append:{}\nStandardError=inherit\n",
            runtime.display(),
            env.join("\n"),
            dir.join("session.log").display()
        ),
    ));
    units
}

fn app_pid() -> u32 {
    let pids = stdout(Command::new("pgrep").args(["-u", USER, "-x", "msa-kiosk"]));
    let pids: Vec<&str> = pids.lines().collect();
    assert_eq!(pids.len(), 1, "one kiosk app: {pids:?}");
    pids[0].parse().unwrap()
}

/// Sends `signal` to the app, checks what systemd says of the end during the 2 s before the
/// restart (`Result`, and the main process's `ExecMainStatus`: the app's own, handed on by the
/// session script), then waits for the session to be back on the welcome screen (`READY=1`
/// again). Returns the time from the signal to the welcome screen.
fn kill_and_wait_back(
    manager: &Manager,
    signal: &str,
    result: &[&str],
    status: &str,
    timeout: Duration,
) -> Duration {
    let unit = "msa-kiosk-session.service";
    let before: u32 = manager.show(unit)["NRestarts"].parse().unwrap();
    let pid = app_pid();
    let sent = Instant::now();
    run(Command::new("kill").args([&format!("-{signal}"), &pid.to_string()]));
    let mut ended = BTreeMap::new();
    manager.wait_for(
        &format!("the session to end after SIG{signal}"),
        unit,
        timeout,
        |state| {
            let restarting = state["SubState"] == "auto-restart";
            if restarting {
                ended = state.clone();
            }
            restarting
        },
    );
    assert!(
        result.contains(&ended["Result"].as_str()) && ended["ExecMainStatus"] == status,
        "after SIG{signal}, systemd says {ended:?}"
    );
    manager.wait_for(
        &format!("the session back after SIG{signal}"),
        unit,
        timeout.saturating_sub(sent.elapsed()),
        |state| {
            state["ActiveState"] == "active"
                && state["NRestarts"].parse::<u32>().unwrap_or(0) > before
        },
    );
    let took = sent.elapsed();
    assert_ne!(app_pid(), pid, "a new app process");
    took
}

#[tokio::test(flavor = "multi_thread")]
async fn the_package_gives_a_supervised_kiosk_that_enrols_and_updates() {
    if let Some(reason) = skip_reason() {
        eprintln!("deploy tests skipped: {reason}");
        return;
    }
    let _turn = harness::one_at_a_time().await;
    let dir = tempfile::Builder::new()
        .prefix("msa-kiosk-deploy-")
        .tempdir()
        .unwrap();
    // The kiosk's user goes through it to its own folders.
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o711)).unwrap();
    let packages = build_packages(dir.path());

    // 1. dpkg -i, and everything where it belongs.
    let installed = Installed::install(&packages.current);
    assert_eq!(
        stdout(Command::new("dpkg-query").args(["-W", "-f=${Version}", PACKAGE])),
        packages.current_version
    );
    check_installed_files();

    // 2. Configure and provision the token, as docs/deployment.md says.
    let backend_dir = dir.path().join("msa-backend");
    std::fs::create_dir_all(&backend_dir).unwrap();
    let backend = Backend::start(&backend_dir);
    write_config(&agency_config(&backend.url, &packages.pubkey));
    run(Command::new(APP).arg("status"));
    provision_token();

    // 3. The session under cage: one whole enrolment, and no second window beside the app.
    let started = Instant::now();
    enrol_under_cage(dir.path(), backend).await;
    eprintln!("deploy: enrolment under cage in {:?}", started.elapsed());
    wait_until(
        "the cage session's processes gone",
        Duration::from_secs(30),
        || {
            !Command::new("pgrep")
                .args(["-u", USER])
                .output()
                .unwrap()
                .status
                .success()
        },
    );

    // 4. The shipped units under a systemd manager.
    let backend_dir = dir.path().join("msa-backend-2");
    std::fs::create_dir_all(&backend_dir).unwrap();
    let backend = Backend::start(&backend_dir);
    write_config(&agency_config(&backend.url, &packages.pubkey));
    let run_dir = tempfile::Builder::new()
        .prefix("msa-kiosk-deploy-")
        .tempdir_in("/run")
        .unwrap();
    std::fs::set_permissions(run_dir.path(), std::fs::Permissions::from_mode(0o711)).unwrap();
    let kiosk_runtime = run_dir.path().join("kiosk");
    kiosk_folder(&kiosk_runtime);
    let manager = Manager::start(
        dir.path(),
        run_dir.path(),
        &units_for_manager(dir.path(), &kiosk_runtime),
    );
    let session = "msa-kiosk-session.service";
    // What postinst does on a system that runs systemd.
    manager.systemctl(&["start", "msa-kiosk-update.path", "msa-kiosk-config.path"]);
    manager.systemctl(&["start", "--no-block", session]);
    let took = manager.wait_for(
        "the session active (welcome screen up)",
        session,
        Duration::from_secs(120),
        |state| state["ActiveState"] == "active",
    );
    eprintln!("deploy: session active {took:?} after start");

    let took = kill_and_wait_back(&manager, "KILL", &["signal"], "9", Duration::from_secs(10));
    eprintln!("deploy: back on the welcome screen {took:?} after SIGKILL");
    let took = kill_and_wait_back(
        &manager,
        "ABRT",
        &["signal", "core-dump"],
        "6",
        Duration::from_secs(10),
    );
    eprintln!(
        "deploy: back on the welcome screen {took:?} after SIGABRT (a release build's panic)"
    );
    // SIGSTOP freezes the main loop: no heartbeat; after WatchdogSec systemd aborts it
    // (SIGABRT, then SIGCONT so that a stopped process gets it).
    let took = kill_and_wait_back(
        &manager,
        "STOP",
        &["watchdog"],
        "6",
        Duration::from_secs(60),
    );
    eprintln!("deploy: back on the welcome screen {took:?} after SIGSTOP (watchdog)");

    // No configuration file: saving (here, removing) it restarts the session, which comes up
    // not configured.
    std::fs::rename(CONFIG, format!("{CONFIG}.off")).unwrap();
    manager.wait_for(
        "the session says it is not configured",
        session,
        Duration::from_secs(60),
        |state| {
            state["ActiveState"] == "active"
                && state["StatusText"] == "not configured: kiosk_id, backend.url"
        },
    );
    // « Cette borne n'est pas encore prête » is what `msa-kiosk status` says too (status.json).
    let status: serde_json::Value = serde_json::from_str(&stdout(
        Command::new(APP)
            .arg("status")
            .env("MSA_KIOSK_DATA_DIR", "/var/lib/msa-kiosk/data"),
    ))
    .unwrap();
    assert_eq!(
        status["availability"]["state"],
        json!("unavailable"),
        "{status}"
    );
    assert_eq!(
        status["availability"]["reason"],
        json!("system.notConfigured"),
        "{status}"
    );

    // A refused file: exit 78, not restarted; fixing the file brings the kiosk back.
    write_config("kiosk_id = \"e2e-kiosk\"\n[idle]\nwarning_seconds = 5\n");
    manager.wait_for(
        "the session failed with 78",
        session,
        Duration::from_secs(60),
        |state| state["SubState"] == "failed" && state["ExecMainStatus"] == "78",
    );
    write_config(&agency_config(&backend.url, &packages.pubkey));
    let took = manager.wait_for(
        "the session back after the fix",
        session,
        Duration::from_secs(60),
        |state| state["ActiveState"] == "active" && state["StatusText"].is_empty(),
    );
    eprintln!("deploy: back {took:?} after the configuration was fixed");

    // 5. The update through the shipped units: what the app's ServiceInstaller writes.
    let before = manager.show(session)["MainPID"].clone();
    let spool = Path::new(SPOOL);
    std::fs::copy(
        &packages.newer,
        spool.join(msa_kiosk::updater::spool::PACKAGE),
    )
    .unwrap();
    std::fs::write(
        spool.join(msa_kiosk::updater::spool::SIGNATURE),
        &packages.newer_signature,
    )
    .unwrap();
    std::fs::write(
        spool.join(msa_kiosk::updater::spool::REQUEST),
        &packages.newer_version,
    )
    .unwrap();
    let result = spool.join(msa_kiosk::updater::spool::RESULT);
    let took = manager.wait_for(
        "the update service's result",
        "msa-kiosk-update.service",
        Duration::from_secs(180),
        |_| result.exists(),
    );
    let said = std::fs::read_to_string(&result).unwrap();
    assert_eq!(said.trim(), format!("installed {}", packages.newer_version));
    eprintln!("deploy: update installed by msa-kiosk-update.service in {took:?}");
    assert_eq!(
        stdout(Command::new("dpkg-query").args(["-W", "-f=${Version}", PACKAGE])),
        packages.newer_version
    );
    manager.wait_for(
        "the session restarted on the new package",
        session,
        Duration::from_secs(120),
        |state| state["ActiveState"] == "active" && state["MainPID"] != before,
    );
    assert!(!spool.join(msa_kiosk::updater::spool::REQUEST).exists());
    drop(manager);
    drop(backend);

    // 6. Remove and purge: nothing of ours is left but the system user (Debian's rule).
    let files: Vec<String> = stdout(Command::new("dpkg").args(["-L", PACKAGE]))
        .lines()
        .filter(|p| Path::new(p).is_file())
        .map(str::to_owned)
        .collect();
    assert!(files.len() >= 10, "the package's files: {files:?}");
    run(Command::new("dpkg").args(["--purge", PACKAGE]));
    for path in &files {
        assert!(
            !Path::new(path).exists(),
            "{path} is still there after purge"
        );
    }
    for path in ["/etc/msa-kiosk", "/var/lib/msa-kiosk", SESSION, APP] {
        assert!(
            !Path::new(path).exists(),
            "{path} is still there after purge"
        );
    }
    let links = stdout(Command::new("find").args(["/etc/systemd/system", "-name", "msa-kiosk*"]));
    assert!(links.is_empty(), "units left enabled after purge: {links}");
    assert!(Command::new("getent")
        .args(["passwd", USER])
        .output()
        .unwrap()
        .status
        .success());
    drop(installed);
}
