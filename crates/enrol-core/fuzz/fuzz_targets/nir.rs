#![no_main]
//! `Nir::parse` and `Nir::parse_with_key` on any UTF-8 input.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    if let Ok(nir) = enrol_core::Nir::parse(input) {
        assert_eq!(nir.as_str().len(), 13);
        assert!((1..=97).contains(&nir.key()));
        let _ = nir.grouped();
    }
    // Split at a character boundary: the body and a "key" from the same input.
    let middle = input
        .char_indices()
        .nth(input.chars().count() / 2)
        .map_or(input.len(), |(i, _)| i);
    let (body, key) = input.split_at(middle);
    let _ = enrol_core::Nir::parse_with_key(body, key);
});
