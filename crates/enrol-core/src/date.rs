//! Dates typed as three fields, jour / mois / année (SPEC §2 steps 3 and 4; domain.md §7.8:
//! three fields, no date picker), and birth dates that are partly unknown (issue 12).

use crate::error::{code, Invalid};
use crate::field::Field;
use std::fmt;
use time::{Date, Month};

/// Oldest plausible age, in full years (issue « plausible age ≤ 120 years »).
pub const MAX_AGE_YEARS: i32 = 120;

/// The three parts of a date as typed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct DateParts<'a> {
    pub day: &'a str,
    pub month: &'a str,
    pub year: &'a str,
}

impl fmt::Debug for DateParts<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DateParts(<redacted>)")
    }
}

/// Parses a real date that is not after `today`.
///
/// Each part is trimmed; an empty part → `date.incomplete`. Day and month are 1–2 ASCII
/// digits, the year 4 digits, and the date must exist (29 February only in leap years) →
/// else `date.invalid`. A date after `today` → `date.future` (SPEC §2 steps 3–4).
pub fn parse_date(field: Field, parts: DateParts<'_>, today: Date) -> Result<Date, Invalid> {
    let invalid = |code| Invalid::new(field, code);
    let (day, month, year) = (parts.day.trim(), parts.month.trim(), parts.year.trim());
    if day.is_empty() || month.is_empty() || year.is_empty() {
        return Err(invalid(code::DATE_INCOMPLETE));
    }
    let day = number(day, 1..=2).ok_or(invalid(code::DATE_INVALID))?;
    let month = number(month, 1..=2).ok_or(invalid(code::DATE_INVALID))?;
    let year = number(year, 4..=4).ok_or(invalid(code::DATE_INVALID))?;
    let month = u8::try_from(month)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or(invalid(code::DATE_INVALID))?;
    let day = u8::try_from(day).map_err(|_| invalid(code::DATE_INVALID))?;
    let year = i32::try_from(year).map_err(|_| invalid(code::DATE_INVALID))?;
    let date =
        Date::from_calendar_date(year, month, day).map_err(|_| invalid(code::DATE_INVALID))?;
    if date > today {
        return Err(invalid(code::DATE_FUTURE));
    }
    Ok(date)
}

/// Parses an ISO date `YYYY-MM-DD` as sent on the wire (docs/contracts.md §3), with the
/// same rules as [`parse_date`].
pub fn parse_iso_date(field: Field, input: &str, today: Date) -> Result<Date, Invalid> {
    let mut parts = input.split('-');
    let (Some(year), Some(month), Some(day), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Invalid::new(field, code::DATE_INVALID));
    };
    // The wire form is strict: two-digit month and day.
    if month.len() != 2 || day.len() != 2 {
        return Err(Invalid::new(field, code::DATE_INVALID));
    }
    parse_date(field, DateParts { day, month, year }, today)
}

/// `YYYY-MM-DD`; for a [`PartialDate`], `00` stands for an unknown month or day
/// (`1966-00-00`, `1966-03-00`).
pub fn iso(date: impl Into<PartialDate>) -> String {
    let date = date.into();
    format!("{:04}-{:02}-{:02}", date.year, date.month, date.day)
}

/// A date whose day, or day and month, may be unknown, as French civil papers write it:
/// `00/00/1966` or `00/03/1966`. INSEE's registers (RNIPP; the public death files' « date
/// de naissance », `AAAAMMJJ` with `00` for an unknown part) use the same convention, and
/// such people get a fictitious month 20–99 in their NIR (domain.md §1.1).
///
/// `month` is 0 (unknown) or 1–12; `day` is 0 (unknown) or a real day of that month; an
/// unknown month implies an unknown day. A full date converts from [`time::Date`]. `Debug`
/// is redacted.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PartialDate {
    year: i32,
    month: u8,
    day: u8,
}

impl fmt::Debug for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PartialDate(<redacted>)")
    }
}

impl From<Date> for PartialDate {
    fn from(date: Date) -> Self {
        PartialDate {
            year: date.year(),
            month: u8::from(date.month()),
            day: date.day(),
        }
    }
}

impl PartialDate {
    /// `year` with an unknown month and day (`00/00/year`).
    pub fn year_only(year: i32) -> Option<Self> {
        (1..=9999).contains(&year).then_some(PartialDate {
            year,
            month: 0,
            day: 0,
        })
    }

    /// `00/month/year`: the day unknown.
    pub fn month_only(year: i32, month: Month) -> Option<Self> {
        (1..=9999).contains(&year).then_some(PartialDate {
            year,
            month: u8::from(month),
            day: 0,
        })
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    /// 1–12, or 0 when unknown.
    pub fn month(&self) -> u8 {
        self.month
    }

    /// 1–31, or 0 when unknown.
    pub fn day(&self) -> u8 {
        self.day
    }

    /// The date, when every part is known.
    pub fn full(&self) -> Option<Date> {
        let month = Month::try_from(self.month).ok()?;
        Date::from_calendar_date(self.year, month, self.day).ok()
    }

    /// The first day it can be (1 January of the year when the month is unknown).
    pub fn earliest(&self) -> Date {
        self.full().unwrap_or_else(|| {
            let month = Month::try_from(self.month).unwrap_or(Month::January);
            Date::from_calendar_date(self.year, month, 1).unwrap_or(Date::MIN)
        })
    }

    /// The last day it can be (31 December of the year when the month is unknown).
    pub fn latest(&self) -> Date {
        self.full().unwrap_or_else(|| {
            let month = Month::try_from(self.month).unwrap_or(Month::December);
            let last = month.length(self.year);
            Date::from_calendar_date(self.year, month, last).unwrap_or(Date::MAX)
        })
    }

    /// Whether two dates agree on every part both know: the year always, the month when
    /// both give one, the day when both give one. A record written `1966-00-00` agrees
    /// with `1966-05-12` typed from a newer paper, and the other way round.
    pub fn agrees_with(&self, other: &PartialDate) -> bool {
        let known = |a: u8, b: u8| a == 0 || b == 0 || a == b;
        self.year == other.year
            && known(self.month, other.month)
            && (self.month == 0 || other.month == 0 || known(self.day, other.day))
    }

    /// Reads the wire and database form `YYYY-MM-DD`, where `MM-DD` may be `00-00` and `DD`
    /// may be `00` (see [`iso`]). `None` for anything else (`1966-00-12`, `1966-02-30`).
    pub fn parse_iso(text: &str) -> Option<Self> {
        let mut parts = text.split('-');
        let (Some(year), Some(month), Some(day), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        if year.len() != 4 || month.len() != 2 || day.len() != 2 {
            return None;
        }
        let year = i32::try_from(number(year, 4..=4)?).ok()?;
        let month = u8::try_from(number(month, 2..=2)?).ok()?;
        let day = u8::try_from(number(day, 2..=2)?).ok()?;
        PartialDate::from_numbers(year, month, day)
    }

    /// `None` when it is neither a real date nor one of the two partial shapes.
    fn from_numbers(year: i32, month: u8, day: u8) -> Option<Self> {
        match (month, day) {
            (0, 0) => PartialDate::year_only(year),
            (0, _) => None,
            (m, 0) => PartialDate::month_only(year, Month::try_from(m).ok()?),
            (m, d) => {
                let date = Date::from_calendar_date(year, Month::try_from(m).ok()?, d).ok()?;
                Some(date.into())
            }
        }
    }
}

/// Full years from `earlier` to `later` (an age on a given day). Someone born on 29 February
/// has a birthday on 1 March in common years.
pub fn full_years_between(earlier: Date, later: Date) -> i32 {
    let mut years = later.year() - earlier.year();
    if (u8::from(later.month()), later.day()) < (u8::from(earlier.month()), earlier.day()) {
        years -= 1;
    }
    years
}

/// ASCII digits only, with a number of digits in `len`.
fn number(s: &str, len: std::ops::RangeInclusive<usize>) -> Option<u32> {
    if !len.contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// The person's own birth date: before today, at most [`MAX_AGE_YEARS`] old, and either a
/// real date or one whose day, or day and month, are unknown ([`PartialDate`]).
///
/// `Debug` is redacted; no `Serialize`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct BirthDate(PartialDate);

impl fmt::Debug for BirthDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BirthDate(<redacted>)")
    }
}

impl BirthDate {
    /// Parses the birth date typed as three parts.
    ///
    /// Rules (SPEC §2 step 3; issue 12): each part trimmed, an empty part →
    /// `date.incomplete`; day and month 1–2 ASCII digits, the year 4 → else `date.invalid`.
    /// A day `0`/`00` means « day unknown », and a day and month both `00` « day and month
    /// unknown », as the person's papers print them ([`PartialDate`]); a `00` month with a
    /// known day, or a date that does not exist (31 April), → `date.invalid`. Not before
    /// today, whatever the unknown parts are (`date.future`; « a real past date »); older
    /// than [`MAX_AGE_YEARS`] even at its latest possible day → `birthDate.implausible`.
    ///
    /// Whether a partial date is allowed for this person, and its agreement with the NIR,
    /// are cross-field rules: `rules::birth_date_matches_nir`, `rules::parse_birth_date_for`.
    pub fn parse(parts: DateParts<'_>, today: Date) -> Result<Self, Invalid> {
        let invalid = |code| Invalid::new(Field::BirthDate, code);
        let (day, month, year) = (parts.day.trim(), parts.month.trim(), parts.year.trim());
        if day.is_empty() || month.is_empty() || year.is_empty() {
            return Err(invalid(code::DATE_INCOMPLETE));
        }
        let day = number(day, 1..=2).ok_or(invalid(code::DATE_INVALID))?;
        let month = number(month, 1..=2).ok_or(invalid(code::DATE_INVALID))?;
        let year = number(year, 4..=4).ok_or(invalid(code::DATE_INVALID))?;
        let (Ok(year), Ok(month), Ok(day)) =
            (i32::try_from(year), u8::try_from(month), u8::try_from(day))
        else {
            return Err(invalid(code::DATE_INVALID));
        };
        let date =
            PartialDate::from_numbers(year, month, day).ok_or(invalid(code::DATE_INVALID))?;
        Self::from_partial(date, today)
    }

    /// Parses the wire form (`YYYY-MM-DD`, `00` for unknown parts: [`PartialDate::parse_iso`])
    /// with the rules of [`BirthDate::parse`]. Any other shape → `date.invalid`.
    pub fn parse_iso(input: &str, today: Date) -> Result<Self, Invalid> {
        let date = PartialDate::parse_iso(input)
            .ok_or(Invalid::new(Field::BirthDate, code::DATE_INVALID))?;
        Self::from_partial(date, today)
    }

    fn from_partial(date: PartialDate, today: Date) -> Result<Self, Invalid> {
        if date.earliest() >= today {
            return Err(Invalid::new(Field::BirthDate, code::DATE_FUTURE));
        }
        if full_years_between(date.latest(), today) > MAX_AGE_YEARS {
            return Err(Invalid::new(Field::BirthDate, code::BIRTH_DATE_IMPLAUSIBLE));
        }
        Ok(BirthDate(date))
    }

    /// The date, with its unknown parts: `.year()`, `.month()` and `.day()` (0 when unknown),
    /// [`iso`] gives the wire form.
    pub fn date(&self) -> PartialDate {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2025 - 06 - 15);

    fn parts<'a>(day: &'a str, month: &'a str, year: &'a str) -> DateParts<'a> {
        DateParts { day, month, year }
    }

    fn plain(d: &str, m: &str, y: &str) -> Result<Date, &'static str> {
        parse_date(Field::ChildBirthDate, parts(d, m, y), TODAY).map_err(|e| e.code)
    }

    #[test]
    fn parse_date_table() {
        let cases: &[(&str, &str, &str, Result<Date, &str>)] = &[
            ("3", "12", "1984", Ok(date!(1984 - 12 - 03))),
            ("03", "12", "1984", Ok(date!(1984 - 12 - 03))),
            (" 3 ", " 12", "1984 ", Ok(date!(1984 - 12 - 03))),
            ("29", "2", "2024", Ok(date!(2024 - 02 - 29))),
            ("29", "2", "2000", Ok(date!(2000 - 02 - 29))),
            ("29", "2", "2023", Err(code::DATE_INVALID)),
            ("29", "2", "1900", Err(code::DATE_INVALID)),
            ("31", "4", "2020", Err(code::DATE_INVALID)),
            ("0", "4", "2020", Err(code::DATE_INVALID)),
            ("1", "13", "2020", Err(code::DATE_INVALID)),
            ("1", "0", "2020", Err(code::DATE_INVALID)),
            ("1", "1", "84", Err(code::DATE_INVALID)),
            ("1", "1", "19845", Err(code::DATE_INVALID)),
            ("001", "1", "1984", Err(code::DATE_INVALID)),
            ("1a", "1", "1984", Err(code::DATE_INVALID)),
            ("+1", "1", "1984", Err(code::DATE_INVALID)),
            ("١", "1", "1984", Err(code::DATE_INVALID)),
            ("", "1", "1984", Err(code::DATE_INCOMPLETE)),
            ("1", " ", "1984", Err(code::DATE_INCOMPLETE)),
            ("1", "1", "", Err(code::DATE_INCOMPLETE)),
            ("15", "6", "2025", Ok(TODAY)),
            ("16", "6", "2025", Err(code::DATE_FUTURE)),
            ("1", "1", "2030", Err(code::DATE_FUTURE)),
        ];
        for (d, m, y, expected) in cases {
            assert_eq!(plain(d, m, y), *expected, "{d}/{m}/{y}");
        }
    }

    #[test]
    fn birth_date_rules() {
        let birth =
            |d, m, y| BirthDate::parse(parts(d, m, y), TODAY).map(|b| b.date().full().unwrap());
        assert_eq!(birth("3", "12", "1984"), Ok(date!(1984 - 12 - 03)));
        assert_eq!(
            birth("15", "6", "2025").unwrap_err().code,
            code::DATE_FUTURE
        );
        assert_eq!(birth("14", "6", "2025"), Ok(date!(2025 - 06 - 14)));
        // 120 in full years is plausible (up to the eve of the 121st birthday); 121 is not.
        assert_eq!(birth("15", "6", "1905"), Ok(date!(1905 - 06 - 15)));
        assert_eq!(birth("16", "6", "1904"), Ok(date!(1904 - 06 - 16)));
        assert_eq!(
            birth("15", "6", "1904").unwrap_err().code,
            code::BIRTH_DATE_IMPLAUSIBLE
        );
        assert_eq!(
            birth("1", "1", "0001").unwrap_err().code,
            code::BIRTH_DATE_IMPLAUSIBLE
        );
        let e = birth("", "", "").unwrap_err();
        assert_eq!(e.field, Some(Field::BirthDate));
    }

    fn partial(d: &str, m: &str, y: &str) -> Result<String, &'static str> {
        BirthDate::parse(parts(d, m, y), TODAY)
            .map(|b| iso(b.date()))
            .map_err(|e| e.code)
    }

    /// Issue 12: papers that print 00 for an unknown day, or day and month.
    #[test]
    fn partly_unknown_birth_dates() {
        let cases: &[(&str, &str, &str, Result<&str, &str>)] = &[
            ("00", "00", "1966", Ok("1966-00-00")),
            ("0", "0", "1966", Ok("1966-00-00")),
            (" 00", "00 ", "1966", Ok("1966-00-00")),
            ("00", "03", "1966", Ok("1966-03-00")),
            ("0", "2", "1966", Ok("1966-02-00")),
            ("3", "12", "1984", Ok("1984-12-03")),
            // A day without its month is no paper's writing.
            ("12", "00", "1966", Err(code::DATE_INVALID)),
            ("00", "13", "1966", Err(code::DATE_INVALID)),
            ("000", "00", "1966", Err(code::DATE_INVALID)),
            ("00", "00", "0000", Err(code::DATE_INVALID)),
            ("", "00", "1966", Err(code::DATE_INCOMPLETE)),
            // This year, month unknown: it may be before today. Next year cannot.
            ("00", "00", "2025", Ok("2025-00-00")),
            ("00", "06", "2025", Ok("2025-06-00")),
            ("00", "07", "2025", Err(code::DATE_FUTURE)),
            ("00", "00", "2026", Err(code::DATE_FUTURE)),
            // 120 full years at the latest possible day.
            ("00", "00", "1904", Ok("1904-00-00")),
            ("00", "00", "1903", Err(code::BIRTH_DATE_IMPLAUSIBLE)),
            ("00", "06", "1904", Ok("1904-06-00")),
            ("00", "05", "1904", Err(code::BIRTH_DATE_IMPLAUSIBLE)),
        ];
        for (d, m, y, expected) in cases {
            assert_eq!(partial(d, m, y), expected.map(str::to_owned), "{d}/{m}/{y}");
        }
        // Only the person's own birth date may be partial, never the child's (a secret).
        assert_eq!(plain("00", "00", "2010"), Err(code::DATE_INVALID));
    }

    #[test]
    fn partial_wire_form() {
        let p = |s: &str| {
            BirthDate::parse_iso(s, TODAY)
                .map(|b| iso(b.date()))
                .map_err(|e| e.code)
        };
        for ok in ["1966-00-00", "1966-03-00", "1984-12-03", "2000-02-29"] {
            assert_eq!(p(ok), Ok(ok.to_owned()));
        }
        for bad in [
            "1966-00-12",
            "1966-13-00",
            "1966-0-00",
            "1966-00",
            "1966",
            "66-00-00",
            "1966-02-30",
            "1966-00-00-00",
            "",
            "1966-0a-00",
            "+966-00-00",
        ] {
            assert_eq!(p(bad), Err(code::DATE_INVALID), "{bad:?}");
        }
        assert_eq!(p("2099-00-00"), Err(code::DATE_FUTURE));
    }

    #[test]
    fn partial_dates_agree_on_what_both_know() {
        let d = |s| PartialDate::parse_iso(s).unwrap();
        assert!(d("1966-00-00").agrees_with(&d("1966-05-12")));
        assert!(d("1966-05-12").agrees_with(&d("1966-00-00")));
        assert!(d("1966-05-00").agrees_with(&d("1966-05-12")));
        assert!(d("1966-05-12").agrees_with(&d("1966-05-12")));
        assert!(!d("1966-05-00").agrees_with(&d("1966-06-12")));
        assert!(!d("1966-05-13").agrees_with(&d("1966-05-12")));
        assert!(!d("1967-00-00").agrees_with(&d("1966-00-00")));
        assert_eq!(d("1966-00-00").earliest(), date!(1966 - 01 - 01));
        assert_eq!(d("1966-00-00").latest(), date!(1966 - 12 - 31));
        assert_eq!(d("1964-02-00").latest(), date!(1964 - 02 - 29));
        assert_eq!(d("1964-02-00").full(), None);
        assert_eq!(d("1964-02-03").full(), Some(date!(1964 - 02 - 03)));
    }

    proptest::proptest! {
        /// Every year of the last 120 with its day, or day and month, unknown is accepted,
        /// and goes to the wire and back unchanged.
        #[test]
        fn partial_dates_round_trip(year in 1906i32..=2024, month in 0u8..=12, zero_width in 1usize..=2) {
            let zero = "0".repeat(zero_width);
            let month_text = if month == 0 { zero.clone() } else { month.to_string() };
            let birth = BirthDate::parse(parts(&zero, &month_text, &year.to_string()), TODAY).unwrap();
            let wire = iso(birth.date());
            proptest::prop_assert_eq!(&wire, &format!("{year:04}-{month:02}-00"));
            proptest::prop_assert!(BirthDate::parse_iso(&wire, TODAY).unwrap() == birth);
        }
    }

    #[test]
    fn ages() {
        assert_eq!(
            full_years_between(date!(2000 - 02 - 29), date!(2012 - 02 - 28)),
            11
        );
        assert_eq!(
            full_years_between(date!(2000 - 02 - 29), date!(2012 - 02 - 29)),
            12
        );
        assert_eq!(
            full_years_between(date!(2000 - 02 - 29), date!(2013 - 03 - 01)),
            13
        );
        assert_eq!(
            full_years_between(date!(1984 - 12 - 03), date!(2025 - 06 - 15)),
            40
        );
    }

    #[test]
    fn iso_round_trip() {
        assert_eq!(iso(date!(1984 - 12 - 03)), "1984-12-03");
        let p = |s| parse_iso_date(Field::BirthDate, s, TODAY).map_err(|e| e.code);
        assert_eq!(p("1984-12-03"), Ok(date!(1984 - 12 - 03)));
        assert_eq!(p("1984-12-3"), Err(code::DATE_INVALID));
        assert_eq!(p("1984-12"), Err(code::DATE_INVALID));
        assert_eq!(p("1984-12-03-01"), Err(code::DATE_INVALID));
        assert_eq!(p("84-12-03"), Err(code::DATE_INVALID));
        assert_eq!(p(""), Err(code::DATE_INVALID));
        assert_eq!(p("2099-01-01"), Err(code::DATE_FUTURE));
    }

    #[test]
    fn debug_is_redacted() {
        let b = BirthDate::parse(parts("3", "12", "1984"), TODAY).unwrap();
        for text in [format!("{b:?}"), format!("{:?}", b.date())] {
            assert!(
                !text.contains("1984") && text.contains("<redacted>"),
                "{text}"
            );
        }
    }
}
