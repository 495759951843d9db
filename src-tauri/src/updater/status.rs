//! How an update cycle ends ([`Outcome`], [`Reason`]) and the `updater` key of
//! `<data_dir>/status.json` that `msa-kiosk status` prints ([`StatusFile`]).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::lock;
use crate::ops::clock::now_rfc3339;
use crate::ops::status_file::merge as merge_status;

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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
}
