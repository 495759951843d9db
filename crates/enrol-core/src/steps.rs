//! Step parsers whose answer is checked against an earlier one: the verification item
//! (SPEC §2 step 4) against the person's birth date. The step that collects every field of
//! the identity is [`crate::identity::parse_identity`].

use crate::date::BirthDate;
use crate::error::Invalid;
use crate::rules;
use crate::verification::{VerificationForm, VerificationItem};
use time::Date;

/// Parses the verification step: the chosen item ([`VerificationItem::parse`]), then its
/// agreement with the person's birth date ([`rules::verification_matches_birth`]). One
/// error at most, in a `Vec` like every step parser.
pub fn parse_verification(
    form: &VerificationForm,
    birth_date: &BirthDate,
    today: Date,
) -> Result<VerificationItem, Vec<Invalid>> {
    let item = VerificationItem::parse(form, today).map_err(|e| vec![e])?;
    rules::verification_matches_birth(&item, birth_date).map_err(|e| vec![e])?;
    Ok(item)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::DateParts;
    use crate::error::code;
    use crate::field::Field;
    use crate::verification::AmountCents;
    use time::macros::date;

    fn parent() -> BirthDate {
        let parts = DateParts {
            day: "3",
            month: "12",
            year: "1984",
        };
        BirthDate::parse(parts, date!(2025 - 06 - 15)).unwrap()
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
    fn verification_step() {
        let today = date!(2025 - 06 - 15);
        let run = |f: VerificationForm| parse_verification(&f, &parent(), today);
        let codes = |f: VerificationForm| {
            run(f)
                .unwrap_err()
                .iter()
                .map(|e| e.code)
                .collect::<Vec<_>>()
        };

        assert_eq!(
            run(form("none", None, None)).unwrap(),
            VerificationItem::None
        );
        assert_eq!(
            run(form("vitalePhoto", Some("12345678901"), None))
                .unwrap()
                .kind(),
            "vitaleSerial"
        );
        assert_eq!(
            run(form("vitaleNoPhoto", Some("12345678"), None))
                .unwrap()
                .kind(),
            "vitaleSerial"
        );
        assert_eq!(
            run(form("paymentAmount", Some("12,30"), None)).unwrap(),
            VerificationItem::PaymentAmount(AmountCents::from_cents(1230).unwrap())
        );
        assert_eq!(
            run(form("childBirthDate", None, Some(("1", "5", "2010")))).unwrap(),
            VerificationItem::ChildBirthDate(date!(2010 - 05 - 01))
        );
        assert_eq!(codes(form("", None, None)), [code::VERIFICATION_CHOOSE]);
        assert_eq!(
            codes(form("password", None, None)),
            [code::VERIFICATION_CHOOSE]
        );
        assert_eq!(codes(form("vitalePhoto", None, None)), [code::VITALE_EMPTY]);
        assert_eq!(
            codes(form("paymentAmount", None, None)),
            [code::AMOUNT_EMPTY]
        );
        assert_eq!(
            codes(form("childBirthDate", None, None)),
            [code::DATE_INCOMPLETE]
        );
        assert_eq!(
            codes(form("childBirthDate", None, Some(("1", "5", "1990")))),
            [code::CHILD_BIRTH_DATE_TOO_EARLY]
        );
        assert_eq!(
            codes(form("childBirthDate", None, Some(("1", "5", "2030")))),
            [code::DATE_FUTURE]
        );
        let e = &run(form("childBirthDate", None, Some(("31", "2", "2010")))).unwrap_err()[0];
        assert_eq!(
            (e.field, e.code),
            (Some(Field::ChildBirthDate), code::DATE_INVALID)
        );
    }
}
