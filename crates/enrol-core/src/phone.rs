//! Optional French mobile phone number (SPEC §2 step 3).

use crate::error::{code, Invalid};
use crate::field::Field;
use std::fmt;

/// Inputs longer than this (in bytes) are refused before any other work.
const INPUT_MAX_BYTES: usize = 64;

/// A French mobile number (06 / 07), kept in E.164 form `+33612345678`.
///
/// `Debug` is redacted; no `Serialize`.
#[derive(Clone, PartialEq, Eq)]
pub struct MobilePhone(String);

impl fmt::Debug for MobilePhone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MobilePhone(<redacted>)")
    }
}

impl MobilePhone {
    /// French mobiles, 06 and 07 (ARCEP numbering plan: 6 and 7 after the trunk prefix are
    /// mobile), in the usual written forms: `06 12 34 56 78`, `06.12.34.56.78`,
    /// `06-12-34-56-78`, `+33 6 12 34 56 78`, `0033 6…`, `+33 (0)6…`. Anything else →
    /// `phone.format`. The field is optional: an empty answer is handled by the step
    /// ([`crate::parse_identity`]), not here.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let invalid = Invalid::new(Field::Phone, code::PHONE_FORMAT);
        if input.len() > INPUT_MAX_BYTES {
            return Err(invalid);
        }
        let compact: String = input
            .chars()
            .filter(|c| !(c.is_whitespace() || matches!(c, '.' | '-' | '/')))
            .collect();
        // « +33 (0)6 … »: the trunk 0 written in brackets after the country code.
        let national = if let Some(rest) = compact
            .strip_prefix("+33")
            .or_else(|| compact.strip_prefix("0033"))
        {
            let rest = rest.strip_prefix("(0)").unwrap_or(rest);
            rest.strip_prefix('0').unwrap_or(rest)
        } else {
            compact.strip_prefix('0').ok_or(invalid)?
        };
        let is_mobile = national.len() == 9
            && national.bytes().all(|b| b.is_ascii_digit())
            && matches!(national.as_bytes().first(), Some(b'6' | b'7'));
        if !is_mobile {
            return Err(invalid);
        }
        Ok(MobilePhone(format!("+33{national}")))
    }

    /// E.164: `+33612345678`.
    pub fn e164(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(input: &str) -> Result<String, &'static str> {
        MobilePhone::parse(input)
            .map(|p| p.e164().to_owned())
            .map_err(|e| e.code)
    }

    #[test]
    fn written_forms() {
        for input in [
            "0612345678",
            "06 12 34 56 78",
            " 06.12.34.56.78 ",
            "06-12-34-56-78",
            "+33 6 12 34 56 78",
            "+33612345678",
            "0033 6 12 34 56 78",
            "+33 (0)6 12 34 56 78",
            "+33 (0) 6 12 34 56 78",
            "+33 06 12 34 56 78",
            "06\u{a0}12\u{202f}34 56 78",
        ] {
            assert_eq!(parse(input), Ok("+33612345678".to_owned()), "{input}");
        }
        assert_eq!(parse("07 81 23 45 67"), Ok("+33781234567".to_owned()));
    }

    #[test]
    fn refused() {
        for input in [
            "",
            "01 23 45 67 89",
            "09 12 34 56 78",
            "06 12 34 56 7",
            "06 12 34 56 789",
            "6 12 34 56 78",
            "+32 6 12 34 56 78",
            "+44 7700 900123",
            "06 12 34 56 7a",
            "(06) 12 34 56 78",
            "+33 (0)(0)6 12 34 56 78",
            "+33 00 6 12 34 56 78",
            "06 12 34 56 7８",
        ] {
            assert_eq!(parse(input), Err(code::PHONE_FORMAT), "{input:?}");
        }
        assert_eq!(parse(&"0".repeat(100_000)), Err(code::PHONE_FORMAT));
    }

    #[test]
    fn debug_is_redacted() {
        let text = format!("{:?}", MobilePhone::parse("0612345678").unwrap());
        assert_eq!(text, "MobilePhone(<redacted>)");
    }
}
