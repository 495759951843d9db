//! Installed means configured.
//!
//! An installed kiosk (the `.deb`'s `/usr/bin/msa-kiosk`) reads the agency's configuration from
//! [`SYSTEM_CONFIG`] when it is given none, and one that runs without it, or with the
//! development defaults still in it, must show « Borne non configurée » and take no enrolment:
//! left alone it would send people's enrolments to a loopback backend that is not there. A
//! development build (`cargo build`, `cargo xtask run`, the tests) keeps those defaults.
//!
//! How a build knows which it is (docs/deployment.md, « Configurer »):
//! - `MSA_KIOSK_DEV=1` in the environment: development, wherever the binary is
//!   (`cargo xtask run` sets it);
//! - otherwise a binary under `/usr/` is installed (the package puts it in `/usr/bin`; a copy
//!   in `/usr/local/bin` counts too), anything else is a development build (`target/…`);
//! - a binary whose path cannot be read is taken as installed: it must then be configured;
//! - tests only: `MSA_KIOSK_INSTALLED=1` makes a work-tree binary an installed one, so that
//!   `tests/e2e/deploy_screen.rs` sees the screen in the real app. It is read by debug builds
//!   alone (`cfg(debug_assertions)`; the `.deb` ships a release build), and it can only make a
//!   kiosk stricter: it turns enrolments off, never on.
//!
//! Tauri-free: the shell asks [`readiness`] at start, holds `Reason::NotConfigured` on the
//! availability board (the « Borne non configurée » screen) and refuses `start_session` with
//! `system.notConfigured`.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use crate::config::{Config, DEFAULT_BACKEND_URL};

/// The agency's configuration file of an installed kiosk.
pub const SYSTEM_CONFIG: &str = "/etc/msa-kiosk/config.toml";
/// Set to `1` by `cargo xtask run`: keep the development defaults even for an installed binary.
pub const DEV_ENV: &str = "MSA_KIOSK_DEV";
/// Tests only (debug builds): `1` makes a work-tree binary an installed kiosk.
pub const INSTALLED_ENV: &str = "MSA_KIOSK_INSTALLED";
/// The `kiosk_id` a configuration without one gets (config.rs).
pub const DEV_KIOSK_ID: &str = "kiosk-dev";

/// Where the running binary comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Build {
    /// Installed by the package (or copied under `/usr/`): must be configured.
    Installed,
    /// Built here and run from the work tree, or run with `MSA_KIOSK_DEV=1`.
    Development,
}

impl Build {
    /// `exe`: the running binary (`std::env::current_exe()`); `dev_flag`: the value of
    /// `MSA_KIOSK_DEV`, if set.
    pub fn detect(exe: Option<&Path>, dev_flag: Option<&OsStr>) -> Build {
        if dev_flag == Some(OsStr::new("1")) {
            return Build::Development;
        }
        match exe {
            Some(path) if !path.starts_with("/usr") => Build::Development,
            _ => Build::Installed,
        }
    }

    /// This process's build.
    pub fn current() -> Build {
        if cfg!(debug_assertions)
            && std::env::var_os(INSTALLED_ENV).as_deref() == Some(OsStr::new("1"))
        {
            // Tests only, and never in a release build: see the module's doc.
            return Build::Installed;
        }
        let exe = std::env::current_exe().ok();
        Build::detect(exe.as_deref(), std::env::var_os(DEV_ENV).as_deref())
    }
}

/// The configuration file to read when neither `--config` nor `MSA_KIOSK_CONFIG` names one:
/// [`SYSTEM_CONFIG`] for an installed kiosk where it exists, else none (the defaults).
pub fn default_config_file(build: Build, exists: impl Fn(&Path) -> bool) -> Option<PathBuf> {
    let path = Path::new(SYSTEM_CONFIG);
    (build == Build::Installed && exists(path)).then(|| path.to_owned())
}

/// Whether the kiosk may take enrolments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readiness {
    Ready,
    /// « Borne non configurée »: these keys still hold their development defaults (both of
    /// them when there is no configuration file at all).
    NotConfigured {
        keys: Vec<&'static str>,
    },
}

/// An installed kiosk is ready once its configuration names its own `kiosk_id` and its
/// `[backend] url`; a development build always is.
pub fn readiness(build: Build, config: &Config) -> Readiness {
    if build == Build::Development {
        return Readiness::Ready;
    }
    let mut keys = Vec::new();
    if config.kiosk_id == DEV_KIOSK_ID {
        keys.push("kiosk_id");
    }
    if config.backend.url.as_str() == DEFAULT_BACKEND_URL {
        keys.push("backend.url");
    }
    if keys.is_empty() {
        Readiness::Ready
    } else {
        Readiness::NotConfigured { keys }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> Config {
        Config::parse(Path::new("config.toml"), text).unwrap()
    }

    #[test]
    fn the_package_binary_is_installed_and_a_work_tree_one_is_not() {
        let detect = |exe: &str| Build::detect(Some(Path::new(exe)), None);
        assert_eq!(detect("/usr/bin/msa-kiosk"), Build::Installed);
        assert_eq!(detect("/usr/local/bin/msa-kiosk"), Build::Installed);
        assert_eq!(
            detect("/work/main/target/debug/msa-kiosk"),
            Build::Development
        );
        assert_eq!(detect("/home/me/msa-kiosk"), Build::Development);
        // A path component, not a prefix of a name.
        assert_eq!(detect("/usrlocal/msa-kiosk"), Build::Development);
        assert_eq!(Build::detect(None, None), Build::Installed);
    }

    #[test]
    fn msa_kiosk_dev_1_is_development_wherever_the_binary_is() {
        let exe = Some(Path::new("/usr/bin/msa-kiosk"));
        assert_eq!(
            Build::detect(exe, Some(OsStr::new("1"))),
            Build::Development
        );
        assert_eq!(
            Build::detect(None, Some(OsStr::new("1"))),
            Build::Development
        );
        for other in ["0", "", "yes", "true"] {
            assert_eq!(
                Build::detect(exe, Some(OsStr::new(other))),
                Build::Installed,
                "{other:?}"
            );
        }
    }

    #[test]
    fn an_installed_kiosk_reads_the_system_file_when_it_exists() {
        let there = |path: &Path| path == Path::new(SYSTEM_CONFIG);
        let absent = |_: &Path| false;
        assert_eq!(
            default_config_file(Build::Installed, there).as_deref(),
            Some(Path::new(SYSTEM_CONFIG))
        );
        assert_eq!(default_config_file(Build::Installed, absent), None);
        assert_eq!(default_config_file(Build::Development, there), None);
    }

    #[test]
    fn no_file_leaves_an_installed_kiosk_not_configured() {
        // What `Config::locate_and_load` gives when no file is named.
        let defaults = Config::defaults();
        assert_eq!(
            defaults.kiosk_id, DEV_KIOSK_ID,
            "config.rs's default changed"
        );
        assert_eq!(
            readiness(Build::Installed, &defaults),
            Readiness::NotConfigured {
                keys: vec!["kiosk_id", "backend.url"]
            }
        );
        assert_eq!(readiness(Build::Development, &defaults), Readiness::Ready);
    }

    #[test]
    fn each_development_default_left_in_the_file_is_named() {
        let only_id = config("kiosk_id = \"agence-44-01\"\n");
        assert_eq!(
            readiness(Build::Installed, &only_id),
            Readiness::NotConfigured {
                keys: vec!["backend.url"]
            }
        );
        let only_url = config("[backend]\nurl = \"https://msa.example.fr/kiosk-api/\"\n");
        assert_eq!(
            readiness(Build::Installed, &only_url),
            Readiness::NotConfigured {
                keys: vec!["kiosk_id"]
            }
        );
        let loopback_default = config(&format!(
            "kiosk_id = \"agence-44-01\"\n[backend]\nurl = \"{DEFAULT_BACKEND_URL}\"\n"
        ));
        assert_eq!(
            readiness(Build::Installed, &loopback_default),
            Readiness::NotConfigured {
                keys: vec!["backend.url"]
            }
        );
    }

    #[test]
    fn a_configured_kiosk_is_ready() {
        let agency = config(
            "kiosk_id = \"agence-44-01\"\n[backend]\nurl = \"https://msa.example.fr/kiosk-api/\"\n",
        );
        assert_eq!(readiness(Build::Installed, &agency), Readiness::Ready);
        // A test kiosk on another loopback port is configured: it chose its backend.
        let test = config("kiosk_id = \"e2e\"\n[backend]\nurl = \"http://127.0.0.1:40123/\"\n");
        assert_eq!(readiness(Build::Installed, &test), Readiness::Ready);
    }
}
