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

/// The birth date agrees with the NIR: the year's last two digits equal positions 2–3, and
/// the month equals positions 4–5 when those are 01–12 (SPEC §2 step 3; domain.md §1.1:
/// months 20, 30–42, 50–99 mean "unknown" and are not compared). One error,
/// `birthDate.nirMismatch` on [`Field::BirthDate`].
pub fn birth_date_matches_nir(birth: &BirthDate, nir: &Nir) -> Result<(), Invalid> {
    let date = birth.date();
    let year_matches = date.year().rem_euclid(100) == i32::from(nir.birth_year_2());
    let month_matches = nir
        .birth_month()
        .is_none_or(|m| m == u8::from(date.month()));
    if year_matches && month_matches {
        Ok(())
    } else {
        Err(Invalid::new(
            Field::BirthDate,
            code::BIRTH_DATE_NIR_MISMATCH,
        ))
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
pub fn child_born_after_parent(child: Date, parent: &BirthDate) -> Result<(), Invalid> {
    if child > parent.date() && full_years_between(parent.date(), child) >= MIN_PARENT_AGE_YEARS {
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

    #[test]
    fn child_rule() {
        let parent = birth("29", "2", "1984");
        let ok = |d| child_born_after_parent(d, &parent).is_ok();
        assert!(ok(date!(1996 - 03 - 01)));
        assert!(!ok(date!(1996 - 02 - 28)));
        assert!(!ok(date!(1990 - 01 - 01)));
        assert!(!ok(date!(1970 - 01 - 01)));
        let e = child_born_after_parent(date!(1984 - 02 - 29), &parent).unwrap_err();
        assert_eq!(e.field, Some(Field::ChildBirthDate));
        assert_eq!(e.code, code::CHILD_BIRTH_DATE_TOO_EARLY);
    }
}
