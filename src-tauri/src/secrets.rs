//! Secrets and where they live: the OS keyring, never the webview, a file in clear or a log.
//!
//! Longer than 400 lines: the store, its never-prompting Secret Service credential and the
//! in-memory store of the unit tests are one contract, read together.
//!
//! | entry | lifetime | why the keyring |
//! |---|---|---|
//! | `session/nir`, `session/secret` | one enrolment; deleted when it ends, swept at start after a crash | credentials of the person (SPEC §3) |
//! | `kiosk/outbox-key` | the life of the install (must survive a reboot) | decrypts the outbox at rest |
//! | `kiosk/backend-token` | until re-provisioned | the kiosk's credential for the MSA backend |
//!
//! On Linux the store is the Secret Service (gnome-keyring on the session D-Bus): it persists
//! across reboots, which the outbox key needs; kernel keyutils would forget it at power-off.
//! The session's entries go to its in-memory `session` collection through a keyring credential
//! that holds one connection for the life of the app (see [`session_collection`]): never
//! written to disk, and under 1 ms a call instead of 10–20 ms.
//! Windows: Credential Manager. macOS: Keychain. The store features are named explicitly in
//! Cargo.toml, because keyring 3 silently falls back to a mock that keeps nothing otherwise.

use std::fmt;

use zeroize::Zeroizing;

/// The keyring "service" of the entries of one enrolment session.
pub const SESSION_SERVICE: &str = "fr.msa.kiosk.session";
/// The keyring "service" of the kiosk's own long-lived secrets.
pub const KIOSK_SERVICE: &str = "fr.msa.kiosk";

/// Every session entry; fixed names, because there is one session at a time. A crash leaves at
/// most these behind, so the sweep at start knows exactly what to delete.
pub const SESSION_ENTRIES: &[&str] = &["nir", "secret"];

/// A secret value: `Debug` and `Display` print `<redacted>`, it has no `Serialize`, and its
/// memory is zeroed when it is dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(Zeroizing::new(value.into()))
    }

    /// The value itself, for the few places that must use it (a keyring write, a request body).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Why the store failed, without any secret in the message.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The collection is locked; the kiosk never asks to unlock it (a prompt on a public screen).
    #[error("the OS keyring is locked")]
    Locked,
    #[error("the OS keyring is not available: {0}")]
    Unavailable(String),
    #[error("the OS keyring refused the operation: {0}")]
    Failed(String),
}

/// The few operations the app needs of a keyring.
pub trait SecretStore: Send + Sync {
    fn set(&self, service: &str, name: &str, value: &Secret) -> Result<(), StoreError>;
    /// `Ok(None)` when there is no such entry.
    fn get(&self, service: &str, name: &str) -> Result<Option<Secret>, StoreError>;
    /// Deleting an entry that does not exist is not an error.
    fn delete(&self, service: &str, name: &str) -> Result<(), StoreError>;
    /// A short name of the backing store, for the kiosk's status and the no-mock test.
    fn backend_name(&self) -> String;
}

/// The OS keyring through the `keyring` crate.
pub struct KeyringStore;

impl KeyringStore {
    fn entry(service: &str, name: &str) -> Result<keyring::Entry, StoreError> {
        // Every entry on Linux goes through the held, never-prompting connection: keyring 3's
        // own store calls Unlock on a locked collection, which starts gcr-prompter.
        #[cfg(target_os = "linux")]
        return Ok(keyring::Entry::new_with_credential(Box::new(
            session_collection::HeldCredential::new(service, name),
        )));
        #[cfg(not(target_os = "linux"))]
        keyring::Entry::new(service, name).map_err(map_keyring_error)
    }
}

fn map_keyring_error(error: keyring::Error) -> StoreError {
    #[cfg(target_os = "linux")]
    if let keyring::Error::PlatformFailure(inner) | keyring::Error::NoStorageAccess(inner) = &error
    {
        if matches!(
            inner.downcast_ref::<dbus_secret_service::Error>(),
            Some(dbus_secret_service::Error::Locked)
        ) {
            return StoreError::Locked;
        }
    }
    match error {
        keyring::Error::PlatformFailure(e) | keyring::Error::NoStorageAccess(e) => {
            StoreError::Unavailable(e.to_string())
        }
        // The other variants never carry the secret (keyring's BadEncoding holds bytes read back,
        // so it is reduced to its kind here).
        keyring::Error::BadEncoding(_) => StoreError::Failed("stored value is not UTF-8".into()),
        other => StoreError::Failed(other.to_string()),
    }
}

impl SecretStore for KeyringStore {
    fn set(&self, service: &str, name: &str, value: &Secret) -> Result<(), StoreError> {
        KeyringStore::entry(service, name)?
            .set_password(value.expose())
            .map_err(map_keyring_error)
    }

    fn get(&self, service: &str, name: &str) -> Result<Option<Secret>, StoreError> {
        match KeyringStore::entry(service, name)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(map_keyring_error(error)),
        }
    }

    fn delete(&self, service: &str, name: &str) -> Result<(), StoreError> {
        match KeyringStore::entry(service, name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(map_keyring_error(error)),
        }
    }

    fn backend_name(&self) -> String {
        let entry = match keyring::Entry::new(KIOSK_SERVICE, "probe") {
            Ok(entry) => entry,
            Err(error) => return format!("unavailable: {error}"),
        };
        let credential = entry.get_credential();
        #[cfg(target_os = "linux")]
        if credential
            .downcast_ref::<keyring::secret_service::SsCredential>()
            .is_some()
        {
            return "secret-service".into();
        }
        #[cfg(target_os = "windows")]
        if credential
            .downcast_ref::<keyring::windows::WinCredential>()
            .is_some()
        {
            return "windows-credential-manager".into();
        }
        #[cfg(target_os = "macos")]
        if credential
            .downcast_ref::<keyring::macos::MacCredential>()
            .is_some()
        {
            return "macos-keychain".into();
        }
        if credential
            .downcast_ref::<keyring::mock::MockCredential>()
            .is_some()
        {
            return "mock".into();
        }
        "unknown".into()
    }
}

/// Every entry on Linux: the session's, read or written on almost every « Suivant », and the
/// kiosk's own, which must never bring up an unlock prompt.
///
/// keyring 3's Secret Service store opens a new D-Bus connection and negotiates a new encrypted
/// session (a Diffie-Hellman exchange) for every call: 10–20 ms each in a release build,
/// measured by `examples/keyring_bench.rs`. This module is a keyring credential (keyring's own
/// extension point, `Entry::new_with_credential`) served by one connection and one encrypted
/// session held for the life of the app, through `dbus-secret-service`, the client keyring
/// itself uses; it is opened again once if the Secret Service went away. The entries go to the
/// `session` collection, which gnome-keyring keeps in memory only, so a NIR is never written
/// to disk, not even encrypted; a provider without one gets the default collection. The
/// kiosk's own entries must outlive a reboot: they go to the default (login) collection, with
/// the attributes and label keyring 3's own store gives them, so entries written by earlier
/// builds are found. No call ever unlocks a collection: a locked one is `Error::Locked`, which
/// the kiosk reports as « indisponible » (`ops::availability`). Each D-Bus call is bounded by
/// dbus-secret-service's 2 s timeout.
#[cfg(target_os = "linux")]
pub mod session_collection {
    use std::any::Any;
    use std::collections::HashMap;
    use std::sync::Mutex;

    use dbus_secret_service::{EncryptionType, Error, SecretService};
    use keyring::credential::CredentialApi;

    static CONNECTION: Mutex<Option<SecretService>> = Mutex::new(None);

    /// Never show an unlock prompt on a kiosk screen: a locked keyring is an error to report.
    const PROMPT_SECONDS: u64 = 0;

    /// Runs `operation` on the held connection. When the connection itself failed (D-Bus
    /// dropped, gnome-keyring restarted and forgot our session), once more on a fresh one,
    /// which is then kept; any other refusal (a locked keyring) is reported as it is, without
    /// paying for a new connection. Every operation is idempotent.
    fn with_connection<T>(
        operation: impl Fn(&SecretService) -> Result<T, Error>,
    ) -> keyring::Result<T> {
        let failed = |error| keyring::Error::PlatformFailure(Box::new(error));
        let mut held = CONNECTION
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(service) = held.as_ref() {
            match operation(service) {
                Ok(value) => return Ok(value),
                Err(Error::Dbus(_) | Error::Unavailable) => {}
                Err(error) => return Err(failed(error)),
            }
        }
        let service =
            SecretService::connect_with_max_prompt_timeout(EncryptionType::Dh, PROMPT_SECONDS)
                .map_err(|error| keyring::Error::NoStorageAccess(Box::new(error)))?;
        let result = operation(&service);
        *held = Some(service);
        result.map_err(failed)
    }

    /// One session entry. Items are found by service and name in every collection, so
    /// leftovers of an older build (or another tool) in the default collection are found and
    /// swept too.
    #[derive(Debug)]
    pub struct HeldCredential {
        service: String,
        name: String,
    }

    impl HeldCredential {
        pub fn new(service: &str, name: &str) -> HeldCredential {
            HeldCredential {
                service: service.into(),
                name: name.into(),
            }
        }

        /// What finds the entry (a subset of what it is written with).
        fn attributes(&self) -> HashMap<&str, &str> {
            HashMap::from([
                ("service", self.service.as_str()),
                ("username", self.name.as_str()),
            ])
        }

        fn is_session(&self) -> bool {
            self.service == super::SESSION_SERVICE
        }
    }

    /// keyring 3's `SsCredential` attributes and label for a kiosk entry (target `default`).
    fn keyring3_attributes<'a>(service: &'a str, name: &'a str) -> HashMap<&'a str, &'a str> {
        HashMap::from([
            ("service", service),
            ("username", name),
            ("target", "default"),
            ("application", "rust-keyring"),
        ])
    }

    impl CredentialApi for HeldCredential {
        fn set_secret(&self, secret: &[u8]) -> keyring::Result<()> {
            with_connection(|secrets| {
                let (collection, label, attributes) = if self.is_session() {
                    let collection = secrets
                        .get_collection_by_alias("session")
                        .or_else(|_| secrets.get_default_collection())?;
                    let label = format!("{}@{}", self.name, self.service);
                    (collection, label, self.attributes())
                } else {
                    let label = format!("{}@{}:default (msa-kiosk)", self.name, self.service);
                    let attributes = keyring3_attributes(&self.service, &self.name);
                    (secrets.get_default_collection()?, label, attributes)
                };
                // Never `ensure_unlocked`: it would ask gnome-keyring for a prompt.
                if collection.is_locked()? {
                    return Err(Error::Locked);
                }
                collection.create_item(&label, attributes, secret, true, "text/plain")?;
                Ok(())
            })
        }

        fn get_secret(&self) -> keyring::Result<Vec<u8>> {
            let secret = with_connection(|secrets| {
                let found = secrets.search_items(self.attributes())?;
                match found.unlocked.first() {
                    Some(item) => item.get_secret().map(Some),
                    None if found.locked.is_empty() => Ok(None),
                    None => Err(Error::Locked),
                }
            })?;
            secret.ok_or(keyring::Error::NoEntry)
        }

        fn delete_credential(&self) -> keyring::Result<()> {
            let deleted = with_connection(|secrets| {
                let found = secrets.search_items(self.attributes())?;
                if !found.locked.is_empty() {
                    return Err(Error::Locked);
                }
                for item in &found.unlocked {
                    item.delete()?;
                }
                Ok(found.unlocked.len())
            })?;
            if deleted == 0 {
                return Err(keyring::Error::NoEntry);
            }
            Ok(())
        }

        fn as_any(&self) -> &dyn Any {
            self
        }
    }

    /// The object path of the collection that holds a session entry, for the test that checks
    /// it never reaches the on-disk keyring.
    pub fn collection_of(service: &str, name: &str) -> keyring::Result<Option<String>> {
        let credential = HeldCredential::new(service, name);
        with_connection(|secrets| {
            let found = secrets.search_items(credential.attributes())?;
            Ok(found.unlocked.first().map(|item| item.path.to_string()))
        })
    }
}

/// Deletes whatever a session left in the keyring. Run when a session ends and at every start
/// (a crash or power loss in the middle of an enrolment leaves entries behind).
pub fn sweep_session_entries(store: &dyn SecretStore) -> Result<(), StoreError> {
    for name in SESSION_ENTRIES {
        store.delete(SESSION_SERVICE, name)?;
    }
    Ok(())
}

/// An in-memory store for unit tests of the session logic. The real store is tested against
/// the real Secret Service in `tests/keyring_store.rs`.
#[derive(Default)]
pub struct MemoryStore {
    entries: std::sync::Mutex<std::collections::HashMap<(String, String), Secret>>,
}

impl SecretStore for MemoryStore {
    fn set(&self, service: &str, name: &str, value: &Secret) -> Result<(), StoreError> {
        self.entries
            .lock()
            .unwrap()
            .insert((service.into(), name.into()), value.clone());
        Ok(())
    }

    fn get(&self, service: &str, name: &str) -> Result<Option<Secret>, StoreError> {
        Ok(self
            .entries
            .lock()
            .unwrap()
            .get(&(service.into(), name.into()))
            .cloned())
    }

    fn delete(&self, service: &str, name: &str) -> Result<(), StoreError> {
        self.entries
            .lock()
            .unwrap()
            .remove(&(service.into(), name.into()));
        Ok(())
    }

    fn backend_name(&self) -> String {
        "memory".into()
    }
}

impl MemoryStore {
    pub fn len(&self) -> usize {
        self.entries.lock().unwrap().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_prints_its_value() {
        let secret = Secret::new("1841276451089");
        assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
        assert!(!format!("{:?}", Some(&secret)).contains("1841"));
    }

    #[test]
    fn the_sweep_removes_every_session_entry_and_keeps_the_kiosks() {
        let store = MemoryStore::default();
        store
            .set(SESSION_SERVICE, "nir", &Secret::new("x"))
            .unwrap();
        store
            .set(SESSION_SERVICE, "secret", &Secret::new("y"))
            .unwrap();
        store
            .set(KIOSK_SERVICE, "outbox-key", &Secret::new("z"))
            .unwrap();
        sweep_session_entries(&store).unwrap();
        assert_eq!(store.len(), 1);
        assert!(store.get(KIOSK_SERVICE, "outbox-key").unwrap().is_some());
    }
}
