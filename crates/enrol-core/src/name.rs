//! Family name and first name (SPEC §2 step 3).

use crate::error::{code, Invalid};
use crate::field::Field;
use std::fmt;
use unicode_normalization::UnicodeNormalization;

/// Longest name kept, in characters after trimming (SPEC §2 step 3 « sane length limits »).
pub const NAME_MAX_CHARS: usize = 60;

/// Inputs longer than this (in bytes) are refused before any other work.
const INPUT_MAX_BYTES: usize = 1024;

/// A family name or first name: trimmed, inner spaces collapsed, Unicode NFC.
///
/// `Debug` is redacted; no `Serialize` (personal data).
#[derive(Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl fmt::Debug for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PersonName(<redacted>)")
    }
}

impl PersonName {
    /// Parses a name typed for `field` ([`Field::LastName`] or [`Field::FirstName`]).
    ///
    /// Rules (SPEC §2 step 3): letters of any script (`char::is_alphabetic`, so French
    /// diacritics and ligatures É, ç, Œ, Æ and foreign names pass), hyphens, apostrophes
    /// (`'` and `’`) and inner spaces. Trimmed, runs of spaces collapsed, composed to NFC (a
    /// letter typed as base + combining accent becomes one letter). 1 to
    /// [`NAME_MAX_CHARS`] characters (`name.empty`, `name.tooLong`). Digits and symbols, a
    /// leading or trailing hyphen/apostrophe and two separators in a row are refused
    /// (`name.characters`).
    pub fn parse(field: Field, input: &str) -> Result<Self, Invalid> {
        let invalid = |code| Invalid::new(field, code);
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(invalid(code::NAME_EMPTY));
        }
        if trimmed.len() > INPUT_MAX_BYTES {
            return Err(invalid(code::NAME_TOO_LONG));
        }
        let collapsed = trimmed.split_whitespace().collect::<Vec<_>>().join(" ");
        let name: String = collapsed.nfc().collect();
        if name.chars().count() > NAME_MAX_CHARS {
            return Err(invalid(code::NAME_TOO_LONG));
        }
        if !well_formed(&name) {
            return Err(invalid(code::NAME_CHARACTERS));
        }
        Ok(PersonName(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_separator(c: char) -> bool {
    matches!(c, '-' | '\'' | '’' | ' ')
}

/// Letters, separated by single separators; starts and ends with a letter.
fn well_formed(name: &str) -> bool {
    let mut previous_was_letter = false;
    for c in name.chars() {
        if c.is_alphabetic() {
            previous_was_letter = true;
        } else if is_separator(c) && previous_was_letter {
            previous_was_letter = false;
        } else {
            return false;
        }
    }
    previous_was_letter
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(input: &str) -> Result<String, &'static str> {
        PersonName::parse(Field::LastName, input)
            .map(|n| n.as_str().to_owned())
            .map_err(|e| e.code)
    }

    #[test]
    fn accepted_names() {
        let cases = [
            ("Dupont", "Dupont"),
            ("  Jean-Pierre  ", "Jean-Pierre"),
            ("Le   Guen", "Le Guen"),
            ("D'Artagnan", "D'Artagnan"),
            ("N’Diaye", "N’Diaye"),
            ("Œdipe", "Œdipe"),
            ("Lætitia", "Lætitia"),
            ("François", "François"),
            ("ÉLODIE", "ÉLODIE"),
            ("Müller", "Müller"),
            ("Nguyễn", "Nguyễn"),
            ("Ødegård", "Ødegård"),
            ("Łukasz", "Łukasz"),
            ("Σωκράτης", "Σωκράτης"),
            ("Александр", "Александр"),
            ("محمد", "محمد"),
            ("Y", "Y"),
            ("Jose\u{301}", "José"), // decomposed accent composed to NFC
            ("de\tla\u{a0}Fontaine", "de la Fontaine"),
        ];
        for (input, expected) in cases {
            assert_eq!(parse(input), Ok(expected.to_owned()), "{input}");
        }
    }

    #[test]
    fn refused_names() {
        let cases = [
            ("", code::NAME_EMPTY),
            ("   ", code::NAME_EMPTY),
            ("Jean2", code::NAME_CHARACTERS),
            ("R2-D2", code::NAME_CHARACTERS),
            ("Jean!", code::NAME_CHARACTERS),
            ("Jean_Pierre", code::NAME_CHARACTERS),
            ("Jean.Pierre", code::NAME_CHARACTERS),
            ("-Jean", code::NAME_CHARACTERS),
            ("Jean-", code::NAME_CHARACTERS),
            ("'Jean", code::NAME_CHARACTERS),
            ("Jean--Pierre", code::NAME_CHARACTERS),
            ("Jean - Pierre", code::NAME_CHARACTERS),
            ("D''Artagnan", code::NAME_CHARACTERS),
            ("Jean😀", code::NAME_CHARACTERS),
            ("\u{301}", code::NAME_CHARACTERS),
            ("Jean\u{200b}", code::NAME_CHARACTERS),
        ];
        for (input, expected) in cases {
            assert_eq!(parse(input), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn length_limits() {
        assert!(parse(&"a".repeat(NAME_MAX_CHARS)).is_ok());
        assert_eq!(
            parse(&"a".repeat(NAME_MAX_CHARS + 1)),
            Err(code::NAME_TOO_LONG)
        );
        // 60 two-byte letters are 60 characters, not 120.
        assert!(parse(&"é".repeat(NAME_MAX_CHARS)).is_ok());
        // Spaces collapsed before counting.
        let spaced = format!("{}      {}", "a".repeat(29), "b".repeat(30));
        assert!(parse(&spaced).is_ok());
        assert_eq!(parse(&"a".repeat(100_000)), Err(code::NAME_TOO_LONG));
    }

    #[test]
    fn error_names_the_field() {
        let e = PersonName::parse(Field::FirstName, "").unwrap_err();
        assert_eq!(e.field, Some(Field::FirstName));
    }

    #[test]
    fn debug_is_redacted() {
        let text = format!(
            "{:?}",
            PersonName::parse(Field::LastName, "Dupont").unwrap()
        );
        assert_eq!(text, "PersonName(<redacted>)");
    }
}
