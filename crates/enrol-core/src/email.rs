//! E-mail address (SPEC §2 step 3; HTML Living Standard « valid e-mail address »).

use crate::error::{code, Invalid};
use crate::field::Field;
use std::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Longest address accepted, in characters (RFC 5321 path limit minus the brackets).
pub const EMAIL_MAX_CHARS: usize = 254;

/// Longest domain label (RFC 1035; the HTML syntax's `{0,61}` middle part).
const LABEL_MAX_CHARS: usize = 63;

/// Mail domains common in France, most used first (ties in [`Email::suggestion`] go to the
/// first). Source: the list (Orange/Wanadoo, Free, SFR, La Poste, Bouygues…).
const COMMON_DOMAINS: &[&str] = &[
    "gmail.com",
    "hotmail.fr",
    "orange.fr",
    "wanadoo.fr",
    "yahoo.fr",
    "free.fr",
    "outlook.fr",
    "laposte.net",
    "sfr.fr",
    "hotmail.com",
    "outlook.com",
    "live.fr",
    "icloud.com",
    "yahoo.com",
    "neuf.fr",
    "bbox.fr",
    "aliceadsl.fr",
    "club-internet.fr",
    "numericable.fr",
    "msn.com",
];

/// Well-known wrong domains too far from the right one for the edit distance.
const KNOWN_SLIPS: &[(&str, &str)] = &[
    ("gmail.fr", "gmail.com"),
    ("gmai.fr", "gmail.com"),
    ("icloud.fr", "icloud.com"),
    ("laposte.fr", "laposte.net"),
];

/// A syntactically valid e-mail address, trimmed, domain in lower case.
///
/// `Debug` is redacted, no `Serialize`, wiped on drop.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Email(String);

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Email(<redacted>)")
    }
}

impl Email {
    /// The HTML standard's « valid e-mail address »: local part of
    /// ``[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+``, `@`, domain labels of ASCII letters, digits and
    /// hyphens, 1–63 each, not starting or ending with a hyphen; plus at least one dot in the
    /// domain (a kiosk user never means a bare host name). Trimmed; at most
    /// [`EMAIL_MAX_CHARS`] characters (`email.tooLong`); empty → `email.empty`; anything
    /// else → `email.format`. The local part must also be an RFC 5322 `dot-atom` (§3.2.3):
    /// no dot at its start or end and no two dots in a row (`paul..martin@`, `.paul@`,
    /// `paul.@`) → `email.dots`, since mail systems refuse such addresses and the password
    /// e-mail would bounce (the HTML syntax lets them through). The domain is lower-cased,
    /// the local part kept as typed.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let invalid = |code| Invalid::new(Field::Email, code);
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(invalid(code::EMAIL_EMPTY));
        }
        if trimmed.chars().nth(EMAIL_MAX_CHARS).is_some() {
            return Err(invalid(code::EMAIL_TOO_LONG));
        }
        let (local, domain) = trimmed.split_once('@').ok_or(invalid(code::EMAIL_FORMAT))?;
        let domain = domain.to_ascii_lowercase();
        if !valid_local_part(local) || !valid_domain(&domain) {
            return Err(invalid(code::EMAIL_FORMAT));
        }
        if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
            return Err(invalid(code::EMAIL_DOTS));
        }
        Ok(Email(format!("{local}@{domain}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn parts(&self) -> (&str, &str) {
        self.0.split_once('@').unwrap_or((&self.0, ""))
    }

    /// The same address with the domain replaced by a common French domain it looks like a
    /// typo of (« Vouliez-vous dire …@gmail.com ? », SPEC §2 step 3): Damerau edit distance
    /// ≤ 2 and not equal, or a known slip (`gmail.fr`). Only a suggestion: the address is
    /// never changed automatically.
    pub fn suggestion(&self) -> Option<String> {
        let (local, domain) = self.parts();
        if COMMON_DOMAINS.contains(&domain) {
            return None;
        }
        let known = KNOWN_SLIPS
            .iter()
            .find(|(wrong, _)| *wrong == domain)
            .map(|(_, right)| *right);
        let near = || {
            COMMON_DOMAINS
                .iter()
                .filter_map(|candidate| {
                    let d = edit_distance(domain, candidate, 2)?;
                    Some((d, *candidate))
                })
                .min_by_key(|(d, _)| *d)
                .map(|(_, candidate)| candidate)
        };
        known.or_else(near).map(|right| format!("{local}@{right}"))
    }

    /// For the confirmation screen: `j•••@e•••.fr` (SPEC §2 step 7): first character of the
    /// local part, first character of the domain, and the top-level domain.
    pub fn masked(&self) -> String {
        let (local, domain) = self.parts();
        let first = |s: &str| s.chars().next().unwrap_or('•');
        let tld = domain.rsplit('.').next().unwrap_or("");
        format!("{}•••@{}•••.{}", first(local), first(domain), tld)
    }
}

fn valid_local_part(local: &str) -> bool {
    !local.is_empty()
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".!#$%&'*+/=?^_`{|}~-".contains(&b))
}

fn valid_domain(domain: &str) -> bool {
    let mut labels = 0;
    for label in domain.split('.') {
        labels += 1;
        let bytes = label.as_bytes();
        let ok = !bytes.is_empty()
            && bytes.len() <= LABEL_MAX_CHARS
            && bytes
                .iter()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
            && bytes.first() != Some(&b'-')
            && bytes.last() != Some(&b'-');
        if !ok {
            return false;
        }
    }
    labels >= 2
}

/// Optimal-string-alignment distance (insertions, deletions, substitutions and adjacent
/// transpositions: `gmial` → `gmail` is 1), or `None` when above `max`.
fn edit_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let a = a.as_bytes();
    let b = b.as_bytes();
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for (i, row) in d.chunks_mut(width).enumerate() {
        row[0] = i;
    }
    for (j, cell) in d.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    let distance = d[a.len() * width + b.len()];
    (distance <= max).then_some(distance)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(input: &str) -> Result<String, &'static str> {
        Email::parse(input)
            .map(|e| e.as_str().to_owned())
            .map_err(|e| e.code)
    }

    #[test]
    fn accepted() {
        let cases = [
            ("jean.dupont@example.fr", "jean.dupont@example.fr"),
            ("  Jean.Dupont@Example.FR ", "Jean.Dupont@example.fr"),
            ("a+tag@sub.domain.co.uk", "a+tag@sub.domain.co.uk"),
            ("o'neil@x-y.fr", "o'neil@x-y.fr"),
            ("x@1.2", "x@1.2"),
            ("!#$%&'*+/=?^_`{|}~-.x@a.b", "!#$%&'*+/=?^_`{|}~-.x@a.b"),
            ("claire+msa@orange.fr", "claire+msa@orange.fr"),
            ("o'brien@example.ie", "o'brien@example.ie"),
            ("paul.martin@laposte.net", "paul.martin@laposte.net"),
            ("p.a.u.l@laposte.net", "p.a.u.l@laposte.net"),
        ];
        for (input, expected) in cases {
            assert_eq!(parse(input), Ok(expected.to_owned()), "{input}");
        }
        let label = "a".repeat(63);
        assert!(parse(&format!("x@{label}.fr")).is_ok());
    }

    #[test]
    fn refused() {
        let cases = [
            ("", code::EMAIL_EMPTY),
            ("   ", code::EMAIL_EMPTY),
            ("jean", code::EMAIL_FORMAT),
            ("jean@", code::EMAIL_FORMAT),
            ("@example.fr", code::EMAIL_FORMAT),
            ("jean@example", code::EMAIL_FORMAT),
            ("jean@@example.fr", code::EMAIL_FORMAT),
            ("jean@exa@mple.fr", code::EMAIL_FORMAT),
            ("jean dupont@example.fr", code::EMAIL_FORMAT),
            ("jean@example..fr", code::EMAIL_FORMAT),
            ("jean@.example.fr", code::EMAIL_FORMAT),
            ("jean@example.fr.", code::EMAIL_FORMAT),
            ("jean@-example.fr", code::EMAIL_FORMAT),
            ("jean@example-.fr", code::EMAIL_FORMAT),
            ("jean@exa_mple.fr", code::EMAIL_FORMAT),
            ("jéan@example.fr", code::EMAIL_FORMAT),
            ("jean@exämple.fr", code::EMAIL_FORMAT),
            ("\"jean\"@example.fr", code::EMAIL_FORMAT),
            ("jean@[127.0.0.1]", code::EMAIL_FORMAT),
            // Issue 12: RFC 5322 dot-atom.
            ("paul..martin@laposte.net", code::EMAIL_DOTS),
            (".paul@laposte.net", code::EMAIL_DOTS),
            ("paul.@laposte.net", code::EMAIL_DOTS),
            ("paul...martin@laposte.net", code::EMAIL_DOTS),
            (".@laposte.net", code::EMAIL_DOTS),
            // A bad domain is reported first: one fix at a time.
            ("paul..martin@laposte", code::EMAIL_FORMAT),
        ];
        for (input, expected) in cases {
            assert_eq!(parse(input), Err(expected), "{input:?}");
        }
        let label = "a".repeat(64);
        assert_eq!(parse(&format!("x@{label}.fr")), Err(code::EMAIL_FORMAT));
    }

    proptest::proptest! {
        /// Any local part of atoms joined by single dots is accepted; a dot added at its
        /// start, its end or next to another dot gives email.dots.
        #[test]
        fn dot_atoms(
            atoms in proptest::collection::vec("[a-z0-9+_'-]{1,8}", 1..5),
            at in 0usize..3,
            where_ in 0usize..3,
        ) {
            let local = atoms.join(".");
            let address = format!("{local}@laposte.net");
            proptest::prop_assert_eq!(parse(&address), Ok(address.clone()));
            let bad = match where_ {
                0 => format!(".{local}"),
                1 => format!("{local}."),
                _ => {
                    let i = at.min(atoms.len() - 1);
                    let mut doubled = atoms.clone();
                    doubled[i] = format!("{}.", doubled[i]);
                    if i + 1 == atoms.len() { format!("{}.", doubled.join(".")) } else { doubled.join(".") }
                }
            };
            proptest::prop_assert_eq!(parse(&format!("{bad}@laposte.net")), Err(code::EMAIL_DOTS));
        }
    }

    #[test]
    fn length_limit() {
        let label = "b".repeat(63);
        let at_limit = format!("{}@{label}.{label}.{}.fr", "a".repeat(63), "c".repeat(59));
        assert_eq!(at_limit.chars().count(), EMAIL_MAX_CHARS);
        assert!(parse(&at_limit).is_ok());
        let over = format!("a{at_limit}");
        assert_eq!(parse(&over), Err(code::EMAIL_TOO_LONG));
        assert_eq!(parse(&"a".repeat(100_000)), Err(code::EMAIL_TOO_LONG));
    }

    #[test]
    fn suggestions() {
        let suggest = |s: &str| Email::parse(s).unwrap().suggestion();
        let cases = [
            ("jean@gmial.com", Some("jean@gmail.com")),
            ("jean@gmail.con", Some("jean@gmail.com")),
            ("jean@gmai.com", Some("jean@gmail.com")),
            ("jean@gmail.fr", Some("jean@gmail.com")),
            ("jean@hotmial.fr", Some("jean@hotmail.fr")),
            ("jean@hotmail.fe", Some("jean@hotmail.fr")),
            ("jean@orange.ft", Some("jean@orange.fr")),
            ("jean@wanado.fr", Some("jean@wanadoo.fr")),
            ("jean@lapost.net", Some("jean@laposte.net")),
            ("jean@yahooo.fr", Some("jean@yahoo.fr")),
            ("Jean.Dupont@GMAIL.CMO", Some("Jean.Dupont@gmail.com")),
            ("jean@gmail.com", None),
            ("jean@orange.fr", None),
            ("jean@example.fr", None),
            ("jean@msa.fr", None),
            ("jean@education.gouv.fr", None),
        ];
        for (input, expected) in cases {
            assert_eq!(suggest(input).as_deref(), expected, "{input}");
        }
    }

    #[test]
    fn masking() {
        let masked = |s: &str| Email::parse(s).unwrap().masked();
        assert_eq!(masked("jean.dupont@example.fr"), "j•••@e•••.fr");
        assert_eq!(masked("x@sub.domain.co.uk"), "x•••@s•••.uk");
    }

    #[test]
    fn distance() {
        assert_eq!(edit_distance("gmial.com", "gmail.com", 2), Some(1));
        assert_eq!(edit_distance("gmail.com", "gmail.com", 2), Some(0));
        assert_eq!(edit_distance("orange.fr", "orange.com", 2), None);
        assert_eq!(edit_distance("", "ab", 2), Some(2));
    }

    #[test]
    fn debug_is_redacted() {
        let text = format!("{:?}", Email::parse("jean@example.fr").unwrap());
        assert_eq!(text, "Email(<redacted>)");
    }
}
