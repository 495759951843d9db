//! The short reference the person can note on the confirmation screen (`K7Q2-9DF3`).

use rand::Rng;

/// Crockford's base-32 without the letters people confuse when copying by hand (I, L, O, U).
const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// 8 random characters (40 bits) in two groups of four.
pub fn new_reference() -> String {
    let mut rng = rand::rng();
    let mut reference = String::with_capacity(9);
    for i in 0..8 {
        if i == 4 {
            reference.push('-');
        }
        reference.push(ALPHABET[rng.random_range(0..ALPHABET.len())] as char);
    }
    reference
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_short_readable_and_distinct() {
        let references: std::collections::HashSet<String> =
            (0..1000).map(|_| new_reference()).collect();
        assert_eq!(references.len(), 1000);
        for reference in references {
            assert_eq!(reference.len(), 9);
            assert_eq!(&reference[4..5], "-");
            assert!(reference
                .chars()
                .all(|c| c == '-' || ALPHABET.contains(&(c as u8))));
        }
    }
}
