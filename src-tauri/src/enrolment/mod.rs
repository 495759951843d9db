//! One person's enrolment, Tauri-free: the session state machine (`session`), its answers and
//! refusals to the screen (`answers`), the keyring codec of its credentials (`credentials`),
//! the desk that holds the one live session (`desk`), « Valider » (`submit`, the queueing
//! transaction), the terms shown (`cgu`) and the reference given (`reference`).

pub mod answers;
pub mod cgu;
mod credentials;
pub mod desk;
pub mod reference;
pub mod session;
pub mod submit;

pub use desk::Desk;
