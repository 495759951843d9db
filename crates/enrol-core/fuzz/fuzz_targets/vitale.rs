#![no_main]
//! `VitaleSerial::parse` for both card kinds.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    for card in [enrol_core::CardKind::Photo, enrol_core::CardKind::NoPhoto] {
        if let Ok(serial) = enrol_core::VitaleSerial::parse(card, input) {
            assert!(serial.digits().bytes().all(|b| b.is_ascii_digit()));
        }
    }
});
