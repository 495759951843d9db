//! Signed self-update of the kiosk fleet (see `docs/updates.md`).
//!
//! `tauri-plugin-updater` is driven from Rust only: the webview has no updater permission.
//! The feed's URLs and public key come from `tauri.conf.json` (`plugins.updater`) unless the
//! agency's configuration file names others (`[updater] endpoints`, `pubkey`).
//!
//! One cycle: check the feed → download in the background (the plugin verifies the minisign
//! signature before handing the bytes over) → wait until nobody is enrolling (no session: the
//! welcome screen, after the idle return) → close the [`InstallGate`] so no session can start →
//! install → restart into the new version, on the welcome screen. Anything refused (bad
//! signature, wrong target, an older version, a broken download, a silent feed) is logged and
//! written to `status.json` (`msa-kiosk status`), and the kiosk keeps running its version.
//!
//! The policy (feed, schedule, deferral, status) is plain Rust; the plugin is reached through
//! [`Checker`] and the installers. Nothing personal is ever logged here: versions, URLs of the
//! feed and result codes only.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use base64::Engine;
use semver::Version;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tauri::{Manager, Runtime};
use tauri_plugin_updater::{Update, Updater, UpdaterExt};
use url::Url;

use crate::config::{is_loopback, UpdateInstall, UpdaterConfig};
use crate::ops::status_file::{merge as merge_status, now_rfc3339, rfc3339};

/// `tauri.conf.json` as built into the binary: the bundled feed and public key.
const BUNDLED_CONF: &str = include_str!("../../../tauri.conf.json");

/// Spread of the periodic checks around `check_interval_minutes`: ±15 %.
pub const JITTER: f64 = 0.15;
/// The first check after start comes at a random moment in this window, so that a fleet
/// switched on at 8:00 does not hit the feed in the same second.
pub const FIRST_CHECK_WINDOW: (Duration, Duration) =
    (Duration::from_secs(15), Duration::from_secs(180));
/// How long the welcome screen must have been shown, uninterrupted, before installing.
pub const QUIET_BEFORE_INSTALL: Duration = Duration::from_secs(20);
/// How often the session is looked at while an update waits.
pub const IDLE_POLL: Duration = Duration::from_secs(2);
/// Timeout of the feed request.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(30);
/// Timeout of the whole download (a `.deb` is ~6 MiB).
pub const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(600);
/// The folder shared with the root update service (`install = "service"`).
pub const DEFAULT_SPOOL: &str = "/var/lib/msa-kiosk/update";

// ---------------------------------------------------------------------------------------------
// The feed
// ---------------------------------------------------------------------------------------------

/// The feed the kiosk uses once the agency's file and `tauri.conf.json` are merged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feed {
    pub endpoints: Vec<Url>,
    /// The public key as `tauri signer generate` writes it: base64 of the minisign key file.
    pub pubkey: String,
    /// Every endpoint is on this machine (a test feed): only then may plain http be used.
    pub loopback_only: bool,
}

/// Why the updater is off. The kiosk runs on; `status.json` says why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedProblem {
    #[error("no update feed: set `[updater] endpoints` in the configuration file or `plugins.updater.endpoints` in tauri.conf.json")]
    NoEndpoints,
    #[error("no public key: set `[updater] pubkey` in the configuration file or `plugins.updater.pubkey` in tauri.conf.json")]
    NoPubkey,
    #[error("the feed URL {0} is not https:// (plain http:// is allowed on loopback only)")]
    InsecureEndpoint(String),
    #[error("the feed URL {0:?} in tauri.conf.json is not a URL")]
    BadEndpoint(String),
    #[error("the updater public key cannot be read: {0}")]
    BadPubkey(String),
    #[error("the updater cannot start: {0}")]
    Plugin(String),
}

/// `plugins.updater` of the bundled `tauri.conf.json`.
pub fn bundled_settings() -> Value {
    serde_json::from_str::<Value>(BUNDLED_CONF)
        .ok()
        .and_then(|conf| conf.pointer("/plugins/updater").cloned())
        .unwrap_or(Value::Null)
}

impl Feed {
    /// The agency's file wins over `tauri.conf.json`, key by key.
    pub fn resolve(config: &UpdaterConfig) -> Result<Feed, FeedProblem> {
        Feed::resolve_with(config, &bundled_settings())
    }

    pub fn resolve_with(config: &UpdaterConfig, bundled: &Value) -> Result<Feed, FeedProblem> {
        let endpoints = if config.endpoints.is_empty() {
            let mut endpoints = Vec::new();
            for text in bundled["endpoints"].as_array().into_iter().flatten() {
                let text = text.as_str().unwrap_or_default();
                endpoints
                    .push(Url::parse(text).map_err(|_| FeedProblem::BadEndpoint(text.into()))?);
            }
            endpoints
        } else {
            config.endpoints.clone()
        };
        if endpoints.is_empty() {
            return Err(FeedProblem::NoEndpoints);
        }
        for url in &endpoints {
            if !(url.scheme() == "https" || url.scheme() == "http" && is_loopback(url)) {
                return Err(FeedProblem::InsecureEndpoint(url.to_string()));
            }
        }
        let pubkey = effective_pubkey(config, bundled)?;
        let loopback_only = endpoints.iter().all(is_loopback);
        Ok(Feed {
            endpoints,
            pubkey,
            loopback_only,
        })
    }

    /// A download URL announced by the feed: https, or loopback http when the feed itself is
    /// on this machine. The plugin only warns about a plain http download; we refuse it.
    pub fn accepts_download_url(&self, url: &Url) -> bool {
        url.scheme() == "https"
            || (url.scheme() == "http" && self.loopback_only && is_loopback(url))
    }
}

/// The public key to check updates with (also what the root update service uses).
pub fn effective_pubkey(config: &UpdaterConfig, bundled: &Value) -> Result<String, FeedProblem> {
    let raw = config
        .pubkey
        .clone()
        .or_else(|| bundled["pubkey"].as_str().map(str::to_owned))
        .map(|key| key.trim().to_owned())
        .filter(|key| !key.is_empty())
        .ok_or(FeedProblem::NoPubkey)?;
    // Accept the key file's two lines as well as their base64 (what `tauri signer` prints).
    let pubkey = if raw.starts_with("untrusted comment:") {
        base64::engine::general_purpose::STANDARD.encode(format!("{raw}\n"))
    } else {
        raw
    };
    decode_pubkey(&pubkey).map_err(FeedProblem::BadPubkey)?;
    Ok(pubkey)
}

/// The minisign key inside the base64 text that `tauri signer generate` writes.
pub fn decode_pubkey(pubkey: &str) -> Result<minisign_verify::PublicKey, String> {
    let text = decode_base64_text(pubkey)?;
    minisign_verify::PublicKey::decode(&text).map_err(|e| e.to_string())
}

fn decode_base64_text(text: &str) -> Result<String, String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|e| format!("not base64 ({e})"))?;
    String::from_utf8(bytes).map_err(|_| "not text once decoded".to_owned())
}

/// Writes the effective feed into the plugin's configuration before the app is built, so that
/// the plugin and this module agree. Whatever `tauri.conf.json` says: never a downgrade, every
/// signature bound to its version, TLS checked, plain http only when every endpoint is loopback.
pub fn configure_context<R: Runtime>(context: &mut tauri::Context<R>, feed: Option<&Feed>) {
    let plugins = &mut context.config_mut().plugins.0;
    let mut settings = plugins
        .get("updater")
        .cloned()
        .filter(Value::is_object)
        .unwrap_or_else(|| json!({ "pubkey": "" }));
    settings["allowDowngrades"] = json!(false);
    settings["requireSignedVersion"] = json!(true);
    settings["dangerousAcceptInvalidCerts"] = json!(false);
    settings["dangerousAcceptInvalidHostnames"] = json!(false);
    match feed {
        Some(feed) => {
            settings["endpoints"] = json!(feed.endpoints);
            settings["pubkey"] = json!(feed.pubkey);
            settings["dangerousInsecureTransportProtocol"] = json!(feed.loopback_only);
        }
        None => {
            // Off: no endpoint the plugin could refuse at start (which would stop the app).
            settings["endpoints"] = json!([]);
            settings["dangerousInsecureTransportProtocol"] = json!(false);
        }
    }
    plugins.insert("updater".into(), settings);
}

/// For `run_app`, before `tauri::Builder::run`: resolves the feed and configures the plugin.
pub fn prepare<R: Runtime>(
    context: &mut tauri::Context<R>,
    config: &UpdaterConfig,
) -> Result<Feed, FeedProblem> {
    let feed = Feed::resolve(config);
    configure_context(context, feed.as_ref().ok());
    feed
}

// ---------------------------------------------------------------------------------------------
// Schedule
// ---------------------------------------------------------------------------------------------

/// `interval` moved by up to ±[`JITTER`]; `unit` is a random number in [-1, 1].
pub fn jittered(interval: Duration, unit: f64) -> Duration {
    interval.mul_f64(1.0 + JITTER * unit.clamp(-1.0, 1.0))
}

/// The delay before the first check; `unit` is a random number in [0, 1].
pub fn first_check_delay(unit: f64) -> Duration {
    let (min, max) = FIRST_CHECK_WINDOW;
    min + (max - min).mul_f64(unit.clamp(0.0, 1.0))
}

/// The delays of one kiosk's checks.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    pub interval: Duration,
    pub idle_poll: Duration,
    pub quiet: Duration,
}

impl Timing {
    pub fn for_interval(interval: Duration) -> Timing {
        Timing {
            interval,
            idle_poll: IDLE_POLL,
            quiet: QUIET_BEFORE_INSTALL,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Results and status.json
// ---------------------------------------------------------------------------------------------

/// Why an update was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// No endpoint answered, or none answered with a release.
    FeedUnreachable,
    /// The feed answered something that is not a valid release manifest.
    FeedInvalid,
    /// The release has no build for this platform and package type.
    WrongTarget,
    /// The feed announces a version older than the running one.
    Downgrade,
    /// The feed points the download at a plain http URL on another machine.
    InsecureDownload,
    /// The download failed or was cut.
    Download,
    /// The bytes do not match the signature, the signature is from another key, or is bound to
    /// another version.
    Signature,
}

impl Reason {
    pub fn code(self) -> &'static str {
        match self {
            Reason::FeedUnreachable => "refused.feedUnreachable",
            Reason::FeedInvalid => "refused.feedInvalid",
            Reason::WrongTarget => "refused.wrongTarget",
            Reason::Downgrade => "refused.downgrade",
            Reason::InsecureDownload => "refused.insecureDownload",
            Reason::Download => "refused.download",
            Reason::Signature => "refused.signature",
        }
    }
}

/// How one cycle ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    UpToDate,
    Refused(Reason, String),
    /// Installed: the app must restart into it.
    Installed {
        version: String,
    },
    /// Verified but the installer failed: the kiosk keeps its version and tries again later.
    InstallFailed {
        version: String,
        detail: String,
    },
}

impl Outcome {
    pub fn code(&self) -> &'static str {
        match self {
            Outcome::UpToDate => "upToDate",
            Outcome::Refused(reason, _) => reason.code(),
            Outcome::Installed { .. } => "installed",
            Outcome::InstallFailed { .. } => "installFailed",
        }
    }
}

/// The `updater` object of `<data_dir>/status.json`, what `msa-kiosk status` prints.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UpdaterStatus {
    pub current_version: String,
    pub feed: Vec<String>,
    pub last_check: Option<String>,
    /// `upToDate`, `downloaded`, `deferred`, `installing`, `installed`, `installFailed`,
    /// `disabled` or `refused.<reason>`.
    pub last_result: String,
    pub detail: Option<String>,
    /// The version downloaded or being installed.
    pub available_version: Option<String>,
    pub next_check: Option<String>,
    pub updated_at: String,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The kiosk's updater status, kept in memory and written to `status.json` on every change.
pub struct StatusFile {
    path: PathBuf,
    state: Mutex<UpdaterStatus>,
}

impl StatusFile {
    /// Starts from what the previous run wrote: an `installing` entry for the version now
    /// running becomes `installed`; for another version, `installFailed`.
    pub fn open(data_dir: &Path, current_version: &str) -> StatusFile {
        let path = data_dir.join("status.json");
        let previous = std::fs::read_to_string(&path)
            .ok()
            .and_then(|text| serde_json::from_str::<Value>(&text).ok())
            .and_then(|root| serde_json::from_value::<UpdaterStatus>(root["updater"].clone()).ok())
            .unwrap_or_default();
        let mut state = previous.clone();
        state.current_version = current_version.to_owned();
        if previous.last_result == "installing" {
            let wanted = previous.available_version.clone().unwrap_or_default();
            if wanted == current_version {
                state.last_result = "installed".into();
                state.detail = Some(format!("restarted into version {current_version}"));
                tracing::info!(version = current_version, "update installed, running it");
            } else {
                state.last_result = "installFailed".into();
                state.detail = Some(format!(
                    "the kiosk restarted on version {current_version}, not on {wanted}"
                ));
                tracing::warn!(
                    version = current_version,
                    wanted,
                    "restarted on the old version"
                );
            }
            state.available_version = None;
        }
        let file = StatusFile {
            path,
            state: Mutex::new(state),
        };
        file.record(|_| {});
        file
    }

    pub fn snapshot(&self) -> UpdaterStatus {
        lock(&self.state).clone()
    }

    /// Changes the status and writes it. A status that cannot be written is logged, never fatal.
    pub fn record(&self, change: impl FnOnce(&mut UpdaterStatus)) {
        let mut state = lock(&self.state);
        change(&mut state);
        state.updated_at = now_rfc3339();
        let value = serde_json::to_value(&*state).unwrap_or(Value::Null);
        if let Err(error) = merge_status(&self.path, "updater", value) {
            tracing::warn!(%error, "cannot write status.json");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The plugin: check and download
// ---------------------------------------------------------------------------------------------

/// The plugin's updater for the effective feed, with the version seen on the feed remembered
/// so that "older than mine" is told apart from "the same as mine".
pub struct Checker {
    updater: Updater,
    feed: Feed,
    current: Version,
    seen: Arc<Mutex<Option<Version>>>,
}

impl Checker {
    /// Needs the updater plugin registered on `app` (with [`configure_context`] applied).
    pub fn new<R: Runtime, M: Manager<R>>(app: &M, feed: Feed) -> Result<Checker, FeedProblem> {
        let seen: Arc<Mutex<Option<Version>>> = Arc::new(Mutex::new(None));
        let seen_by_comparator = seen.clone();
        let plugin = |e: tauri_plugin_updater::Error| FeedProblem::Plugin(e.to_string());
        let updater = app
            .updater_builder()
            .endpoints(feed.endpoints.clone())
            .map_err(plugin)?
            .pubkey(feed.pubkey.clone())
            .timeout(CHECK_TIMEOUT)
            // Strictly newer only: never a downgrade, whatever the configuration says.
            .version_comparator(move |current, release| {
                *lock(&seen_by_comparator) = Some(release.version.clone());
                release.version > current
            })
            .build()
            .map_err(plugin)?;
        Ok(Checker {
            updater,
            feed,
            current: app.package_info().version.clone(),
            seen,
        })
    }

    pub fn current_version(&self) -> &Version {
        &self.current
    }

    pub fn feed(&self) -> &Feed {
        &self.feed
    }

    /// `Ok(None)`: nothing newer. A release older than the running one is refused.
    pub async fn check(&self) -> Result<Option<Update>, (Reason, String)> {
        *lock(&self.seen) = None;
        match self.updater.check().await {
            Ok(Some(mut update)) => {
                update.timeout = Some(DOWNLOAD_TIMEOUT);
                if !self.feed.accepts_download_url(&update.download_url) {
                    return Err((
                        Reason::InsecureDownload,
                        format!(
                            "version {} is offered at {}, which is not https://",
                            update.version, update.download_url
                        ),
                    ));
                }
                Ok(Some(update))
            }
            Ok(None) => match lock(&self.seen).clone() {
                Some(seen) if seen < self.current => Err((
                    Reason::Downgrade,
                    format!(
                        "the feed offers version {seen}, older than the running {}",
                        self.current
                    ),
                )),
                _ => Ok(None),
            },
            Err(error) => Err((classify_check_error(&error), error.to_string())),
        }
    }

    /// Downloads the update; the plugin checks the signature before returning the bytes.
    pub async fn download(&self, update: &Update) -> Result<Vec<u8>, (Reason, String)> {
        let bytes = update
            .download(|_, _| {}, || {})
            .await
            .map_err(|error| (classify_download_error(&error), error.to_string()))?;
        // Checked again here, with the feed's key and whatever the plugin's configuration says:
        // the package must be bound to the announced version (no old package under a new
        // number). The plugin's check is the one that counts; this one holds if it changes.
        let signed = verify_package(&self.feed.pubkey, &update.signature, &bytes)
            .map_err(|detail| (Reason::Signature, detail))?;
        if signed.to_string() != update.version {
            return Err((
                Reason::Signature,
                format!(
                    "the package is signed for version {signed}, the feed announces {}",
                    update.version
                ),
            ));
        }
        Ok(bytes)
    }
}

fn classify_check_error(error: &tauri_plugin_updater::Error) -> Reason {
    use tauri_plugin_updater::Error as E;
    match error {
        E::Reqwest(e) if e.is_decode() => Reason::FeedInvalid,
        E::Reqwest(_) | E::ReleaseNotFound | E::Network(_) | E::Io(_) => Reason::FeedUnreachable,
        E::TargetNotFound(_) | E::TargetsNotFound(_) | E::UnsupportedOs | E::UnsupportedArch => {
            Reason::WrongTarget
        }
        _ => Reason::FeedInvalid,
    }
}

fn classify_download_error(error: &tauri_plugin_updater::Error) -> Reason {
    use tauri_plugin_updater::Error as E;
    match error {
        E::Minisign(_)
        | E::Base64(_)
        | E::SignatureUtf8(_)
        | E::SignedVersionMismatch { .. }
        | E::MissingSignedVersion => Reason::Signature,
        _ => Reason::Download,
    }
}

// ---------------------------------------------------------------------------------------------
// The gate and the installers
// ---------------------------------------------------------------------------------------------

/// Closed while an update installs: `start_session` refuses to start an enrolment then.
///
/// The updater closes it, *then* checks that no session exists; `start_session` checks it
/// while holding the session lock. So a session never starts under an installation.
#[derive(Debug, Default)]
pub struct InstallGate {
    closed: AtomicBool,
}

impl InstallGate {
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::SeqCst)
    }
    fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
    }
    fn open(&self) {
        self.closed.store(false, Ordering::SeqCst);
    }
}

/// The app's gate (one app per process); tests give their agents their own.
static APP_GATE: OnceLock<Arc<InstallGate>> = OnceLock::new();

/// For `start_session`, under the session lock: an update is being installed, no enrolment may
/// start.
pub fn install_in_progress() -> bool {
    APP_GATE.get().is_some_and(|gate| gate.is_closed())
}

/// Installs bytes whose signature was verified. Blocking; run off the async runtime.
pub trait Installer: Send + Sync {
    fn install(&self, update: &Update, bytes: &[u8]) -> Result<(), String>;
}

/// The plugin's own installer: `dpkg -i` through pkexec (then zenity + sudo, then sudo) on
/// Linux; the NSIS/MSI installer in passive mode on Windows, which exits the app.
pub struct PluginInstaller;

impl Installer for PluginInstaller {
    fn install(&self, update: &Update, bytes: &[u8]) -> Result<(), String> {
        // Built with `cargo build` and not installed from a package: the plugin would take the
        // binary for an AppImage and overwrite it with the package.
        if tauri::utils::platform::bundle_type().is_none() {
            return Err("this build was not installed from a package (.deb, .msi, NSIS), so it cannot update itself".into());
        }
        update.install(bytes).map_err(|e| e.to_string())
    }
}

/// Hands the verified package to the root update service (`msa-kiosk apply-update`, started by
/// the `msa-kiosk-update.path` unit): the kiosk's user needs no privilege at all.
pub struct ServiceInstaller {
    pub spool: PathBuf,
    /// How long the service may take to pick the request up (it is started by a path unit,
    /// so within a second when it is installed).
    pub pickup: Duration,
    /// How long `dpkg -i` may take.
    pub install: Duration,
    pub poll: Duration,
}

/// The files of the spool folder.
pub mod spool {
    pub const PACKAGE: &str = "package.deb";
    pub const SIGNATURE: &str = "package.deb.sig";
    pub const REQUEST: &str = "request";
    pub const RESULT: &str = "result";
}

impl ServiceInstaller {
    pub fn new(spool: PathBuf) -> ServiceInstaller {
        ServiceInstaller {
            spool,
            pickup: Duration::from_secs(30),
            install: Duration::from_secs(600),
            poll: Duration::from_millis(500),
        }
    }
}

impl Installer for ServiceInstaller {
    fn install(&self, update: &Update, bytes: &[u8]) -> Result<(), String> {
        let at = |name: &str| self.spool.join(name);
        let io = |what: &str, e: std::io::Error| format!("{what} in {}: {e}", self.spool.display());
        let _ = std::fs::remove_file(at(spool::RESULT));
        write_atomically(&at(spool::PACKAGE), bytes)
            .map_err(|e| io("cannot write the package", e))?;
        write_atomically(&at(spool::SIGNATURE), update.signature.as_bytes())
            .map_err(|e| io("cannot write the signature", e))?;
        // Last: the request is what starts the service.
        write_atomically(&at(spool::REQUEST), update.version.as_bytes())
            .map_err(|e| io("cannot write the request", e))?;

        let started = Instant::now();
        while at(spool::REQUEST).exists() {
            if started.elapsed() > self.pickup {
                let _ = std::fs::remove_file(at(spool::REQUEST));
                return Err(format!(
                    "the update service did not pick the request up within {:?}: is msa-kiosk-update.path enabled (docs/updates.md)?",
                    self.pickup
                ));
            }
            std::thread::sleep(self.poll);
        }
        let started = Instant::now();
        loop {
            if let Ok(text) = std::fs::read_to_string(at(spool::RESULT)) {
                let _ = std::fs::remove_file(at(spool::RESULT));
                let _ = std::fs::remove_file(at(spool::PACKAGE));
                return match text.trim().split_once(' ') {
                    Some(("installed", version)) if version == update.version => Ok(()),
                    _ => Err(format!("the update service says: {}", text.trim())),
                };
            }
            if started.elapsed() > self.install {
                return Err(format!(
                    "the update service gave no result within {:?}",
                    self.install
                ));
            }
            std::thread::sleep(self.poll);
        }
    }
}

/// Writes a new file next to `path` and renames it over `path`; never follows a link there.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    let _ = std::fs::remove_file(&tmp);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)
}

// ---------------------------------------------------------------------------------------------
// The cycle
// ---------------------------------------------------------------------------------------------

/// Everything one kiosk's updater needs; [`start`] builds it for the app, tests build their own.
pub struct Agent {
    pub checker: Checker,
    /// True while an enrolment is in progress (a session exists).
    pub is_busy: Arc<dyn Fn() -> bool + Send + Sync>,
    pub gate: Arc<InstallGate>,
    pub installer: Arc<dyn Installer>,
    pub status: Arc<StatusFile>,
    pub timing: Timing,
}

impl Agent {
    /// Check → download → wait for the welcome screen → install. Never interrupts a session.
    pub async fn cycle(&self) -> Outcome {
        self.status.record(|s| {
            s.last_check = Some(now_rfc3339());
            s.feed = self
                .checker
                .feed()
                .endpoints
                .iter()
                .map(Url::to_string)
                .collect();
        });
        let update = match self.checker.check().await {
            Ok(Some(update)) => update,
            Ok(None) => return self.finish(Outcome::UpToDate),
            Err((reason, detail)) => return self.finish(Outcome::Refused(reason, detail)),
        };
        let version = update.version.clone();
        tracing::info!(
            current = %self.checker.current_version(),
            version,
            "update found, downloading"
        );
        let bytes = match self.checker.download(&update).await {
            Ok(bytes) => bytes,
            Err((reason, detail)) => return self.finish(Outcome::Refused(reason, detail)),
        };
        tracing::info!(
            version,
            size = bytes.len(),
            "update downloaded, signature verified"
        );
        self.status.record(|s| {
            s.last_result = "downloaded".into();
            s.detail = Some(format!(
                "version {version} downloaded and verified; installs on the welcome screen"
            ));
            s.available_version = Some(version.clone());
        });

        self.wait_for_welcome_screen(&version).await;
        // The gate is closed: no session can start until the app restarts.
        self.status.record(|s| {
            s.last_result = "installing".into();
            s.detail = Some(format!("installing version {version}"));
        });
        tracing::info!(version, "installing the update");
        let installer = self.installer.clone();
        let result = tokio::task::spawn_blocking(move || installer.install(&update, &bytes))
            .await
            .unwrap_or_else(|e| Err(format!("the installer stopped: {e}")));
        match result {
            Ok(()) => self.finish(Outcome::Installed { version }),
            Err(detail) => {
                self.gate.open();
                self.finish(Outcome::InstallFailed { version, detail })
            }
        }
    }

    /// Returns once nobody has been enrolling for `quiet`, with the gate closed.
    async fn wait_for_welcome_screen(&self, version: &str) {
        let mut deferred = false;
        let mut idle_since: Option<Instant> = None;
        loop {
            if (self.is_busy)() {
                idle_since = None;
                if !deferred {
                    deferred = true;
                    tracing::info!(version, "update deferred: an enrolment is in progress");
                    self.status.record(|s| {
                        s.last_result = "deferred".into();
                        s.detail = Some(format!(
                            "version {version} ready; waiting for the enrolment in progress to end"
                        ));
                    });
                }
            } else if idle_since.get_or_insert_with(Instant::now).elapsed() >= self.timing.quiet {
                self.gate.close();
                // Checked again after closing: a session that started meanwhile wins.
                if !(self.is_busy)() {
                    return;
                }
                self.gate.open();
                idle_since = None;
                continue;
            }
            tokio::time::sleep(self.timing.idle_poll).await;
        }
    }

    fn finish(&self, outcome: Outcome) -> Outcome {
        let code = outcome.code();
        match &outcome {
            Outcome::UpToDate => {
                tracing::info!(version = %self.checker.current_version(), "up to date");
                self.status.record(|s| {
                    s.last_result = code.into();
                    s.detail = None;
                    s.available_version = None;
                });
            }
            Outcome::Refused(_, detail) => {
                tracing::warn!(
                    result = code,
                    detail,
                    "update refused; keeping the running version"
                );
                self.status.record(|s| {
                    s.last_result = code.into();
                    s.detail = Some(detail.clone());
                    s.available_version = None;
                });
            }
            Outcome::Installed { version } => {
                tracing::info!(version, "update installed, restarting");
                // Stays `installing` until the new version starts and says `installed`.
                self.status.record(|s| {
                    s.last_result = "installing".into();
                    s.detail = Some(format!("version {version} installed; restarting into it"));
                    s.available_version = Some(version.clone());
                });
            }
            Outcome::InstallFailed { version, detail } => {
                tracing::error!(
                    version,
                    detail,
                    "update installation failed; keeping the running version"
                );
                self.status.record(|s| {
                    s.last_result = code.into();
                    s.detail = Some(detail.clone());
                    s.available_version = None;
                });
            }
        }
        outcome
    }

    /// Cycles forever; `restart` is called once an update is installed.
    pub async fn run(self, restart: impl Fn() + Send + 'static) {
        tokio::time::sleep(first_check_delay(rand::random::<f64>())).await;
        loop {
            if let Outcome::Installed { .. } = self.cycle().await {
                restart();
                return;
            }
            let delay = jittered(self.timing.interval, rand::random::<f64>() * 2.0 - 1.0);
            let next = time::OffsetDateTime::now_utc() + delay;
            self.status.record(|s| s.next_check = Some(rfc3339(next)));
            tokio::time::sleep(delay).await;
        }
    }
}

/// Starts the updater in the app's `setup`, after `AppState` is managed.
/// `is_busy` says whether an enrolment is in progress (a session exists).
pub fn start<R: Runtime>(
    app: &tauri::AppHandle<R>,
    feed: Result<Feed, FeedProblem>,
    config: &UpdaterConfig,
    data_dir: &Path,
    is_busy: impl Fn() -> bool + Send + Sync + 'static,
) {
    let gate = APP_GATE.get_or_init(Arc::default).clone();
    let status = Arc::new(StatusFile::open(
        data_dir,
        &app.package_info().version.to_string(),
    ));
    let checker = feed.and_then(|feed| Checker::new(app, feed));
    let checker = match checker {
        Ok(checker) => checker,
        Err(problem) => {
            tracing::warn!(%problem, "updater off");
            status.record(|s| {
                s.last_result = "disabled".into();
                s.detail = Some(problem.to_string());
                s.feed.clear();
            });
            return;
        }
    };
    let installer: Arc<dyn Installer> = match config.install {
        UpdateInstall::Plugin => Arc::new(PluginInstaller),
        UpdateInstall::Service => Arc::new(ServiceInstaller::new(DEFAULT_SPOOL.into())),
    };
    let agent = Agent {
        checker,
        is_busy: Arc::new(is_busy),
        gate,
        installer,
        status,
        timing: Timing::for_interval(config.check_interval),
    };
    let handle = app.clone();
    tauri::async_runtime::spawn(agent.run(move || {
        handle.restart();
    }));
}

// ---------------------------------------------------------------------------------------------
// The root side: `msa-kiosk apply-update`
// ---------------------------------------------------------------------------------------------

/// What the root service checks before installing a spooled package, whoever wrote it:
/// the signature by the trusted key (read from root-owned files, never from the spool), the
/// version it is bound to (the one requested, newer than the installed one).
pub fn verify_spooled(
    spool_dir: &Path,
    pubkey: &str,
    installed: &Version,
) -> Result<(Version, Vec<u8>), String> {
    let read = |name: &str, limit: u64| -> Result<Vec<u8>, String> {
        let path = spool_dir.join(name);
        let meta = std::fs::symlink_metadata(&path).map_err(|e| format!("{name}: {e}"))?;
        if !meta.file_type().is_file() || meta.len() > limit {
            return Err(format!(
                "{name} is not a regular file of at most {limit} bytes"
            ));
        }
        std::fs::read(&path).map_err(|e| format!("{name}: {e}"))
    };
    let requested = String::from_utf8(read(spool::REQUEST, 64)?).unwrap_or_default();
    let requested = Version::parse(requested.trim().trim_start_matches('v'))
        .map_err(|_| "the request names no version".to_owned())?;
    let signature = String::from_utf8(read(spool::SIGNATURE, 4096)?)
        .map_err(|_| "the signature is not text".to_owned())?;
    let package = read(spool::PACKAGE, 1 << 30)?;

    let signed = verify_package(pubkey, &signature, &package)?;
    if signed != requested {
        return Err(format!(
            "the package is signed for version {signed}, not {requested}"
        ));
    }
    if signed <= *installed {
        return Err(format!(
            "version {signed} is not newer than the installed {installed}"
        ));
    }
    Ok((signed, package))
}

/// Checks `package` against `signature` (base64, as in latest.json) and the base64 `pubkey`,
/// and returns the version the signature is bound to (its trusted comment's `version:`).
pub fn verify_package(pubkey: &str, signature: &str, package: &[u8]) -> Result<Version, String> {
    let key = decode_pubkey(pubkey)?;
    let signature = minisign_verify::Signature::decode(&decode_base64_text(signature)?)
        .map_err(|e| format!("signature: {e}"))?;
    key.verify(package, &signature, true)
        .map_err(|e| format!("signature: {e}"))?;
    let signed = signature
        .trusted_comment()
        .split('\t')
        .find_map(|field| field.strip_prefix("version:"))
        .ok_or("the signature is bound to no version")?;
    Version::parse(signed.trim_start_matches('v'))
        .map_err(|_| "the signature is bound to no valid version".to_owned())
}

/// The version this binary runs as: tauri.conf.json's, as the app's `package_info` says.
pub fn installed_version() -> Version {
    serde_json::from_str::<Value>(BUNDLED_CONF)
        .ok()
        .and_then(|conf| conf["version"].as_str().map(str::to_owned))
        .and_then(|text| Version::parse(&text).ok())
        .unwrap_or_else(|| {
            Version::parse(env!("CARGO_PKG_VERSION")).expect("the crate version is SemVer")
        })
}

/// `msa-kiosk apply-update [--spool DIR]`, run as root by `msa-kiosk-update.service`.
/// Exit code 0 when installed.
pub fn apply_update_command(config: &UpdaterConfig, args: &[String]) -> i32 {
    let spool_dir = args
        .windows(2)
        .find(|pair| pair[0] == "--spool")
        .map(|pair| PathBuf::from(&pair[1]))
        .unwrap_or_else(|| PathBuf::from(DEFAULT_SPOOL));
    if !spool_dir.join(spool::REQUEST).exists() {
        eprintln!("msa-kiosk: no update request in {}", spool_dir.display());
        return 0;
    }
    let installed = installed_version();
    let verified = effective_pubkey(config, &bundled_settings())
        .map_err(|e| e.to_string())
        .and_then(|pubkey| verify_spooled(&spool_dir, &pubkey, &installed));
    // Everything is in memory now. Removing the request tells the kiosk it was picked up, and
    // keeps the path unit from starting the service again.
    let _ = std::fs::remove_file(spool_dir.join(spool::REQUEST));
    let _ = std::fs::remove_file(spool_dir.join(spool::PACKAGE));
    let result =
        verified.and_then(|(version, package)| install_deb_as_root(&package).map(|()| version));
    let (text, code) = match &result {
        Ok(version) => (format!("installed {version}"), 0),
        Err(reason) => (format!("failed {reason}"), 1),
    };
    eprintln!("msa-kiosk: {text}");
    if let Err(e) = write_atomically(&spool_dir.join(spool::RESULT), text.as_bytes()) {
        eprintln!("msa-kiosk: cannot write the result: {e}");
    }
    code
}

#[cfg(not(target_os = "linux"))]
fn install_deb_as_root(_package: &[u8]) -> Result<(), String> {
    Err("the update service exists on Linux only; use `install = \"plugin\"`".into())
}

/// Installs the verified package with `dpkg -i`, from a copy only root can change, after
/// checking that it is the package this binary came from.
#[cfg(target_os = "linux")]
fn install_deb_as_root(package: &[u8]) -> Result<(), String> {
    use std::os::unix::fs::DirBuilderExt;
    use std::process::Command;

    let dir = std::env::temp_dir().join(format!("msa-kiosk-update-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::DirBuilder::new()
        .mode(0o700)
        .create(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    let file = dir.join("update.deb");
    let outcome = (|| {
        write_atomically(&file, package).map_err(|e| format!("{}: {e}", file.display()))?;
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let owner = Command::new("dpkg-query")
            .arg("-S")
            .arg(&exe)
            .output()
            .map_err(|e| format!("dpkg-query: {e}"))?;
        let owner = String::from_utf8_lossy(&owner.stdout);
        let owner = owner
            .split(": ")
            .next()
            .and_then(|name| name.split(':').next())
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .ok_or_else(|| format!("{} was not installed from a package", exe.display()))?
            .to_owned();
        let field = Command::new("dpkg-deb")
            .args(["--field"])
            .arg(&file)
            .arg("Package")
            .output()
            .map_err(|e| format!("dpkg-deb: {e}"))?;
        let name = String::from_utf8_lossy(&field.stdout).trim().to_owned();
        if name != owner {
            return Err(format!("the package is {name:?}, not {owner:?}"));
        }
        let status = Command::new("dpkg")
            .arg("-i")
            .arg(&file)
            .status()
            .map_err(|e| format!("dpkg: {e}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("dpkg -i failed ({status})"))
        }
    })();
    let _ = std::fs::remove_dir_all(&dir);
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(endpoints: &[&str], pubkey: Option<&str>) -> UpdaterConfig {
        UpdaterConfig {
            endpoints: endpoints.iter().map(|u| Url::parse(u).unwrap()).collect(),
            pubkey: pubkey.map(str::to_owned),
            check_interval: Duration::from_secs(3600),
            install: UpdateInstall::Plugin,
        }
    }

    struct Keys {
        pk: minisign::PublicKey,
        sk: minisign::SecretKey,
    }

    fn keys() -> Keys {
        let pair = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
        Keys {
            pk: pair.pk,
            sk: pair.sk,
        }
    }

    impl Keys {
        fn pubkey(&self) -> String {
            base64::engine::general_purpose::STANDARD.encode(self.pk.to_box().unwrap().to_string())
        }
        fn sign(&self, data: &[u8], version: &str) -> String {
            let comment = format!("timestamp:1\tfile:update.deb\tversion:{version}");
            let sig = minisign::sign(Some(&self.pk), &self.sk, data, Some(&comment), None).unwrap();
            base64::engine::general_purpose::STANDARD.encode(sig.to_string())
        }
    }

    #[test]
    fn the_agency_file_wins_over_tauri_conf() {
        let bundled_key = keys().pubkey();
        let agency_key = keys().pubkey();
        let bundled = json!({ "endpoints": ["https://national.example.fr/latest.json"], "pubkey": bundled_key });

        let feed = Feed::resolve_with(&config(&[], None), &bundled).unwrap();
        assert_eq!(
            feed.endpoints[0].as_str(),
            "https://national.example.fr/latest.json"
        );
        assert_eq!(feed.pubkey, bundled_key);
        assert!(!feed.loopback_only);

        let feed = Feed::resolve_with(
            &config(
                &["https://agence.example.fr/kiosk/latest.json"],
                Some(&agency_key),
            ),
            &bundled,
        )
        .unwrap();
        assert_eq!(feed.endpoints[0].host_str(), Some("agence.example.fr"));
        assert_eq!(feed.pubkey, agency_key);
    }

    #[test]
    fn a_missing_or_bad_feed_turns_the_updater_off() {
        let key = keys().pubkey();
        let none = json!({ "endpoints": [], "pubkey": "" });
        assert_eq!(
            Feed::resolve_with(&config(&[], None), &none),
            Err(FeedProblem::NoEndpoints)
        );
        assert_eq!(
            Feed::resolve_with(&config(&["https://a.example.fr/"], None), &none),
            Err(FeedProblem::NoPubkey)
        );
        assert!(matches!(
            Feed::resolve_with(
                &config(&["https://a.example.fr/"], Some("bm90IGEga2V5")),
                &none
            ),
            Err(FeedProblem::BadPubkey(_))
        ));
        let remote_http =
            json!({ "endpoints": ["http://updates.example.fr/latest.json"], "pubkey": key });
        assert!(matches!(
            Feed::resolve_with(&config(&[], None), &remote_http),
            Err(FeedProblem::InsecureEndpoint(_))
        ));
    }

    #[test]
    fn plain_http_only_when_every_endpoint_is_loopback() {
        let key = keys().pubkey();
        let local = Feed::resolve_with(
            &config(&["http://127.0.0.1:9/latest.json"], Some(&key)),
            &Value::Null,
        )
        .unwrap();
        assert!(local.loopback_only);
        assert!(local.accepts_download_url(&Url::parse("http://127.0.0.1:9/a.deb").unwrap()));
        assert!(!local.accepts_download_url(&Url::parse("http://10.0.0.1/a.deb").unwrap()));

        let mixed = Feed::resolve_with(
            &config(
                &[
                    "http://127.0.0.1:9/latest.json",
                    "https://u.example.fr/latest.json",
                ],
                Some(&key),
            ),
            &Value::Null,
        )
        .unwrap();
        assert!(!mixed.loopback_only);
        assert!(!mixed.accepts_download_url(&Url::parse("http://127.0.0.1:9/a.deb").unwrap()));
        assert!(mixed.accepts_download_url(&Url::parse("https://u.example.fr/a.deb").unwrap()));
    }

    #[test]
    fn the_key_file_text_is_accepted_as_well_as_its_base64() {
        let keys = keys();
        let text = keys.pk.to_box().unwrap().to_string();
        let feed = Feed::resolve_with(
            &config(&["https://a.example.fr/"], Some(text.trim())),
            &Value::Null,
        )
        .unwrap();
        assert!(decode_pubkey(&feed.pubkey).is_ok());
    }

    #[test]
    fn the_plugin_configuration_is_forced_safe() {
        let mut context =
            tauri::test::mock_context::<tauri::test::MockRuntime, _>(tauri::test::noop_assets());
        context.config_mut().plugins.0.insert(
            "updater".into(),
            json!({ "pubkey": "", "endpoints": ["http://10.0.0.1/x"], "dangerousInsecureTransportProtocol": true, "allowDowngrades": true, "windows": { "installMode": "passive" } }),
        );
        configure_context(&mut context, None);
        let settings = &context.config().plugins.0["updater"];
        assert_eq!(settings["endpoints"], json!([]));
        assert_eq!(settings["dangerousInsecureTransportProtocol"], json!(false));
        assert_eq!(settings["allowDowngrades"], json!(false));
        assert_eq!(settings["requireSignedVersion"], json!(true));
        assert_eq!(settings["windows"]["installMode"], json!("passive"));

        let key = keys().pubkey();
        let feed = Feed::resolve_with(
            &config(&["https://u.example.fr/latest.json"], Some(&key)),
            &Value::Null,
        )
        .unwrap();
        configure_context(&mut context, Some(&feed));
        let settings = &context.config().plugins.0["updater"];
        assert_eq!(
            settings["endpoints"],
            json!(["https://u.example.fr/latest.json"])
        );
        assert_eq!(settings["pubkey"], json!(key));
        assert_eq!(settings["dangerousInsecureTransportProtocol"], json!(false));
    }

    #[test]
    fn the_bundled_conf_has_an_updater_section() {
        // The plugin panics at start without `plugins.updater`.
        assert!(bundled_settings().is_object());
    }

    #[test]
    fn checks_are_spread_around_the_interval() {
        let hour = Duration::from_secs(3600);
        assert_eq!(jittered(hour, 0.0), hour);
        assert_eq!(jittered(hour, -1.0), Duration::from_secs(3060));
        assert_eq!(jittered(hour, 1.0), Duration::from_secs(4140));
        assert_eq!(jittered(hour, 7.0), Duration::from_secs(4140));
        for _ in 0..100 {
            let d = jittered(hour, rand::random::<f64>() * 2.0 - 1.0);
            assert!(d >= Duration::from_secs(3060) && d <= Duration::from_secs(4140));
            let first = first_check_delay(rand::random());
            assert!(first >= FIRST_CHECK_WINDOW.0 && first <= FIRST_CHECK_WINDOW.1);
        }
    }

    #[test]
    fn status_json_keeps_the_other_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("status.json");
        std::fs::write(&path, r#"{"outbox": {"pending": 2}}"#).unwrap();
        let status = StatusFile::open(dir.path(), "0.1.0");
        status.record(|s| s.last_result = "upToDate".into());
        let root: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(root["outbox"]["pending"], json!(2));
        assert_eq!(root["updater"]["currentVersion"], json!("0.1.0"));
        assert_eq!(root["updater"]["lastResult"], json!("upToDate"));

        // A garbled file is replaced, not fatal.
        std::fs::write(&path, "{not json").unwrap();
        merge_status(&path, "updater", json!({})).unwrap();
        assert!(serde_json::from_str::<Value>(&std::fs::read_to_string(&path).unwrap()).is_ok());
    }

    #[test]
    fn an_install_is_confirmed_by_the_next_start() {
        let dir = tempfile::tempdir().unwrap();
        let old = StatusFile::open(dir.path(), "0.1.0");
        old.record(|s| {
            s.last_result = "installing".into();
            s.available_version = Some("0.2.0".into());
        });
        let new = StatusFile::open(dir.path(), "0.2.0");
        assert_eq!(new.snapshot().last_result, "installed");
        assert_eq!(new.snapshot().current_version, "0.2.0");

        new.record(|s| {
            s.last_result = "installing".into();
            s.available_version = Some("0.3.0".into());
        });
        let same = StatusFile::open(dir.path(), "0.2.0");
        assert_eq!(same.snapshot().last_result, "installFailed");
    }

    fn spool_with(
        keys: &Keys,
        package: &[u8],
        signed_for: &str,
        requested: &str,
    ) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(spool::PACKAGE), package).unwrap();
        std::fs::write(
            dir.path().join(spool::SIGNATURE),
            keys.sign(package, signed_for),
        )
        .unwrap();
        std::fs::write(dir.path().join(spool::REQUEST), requested).unwrap();
        dir
    }

    #[test]
    fn the_root_service_checks_signature_key_and_version_itself() {
        let keys = keys();
        let installed = Version::parse("0.1.0").unwrap();
        let good = spool_with(&keys, b"!<arch>\npackage", "0.2.0", "0.2.0");
        let (version, bytes) = verify_spooled(good.path(), &keys.pubkey(), &installed).unwrap();
        assert_eq!(version.to_string(), "0.2.0");
        assert_eq!(bytes, b"!<arch>\npackage");

        // Swapped after the kiosk wrote it.
        std::fs::write(good.path().join(spool::PACKAGE), b"!<arch>\nevil").unwrap();
        assert!(verify_spooled(good.path(), &keys.pubkey(), &installed)
            .unwrap_err()
            .contains("signature"));
        // Another key.
        let other = spool_with(&self::keys(), b"pkg", "0.2.0", "0.2.0");
        assert!(verify_spooled(other.path(), &keys.pubkey(), &installed).is_err());
        // An older, genuinely signed package.
        let old = spool_with(&keys, b"pkg", "0.0.9", "0.0.9");
        assert!(verify_spooled(old.path(), &keys.pubkey(), &installed)
            .unwrap_err()
            .contains("not newer"));
        // A request that does not match what was signed.
        let lie = spool_with(&keys, b"pkg", "0.0.9", "9.0.0");
        assert!(verify_spooled(lie.path(), &keys.pubkey(), &installed)
            .unwrap_err()
            .contains("signed for"));
        // A link instead of a file.
        let link = spool_with(&keys, b"pkg", "0.2.0", "0.2.0");
        std::fs::remove_file(link.path().join(spool::PACKAGE)).unwrap();
        std::os::unix::fs::symlink("/etc/hostname", link.path().join(spool::PACKAGE)).unwrap();
        assert!(verify_spooled(link.path(), &keys.pubkey(), &installed)
            .unwrap_err()
            .contains("regular file"));
    }
}
