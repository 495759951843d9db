//! One person's enrolment, Tauri-free: the session state machine, the terms shown, the
//! reference given on the confirmation screen.

pub mod cgu;
pub mod reference;
pub mod session;
