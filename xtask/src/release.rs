//! `cargo xtask release --base-url https://…`: the signed package and the update feed.
//!
//! Builds the `.deb` (Linux) or the NSIS installer (Windows) with `npx tauri build` and the
//! size-tuned `[profile.release]`, signed with the key in `TAURI_SIGNING_PRIVATE_KEY` (and
//! `TAURI_SIGNING_PRIVATE_KEY_PASSWORD`), checks that the signature is by the key whose public
//! half is in `tauri.conf.json` and is bound to the version, then writes
//! `<out>/<version>/msa-kiosk_<version>_<arch>.<ext>` and `<out>/latest.json` for a static web
//! server. See docs/updates.md. No dependencies: std only, plus node (already needed by the CLI).

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use super::{root, sh};

const USAGE: &str = "usage: cargo xtask release --base-url https://updates.example.fr/msa-kiosk [--out DIR] [--notes TEXT] [--skip-build]";

struct Options {
    base_url: String,
    out: PathBuf,
    notes: String,
    skip_build: bool,
}

/// One platform's bundle: what `tauri build` makes and how the feed names it.
struct Bundle {
    /// `tauri build --bundles` value and the folder under `target/release/bundle/`.
    kind: &'static str,
    extension: &'static str,
    /// Keys of `platforms` in latest.json: bundle-specific first, then the generic one.
    feed_keys: Vec<String>,
    /// How the bundler names the architecture in the file name.
    file_arch: &'static str,
}

fn this_platform() -> Result<Bundle, String> {
    let arch = match env::consts::ARCH {
        "x86_64" => ("x86_64", "amd64", "x64"),
        "aarch64" => ("aarch64", "arm64", "arm64"),
        other => return Err(format!("no release for the {other} architecture")),
    };
    if cfg!(target_os = "linux") {
        Ok(Bundle {
            kind: "deb",
            extension: "deb",
            feed_keys: vec![format!("linux-{}-deb", arch.0), format!("linux-{}", arch.0)],
            file_arch: arch.1,
        })
    } else if cfg!(target_os = "windows") {
        Ok(Bundle {
            kind: "nsis",
            extension: "exe",
            feed_keys: vec![
                format!("windows-{}-nsis", arch.0),
                format!("windows-{}", arch.0),
            ],
            file_arch: arch.2,
        })
    } else {
        Err("releases are built on Linux (.deb) and Windows (NSIS)".into())
    }
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        base_url: String::new(),
        out: root().join("artifacts/updates"),
        notes: String::new(),
        skip_build: false,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .cloned()
                .ok_or_else(|| format!("{arg} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--base-url" => options.base_url = value()?,
            "--out" => options.out = PathBuf::from(value()?),
            "--notes" => options.notes = value()?,
            "--skip-build" => options.skip_build = true,
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    if options.base_url.is_empty() {
        return Err(format!("--base-url is required\n{USAGE}"));
    }
    let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
        .iter()
        .any(|prefix| options.base_url.starts_with(prefix));
    if !options.base_url.starts_with("https://") && !loopback {
        return Err(format!(
            "--base-url {} must be https:// (the kiosks refuse anything else; http:// only on loopback, for tests)",
            options.base_url
        ));
    }
    options.base_url = options.base_url.trim_end_matches('/').to_owned();
    Ok(options)
}

pub fn run(args: &[String]) -> Result<(), String> {
    let options = parse(args)?;
    let bundle = this_platform()?;
    let (version, pubkey) = read_tauri_conf()?;
    check_cargo_version(&version)?;
    if pubkey.is_empty() {
        return Err(NO_PUBKEY.into());
    }
    if env::var_os("TAURI_SIGNING_PRIVATE_KEY").is_none()
        && env::var_os("TAURI_SIGNING_PRIVATE_KEY_PATH").is_none()
    {
        return Err("TAURI_SIGNING_PRIVATE_KEY (the key's content) or TAURI_SIGNING_PRIVATE_KEY_PATH must be set, with TAURI_SIGNING_PRIVATE_KEY_PASSWORD (docs/updates.md: Keys)".into());
    }

    if !options.skip_build {
        let mut build = Command::new(if cfg!(windows) { "npx.cmd" } else { "npx" });
        build.args(["tauri", "build", "--ci", "--bundles", bundle.kind]);
        if env::var_os("TAURI_SIGNING_PRIVATE_KEY_PASSWORD").is_none() {
            // An unencrypted key: the CLI would otherwise ask for a password.
            build.env("TAURI_SIGNING_PRIVATE_KEY_PASSWORD", "");
        }
        sh(&mut build)?;
    }

    let target =
        env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from);
    let folder = target.join("release/bundle").join(bundle.kind);
    let suffix = format!("_{version}_{}.{}", bundle.file_arch, bundle.extension);
    let suffix_nsis = format!("_{version}_{}-setup.{}", bundle.file_arch, bundle.extension);
    let package = std::fs::read_dir(&folder)
        .map_err(|e| {
            format!(
                "{}: {e} (build first, or drop --skip-build)",
                folder.display()
            )
        })?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            name.ends_with(&suffix) || name.ends_with(&suffix_nsis)
        })
        .ok_or_else(|| {
            format!(
                "no {} of version {version} in {}",
                bundle.kind,
                folder.display()
            )
        })?;
    let mut sig_path = package.clone().into_os_string();
    sig_path.push(".sig");
    let signature = std::fs::read_to_string(&sig_path).map_err(|e| {
        format!(
            "{}: {e}: was the build signed (createUpdaterArtifacts, TAURI_SIGNING_PRIVATE_KEY)?",
            Path::new(&sig_path).display()
        )
    })?;
    let signature = signature.trim().to_owned();
    check_signature(&signature, &pubkey, &version)?;

    // A name without spaces or accents: the bundler's uses the product name.
    let file = format!(
        "msa-kiosk_{version}_{}.{}",
        bundle.file_arch, bundle.extension
    );
    let dir = options.out.join(&version);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    std::fs::copy(&package, dir.join(&file)).map_err(|e| format!("{}: {e}", package.display()))?;
    std::fs::write(dir.join(format!("{file}.sig")), &signature).map_err(|e| e.to_string())?;

    let url = format!("{}/{version}/{file}", options.base_url);
    let feed = latest_json(
        &version,
        &options.notes,
        &rfc3339_now(),
        &bundle.feed_keys,
        &url,
        &signature,
    );
    let latest = options.out.join("latest.json");
    std::fs::write(&latest, feed).map_err(|e| format!("{}: {e}", latest.display()))?;

    eprintln!(
        "xtask: release {version} ready:\n  {}\n  {}\nUpload the {version}/ folder first, then latest.json, to {} (docs/updates.md).",
        dir.join(&file).display(),
        latest.display(),
        options.base_url
    );
    Ok(())
}

const NO_PUBKEY: &str = "tauri.conf.json has no plugins.updater.pubkey, so the kiosks could not check any update.
Once for the project (docs/updates.md, Keys):
  npx tauri signer generate -w ~/.msa-kiosk-release/updater.key
then put the content of ~/.msa-kiosk-release/updater.key.pub in plugins.updater.pubkey, commit it, and keep the private key (and its password) in the release secrets, never in the repository.";

/// `version` and `plugins.updater.pubkey` of tauri.conf.json, read by node (already needed by
/// the Tauri CLI) so that this tool needs no JSON crate.
fn read_tauri_conf() -> Result<(String, String), String> {
    let script = "const c = require(process.argv[1]); \
                  const u = (c.plugins && c.plugins.updater) || {}; \
                  process.stdout.write((c.version || '') + '\\n' + (u.pubkey || '') + '\\n');";
    let output = Command::new("node")
        .args(["-e", script])
        .arg(root().join("tauri.conf.json"))
        .output()
        .map_err(|e| format!("cannot run node: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cannot read tauri.conf.json: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let mut lines = text.lines();
    let version = lines.next().unwrap_or_default().trim().to_owned();
    let pubkey = lines.next().unwrap_or_default().trim().to_owned();
    if version.is_empty() {
        return Err("tauri.conf.json has no version".into());
    }
    Ok((version, pubkey))
}

/// The kiosk compares versions from tauri.conf.json; Cargo.toml must say the same.
fn check_cargo_version(version: &str) -> Result<(), String> {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).map_err(|e| e.to_string())?;
    let package = manifest
        .split("\n[package]")
        .nth(1)
        .ok_or("Cargo.toml has no [package]")?;
    let cargo_version = package
        .lines()
        .find_map(|line| line.trim().strip_prefix("version = \""))
        .and_then(|rest| rest.split('"').next())
        .ok_or("Cargo.toml's [package] has no version")?;
    if cargo_version != version {
        return Err(format!(
            "tauri.conf.json says version {version} but Cargo.toml says {cargo_version}: bump both"
        ));
    }
    Ok(())
}

/// The signature must be by the key in tauri.conf.json (same key id) and bound to `version`:
/// a package signed with another key would be refused by every kiosk, after the upload.
fn check_signature(signature: &str, pubkey: &str, version: &str) -> Result<(), String> {
    let sig_text = decode_base64_text(signature).ok_or("the .sig file is not base64")?;
    let key_text = decode_base64_text(pubkey).ok_or("plugins.updater.pubkey is not base64")?;
    let sig_id =
        key_id(sig_text.lines().nth(1)).ok_or("the .sig file is not a minisign signature")?;
    let pub_id =
        key_id(key_text.lines().nth(1)).ok_or("plugins.updater.pubkey is not a minisign key")?;
    if sig_id != pub_id {
        return Err(format!(
            "the package is signed by key {} but tauri.conf.json holds key {}: TAURI_SIGNING_PRIVATE_KEY is not the project's key",
            hex(&sig_id),
            hex(&pub_id)
        ));
    }
    let bound = sig_text
        .lines()
        .find_map(|line| line.strip_prefix("trusted comment: "))
        .is_some_and(|comment| {
            comment
                .split('\t')
                .any(|field| field == format!("version:{version}"))
        });
    if !bound {
        return Err(format!(
            "the signature is not bound to version {version} (the kiosks require it): use the Tauri CLI 2.12 or later"
        ));
    }
    Ok(())
}

/// Bytes 2..10 of a minisign key or signature line: the key id.
fn key_id(line: Option<&str>) -> Option<Vec<u8>> {
    let bytes = decode_base64(line?.trim())?;
    (bytes.len() >= 10).then(|| bytes[2..10].to_vec())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().rev().map(|b| format!("{b:02X}")).collect()
}

fn decode_base64_text(text: &str) -> Option<String> {
    String::from_utf8(decode_base64(text.trim())?).ok()
}

fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let text = text.trim_end_matches('=').as_bytes();
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.chunks(4) {
        let mut acc = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            acc |= value(c)? << (18 - 6 * i);
        }
        let bytes = acc.to_be_bytes();
        match chunk.len() {
            4 => out.extend_from_slice(&bytes[1..4]),
            3 => out.extend_from_slice(&bytes[1..3]),
            2 => out.push(bytes[1]),
            _ => return None,
        }
    }
    Some(out)
}

fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The static feed of tauri-plugin-updater: every key of `platforms` points at the same file.
fn latest_json(
    version: &str,
    notes: &str,
    pub_date: &str,
    keys: &[String],
    url: &str,
    signature: &str,
) -> String {
    let entries: Vec<String> = keys
        .iter()
        .map(|key| {
            format!(
                "    {}: {{\n      \"url\": {},\n      \"signature\": {}\n    }}",
                json_string(key),
                json_string(url),
                json_string(signature)
            )
        })
        .collect();
    format!(
        "{{\n  \"version\": {},\n  \"notes\": {},\n  \"pub_date\": {},\n  \"platforms\": {{\n{}\n  }}\n}}\n",
        json_string(version),
        json_string(notes),
        json_string(pub_date),
        entries.join(",\n")
    )
}

/// Now, as RFC 3339 in UTC, without a date crate.
fn rfc3339_now() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    rfc3339(seconds)
}

fn rfc3339(unix_seconds: u64) -> String {
    let days = (unix_seconds / 86_400) as i64;
    let rest = unix_seconds % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    // A key and a signature made by `npx tauri signer generate` / `sign --app-version 0.2.0`.
    const PUBKEY: &str = "dW50cnVzdGVkIGNvbW1lbnQ6IG1pbmlzaWduIHB1YmxpYyBrZXk6IEYxNDA2NzhDM0FFRDI3RjYKUldUMkorMDZqR2RBOGVENk40VnBFNW9Lb3lzWktNV3pYQjQzQkQzTHFVdFd3SUhXVVNTVmRya24K";
    const SIGNATURE: &str = "dW50cnVzdGVkIGNvbW1lbnQ6IHNpZ25hdHVyZSBmcm9tIHRhdXJpIHNlY3JldCBrZXkKUlVUMkorMDZqR2RBOFgvYWRrZ0NWU3craXRxendzbysvSCt2ZnNNcEluNmxWQWJPRmZRd2ZmdDEvNUgzWU81VUk0dVNmSkE3WW5RMTBiQW9ZeXM0N3JOZ2lCOVZTUWFRQWdjPQp0cnVzdGVkIGNvbW1lbnQ6IHRpbWVzdGFtcDoxNzk1NzA5MDIwCWZpbGU6YS5kZWIJdmVyc2lvbjowLjIuMAo3aDVUalFFQytSRG9rWkNSLzVvQVVwamlveUd4cnovUkFlTjl4THQxdkJTZFlicDhXSVNTR2dOTUVHQ1c1QisyTG9PV0JqaXEwelNTd3IwcVZuUzZEUT09Cg==";

    #[test]
    fn the_signature_must_be_by_the_project_key_and_bound_to_the_version() {
        assert_eq!(check_signature(SIGNATURE, PUBKEY, "0.2.0"), Ok(()));
        assert!(check_signature(SIGNATURE, PUBKEY, "0.3.0")
            .unwrap_err()
            .contains("not bound"));
        // Another key id (one byte of the key line changed).
        let text = decode_base64_text(PUBKEY)
            .unwrap()
            .replace("RWT2J", "RWT2K");
        let other = base64_for_test(&text);
        assert!(check_signature(SIGNATURE, &other, "0.2.0")
            .unwrap_err()
            .contains("F140678C3AED27F6"));
    }

    fn base64_for_test(text: &str) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in text.as_bytes().chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    #[test]
    fn base64_round_trips() {
        for text in ["", "a", "ab", "abc", "abcd", "untrusted comment: é"] {
            assert_eq!(
                decode_base64_text(&base64_for_test(text)).as_deref(),
                Some(text)
            );
        }
        assert_eq!(decode_base64("!!"), None);
    }

    #[test]
    fn the_feed_has_both_linux_keys_and_escaped_notes() {
        let keys = vec!["linux-x86_64-deb".to_owned(), "linux-x86_64".to_owned()];
        let feed = latest_json(
            "0.2.0",
            "Corrections « accès »\n\"quoted\"",
            "2026-11-20T08:00:00Z",
            &keys,
            "https://u.example.fr/0.2.0/msa-kiosk_0.2.0_amd64.deb",
            "c2ln",
        );
        assert!(feed.contains("\"linux-x86_64-deb\": {"));
        assert!(feed.contains("\"linux-x86_64\": {"));
        assert!(feed.contains(r#""notes": "Corrections « accès »\n\"quoted\"""#));
        assert!(feed.contains(r#""signature": "c2ln""#));
    }

    #[test]
    fn dates_are_rfc3339_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_795_709_020), "2026-11-26T16:03:40Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn only_https_or_loopback_feeds() {
        let args = |url: &str| vec!["--base-url".to_owned(), url.to_owned()];
        assert!(parse(&args("https://u.example.fr/kiosk/")).is_ok());
        assert_eq!(
            parse(&args("https://u.example.fr/kiosk/"))
                .unwrap()
                .base_url,
            "https://u.example.fr/kiosk"
        );
        assert!(parse(&args("http://127.0.0.1:8000")).is_ok());
        assert!(parse(&args("http://u.example.fr/kiosk")).is_err());
        assert!(parse(&[]).is_err());
    }
}
