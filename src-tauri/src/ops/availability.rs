//! Whether the kiosk may take an enrolment now: `ready`, or `unavailable` with a reason code.
//!
//! Several causes may hold at once (the keyring is locked *and* the web process just crashed
//! twice); the kiosk is ready when none holds, and shows the most important one. The page
//! reads the state at boot (`kiosk_availability`) and follows it through the
//! `availability-changed` event; `status.json` keeps it under `availability` for the IT team.
//! A new cause is one more [`Reason`] variant with its code.

use std::collections::BTreeSet;
use std::sync::Mutex;

use serde::Serialize;

use crate::secrets::StoreError;

/// Why the kiosk is unavailable. Ordered by importance: the first one held is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reason {
    /// An installed kiosk without its agency's configuration (`ops::installed`): « Borne non
    /// configurée » until the IT team writes `/etc/msa-kiosk/config.toml` and the session
    /// restarts. First: nothing else matters while the kiosk does not know its backend.
    NotConfigured,
    /// The Secret Service's collection is locked; the kiosk never asks to unlock it.
    KeyringLocked,
    /// No Secret Service answers (D-Bus or gnome-keyring down), or it has no collection.
    KeyringUnreachable,
    /// The Secret Service answered with another refusal.
    KeyringRefused,
    /// The keyring lost the outbox key while queued enrolments need it: no new key is minted
    /// over them, and no new enrolment is taken (it could only be queued beside rows nobody
    /// can read) until `msa-kiosk outbox restore-key` (docs/contracts.md §3).
    OutboxKeyMissing,
    /// The outbox's database could not be opened.
    OutboxUnavailable,
    /// The backend client could not be built (its HTTP stack refused to start).
    DeliveryUnavailable,
    /// The web process crashed twice within a short time: a pause before the next reload.
    WebProcessCrashLoop,
}

impl Reason {
    /// The code in `status.json` and in the page (`docs/contracts.md`): stable, never a secret.
    pub fn code(self) -> &'static str {
        match self {
            Reason::NotConfigured => "system.notConfigured",
            Reason::KeyringLocked => "keyring.locked",
            Reason::KeyringUnreachable => "keyring.unreachable",
            Reason::KeyringRefused => "keyring.refused",
            Reason::OutboxKeyMissing => "outbox.keyMissing",
            Reason::OutboxUnavailable => "outbox.unavailable",
            Reason::DeliveryUnavailable => "delivery.unavailable",
            Reason::WebProcessCrashLoop => "webProcess.crashLoop",
        }
    }

    /// The cause of a keyring failure.
    pub fn of_store_error(error: &StoreError) -> Reason {
        match error {
            StoreError::Locked => Reason::KeyringLocked,
            StoreError::Unavailable(_) => Reason::KeyringUnreachable,
            StoreError::Failed(_) => Reason::KeyringRefused,
        }
    }

    /// The causes that preparing the keyring and the outbox clears when it succeeds.
    pub fn is_preparation(self) -> bool {
        !matches!(self, Reason::WebProcessCrashLoop | Reason::NotConfigured)
    }
}

/// What the page and `status.json` see: `{"state": "ready"}` or
/// `{"state": "unavailable", "reason": "keyring.locked"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum Availability {
    Ready,
    Unavailable { reason: &'static str },
}

/// The causes held now.
#[derive(Default)]
pub struct Board {
    held: Mutex<BTreeSet<Reason>>,
}

impl Board {
    fn held(&self) -> std::sync::MutexGuard<'_, BTreeSet<Reason>> {
        self.held.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The state now.
    pub fn current(&self) -> Availability {
        match self.held().first() {
            None => Availability::Ready,
            Some(reason) => Availability::Unavailable {
                reason: reason.code(),
            },
        }
    }

    pub fn is_ready(&self) -> bool {
        self.held().is_empty()
    }

    /// Whether `reason` is held now (shown or not).
    pub fn holds(&self, reason: Reason) -> bool {
        self.held().contains(&reason)
    }

    /// Holds `reason`; returns the new state when what the page shows changed.
    pub fn hold(&self, reason: Reason) -> Option<Availability> {
        let before = self.current();
        self.held().insert(reason);
        changed(before, self.current())
    }

    /// Releases every cause `which` selects; returns the new state when it changed.
    pub fn release(&self, which: impl Fn(Reason) -> bool) -> Option<Availability> {
        let before = self.current();
        self.held().retain(|r| !which(*r));
        changed(before, self.current())
    }
}

fn changed(before: Availability, after: Availability) -> Option<Availability> {
    (before != after).then_some(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_until_a_cause_is_held_and_again_when_all_are_released() {
        let board = Board::default();
        assert_eq!(board.current(), Availability::Ready);
        assert_eq!(
            board.hold(Reason::WebProcessCrashLoop),
            Some(Availability::Unavailable {
                reason: "webProcess.crashLoop"
            })
        );
        // The keyring's cause is the more important one: it is shown.
        assert_eq!(
            board.hold(Reason::KeyringLocked),
            Some(Availability::Unavailable {
                reason: "keyring.locked"
            })
        );
        assert_eq!(board.hold(Reason::KeyringLocked), None, "no change");
        assert_eq!(
            board.release(Reason::is_preparation),
            Some(Availability::Unavailable {
                reason: "webProcess.crashLoop"
            })
        );
        assert!(!board.is_ready());
        assert_eq!(
            board.release(|r| r == Reason::WebProcessCrashLoop),
            Some(Availability::Ready)
        );
        assert!(board.is_ready());
    }

    #[test]
    fn not_configured_comes_first_and_outlives_the_preparation() {
        let board = Board::default();
        board.hold(Reason::KeyringLocked);
        assert_eq!(
            board.hold(Reason::NotConfigured),
            Some(Availability::Unavailable {
                reason: "system.notConfigured"
            })
        );
        // The keyring came back: the kiosk is still not configured.
        assert_eq!(board.release(Reason::is_preparation), None);
        assert!(board.holds(Reason::NotConfigured));
        assert!(!board.holds(Reason::KeyringLocked));
        assert!(!board.is_ready());
    }

    #[test]
    fn the_state_serialises_as_the_page_reads_it() {
        assert_eq!(
            serde_json::to_value(Availability::Ready).unwrap(),
            serde_json::json!({"state": "ready"})
        );
        assert_eq!(
            serde_json::to_value(Availability::Unavailable {
                reason: "keyring.locked"
            })
            .unwrap(),
            serde_json::json!({"state": "unavailable", "reason": "keyring.locked"})
        );
    }

    #[test]
    fn keyring_errors_name_their_cause() {
        assert_eq!(
            Reason::of_store_error(&StoreError::Locked),
            Reason::KeyringLocked
        );
        assert_eq!(
            Reason::of_store_error(&StoreError::Unavailable("no bus".into())),
            Reason::KeyringUnreachable
        );
    }
}
