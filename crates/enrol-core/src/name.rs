//! Family name and first name (SPEC §2 step 3).

use crate::error::{code, Invalid};
use crate::field::Field;
use std::fmt;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Longest name kept, in characters after trimming (SPEC §2 step 3 « sane length limits »).
pub const NAME_MAX_CHARS: usize = 60;

/// Inputs longer than this (in bytes) are refused before any other work.
const INPUT_MAX_BYTES: usize = 1024;

/// Characters read as an apostrophe and stored as `'` (U+0027), so that no name is refused
/// for the look of its punctuation (issue 12):
/// - U+2019 ’ right single quotation mark: the typographic apostrophe (French phone
///   keyboards, word processors' autocorrect, copy-paste from a letter);
/// - U+2018 ‘ left single quotation mark: autocorrect turning the quote the wrong way
///   (« D‘Souza »); U+201B ‛ single high-reversed-9 quotation mark, its rarer twin;
/// - U+02BC ʼ modifier letter apostrophe: Ukrainian and Belarusian names, some keyboards'
///   apostrophe key; U+02BB ʻ modifier letter turned comma (Uzbek Latin oʻ, gʻ);
///   U+02B9 ʹ modifier letter prime and U+2032 ′ prime (soft sign in transliterations);
/// - U+00B4 ´ acute accent and U+0060 ` grave accent: a dead accent key pressed alone;
/// - U+FF07 ＇ fullwidth apostrophe (East Asian input methods); U+055A ՚ Armenian
///   apostrophe; U+A78C ꞌ Latin small letter saltillo (looks the same).
pub const APOSTROPHES: [char; 12] = [
    '\u{2019}', '\u{2018}', '\u{201B}', '\u{02BC}', '\u{02BB}', '\u{02B9}', '\u{2032}', '\u{00B4}',
    '\u{0060}', '\u{FF07}', '\u{055A}', '\u{A78C}',
];

/// Characters read as a hyphen and stored as `-` (U+002D) (issue 12): every dash of
/// Unicode's « Dash_Punctuation » category a keyboard, an autocorrect or a copy-paste gives
/// between two parts of a name, plus the minus signs that look like one:
/// - U+2010 ‐ hyphen, U+2011 ‑ non-breaking hyphen (word processors);
/// - U+2012 ‒ figure dash, U+2013 – en dash (« Le Gall–Morvan »: autocorrect of ` - `),
///   U+2014 — em dash, U+2015 ― horizontal bar;
/// - U+2212 − minus sign, U+FE63 ﹣ small hyphen-minus, U+FF0D － fullwidth hyphen-minus,
///   U+FE58 ﹘ small em dash (East Asian input methods, spreadsheets);
/// - U+058A ֊ Armenian hyphen, U+2E3A ⸺ two-em dash, U+2043 ⁃ hyphen bullet.
///
/// A soft hyphen (U+00AD, invisible, left by a copy-paste of a hyphenated text) is
/// dropped instead: it never shows, so it is not part of the name.
pub const HYPHENS: [char; 13] = [
    '\u{2010}', '\u{2011}', '\u{2012}', '\u{2013}', '\u{2014}', '\u{2015}', '\u{2212}', '\u{FE63}',
    '\u{FF0D}', '\u{FE58}', '\u{058A}', '\u{2E3A}', '\u{2043}',
];

const SOFT_HYPHEN: char = '\u{00AD}';

/// A family name or first name: trimmed, inner spaces collapsed, apostrophes and hyphens
/// made plain, Unicode NFC.
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
    /// Rules (SPEC §2 step 3; issue 12): letters of any script (`char::is_alphabetic`, so
    /// French diacritics and ligatures É, ç, Œ, Æ and foreign names pass; a combining
    /// accent after a letter too), hyphens, apostrophes and inner spaces. Before checking:
    /// trimmed, runs of white space collapsed to one space, every [`APOSTROPHES`] mark
    /// made `'` and every [`HYPHENS`] dash made `-` (soft hyphens dropped), spaces around a
    /// hyphen or an apostrophe removed (« Le Gall – Morvan » → `Le Gall-Morvan`), composed
    /// to NFC (a letter typed as base + combining accent becomes one letter).
    /// Between two letters: one space, one apostrophe, one hyphen, or the double hyphen of
    /// the double family names the civil registry wrote from 2005 to 2010 (`Martin--Roux`,
    /// kept as typed: it is how the name is written on the person's papers). 1 to
    /// [`NAME_MAX_CHARS`] characters (`name.empty`, `name.tooLong`). Digits and symbols,
    /// a leading or trailing hyphen/apostrophe and other runs of separators (`D''Arc`,
    /// `Jean---Pierre`, `Jean-'Pierre`) are refused (`name.characters`).
    pub fn parse(field: Field, input: &str) -> Result<Self, Invalid> {
        let invalid = |code| Invalid::new(field, code);
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(invalid(code::NAME_EMPTY));
        }
        if trimmed.len() > INPUT_MAX_BYTES {
            return Err(invalid(code::NAME_TOO_LONG));
        }
        let name: String = plain_punctuation(trimmed).nfc().collect();
        if name.is_empty() {
            return Err(invalid(code::NAME_EMPTY));
        }
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

/// Spaces collapsed, apostrophes and hyphens made plain, no space next to either.
fn plain_punctuation(trimmed: &str) -> String {
    let mut out = String::with_capacity(trimmed.len());
    for c in trimmed.chars() {
        let c = if APOSTROPHES.contains(&c) {
            '\''
        } else if HYPHENS.contains(&c) {
            '-'
        } else if c == SOFT_HYPHEN {
            continue;
        } else {
            c
        };
        if c.is_whitespace() {
            if !out.ends_with([' ', '-', '\'']) && !out.is_empty() {
                out.push(' ');
            }
        } else {
            if matches!(c, '-' | '\'') && out.ends_with(' ') {
                out.pop();
            }
            out.push(c);
        }
    }
    let kept = out.trim_end().len();
    out.truncate(kept);
    out
}

/// Letters (each possibly followed by combining marks), separated by one space, one
/// apostrophe, one hyphen or a double hyphen; starts and ends with a letter.
fn well_formed(name: &str) -> bool {
    let mut separator = String::new();
    let mut after_letter = false;
    for c in name.chars() {
        if c.is_alphabetic() || (after_letter && separator.is_empty() && is_combining_mark(c)) {
            if !matches!(separator.as_str(), "" | " " | "'" | "-" | "--") {
                return false;
            }
            separator.clear();
            after_letter = true;
        } else if matches!(c, ' ' | '\'' | '-') && after_letter {
            separator.push(c);
        } else {
            return false;
        }
    }
    after_letter && separator.is_empty()
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
            ("N’Diaye", "N'Diaye"),
            // Issue 12: other apostrophes and dashes, the double hyphen, spaces around.
            ("D‘Souza", "D'Souza"),
            ("Le Gall–Morvan", "Le Gall-Morvan"),
            ("Le Gall – Morvan", "Le Gall-Morvan"),
            ("Martin--Roux", "Martin--Roux"),
            ("Martin – – Roux", "Martin--Roux"),
            ("D' Artagnan", "D'Artagnan"),
            ("Mar\u{ad}tin", "Martin"),
            ("Jean - Pierre", "Jean-Pierre"),
            ("Kovalʼova", "Koval'ova"),
            ("n\u{308}a", "n\u{308}a"), // a combining mark with no precomposed form
            ("Wałęsa", "Wałęsa"),
            ("Ștefan", "Ștefan"),
            ("Conceição", "Conceição"),
            ("Muñoz", "Muñoz"),
            ("Христов", "Христов"),
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
            ("Jean---Pierre", code::NAME_CHARACTERS),
            ("Jean-'Pierre", code::NAME_CHARACTERS),
            ("Jean'-Pierre", code::NAME_CHARACTERS),
            ("Jean -- - Pierre", code::NAME_CHARACTERS),
            ("D''Artagnan", code::NAME_CHARACTERS),
            ("D’’Artagnan", code::NAME_CHARACTERS),
            ("–Jean", code::NAME_CHARACTERS),
            ("Jean’", code::NAME_CHARACTERS),
            ("\u{ad}", code::NAME_EMPTY),
            ("Jean😀", code::NAME_CHARACTERS),
            ("\u{301}", code::NAME_CHARACTERS),
            ("Jean\u{200b}", code::NAME_CHARACTERS),
        ];
        for (input, expected) in cases {
            assert_eq!(parse(input), Err(expected), "{input:?}");
        }
    }

    proptest::proptest! {
        /// Every apostrophe-like and dash-like mark, between any two names, is stored as the
        /// plain `'` / `-`: the same name as typed with the plain mark.
        #[test]
        fn every_apostrophe_and_dash_is_made_plain(
            mark in proptest::sample::select(APOSTROPHES.iter().chain(&HYPHENS).copied().collect::<Vec<_>>()),
            left in "[A-Za-zÀ-ÖØ-öø-ÿŁłŚśȘșȚțĂăЖжЩщ]{1,12}",
            right in "[A-Za-zÀ-ÖØ-öø-ÿŁłŚśȘșȚțĂăЖжЩщ]{1,12}",
            spaces in 0usize..=2,
        ) {
            let plain = if APOSTROPHES.contains(&mark) { '\'' } else { '-' };
            let pad = " ".repeat(spaces);
            let typed = format!("{left}{pad}{mark}{pad}{right}");
            let expected = PersonName::parse(Field::LastName, &format!("{left}{plain}{right}"))
                .map(|n| n.as_str().to_owned());
            proptest::prop_assert!(expected.is_ok());
            proptest::prop_assert_eq!(parse(&typed), expected.map_err(|e| e.code));
            // Doubled, a hyphen is the civil registry's double hyphen; an apostrophe is not.
            let doubled = parse(&format!("{left}{mark}{mark}{right}"));
            if plain == '-' {
                proptest::prop_assert_eq!(doubled, Ok(format!("{left}--{right}").nfc().collect::<String>()));
            } else {
                proptest::prop_assert_eq!(doubled, Err(code::NAME_CHARACTERS));
            }
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
