//! The rules that span several answers, in one place (docs/contracts.md §1 « Cross-field
//! rules »). Called by the step parsers and again by [`crate::Enrolment::assemble`].

use crate::date::{full_years_between, BirthDate, DateParts};
use crate::error::{code, Invalid};
use crate::field::Field;
use crate::nir::Nir;
use crate::verification::VerificationItem;
use time::Date;

/// Youngest age at which a parent's child birth date is accepted (issue:
/// `childBirthDate.tooEarly`, « at least 12 years after the person's own birth date »).
pub const MIN_PARENT_AGE_YEARS: i32 = 12;

/// The birth date agrees with the NIR (SPEC §2 step 3; domain.md §1.1; issue 12), on
/// [`Field::BirthDate`]:
/// - the year's last two digits equal positions 2–3, else `birthDate.nirMismatch`;
/// - when positions 4–5 are a real month (01–12), the date gives that month: an unknown
///   month (`00`) → `birthDate.monthRequired` (the NIR holds it: the person can type it),
///   another month → `birthDate.nirMismatch`;
/// - a fictitious month 20–99 means « month unknown »: only the year is compared, and the
///   day and month may be `00`. An unknown day alone is accepted with any NIR (the NIR
///   does not encode the day).
pub fn birth_date_matches_nir(birth: &BirthDate, nir: &Nir) -> Result<(), Invalid> {
    let date = birth.date();
    let mismatch = Invalid::new(Field::BirthDate, code::BIRTH_DATE_NIR_MISMATCH);
    if date.year().rem_euclid(100) != i32::from(nir.birth_year_2()) {
        return Err(mismatch);
    }
    match nir.birth_month() {
        None => Ok(()),
        Some(_) if date.month() == 0 => Err(Invalid::new(
            Field::BirthDate,
            code::BIRTH_DATE_MONTH_REQUIRED,
        )),
        Some(month) if month == date.month() => Ok(()),
        Some(_) => Err(mismatch),
    }
}

/// [`BirthDate::parse`] then the NIR agreement (`birthDate.nirMismatch`): one error at most.
pub fn parse_birth_date_for(
    nir: &Nir,
    parts: DateParts<'_>,
    today: Date,
) -> Result<BirthDate, Invalid> {
    let birth = BirthDate::parse(parts, today)?;
    birth_date_matches_nir(&birth, nir)?;
    Ok(birth)
}

/// A child's birth date is at least [`MIN_PARENT_AGE_YEARS`] years after the person's own
/// (SPEC §2 step 4 « after the person's own birth date »; the 12-year margin is the issue's).
/// A parent's date with unknown parts counts from its earliest possible day, so a right
/// answer is never refused.
pub fn child_born_after_parent(child: Date, parent: &BirthDate) -> Result<(), Invalid> {
    let parent = parent.date().earliest();
    if child > parent && full_years_between(parent, child) >= MIN_PARENT_AGE_YEARS {
        Ok(())
    } else {
        Err(Invalid::new(
            Field::ChildBirthDate,
            code::CHILD_BIRTH_DATE_TOO_EARLY,
        ))
    }
}

/// The verification item agrees with the person's birth date (only the child's birth date
/// depends on another answer).
pub fn verification_matches_birth(
    item: &VerificationItem,
    birth: &BirthDate,
) -> Result<(), Invalid> {
    match item {
        VerificationItem::ChildBirthDate(child) => child_born_after_parent(*child, birth),
        _ => Ok(()),
    }
}

/// Every cross-field rule over a whole enrolment; all the errors found.
pub fn check_all(nir: &Nir, birth: &BirthDate, item: &VerificationItem) -> Vec<Invalid> {
    [
        birth_date_matches_nir(birth, nir),
        verification_matches_birth(item, birth),
    ]
    .into_iter()
    .filter_map(Result::err)
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2025 - 06 - 15);

    fn birth(d: &str, m: &str, y: &str) -> BirthDate {
        BirthDate::parse(
            DateParts {
                day: d,
                month: m,
                year: y,
            },
            TODAY,
        )
        .unwrap()
    }

    #[test]
    fn nir_agreement() {
        let nir = Nir::parse("1841276451089").unwrap(); // 84, December
        assert!(birth_date_matches_nir(&birth("3", "12", "1984"), &nir).is_ok());
        // Century is not encoded: 1884 would agree, but is implausible anyway.
        for (d, m, y) in [
            ("3", "11", "1984"),
            ("3", "12", "1985"),
            ("3", "12", "1948"),
        ] {
            let e = birth_date_matches_nir(&birth(d, m, y), &nir).unwrap_err();
            assert_eq!(
                e,
                Invalid::new(Field::BirthDate, code::BIRTH_DATE_NIR_MISMATCH)
            );
        }
        // Month 20 (unknown): only the year is compared.
        let unknown_month = Nir::parse("2842021321025").unwrap();
        assert!(birth_date_matches_nir(&birth("1", "7", "1984"), &unknown_month).is_ok());
        assert!(birth_date_matches_nir(&birth("1", "7", "1985"), &unknown_month).is_err());
        // Year 2000 against "00".
        let y2k = Nir::parse("1000175120005").unwrap();
        assert!(birth_date_matches_nir(&birth("5", "1", "2000"), &y2k).is_ok());
    }

    /// Issue 12: NIR `1 66 20 99 112 087` (month 20: unknown), papers « 00 / 00 / 1966 ».
    #[test]
    fn partly_unknown_dates_with_an_unknown_nir_month() {
        let nir = Nir::parse("1 66 20 99 112 087 34").unwrap();
        let ok = |d, m, y| {
            parse_birth_date_for(
                &nir,
                DateParts {
                    day: d,
                    month: m,
                    year: y,
                },
                TODAY,
            )
        };
        assert!(ok("00", "00", "1966").is_ok());
        assert!(ok("00", "04", "1966").is_ok());
        assert!(ok("12", "04", "1966").is_ok());
        assert_eq!(
            ok("00", "00", "1967").unwrap_err(),
            Invalid::new(Field::BirthDate, code::BIRTH_DATE_NIR_MISMATCH)
        );
        // The NIR gives a real month: the person can type it, and is told where to find it.
        let december = Nir::parse("1841276451089").unwrap();
        let with = |d, m, y| {
            parse_birth_date_for(
                &december,
                DateParts {
                    day: d,
                    month: m,
                    year: y,
                },
                TODAY,
            )
            .map_err(|e| e.code)
        };
        assert_eq!(
            with("00", "00", "1984"),
            Err(code::BIRTH_DATE_MONTH_REQUIRED)
        );
        assert!(with("00", "12", "1984").is_ok());
        assert_eq!(with("00", "11", "1984"), Err(code::BIRTH_DATE_NIR_MISMATCH));
    }

    #[test]
    fn child_rule() {
        let parent = birth("29", "2", "1984");
        let ok = |d| child_born_after_parent(d, &parent).is_ok();
        assert!(ok(date!(1996 - 03 - 01)));
        assert!(!ok(date!(1996 - 02 - 28)));
        assert!(!ok(date!(1990 - 01 - 01)));
        assert!(!ok(date!(1970 - 01 - 01)));
        // A parent born « 00/00/1984 » counts from 1 January 1984.
        let unknown = birth("00", "00", "1984");
        assert!(child_born_after_parent(date!(1996 - 01 - 01), &unknown).is_ok());
        assert!(child_born_after_parent(date!(1995 - 12 - 31), &unknown).is_err());
        let e = child_born_after_parent(date!(1984 - 02 - 29), &parent).unwrap_err();
        assert_eq!(e.field, Some(Field::ChildBirthDate));
        assert_eq!(e.code, code::CHILD_BIRTH_DATE_TOO_EARLY);
    }
}
