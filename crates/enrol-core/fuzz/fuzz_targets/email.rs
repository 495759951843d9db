#![no_main]
//! `Email::parse`, then its suggestion and mask.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    if let Ok(email) = enrol_core::Email::parse(input) {
        let _ = email.suggestion();
        let _ = email.masked();
    }
});
