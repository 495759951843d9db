//! domain.md §7 « Pitfalls a naive implementation would get wrong », one test each for the
//! ones that concern these rules.

use enrol_core::*;
use time::macros::date;

fn nir_code(input: &str) -> &'static str {
    Nir::parse(input).map(|_| "ok").unwrap_or_else(|e| e.code)
}

/// §7.1: the NIR is not numeric-only (2A/2B) and is never an integer (leading structure kept).
#[test]
fn pitfall_1_corsica_and_text_storage() {
    assert_eq!(nir_code("186022A215325"), "ok");
    assert_eq!(nir_code("186022a215325"), "ok");
    assert_eq!(
        Nir::parse("1 86 02 2a 215 325").unwrap().as_str(),
        "186022A215325"
    );
    // Départements 01–09 keep their zero.
    assert_eq!(
        Nir::parse("1840101451089").unwrap().grouped(),
        "1 84 01 01 451 089"
    );
}

/// §7.2: the 13 characters are accepted without a key; with 15, the key is checked.
#[test]
fn pitfall_2_thirteen_characters_without_key() {
    assert_eq!(nir_code("2840588321025"), "ok");
    assert_eq!(nir_code("284058832102532"), "ok");
    assert_eq!(nir_code("284058832102530"), code::NIR_CHECKSUM);
}

/// §7.3: key 01–97 (97 valid, zero-padded; 00 never), Corsica maths at positions 6–7 only.
#[test]
fn pitfall_3_key_range_and_corsica_maths() {
    assert_eq!(nir_code("255082A16802597"), "ok");
    assert_eq!(Nir::parse("2890478342211").unwrap().key_string(), "01");
    assert_eq!(nir_code("2 55 08 14 168 025 00"), code::NIR_CHECKSUM);
    assert_eq!(nir_code("2 55 08 14 168 025 98"), code::NIR_CHECKSUM);
    // CNAM-PHP's str_replace anywhere would accept a 2B at position 1 ('2B34567890123' ⇒ 78).
    assert_eq!(nir_code("2B3456789012378"), code::NIR_FORMAT);
    assert_eq!(Nir::parse("289042B342163").unwrap().key(), 20);
}

/// §7.4: lenient structure (months 20–99, issue 12; places 20, 91–96, 97x/98x, 99).
#[test]
fn pitfall_4_lenient_structure() {
    for ok in [
        "2 84 20 2B 321 025 28",
        "2 84 99 2B 321 025 31",
        "1841220451089",
        "1844120451089",
        "1845191451089",
        "1845196451089",
        "1845197105089",
        "1845198705089",
        "1 78 05 99 330 108 17",
    ] {
        assert_eq!(nir_code(ok), "ok", "{ok}");
    }
}

/// §7.5: sex 3/4 accepted; 5–8 sent to a counsellor, never a bare "invalid".
#[test]
fn pitfall_5_sex_digit() {
    assert_eq!(nir_code("3840588321025"), "ok");
    assert_eq!(nir_code("4840588321025"), "ok");
    assert_eq!(nir_code("8 84 05 88 321 025 23"), code::NIR_COUNSELLOR);
    for sex in ['5', '6', '7', '8'] {
        // NNP/MIG layouts differ; whatever follows, the answer is the counsellor.
        assert_eq!(
            nir_code(&format!("{sex}000000000000")),
            code::NIR_COUNSELLOR,
            "{sex}"
        );
    }
}

/// §7.6: step 5 offers the 96 metropolitan départements; overseas is explained, not failed.
#[test]
fn pitfall_6_departements() {
    assert_eq!(Department::all().count(), 96);
    assert_eq!(
        Department::parse("971").unwrap_err().code,
        code::DEPARTMENT_OVERSEAS
    );
    assert_eq!(
        Department::parse("976").unwrap_err().code,
        code::DEPARTMENT_MAYOTTE
    );
}

/// §7.7: the serial has two formats; spaces accepted; prefix stripped; no invented checksum.
#[test]
fn pitfall_7_vitale_serial_formats() {
    let photo = VitaleSerial::parse(CardKind::Photo, "8025000002 12345678901").unwrap();
    assert_eq!(photo.digits(), "12345678901");
    assert!(VitaleSerial::parse(CardKind::NoPhoto, "01024576124").is_ok());
    // The « add a 9 at the end » claim is not implemented: 10 digits stay refused.
    assert_eq!(
        VitaleSerial::parse(CardKind::Photo, "1234567890")
            .unwrap_err()
            .code,
        code::VITALE_PHOTO_LENGTH
    );
}

/// §7.8: one item only; amounts normalised; « none » is not a dead end.
#[test]
fn pitfall_8_one_verification_item() {
    let birth = BirthDate::parse(
        DateParts {
            day: "3",
            month: "12",
            year: "1984",
        },
        date!(2025 - 06 - 15),
    )
    .unwrap();
    let form = |kind: &str, value: &str| VerificationForm {
        kind: kind.into(),
        value: Some(value.into()),
        ..VerificationForm::default()
    };
    let today = date!(2025 - 06 - 15);
    for amount in ["123,45", "123.45", "123,45 €"] {
        let item = parse_verification(&form("paymentAmount", amount), &birth, today).unwrap();
        assert_eq!(
            item,
            VerificationItem::PaymentAmount(AmountCents::parse("123,45").unwrap())
        );
    }
    assert_eq!(
        parse_verification(&form("none", "ignored"), &birth, today),
        Ok(VerificationItem::None)
    );
}
