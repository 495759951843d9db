//! One kiosk's update cycle: check → download → wait for the welcome screen with the gate
//! closed → install → restart. [`start`] builds the [`Agent`] for the app; tests build their own.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tauri::Runtime;
use url::Url;

use super::check::Checker;
use super::feed::{Feed, FeedProblem};
use super::gate::InstallGate;
use super::install::{Installer, PluginInstaller, ServiceInstaller};
use super::status::{Outcome, StatusFile};
use super::{DEFAULT_SPOOL, FIRST_CHECK_WINDOW, IDLE_POLL, JITTER, QUIET_BEFORE_INSTALL};
use crate::config::{UpdateInstall, UpdaterConfig};
use crate::ops::clock::{now_rfc3339, rfc3339};

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

/// Starts the updater in the app's `setup`, after the app's state is managed. `gate` is the
/// app's (the one `start_session` reads); `is_busy` says whether an enrolment is in progress
/// (a session exists).
pub fn start<R: Runtime>(
    app: &tauri::AppHandle<R>,
    feed: Result<Feed, FeedProblem>,
    config: &UpdaterConfig,
    data_dir: &Path,
    gate: Arc<InstallGate>,
    is_busy: impl Fn() -> bool + Send + Sync + 'static,
) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
