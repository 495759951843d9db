#![no_main]
//! `MobilePhone::parse` on any UTF-8 input.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    if let Ok(phone) = enrol_core::MobilePhone::parse(input) {
        assert_eq!(phone.e164().len(), 12);
    }
});
