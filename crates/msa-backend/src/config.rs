//! Server configuration, built by the CLI (`main.rs`) or by tests.

use crate::secret::Secret;
use anyhow::{bail, Context};
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::time::Duration;

/// Everything `serve` needs.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where to listen. Plain HTTP is refused unless this is a loopback address.
    pub listen: SocketAddr,
    /// `sqlite://path.db` (created and migrated if missing) or `postgres://…`.
    pub database_url: Secret,
    /// PEM certificate chain and private key: serve HTTPS.
    pub tls: Option<TlsFiles>,
    /// Bearer token of the `/admin/*` endpoints; `None` disables them (404).
    pub admin_token: Option<Secret>,
    /// Kiosk tokens to register (or re-key) at start, e.g. from `MSA_BACKEND_KIOSK_TOKENS`.
    pub kiosk_tokens: Vec<KioskToken>,
    /// Per-kiosk request rate limit (429 `throttled` beyond it).
    pub kiosk_rate: KioskRate,
    /// Failed verifications allowed per NIR in `nir_window` before the secret is no longer
    /// checked (postal only).
    pub nir_max_failures: u32,
    pub nir_window: Duration,
    /// Cost of the argon2id hash of provisional passwords.
    pub argon2: Argon2Cost,
    /// Fault injection, off by default: a test knob only (`MSA_BACKEND_FAULT`).
    pub fault: Option<Fault>,
    /// Allow `PUT /admin/fault` to change the fault at run time (test knob).
    pub fault_injection: bool,
    /// Seed the demo insured persons at start (idempotent).
    pub seed_demo: bool,
    /// `Retry-After` seconds sent with 503 `unavailable`.
    pub retry_after_unavailable_secs: u64,
    /// The agency console (`/console/`) and the kiosks' heartbeats.
    pub console: ConsoleConfig,
}

impl Config {
    /// Defaults for `database_url`, listening on `listen`.
    pub fn new(listen: SocketAddr, database_url: impl Into<String>) -> Self {
        Config {
            listen,
            database_url: Secret::new(database_url),
            tls: None,
            admin_token: None,
            kiosk_tokens: Vec::new(),
            kiosk_rate: KioskRate::default(),
            nir_max_failures: 5,
            nir_window: Duration::from_secs(24 * 3600),
            argon2: Argon2Cost::default(),
            fault: None,
            fault_injection: false,
            seed_demo: true,
            retry_after_unavailable_secs: 10,
            console: ConsoleConfig::default(),
        }
    }

    /// A configuration for tests: loopback port 0, cheap argon2, the test kiosk token
    /// ([`crate::TEST_KIOSK_ID`] / [`crate::TEST_KIOSK_TOKEN`]) and admin token
    /// ([`crate::TEST_ADMIN_TOKEN`]), fault injection allowed (off until asked).
    pub fn for_tests(database_url: impl Into<String>) -> Self {
        let mut config = Config::new(SocketAddr::from(([127, 0, 0, 1], 0)), database_url);
        config.admin_token = Some(Secret::new(crate::TEST_ADMIN_TOKEN));
        config.kiosk_tokens = vec![KioskToken {
            id: crate::TEST_KIOSK_ID.to_owned(),
            token: Secret::new(crate::TEST_KIOSK_TOKEN),
            agency: None,
        }];
        config.argon2 = Argon2Cost::for_tests();
        config.fault_injection = true;
        config.retry_after_unavailable_secs = 1;
        config
    }

    /// Refuse plain HTTP anywhere but on loopback.
    pub fn check_transport(&self) -> anyhow::Result<()> {
        if self.tls.is_none() && !self.listen.ip().is_loopback() {
            bail!(
                "refusing to serve plain HTTP on {} (not a loopback address): give --tls-cert and --tls-key, or listen on 127.0.0.1",
                self.listen
            );
        }
        Ok(())
    }

    /// Whether the console's cookies carry `Secure`: always, except for plain HTTP on
    /// loopback (a browser does not send a `Secure` cookie back over `http://127.0.0.1`),
    /// unless [`ConsoleConfig::secure_cookies`] says otherwise (a TLS proxy on loopback).
    pub fn console_secure_cookies(&self) -> bool {
        self.console
            .secure_cookies
            .unwrap_or(self.tls.is_some() || !self.listen.ip().is_loopback())
    }
}

/// The agency console's settings (issue 17).
#[derive(Clone, Debug)]
pub struct ConsoleConfig {
    /// A kiosk whose last heartbeat is older than this is shown « silencieuse ».
    pub silent_after: Duration,
    /// A queue whose oldest enrolment is older than this puts the kiosk « à surveiller ».
    pub queue_attention_after: Duration,
    /// Failed logins in a row that lock a staff account (OWASP ASVS 2.2.1).
    pub lockout_failures: u32,
    /// How long a locked account stays locked (`msa-backend staff unlock` ends it sooner).
    pub lockout_duration: Duration,
    /// A console session ends this long after the login, whatever happens.
    pub session_lifetime: Duration,
    /// How often the console's page asks for fresh tables.
    pub refresh_every: Duration,
    /// Force the cookies' `Secure` attribute on or off; `None`: see
    /// [`Config::console_secure_cookies`].
    pub secure_cookies: Option<bool>,
}

impl Default for ConsoleConfig {
    fn default() -> Self {
        ConsoleConfig {
            // Kiosks send a heartbeat every minute: five missed ones is a silence.
            silent_after: Duration::from_secs(5 * 60),
            queue_attention_after: Duration::from_secs(30 * 60),
            lockout_failures: 5,
            lockout_duration: Duration::from_secs(15 * 60),
            session_lifetime: Duration::from_secs(12 * 3600),
            refresh_every: Duration::from_secs(2),
            secure_cookies: None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// One kiosk and its bearer token (only its SHA-256 is stored).
#[derive(Clone, Debug)]
pub struct KioskToken {
    pub id: String,
    pub token: Secret,
    /// The agency the kiosk stands in (`id@agency:token`), for the console.
    pub agency: Option<String>,
}

/// Parse `id:token,id2@agency:token2` (`MSA_BACKEND_KIOSK_TOKENS`); `@agency` puts the kiosk
/// in that agency (created if missing; `msa-backend agency add` names it).
pub fn parse_kiosk_tokens(list: &str) -> anyhow::Result<Vec<KioskToken>> {
    let mut tokens = Vec::new();
    for (i, pair) in list.split(',').map(str::trim).enumerate() {
        if pair.is_empty() {
            continue;
        }
        let Some((id, token)) = pair.split_once(':') else {
            bail!("kiosk token #{} is not of the form id:token", i + 1);
        };
        let (id, token) = (id.trim(), token.trim());
        let (id, agency) = match id.split_once('@') {
            Some((id, agency)) => {
                check_name("agency id", agency)?;
                (id, Some(agency.to_owned()))
            }
            None => (id, None),
        };
        check_kiosk_id(id)?;
        if token.is_empty() {
            bail!("kiosk token for {id:?} is empty");
        }
        tokens.push(KioskToken {
            id: id.to_owned(),
            token: Secret::new(token),
            agency,
        });
    }
    Ok(tokens)
}

/// Kiosk ids are short printable names (`agence-44-01`): they appear in logs.
pub fn check_kiosk_id(id: &str) -> anyhow::Result<()> {
    check_name("kiosk id", id)
}

/// Ids of kiosks, agencies and caisses: 1 to 64 characters among `A-Z a-z 0-9 - _ .`, so that
/// they can be logged, put in a URL path and shown without escaping surprises.
pub fn check_name(what: &str, id: &str) -> anyhow::Result<()> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !ok {
        bail!("{what} {id:?} must be 1 to 64 characters among A-Z a-z 0-9 - _ .");
    }
    Ok(())
}

/// Token bucket per kiosk: `burst` requests at once, refilled at `per_minute`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KioskRate {
    pub per_minute: u32,
    pub burst: u32,
}

impl Default for KioskRate {
    /// Generous: an agency kiosk sends a few enrolments an hour.
    fn default() -> Self {
        KioskRate {
            per_minute: 600,
            burst: 120,
        }
    }
}

/// Parse `<per_minute>[/<burst>]`, e.g. `600/120`.
pub fn parse_kiosk_rate(text: &str) -> anyhow::Result<KioskRate> {
    let (rate, burst) = match text.split_once('/') {
        Some((r, b)) => (r, Some(b)),
        None => (text, None),
    };
    let per_minute: u32 = rate
        .trim()
        .parse()
        .context("kiosk rate: requests per minute must be a whole number")?;
    let burst: u32 = match burst {
        Some(b) => b
            .trim()
            .parse()
            .context("kiosk rate: burst must be a whole number")?,
        None => per_minute.max(1),
    };
    if per_minute == 0 || burst == 0 {
        bail!("kiosk rate and burst must be at least 1");
    }
    Ok(KioskRate { per_minute, burst })
}

/// argon2id cost parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Argon2Cost {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for Argon2Cost {
    /// OWASP's argon2id minimum: 19 MiB, 2 iterations, 1 lane.
    fn default() -> Self {
        Argon2Cost {
            memory_kib: 19 * 1024,
            iterations: 2,
            parallelism: 1,
        }
    }
}

impl Argon2Cost {
    /// The cheapest parameters argon2 accepts: for tests only.
    pub fn for_tests() -> Self {
        Argon2Cost {
            memory_kib: 8,
            iterations: 1,
            parallelism: 1,
        }
    }
}

/// Fault injection (`MSA_BACKEND_FAULT`), a test knob: off by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// `POST /v1/enrolments` answers 503 `unavailable` without doing anything.
    Unavailable,
    /// Wait this many milliseconds before handling `POST /v1/enrolments`.
    Slow(u64),
    /// Close the connection without an answer, before handling the enrolment.
    Reset,
    /// Handle the enrolment (account created, answer stored), then close the connection
    /// without an answer: the kiosk's retry must get the stored answer.
    ResetAfter,
}

impl std::str::FromStr for Fault {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> anyhow::Result<Fault> {
        let s = s.trim();
        match s {
            "unavailable" => Ok(Fault::Unavailable),
            "reset" => Ok(Fault::Reset),
            "reset-after" => Ok(Fault::ResetAfter),
            _ => match s.strip_prefix("slow:") {
                Some(ms) => {
                    Ok(Fault::Slow(ms.trim().parse().context(
                        "fault slow:<ms> needs a whole number of milliseconds",
                    )?))
                }
                None => bail!(
                    "unknown fault {s:?}: use unavailable, slow:<ms>, reset, reset-after or off"
                ),
            },
        }
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fault::Unavailable => f.write_str("unavailable"),
            Fault::Slow(ms) => write!(f, "slow:{ms}"),
            Fault::Reset => f.write_str("reset"),
            Fault::ResetAfter => f.write_str("reset-after"),
        }
    }
}

/// Parse a fault setting where `off`, `none` or empty mean no fault.
pub fn parse_fault(text: &str) -> anyhow::Result<Option<Fault>> {
    match text.trim() {
        "" | "off" | "none" => Ok(None),
        other => other.parse().map(Some),
    }
}

/// Resolve `host:port` (`127.0.0.1:8787`, `[::1]:8787`, `localhost:8787`).
pub fn parse_listen(text: &str) -> anyhow::Result<SocketAddr> {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let addrs: Vec<SocketAddr> = text
        .to_socket_addrs()
        .with_context(|| format!("cannot resolve listen address {text:?}"))?
        .collect();
    addrs
        .iter()
        .find(|a| a.is_ipv4())
        .or(addrs.first())
        .copied()
        .with_context(|| format!("listen address {text:?} resolves to nothing"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kiosk_tokens() {
        let t = parse_kiosk_tokens("a:one, b-2:two ,").unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].id, "a");
        assert_eq!(t[1].token.expose(), "two");
        assert_eq!(t[0].agency, None);
        let t = parse_kiosk_tokens("agence-44-01@nantes:tok").unwrap();
        assert_eq!(t[0].id, "agence-44-01");
        assert_eq!(t[0].agency.as_deref(), Some("nantes"));
        assert!(parse_kiosk_tokens("k@bad agency:tok").is_err());
        assert!(parse_kiosk_tokens("nocolon").is_err());
        assert!(parse_kiosk_tokens("a:").is_err());
        assert!(parse_kiosk_tokens("bad id:x").is_err());
        let err = parse_kiosk_tokens("bad id:very-secret")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("very-secret"));
    }

    #[test]
    fn faults() {
        assert_eq!(parse_fault("").unwrap(), None);
        assert_eq!(parse_fault("off").unwrap(), None);
        assert_eq!(
            parse_fault("unavailable").unwrap(),
            Some(Fault::Unavailable)
        );
        assert_eq!(parse_fault("slow:250").unwrap(), Some(Fault::Slow(250)));
        assert_eq!(parse_fault("reset").unwrap(), Some(Fault::Reset));
        assert_eq!(parse_fault("reset-after").unwrap(), Some(Fault::ResetAfter));
        assert!(parse_fault("slow:x").is_err());
        assert!(parse_fault("explode").is_err());
        assert_eq!(Fault::Slow(5).to_string(), "slow:5");
    }

    #[test]
    fn rates() {
        assert_eq!(
            parse_kiosk_rate("60/10").unwrap(),
            KioskRate {
                per_minute: 60,
                burst: 10
            }
        );
        assert_eq!(parse_kiosk_rate("30").unwrap().burst, 30);
        assert!(parse_kiosk_rate("0").is_err());
    }

    #[test]
    fn transport() {
        let mut c = Config::new("127.0.0.1:8787".parse().unwrap(), "sqlite://x.db");
        assert!(c.check_transport().is_ok());
        c.listen = "[::1]:8787".parse().unwrap();
        assert!(c.check_transport().is_ok());
        c.listen = "0.0.0.0:8787".parse().unwrap();
        assert!(c.check_transport().is_err());
        c.tls = Some(TlsFiles {
            cert: "c.pem".into(),
            key: "k.pem".into(),
        });
        assert!(c.check_transport().is_ok());
        assert!(parse_listen("localhost:8787").unwrap().ip().is_loopback());
    }

    #[test]
    fn console_cookies_are_secure_except_plain_http_on_loopback() {
        let mut c = Config::new("127.0.0.1:8787".parse().unwrap(), "sqlite://x.db");
        assert!(!c.console_secure_cookies());
        c.tls = Some(TlsFiles {
            cert: "c.pem".into(),
            key: "k.pem".into(),
        });
        assert!(c.console_secure_cookies());
        c.listen = "0.0.0.0:8443".parse().unwrap();
        assert!(c.console_secure_cookies());
        c.tls = None;
        c.listen = "127.0.0.1:8787".parse().unwrap();
        c.console.secure_cookies = Some(true);
        assert!(c.console_secure_cookies());
    }

    #[test]
    fn debug_hides_secrets() {
        let mut c = Config::for_tests("postgres://msa:pw-in-url@localhost/db");
        c.kiosk_tokens = parse_kiosk_tokens("k:tok-en-secret").unwrap();
        let text = format!("{c:?}");
        assert!(!text.contains("pw-in-url"));
        assert!(!text.contains("tok-en-secret"));
        assert!(!text.contains(crate::TEST_ADMIN_TOKEN));
    }
}
