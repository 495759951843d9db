#![no_main]
//! `AmountCents::parse` on any UTF-8 input.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    if let Ok(amount) = enrol_core::AmountCents::parse(input) {
        assert!((1..=enrol_core::verification::AMOUNT_MAX_CENTS).contains(&amount.cents()));
    }
});
