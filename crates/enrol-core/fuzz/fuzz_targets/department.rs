#![no_main]
//! `Department::parse` on any UTF-8 input.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    if let Ok(d) = enrol_core::Department::parse(input) {
        let _ = (d.code(), d.name(), d.caisse());
    }
});
