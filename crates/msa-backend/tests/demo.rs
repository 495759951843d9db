//! The demo data: valid NIRs, every case covered, DEMO.md in step with the data file.

use msa_backend::demo::{people, render_markdown};
use time::Duration;

#[test]
fn demo_nirs_are_valid_and_agree_with_birth_dates() {
    let people = people().unwrap();
    assert!(people.len() >= 20, "at least 20 demo persons");
    let mut seen = std::collections::HashSet::new();
    for p in &people {
        let nir15 = p.nir15();
        assert_eq!(
            nir15.len(),
            15,
            "{}: write the NIR with its key",
            p.last_name
        );
        // The core rules accept it (key included)…
        let nir = enrol_core::Nir::parse(&nir15).unwrap_or_else(|e| panic!("{}: {e}", p.last_name));
        assert_eq!(nir.key_string(), &nir15[13..]);
        assert!(
            seen.insert(nir.as_str().to_owned()),
            "duplicate NIR {}",
            p.last_name
        );
        // …and the birth date agrees with it (year, and month when 01–12).
        let birth = enrol_core::rules::parse_birth_date_for(
            &nir,
            enrol_core::DateParts {
                day: &p.birth_date.day().to_string(),
                month: &p.birth_date.month().to_string(),
                year: &p.birth_date.year().to_string(),
            },
            time::OffsetDateTime::now_utc().date(),
        );
        assert!(
            birth.is_ok(),
            "{}: birth date {:?}",
            p.last_name,
            birth.err()
        );
        // Names and e-mail pass the core parsers.
        enrol_core::PersonName::parse(enrol_core::Field::LastName, &p.last_name).unwrap();
        enrol_core::PersonName::parse(enrol_core::Field::FirstName, &p.first_name).unwrap();
        if let Some(e) = &p.email {
            enrol_core::Email::parse(e).unwrap();
        }
        enrol_core::Department::parse(&p.department).unwrap();
        if let Some(v) = &p.vitale {
            let card = if v.card == "photo" {
                enrol_core::CardKind::Photo
            } else {
                enrol_core::CardKind::NoPhoto
            };
            enrol_core::VitaleSerial::parse(card, &v.serial).unwrap();
        }
        for c in &p.children {
            assert!(
                c.birth_date > p.birth_date.latest(),
                "{}: child born before parent",
                p.last_name
            );
        }
    }
}

#[test]
fn demo_covers_every_case() {
    let people = people().unwrap();
    let nirs: Vec<String> = people.iter().map(|p| p.nir15()).collect();
    let has = |f: &dyn Fn(&msa_backend::demo::DemoPerson) -> bool| people.iter().any(f);
    assert!(has(&|p| p
        .vitale
        .as_ref()
        .is_some_and(|v| v.card == "photo" && v.serial.len() == 11)));
    assert!(has(&|p| p
        .vitale
        .as_ref()
        .is_some_and(|v| v.card == "noPhoto" && v.serial.len() == 8)));
    assert!(has(&|p| p
        .vitale
        .as_ref()
        .is_some_and(|v| v.card == "noPhoto" && v.serial.len() == 13)));
    assert!(has(&|p| !p.children.is_empty()));
    assert!(
        has(&|p| p.children.len() >= 2
            && p.children
                .iter()
                .filter(|c| c.birth_date == p.children[0].birth_date)
                .count()
                == 2),
        "twins"
    );
    assert!(has(&|p| p.payments.iter().any(|x| x.days_ago < 180)));
    assert!(
        has(&|p| p.payments.iter().any(|x| x.days_ago > 190)),
        "an old payment"
    );
    assert!(has(&|p| p.email.is_none()), "no e-mail on file");
    assert!(has(&|p| p.enrolled), "already enrolled");
    assert!(has(&|p| p.last_name.contains('Œ')), "ligature");
    assert!(has(
        &|p| p.first_name == "Élodie" && p.last_name == "Lefèvre"
    ));
    assert!(has(&|p| p.vitale.is_none()
        && p.children.is_empty()
        && p.payments.is_empty()));
    for (what, at, value) in [
        ("2A", 5, "2A"),
        ("2B", 5, "2B"),
        ("abroad", 5, "99"),
        ("overseas", 5, "97"),
        ("month 20", 3, "20"),
        ("month 99", 3, "99"),
        ("Corsica before 1976", 5, "20"),
    ] {
        assert!(nirs.iter().any(|n| &n[at..at + 2] == value), "{what}");
    }
    assert!(nirs.iter().any(|n| n.ends_with("97")), "key 97");
    // Payments older than 6 months stay older whatever today is.
    let today = time::OffsetDateTime::now_utc().date();
    let old = people
        .iter()
        .flat_map(|p| &p.payments)
        .filter(|x| x.days_ago > 190);
    for x in old {
        assert!(today - Duration::days(x.days_ago) < msa_backend::enrol::six_months_before(today));
    }
}

#[test]
fn demo_md_is_up_to_date() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/DEMO.md");
    let expected = render_markdown().unwrap();
    if std::env::var_os("UPDATE_DEMO_MD").is_some() {
        std::fs::write(path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        actual == expected,
        "DEMO.md is out of date: run UPDATE_DEMO_MD=1 cargo test -p msa-backend --test demo"
    );
}
