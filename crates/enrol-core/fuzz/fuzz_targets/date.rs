#![no_main]
//! `parse_date` / `BirthDate::parse` on three arbitrary parts.
use libfuzzer_sys::fuzz_target;
use time::{Date, Month};

fuzz_target!(|parts: (&str, &str, &str)| {
    let Ok(today) = Date::from_calendar_date(2025, Month::June, 15) else {
        return;
    };
    let parts = enrol_core::DateParts {
        day: parts.0,
        month: parts.1,
        year: parts.2,
    };
    if let Ok(d) = enrol_core::parse_date(enrol_core::Field::ChildBirthDate, parts, today) {
        assert!(d <= today);
    }
    if let Ok(b) = enrol_core::BirthDate::parse(parts, today) {
        assert!(b.date() < today);
    }
});
