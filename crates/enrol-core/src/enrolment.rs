//! The finished enrolment: assembled only from parsed values, with every cross-field rule
//! checked again (docs/contracts.md §1), and its wire form (§3).

use crate::date::{iso, parse_iso_date, BirthDate};
use crate::department::Department;
use crate::email::Email;
use crate::error::{keep, Invalid};
use crate::field::Field;
use crate::identity::{parse_optional_phone, Identity};
use crate::name::PersonName;
use crate::nir::Nir;
use crate::rules;
use crate::terms::CguVersion;
use crate::verification::{AmountCents, VerificationItem, VitaleSerial};
use crate::wire::{EnrolmentRequest, WireVerification};
use std::fmt;
use time::Date;

/// A complete, consistent enrolment. Fields are private: the only ways in are
/// [`Enrolment::assemble`] (kiosk) and [`Enrolment::from_wire`] (backend). `Debug` is
/// redacted; no `Serialize` (use [`Enrolment::to_wire`]).
#[derive(Clone, PartialEq, Eq)]
pub struct Enrolment {
    nir: Nir,
    identity: Identity,
    verification: VerificationItem,
    department: Department,
    cgu_version: CguVersion,
}

impl fmt::Debug for Enrolment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Enrolment(<redacted>)")
    }
}

impl Enrolment {
    /// Puts the parsed answers together, re-checking every cross-field rule
    /// ([`rules::check_all`]): the answers may have been changed one by one (« Modifier »).
    pub fn assemble(
        nir: Nir,
        identity: Identity,
        verification: VerificationItem,
        department: Department,
        cgu: CguVersion,
    ) -> Result<Enrolment, Vec<Invalid>> {
        let errors = rules::check_all(&nir, &identity.birth_date, &verification);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Enrolment {
            nir,
            identity,
            verification,
            department,
            cgu_version: cgu,
        })
    }

    /// Re-validates a request received by the backend with the same rules as the kiosk
    /// (the kiosk is not trusted): every field parsed, the NIR key checked, every
    /// cross-field rule applied; all errors returned. `reference` and `kioskId` are the
    /// backend's to check.
    pub fn from_wire(request: &EnrolmentRequest, today: Date) -> Result<Enrolment, Vec<Invalid>> {
        let mut errors = Vec::new();
        let e = &mut errors;
        let nir = keep(Nir::parse_with_key(&request.nir, &request.nir_key), e);
        let last_name = keep(PersonName::parse(Field::LastName, &request.last_name), e);
        let first_name = keep(PersonName::parse(Field::FirstName, &request.first_name), e);
        let birth_date = keep(BirthDate::parse_iso(&request.birth_date, today), e);
        // Absent is « no e-mail address »; present must be a valid one (an empty string is
        // `email.empty`, as at the kiosk).
        let email = match request.email.as_deref() {
            None => Some(None),
            Some(text) => keep(Email::parse(text).map(Some), e),
        };
        let phone = keep(parse_optional_phone(request.phone.as_deref()), e);
        let verification = keep(verification_from_wire(&request.verification, today), e);
        let department = keep(Department::parse(&request.department), e);
        let cgu = keep(CguVersion::parse(&request.cgu_version), e);

        if let (Some(nir), Some(birth), Some(item)) = (&nir, &birth_date, &verification) {
            errors.extend(rules::check_all(nir, birth, item));
        }
        match (
            nir,
            last_name,
            first_name,
            birth_date,
            email,
            phone,
            verification,
            department,
            cgu,
        ) {
            (
                Some(nir),
                Some(last_name),
                Some(first_name),
                Some(birth_date),
                Some(email),
                Some(phone),
                Some(verification),
                Some(department),
                Some(cgu),
            ) if errors.is_empty() => {
                let identity = Identity {
                    last_name,
                    first_name,
                    birth_date,
                    email,
                    phone,
                };
                Enrolment::assemble(nir, identity, verification, department, cgu)
            }
            _ => Err(errors),
        }
    }

    /// The request body for `POST /v1/enrolments` (docs/contracts.md §3).
    pub fn to_wire(&self, reference: &str, kiosk_id: &str) -> EnrolmentRequest {
        EnrolmentRequest {
            reference: reference.to_owned(),
            kiosk_id: kiosk_id.to_owned(),
            nir: self.nir.as_str().to_owned(),
            nir_key: self.nir.key_string(),
            last_name: self.identity.last_name.as_str().to_owned(),
            first_name: self.identity.first_name.as_str().to_owned(),
            birth_date: iso(self.identity.birth_date.date()),
            email: self.identity.email.as_ref().map(|e| e.as_str().to_owned()),
            phone: self.identity.phone.as_ref().map(|p| p.e164().to_owned()),
            verification: WireVerification::from(&self.verification),
            department: self.department.code().to_owned(),
            cgu_version: self.cgu_version.as_str().to_owned(),
        }
    }

    pub fn nir(&self) -> &Nir {
        &self.nir
    }

    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    pub fn verification(&self) -> &VerificationItem {
        &self.verification
    }

    pub fn department(&self) -> Department {
        self.department
    }

    pub fn cgu_version(&self) -> &CguVersion {
        &self.cgu_version
    }
}

fn verification_from_wire(
    wire: &WireVerification,
    today: Date,
) -> Result<VerificationItem, Invalid> {
    Ok(match wire {
        WireVerification::VitaleSerial { card, serial } => {
            VerificationItem::VitaleSerial(VitaleSerial::parse(*card, serial)?)
        }
        WireVerification::ChildBirthDate { date } => {
            VerificationItem::ChildBirthDate(parse_iso_date(Field::ChildBirthDate, date, today)?)
        }
        WireVerification::PaymentAmount { cents } => {
            VerificationItem::PaymentAmount(AmountCents::from_cents(*cents)?)
        }
        WireVerification::None => VerificationItem::None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code;
    use crate::identity::{parse_identity, IdentityForm};
    use crate::verification::CardKind;
    use time::macros::date;

    const TODAY: Date = date!(2025 - 06 - 15);

    fn identity() -> Identity {
        let form = IdentityForm {
            last_name: "Dupont".into(),
            first_name: "Jean".into(),
            birth_day: "3".into(),
            birth_month: "12".into(),
            birth_year: "1984".into(),
            email: "jean.dupont@example.fr".into(),
            no_email: false,
            phone: Some("06 12 34 56 78".into()),
        };
        parse_identity(&form, &Nir::parse("1841276451089").unwrap(), TODAY).unwrap()
    }

    fn enrolment() -> Enrolment {
        Enrolment::assemble(
            Nir::parse("1 84 12 76 451 089 46").unwrap(),
            identity(),
            VerificationItem::VitaleSerial(
                VitaleSerial::parse(CardKind::Photo, "12345678901").unwrap(),
            ),
            Department::parse("44").unwrap(),
            CguVersion::parse("sha256:0123456789abcdef").unwrap(),
        )
        .unwrap()
    }

    /// docs/contracts.md §3's example, except `nirKey`: the example says "08", but the key
    /// of 1841276451089 is 97 − (1841276451089 mod 97) = 46.
    #[test]
    fn to_wire_is_the_contract_example() {
        let json = serde_json::to_value(enrolment().to_wire("K7Q2-9DF3", "agence-44-01")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"reference": "K7Q2-9DF3", "kioskId": "agence-44-01",
                "nir": "1841276451089", "nirKey": "46", "lastName": "Dupont", "firstName": "Jean",
                "birthDate": "1984-12-03", "email": "jean.dupont@example.fr", "phone": "+33612345678",
                "verification": {"kind": "vitaleSerial", "card": "photo", "serial": "12345678901"},
                "department": "44", "cguVersion": "sha256:0123456789abcdef"})
        );
    }

    #[test]
    fn wire_round_trip() {
        let original = enrolment();
        let request = original.to_wire("R", "K");
        assert_eq!(Enrolment::from_wire(&request, TODAY), Ok(original));
    }

    #[test]
    fn no_email_is_absent_on_the_wire_and_comes_back_as_none() {
        let mut original = enrolment();
        original.identity.email = None;
        let request = original.to_wire("R", "K");
        let json = serde_json::to_value(&request).unwrap();
        assert!(json.get("email").is_none(), "absent, not null or empty");
        let back = Enrolment::from_wire(&request, TODAY).unwrap();
        assert!(back.identity().email.is_none());
        // Null reads as absent; an empty string is a refused address, as at the kiosk.
        let mut with_null = json.clone();
        with_null["email"] = serde_json::Value::Null;
        let parsed: EnrolmentRequest = serde_json::from_value(with_null).unwrap();
        assert_eq!(parsed.email, None);
        let mut empty = request;
        empty.email = Some(String::new());
        let codes: Vec<_> = Enrolment::from_wire(&empty, TODAY)
            .unwrap_err()
            .iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(codes, [code::EMAIL_EMPTY]);
    }

    #[test]
    fn assemble_rechecks_cross_field_rules() {
        // A NIR changed after the identity step: the birth date no longer agrees.
        let other_nir = Nir::parse("1851276451089").unwrap();
        let child = VerificationItem::ChildBirthDate(date!(1990 - 01 - 01));
        let errors = Enrolment::assemble(
            other_nir,
            identity(),
            child,
            Department::parse("44").unwrap(),
            CguVersion::of("CGU"),
        )
        .unwrap_err();
        let codes: Vec<_> = errors.iter().map(|e| e.code).collect();
        assert_eq!(
            codes,
            [
                code::BIRTH_DATE_NIR_MISMATCH,
                code::CHILD_BIRTH_DATE_TOO_EARLY
            ]
        );
    }

    #[test]
    fn from_wire_refuses_everything_at_once() {
        let mut request = enrolment().to_wire("R", "K");
        request.nir_key = "08".into();
        request.last_name = "R2D2".into();
        request.birth_date = "1984-02-30".into();
        request.email = Some("nope".into());
        request.phone = Some("0123".into());
        request.verification = WireVerification::PaymentAmount { cents: 0 };
        request.department = "976".into();
        request.cgu_version = "v1".into();
        let errors = Enrolment::from_wire(&request, TODAY).unwrap_err();
        let got: Vec<_> = errors.iter().map(|e| e.code).collect();
        assert_eq!(
            got,
            [
                code::NIR_CHECKSUM,
                code::NAME_CHARACTERS,
                code::DATE_INVALID,
                code::EMAIL_FORMAT,
                code::PHONE_FORMAT,
                code::AMOUNT_ZERO,
                code::DEPARTMENT_MAYOTTE,
                code::TERMS_OUTDATED,
            ]
        );
    }

    #[test]
    fn from_wire_applies_cross_field_rules() {
        let mut request = enrolment().to_wire("R", "K");
        request.birth_date = "1984-11-03".into();
        request.verification = WireVerification::ChildBirthDate {
            date: "1990-01-01".into(),
        };
        let errors = Enrolment::from_wire(&request, TODAY).unwrap_err();
        let got: Vec<_> = errors.iter().map(|e| e.code).collect();
        assert_eq!(
            got,
            [
                code::BIRTH_DATE_NIR_MISMATCH,
                code::CHILD_BIRTH_DATE_TOO_EARLY
            ]
        );

        let mut request = enrolment().to_wire("R", "K");
        request.nir_key = String::new();
        assert_eq!(
            Enrolment::from_wire(&request, TODAY).unwrap_err(),
            [Invalid::new(Field::Nir, code::NIR_CHECKSUM)]
        );
        request = enrolment().to_wire("R", "K");
        request.verification = WireVerification::ChildBirthDate {
            date: "2030-01-01".into(),
        };
        assert_eq!(
            Enrolment::from_wire(&request, TODAY).unwrap_err(),
            [Invalid::new(Field::ChildBirthDate, code::DATE_FUTURE)]
        );
    }

    #[test]
    fn debug_is_redacted() {
        let text = format!("{:?}", enrolment());
        assert_eq!(text, "Enrolment(<redacted>)");
    }
}
