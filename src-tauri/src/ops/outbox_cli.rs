//! `msa-kiosk outbox …`: what an operator does with the queue (docs/contracts.md §3 « Who owns
//! an enrolment », README « Operations »).
//!
//! - `list`: one line per queued enrolment: reference, state (`pending`, `needsAttention`,
//!   `setAside`), age, attempts, reason code. No personal data; no key needed.
//! - `retry REFERENCE` / `retry --all-attention`: back to pending, due now; no key needed.
//! - `export REFERENCE --to FILE`: the decrypted enrolment, for a counsellor, into a new file
//!   created 0600; never to a terminal or standard output.
//! - `restore-key`: the outbox key, read on standard input (base64, as the keyring keeps it), put
//!   back into the keyring after checking that it reads the queued rows.
//!
//! The kiosk may be running: SQLite (WAL) lets both open the outbox; its worker sees a retried
//! row at its next look (at most 30 s), and a restored key at its next preparation (at most 10 s).

use std::io::{Read, Write};
use std::path::Path;

use serde_json::json;

use super::cli::{data_dir_for, EXIT_UNAVAILABLE};
use super::clock::{now_ms, rfc3339_ms};
use crate::config::Config;
use crate::delivery::outbox::{Outbox, OutboxError, OutboxKey, OutboxRows};
use crate::secrets::{KeyringStore, SecretStore};

/// Bad usage (as the shells' built-ins).
const EXIT_USAGE: i32 = 2;
/// The reference or the key does not match the outbox (EX_DATAERR in sysexits.h).
const EXIT_DATA: i32 = 65;
/// The export file cannot be created (EX_CANTCREAT).
const EXIT_CANT_CREATE: i32 = 73;

const USAGE: &str = "usage: msa-kiosk outbox list
       msa-kiosk outbox retry REFERENCE | --all-attention
       msa-kiosk outbox export REFERENCE --to FILE
       msa-kiosk outbox restore-key < key.txt";

/// `msa-kiosk outbox ARGS…`; returns the exit code.
pub fn run(config: &Config, args: &[String]) -> i32 {
    let Some(data_dir) = data_dir_for(config, None) else {
        eprintln!("msa-kiosk: no data folder");
        return EXIT_UNAVAILABLE;
    };
    let path = data_dir.join("outbox.db");
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("msa-kiosk: {error}");
            return EXIT_UNAVAILABLE;
        }
    };
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    runtime.block_on(async {
        match args.as_slice() {
            ["list"] => list(&path).await,
            ["retry", "--all-attention"] => retry(&path, None).await,
            ["retry", reference] if !reference.starts_with('-') => {
                retry(&path, Some(reference)).await
            }
            ["export", reference, "--to", file] => {
                export(&path, reference, Path::new(file), &KeyringStore).await
            }
            ["restore-key"] => {
                let mut text = String::new();
                if std::io::stdin().read_to_string(&mut text).is_err() || text.trim().is_empty() {
                    eprintln!("msa-kiosk: restore-key reads the outbox key on standard input; none was given");
                    return EXIT_USAGE;
                }
                let key = zeroize::Zeroizing::new(text);
                restore_key(&path, &key, &KeyringStore).await
            }
            _ => {
                eprintln!("{USAGE}");
                EXIT_USAGE
            }
        }
    })
}

fn outbox_error(error: &OutboxError) -> i32 {
    eprintln!("msa-kiosk: {error}");
    match error {
        OutboxError::Decrypt | OutboxError::MalformedKey => EXIT_DATA,
        _ => EXIT_UNAVAILABLE,
    }
}

/// An age for the terminal: `42s`, `17m`, `5h03m`, `3d04h`.
pub fn age(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m", s / 60),
        3600..=86_399 => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
        _ => format!("{}d{:02}h", s / 86_400, s % 86_400 / 3600),
    }
}

async fn list(path: &Path) -> i32 {
    let rows = match OutboxRows::open(path).await {
        Ok(rows) => rows,
        Err(error) => return outbox_error(&error),
    };
    let listed = rows.list().await;
    rows.close().await;
    let listed = match listed {
        Ok(listed) => listed,
        Err(error) => return outbox_error(&error),
    };
    let now = now_ms();
    println!("REFERENCE\tSTATE\tAGE\tATTEMPTS\tREASON");
    for row in &listed {
        println!(
            "{}\t{}\t{}\t{}\t{}",
            row.reference,
            row.state.code(),
            age(now - row.queued_at),
            row.attempts,
            row.reason.as_deref().unwrap_or("-")
        );
    }
    eprintln!("msa-kiosk: {} enrolment(s) in the outbox", listed.len());
    0
}

async fn retry(path: &Path, reference: Option<&str>) -> i32 {
    let rows = match OutboxRows::open(path).await {
        Ok(rows) => rows,
        Err(error) => return outbox_error(&error),
    };
    let done = match reference {
        Some(reference) => rows.retry(reference, now_ms()).await,
        None => rows.retry_all_attention(now_ms()).await,
    };
    rows.close().await;
    match done {
        Ok(0) if reference.is_some() => {
            eprintln!("msa-kiosk: no enrolment with this reference in the outbox");
            EXIT_DATA
        }
        Ok(n) => {
            eprintln!(
                "msa-kiosk: {n} enrolment(s) back to pending; the kiosk sends them within 30 s"
            );
            0
        }
        Err(error) => outbox_error(&error),
    }
}

/// Writes the decrypted enrolment of `reference` to `to`, a new file readable by its owner only.
pub async fn export(path: &Path, reference: &str, to: &Path, store: &dyn SecretStore) -> i32 {
    if to.as_os_str() == "-" || to.starts_with("/dev") {
        eprintln!("msa-kiosk: export writes personal data to a new file only, never to standard output or a device");
        return EXIT_USAGE;
    }
    let key = match OutboxKey::load(store) {
        Ok(Some(key)) => key,
        Ok(None) => {
            eprintln!("msa-kiosk: the keyring holds no outbox key (msa-kiosk outbox restore-key)");
            return EXIT_UNAVAILABLE;
        }
        Err(error) => return outbox_error(&error),
    };
    let outbox = match Outbox::open(path, &key).await {
        Ok(outbox) => outbox,
        Err(error) => return outbox_error(&error),
    };
    let found = outbox.export(reference).await;
    let summary = outbox
        .rows()
        .list()
        .await
        .ok()
        .and_then(|rows| rows.into_iter().find(|r| r.reference == reference));
    outbox.close().await;
    let request = match found {
        Ok(Some(request)) => request,
        Ok(None) => {
            eprintln!("msa-kiosk: no enrolment with this reference in the outbox");
            return EXIT_DATA;
        }
        Err(error) => return outbox_error(&error),
    };
    let document = zeroize::Zeroizing::new(
        serde_json::to_vec_pretty(&json!({
            "reference": reference,
            "state": summary.as_ref().map(|s| s.state.code()),
            "reason": summary.as_ref().and_then(|s| s.reason.clone()),
            "queuedAt": summary.as_ref().map(|s| rfc3339_ms(s.queued_at)),
            "exportedAt": rfc3339_ms(now_ms()),
            "enrolment": request,
        }))
        .unwrap_or_default(),
    );
    match write_new_private(to, &document) {
        Ok(()) => {
            eprintln!(
                "msa-kiosk: WARNING: {} holds personal data (NIR, names, e-mail, the verification secret). \
                 Give it to the counsellor only, and delete it once the file is handled.",
                to.display()
            );
            0
        }
        Err(error) => {
            eprintln!("msa-kiosk: cannot create {}: {error}", to.display());
            EXIT_CANT_CREATE
        }
    }
}

/// Creates `to` (never an existing file, so never a terminal or another device, never an
/// overwrite), mode 0600, and writes `bytes`, synced.
fn write_new_private(to: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(to)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Puts `text` (the base64 key) back into the keyring if it reads the queued rows.
pub async fn restore_key(path: &Path, text: &str, store: &dyn SecretStore) -> i32 {
    let key = match OutboxKey::parse(text) {
        Ok(key) => key,
        Err(error) => return outbox_error(&error),
    };
    match check_key(path, &key, store).await {
        Ok(()) => {}
        Err(code) => return code,
    }
    match key.store(store) {
        Ok(()) => {
            eprintln!(
                "msa-kiosk: outbox key {} restored in the keyring; the kiosk delivers the queue within a few seconds",
                key.id()
            );
            0
        }
        Err(error) => outbox_error(&error),
    }
}

/// Refuses a key that reads none of the queued rows, and refuses to replace a keyring key that
/// reads some of them (its rows would become unreadable).
async fn check_key(path: &Path, key: &OutboxKey, store: &dyn SecretStore) -> Result<(), i32> {
    let (read, unread) = readable(path, key).await.map_err(|e| outbox_error(&e))?;
    if read == 0 && unread > 0 {
        eprintln!(
            "msa-kiosk: this key reads none of the {unread} queued enrolment(s): not restored"
        );
        return Err(EXIT_DATA);
    }
    match OutboxKey::load(store) {
        Ok(Some(current)) if current.id() != key.id() => {
            let (current_reads, _) = readable(path, &current)
                .await
                .map_err(|e| outbox_error(&e))?;
            if current_reads > 0 {
                eprintln!("msa-kiosk: the keyring's outbox key reads {current_reads} queued enrolment(s): not replaced");
                return Err(EXIT_DATA);
            }
            Ok(())
        }
        Ok(_) => Ok(()),
        Err(error) => Err(outbox_error(&error)),
    }
}

/// How many queued rows `key` reads, and how many it cannot.
async fn readable(path: &Path, key: &OutboxKey) -> Result<(i64, i64), OutboxError> {
    let outbox = Outbox::open(path, key).await?;
    let counts = outbox.readable().await;
    outbox.close().await;
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_at_a_glance() {
        assert_eq!(age(-5), "0s");
        assert_eq!(age(42_000), "42s");
        assert_eq!(age(17 * 60_000 + 5_000), "17m");
        assert_eq!(age(5 * 3_600_000 + 3 * 60_000), "5h03m");
        assert_eq!(age(3 * 86_400_000 + 4 * 3_600_000), "3d04h");
    }
}
