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
//!
//! | file | holds |
//! |---|---|
//! | `feed` | the effective feed and the plugin's configuration |
//! | `check` | the plugin's check and download ([`Checker`]) |
//! | `signature` | the minisign check, bound to a version |
//! | `status` | outcomes and the `updater` key of `status.json` |
//! | `gate` | the [`InstallGate`] the app's state shares with `start_session` |
//! | `install` | the installers: the plugin's, or the root service's spool |
//! | `agent` | the schedule and the cycle ([`Agent`], [`start`]) |
//! | `apply` | the root side, `msa-kiosk apply-update` |

mod agent;
mod apply;
mod check;
mod feed;
mod gate;
mod install;
mod signature;
mod status;
#[cfg(test)]
mod test_keys;

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

pub use agent::{first_check_delay, jittered, start, Agent, Timing};
pub use apply::{apply_update_command, installed_version, verify_spooled};
pub use check::Checker;
pub use feed::{bundled_settings, configure_context, effective_pubkey, prepare, Feed, FeedProblem};
pub use gate::InstallGate;
pub use install::{spool, Installer, PluginInstaller, ServiceInstaller};
pub use signature::{decode_pubkey, verify_package};
pub use status::{Outcome, Reason, StatusFile, UpdaterStatus};

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

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
