//! The secret store against the real OS keyring (the Secret Service on Linux: gnome-keyring on
//! the session D-Bus, which `cargo xtask test` starts and unlocks). Not the mock.

use std::process::Command;

use crate::kiosk::{
    sweep_session_entries, KeyringStore, Secret, SecretStore, KIOSK_SERVICE, SESSION_SERVICE,
};

/// Tests share one keyring: each uses its own entry names, except the sweep test, which owns the
/// session entries.
static SESSION_ENTRIES: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn the_build_uses_the_real_store_not_the_silent_mock() {
    let backend = KeyringStore.backend_name();
    assert_ne!(
        backend, "mock",
        "keyring fell back to its mock store: no store feature enabled"
    );
    #[cfg(target_os = "linux")]
    assert_eq!(backend, "secret-service");
    // Behaviourally too: the mock keeps values per Entry object, the real store per name.
    let store = KeyringStore;
    store
        .set(KIOSK_SERVICE, "test-no-mock", &Secret::new("persisted"))
        .unwrap();
    let read_back = KeyringStore.get(KIOSK_SERVICE, "test-no-mock").unwrap();
    assert_eq!(read_back.as_ref().map(Secret::expose), Some("persisted"));
    store.delete(KIOSK_SERVICE, "test-no-mock").unwrap();
}

#[test]
fn set_read_and_delete_a_secret() {
    let store = KeyringStore;
    let name = "test-set-read-delete";
    assert!(store.get(KIOSK_SERVICE, name).unwrap().is_none());
    store
        .set(KIOSK_SERVICE, name, &Secret::new("2 84 12 76 451 089"))
        .unwrap();
    assert_eq!(
        store.get(KIOSK_SERVICE, name).unwrap().unwrap().expose(),
        "2 84 12 76 451 089"
    );
    store
        .set(KIOSK_SERVICE, name, &Secret::new("replaced"))
        .unwrap();
    assert_eq!(
        store.get(KIOSK_SERVICE, name).unwrap().unwrap().expose(),
        "replaced"
    );
    store.delete(KIOSK_SERVICE, name).unwrap();
    assert!(store.get(KIOSK_SERVICE, name).unwrap().is_none());
    // Deleting what is not there is fine (a sweep after a clean end).
    store.delete(KIOSK_SERVICE, name).unwrap();
}

#[test]
fn the_sweep_after_a_crash_removes_what_a_killed_process_left() {
    let _owned = SESSION_ENTRIES.lock().unwrap();
    // A separate process stores session entries and dies without cleaning up (SIGKILL).
    let status = Command::new("sh")
        .args([
            "-c",
            "printf 1841276451089 | secret-tool store --label=leftover service fr.msa.kiosk.session username nir && \
             printf 'vitalePhoto|12345678901' | secret-tool store --label=leftover service fr.msa.kiosk.session username secret",
        ])
        .status()
        .expect("secret-tool (libsecret-tools) is installed by cargo xtask test");
    assert!(status.success());
    let store = KeyringStore;
    assert!(
        store.get(SESSION_SERVICE, "nir").unwrap().is_some(),
        "the leftover is visible to the app"
    );
    sweep_session_entries(&store).unwrap();
    assert!(store.get(SESSION_SERVICE, "nir").unwrap().is_none());
    assert!(store.get(SESSION_SERVICE, "secret").unwrap().is_none());
    let search = Command::new("secret-tool")
        .args(["search", "--all", "service", "fr.msa.kiosk.session"])
        .output()
        .unwrap();
    let found = String::from_utf8_lossy(&search.stdout) + String::from_utf8_lossy(&search.stderr);
    assert!(
        !found.contains("1841276451089") && !found.contains("12345678901"),
        "{found}"
    );
}

/// The session's entries go to gnome-keyring's in-memory `session` collection (never written
/// to disk, not even encrypted); the kiosk's own entries to the persistent default collection.
#[cfg(target_os = "linux")]
#[test]
fn session_entries_stay_in_memory_and_kiosk_entries_on_disk() {
    use crate::kiosk::collection_of;
    let _owned = SESSION_ENTRIES.lock().unwrap();
    let store = KeyringStore;
    store
        .set(SESSION_SERVICE, "nir", &Secret::new("1841276451089"))
        .unwrap();
    store
        .set(KIOSK_SERVICE, "test-persistent", &Secret::new("kept"))
        .unwrap();
    let session = collection_of(SESSION_SERVICE, "nir").unwrap().unwrap();
    assert!(
        session.starts_with("/org/freedesktop/secrets/collection/session/"),
        "{session}"
    );
    let kiosk = collection_of(KIOSK_SERVICE, "test-persistent")
        .unwrap()
        .unwrap();
    assert!(!kiosk.contains("/collection/session/"), "{kiosk}");
    // The session entry is read back and swept like any other.
    assert_eq!(
        store.get(SESSION_SERVICE, "nir").unwrap().unwrap().expose(),
        "1841276451089"
    );
    sweep_session_entries(&store).unwrap();
    assert!(collection_of(SESSION_SERVICE, "nir").unwrap().is_none());
    store.delete(KIOSK_SERVICE, "test-persistent").unwrap();
}

/// gnome-keyring restarts under a kiosk that runs for weeks: the held connection must notice
/// and reconnect, not fail every step until the kiosk is restarted. Runs the child below in a
/// D-Bus session and keyring of its own, so the other tests' keyring is not disturbed.
#[cfg(target_os = "linux")]
#[test]
fn the_session_store_reconnects_after_the_secret_service_restarts() {
    let home = tempfile::tempdir().unwrap();
    let script = r#"
set -e
export XDG_DATA_HOME="$KEYRING_HOME"
eval "$(printf pw | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)"
exec "$@"
"#;
    let output = Command::new("dbus-run-session")
        .args(["--", "bash", "-c", script, "child"])
        .arg(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "keyring_store::restart_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("KEYRING_HOME", home.path())
        .output()
        .expect("dbus-run-session and gnome-keyring are installed by cargo xtask test");
    let text = String::from_utf8_lossy(&output.stdout) + String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("1 passed"), "{text}");
}

/// The child side of the test above (hence ignored): `--ignored --exact keyring_store::restart_child`.
#[cfg(target_os = "linux")]
#[test]
#[ignore = "run by the_session_store_reconnects_after_the_secret_service_restarts"]
fn restart_child() {
    let store = KeyringStore;
    store
        .set(SESSION_SERVICE, "nir", &Secret::new("1841276451089"))
        .unwrap();
    assert!(store.get(SESSION_SERVICE, "nir").unwrap().is_some());
    // A new daemon replaces the running one: the held connection's session is gone with it,
    // and so is the in-memory collection's content.
    let status = Command::new("bash")
        .args([
            "-c",
            "printf pw | gnome-keyring-daemon --replace --unlock --components=secrets >/dev/null 2>&1",
        ])
        .status()
        .unwrap();
    assert!(status.success());
    // The new daemon takes the bus name a moment after it starts.
    let read = msa_test_support::wait::blocking(
        "the restarted Secret Service to answer",
        std::time::Duration::from_secs(5),
        std::time::Duration::from_millis(100),
        || store.get(SESSION_SERVICE, "nir"),
    );
    assert!(read.is_none(), "the restarted keyring lost the entry");
    store
        .set(
            SESSION_SERVICE,
            "secret",
            &Secret::new("vitalePhoto|12345678901"),
        )
        .unwrap();
    assert_eq!(
        store
            .get(SESSION_SERVICE, "secret")
            .unwrap()
            .unwrap()
            .expose(),
        "vitalePhoto|12345678901"
    );
    sweep_session_entries(&store).unwrap();
    assert!(store.get(SESSION_SERVICE, "secret").unwrap().is_none());
}
