//! Enrolment rules of « Mon espace privé » (docs/contracts.md §1).
//!
//! Parse, don't validate: one type per answer, built only through a parser that returns
//! the value or a typed [`Invalid`] with a stable code and the field it concerns (the
//! strings live with the UI). The finished [`Enrolment`] can only be assembled from parsed
//! values, and the rules that span several answers live in [`rules`].
//!
//! No dependency on tauri, sqlx, reqwest or tokio, so the kiosk and the reference backend
//! share the same rules. Every parser is total: it never panics, whatever the input, and
//! refuses over-long input before doing any real work. Parsers are pure: `today` is a
//! parameter, never read from the clock.
//!
//! Privacy: the types holding personal data or secrets have a redacted `Debug`
//! (`Nir(<redacted>)`) and no `Serialize`; the NIR, Vitale serial, amount and e-mail are
//! wiped from memory on drop (`zeroize`).

pub mod date;
pub mod department;
pub mod email;
pub mod enrolment;
pub mod error;
pub mod field;
pub mod identity;
pub mod name;
pub mod nir;
pub mod phone;
pub mod rules;
pub mod steps;
pub mod terms;
pub mod verification;
pub mod wire;

pub use date::{parse_date, BirthDate, DateParts};
pub use department::{Caisse, Department};
pub use email::Email;
pub use enrolment::Enrolment;
pub use error::{code, Invalid, ALL_CODES};
pub use field::Field;
pub use identity::{parse_identity, Identity, IdentityForm};
pub use name::PersonName;
pub use nir::Nir;
pub use phone::MobilePhone;
pub use steps::parse_verification;
pub use terms::{accept_terms, CguVersion};
pub use verification::{AmountCents, CardKind, VerificationForm, VerificationItem, VitaleSerial};
