//! The agency's configuration file (TOML). Found by `--config PATH` or `MSA_KIOSK_CONFIG`;
//! without either, the defaults below run the kiosk against the reference backend on loopback.
//!
//! Longer than 400 lines: every key's check sits with its unit test, so that a key, its
//! message and the test of that message are read together.
//!
//! A bad file or value stops the start with a message that names the key and the expected form:
//! an IT team must never find out weeks later that a typo was silently ignored.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use url::Url;

/// The environment variable that names the configuration file when no `--config` flag is given.
pub const CONFIG_ENV: &str = "MSA_KIOSK_CONFIG";
/// Where the reference backend listens when started by `cargo xtask run`.
pub const DEFAULT_BACKEND_URL: &str = "http://127.0.0.1:8787/";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Self-service kiosk: full screen, no decorations, cannot be closed, built-in keyboard.
    Kiosk,
    /// Assisted enrolment on an agent's tablet: same lock-down, system keyboard.
    Tablet,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Kiosk => "kiosk",
            Mode::Tablet => "tablet",
        }
    }
}

/// The validated configuration. Every field has been checked; the rest of the app trusts it.
#[derive(Debug, Clone)]
pub struct Config {
    pub mode: Mode,
    /// Tablet mode only: full screen (true) or an ordinary window.
    pub tablet_fullscreen: bool,
    pub kiosk_id: String,
    /// Two-character département code of the agency ("44", "2A"), offered first at step 5.
    pub agency_department: Option<String>,
    pub languages: Vec<String>,
    pub backend: BackendConfig,
    pub idle: IdleConfig,
    pub updater: UpdaterConfig,
    /// How the webview renders (`[display] rendering`); see `ops::rendering`.
    pub rendering: Rendering,
    /// Where the outbox, logs and status live; the OS's app data folder when absent.
    pub data_dir: Option<PathBuf>,
    /// The receipt printer (`[receipt]`); `None`: the kiosk has no printer and offers no receipt.
    pub receipt: Option<crate::receipt::ReceiptConfig>,
    /// « Besoin d'aide ? » when the backend cannot be reached (`[help] hook`, issue 15).
    pub help_hook: Option<crate::ops::help::Hook>,
    /// How often the heartbeat is sent without a change (`[heartbeat] interval_seconds`).
    pub heartbeat_every: Duration,
    /// Built-in speech output (`[speech]`, issue 19; EN 301 549 §5.1.3): see `speech`.
    pub speech: SpeechConfig,
}

/// `[speech]`: whether the kiosk may speak, whether it starts speaking with every session, and
/// the voice's rate and volume (the display settings panel changes both for one session).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpeechConfig {
    /// `enabled = false`: no « Écouter » button, nothing ever reaches the speech service.
    pub enabled: bool,
    /// `default_on = true`: every session starts with speech on.
    pub default_on: bool,
    /// -100 (slowest) to 100 (fastest), 0 the voice's normal rate (SSIP `SET RATE`).
    pub rate: i8,
    /// 0 (silent) to 100 (loudest), in percent.
    pub volume: u8,
}

impl Default for SpeechConfig {
    fn default() -> Self {
        SpeechConfig {
            enabled: true,
            default_on: false,
            rate: 0,
            volume: 100,
        }
    }
}

#[derive(Debug, Clone)]
pub struct BackendConfig {
    pub url: Url,
    /// How long « Valider » waits for the MSA's answer before saying the request is kept safely.
    pub submit_wait: Duration,
    /// Timeout of one HTTP request to the backend.
    pub request_timeout: Duration,
}

#[derive(Debug, Clone, Copy)]
pub struct IdleConfig {
    pub idle: Duration,
    /// Time to answer « Êtes-vous toujours là ? » (WCAG 2.2.1: at least 20 s).
    pub warning: Duration,
    pub confirmation_return: Duration,
}

#[derive(Debug, Clone)]
pub struct UpdaterConfig {
    /// Feed URLs; empty means: use those of `tauri.conf.json`.
    pub endpoints: Vec<Url>,
    /// Minisign public key; `None` means: the one in `tauri.conf.json`.
    pub pubkey: Option<String>,
    pub check_interval: Duration,
    /// Who installs a verified update (docs/updates.md).
    pub install: UpdateInstall,
}

/// How a verified update gets installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UpdateInstall {
    /// The updater plugin itself: `dpkg -i` through pkexec on Linux (needs a polkit rule on a
    /// kiosk), the NSIS/MSI installer on Windows.
    Plugin,
    /// The root service `msa-kiosk-update.service` (Linux): the kiosk's user needs no privilege.
    Service,
}

impl UpdateInstall {
    /// The service on Linux, where kiosks run as an unprivileged user; the plugin elsewhere.
    pub fn default_for_platform() -> UpdateInstall {
        if cfg!(target_os = "linux") {
            UpdateInstall::Service
        } else {
            UpdateInstall::Plugin
        }
    }
}

/// `[display] rendering`: how WebKitGTK draws the wizard (`ops::rendering` decides and applies).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rendering {
    /// The kiosk looks for a usable GPU at start: software rendering without one.
    Auto,
    /// WebKit's defaults (accelerated compositing); for a machine whose GPU is known good.
    Gpu,
    /// No OpenGL in the web process: stable on machines without a GPU.
    Software,
}

impl Rendering {
    pub fn as_str(self) -> &'static str {
        match self {
            Rendering::Auto => "auto",
            Rendering::Gpu => "gpu",
            Rendering::Software => "software",
        }
    }
}

/// A configuration error, always naming the key and the expected form.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("configuration file {path}: {message}")]
    Syntax { path: PathBuf, message: String },
    #[error("configuration file {path}: key `{key}` {problem}; expected {expected}")]
    Value {
        path: PathBuf,
        key: &'static str,
        problem: String,
        expected: &'static str,
    },
}

/// The file as written. `deny_unknown_fields` everywhere: a misspelt key is an error, not a default.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    mode: Option<Mode>,
    kiosk_id: Option<String>,
    agency_department: Option<String>,
    languages: Option<Vec<String>>,
    data_dir: Option<PathBuf>,
    #[serde(default)]
    tablet: RawTablet,
    #[serde(default)]
    backend: RawBackend,
    #[serde(default)]
    idle: RawIdle,
    #[serde(default)]
    updater: RawUpdater,
    receipt: Option<RawReceipt>,
    #[serde(default)]
    display: RawDisplay,
    #[serde(default)]
    help: RawHelp,
    #[serde(default)]
    heartbeat: RawHeartbeat,
    #[serde(default)]
    speech: RawSpeech,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHelp {
    hook: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeartbeat {
    interval_seconds: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpeech {
    enabled: Option<bool>,
    default_on: Option<bool>,
    rate: Option<i64>,
    volume: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReceipt {
    queue: Option<String>,
    mode: Option<crate::receipt::Mode>,
    auto: Option<bool>,
    phones: Option<std::collections::BTreeMap<String, String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDisplay {
    rendering: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTablet {
    fullscreen: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBackend {
    url: Option<String>,
    submit_wait_seconds: Option<u64>,
    request_timeout_seconds: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIdle {
    idle_seconds: Option<u64>,
    warning_seconds: Option<u64>,
    confirmation_return_seconds: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUpdater {
    endpoints: Option<Vec<String>>,
    pubkey: Option<String>,
    check_interval_minutes: Option<u64>,
    install: Option<UpdateInstall>,
}

const SUPPORTED_LANGUAGES: &[&str] = &["fr", "en"];

impl Config {
    /// The defaults: kiosk mode against the reference backend on loopback.
    pub fn defaults() -> Config {
        Config::from_raw(Path::new("<defaults>"), RawConfig::default())
            .expect("the built-in defaults are valid")
    }

    /// Finds the file from the command line (`--config PATH` / `--config=PATH`) or the
    /// environment, and loads it; the defaults when neither names one.
    pub fn locate_and_load(
        args: impl IntoIterator<Item = String>,
        env_value: Option<String>,
    ) -> Result<Config, ConfigError> {
        match config_path_from(args).or(env_value.map(PathBuf::from)) {
            Some(path) => Config::load(&path),
            None => Ok(Config::defaults()),
        }
    }

    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Config::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|error| ConfigError::Syntax {
            path: path.to_owned(),
            // toml's message names the key (`unknown field `idel``) and the line.
            message: error.to_string().trim().replace('\n', " "),
        })?;
        Config::from_raw(path, raw)
    }

    fn from_raw(path: &Path, raw: RawConfig) -> Result<Config, ConfigError> {
        let bad = |key: &'static str, problem: String, expected: &'static str| ConfigError::Value {
            path: path.to_owned(),
            key,
            problem,
            expected,
        };

        let kiosk_id = raw.kiosk_id.unwrap_or_else(|| "kiosk-dev".to_owned());
        if kiosk_id.is_empty()
            || kiosk_id.len() > 64
            || !kiosk_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        {
            return Err(bad(
                "kiosk_id",
                format!("is {kiosk_id:?}"),
                "1 to 64 characters among letters, digits, '-', '_' and '.' (for example \"agence-44-01\")",
            ));
        }

        let agency_department = match raw.agency_department {
            None => None,
            Some(code) => match enrol_core::Department::parse(&code) {
                Ok(department) => Some(department.code().to_owned()),
                Err(_) => {
                    return Err(bad(
                        "agency_department",
                        format!("is {code:?}"),
                        "a metropolitan département code such as \"44\", \"01\" or \"2A\"",
                    ))
                }
            },
        };

        let languages = raw
            .languages
            .unwrap_or_else(|| SUPPORTED_LANGUAGES.iter().map(|s| s.to_string()).collect());
        if languages.is_empty()
            || languages
                .iter()
                .any(|lang| !SUPPORTED_LANGUAGES.contains(&lang.as_str()))
        {
            return Err(bad(
                "languages",
                format!("is {languages:?}"),
                "a non-empty list drawn from [\"fr\", \"en\"], the first being the default",
            ));
        }

        let url_text = raw
            .backend
            .url
            .unwrap_or_else(|| DEFAULT_BACKEND_URL.to_owned());
        let url = parse_secure_url(&url_text).map_err(|problem| {
            bad(
                "backend.url",
                problem,
                "an https:// URL, or http:// on loopback (127.0.0.1, [::1], localhost)",
            )
        })?;

        let submit_wait = seconds_in(raw.backend.submit_wait_seconds, 4, 0..=30).map_err(|v| {
            bad(
                "backend.submit_wait_seconds",
                format!("is {v}"),
                "a whole number of seconds from 0 to 30",
            )
        })?;
        let request_timeout = seconds_in(raw.backend.request_timeout_seconds, 10, 1..=120)
            .map_err(|v| {
                bad(
                    "backend.request_timeout_seconds",
                    format!("is {v}"),
                    "a whole number of seconds from 1 to 120",
                )
            })?;

        let idle = seconds_in(raw.idle.idle_seconds, 90, 5..=3600).map_err(|v| {
            bad(
                "idle.idle_seconds",
                format!("is {v}"),
                "a whole number of seconds from 5 to 3600",
            )
        })?;
        let warning = seconds_in(raw.idle.warning_seconds, 30, 20..=600).map_err(|v| {
            bad(
                "idle.warning_seconds",
                format!("is {v}"),
                "a whole number of seconds from 20 to 600 (WCAG 2.2.1 asks for at least 20)",
            )
        })?;
        let confirmation_return = seconds_in(raw.idle.confirmation_return_seconds, 30, 5..=600)
            .map_err(|v| {
                bad(
                    "idle.confirmation_return_seconds",
                    format!("is {v}"),
                    "a whole number of seconds from 5 to 600",
                )
            })?;
        // The confirmation screen's clock runs while « Valider » may still wait for the
        // backend: a shorter one would end, as « session expirée », a session whose enrolment
        // is already queued (issue 14).
        if confirmation_return < submit_wait {
            return Err(bad(
                "idle.confirmation_return_seconds",
                format!(
                    "is {} but backend.submit_wait_seconds is {}",
                    confirmation_return.as_secs(),
                    submit_wait.as_secs()
                ),
                "at least backend.submit_wait_seconds, so that a queued enrolment is never shown as an expired session",
            ));
        }

        let mut endpoints = Vec::new();
        for text in raw.updater.endpoints.unwrap_or_default() {
            endpoints.push(parse_secure_url(&text).map_err(|problem| {
                bad(
                    "updater.endpoints",
                    problem,
                    "a list of https:// URLs (http:// only on loopback, for tests)",
                )
            })?);
        }
        let pubkey = match raw.updater.pubkey {
            Some(key) if key.trim().is_empty() => {
                return Err(bad(
                    "updater.pubkey",
                    "is empty".to_owned(),
                    "the content of the minisign public key made by `tauri signer generate`",
                ))
            }
            other => other,
        };
        let check_minutes = raw.updater.check_interval_minutes.unwrap_or(360);
        if !(5..=10_080).contains(&check_minutes) {
            return Err(bad(
                "updater.check_interval_minutes",
                format!("is {check_minutes}"),
                "a whole number of minutes from 5 to 10080 (one week)",
            ));
        }

        let receipt = match raw.receipt {
            None => None,
            Some(receipt) => {
                let text = receipt.queue.unwrap_or_default();
                let queue = crate::receipt::QueueName::parse(&text).ok_or_else(|| {
                    bad(
                        "receipt.queue",
                        if text.is_empty() {
                            "is missing".to_owned()
                        } else {
                            format!("is {text:?}")
                        },
                        "the CUPS queue's name as `lpstat -p` lists it: letters, digits, '-', '_', '.' and '@', starting with a letter or a digit",
                    )
                })?;
                let phones = receipt.phones.unwrap_or_default();
                let phones = crate::receipt::CaissePhones::parse(
                    phones.iter().map(|(k, v)| (k.as_str(), v.as_str())),
                )
                .map_err(|(subdomain, number)| match number {
                    None => bad(
                        "receipt.phones",
                        format!("names {subdomain:?}"),
                        "a caisse by its msa.fr subdomain, as in https://loire-atlantique-vendee.msa.fr/ (loire-atlantique-vendee)",
                    ),
                    Some(number) => bad(
                        "receipt.phones",
                        format!("gives {subdomain} the number {number:?}"),
                        "a French phone number as the caisse publishes it, e.g. \"02 61 91 00 44\"",
                    ),
                })?;
                Some(crate::receipt::ReceiptConfig {
                    queue,
                    mode: receipt.mode.unwrap_or(crate::receipt::Mode::Rendered),
                    auto: receipt.auto.unwrap_or(false),
                    phones,
                })
            }
        };

        let rendering = match raw.display.rendering.as_deref() {
            None | Some("auto") => Rendering::Auto,
            Some("gpu") => Rendering::Gpu,
            Some("software") => Rendering::Software,
            Some(other) => {
                return Err(bad(
                    "display.rendering",
                    format!("is {other:?}"),
                    "one of \"auto\" (the default: software without a usable GPU), \"gpu\" or \"software\"",
                ))
            }
        };

        let help_hook = match raw.help.hook {
            None => None,
            Some(words) => match words.split_first() {
                Some((program, args))
                    if Path::new(program).is_absolute() && !program.trim().is_empty() =>
                {
                    Some(crate::ops::help::Hook {
                        program: program.clone(),
                        args: args.to_vec(),
                    })
                }
                _ => {
                    return Err(bad(
                        "help.hook",
                        "does not start with an absolute path".to_owned(),
                        "a list: the program's absolute path, then its arguments, e.g. [\"/usr/local/bin/sonnette\", \"accueil\"]",
                    ))
                }
            },
        };
        let heartbeat_every =
            seconds_in(raw.heartbeat.interval_seconds, 60, 10..=3600).map_err(|v| {
                bad(
                    "heartbeat.interval_seconds",
                    format!("is {v}"),
                    "a whole number of seconds from 10 to 3600",
                )
            })?;
        let defaults = SpeechConfig::default();
        let rate = match raw.speech.rate {
            None => defaults.rate,
            Some(rate) => i8::try_from(rate)
                .ok()
                .filter(|r| (-100..=100).contains(r))
                .ok_or_else(|| {
                    bad(
                        "speech.rate",
                        format!("is {rate}"),
                        "a number from -100 (slowest) to 100 (fastest), 0 for the normal rate",
                    )
                })?,
        };
        let volume = match raw.speech.volume {
            None => defaults.volume,
            Some(volume) => u8::try_from(volume)
                .ok()
                .filter(|v| *v <= 100)
                .ok_or_else(|| {
                    bad(
                        "speech.volume",
                        format!("is {volume}"),
                        "a percentage from 0 to 100",
                    )
                })?,
        };
        let speech = SpeechConfig {
            enabled: raw.speech.enabled.unwrap_or(defaults.enabled),
            default_on: raw.speech.default_on.unwrap_or(defaults.default_on),
            rate,
            volume,
        };

        Ok(Config {
            mode: raw.mode.unwrap_or(Mode::Kiosk),
            tablet_fullscreen: raw.tablet.fullscreen.unwrap_or(true),
            kiosk_id,
            agency_department,
            languages,
            backend: BackendConfig {
                url,
                submit_wait,
                request_timeout,
            },
            idle: IdleConfig {
                idle,
                warning,
                confirmation_return,
            },
            updater: UpdaterConfig {
                endpoints,
                pubkey,
                check_interval: Duration::from_secs(check_minutes * 60),
                install: raw
                    .updater
                    .install
                    .unwrap_or_else(UpdateInstall::default_for_platform),
            },
            rendering,
            data_dir: raw.data_dir,
            receipt,
            help_hook,
            heartbeat_every,
            speech,
        })
    }
}

/// `--config PATH` or `--config=PATH` anywhere on the command line.
fn config_path_from(args: impl IntoIterator<Item = String>) -> Option<PathBuf> {
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--config" {
            return args.next().map(PathBuf::from);
        }
        if let Some(path) = arg.strip_prefix("--config=") {
            return Some(PathBuf::from(path));
        }
    }
    None
}

fn seconds_in(
    value: Option<u64>,
    default: u64,
    range: std::ops::RangeInclusive<u64>,
) -> Result<Duration, u64> {
    let value = value.unwrap_or(default);
    if range.contains(&value) {
        Ok(Duration::from_secs(value))
    } else {
        Err(value)
    }
}

/// HTTPS anywhere; plain HTTP only to this machine, where nothing crosses a network.
pub fn parse_secure_url(text: &str) -> Result<Url, String> {
    let url = Url::parse(text).map_err(|error| format!("is not a URL ({error})"))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err("uses plain http:// to another machine".to_owned()),
        other => Err(format!("uses the {other}:// scheme")),
    }
}

pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("kiosk.toml"), text)
    }

    #[test]
    fn empty_file_gives_the_defaults() {
        let config = parse("").unwrap();
        assert_eq!(config.mode, Mode::Kiosk);
        assert_eq!(config.backend.url.as_str(), DEFAULT_BACKEND_URL);
        assert_eq!(config.idle.idle, Duration::from_secs(90));
        assert_eq!(config.idle.warning, Duration::from_secs(30));
        assert_eq!(config.languages, vec!["fr", "en"]);
        assert_eq!(config.rendering, Rendering::Auto);
    }

    #[test]
    fn each_rendering_mode_is_read() {
        for (text, mode) in [
            ("auto", Rendering::Auto),
            ("gpu", Rendering::Gpu),
            ("software", Rendering::Software),
        ] {
            let config = parse(&format!("[display]\nrendering = \"{text}\"")).unwrap();
            assert_eq!(config.rendering, mode);
            assert_eq!(mode.as_str(), text);
        }
    }

    #[test]
    fn a_full_file_is_read() {
        let config = parse(
            r#"
            mode = "tablet"
            kiosk_id = "agence-44-01"
            agency_department = "44"
            languages = ["fr"]
            [tablet]
            fullscreen = false
            [backend]
            url = "https://msa.example.fr/api/"
            submit_wait_seconds = 3
            [idle]
            idle_seconds = 60
            warning_seconds = 25
            [updater]
            endpoints = ["https://updates.example.fr/kiosk/latest.json"]
            check_interval_minutes = 60
            install = "plugin"
            "#,
        )
        .unwrap();
        assert_eq!(config.mode, Mode::Tablet);
        assert!(!config.tablet_fullscreen);
        assert_eq!(config.agency_department.as_deref(), Some("44"));
        assert_eq!(config.backend.submit_wait, Duration::from_secs(3));
        assert_eq!(config.idle.warning, Duration::from_secs(25));
        assert_eq!(config.updater.endpoints.len(), 1);
        assert_eq!(config.updater.install, UpdateInstall::Plugin);
    }

    #[test]
    fn speech_is_available_off_by_default_and_read_whole() {
        assert_eq!(parse("").unwrap().speech, SpeechConfig::default());
        let speech = parse("[speech]\nenabled = false\ndefault_on = true\nrate = -40\nvolume = 70")
            .unwrap()
            .speech;
        assert_eq!(
            speech,
            SpeechConfig {
                enabled: false,
                default_on: true,
                rate: -40,
                volume: 70
            }
        );
    }

    #[test]
    fn errors_name_the_key_and_the_expected_form() {
        let cases = [
            ("mode = \"arcade\"", "mode"),
            ("idel_seconds = 3", "idel_seconds"),
            ("[idle]\nwarning_seconds = 5", "idle.warning_seconds"),
            ("[idle]\nidle_seconds = -1", "idle_seconds"),
            ("[backend]\nurl = \"http://msa.example.fr/\"", "backend.url"),
            ("[backend]\nurl = \"ftp://127.0.0.1/\"", "backend.url"),
            ("agency_department = \"99\"", "agency_department"),
            ("languages = [\"de\"]", "languages"),
            ("kiosk_id = \"a b\"", "kiosk_id"),
            ("[updater]\npubkey = \"  \"", "updater.pubkey"),
            ("[idle]\nidle_seconds = \"ninety\"", "idle_seconds"),
            ("[updater]\ninstall = \"apt\"", "install"),
            ("mode = ", "mode"),
            ("[receipt]\nmode = \"raw\"", "receipt.queue"),
            ("[receipt]\nqueue = \"-d\"", "receipt.queue"),
            ("[receipt]\nqueue = \"a b\"", "receipt.queue"),
            ("[receipt]\nqueue = \"ok\"\nmode = \"escpos\"", "mode"),
            ("[receipt]\nqueue = \"ok\"\nauto = \"yes\"", "auto"),
            ("[receipt]\nqueue = \"ok\"\nqeue = \"x\"", "qeue"),
            (
                "[receipt]\nqueue = \"ok\"\n[receipt.phones]\nloire-atlantique = \"02 61 91 00 44\"",
                "receipt.phones",
            ),
            (
                "[receipt]\nqueue = \"ok\"\n[receipt.phones]\nloire-atlantique-vendee = \"12 34\"",
                "receipt.phones",
            ),
            ("[display]\nrendering = \"opengl\"", "display.rendering"),
            ("[display]\nrendering = \"\"", "display.rendering"),
            ("[display]\nrendering = 1", "rendering"),
            ("[display]\nrenderer = \"gpu\"", "renderer"),
            ("[help]\nhook = []", "help.hook"),
            ("[help]\nhook = [\"sonnette\"]", "help.hook"),
            ("[help]\nhok = [\"/bin/true\"]", "hok"),
            (
                "[heartbeat]\ninterval_seconds = 1",
                "heartbeat.interval_seconds",
            ),
            ("[speech]\nrate = 101", "speech.rate"),
            ("[speech]\nvolume = -1", "speech.volume"),
            ("[speech]\nenabled = \"yes\"", "enabled"),
            ("[speech]\nvoice = \"x\"", "voice"),
        ];
        for (text, key) in cases {
            let message = parse(text).unwrap_err().to_string();
            assert!(
                message.contains(key),
                "{text:?} gave {message:?}, which does not name {key}"
            );
            assert!(message.contains("kiosk.toml"), "{message:?} names no file");
        }
    }

    #[test]
    fn the_help_hook_and_the_heartbeat_are_optional() {
        let config = parse("").unwrap();
        assert_eq!(config.help_hook, None);
        assert_eq!(config.heartbeat_every, Duration::from_secs(60));
        let config =
            parse("[help]\nhook = [\"/usr/local/bin/sonnette\", \"accueil\"]\n[heartbeat]\ninterval_seconds = 15\n")
                .unwrap();
        let hook = config.help_hook.unwrap();
        assert_eq!(hook.program, "/usr/local/bin/sonnette");
        assert_eq!(hook.args, ["accueil"]);
        assert_eq!(config.heartbeat_every, Duration::from_secs(15));
    }

    #[test]
    fn the_receipt_printer_is_optional_and_read_whole() {
        assert!(parse("").unwrap().receipt.is_none());
        let receipt = parse("[receipt]\nqueue = \"TM-T20III\"\nmode = \"raw\"\nauto = true\n")
            .unwrap()
            .receipt
            .unwrap();
        assert_eq!(receipt.queue.as_str(), "TM-T20III");
        assert_eq!(receipt.mode, crate::receipt::Mode::Raw);
        assert!(receipt.auto);
        let defaults = parse("[receipt]\nqueue = \"accueil\"\n")
            .unwrap()
            .receipt
            .unwrap();
        assert_eq!(defaults.mode, crate::receipt::Mode::Rendered);
        let phones = parse(
            "[receipt]\nqueue = \"accueil\"\n[receipt.phones]\nloire-atlantique-vendee = \"0261910044\"\n",
        )
        .unwrap()
        .receipt
        .unwrap()
        .phones;
        let caisse = enrol_core::Department::parse("44").unwrap().caisse();
        assert_eq!(phones.of(caisse).as_deref(), Some("02 61 91 00 44"));
        let other = enrol_core::Department::parse("01").unwrap().caisse();
        assert_eq!(phones.of(other), None);
        assert!(!defaults.auto);
    }

    #[test]
    fn loopback_http_is_allowed_and_remote_http_is_not() {
        assert!(parse_secure_url("http://127.0.0.1:8787/").is_ok());
        assert!(parse_secure_url("http://localhost:8787/").is_ok());
        assert!(parse_secure_url("http://[::1]:8787/").is_ok());
        assert!(parse_secure_url("http://10.0.0.1/").is_err());
        assert!(parse_secure_url("https://10.0.0.1/").is_ok());
    }

    #[test]
    fn the_flag_wins_over_the_environment() {
        let dir = std::env::temp_dir();
        let args = ["msa-kiosk", "--config=/nonexistent/flag.toml"].map(String::from);
        let error = Config::locate_and_load(args, Some(dir.display().to_string())).unwrap_err();
        assert!(error.to_string().contains("/nonexistent/flag.toml"));
        let defaults = Config::locate_and_load(["msa-kiosk".to_owned()], None).unwrap();
        assert_eq!(defaults.mode, Mode::Kiosk);
    }
}
