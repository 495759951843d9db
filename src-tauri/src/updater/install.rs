//! The installers of a verified package: the plugin's own (`dpkg -i` through pkexec, the
//! Windows installer), or the hand-over to the root update service through its spool folder.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tauri_plugin_updater::Update;

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
pub(super) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
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
