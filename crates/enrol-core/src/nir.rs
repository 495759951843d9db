//! The NIR (« numéro de sécurité sociale »), the person's login (SPEC §2 step 2; domain.md §1).

use crate::error::{code, Invalid};
use crate::field::Field;
use std::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop};

const BODY_LEN: usize = 13;
const WITH_KEY_LEN: usize = 15;

/// A NIR without its key: 13 characters, upper case (`2A`/`2B` only at positions 6–7).
///
/// It is a credential: `Debug` is redacted, it has no `Serialize`, and its memory is wiped on
/// drop. Kept as text, never as an integer (domain.md §7.1: Corsica, leading structure).
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Nir(String);

impl fmt::Debug for Nir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Nir(<redacted>)")
    }
}

impl Nir {
    /// Parses 13 characters, or 15 with the key (the key is checked, then dropped).
    ///
    /// Rules, in the order they are applied:
    /// - spaces (any Unicode white space) and dots are ignored, lower case is accepted
    ///   (SPEC §2 step 2; STDNUM `compact()`, domain.md §1.2);
    /// - only digits and A/B → else `nir.format`; 13 or 15 characters → else `nir.length`;
    ///   `2A`/`2B` only at positions 6–7 → else `nir.format` (domain.md §1.1, §7.1, §7.3);
    /// - with 15 characters, key = 97 − (n mod 97), 2A→19 and 2B→18 at positions 6–7 only,
    ///   01–97 (`nir.checksum`; domain.md §1.1 « Key », §7.3). Checked before the rest, so a
    ///   mistyped digit reads as a typo;
    /// - sex digit 5, 6, 7, 8 → `nir.counsellor`, never a bare "invalid" (MIG / NNP numbers,
    ///   domain.md §1.1 « Other identifiers », §7.5); their layout differs, so this comes
    ///   before the structure checks;
    /// - lenient structure (`nir.structure`, domain.md §1.1, §7.4): sex 1–4; month 01–12
    ///   or 20–99; birth place 01–96, 2A, 2B, 97x/98x, 99 (never 00). INSEE gives 20 and
    ///   30–42 / 50–99 to people whose birth month is unknown, and the national health
    ///   insurance's own validator accepts all of 20–99: a fictitious month is never
    ///   refused (the key already catches typos). Only 00 and 13–19 cannot exist.
    pub fn parse(input: &str) -> Result<Nir, Invalid> {
        let chars = compact(input)?;
        check_shape(&chars)?;
        if chars.len() == WITH_KEY_LEN {
            let typed_key = &chars[BODY_LEN..];
            let body = &chars[..BODY_LEN];
            if !key_matches(body, typed_key) {
                return Err(invalid(code::NIR_CHECKSUM));
            }
        }
        let body: String = chars[..BODY_LEN].iter().collect();
        check_meaning(body.as_bytes())?;
        Ok(Nir(body))
    }

    /// Parses a 13-character body and a separate two-digit key that must match; used for
    /// the backend request, where the key is sent apart (docs/contracts.md §3: `nir`, `nirKey`).
    pub fn parse_with_key(body: &str, key: &str) -> Result<Nir, Invalid> {
        let chars = compact(body)?;
        if chars.len() != BODY_LEN {
            return Err(invalid(code::NIR_LENGTH));
        }
        let key = key.trim();
        if key.len() != 2 || !key.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid(code::NIR_CHECKSUM));
        }
        let mut full: String = chars.iter().collect();
        full.push_str(key);
        Nir::parse(&full)
    }

    /// The 13 characters, upper case: `"1841276451089"`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Grouped for reading 1-2-2-2-3-3: `"1 84 12 76 451 089"` (SPEC §2 step 2).
    pub fn grouped(&self) -> String {
        let s = &self.0;
        let groups = [0..1, 1..3, 3..5, 5..7, 7..10, 10..13];
        let parts: Vec<&str> = groups.into_iter().filter_map(|r| s.get(r)).collect();
        parts.join(" ")
    }

    /// The control key, 1..=97 (domain.md §1.1 « Key »).
    pub fn key(&self) -> u8 {
        control_key(self.0.as_bytes())
    }

    /// The key as sent with the NIR, zero-padded: `"46"`, `"08"`, `"97"` (domain.md §7.3).
    pub fn key_string(&self) -> String {
        format!("{:02}", self.key())
    }

    /// Positions 2–3: the last two digits of the birth year (domain.md §1.1).
    pub fn birth_year_2(&self) -> u8 {
        two_digits(self.0.as_bytes(), 1).unwrap_or(0)
    }

    /// Positions 4–5 when they are a real month 01–12; `None` for 20–99 (fictitious month:
    /// the birth month is unknown, domain.md §1.1).
    pub fn birth_month(&self) -> Option<u8> {
        two_digits(self.0.as_bytes(), 3).filter(|m| (1..=12).contains(m))
    }
}

fn invalid(code: &'static str) -> Invalid {
    Invalid::new(Field::Nir, code)
}

/// Drops spaces and dots, upper-cases; stops early on over-long input so that work stays
/// bounded whatever the input length.
fn compact(input: &str) -> Result<Vec<char>, Invalid> {
    let mut chars = Vec::with_capacity(WITH_KEY_LEN);
    let mut too_long = false;
    for c in input.chars() {
        if c.is_whitespace() || c == '.' {
            continue;
        }
        let c = c.to_ascii_uppercase();
        if !(c.is_ascii_digit() || c == 'A' || c == 'B') {
            return Err(invalid(code::NIR_FORMAT));
        }
        if chars.len() > WITH_KEY_LEN {
            too_long = true;
            continue;
        }
        chars.push(c);
    }
    if chars.is_empty() {
        return Err(invalid(code::NIR_EMPTY));
    }
    if too_long || (chars.len() != BODY_LEN && chars.len() != WITH_KEY_LEN) {
        return Err(invalid(code::NIR_LENGTH));
    }
    Ok(chars)
}

/// Digits everywhere, except `2A`/`2B` at positions 6–7 (domain.md §1.1, §7.3).
fn check_shape(chars: &[char]) -> Result<(), Invalid> {
    for (i, c) in chars.iter().enumerate() {
        let ok = match i {
            5 => c.is_ascii_digit() || (*c == '2' && matches!(chars.get(6), Some('A' | 'B'))),
            6 => c.is_ascii_digit() || ((*c == 'A' || *c == 'B') && chars.get(5) == Some(&'2')),
            _ => c.is_ascii_digit(),
        };
        if !ok {
            return Err(invalid(code::NIR_FORMAT));
        }
    }
    Ok(())
}

/// The number n of the first 13 characters, with 2A→19 and 2B→18 at positions 6–7 only.
fn numeric_value(body: &[u8]) -> u64 {
    body.iter()
        .take(BODY_LEN)
        .enumerate()
        .fold(0u64, |n, (i, b)| {
            let digit = match (i, *b) {
                (5, b'2') if matches!(body.get(6), Some(b'A' | b'B')) => 1,
                (6, b'A') => 9,
                (6, b'B') => 8,
                (_, b) => u64::from(b.wrapping_sub(b'0') % 10),
            };
            n * 10 + digit
        })
}

/// Key = 97 − (n mod 97), so 1..=97 (domain.md §1.1 « Key »; STDNUM `calc_check_digits`).
fn control_key(body: &[u8]) -> u8 {
    // n mod 97 < 97, so the result is 1..=97 and fits in a u8.
    (97 - numeric_value(body) % 97) as u8
}

fn key_matches(body: &[char], typed: &[char]) -> bool {
    let body: Vec<u8> = body.iter().map(|c| *c as u8).collect();
    let typed: String = typed.iter().collect();
    // "00" and 98/99 never match: the computed key is 01–97.
    typed == format!("{:02}", control_key(&body))
}

fn two_digits(bytes: &[u8], at: usize) -> Option<u8> {
    let (a, b) = (*bytes.get(at)?, *bytes.get(at + 1)?);
    (a.is_ascii_digit() && b.is_ascii_digit()).then(|| (a - b'0') * 10 + (b - b'0'))
}

fn check_meaning(body: &[u8]) -> Result<(), Invalid> {
    match body.first() {
        Some(b'1'..=b'4') => {}
        // MIG (5/6) and NNP (7/8) numbers: a counsellor handles them (domain.md §7.5).
        Some(b'5'..=b'8') => return Err(invalid(code::NIR_COUNSELLOR)),
        _ => return Err(invalid(code::NIR_STRUCTURE)),
    }
    // 20–99: fictitious months, given when the birth month is unknown (see `Nir::parse`).
    let month_ok = matches!(two_digits(body, 3), Some(1..=12 | 20..=99));
    // Birth place: 2A/2B pass the shape check; among digits only 00 cannot exist. 97x/98x
    // (overseas, 2-digit commune) and 99 (abroad) are accepted as they are (domain.md §7.4).
    let place_ok = !matches!(two_digits(body, 5), Some(0));
    if month_ok && place_ok {
        Ok(())
    } else {
        Err(invalid(code::NIR_STRUCTURE))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of(input: &str) -> &'static str {
        Nir::parse(input).map(|_| "ok").unwrap_or_else(|e| e.code)
    }

    /// Every vector of domain.md §1.4, with the code this crate gives.
    #[test]
    fn domain_vectors_full_numbers() {
        let cases: &[(&str, &str, &str)] = &[
            ("1", "2 95 10 99 126 111 93", "ok"),
            ("2", "295109912611199", code::NIR_CHECKSUM),
            ("3", "253072B07300470", "ok"),
            ("4", "253072A07300443", "ok"),
            ("5", "253072C07300443", code::NIR_FORMAT),
            ("6", "6546546546546703", code::NIR_LENGTH),
            ("7", "12345678", code::NIR_LENGTH),
            ("8", "186022A21532523", "ok"),
            ("9a", "255081416802538", "ok"),
            ("9b", "2 55 08 14 168 025 38", "ok"),
            ("10", "255081416802539", code::NIR_CHECKSUM),
            ("11", "2 55 08 14 168 025 12", code::NIR_CHECKSUM),
            ("12", "2 55 08 14 168 025 00", code::NIR_CHECKSUM),
            ("13", "255082A16802597", "ok"),
            ("14", "2 84 05 88 321 025 32", "ok"),
            ("15", "2840588321025", "ok"),
            ("16a", "2 84 05 2A 321 025 52", "ok"),
            ("16b", "2 84 05 2B 321 025 79", "ok"),
            ("17a", "2 84 20 2B 321 025 28", "ok"),
            ("17b", "2 84 99 2B 321 025 31", "ok"),
            ("18", "8 84 05 88 321 025 23", code::NIR_COUNSELLOR),
            ("19", "2 84 05 88 321 30", code::NIR_LENGTH),
            ("20", "2 84 05 88 321 025 30", code::NIR_CHECKSUM),
            ("22", "1 78 05 99 330 108 17", "ok"),
            ("25a", "1 62 06 62 765 118 08", "ok"),
            ("25b", "1 62 06 2A 765 118 05", "ok"),
            ("25c", "1 62 06 2B 765 118 32", "ok"),
            ("26", "278056933908923", code::NIR_CHECKSUM),
        ];
        for (id, input, expected) in cases {
            assert_eq!(code_of(input), *expected, "vector {id}: {input}");
        }
    }

    /// Bodies and their keys (domain.md §1.4 vectors 21, 23, 24, 26, plus the keys implied by
    /// the valid 15-character vectors).
    #[test]
    fn domain_vectors_keys() {
        let cases: &[(&str, u8)] = &[
            ("2940375120005", 91),
            ("1531245007231", 60),
            ("2890478342163", 49),
            ("2890478342212", 97),
            ("2890478342211", 1),
            ("2890478342210", 2),
            ("289042A342163", 90),
            ("289042B342163", 20),
            ("2780569339089", 41),
            ("2951099126111", 93),
            ("255082A168025", 97),
            ("2840588321025", 32),
        ];
        for (body, key) in cases {
            let nir = Nir::parse(body).unwrap_or_else(|e| panic!("{body}: {e}"));
            assert_eq!(nir.key(), *key, "{body}");
            assert_eq!(nir.key_string(), format!("{key:02}"));
        }
        assert_eq!(Nir::parse("2890478342211").unwrap().key_string(), "01");
    }

    #[test]
    fn keeps_thirteen_upper_case_characters() {
        let nir = Nir::parse(" 2.55.08.2a.168.025.97 ").unwrap();
        assert_eq!(nir.as_str(), "255082A168025");
        let nir = Nir::parse("1841276451089").unwrap();
        assert_eq!(nir.grouped(), "1 84 12 76 451 089");
        assert_eq!(nir.birth_year_2(), 84);
        assert_eq!(nir.birth_month(), Some(12));
        assert_eq!(Nir::parse("2842021321025").unwrap().birth_month(), None);
    }

    /// domain.md §7.3: the Corsica substitution applies at positions 6–7 only, and A/B
    /// anywhere else is a format error (CNAM-PHP `str_replace` anywhere is not the rule).
    #[test]
    fn corsica_letters_only_at_positions_6_7() {
        assert_eq!(code_of("2B34567890123"), code::NIR_FORMAT);
        assert_eq!(code_of("25307A2073004"), code::NIR_FORMAT);
        assert_eq!(code_of("253073A073004"), code::NIR_FORMAT);
        assert_eq!(code_of("2530720A73004"), code::NIR_FORMAT);
        assert_eq!(code_of("2530720730044A3"), code::NIR_FORMAT);
        assert_eq!(code_of("253072a07300443"), "ok");
        assert_eq!(code_of("253072b07300470"), "ok");
    }

    #[test]
    fn sex_digit() {
        // Bodies whose only difference is the sex digit; 13 characters, no key involved.
        for (sex, expected) in [
            ('0', code::NIR_STRUCTURE),
            ('1', "ok"),
            ('2', "ok"),
            ('3', "ok"),
            ('4', "ok"),
            ('5', code::NIR_COUNSELLOR),
            ('6', code::NIR_COUNSELLOR),
            ('7', code::NIR_COUNSELLOR),
            ('8', code::NIR_COUNSELLOR),
            ('9', code::NIR_STRUCTURE),
        ] {
            assert_eq!(
                code_of(&format!("{sex}840588321025")),
                expected,
                "sex {sex}"
            );
        }
    }

    /// domain.md §7.4: lenient on months and birth places.
    #[test]
    fn lenient_structure() {
        let month = |m: &str| code_of(&format!("184{m}76451089"));
        for ok in [
            "01", "09", "12", "20", "21", "25", "29", "30", "35", "42", "43", "49", "50", "63",
            "99",
        ] {
            assert_eq!(month(ok), "ok", "month {ok}");
        }
        for bad in ["00", "13", "15", "19"] {
            assert_eq!(month(bad), code::NIR_STRUCTURE, "month {bad}");
        }
        let place = |p: &str| code_of(&format!("18412{p}451089"));
        for ok in [
            "01", "19", "20", "2A", "2B", "21", "95", "91", "96", "97", "98", "99",
        ] {
            assert_eq!(place(ok), "ok", "place {ok}");
        }
        assert_eq!(place("00"), code::NIR_STRUCTURE);
        // Overseas: 3-digit département then a 2-digit commune.
        assert_eq!(code_of("1841297105089"), "ok");
        assert_eq!(code_of("1841298712089"), "ok");
    }

    /// Issue 12: a fictitious month outside INSEE's old list (25), with its printed key.
    #[test]
    fn fictitious_month_25_from_a_real_card() {
        let nir = Nir::parse("2 71 25 33 204 118 71").unwrap();
        assert_eq!(nir.birth_month(), None);
        assert_eq!(nir.birth_year_2(), 71);
    }

    proptest::proptest! {
        /// Every fictitious month 20–99, with any sex, year, place and order, and the right
        /// key, is accepted and reads as « month unknown »; the same body with a wrong key
        /// is refused as a typo.
        #[test]
        fn every_fictitious_month_with_its_key(
            sex in 1u8..=4,
            year in 0u8..=99,
            month in 20u8..=99,
            place in 1u8..=95,
            rest in 0u32..=999_999,
            wrong in 1u8..=96,
        ) {
            let body = format!("{sex}{year:02}{month:02}{place:02}{rest:06}");
            let key = 97 - (body.parse::<u64>().unwrap() % 97);
            let nir = Nir::parse(&format!("{body}{key:02}")).unwrap();
            proptest::prop_assert_eq!(nir.birth_month(), None);
            proptest::prop_assert_eq!(nir.key(), u8::try_from(key).unwrap());
            let bad_key = (key + u64::from(wrong) - 1) % 97 + 1;
            proptest::prop_assume!(bad_key != key);
            proptest::prop_assert_eq!(
                Nir::parse(&format!("{body}{bad_key:02}")).unwrap_err().code,
                code::NIR_CHECKSUM
            );
        }

        /// Months 00 and 13–19 never exist, whatever the key.
        #[test]
        fn impossible_months(month in proptest::sample::select(vec![0u8, 13, 14, 15, 16, 17, 18, 19])) {
            let body = format!("184{month:02}76451089");
            let key = 97 - (body.parse::<u64>().unwrap() % 97);
            proptest::prop_assert_eq!(
                Nir::parse(&format!("{body}{key:02}")).unwrap_err().code,
                code::NIR_STRUCTURE
            );
        }
    }

    #[test]
    fn empty_and_odd_input() {
        assert_eq!(code_of(""), code::NIR_EMPTY);
        assert_eq!(code_of(" . . "), code::NIR_EMPTY);
        assert_eq!(code_of("18412764510８9"), code::NIR_FORMAT); // full-width digit
        assert_eq!(code_of("1-84-12-76-451-089"), code::NIR_FORMAT);
        assert_eq!(code_of("18412764510899"), code::NIR_LENGTH); // 14
        assert_eq!(code_of(&"1".repeat(100_000)), code::NIR_LENGTH);
        assert_eq!(code_of("١٨٤١٢٧٦٤٥١٠٨٩"), code::NIR_FORMAT); // Arabic-Indic digits
    }

    #[test]
    fn separate_key() {
        assert!(Nir::parse_with_key("1841276451089", "46").is_ok());
        let code = |b: &str, k: &str| {
            Nir::parse_with_key(b, k)
                .map(|_| "ok")
                .unwrap_or_else(|e| e.code)
        };
        assert_eq!(code("1841276451089", "08"), code::NIR_CHECKSUM);
        assert_eq!(code("1841276451089", ""), code::NIR_CHECKSUM);
        assert_eq!(code("1841276451089", "4"), code::NIR_CHECKSUM);
        assert_eq!(code("184127645108946", "46"), code::NIR_LENGTH);
        assert_eq!(code("255082A168025", "97"), "ok");
    }

    #[test]
    fn debug_is_redacted() {
        let nir = Nir::parse("1841276451089").unwrap();
        let text = format!("{nir:?}");
        assert_eq!(text, "Nir(<redacted>)");
        assert!(!text.contains("184"));
    }
}
