//! The CGU (terms of use) version a person accepts (SPEC §2 step 6).

use crate::error::{code, Invalid};
use crate::field::Field;
use sha2::{Digest, Sha256};
use std::fmt;

const PREFIX: &str = "sha256:";
const HEX_LEN: usize = 16;

/// `sha256:` + the first 16 hex characters of the SHA-256 of the CGU text: names exactly the
/// text the person could read, so the backend knows which terms were accepted.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CguVersion(String);

impl fmt::Debug for CguVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CguVersion({})", self.0)
    }
}

impl fmt::Display for CguVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl CguVersion {
    /// The version of `text` (the issue: « "sha256:" + first 16 hex chars of SHA-256 »).
    pub fn of(text: &str) -> Self {
        let digest = Sha256::digest(text.as_bytes());
        let hex: String = digest
            .iter()
            .take(HEX_LEN / 2)
            .map(|b| format!("{b:02x}"))
            .collect();
        CguVersion(format!("{PREFIX}{hex}"))
    }

    /// A version string as received (`sha256:` + 16 lower-case hex); anything else is not a
    /// version this kiosk could have shown → `terms.outdated`.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let hex = input
            .strip_prefix(PREFIX)
            .filter(|h| {
                h.len() == HEX_LEN && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
            })
            .ok_or(Invalid::new(Field::Terms, code::TERMS_OUTDATED))?;
        Ok(CguVersion(format!("{PREFIX}{hex}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The acceptance on the review screen: the box must be ticked (`terms.notAccepted`) and the
/// version accepted must be the current one (`terms.outdated`: the text changed meanwhile).
pub fn accept_terms(
    accepted: bool,
    version_shown: &str,
    current: &CguVersion,
) -> Result<CguVersion, Invalid> {
    if !accepted {
        return Err(Invalid::new(Field::Terms, code::TERMS_NOT_ACCEPTED));
    }
    let shown = CguVersion::parse(version_shown)?;
    if &shown != current {
        return Err(Invalid::new(Field::Terms, code::TERMS_OUTDATED));
    }
    Ok(shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_of_text() {
        // SHA-256("") = e3b0c44298fc1c149afbf4c8996fb924…; SHA-256("abc") = ba7816bf8f01cfea…
        assert_eq!(CguVersion::of("").as_str(), "sha256:e3b0c44298fc1c14");
        assert_eq!(CguVersion::of("abc").as_str(), "sha256:ba7816bf8f01cfea");
        assert_ne!(CguVersion::of("CGU v1"), CguVersion::of("CGU v2"));
    }

    #[test]
    fn parse_and_accept() {
        let current = CguVersion::of("CGU");
        assert_eq!(CguVersion::parse(current.as_str()), Ok(current.clone()));
        for bad in [
            "",
            "sha256:",
            "sha256:0123",
            "sha256:0123456789ABCDEF",
            "md5:0123456789abcdef",
            "sha256:0123456789abcdefa",
        ] {
            assert_eq!(
                CguVersion::parse(bad).unwrap_err().code,
                code::TERMS_OUTDATED,
                "{bad}"
            );
        }
        assert_eq!(
            accept_terms(true, current.as_str(), &current),
            Ok(current.clone())
        );
        assert_eq!(
            accept_terms(false, current.as_str(), &current)
                .unwrap_err()
                .code,
            code::TERMS_NOT_ACCEPTED
        );
        let old = CguVersion::of("old CGU");
        assert_eq!(
            accept_terms(true, old.as_str(), &current).unwrap_err().code,
            code::TERMS_OUTDATED
        );
    }
}
