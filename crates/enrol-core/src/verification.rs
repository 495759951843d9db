//! The one verification item (SPEC §2 step 4; domain.md §2, §7.7–7.8).

use crate::date::{parse_date, DateParts};
use crate::error::{code, Invalid};
use crate::field::Field;
use serde::{Deserialize, Serialize};
use std::fmt;
use time::Date;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// The 10-digit prefix printed before the serial on photo cards, which the person does not
/// type (domain.md §2: ENS recap shows `'8025000002 ' + 11 digits`).
pub const PHOTO_CARD_PREFIX: &str = "8025000002";

/// Largest payment amount accepted: 99 999,99 € (issue « sane upper bound »).
pub const AMOUNT_MAX_CENTS: u32 = 9_999_999;

/// Inputs longer than this (in bytes) are refused before any other work.
const INPUT_MAX_BYTES: usize = 256;

/// Which Carte Vitale the person holds (domain.md §2, ENS `choix_carte_vitale_screen.dart`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CardKind {
    /// Vitale 2, with photo: 11 digits after the printed prefix `8025000002`.
    Photo,
    /// Vitale 1, without photo: 8 to 13 digits.
    NoPhoto,
}

/// A Carte Vitale serial number. A credential: `Debug` redacted, no `Serialize`, wiped on drop.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct VitaleSerial {
    #[zeroize(skip)]
    card: CardKind,
    digits: String,
}

impl fmt::Debug for VitaleSerial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VitaleSerial({:?}, <redacted>)", self.card)
    }
}

impl VitaleSerial {
    /// Rules (domain.md §2 and §7.7, from ENS `ens_numero_serie_input_validator.dart`):
    /// white space ignored; digits only (`vitale.characters`); photo card: 11 digits, or
    /// the full 21 printed digits whose prefix `8025000002` is then stripped
    /// (`vitale.photoLength`); card without photo: 8 to 13 digits (`vitale.noPhotoLength`).
    /// No checksum is public, so none is checked.
    pub fn parse(card: CardKind, input: &str) -> Result<Self, Invalid> {
        let invalid = |code| Invalid::new(Field::VitaleSerial, code);
        let length_code = match card {
            CardKind::Photo => code::VITALE_PHOTO_LENGTH,
            CardKind::NoPhoto => code::VITALE_NO_PHOTO_LENGTH,
        };
        let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.is_empty() {
            return Err(invalid(code::VITALE_EMPTY));
        }
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid(code::VITALE_CHARACTERS));
        }
        if digits.len() > INPUT_MAX_BYTES {
            return Err(invalid(length_code));
        }
        let kept = match card {
            CardKind::Photo if digits.len() == 21 => digits
                .strip_prefix(PHOTO_CARD_PREFIX)
                .ok_or(invalid(length_code))?
                .to_owned(),
            CardKind::Photo if digits.len() == 11 => digits,
            CardKind::NoPhoto if (8..=13).contains(&digits.len()) => digits,
            _ => return Err(invalid(length_code)),
        };
        Ok(VitaleSerial { card, digits: kept })
    }

    pub fn card(&self) -> CardKind {
        self.card
    }

    /// The digits the person typed (for a photo card: the 11 after the prefix).
    pub fn digits(&self) -> &str {
        &self.digits
    }
}

/// A payment amount in euro cents. A secret: `Debug` redacted, no `Serialize`, wiped on drop.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct AmountCents(u32);

impl fmt::Debug for AmountCents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AmountCents(<redacted>)")
    }
}

impl AmountCents {
    /// Euros and cents as people write them in Europe (SPEC §2 step 4; domain.md §7.8,
    /// GOV.UK; issue 12). Kept as integer cents, never a float.
    ///
    /// - A currency mark before or after: `€`, `EUR`, `euro`, `euros` (any case).
    /// - Cents after a `,` (`123,45`, `0,5`, `,50`), or after a `.` with one or two digits
    ///   (`123.45`); `12,` / `12,-` / `12.-` mean no cents.
    /// - The euro sign or word in place of the comma, as on price tags: `7€80`,
    ///   `7 € 80`, `7 euros 80`.
    /// - Thousands: groups of exactly three digits after a space, a no-break space
    ///   (U+00A0), a narrow no-break space (U+202F), an apostrophe (`'` or `’`, Swiss
    ///   writing), or the mark that is not the decimal one: `1 234,50`, `2.500,00`,
    ///   `1,234.50`, `1'234.50`. A `.` followed by exactly three digits is a thousands
    ///   separator (`2.500` is 2 500 €), in the European way.
    ///
    /// Refused: empty → `amount.empty`; a `,` followed by exactly three digits and
    /// nothing else (`12,345`: 12 345 € in English writing, 12,345 € in French) →
    /// `amount.ambiguous`, whose message says to write the thousands with a space and the
    /// cents with two digits; any other shape (signs, letters, `12 34`, `1.234.56`) →
    /// `amount.format`; zero → `amount.zero`; above 99 999,99 € → `amount.tooLarge`.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let invalid = |code| Invalid::new(Field::PaymentAmount, code);
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(invalid(code::AMOUNT_EMPTY));
        }
        if trimmed.len() > INPUT_MAX_BYTES {
            return Err(invalid(code::AMOUNT_FORMAT));
        }
        let number = strip_currency(trimmed);
        let cents = parse_cents(number).map_err(invalid)?;
        Self::from_cents(i64::try_from(cents).unwrap_or(i64::MAX))
    }

    /// Checks an amount already in cents (the wire form): strictly positive, at most
    /// 99 999,99 €.
    pub fn from_cents(cents: i64) -> Result<Self, Invalid> {
        let invalid = |code| Invalid::new(Field::PaymentAmount, code);
        if cents <= 0 {
            return Err(invalid(code::AMOUNT_ZERO));
        }
        match u32::try_from(cents) {
            Ok(c) if c <= AMOUNT_MAX_CENTS => Ok(AmountCents(c)),
            _ => Err(invalid(code::AMOUNT_TOO_LARGE)),
        }
    }

    pub fn cents(&self) -> u32 {
        self.0
    }
}

/// Removes one currency mark, before or after the number: `€`, `EUR`, `euro(s)`.
fn strip_currency(s: &str) -> &str {
    const MARKS: [&str; 4] = ["€", "euros", "euro", "eur"];
    for mark in MARKS {
        let n = mark.len();
        if s.len() >= n && s.is_char_boundary(s.len() - n) {
            let (head, tail) = s.split_at(s.len() - n);
            if tail.eq_ignore_ascii_case(mark) {
                return head.trim_end();
            }
        }
        if s.len() >= n && s.is_char_boundary(n) {
            let (head, tail) = s.split_at(n);
            if head.eq_ignore_ascii_case(mark) {
                return tail.trim_start();
            }
        }
    }
    s
}

/// Spaces and apostrophes always separate thousands; `,` or `.` only when the other one is
/// the decimal mark (`extra`).
fn is_thousands_separator(c: char, extra: Option<char>) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\'' | '\u{2019}') || Some(c) == extra
}

/// The words and sign that may stand for the decimal comma on a price tag (`7€80`).
const PRICE_TAG_MARKS: [&str; 4] = ["€", "euros", "euro", "eur"];

/// The amount in cents, or the code of why not (`amount.format`, `amount.ambiguous`).
/// Overflow-safe: the integer part is capped at 12 significant digits (far above the
/// upper bound, which is checked after).
fn parse_cents(s: &str) -> Result<u64, &'static str> {
    let format = code::AMOUNT_FORMAT;
    // Price tag: 7€80, 7 € 80, 7 euros 80.
    let lower = s.to_ascii_lowercase();
    for mark in PRICE_TAG_MARKS {
        if let Some(i) = lower.find(mark) {
            let (head, tail) = (s[..i].trim_end(), s[i + mark.len()..].trim_start());
            // The sign is the decimal mark, so a `.` can only separate thousands.
            let euros = whole_euros(head, Some('.')).ok_or(format)?;
            let cents = cents_digits(tail).ok_or(format)?;
            return total(euros, cents).ok_or(format);
        }
    }
    let Some(i) = s.rfind([',', '.']) else {
        let euros = whole_euros(s, None).ok_or(format)?;
        return total(euros, 0).ok_or(format);
    };
    let (head, mark, tail) = (&s[..i], s[i..].chars().next().unwrap_or(','), &s[i + 1..]);
    let other = if mark == ',' { '.' } else { ',' };
    if let Some(cents) =
        cents_digits(tail).or(matches!(tail, "" | "-" | "--" | "–" | "—").then_some(0))
    {
        // The decimal mark: only once, and the other mark may separate thousands.
        let euros = if head.is_empty() {
            Some(0)
        } else {
            whole_euros(head, Some(other))
        };
        return total(euros.ok_or(format)?, cents).ok_or(format);
    }
    if tail.len() == 3 && tail.bytes().all(|b| b.is_ascii_digit()) {
        // 2.500 and 1,234,567 are thousands; a lone ,345 is either 345 thousandths or an
        // English thousands separator: ask.
        if mark == '.' || head.contains(',') {
            let euros = whole_euros(s, Some(mark)).ok_or(format)?;
            return total(euros, 0).ok_or(format);
        }
        return Err(code::AMOUNT_AMBIGUOUS);
    }
    Err(format)
}

/// One or two digits of cents: `5` is 50, `05` is 5.
fn cents_digits(tail: &str) -> Option<u64> {
    if !(1..=2).contains(&tail.len()) || !tail.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: u64 = tail.parse().ok()?;
    Some(if tail.len() == 1 { value * 10 } else { value })
}

/// Whole euros with optional thousands separators (groups of three after the first);
/// `extra` is the decimal mark not used as such. Saturates far above the upper bound.
fn whole_euros(s: &str, extra: Option<char>) -> Option<u64> {
    let groups: Vec<&str> = s.split(|c| is_thousands_separator(c, extra)).collect();
    let (first, rest) = groups.split_first()?;
    let all_digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(first) || !rest.iter().all(|g| all_digits(g) && g.len() == 3) {
        return None;
    }
    if !rest.is_empty() && first.len() > 3 {
        return None;
    }
    let digits: String = groups.concat();
    let significant = digits.trim_start_matches('0');
    if significant.len() > 12 {
        return Some(u64::MAX / 1000);
    }
    if significant.is_empty() {
        Some(0)
    } else {
        significant.parse().ok()
    }
}

fn total(euros: u64, cents: u64) -> Option<u64> {
    euros.checked_mul(100)?.checked_add(cents)
}

/// The one verification item chosen by the person (SPEC §2 step 4). Secrets: `Debug`
/// redacted, no `Serialize`.
#[derive(Clone, PartialEq, Eq)]
pub enum VerificationItem {
    VitaleSerial(VitaleSerial),
    ChildBirthDate(Date),
    PaymentAmount(AmountCents),
    /// « Je n'ai aucune de ces informations »: the password will come by post.
    None,
}

impl fmt::Debug for VerificationItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerificationItem::{}(<redacted>)", self.kind())
    }
}

impl VerificationItem {
    /// The kind as on the wire: `vitaleSerial`, `childBirthDate`, `paymentAmount`, `none`.
    pub fn kind(&self) -> &'static str {
        match self {
            VerificationItem::VitaleSerial(_) => "vitaleSerial",
            VerificationItem::ChildBirthDate(_) => "childBirthDate",
            VerificationItem::PaymentAmount(_) => "paymentAmount",
            VerificationItem::None => "none",
        }
    }

    /// What the review screen may show: the secret masked (SPEC §2 step 6). The serial keeps
    /// its last two digits, the child's date its year; the amount shows nothing; `none` is
    /// empty (the screen shows the choice's label).
    pub fn masked(&self) -> String {
        match self {
            VerificationItem::VitaleSerial(serial) => {
                let digits = serial.digits();
                let shown = digits.len().saturating_sub(2);
                let tail = digits.get(shown..).unwrap_or("");
                format!("{}{tail}", "•".repeat(shown))
            }
            VerificationItem::ChildBirthDate(date) => format!("••/••/{:04}", date.year()),
            VerificationItem::PaymentAmount(_) => "•••,•• €".to_owned(),
            VerificationItem::None => String::new(),
        }
    }
}

/// The verification step as typed (IPC `submit_verification`: `{kind, value?, day?, month?,
/// year?}`).
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerificationForm {
    /// `vitalePhoto`, `vitaleNoPhoto`, `childBirthDate`, `paymentAmount` or `none`.
    pub kind: String,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub day: Option<String>,
    #[serde(default)]
    pub month: Option<String>,
    #[serde(default)]
    pub year: Option<String>,
}

impl fmt::Debug for VerificationForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerificationForm({:?}, <redacted>)", self.kind)
    }
}

impl VerificationItem {
    /// Parses the chosen item of the verification step: exactly one item
    /// (`verification.choose` when the kind is missing or unknown), collecting only the chosen
    /// one (domain.md §7.8, minimisation). Its agreement with the person's birth date is a
    /// cross-field rule (`rules::verification_matches_birth`); the step parser
    /// `steps::parse_verification` applies both.
    pub fn parse(form: &VerificationForm, today: Date) -> Result<VerificationItem, Invalid> {
        let value = form.value.as_deref().unwrap_or("");
        match form.kind.as_str() {
            "vitalePhoto" => {
                VitaleSerial::parse(CardKind::Photo, value).map(VerificationItem::VitaleSerial)
            }
            "vitaleNoPhoto" => {
                VitaleSerial::parse(CardKind::NoPhoto, value).map(VerificationItem::VitaleSerial)
            }
            "childBirthDate" => {
                let parts = DateParts {
                    day: form.day.as_deref().unwrap_or(""),
                    month: form.month.as_deref().unwrap_or(""),
                    year: form.year.as_deref().unwrap_or(""),
                };
                parse_date(Field::ChildBirthDate, parts, today)
                    .map(VerificationItem::ChildBirthDate)
            }
            "paymentAmount" => AmountCents::parse(value).map(VerificationItem::PaymentAmount),
            "none" => Ok(VerificationItem::None),
            _ => Err(Invalid::new(
                Field::VerificationKind,
                code::VERIFICATION_CHOOSE,
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn vitale_serials() {
        use CardKind::{NoPhoto, Photo};
        let cases: &[(CardKind, &str, Result<&str, &str>)] = &[
            (Photo, "12345678901", Ok("12345678901")),
            (Photo, "1234567890 1", Ok("12345678901")),
            (Photo, " 123 456 789 01 ", Ok("12345678901")),
            (Photo, "802500000212345678901", Ok("12345678901")),
            (Photo, "8025000002 12345678901", Ok("12345678901")),
            (
                Photo,
                "912500000212345678901",
                Err(code::VITALE_PHOTO_LENGTH),
            ),
            (Photo, "1234567890", Err(code::VITALE_PHOTO_LENGTH)),
            (Photo, "123456789012", Err(code::VITALE_PHOTO_LENGTH)),
            (Photo, "1234567890a", Err(code::VITALE_CHARACTERS)),
            (Photo, "1234-5678901", Err(code::VITALE_CHARACTERS)),
            (Photo, "", Err(code::VITALE_EMPTY)),
            (Photo, "   ", Err(code::VITALE_EMPTY)),
            (NoPhoto, "01024576124", Ok("01024576124")),
            (NoPhoto, "12345678", Ok("12345678")),
            (NoPhoto, "1234567890123", Ok("1234567890123")),
            (NoPhoto, "1234567", Err(code::VITALE_NO_PHOTO_LENGTH)),
            (NoPhoto, "12345678901234", Err(code::VITALE_NO_PHOTO_LENGTH)),
            (
                NoPhoto,
                "802500000212345678901",
                Err(code::VITALE_NO_PHOTO_LENGTH),
            ),
            (NoPhoto, "１２３４５６７８", Err(code::VITALE_CHARACTERS)),
        ];
        for (card, input, expected) in cases {
            let got = VitaleSerial::parse(*card, input)
                .map(|s| s.digits().to_owned())
                .map_err(|e| e.code);
            assert_eq!(got, expected.map(str::to_owned), "{card:?} {input:?}");
        }
        let long = "1".repeat(100_000);
        assert_eq!(
            VitaleSerial::parse(Photo, &long).unwrap_err().code,
            code::VITALE_PHOTO_LENGTH
        );
    }

    #[test]
    fn amounts() {
        let cases: &[(&str, Result<u32, &str>)] = &[
            ("123,45", Ok(12345)),
            ("123.45", Ok(12345)),
            ("123,45 €", Ok(12345)),
            ("123,45€", Ok(12345)),
            ("€ 123,45", Ok(12345)),
            ("1 234,50 €", Ok(123450)),
            ("123 EUR", Ok(12300)),
            ("123 eur", Ok(12300)),
            ("123 euros", Ok(12300)),
            ("1 euro", Ok(100)),
            ("123", Ok(12300)),
            ("1 234,5", Ok(123450)),
            ("1\u{a0}234,50", Ok(123450)),
            ("1\u{202f}234,50\u{a0}€", Ok(123450)),
            ("0,01", Ok(1)),
            ("0,5", Ok(50)),
            ("99 999,99", Ok(9_999_999)),
            ("99999.99", Ok(9_999_999)),
            ("007", Ok(700)),
            ("", Err(code::AMOUNT_EMPTY)),
            ("  ", Err(code::AMOUNT_EMPTY)),
            ("€", Err(code::AMOUNT_FORMAT)),
            ("0", Err(code::AMOUNT_ZERO)),
            ("0,00", Err(code::AMOUNT_ZERO)),
            ("100 000", Err(code::AMOUNT_TOO_LARGE)),
            ("100000,00", Err(code::AMOUNT_TOO_LARGE)),
            ("99 999,991", Err(code::AMOUNT_AMBIGUOUS)),
            ("999999999999999999999999", Err(code::AMOUNT_TOO_LARGE)),
            ("-12,00", Err(code::AMOUNT_FORMAT)),
            ("+12,00", Err(code::AMOUNT_FORMAT)),
            // Issue 12: every unambiguous European writing.
            ("2.500,00", Ok(250000)),
            ("2.500", Ok(250000)),
            ("1.234.567", Err(code::AMOUNT_TOO_LARGE)),
            ("12.345,67 €", Ok(1234567)),
            ("7€80", Ok(780)),
            ("7 € 80", Ok(780)),
            ("7€8", Ok(780)),
            ("7 euros 80", Ok(780)),
            ("1 234€50", Ok(123450)),
            ("1.234€50", Ok(123450)),
            ("1,234.50", Ok(123450)),
            ("1'234.50", Ok(123450)),
            ("1’234,50", Ok(123450)),
            ("12,", Ok(1200)),
            ("12,-", Ok(1200)),
            ("12.-", Ok(1200)),
            (",50", Ok(50)),
            ("EUR 1.234,50", Ok(123450)),
            ("12,345", Err(code::AMOUNT_AMBIGUOUS)),
            ("1.234,567", Err(code::AMOUNT_AMBIGUOUS)),
            ("1.234.56", Err(code::AMOUNT_FORMAT)),
            ("1,234,56", Err(code::AMOUNT_FORMAT)),
            ("1.23", Ok(123)),
            ("1.2345", Err(code::AMOUNT_FORMAT)),
            ("7€€80", Err(code::AMOUNT_FORMAT)),
            ("7€805", Err(code::AMOUNT_FORMAT)),
            ("€80", Ok(8000)),
            ("12 34", Err(code::AMOUNT_FORMAT)),
            ("1234 567", Err(code::AMOUNT_FORMAT)),
            ("1  234", Err(code::AMOUNT_FORMAT)),
            ("12a", Err(code::AMOUNT_FORMAT)),
            ("1e3", Err(code::AMOUNT_FORMAT)),
            ("NaN", Err(code::AMOUNT_FORMAT)),
            ("١٢٣", Err(code::AMOUNT_FORMAT)),
            ("12 € 50", Ok(1250)),
            ("12 € 50 €", Ok(1250)),
            ("12,50 € 50", Err(code::AMOUNT_FORMAT)),
        ];
        for (input, expected) in cases {
            let got = AmountCents::parse(input)
                .map(|a| a.cents())
                .map_err(|e| e.code);
            assert_eq!(got, *expected, "{input:?}");
        }
        assert_eq!(
            AmountCents::parse(&"9".repeat(100_000)).unwrap_err().code,
            code::AMOUNT_FORMAT
        );
    }

    #[test]
    fn amount_from_cents() {
        let c = |n| {
            AmountCents::from_cents(n)
                .map(|a| a.cents())
                .map_err(|e| e.code)
        };
        assert_eq!(c(1), Ok(1));
        assert_eq!(c(9_999_999), Ok(9_999_999));
        assert_eq!(c(0), Err(code::AMOUNT_ZERO));
        assert_eq!(c(-5), Err(code::AMOUNT_ZERO));
        assert_eq!(c(10_000_000), Err(code::AMOUNT_TOO_LARGE));
        assert_eq!(c(i64::MAX), Err(code::AMOUNT_TOO_LARGE));
    }

    fn form(kind: &str, value: Option<&str>, dmy: Option<(&str, &str, &str)>) -> VerificationForm {
        VerificationForm {
            kind: kind.to_owned(),
            value: value.map(str::to_owned),
            day: dmy.map(|d| d.0.to_owned()),
            month: dmy.map(|d| d.1.to_owned()),
            year: dmy.map(|d| d.2.to_owned()),
        }
    }

    #[test]
    fn masking() {
        let serial = VerificationItem::VitaleSerial(
            VitaleSerial::parse(CardKind::Photo, "12345678901").unwrap(),
        );
        assert_eq!(serial.masked(), "•••••••••01");
        assert_eq!(
            VerificationItem::ChildBirthDate(date!(2010 - 05 - 01)).masked(),
            "••/••/2010"
        );
        assert!(!VerificationItem::PaymentAmount(AmountCents(12345))
            .masked()
            .contains("123"));
        assert_eq!(VerificationItem::None.masked(), "");
    }

    #[test]
    fn debug_is_redacted() {
        let serial = VitaleSerial::parse(CardKind::Photo, "12345678901").unwrap();
        let amount = AmountCents::parse("123,45").unwrap();
        let texts = [
            format!("{serial:?}"),
            format!("{amount:?}"),
            format!("{:?}", VerificationItem::VitaleSerial(serial.clone())),
            format!("{:?}", VerificationItem::PaymentAmount(amount)),
            format!(
                "{:?}",
                VerificationItem::ChildBirthDate(date!(2010 - 05 - 01))
            ),
            format!("{:?}", form("vitalePhoto", Some("12345678901"), None)),
        ];
        for text in texts {
            assert!(text.contains("<redacted>"), "{text}");
            for secret in ["12345678901", "12345", "123", "2010"] {
                assert!(!text.contains(secret), "{text}");
            }
        }
    }
}
