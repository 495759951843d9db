//! Step 3, personal information: every field parsed, every error collected (SPEC §2 step 3).

use crate::date::{BirthDate, DateParts};
use crate::email::Email;
use crate::error::{keep, Invalid};
use crate::field::Field;
use crate::name::PersonName;
use crate::nir::Nir;
use crate::phone::MobilePhone;
use crate::rules;
use serde::Deserialize;
use std::fmt;
use time::Date;

/// The personal-information step as typed (IPC `submit_identity`; missing fields read as
/// empty and are then refused by the parsers).
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IdentityForm {
    pub last_name: String,
    pub first_name: String,
    pub birth_day: String,
    pub birth_month: String,
    pub birth_year: String,
    pub email: String,
    /// « Je n'ai pas d'adresse e-mail »: the person has none (SPEC §2 step 3, the password
    /// then comes by post). Wins over `email`, which the screen empties.
    pub no_email: bool,
    pub phone: Option<String>,
}

impl fmt::Debug for IdentityForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IdentityForm(<redacted>)")
    }
}

/// The parsed personal information. `Debug` is redacted; no `Serialize`.
#[derive(Clone, PartialEq, Eq)]
pub struct Identity {
    pub last_name: PersonName,
    pub first_name: PersonName,
    pub birth_date: BirthDate,
    /// `None`: the person has no e-mail address (password by post, SPEC §2 step 7).
    pub email: Option<Email>,
    pub phone: Option<MobilePhone>,
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Identity(<redacted>)")
    }
}

/// Parses the step, returning all field errors at once (GOV.UK error summary): names,
/// birth date (including its agreement with `nir`, [`crate::rules`]), the e-mail unless the
/// person said « Je n'ai pas d'adresse e-mail » (`no_email`; a blank field without that choice
/// is still `email.empty`, so that a field skipped by mistake is caught), and the phone when
/// one was given (optional: absent or blank is `None`).
pub fn parse_identity(
    form: &IdentityForm,
    nir: &Nir,
    today: Date,
) -> Result<Identity, Vec<Invalid>> {
    let mut errors = Vec::new();
    let last_name = keep(
        PersonName::parse(Field::LastName, &form.last_name),
        &mut errors,
    );
    let first_name = keep(
        PersonName::parse(Field::FirstName, &form.first_name),
        &mut errors,
    );
    let parts = DateParts {
        day: &form.birth_day,
        month: &form.birth_month,
        year: &form.birth_year,
    };
    let birth_date = keep(rules::parse_birth_date_for(nir, parts, today), &mut errors);
    let email = if form.no_email {
        Some(None)
    } else {
        keep(Email::parse(&form.email).map(Some), &mut errors)
    };
    let phone = keep(parse_optional_phone(form.phone.as_deref()), &mut errors);
    match (last_name, first_name, birth_date, email, phone) {
        (Some(last_name), Some(first_name), Some(birth_date), Some(email), Some(phone))
            if errors.is_empty() =>
        {
            Ok(Identity {
                last_name,
                first_name,
                birth_date,
                email,
                phone,
            })
        }
        _ => Err(errors),
    }
}

/// The phone is optional: absent or blank → `None`.
pub(crate) fn parse_optional_phone(input: Option<&str>) -> Result<Option<MobilePhone>, Invalid> {
    match input.map(str::trim) {
        None | Some("") => Ok(None),
        Some(phone) => MobilePhone::parse(phone).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code;
    use time::macros::date;

    const TODAY: Date = date!(2025 - 06 - 15);

    fn form() -> IdentityForm {
        IdentityForm {
            last_name: "Dupont".into(),
            first_name: "Jean".into(),
            birth_day: "3".into(),
            birth_month: "12".into(),
            birth_year: "1984".into(),
            email: "jean.dupont@example.fr".into(),
            no_email: false,
            phone: None,
        }
    }

    fn nir() -> Nir {
        Nir::parse("1841276451089").unwrap()
    }

    #[test]
    fn accepts_a_complete_form() {
        let id = parse_identity(&form(), &nir(), TODAY).unwrap();
        assert_eq!(id.last_name.as_str(), "Dupont");
        assert_eq!(id.birth_date.date().full(), Some(date!(1984 - 12 - 03)));
        assert_eq!(id.phone, None);
        let with_phone = IdentityForm {
            phone: Some("06 12 34 56 78".into()),
            ..form()
        };
        let id = parse_identity(&with_phone, &nir(), TODAY).unwrap();
        assert_eq!(
            id.phone.map(|p| p.e164().to_owned()).as_deref(),
            Some("+33612345678")
        );
        let blank_phone = IdentityForm {
            phone: Some("  ".into()),
            ..form()
        };
        assert!(parse_identity(&blank_phone, &nir(), TODAY)
            .unwrap()
            .phone
            .is_none());
    }

    #[test]
    fn collects_every_error() {
        let bad = IdentityForm {
            last_name: "".into(),
            first_name: "J3an".into(),
            birth_day: "31".into(),
            birth_month: "2".into(),
            birth_year: "1984".into(),
            email: "jean@".into(),
            no_email: false,
            phone: Some("01 23 45 67 89".into()),
        };
        let errors = parse_identity(&bad, &nir(), TODAY).unwrap_err();
        let got: Vec<_> = errors.iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            got,
            [
                (Some(Field::LastName), code::NAME_EMPTY),
                (Some(Field::FirstName), code::NAME_CHARACTERS),
                (Some(Field::BirthDate), code::DATE_INVALID),
                (Some(Field::Email), code::EMAIL_FORMAT),
                (Some(Field::Phone), code::PHONE_FORMAT),
            ]
        );
    }

    #[test]
    fn no_email_is_a_choice_not_an_empty_field() {
        let blank = IdentityForm {
            email: "  ".into(),
            ..form()
        };
        let errors = parse_identity(&blank, &nir(), TODAY).unwrap_err();
        assert_eq!(errors, [Invalid::new(Field::Email, code::EMAIL_EMPTY)]);
        let none = IdentityForm {
            no_email: true,
            ..blank
        };
        assert!(parse_identity(&none, &nir(), TODAY)
            .unwrap()
            .email
            .is_none());
        // The choice wins over a half-typed address left behind (the screen empties it).
        let left_over = IdentityForm {
            email: "jean@".into(),
            no_email: true,
            ..form()
        };
        assert!(parse_identity(&left_over, &nir(), TODAY)
            .unwrap()
            .email
            .is_none());
        let json = serde_json::json!({"email": "", "noEmail": true});
        let parsed: IdentityForm = serde_json::from_value(json).unwrap();
        assert!(parsed.no_email);
    }

    #[test]
    fn birth_date_must_agree_with_the_nir() {
        let other_month = IdentityForm {
            birth_month: "11".into(),
            ..form()
        };
        let errors = parse_identity(&other_month, &nir(), TODAY).unwrap_err();
        assert_eq!(
            errors,
            [Invalid::new(
                Field::BirthDate,
                code::BIRTH_DATE_NIR_MISMATCH
            )]
        );
    }

    #[test]
    fn deserialises_ipc_arguments() {
        let json = serde_json::json!({"lastName": "Dupont", "firstName": "Jean", "birthDay": "3",
            "birthMonth": "12", "birthYear": "1984", "email": "jean.dupont@example.fr",
            "phone": null, "keepEmailAsTyped": false});
        let parsed: IdentityForm = serde_json::from_value(json).unwrap();
        assert_eq!(parsed, form());
        let empty: IdentityForm = serde_json::from_value(serde_json::json!({})).unwrap();
        assert_eq!(empty, IdentityForm::default());
    }

    #[test]
    fn debug_is_redacted() {
        let id = parse_identity(&form(), &nir(), TODAY).unwrap();
        for text in [format!("{id:?}"), format!("{:?}", form())] {
            assert!(text.contains("<redacted>"));
            assert!(!text.contains("Dupont") && !text.contains("jean"));
        }
    }
}
