//! The install gate: closed while an update installs, so that no enrolment starts under it.
//! One per app, held in the app's state (the commands see it) and by the updater's agent.

use std::sync::atomic::{AtomicBool, Ordering};

/// Closed while an update installs: `start_session` refuses to start an enrolment then.
///
/// The updater closes it, *then* checks that no session exists; `start_session` checks it
/// while holding the session lock (`enrolment::Desk::start`). So a session never starts under
/// an installation.
#[derive(Debug, Default)]
pub struct InstallGate {
    closed: AtomicBool,
}

impl InstallGate {
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::SeqCst)
    }
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
    }
    pub(crate) fn open(&self) {
        self.closed.store(false, Ordering::SeqCst);
    }
}
