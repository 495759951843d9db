//! The bridge to the core rules (`enrol-core`): the backend re-validates every request
//! with exactly the kiosk's parsers (`Enrolment::from_wire`), then works on plain values.

use enrol_core::date::PartialDate;
use enrol_core::wire::EnrolmentRequest;
use enrol_core::{code, CardKind, Email, Enrolment, Invalid, Nir, VerificationItem};
use std::fmt;
use time::Date;

/// A request that passed the core rules. `Debug` is redacted.
pub struct Checked {
    /// The short reference shown to the person.
    pub reference: String,
    /// 13 characters, upper case.
    pub nir: String,
    pub last_name: String,
    pub first_name: String,
    /// Day, or day and month, may be unknown (`1966-00-00` on the wire).
    pub birth_date: PartialDate,
    /// `None`: the person has no e-mail address (the answer is `postal`).
    pub email: Option<String>,
    /// E.164.
    pub phone: Option<String>,
    pub item: Item,
    pub department: String,
    pub cgu_version: String,
}

impl fmt::Debug for Checked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Checked")
            .field("reference", &self.reference)
            .field("item", &self.item.kind())
            .finish_non_exhaustive()
    }
}

/// The one verification item, as the backend compares it.
pub enum Item {
    /// Digits as typed (photo card: the 11 after the printed prefix).
    Vitale {
        card: CardKind,
        digits: String,
    },
    ChildBirthDate(Date),
    Payment(i64),
    None,
}

impl Item {
    /// As on the wire: `vitaleSerial`, `childBirthDate`, `paymentAmount`, `none`.
    pub fn kind(&self) -> &'static str {
        match self {
            Item::Vitale { .. } => "vitaleSerial",
            Item::ChildBirthDate(_) => "childBirthDate",
            Item::Payment(_) => "paymentAmount",
            Item::None => "none",
        }
    }

    /// `photo` / `noPhoto` for a Vitale serial.
    pub fn card(&self) -> Option<&'static str> {
        match self {
            Item::Vitale { card, .. } => Some(card_str(*card)),
            _ => None,
        }
    }
}

/// `photo` / `noPhoto`, as on the wire and in the database.
pub fn card_str(card: CardKind) -> &'static str {
    match card {
        CardKind::Photo => "photo",
        CardKind::NoPhoto => "noPhoto",
    }
}

/// References are short codes the person notes: `K7Q2-9DF3`. Not personal data, so
/// they may be logged; anything else is refused.
pub fn reference_ok(reference: &str) -> bool {
    (1..=40).contains(&reference.len())
        && reference
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Re-validate a request with the core rules.
pub fn check(request: &EnrolmentRequest, today: Date) -> Result<Checked, Vec<Invalid>> {
    let mut errors = Vec::new();
    let enrolment = match Enrolment::from_wire(request, today) {
        Ok(e) => Some(e),
        Err(e) => {
            errors = e;
            None
        }
    };
    if !reference_ok(&request.reference)
        || crate::config::check_kiosk_id(&request.kiosk_id).is_err()
    {
        errors.push(Invalid::general(code::SYSTEM_INTERNAL));
    }
    let Some(enrolment) = enrolment.filter(|_| errors.is_empty()) else {
        return Err(errors);
    };
    let identity = enrolment.identity();
    let item = match enrolment.verification() {
        VerificationItem::VitaleSerial(s) => Item::Vitale {
            card: s.card(),
            digits: s.digits().to_owned(),
        },
        VerificationItem::ChildBirthDate(d) => Item::ChildBirthDate(*d),
        VerificationItem::PaymentAmount(a) => Item::Payment(i64::from(a.cents())),
        VerificationItem::None => Item::None,
    };
    Ok(Checked {
        reference: request.reference.clone(),
        nir: enrolment.nir().as_str().to_owned(),
        last_name: identity.last_name.as_str().to_owned(),
        first_name: identity.first_name.as_str().to_owned(),
        birth_date: identity.birth_date.date(),
        email: identity.email.as_ref().map(|e| e.as_str().to_owned()),
        phone: identity.phone.as_ref().map(|p| p.e164().to_owned()),
        item,
        department: enrolment.department().code().to_owned(),
        cgu_version: enrolment.cgu_version().as_str().to_owned(),
    })
}

/// The 13-character body of a 15-character NIR whose key the core rules accept.
pub fn parse_nir_with_key(nir15: &str) -> anyhow::Result<String> {
    let compact: String = nir15.chars().filter(|c| !c.is_whitespace()).collect();
    anyhow::ensure!(
        compact.len() == 15,
        "a demo NIR must be written with its key"
    );
    let nir = Nir::parse(&compact).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(nir.as_str().to_owned())
}

/// The NIR grouped for reading, as the kiosk shows it.
pub fn group_nir(nir13: &str) -> String {
    Nir::parse(nir13)
        .map(|n| n.grouped())
        .unwrap_or_else(|_| nir13.to_owned())
}

/// `j•••@e•••.fr`, as the kiosk shows it.
pub fn mask_email(email: &str) -> String {
    match Email::parse(email) {
        Ok(e) => e.masked(),
        Err(_) => "•••".to_owned(),
    }
}
