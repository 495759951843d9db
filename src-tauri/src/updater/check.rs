//! The plugin's check and download: [`Checker`] asks the feed for a strictly newer version,
//! refuses a downgrade or a plain-http download, and checks the downloaded package's signature
//! again with the feed's key.

use std::sync::{Arc, Mutex};

use semver::Version;
use tauri::{Manager, Runtime};
use tauri_plugin_updater::{Update, Updater, UpdaterExt};

use super::feed::{Feed, FeedProblem};
use super::signature::verify_package;
use super::status::Reason;
use super::{lock, CHECK_TIMEOUT, DOWNLOAD_TIMEOUT};

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
