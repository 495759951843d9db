//! The root side: `msa-kiosk apply-update`, run by `msa-kiosk-update.service`. It trusts
//! nothing the kiosk's user wrote: the signature, the key (from root-owned files) and the
//! version are checked again before `dpkg -i`.

use std::path::{Path, PathBuf};

use semver::Version;
use serde_json::Value;

use super::feed::{bundled_settings, effective_pubkey, BUNDLED_CONF};
use super::install::{spool, write_atomically};
use super::signature::verify_package;
use super::DEFAULT_SPOOL;
use crate::config::UpdaterConfig;

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
    use crate::updater::test_keys::{keys, Keys};

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
