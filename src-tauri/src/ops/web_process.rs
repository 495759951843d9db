//! The webview's web process died (WebKitGTK's `web-process-terminated`, WebView2's
//! `ProcessFailed`): what the kiosk does about it. The shell wipes the session as an idle
//! expiry does and reloads the wizard; this module counts the crashes for `status.json` and
//! decides between an immediate reload and a pause, so that a web process that dies at every
//! start does not turn into a crash loop on the public screen.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// A second crash within this time after the previous one is a crash loop.
pub const CRASH_LOOP_WINDOW: Duration = Duration::from_secs(60);
/// How long the « indisponible » screen stays before the next reload after a crash loop.
pub const CRASH_LOOP_PAUSE: Duration = Duration::from_secs(30);

/// What to do after a crash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovery {
    /// Reload the wizard on the welcome screen now.
    Reload,
    /// Show the « indisponible » screen and reload after the pause.
    PauseThenReload(Duration),
}

/// The crashes since the kiosk started.
#[derive(Debug, Default)]
pub struct CrashLog {
    recovered: u32,
    last: Option<Instant>,
    last_at: Option<String>,
}

impl CrashLog {
    /// Records a crash at `now` (`at`: the same moment in RFC 3339, for people).
    pub fn crashed(&mut self, now: Instant, at: String) -> Recovery {
        let looping = self
            .last
            .is_some_and(|last| now.saturating_duration_since(last) < CRASH_LOOP_WINDOW);
        self.recovered += 1;
        self.last = Some(now);
        self.last_at = Some(at);
        if looping {
            Recovery::PauseThenReload(CRASH_LOOP_PAUSE)
        } else {
            Recovery::Reload
        }
    }

    /// `status.json`'s `webProcess` key.
    pub fn status(&self) -> Value {
        json!({ "crashesRecovered": self.recovered, "lastCrashAt": self.last_at })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_crash_reloads_and_a_second_one_soon_after_pauses() {
        let mut log = CrashLog::default();
        let t0 = Instant::now();
        assert_eq!(log.crashed(t0, "a".into()), Recovery::Reload);
        assert_eq!(
            log.crashed(t0 + Duration::from_secs(10), "b".into()),
            Recovery::PauseThenReload(CRASH_LOOP_PAUSE)
        );
        // Long after the last one, a crash is a new incident again.
        assert_eq!(
            log.crashed(t0 + Duration::from_secs(200), "c".into()),
            Recovery::Reload
        );
        assert_eq!(
            log.status(),
            json!({"crashesRecovered": 3, "lastCrashAt": "c"})
        );
    }
}
