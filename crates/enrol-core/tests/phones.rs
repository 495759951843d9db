//! Differential test of the phone rules against libphonenumber's own metadata (issue 12):
//! for every overseas mobile prefix of the table, and every two digits after it, the
//! kiosk accepts exactly the numbers the metadata calls a mobile of that region, and stores
//! them under the region's calling code; the regions' mobile ranges never overlap.

use enrol_core::phone::{COUNTRY_CODES, MOBILE_REGIONS};
use enrol_core::MobilePhone;
use phonenumber::country::Id;
use phonenumber::metadata::DATABASE;
use phonenumber::{Mode, Type};

/// The library's verdict for a national number read in `region`: its E.164 when it is a
/// valid mobile there.
fn library_mobile(region: Id, national: &str) -> Option<String> {
    let n = phonenumber::parse(Some(region), national).ok()?;
    (phonenumber::is_valid(&n) && n.number_type(&DATABASE) == Type::Mobile)
        .then(|| n.format().mode(Mode::E164).to_string())
}

fn ours(text: &str) -> Option<String> {
    MobilePhone::parse(text).ok().map(|p| p.e164().to_owned())
}

#[test]
fn every_overseas_prefix_round_trips_like_the_metadata_says() {
    // The table: prefix, region, calling code.
    let table = [
        ("0692", Id::RE, 262),
        ("0693", Id::RE, 262),
        ("0639", Id::YT, 262),
        ("0690", Id::GP, 590),
        ("0691", Id::GP, 590),
        ("0694", Id::GF, 594),
        ("0696", Id::MQ, 596),
        ("0697", Id::MQ, 596),
    ];
    for (prefix, region, code) in table {
        let mut accepted = 0;
        for next_two in 0..100 {
            let national = format!("{prefix}{next_two:02}3456");
            let expected = library_mobile(region, &national);
            if let Some(e164) = &expected {
                assert!(e164.starts_with(&format!("+{code}")), "{national}: {e164}");
                accepted += 1;
            }
            assert_eq!(ours(&national), expected, "{national}");
            // The international form gives the same number, back and forth.
            if let Some(e164) = &expected {
                assert_eq!(ours(e164).as_ref(), Some(e164));
                let national_again = MobilePhone::parse(e164).unwrap().national();
                assert_eq!(
                    ours(&national_again).as_ref(),
                    Some(e164),
                    "{national_again}"
                );
            }
        }
        assert!(accepted > 0, "no mobile found under {prefix}");
    }
}

#[test]
fn each_region_example_mobile_is_accepted_in_both_forms() {
    for region in MOBILE_REGIONS {
        let meta = DATABASE.by_id(region.as_ref()).expect("region metadata");
        let example = meta
            .descriptors()
            .mobile()
            .and_then(|d| d.example())
            .expect("example mobile");
        let e164 = format!("+{}{example}", meta.country_code());
        assert!(COUNTRY_CODES.contains(&meta.country_code()), "{region:?}");
        assert_eq!(
            ours(&format!("0{example}")).as_ref(),
            Some(&e164),
            "{region:?}"
        );
        assert_eq!(ours(&e164).as_ref(), Some(&e164), "{region:?}");
    }
}

#[test]
fn mobile_ranges_of_the_regions_do_not_overlap() {
    // Every number of the blocks where the overseas ranges live (063…, 069…, 070…), with
    // the three digits after them varied: at most one region calls it a mobile, and the
    // kiosk gives that region's number (or refuses when none does).
    for block in ["63", "69", "70"] {
        for middle in 0..1_000 {
            let national = format!("0{block}{middle:03}1234");
            let verdicts: Vec<String> = MOBILE_REGIONS
                .into_iter()
                .filter_map(|r| library_mobile(r, &national))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            assert!(verdicts.len() <= 1, "{national}: {verdicts:?}");
            assert_eq!(ours(&national), verdicts.first().cloned(), "{national}");
        }
    }
}
