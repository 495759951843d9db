//! Optional mobile phone number, French or of a French overseas département (SPEC §2 step 3;
//! issue 12).
//!
//! The numbering plans are libphonenumber's (the `phonenumber` crate, which bundles Google's
//! metadata): this module only decides which writings and which regions are accepted.

use crate::error::{code, Invalid};
use crate::field::Field;
use phonenumber::country::Id;
use phonenumber::metadata::DATABASE;
use phonenumber::{Mode, PhoneNumber, Type};
use std::fmt;

/// Inputs longer than this (in bytes) are refused before any other work.
const INPUT_MAX_BYTES: usize = 64;

/// The regions whose mobiles are accepted, in the order a national number (`06…`, `07…`)
/// is tried: metropolitan France, then the overseas départements that share the French
/// national plan (dialled with a leading 0 from anywhere in France): La Réunion and
/// Mayotte (+262), Guadeloupe (+590, shared with Saint-Barthélemy and Saint-Martin),
/// French Guiana (+594), Martinique (+596). Their mobile ranges do not overlap (a test
/// checks it against the metadata), so the order only matters for speed.
pub const MOBILE_REGIONS: [Id; 6] = [Id::FR, Id::RE, Id::YT, Id::GP, Id::GF, Id::MQ];

/// The country calling codes of [`MOBILE_REGIONS`] (an international form must use one).
pub const COUNTRY_CODES: [u16; 5] = [33, 262, 590, 594, 596];

/// A mobile number of [`MOBILE_REGIONS`], kept in E.164 form: `+33612345678`,
/// `+262693456789`.
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
    /// Parses a mobile number as people write it, national or international (issue 12):
    /// `06 12 34 56 78`, `06.12.34.56.78`, `06-12-34-56-78`, `(06) 12 34 56 78`,
    /// `+33 6 12 34 56 78`, `0033 6…`, `+33 (0)6…`; overseas `06 93 45 67 89` (→ +262),
    /// `0639…` (Mayotte, → +262), `0690…`/`0691…` (→ +590), `0694…` (→ +594),
    /// `0696…`/`0697…` (→ +596), and `+262 …`, `+590 …`, `+594 …`, `+596 …`.
    ///
    /// Rules: only ASCII digits, white space, `. - / ( )` and one leading `+` (no letters,
    /// so no vanity numbers or extensions); the number starts with `+`, `00` or the trunk
    /// `0`. A national number is the mobile of the first of [`MOBILE_REGIONS`] whose plan
    /// makes it a valid mobile (libphonenumber's metadata); an international one must be a
    /// valid mobile of one of [`COUNTRY_CODES`]. Landlines, unassigned ranges and any other
    /// country → `phone.format`. The field is optional: an empty answer is handled by the
    /// step ([`crate::parse_identity`]), not here.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let invalid = Invalid::new(Field::Phone, code::PHONE_FORMAT);
        if input.len() > INPUT_MAX_BYTES {
            return Err(invalid);
        }
        let text = input.trim();
        let allowed = |(i, c): (usize, char)| {
            c.is_ascii_digit()
                || c.is_whitespace()
                || matches!(c, '.' | '-' | '/' | '(' | ')')
                || (c == '+' && i == 0)
        };
        if !text.char_indices().all(allowed) {
            return Err(invalid);
        }
        // No-break and other spaces as plain ones: the library knows only ASCII separators.
        let text: String = text
            .chars()
            .map(|c| if c.is_whitespace() { ' ' } else { c })
            .collect();
        let text = text.as_str();
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        let number = if text.starts_with('+') || digits.starts_with("00") {
            parse_as(text, Id::FR).filter(|n| COUNTRY_CODES.contains(&n.code().value()))
        } else if digits.starts_with('0') {
            MOBILE_REGIONS
                .into_iter()
                .find_map(|region| parse_as(text, region))
        } else {
            None
        };
        let number = number.ok_or(invalid)?;
        Ok(MobilePhone(number.format().mode(Mode::E164).to_string()))
    }

    /// E.164: `+33612345678`.
    pub fn e164(&self) -> &str {
        &self.0
    }

    /// As written in France: `06 12 34 56 78`, `0692 12 34 56` (libphonenumber's national
    /// format of the number's region).
    pub fn national(&self) -> String {
        phonenumber::parse(None, &self.0)
            .map(|n| n.format().mode(Mode::National).to_string())
            .unwrap_or_else(|_| self.0.clone())
    }
}

/// Loads libphonenumber's metadata now. The first [`MobilePhone::parse`] otherwise pays for
/// it: measured 0.77 s in a release build on a 2-core machine,
/// against 0.36 ms for each parse after. The kiosk should call this once at start-up, off
/// the UI thread, so that the identity step never waits for it.
pub fn load_metadata() {
    let _ = DATABASE.by_id(Id::FR.as_ref());
}

/// `text` read with `region` as the default region, if it is a valid mobile number.
fn parse_as(text: &str, region: Id) -> Option<PhoneNumber> {
    let number = phonenumber::parse(Some(region), text).ok()?;
    let mobile = number.extension().is_none()
        && phonenumber::is_valid(&number)
        && number.number_type(&DATABASE) == Type::Mobile;
    mobile.then_some(number)
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
            "06/12/34/56/78",
            "(06) 12 34 56 78",
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

    /// Issue 12's examples, and one number of each overseas prefix of its table.
    #[test]
    fn overseas_mobiles() {
        let cases = [
            ("06 93 45 67 89", "+262693456789"),
            ("+590 690 12 34 56", "+590690123456"),
            ("0692 12 34 56", "+262692123456"),
            ("0639 01 23 45", "+262639012345"),
            ("0690 00 12 34", "+590690001234"),
            ("0691 22 12 34", "+590691221234"),
            ("0694 20 12 34", "+594694201234"),
            ("0696 20 12 34", "+596696201234"),
            ("0697 20 12 34", "+596697201234"),
            ("+262 692 12 34 56", "+262692123456"),
            ("+262 639 01 23 45", "+262639012345"),
            ("00 594 694 20 12 34", "+594694201234"),
            ("+596 696 20 12 34", "+596696201234"),
            ("+590 (0)690 12 34 56", "+590690123456"),
        ];
        for (input, e164) in cases {
            assert_eq!(parse(input), Ok(e164.to_owned()), "{input}");
        }
        let p = MobilePhone::parse("06 93 45 67 89").unwrap();
        assert_eq!(p.national(), "0693 45 67 89");
        assert_eq!(
            MobilePhone::parse("0612345678").unwrap().national(),
            "06 12 34 56 78"
        );
    }

    #[test]
    fn refused() {
        for input in [
            "",
            "01 23 45 67 89",
            "09 12 34 56 78",
            "0590 12 34 56",
            "+590 590 12 34 56",
            "06 12 34 56 7",
            "06 12 34 56 789",
            "6 12 34 56 78",
            "+32 6 12 34 56 78",
            "+44 7700 900123",
            "+40 712 345 678",
            "06 12 34 56 7a",
            "+33 6 12 34 56 78 ext 12",
            "06 12 34 56 7８",
            "06 12 +34 56 78",
            "0691 00 12 34",
            "07 00 00 00 00",
            "+262 06 12 34 56 78",
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
