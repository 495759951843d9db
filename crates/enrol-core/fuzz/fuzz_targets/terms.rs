#![no_main]
//! `CguVersion::of` and `CguVersion::parse` on any UTF-8 input.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    let v = enrol_core::CguVersion::of(input);
    assert_eq!(enrol_core::CguVersion::parse(v.as_str()).as_ref(), Ok(&v));
    let _ = enrol_core::CguVersion::parse(input);
});
