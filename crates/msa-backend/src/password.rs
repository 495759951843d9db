//! Provisional passwords: random, shown to no one here, stored only as an argon2id hash.

use crate::config::Argon2Cost;
use crate::secret::Secret;
use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::rngs::OsRng;
use rand::seq::SliceRandom;
use rand::Rng;

const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
const DIGITS: &[u8] = b"23456789";
const SPECIAL: &[u8] = b"#%+=?!-_";

/// Length of a provisional password: 14 characters from 4 classes (≈ 84 bits, above
/// the CNIL's 80-bit recommendation for a password alone).
pub const LENGTH: usize = 14;

/// A fresh provisional password: at least one character of each class, no look-alikes
/// (0/O, 1/l/I).
pub fn generate() -> Secret {
    let mut rng = OsRng;
    let all: Vec<u8> = [UPPER, LOWER, DIGITS, SPECIAL].concat();
    let mut chars: Vec<u8> = [UPPER, LOWER, DIGITS, SPECIAL]
        .iter()
        .map(|class| class[rng.gen_range(0..class.len())])
        .collect();
    while chars.len() < LENGTH {
        chars.push(all[rng.gen_range(0..all.len())]);
    }
    chars.shuffle(&mut rng);
    Secret::new(String::from_utf8(chars).unwrap_or_default())
}

/// argon2id PHC string of `password`.
pub fn hash(password: &Secret, cost: Argon2Cost) -> anyhow::Result<String> {
    let params = Params::new(cost.memory_kib, cost.iterations, cost.parallelism, None)
        .map_err(|e| anyhow::anyhow!("argon2 parameters: {e}"))?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let salt = SaltString::generate(&mut OsRng);
    let phc = argon
        .hash_password(password.expose().as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))?;
    Ok(phc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::{PasswordHash, PasswordVerifier};

    #[test]
    fn passwords_are_long_mixed_and_distinct() {
        let a = generate();
        let b = generate();
        assert_ne!(a.expose(), b.expose());
        for p in [&a, &b] {
            let s = p.expose();
            assert_eq!(s.chars().count(), LENGTH);
            assert!(s.bytes().any(|c| UPPER.contains(&c)));
            assert!(s.bytes().any(|c| LOWER.contains(&c)));
            assert!(s.bytes().any(|c| DIGITS.contains(&c)));
            assert!(s.bytes().any(|c| SPECIAL.contains(&c)));
        }
    }

    #[test]
    fn hash_verifies_and_hides_the_password() {
        let p = generate();
        let phc = hash(&p, Argon2Cost::for_tests()).unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(!phc.contains(p.expose()));
        let parsed = PasswordHash::new(&phc).unwrap();
        assert!(Argon2::default()
            .verify_password(p.expose().as_bytes(), &parsed)
            .is_ok());
        assert!(Argon2::default().verify_password(b"nope", &parsed).is_err());
    }
}
