#![no_main]
//! `PersonName::parse` on any UTF-8 input.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    if let Ok(name) = enrol_core::PersonName::parse(enrol_core::Field::LastName, input) {
        assert!(name.as_str().chars().count() <= enrol_core::name::NAME_MAX_CHARS);
    }
});
