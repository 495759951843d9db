//! The keyring codec of the session's credentials (SPEC §3). The NIR and the chosen
//! verification item go to the OS keyring as soon as their step is accepted, under the fixed
//! entries of [`SESSION_ENTRIES`](crate::secrets::SESSION_ENTRIES), and are read back only to
//! show the review and to queue the enrolment; the item is kept as `kind|value` and read back
//! with the same parsers as the screen's.

use enrol_core::date::{iso, parse_iso_date};
use enrol_core::{code, AmountCents, CardKind, Field, Nir, VerificationItem, VitaleSerial};
use time::Date;

use super::answers::{general, unavailable, Refusal};
use crate::secrets::{Secret, SecretStore, SESSION_SERVICE};

pub(crate) const NIR_ENTRY: &str = "nir";
pub(crate) const SECRET_ENTRY: &str = "secret";

/// Keeps the accepted NIR.
pub(crate) fn store_nir(store: &dyn SecretStore, nir: &Nir) -> Result<(), Refusal> {
    store
        .set(SESSION_SERVICE, NIR_ENTRY, &Secret::new(nir.as_str()))
        .map_err(unavailable)
}

/// The NIR given at step 2; `session.expired` when the keyring no longer has it.
pub(crate) fn read_nir(store: &dyn SecretStore) -> Result<Nir, Refusal> {
    let secret = store
        .get(SESSION_SERVICE, NIR_ENTRY)
        .map_err(unavailable)?
        .ok_or_else(|| general(code::SESSION_EXPIRED))?;
    Nir::parse(secret.expose()).map_err(|_| general(code::SYSTEM_INTERNAL))
}

/// Keeps the chosen verification item.
pub(crate) fn store_item(store: &dyn SecretStore, item: &VerificationItem) -> Result<(), Refusal> {
    store
        .set(SESSION_SERVICE, SECRET_ENTRY, &encode_item(item))
        .map_err(unavailable)
}

/// The item given at step 4, parsed again as of `today`.
pub(crate) fn read_item(store: &dyn SecretStore, today: Date) -> Result<VerificationItem, Refusal> {
    let secret = store
        .get(SESSION_SERVICE, SECRET_ENTRY)
        .map_err(unavailable)?
        .ok_or_else(|| general(code::SESSION_EXPIRED))?;
    decode_item(secret.expose(), today).ok_or_else(|| general(code::SYSTEM_INTERNAL))
}

/// How the item is kept in the keyring: `kind|value`, read back with the same parsers.
fn encode_item(item: &VerificationItem) -> Secret {
    Secret::new(match item {
        VerificationItem::VitaleSerial(serial) => format!(
            "{}|{}",
            if serial.card() == CardKind::Photo {
                "vitalePhoto"
            } else {
                "vitaleNoPhoto"
            },
            serial.digits()
        ),
        VerificationItem::ChildBirthDate(date) => format!("childBirthDate|{}", iso(*date)),
        VerificationItem::PaymentAmount(amount) => format!("paymentAmount|{}", amount.cents()),
        VerificationItem::None => "none|".to_owned(),
    })
}

fn decode_item(text: &str, today: Date) -> Option<VerificationItem> {
    let (kind, value) = text.split_once('|')?;
    match kind {
        "vitalePhoto" => VitaleSerial::parse(CardKind::Photo, value)
            .ok()
            .map(VerificationItem::VitaleSerial),
        "vitaleNoPhoto" => VitaleSerial::parse(CardKind::NoPhoto, value)
            .ok()
            .map(VerificationItem::VitaleSerial),
        "childBirthDate" => parse_iso_date(Field::ChildBirthDate, value, today)
            .ok()
            .map(VerificationItem::ChildBirthDate),
        "paymentAmount" => AmountCents::from_cents(value.parse().ok()?)
            .ok()
            .map(VerificationItem::PaymentAmount),
        "none" => Some(VerificationItem::None),
        _ => None,
    }
}

/// The screen's name of the item's kind.
pub(crate) fn form_kind(item: &VerificationItem) -> String {
    match item {
        VerificationItem::VitaleSerial(serial) if serial.card() == CardKind::Photo => "vitalePhoto",
        VerificationItem::VitaleSerial(_) => "vitaleNoPhoto",
        VerificationItem::ChildBirthDate(_) => "childBirthDate",
        VerificationItem::PaymentAmount(_) => "paymentAmount",
        VerificationItem::None => "none",
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enrolment::session::tests::{verification, TODAY};
    use crate::secrets::SESSION_ENTRIES;
    use enrol_core::{parse_verification, VerificationForm};

    #[test]
    fn the_entries_written_are_the_ones_swept() {
        assert!(SESSION_ENTRIES.contains(&NIR_ENTRY));
        assert!(SESSION_ENTRIES.contains(&SECRET_ENTRY));
    }

    #[test]
    fn every_item_kind_survives_the_keyring_round_trip() {
        let birth = enrol_core::BirthDate::parse(
            enrol_core::DateParts {
                day: "3",
                month: "12",
                year: "1984",
            },
            TODAY,
        )
        .unwrap();
        for form in [
            verification("vitalePhoto", "12345678901"),
            verification("vitaleNoPhoto", "01024576124"),
            verification("paymentAmount", "1 234,50 €"),
            VerificationForm {
                kind: "childBirthDate".into(),
                day: Some("1".into()),
                month: Some("5".into()),
                year: Some("2012".into()),
                ..Default::default()
            },
            VerificationForm {
                kind: "none".into(),
                ..Default::default()
            },
        ] {
            let item = parse_verification(&form, &birth, TODAY).unwrap();
            let back = decode_item(encode_item(&item).expose(), TODAY).unwrap();
            assert!(back == item, "{form:?}");
        }
    }
}
