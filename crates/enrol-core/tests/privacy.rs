//! Privacy guarantees: no personal value in `Debug` or `Display`, and no `Serialize` on the
//! types that hold personal data (they leave only through `Enrolment::to_wire`).

use enrol_core::*;
use time::macros::date;

/// Fails to compile if `$t` implements `serde::Serialize` (the two blanket impls make the
/// call ambiguous), the same trick as `static_assertions::assert_not_impl_any!`.
macro_rules! assert_not_serialize {
    ($($t:ty),* $(,)?) => {$({
        trait AmbiguousIfSerialize<A> {
            fn check() {}
        }
        impl<T: ?Sized> AmbiguousIfSerialize<()> for T {}
        #[allow(dead_code)]
        struct IsSerialize;
        impl<T: ?Sized + serde::Serialize> AmbiguousIfSerialize<IsSerialize> for T {}
        <$t as AmbiguousIfSerialize<_>>::check();
    })*};
}

#[test]
fn personal_types_do_not_implement_serialize() {
    assert_not_serialize!(
        Nir,
        PersonName,
        BirthDate,
        Email,
        MobilePhone,
        VitaleSerial,
        AmountCents,
        VerificationItem,
        Identity,
        Enrolment,
    );
}

#[test]
fn debug_and_display_never_show_the_values() {
    let today = date!(2025 - 06 - 15);
    let nir = Nir::parse("2 55 08 2A 168 025 97").unwrap();
    let form = IdentityForm {
        last_name: "Zorglub".into(),
        first_name: "Marcelline".into(),
        birth_day: "29".into(),
        birth_month: "8".into(),
        birth_year: "1955".into(),
        email: "marcelline.zorglub@wanadoo.fr".into(),
        no_email: false,
        phone: Some("07 81 23 45 67".into()),
    };
    let identity = parse_identity(&form, &nir, today).unwrap();
    let serial = VitaleSerial::parse(CardKind::NoPhoto, "9876543210").unwrap();
    let enrolment = Enrolment::assemble(
        nir.clone(),
        identity.clone(),
        VerificationItem::VitaleSerial(serial.clone()),
        Department::parse("2A").unwrap(),
        CguVersion::of("CGU"),
    )
    .unwrap();
    let request = enrolment.to_wire("K7Q2-9DF3", "agence-44-01");
    let amount = AmountCents::parse("4 321,09").unwrap();
    let texts = [
        format!("{nir:?}"),
        format!("{:?}", identity.last_name),
        format!("{:?}", identity.birth_date),
        format!("{:?}", identity.email),
        format!("{:?}", identity.phone),
        format!("{identity:?}"),
        format!("{serial:?}"),
        format!("{amount:?}"),
        format!("{:?}", VerificationItem::PaymentAmount(amount.clone())),
        format!(
            "{:?}",
            VerificationItem::ChildBirthDate(date!(1987 - 03 - 14))
        ),
        format!("{enrolment:?}"),
        format!("{:#?}", enrolment),
        format!("{request:?}"),
        format!("{:?}", request.verification),
        format!("{form:?}"),
    ];
    let secrets = [
        "255082A168025",
        "2 55",
        "Zorglub",
        "Marcelline",
        "1955",
        "29",
        "marcelline",
        "wanadoo",
        "781234567",
        "9876543210",
        "4321",
        "432109",
        "1987",
    ];
    for text in &texts {
        assert!(text.contains("redacted"), "{text}");
        for secret in secrets {
            assert!(!text.contains(secret), "{secret:?} leaked in {text}");
        }
    }
    // Errors carry the field and code only.
    let e = Nir::parse("2 55 08 2A 168 025 98").unwrap_err();
    assert!(!e.to_string().contains("255"));
    assert!(!serde_json::to_string(&e).unwrap().contains("255"));
}
