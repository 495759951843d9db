//! The one error contract: `{code, field, key}` (docs/contracts.md « One error contract »).
//!
//! An [`Invalid`] never carries the typed value, so it can be logged, shown and sent freely.

use crate::field::Field;
use serde::ser::{Serialize, SerializeStruct, Serializer};

/// The stable error codes of docs/contracts.md « Codes ». Strings live with the UI
/// (`ui/i18n/*.json`, key `"error." + code`).
pub mod code {
    pub const NIR_EMPTY: &str = "nir.empty";
    pub const NIR_LENGTH: &str = "nir.length";
    pub const NIR_FORMAT: &str = "nir.format";
    pub const NIR_CHECKSUM: &str = "nir.checksum";
    pub const NIR_STRUCTURE: &str = "nir.structure";
    pub const NIR_COUNSELLOR: &str = "nir.counsellor";

    pub const NAME_EMPTY: &str = "name.empty";
    pub const NAME_TOO_LONG: &str = "name.tooLong";
    pub const NAME_CHARACTERS: &str = "name.characters";

    pub const DATE_INCOMPLETE: &str = "date.incomplete";
    pub const DATE_INVALID: &str = "date.invalid";
    pub const DATE_FUTURE: &str = "date.future";
    pub const BIRTH_DATE_IMPLAUSIBLE: &str = "birthDate.implausible";
    pub const BIRTH_DATE_NIR_MISMATCH: &str = "birthDate.nirMismatch";
    /// The month typed as unknown (`00`) while the NIR gives a real one (issue 12).
    pub const BIRTH_DATE_MONTH_REQUIRED: &str = "birthDate.monthRequired";

    pub const EMAIL_EMPTY: &str = "email.empty";
    pub const EMAIL_FORMAT: &str = "email.format";
    pub const EMAIL_TOO_LONG: &str = "email.tooLong";
    /// A dot at the start or end of the local part, or two in a row (RFC 5322 dot-atom).
    pub const EMAIL_DOTS: &str = "email.dots";

    pub const PHONE_FORMAT: &str = "phone.format";

    pub const VERIFICATION_CHOOSE: &str = "verification.choose";

    pub const VITALE_EMPTY: &str = "vitale.empty";
    pub const VITALE_CHARACTERS: &str = "vitale.characters";
    pub const VITALE_PHOTO_LENGTH: &str = "vitale.photoLength";
    pub const VITALE_NO_PHOTO_LENGTH: &str = "vitale.noPhotoLength";

    pub const CHILD_BIRTH_DATE_TOO_EARLY: &str = "childBirthDate.tooEarly";

    pub const AMOUNT_EMPTY: &str = "amount.empty";
    pub const AMOUNT_FORMAT: &str = "amount.format";
    /// `12,345`: thousands in English writing, or three decimals in French (issue 12).
    pub const AMOUNT_AMBIGUOUS: &str = "amount.ambiguous";
    pub const AMOUNT_ZERO: &str = "amount.zero";
    pub const AMOUNT_TOO_LARGE: &str = "amount.tooLarge";

    pub const DEPARTMENT_EMPTY: &str = "department.empty";
    pub const DEPARTMENT_UNKNOWN: &str = "department.unknown";
    pub const DEPARTMENT_OVERSEAS: &str = "department.overseas";
    pub const DEPARTMENT_MAYOTTE: &str = "department.mayotte";

    pub const TERMS_NOT_ACCEPTED: &str = "terms.notAccepted";
    pub const TERMS_OUTDATED: &str = "terms.outdated";

    pub const SESSION_EXPIRED: &str = "session.expired";
    pub const SESSION_OUT_OF_ORDER: &str = "session.outOfOrder";
    pub const SYSTEM_UNAVAILABLE: &str = "system.unavailable";
    pub const SYSTEM_INTERNAL: &str = "system.internal";
    /// An installed kiosk without its agency's configuration (« Borne non configurée »).
    pub const SYSTEM_NOT_CONFIGURED: &str = "system.notConfigured";
}

/// Every error code of docs/contracts.md, each once. The UI's i18n files are checked
/// against this list (every code needs an `error.<code>` string in each language).
pub const ALL_CODES: &[&str] = &[
    code::NIR_EMPTY,
    code::NIR_LENGTH,
    code::NIR_FORMAT,
    code::NIR_CHECKSUM,
    code::NIR_STRUCTURE,
    code::NIR_COUNSELLOR,
    code::NAME_EMPTY,
    code::NAME_TOO_LONG,
    code::NAME_CHARACTERS,
    code::DATE_INCOMPLETE,
    code::DATE_INVALID,
    code::DATE_FUTURE,
    code::BIRTH_DATE_IMPLAUSIBLE,
    code::BIRTH_DATE_NIR_MISMATCH,
    code::BIRTH_DATE_MONTH_REQUIRED,
    code::EMAIL_EMPTY,
    code::EMAIL_FORMAT,
    code::EMAIL_TOO_LONG,
    code::EMAIL_DOTS,
    code::PHONE_FORMAT,
    code::VERIFICATION_CHOOSE,
    code::VITALE_EMPTY,
    code::VITALE_CHARACTERS,
    code::VITALE_PHOTO_LENGTH,
    code::VITALE_NO_PHOTO_LENGTH,
    code::CHILD_BIRTH_DATE_TOO_EARLY,
    code::AMOUNT_EMPTY,
    code::AMOUNT_FORMAT,
    code::AMOUNT_AMBIGUOUS,
    code::AMOUNT_ZERO,
    code::AMOUNT_TOO_LARGE,
    code::DEPARTMENT_EMPTY,
    code::DEPARTMENT_UNKNOWN,
    code::DEPARTMENT_OVERSEAS,
    code::DEPARTMENT_MAYOTTE,
    code::TERMS_NOT_ACCEPTED,
    code::TERMS_OUTDATED,
    code::SESSION_EXPIRED,
    code::SESSION_OUT_OF_ORDER,
    code::SYSTEM_UNAVAILABLE,
    code::SYSTEM_INTERNAL,
    code::SYSTEM_NOT_CONFIGURED,
];

/// A refusal: which field (or none, for `session.*` / `system.*`) and a stable code.
///
/// Serialises as `{"code": "nir.checksum", "field": "nir", "key": "error.nir.checksum"}`.
/// `Display` shows only the field and the code, never the value that was typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[error("invalid {}: {code}", field.map_or("(no field)", Field::as_str))]
pub struct Invalid {
    pub field: Option<Field>,
    pub code: &'static str,
}

impl Invalid {
    /// An error on `field`.
    pub const fn new(field: Field, code: &'static str) -> Self {
        Invalid {
            field: Some(field),
            code,
        }
    }

    /// An error not tied to a field (`session.*`, `system.*`).
    pub const fn general(code: &'static str) -> Self {
        Invalid { field: None, code }
    }

    /// The i18n key: `"error." + code`.
    pub fn key(&self) -> String {
        format!("error.{}", self.code)
    }

    /// The `&'static` code equal to `code`, if it is one of [`ALL_CODES`]. Lets the
    /// backend map a received code back to an `Invalid` without leaking memory.
    pub fn known_code(code: &str) -> Option<&'static str> {
        ALL_CODES.iter().copied().find(|known| *known == code)
    }
}

impl Serialize for Invalid {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Invalid", 3)?;
        s.serialize_field("code", self.code)?;
        s.serialize_field("field", &self.field.map(Field::as_str))?;
        s.serialize_field("key", &self.key())?;
        s.end()
    }
}

/// Keeps the value of `result`, or records its error in `errors`: lets a step parser
/// collect every field error instead of stopping at the first.
pub(crate) fn keep<T>(result: Result<T, Invalid>, errors: &mut Vec<Invalid>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn serialises_as_code_field_key() {
        let e = Invalid::new(Field::Nir, code::NIR_CHECKSUM);
        assert_eq!(
            serde_json::to_value(e).unwrap(),
            serde_json::json!({"code": "nir.checksum", "field": "nir", "key": "error.nir.checksum"})
        );
        let g = Invalid::general(code::SESSION_EXPIRED);
        assert_eq!(
            serde_json::to_value(g).unwrap(),
            serde_json::json!({"code": "session.expired", "field": null, "key": "error.session.expired"})
        );
    }

    #[test]
    fn display_names_field_and_code_only() {
        let e = Invalid::new(Field::Email, code::EMAIL_FORMAT);
        assert_eq!(e.to_string(), "invalid email: email.format");
    }

    #[test]
    fn codes_are_unique_and_well_formed() {
        let unique: HashSet<_> = ALL_CODES.iter().collect();
        assert_eq!(unique.len(), ALL_CODES.len());
        assert_eq!(ALL_CODES.len(), 42);
        for c in ALL_CODES {
            let (prefix, rest) = c.split_once('.').expect("dotted code");
            assert!(!prefix.is_empty() && !rest.is_empty());
            assert!(c.chars().all(|ch| ch.is_ascii_alphabetic() || ch == '.'));
        }
        assert_eq!(Invalid::known_code("nir.empty"), Some(code::NIR_EMPTY));
        assert_eq!(Invalid::known_code("nir.nope"), None);
    }
}
