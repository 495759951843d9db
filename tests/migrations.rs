//! Frozen migrations (issue 20): the checksum of every migration that a kiosk or a backend may
//! already have applied is pinned here.
//!
//! sqlx records each applied migration's SHA-384 in `_sqlx_migrations` and refuses a database
//! whose recorded checksum differs from the embedded one (`VersionMismatch`). An edited
//! migration — a comment added, CRLF line endings from a Windows checkout — would therefore
//! stop every updated kiosk at start, with enrolments still queued inside. Never edit an
//! applied migration: add a new one, and add its pin below.

use std::path::{Path, PathBuf};

use sqlx::migrate::Migrator;

/// `(folder, version, SHA-384 as hex)` of every migration ever released.
const PINS: &[(&str, i64, &str)] = &[
    (
        "src-tauri/migrations",
        1,
        "814106b3e99c69e00fd644201454784dd4de9c5ba2a746f7775ba1a31074b7daf7cb79ba8920c239e3b57f81afc9830f",
    ),
    (
        "src-tauri/migrations",
        2,
        "2b5a49f186594f655d49a1cc80776b3bd595aff625f03f7140b390c224c84be5ca552da4bd56826e6da374bbbf92e6e9",
    ),
    (
        "crates/msa-backend/migrations/sqlite",
        1,
        "712801b6b329fc0ae83f8bee64bdb5356d19b4b664c6caf4a68a232c947ea5f367dfdf87f87b03a0e85141bff40d95b0",
    ),
    (
        "crates/msa-backend/migrations/postgres",
        1,
        "e6d1b72266bee26c7b16a88f77d1c712256f28136a3e4a985b96767379c8b7c9bf4516c495ff1593fb61345e9734fee0",
    ),
    (
        "crates/msa-backend/migrations/sqlite",
        3,
        "a6387867523dca17a9985749c039ea2241f798b3af60dc9634268dbb4bd0a7cffb1a10aff2a39aec3c581dee3c383a6d",
    ),
    (
        "crates/msa-backend/migrations/postgres",
        3,
        "7ed5615c7cf238b1e063bf564908ce0fbc46280875b382aed82aad796dab947412657614d1cba225868c7852c180665b",
    ),
    (
        "crates/msa-backend/migrations/sqlite",
        4,
        "c594c681f60cd787a6da59e80751c1dfaec97bfef54c9856cc75295dfb9ac0ff64043461dd302e97a483300a93d0d543",
    ),
    (
        "crates/msa-backend/migrations/postgres",
        4,
        "0a56cc679801b0a62c24ccce97c7eae8411673e2b80bcf3af8ca7094e03e48ffb852e05d0110f05133b354c31bbcc438",
    ),
    (
        "crates/msa-backend/migrations/sqlite",
        5,
        "4a40831f459a30013a990d1513fcef57b17bd37d777383ce6006ed4472c15b402fc581f80de56442f9212d3145249706",
    ),
    (
        "crates/msa-backend/migrations/postgres",
        5,
        "c7cfb261a2108c4b5720699eaeab4d53a2b02cc00133eda419da7a89ecfb8679872cd49e9dc8231225f3e12a45a9f24b",
    ),
];

const FOLDERS: &[&str] = &[
    "src-tauri/migrations",
    "crates/msa-backend/migrations/sqlite",
    "crates/msa-backend/migrations/postgres",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads the migrations of `dir` as sqlx would embed them, and compares each with its pin
/// (pins are looked up under the name `pinned_as`). Every migration needs a pin: a new one
/// without a pin is reported too, so that adding a migration means pinning it.
async fn check(dir: &Path, pinned_as: &str) -> Result<usize, String> {
    let migrator = Migrator::new(dir)
        .await
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut problems = Vec::new();
    for migration in migrator.iter() {
        let actual = hex(&migration.checksum);
        match PINS
            .iter()
            .find(|(folder, version, _)| *folder == pinned_as && *version == migration.version)
        {
            Some((_, _, pinned)) if *pinned == actual => {}
            Some(_) => problems.push(format!(
                "{pinned_as} migration {} was edited after release (checksum {actual}): \
                 restore it and add a new migration instead",
                migration.version
            )),
            None => problems.push(format!(
                "{pinned_as} migration {} has no pin: add ({pinned_as:?}, {}, {actual:?}) to PINS",
                migration.version, migration.version
            )),
        }
    }
    if problems.is_empty() {
        Ok(migrator.iter().count())
    } else {
        Err(problems.join("\n"))
    }
}

#[tokio::test]
async fn every_released_migration_is_unchanged() {
    for folder in FOLDERS {
        let count = check(&root().join(folder), folder)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(count >= 1, "{folder} holds no migration");
    }
    // Every pin names a migration that still exists: a deleted migration is as fatal as an
    // edited one for a database that applied it.
    for (folder, version, _) in PINS {
        let present = Migrator::new(root().join(folder).as_path())
            .await
            .unwrap()
            .iter()
            .any(|m| m.version == *version);
        assert!(present, "{folder} migration {version} was deleted");
    }
}

/// Copies `folder` into a temporary directory and applies `edit` to its first migration.
fn edited_copy(folder: &str, edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let copy = tempfile::tempdir().unwrap();
    let mut first = true;
    let mut names: Vec<_> = std::fs::read_dir(root().join(folder))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for path in names {
        let text = std::fs::read_to_string(&path).unwrap();
        let text = if first { edit(&text) } else { text };
        first = false;
        std::fs::write(copy.path().join(path.file_name().unwrap()), text).unwrap();
    }
    copy
}

#[tokio::test]
async fn an_edited_migration_is_caught() {
    for folder in FOLDERS {
        let comment = edited_copy(folder, |sql| format!("-- a harmless comment\n{sql}"));
        let error = check(comment.path(), folder).await.unwrap_err();
        assert!(error.contains("was edited after release"), "{error}");

        // What a Windows checkout without .gitattributes would do.
        let crlf = edited_copy(folder, |sql| sql.replace('\n', "\r\n"));
        let error = check(crlf.path(), folder).await.unwrap_err();
        assert!(error.contains("was edited after release"), "{error}");
    }
}

#[tokio::test]
async fn a_new_migration_without_a_pin_is_caught() {
    let copy = edited_copy("src-tauri/migrations", str::to_owned);
    std::fs::write(
        copy.path().join("9999_later.sql"),
        "ALTER TABLE outbox ADD COLUMN later INTEGER;\n",
    )
    .unwrap();
    let error = check(copy.path(), "src-tauri/migrations")
        .await
        .unwrap_err();
    assert!(error.contains("9999 has no pin"), "{error}");
}

#[test]
fn sql_files_are_checked_out_with_lf_line_endings() {
    let attributes = std::fs::read_to_string(root().join(".gitattributes")).unwrap_or_default();
    assert!(
        attributes
            .lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["*.sql", "text", "eol=lf"]),
        ".gitattributes must pin *.sql to LF (a CRLF checkout changes every checksum)"
    );
}
