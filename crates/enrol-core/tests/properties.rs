//! Property tests: they stand in for the fuzz targets (`fuzz/`) in CI.

use enrol_core::wire::{EnrolmentRequest, WireVerification};
use enrol_core::*;
use proptest::prelude::*;
use time::macros::date;
use time::Date;

const TODAY: Date = date!(2025 - 06 - 15);

/// An independent key computation (domain.md §1.1: 97 − n mod 97, 2A→19, 2B→18 at 6–7).
fn expected_key(body: &str) -> u8 {
    let place = match &body[5..7] {
        "2A" => "19",
        "2B" => "18",
        digits => digits,
    };
    let numeric = format!("{}{}{}", &body[..5], place, &body[7..]);
    let n: u64 = numeric.parse().expect("13 digits");
    u8::try_from(97 - n % 97).expect("1..=97")
}

/// 13-character bodies the rules accept (domain.md §1.1, §7.4).
fn valid_body() -> impl Strategy<Value = String> {
    let sex = prop::sample::select(vec!['1', '2', '3', '4']);
    let month = prop_oneof![1u8..=12, Just(20), 30u8..=42, 50u8..=99];
    let place = prop_oneof![
        (1u8..=96).prop_map(|d| format!("{d:02}")),
        prop::sample::select(vec!["2A", "2B", "97", "98", "99"]).prop_map(str::to_owned),
    ];
    (sex, 0u8..=99, month, place, 0u32..=999, 0u32..=999).prop_map(
        |(sex, year, month, place, commune, order)| {
            format!("{sex}{year:02}{month:02}{place}{commune:03}{order:03}")
        },
    )
}

/// Sprinkles spaces and dots between characters and lower-cases some of them.
fn decorate(s: &str, noise: &[u8]) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        let n = noise.get(i).copied().unwrap_or(0);
        match n % 5 {
            0 => out.push(' '),
            1 => out.push('.'),
            2 => out.push_str("  "),
            _ => {}
        }
        out.push(if n % 2 == 0 {
            c.to_ascii_lowercase()
        } else {
            c
        });
    }
    if noise.first().is_some_and(|n| n % 3 == 0) {
        out.push(' ');
    }
    out
}

fn full(body: &str) -> String {
    format!("{body}{:02}", expected_key(body))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn every_valid_nir_parses_in_13_and_15_forms(
        body in valid_body(),
        noise in prop::collection::vec(any::<u8>(), 15),
    ) {
        for input in [body.clone(), full(&body), decorate(&body, &noise), decorate(&full(&body), &noise)] {
            let nir = Nir::parse(&input).map_err(|e| TestCaseError::fail(format!("{input:?}: {e}")))?;
            prop_assert_eq!(nir.as_str(), body.as_str());
            prop_assert_eq!(nir.key(), expected_key(&body));
            prop_assert_eq!(nir.grouped().replace(' ', ""), body.clone());
        }
    }

    /// Any single-character change to a valid 15-character NIR is refused. With mod 97, a
    /// change of one digit d·10^k (|d| ≤ 9) is never a multiple of 97; at positions 6–7 a
    /// letter change moves the two-digit value (2A = 19, 2B = 18) by 1 to 10, so it is caught
    /// too; a letter anywhere else, or next to anything but "2", is a format error; a space
    /// or dot shortens the number. The only change that is not a change is the case of A/B.
    #[test]
    fn every_single_character_change_is_refused(
        body in valid_body(),
        position in 0usize..15,
        replacement in any::<char>(),
    ) {
        let original = full(&body);
        let chars: Vec<char> = original.chars().collect();
        prop_assume!(replacement.to_ascii_uppercase() != chars[position]);
        let mut changed = chars.clone();
        changed[position] = replacement;
        let changed: String = changed.into_iter().collect();
        prop_assert!(Nir::parse(&changed).is_err(), "{:?} → {:?} was accepted", original, changed);
    }

    /// The same with a digit or a Corsica letter as replacement (the interesting cases, which
    /// `any::<char>()` rarely draws).
    #[test]
    fn every_single_digit_or_letter_change_is_refused(
        body in valid_body(),
        position in 0usize..15,
        replacement in prop::sample::select(vec!['0','1','2','3','4','5','6','7','8','9','A','B','a','b']),
    ) {
        let original = full(&body);
        let chars: Vec<char> = original.chars().collect();
        prop_assume!(replacement.to_ascii_uppercase() != chars[position]);
        let mut changed = chars.clone();
        changed[position] = replacement;
        let changed: String = changed.into_iter().collect();
        prop_assert!(Nir::parse(&changed).is_err(), "{:?} → {:?} was accepted", original, changed);
    }

    #[test]
    fn a_birth_date_from_the_nir_round_trips_through_the_wire(
        body in valid_body(),
        day in 1u8..=28,
        century in prop::sample::select(vec![1900, 2000]),
    ) {
        let nir = Nir::parse(&body).expect("valid body");
        let year = century + i32::from(nir.birth_year_2());
        let month = nir.birth_month().unwrap_or(6);
        prop_assume!(Date::from_calendar_date(year, time::Month::try_from(month).unwrap(), day)
            .is_ok_and(|d| d < TODAY && year >= 1905));
        let form = IdentityForm {
            last_name: "Le Guen".into(),
            first_name: "Anne-Laure".into(),
            birth_day: day.to_string(),
            birth_month: month.to_string(),
            birth_year: year.to_string(),
            email: "a.b@orange.fr".into(),
            no_email: false,
            phone: None,
        };
        let identity = parse_identity(&form, &nir, TODAY).expect("consistent identity");
        let enrolment = Enrolment::assemble(
            nir,
            identity,
            VerificationItem::None,
            Department::parse("2b").unwrap(),
            CguVersion::of("CGU"),
        ).expect("consistent enrolment");
        let request = enrolment.to_wire("R", "K");
        prop_assert_eq!(Enrolment::from_wire(&request, TODAY), Ok(enrolment));
    }

    /// Issue 12: a random valid amount, written every accepted European way (thousands
    /// separator, decimal mark or price-tag euro sign, currency mark), gives its cents.
    #[test]
    fn written_amounts_parse_to_their_cents(
        cents in 1u32..=9_999_999,
        (separator, decimal) in prop::sample::select(vec![
            ("", ","), (" ", ","), ("\u{a0}", ","), ("\u{202f}", ","), (".", ","), ("'", ","), ("’", ","),
            ("", "."), (" ", "."), ("\u{a0}", "."), ("\u{202f}", "."), (",", "."), ("'", "."),
            ("", "€"), (" ", "€"), (".", "€"), ("", " € "), (" ", " euros "),
        ]),
        currency in prop::sample::select(vec!["", " €", "€", " EUR", " euros", "€ "]),
        one_cent_digit in any::<bool>(),
    ) {
        let euros = (cents / 100).to_string();
        let mut grouped = String::new();
        for (i, c) in euros.chars().enumerate() {
            if i > 0 && (euros.len() - i) % 3 == 0 {
                grouped.push_str(separator);
            }
            grouped.push(c);
        }
        // « 12,5 » for 12,50 €: one digit of cents when the second is 0.
        let (cents_text, expected) = if one_cent_digit && cents % 10 == 0 {
            (format!("{}", (cents % 100) / 10), cents)
        } else {
            (format!("{:02}", cents % 100), cents)
        };
        let number = format!("{grouped}{decimal}{cents_text}");
        let text = match (currency, decimal.contains(['€', 'e'])) {
            // A price tag carries its euro sign already; a prefix currency is fine too.
            ("€ ", _) => format!("€ {number}"),
            (_, true) => number,
            (c, false) => format!("{number}{c}"),
        };
        prop_assert_eq!(AmountCents::parse(&text).map(|a| a.cents()), Ok(expected), "{:?}", text);
    }

    /// Whole euros written with `.` thousands (`2.500`) and no cents.
    #[test]
    fn whole_amounts_with_dot_thousands(euros in 1000u32..=99_999) {
        let text = format!("{}.{:03}", euros / 1000, euros % 1000);
        prop_assert_eq!(AmountCents::parse(&text).map(|a| a.cents()), Ok(euros * 100), "{:?}", text);
    }

    /// A lone comma followed by three digits is ambiguous, whatever the number.
    #[test]
    fn comma_and_three_digits_is_ambiguous(head in 1u32..=99_999, tail in 0u32..=999) {
        let text = format!("{head},{tail:03}");
        prop_assert_eq!(AmountCents::parse(&text).map_err(|e| e.code), Err(enrol_core::code::AMOUNT_AMBIGUOUS));
    }

    /// Mobiles of metropolitan France and of every overseas département, in every usual
    /// writing. The prefixes are ranges where every subscriber number is a mobile in
    /// libphonenumber's plan (FR 06/07, RE 0692, YT 0639 2, GP 0690, GF 0694 0, MQ 0696/0697).
    #[test]
    fn mobile_numbers_in_any_usual_form(
        (code, prefix) in prop::sample::select(vec![
            (33, "60"), (33, "61"), (33, "62"), (33, "64"), (33, "68"), (33, "73"), (33, "79"),
            (262, "692"), (262, "6392"), (590, "690"), (594, "6940"), (596, "696"), (596, "697"),
        ]),
        rest in "[0-9]{7}",
        form in 0usize..7,
    ) {
        let national = format!("{prefix}{}", &rest[..9 - prefix.len()]);
        let pairs: Vec<String> = format!("0{national}").as_bytes().chunks(2)
            .map(|c| String::from_utf8_lossy(c).into_owned()).collect();
        let text = match form {
            0 => pairs.join(" "),
            1 => pairs.join("."),
            2 => pairs.concat(),
            3 => format!("+{code} {} {}", &national[..1], &national[1..]),
            4 => format!("00{code} {national}"),
            5 => format!("+{code} (0){national}"),
            _ => pairs.join("-"),
        };
        let e164 = format!("+{code}{national}");
        prop_assert_eq!(MobilePhone::parse(&text).map(|p| p.e164().to_owned()), Ok(e164), "{:?}", text);
    }

    #[test]
    fn real_past_dates_parse(offset in 1i64..(120 * 365), pad in any::<bool>()) {
        let date = TODAY - time::Duration::days(offset);
        let (d, m) = (date.day(), u8::from(date.month()));
        let (day, month) = if pad { (format!("{d:02}"), format!("{m:02}")) } else { (d.to_string(), m.to_string()) };
        let year = date.year().to_string();
        let parts = DateParts { day: &day, month: &month, year: &year };
        prop_assert_eq!(BirthDate::parse(parts, TODAY).map(|b| b.date().full()), Ok(Some(date)));
    }
}

/// Runs every parser on `input`; they must return, never panic.
fn every_parser(input: &str) {
    let _ = Nir::parse(input).map(|n| (n.grouped(), n.key_string(), n.birth_month()));
    let _ = Nir::parse_with_key(input, input);
    let _ = PersonName::parse(Field::LastName, input);
    let parts = DateParts {
        day: input,
        month: input,
        year: input,
    };
    let _ = parse_date(Field::ChildBirthDate, parts, TODAY);
    let _ = BirthDate::parse(parts, TODAY);
    let _ = Email::parse(input).map(|e| (e.suggestion(), e.masked()));
    let _ = MobilePhone::parse(input);
    let _ = VitaleSerial::parse(CardKind::Photo, input);
    let _ = VitaleSerial::parse(CardKind::NoPhoto, input);
    let _ = AmountCents::parse(input);
    let _ = Department::parse(input);
    let _ = CguVersion::parse(input);
    let _ = CguVersion::of(input);
    let form = IdentityForm {
        last_name: input.into(),
        first_name: input.into(),
        birth_day: input.into(),
        birth_month: input.into(),
        birth_year: input.into(),
        email: input.into(),
        no_email: input.is_empty(),
        phone: Some(input.into()),
    };
    let nir = Nir::parse("1841276451089").unwrap();
    let _ = parse_identity(&form, &nir, TODAY);
    let birth = BirthDate::parse(
        DateParts {
            day: "3",
            month: "12",
            year: "1984",
        },
        TODAY,
    )
    .unwrap();
    for kind in [
        "vitalePhoto",
        "vitaleNoPhoto",
        "childBirthDate",
        "paymentAmount",
        "none",
        input,
    ] {
        let form = VerificationForm {
            kind: kind.into(),
            value: Some(input.into()),
            day: Some(input.into()),
            month: Some(input.into()),
            year: Some(input.into()),
        };
        let _ = parse_verification(&form, &birth, TODAY).map(|item| item.masked());
    }
    let request = EnrolmentRequest {
        reference: input.into(),
        kiosk_id: input.into(),
        nir: input.into(),
        nir_key: input.into(),
        last_name: input.into(),
        first_name: input.into(),
        birth_date: input.into(),
        email: Some(input.into()),
        phone: Some(input.into()),
        verification: WireVerification::ChildBirthDate { date: input.into() },
        department: input.into(),
        cgu_version: input.into(),
    };
    let _ = Enrolment::from_wire(&request, TODAY);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn no_parser_panics_on_any_unicode(input in "\\PC*") {
        every_parser(&input);
    }

    #[test]
    fn no_parser_panics_on_near_misses(input in "[0-9AaBb .,'’@+()€\\-]{0,40}") {
        every_parser(&input);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// 100 000-character inputs of one repeated character or of a repeated valid answer:
    /// refused (or parsed) quickly, without panicking.
    #[test]
    fn no_parser_panics_on_huge_input(
        unit in prop_oneof![any::<char>().prop_map(String::from), "\\PC{1,8}",
            Just("1 84 12 76 451 089".to_owned()), Just("jean@gmail.com".to_owned())],
    ) {
        let input: String = unit.chars().cycle().take(100_000).collect();
        every_parser(&input);
    }
}

#[test]
fn no_parser_panics_on_known_hard_inputs() {
    for input in [
        "",
        " ",
        "\0",
        "\u{feff}",
        "\u{202e}",
        "🇫🇷",
        "2A",
        "2a",
        "@",
        "@.",
        "a@b.",
        "+33",
        "0033",
        "(0)",
        "€",
        "EUR",
        "eur€",
        ",",
        ".",
        "1,",
        "٣",
        "Ⅻ",
        "\u{301}",
        "ß",
        "ǅ",
        "İ",
        "\u{10ffff}",
    ] {
        every_parser(input);
        every_parser(&input.repeat(100_000 / input.len().max(1)));
    }
}
