//! The kiosk's maintenance commands for the agency's IT team, and where its data lives:
//! `msa-kiosk provision-token` (the backend token, read on standard input, into the keyring)
//! and `msa-kiosk status` (`<data_dir>/status.json`, readable without the keyring). The outbox's
//! commands are in `ops::outbox_cli`.

use std::io::Read;
use std::path::PathBuf;

use crate::config::Config;
use crate::delivery::client::BACKEND_TOKEN_ENTRY;
use crate::secrets::{KeyringStore, Secret, SecretStore, KIOSK_SERVICE};

/// Exit code when the configuration is refused: the IT team's supervisor can tell it from a crash.
pub const EXIT_BAD_CONFIG: i32 = 78; // EX_CONFIG in sysexits.h
/// Exit code of a maintenance command that cannot reach the OS keyring or the data folder. The
/// kiosk itself never exits for that: it shows « indisponible » and retries (`shell::heal`).
pub const EXIT_UNAVAILABLE: i32 = 69; // EX_UNAVAILABLE

/// `msa-kiosk provision-token`; returns the exit code.
pub fn provision_token() -> i32 {
    let mut token = String::new();
    if std::io::stdin().read_to_string(&mut token).is_err() || token.trim().is_empty() {
        eprintln!(
            "msa-kiosk: provision-token reads the backend token on standard input; none was given"
        );
        return 2;
    }
    let token = Secret::new(token.trim());
    match KeyringStore.set(KIOSK_SERVICE, BACKEND_TOKEN_ENTRY, &token) {
        Ok(()) => {
            eprintln!(
                "msa-kiosk: backend token stored in the OS keyring ({})",
                KeyringStore.backend_name()
            );
            0
        }
        Err(error) => {
            eprintln!("msa-kiosk: {error}");
            EXIT_UNAVAILABLE
        }
    }
}

/// `msa-kiosk status`; returns the exit code.
pub fn print_status(config: &Config) -> i32 {
    let Some(data_dir) = data_dir_for(config, None) else {
        eprintln!("msa-kiosk: no data folder");
        return EXIT_UNAVAILABLE;
    };
    let status =
        std::fs::read_to_string(data_dir.join("status.json")).unwrap_or_else(|_| "{}".into());
    println!("{}", with_ages(&status, time::OffsetDateTime::now_utc()));
    0
}

/// `status.json` as printed: with `delivery.needsAttentionOldestSeconds`, the age now of the
/// oldest enrolment that needs an operator (the file keeps its time, written only on change).
/// A file that is not a JSON object is printed as it is.
fn with_ages(status: &str, now: time::OffsetDateTime) -> String {
    let Ok(mut value) = serde_json::from_str::<serde_json::Value>(status) else {
        return status.to_owned();
    };
    let Some(delivery) = value.get_mut("delivery").and_then(|d| d.as_object_mut()) else {
        return status.to_owned();
    };
    let age = delivery
        .get("needsAttentionOldestSince")
        .and_then(|v| v.as_str())
        .and_then(|at| {
            time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).ok()
        })
        .map(|at| (now - at).whole_seconds().max(0));
    delivery.insert("needsAttentionOldestSeconds".into(), serde_json::json!(age));
    serde_json::to_string_pretty(&value).unwrap_or_else(|_| status.to_owned())
}

/// The data folder: the configuration's `data_dir`, `$MSA_KIOSK_DATA_DIR`, the OS's app data folder
/// (`os_default`, from Tauri), else `$XDG_DATA_HOME/<identifier>` as Tauri would choose it.
pub fn data_dir_for(config: &Config, os_default: Option<PathBuf>) -> Option<PathBuf> {
    config
        .data_dir
        .clone()
        .or_else(|| std::env::var_os("MSA_KIOSK_DATA_DIR").map(PathBuf::from))
        .or(os_default)
        .or_else(|| {
            // The same folder Tauri uses: $XDG_DATA_HOME/<identifier>.
            let base = std::env::var_os("XDG_DATA_HOME")
                .map(PathBuf::from)
                .or_else(|| {
                    std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share"))
                })?;
            Some(base.join("fr.msa.kiosk.enrolment"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_attention_age_is_computed_when_printed() {
        let now = time::macros::datetime!(2026-11-29 12:00:00 UTC);
        let printed =
            |s: &str| serde_json::from_str::<serde_json::Value>(&with_ages(s, now)).unwrap();
        let shown = printed(
            r#"{"delivery":{"needsAttention":1,"needsAttentionOldestSince":"2026-11-29T11:00:00Z"}}"#,
        );
        assert_eq!(shown["delivery"]["needsAttentionOldestSeconds"], 3600);
        let none = printed(r#"{"delivery":{"needsAttention":0,"needsAttentionOldestSince":null}}"#);
        assert!(none["delivery"]["needsAttentionOldestSeconds"].is_null());
        assert_eq!(with_ages("{}", now), "{}");
        assert_eq!(with_ages("not json", now), "not json");
    }
}
