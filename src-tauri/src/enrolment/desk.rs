//! The enrolment desk: the kiosk's one live session and the secret store its credentials go to.
//!
//! Every command reaches the session through here, under one lock, so that two calls at once
//! see one state; the idle clock looks at it through here too. No Tauri here: the shell's
//! commands are one call each into this type, and the unit tests drive it directly.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use enrol_core::code;

use super::answers::{general, Refusal};
use super::session::{IdleState, Session, Step};
use crate::config::IdleConfig;
use crate::secrets::SecretStore;

/// At most one session, and where its credentials live.
pub struct Desk {
    session: Mutex<Option<Session>>,
    store: Arc<dyn SecretStore>,
}

/// What the idle clock found (see [`Desk::idle_check`]).
#[derive(Debug, PartialEq, Eq)]
pub enum IdleVerdict {
    /// No session, or one in use.
    Quiet,
    /// Ask « Êtes-vous toujours là ? »: the session ends in `seconds_left` seconds.
    Warn { seconds_left: u64 },
    /// The session was ended and its credentials wiped; it was at `step`.
    Expired { step: Step },
}

impl Desk {
    pub fn new(store: Arc<dyn SecretStore>) -> Desk {
        Desk {
            session: Mutex::new(None),
            store,
        }
    }

    pub fn store(&self) -> &dyn SecretStore {
        self.store.as_ref()
    }

    fn lock(&self) -> MutexGuard<'_, Option<Session>> {
        // A panic while holding the lock must not brick the kiosk: the data is still consistent
        // (every method leaves the session whole), so take it back.
        self.session
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Starts a session, dropping any previous one (its values zero their memory). `may_start`
    /// is asked while the session lock is held (see `updater::InstallGate`); `false` refuses
    /// with `system.unavailable`.
    pub fn start(&self, may_start: impl FnOnce() -> bool) -> Result<Step, Refusal> {
        let mut guard = self.lock();
        if !may_start() {
            return Err(general(code::SYSTEM_UNAVAILABLE));
        }
        guard.take();
        let session = Session::start(self.store(), Instant::now())?;
        let step = session.step();
        *guard = Some(session);
        tracing::info!("session started");
        Ok(step)
    }

    /// « Abandonner »: the session ends and its keyring entries go. `Ok(false)` when there was
    /// none.
    pub fn cancel(&self) -> Result<bool, Refusal> {
        let previous = self.lock().take();
        match previous {
            Some(session) => {
                session.wipe(self.store())?;
                tracing::info!("session cancelled by the person");
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Runs `step` on the live session, after counting the call as activity;
    /// `session.expired` when there is none (never started, cancelled, or ended by the idle
    /// clock).
    pub fn with_session<T>(
        &self,
        step: impl FnOnce(&mut Session, &dyn SecretStore) -> Result<T, Refusal>,
    ) -> Result<T, Refusal> {
        let mut guard = self.lock();
        let session = guard
            .as_mut()
            .ok_or_else(|| general(code::SESSION_EXPIRED))?;
        session.touch(Instant::now());
        step(session, self.store())
    }

    /// Like [`with_session`](Self::with_session), without counting as activity and without
    /// refusing when there is no session: for the steps of « Valider » after its queueing.
    fn if_session(&self, step: impl FnOnce(&mut Session, &dyn SecretStore)) {
        if let Some(session) = self.lock().as_mut() {
            step(session, self.store());
        }
    }

    /// The enrolment assembled by `with_session(Session::assemble)` is safely queued: the
    /// session, if it is still the one submitting, keeps nothing personal any more.
    pub fn confirm_submitted(&self) -> Result<(), Refusal> {
        let mut result = Ok(());
        self.if_session(|session, store| {
            if session.is_submitting() {
                result = session.confirmed(store, Instant::now());
            }
        });
        result
    }

    /// The assembled enrolment could not be queued: « Valider » may be pressed again.
    pub fn submit_failed(&self) {
        self.if_session(|session, _| session.submit_failed());
    }

    /// The live session's step, if any (its number goes into the heartbeat: never an answer).
    pub fn step(&self) -> Option<Step> {
        self.lock().as_ref().map(Session::step)
    }

    /// Counts now as activity, if there is a session: the idle clock held while a help call
    /// is open, and restarted from full when it closes.
    pub fn touch(&self) {
        if let Some(session) = self.lock().as_mut() {
            session.touch(Instant::now());
        }
    }

    /// An enrolment is in progress (a session exists): no update installs then.
    pub fn is_busy(&self) -> bool {
        self.lock().is_some()
    }

    /// The authoritative idle clock's look at the session, at `now`: warns once after
    /// `idle.idle` without activity, ends the session `idle.warning` later. On the
    /// confirmation screen (nothing personal left), the session ends after
    /// `idle.confirmation_return` without a warning.
    pub fn idle_check(&self, now: Instant, idle: &IdleConfig) -> IdleVerdict {
        let expired = {
            let mut guard = self.lock();
            let Some(session) = guard.as_mut() else {
                return IdleVerdict::Quiet;
            };
            let state = if session.step() == Step::Confirmation {
                session.idle_state(now, idle.confirmation_return, Duration::ZERO)
            } else {
                session.idle_state(now, idle.idle, idle.warning)
            };
            match state {
                IdleState::Active => return IdleVerdict::Quiet,
                IdleState::Warn { seconds_left } => return IdleVerdict::Warn { seconds_left },
                IdleState::Expired => guard.take(),
            }
        };
        let Some(session) = expired else {
            return IdleVerdict::Quiet;
        };
        IdleVerdict::Expired {
            step: self.wipe(session, "the idle clock"),
        }
    }

    /// Ends the session, if any, as the idle clock does (the web process died under it, the
    /// keyring went away); returns the step it was at.
    pub fn end(&self, by: &'static str) -> Option<Step> {
        let session = self.lock().take()?;
        Some(self.wipe(session, by))
    }

    /// The end of a session that nobody confirmed: its keyring entries go, its values zero
    /// their memory. `by` names the cause in the log.
    fn wipe(&self, session: Session, by: &'static str) -> Step {
        let step = session.step();
        if let Err(errors) = session.wipe(self.store()) {
            tracing::error!(?errors, by, "wipe of an ended session failed");
        }
        tracing::info!(?step, by, "session ended");
        step
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::{MemoryStore, Secret, SESSION_SERVICE};

    fn idle() -> IdleConfig {
        IdleConfig {
            idle: Duration::from_secs(90),
            warning: Duration::from_secs(30),
            confirmation_return: Duration::from_secs(20),
        }
    }

    #[test]
    fn a_closed_gate_refuses_the_start_and_keeps_no_session() {
        let desk = Desk::new(Arc::new(MemoryStore::default()));
        let refusal = desk.start(|| false).unwrap_err();
        assert_eq!(refusal[0].code, code::SYSTEM_UNAVAILABLE);
        assert!(!desk.is_busy());
        assert_eq!(desk.start(|| true).unwrap(), Step::Nir);
        assert!(desk.is_busy());
    }

    #[test]
    fn without_a_session_every_step_is_expired() {
        let desk = Desk::new(Arc::new(MemoryStore::default()));
        let refusal = desk
            .with_session(|s, store| s.submit_nir(store, "2 84 12 76 451 089"))
            .unwrap_err();
        assert_eq!(refusal[0].code, code::SESSION_EXPIRED);
        assert!(!desk.cancel().unwrap());
    }

    #[test]
    fn the_idle_clock_warns_then_ends_the_session_and_wipes_the_keyring() {
        let store = Arc::new(MemoryStore::default());
        let desk = Desk::new(store.clone());
        desk.start(|| true).unwrap();
        desk.with_session(|s, store| s.submit_nir(store, "2 84 12 76 451 089"))
            .unwrap();
        assert!(store.get(SESSION_SERVICE, "nir").unwrap().is_some());
        let now = Instant::now();
        assert_eq!(desk.idle_check(now, &idle()), IdleVerdict::Quiet);
        // 100 s after the last activity, less the few µs since: 19 or 20 s left.
        assert!(matches!(
            desk.idle_check(now + Duration::from_secs(100), &idle()),
            IdleVerdict::Warn {
                seconds_left: 19 | 20
            }
        ));
        assert_eq!(
            desk.idle_check(now + Duration::from_secs(121), &idle()),
            IdleVerdict::Expired {
                step: Step::Identity
            }
        );
        assert!(!desk.is_busy());
        assert!(
            store.is_empty(),
            "the NIR left the keyring with the session"
        );
        // The same wipe when the web process dies under a session.
        desk.start(|| true).unwrap();
        desk.with_session(|s, store| s.submit_nir(store, "2 84 12 76 451 089"))
            .unwrap();
        assert_eq!(desk.end("test"), Some(Step::Identity));
        assert!(store.is_empty() && !desk.is_busy());
        assert_eq!(desk.end("test"), None);
        // Something a previous session left is swept by the next start.
        store
            .set(SESSION_SERVICE, "secret", &Secret::new("x"))
            .unwrap();
        desk.start(|| true).unwrap();
        assert!(store.is_empty());
    }
}
