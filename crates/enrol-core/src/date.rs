//! Dates typed as three fields, jour / mois / année (SPEC §2 steps 3 and 4; domain.md §7.8:
//! three fields, no date picker).

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

/// `YYYY-MM-DD`.
pub fn iso(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
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

/// The person's own birth date: real, before today, at most [`MAX_AGE_YEARS`] old.
///
/// `Debug` is redacted; no `Serialize`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct BirthDate(Date);

impl fmt::Debug for BirthDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BirthDate(<redacted>)")
    }
}

impl BirthDate {
    /// Rules of [`parse_date`] on [`Field::BirthDate`], plus: today is `date.future` too
    /// (« a real past date », SPEC §2 step 3); older than [`MAX_AGE_YEARS`] →
    /// `birthDate.implausible`. Agreement with the NIR is a cross-field rule, in `rules`
    /// (`birth_date_matches_nir`, `parse_birth_date_for`).
    pub fn parse(parts: DateParts<'_>, today: Date) -> Result<Self, Invalid> {
        let date = parse_date(Field::BirthDate, parts, today)?;
        Self::from_date(date, today)
    }

    /// Checks an already parsed date with the same rules (used for the wire form).
    pub(crate) fn from_date(date: Date, today: Date) -> Result<Self, Invalid> {
        if date >= today {
            return Err(Invalid::new(Field::BirthDate, code::DATE_FUTURE));
        }
        if full_years_between(date, today) > MAX_AGE_YEARS {
            return Err(Invalid::new(Field::BirthDate, code::BIRTH_DATE_IMPLAUSIBLE));
        }
        Ok(BirthDate(date))
    }

    pub fn date(&self) -> Date {
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
        let birth = |d, m, y| BirthDate::parse(parts(d, m, y), TODAY).map(|b| b.date());
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
        let text = format!("{b:?}");
        assert!(!text.contains("1984") && text.contains("<redacted>"));
    }
}
