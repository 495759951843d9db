//! `<data_dir>/status.json`, what `msa-kiosk status` prints for the agency's IT team. Each part
//! of the kiosk owns one key (`updater`, `delivery`) and writes it whole; the file is replaced
//! atomically, so a reader never sees half of it, and reading it needs neither the keyring nor
//! the outbox (it works as root, or while the kiosk runs).

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use serde_json::{json, Value};

/// One writer at a time within the process.
static STATUS_LOCK: Mutex<()> = Mutex::new(());

fn lock() -> MutexGuard<'static, ()> {
    STATUS_LOCK
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Sets `key` in the JSON object at `path`, keeping the other keys; written atomically.
pub fn merge(path: &Path, key: &str, value: Value) -> std::io::Result<()> {
    let _guard = lock();
    let mut root = std::fs::read_to_string(path)
        .ok()
        .and_then(|text| serde_json::from_str::<Value>(&text).ok())
        .filter(Value::is_object)
        .unwrap_or_else(|| json!({}));
    root[key] = value;
    let text = serde_json::to_string_pretty(&root).map_err(std::io::Error::other)?;
    let tmp = path.with_extension(format!("json.{}.tmp", std::process::id()));
    std::fs::write(&tmp, text + "\n")?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_key_is_replaced_and_the_others_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("status.json");
        merge(&path, "updater", json!({"lastResult": "upToDate"})).unwrap();
        merge(&path, "delivery", json!({"pending": 2})).unwrap();
        merge(&path, "delivery", json!({"pending": 0})).unwrap();
        let root: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(root["updater"]["lastResult"], "upToDate");
        assert_eq!(root["delivery"], json!({"pending": 0}));
    }
}
