//! The backend HTTP contract (docs/contracts.md §3; `docs/openapi.yaml` is authoritative).
//!
//! Plain serde types: values are strings as the kiosk sends them, so the backend can
//! deserialise any body and then re-validate it with the same rules
//! ([`crate::Enrolment::from_wire`]). The kiosk is trusted on neither side.

use crate::date::iso;
use crate::error::Invalid;
use crate::verification::{CardKind, VerificationItem};
use serde::{Deserialize, Serialize};
use std::fmt;

/// `POST /v1/enrolments` body.
///
/// Holds the NIR and the verification secret: `Debug` is redacted, never log it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnrolmentRequest {
    /// Short reference shown to the person (« K7Q2-9DF3 »).
    pub reference: String,
    pub kiosk_id: String,
    /// The 13 characters, upper case, no key.
    pub nir: String,
    /// The key, two digits "01".."97".
    pub nir_key: String,
    pub last_name: String,
    pub first_name: String,
    /// ISO date `YYYY-MM-DD`.
    pub birth_date: String,
    /// Absent or null: the person has no e-mail address, the password goes by post
    /// (the answer is then `postal`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// E.164 (`+33612345678`); absent or null when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    pub verification: WireVerification,
    /// Code of the département of the person's MSA ("44", "2A").
    pub department: String,
    /// `sha256:<16 hex>` of the CGU text accepted.
    pub cgu_version: String,
}

impl fmt::Debug for EnrolmentRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Only what is not personal data.
        f.debug_struct("EnrolmentRequest")
            .field("reference", &self.reference)
            .field("kiosk_id", &self.kiosk_id)
            .field("verification", &self.verification)
            .field("department", &self.department)
            .field("cgu_version", &self.cgu_version)
            .finish_non_exhaustive()
    }
}

/// The one verification item, tagged on `"kind"`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum WireVerification {
    /// `{"kind":"vitaleSerial","card":"photo"|"noPhoto","serial":"12345678901"}`; for a
    /// photo card the serial is the 11 digits after the printed prefix `8025000002`.
    VitaleSerial { card: CardKind, serial: String },
    /// `{"kind":"childBirthDate","date":"YYYY-MM-DD"}`
    ChildBirthDate { date: String },
    /// `{"kind":"paymentAmount","cents":12345}`; signed so that a bad value reaches the
    /// rules (and their `amount.*` codes) instead of failing deserialisation.
    PaymentAmount { cents: i64 },
    /// `{"kind":"none"}`: « Je n'ai aucune de ces informations ».
    None,
}

impl WireVerification {
    /// The `kind` tag as on the wire.
    pub fn kind(&self) -> &'static str {
        match self {
            WireVerification::VitaleSerial { .. } => "vitaleSerial",
            WireVerification::ChildBirthDate { .. } => "childBirthDate",
            WireVerification::PaymentAmount { .. } => "paymentAmount",
            WireVerification::None => "none",
        }
    }
}

impl From<&VerificationItem> for WireVerification {
    /// The wire form of a parsed item (docs/contracts.md §3).
    fn from(item: &VerificationItem) -> Self {
        match item {
            VerificationItem::VitaleSerial(s) => WireVerification::VitaleSerial {
                card: s.card(),
                serial: s.digits().to_owned(),
            },
            VerificationItem::ChildBirthDate(d) => {
                WireVerification::ChildBirthDate { date: iso(*d) }
            }
            VerificationItem::PaymentAmount(a) => WireVerification::PaymentAmount {
                cents: i64::from(a.cents()),
            },
            VerificationItem::None => WireVerification::None,
        }
    }
}

impl fmt::Debug for WireVerification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The secret itself is never printed.
        write!(f, "WireVerification({}, <redacted>)", self.kind())
    }
}

/// The backend's answer, tagged on `"outcome"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum EnrolmentAnswer {
    /// 200: secret matched; account created; password e-mailed.
    #[serde(rename_all = "camelCase")]
    Verified {
        reference: String,
        masked_email: String,
    },
    /// 200: no item, no match, or too many tries for this NIR; password by post.
    Postal { reference: String },
    /// 409: an account exists for this NIR.
    AlreadyEnrolled { reference: String },
    /// 422: the same codes as the core.
    Invalid { errors: Vec<WireError> },
    /// 422: same idempotency key, other body (a kiosk bug).
    IdempotencyKeyReused,
    /// 401: missing or wrong kiosk token.
    Unauthorized,
    /// 429 + `Retry-After`.
    Throttled,
    /// 503 + `Retry-After`.
    Unavailable,
}

impl EnrolmentAnswer {
    /// The `"outcome"` tag of this answer, for logs and statistics (no personal data).
    pub fn outcome(&self) -> &'static str {
        match self {
            EnrolmentAnswer::Verified { .. } => "verified",
            EnrolmentAnswer::Postal { .. } => "postal",
            EnrolmentAnswer::AlreadyEnrolled { .. } => "alreadyEnrolled",
            EnrolmentAnswer::Invalid { .. } => "invalid",
            EnrolmentAnswer::IdempotencyKeyReused => "idempotencyKeyReused",
            EnrolmentAnswer::Unauthorized => "unauthorized",
            EnrolmentAnswer::Throttled => "throttled",
            EnrolmentAnswer::Unavailable => "unavailable",
        }
    }

    /// The HTTP status that goes with this answer (docs/contracts.md §3 table).
    pub fn http_status(&self) -> u16 {
        match self {
            EnrolmentAnswer::Verified { .. } | EnrolmentAnswer::Postal { .. } => 200,
            EnrolmentAnswer::AlreadyEnrolled { .. } => 409,
            EnrolmentAnswer::Invalid { .. } | EnrolmentAnswer::IdempotencyKeyReused => 422,
            EnrolmentAnswer::Unauthorized => 401,
            EnrolmentAnswer::Throttled => 429,
            EnrolmentAnswer::Unavailable => 503,
        }
    }

    /// Whether the kiosk should keep the enrolment and retry later (401, 429, 503).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            EnrolmentAnswer::Unauthorized
                | EnrolmentAnswer::Throttled
                | EnrolmentAnswer::Unavailable
        )
    }

    /// `invalid` answer from the core's errors.
    pub fn invalid(errors: &[Invalid]) -> Self {
        EnrolmentAnswer::Invalid {
            errors: errors.iter().map(WireError::from).collect(),
        }
    }
}

impl EnrolmentAnswer {
    /// Whether this answer refuses the enrolment for good (409 `alreadyEnrolled`, 422 `invalid`,
    /// 422 `idempotencyKeyReused`): nobody will create the account from this request. Who then
    /// owns the enrolment depends on [`AnswerBody::follow_up`] (docs/contracts.md §3
    /// « Who owns an enrolment »).
    pub fn is_permanent_refusal(&self) -> bool {
        matches!(
            self,
            EnrolmentAnswer::AlreadyEnrolled { .. }
                | EnrolmentAnswer::Invalid { .. }
                | EnrolmentAnswer::IdempotencyKeyReused
        )
    }
}

/// `"followUp"` of a permanent refusal: whether the backend took charge of the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FollowUp {
    /// The backend recorded a counsellor follow-up (and wrote to the person where it could):
    /// the kiosk may delete its copy.
    Recorded,
    /// Any value this version does not know: treated as « not recorded », so the kiosk keeps
    /// its copy (the safe side).
    #[serde(other)]
    Unknown,
}

/// A whole answer body as on the wire: the outcome, and for a permanent refusal whether the
/// backend recorded a follow-up (`{"outcome":"invalid","errors":[…],"followUp":"recorded"}`).
/// A body without `followUp` (an older backend) reads as `follow_up: None`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerBody {
    #[serde(flatten)]
    pub answer: EnrolmentAnswer,
    #[serde(rename = "followUp", default, skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<FollowUp>,
}

impl AnswerBody {
    /// An answer without a follow-up.
    pub fn plain(answer: EnrolmentAnswer) -> Self {
        AnswerBody {
            answer,
            follow_up: None,
        }
    }

    /// Whether the backend owns this enrolment from now on: a final acceptance (200), or a
    /// permanent refusal with a follow-up recorded. `false` for a refusal without one: the
    /// kiosk must keep the enrolment (« needs attention »), and for the answers to retry.
    pub fn backend_owns_it(&self) -> bool {
        match &self.answer {
            EnrolmentAnswer::Verified { .. } | EnrolmentAnswer::Postal { .. } => true,
            a if a.is_permanent_refusal() => self.follow_up == Some(FollowUp::Recorded),
            _ => false,
        }
    }
}

/// `{code, field, key}` as received over HTTP (strings, since the other side may be newer).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WireError {
    pub code: String,
    pub field: Option<String>,
    pub key: String,
}

impl From<&Invalid> for WireError {
    fn from(e: &Invalid) -> Self {
        WireError {
            code: e.code.to_owned(),
            field: e.field.map(|f| f.as_str().to_owned()),
            key: e.key(),
        }
    }
}

impl From<Invalid> for WireError {
    fn from(e: Invalid) -> Self {
        WireError::from(&e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{code, Field};
    use serde_json::json;

    fn sample() -> EnrolmentRequest {
        EnrolmentRequest {
            reference: "K7Q2-9DF3".into(),
            kiosk_id: "agence-44-01".into(),
            nir: "1841276451089".into(),
            nir_key: "46".into(),
            last_name: "Dupont".into(),
            first_name: "Jean".into(),
            birth_date: "1984-12-03".into(),
            email: Some("jean.dupont@example.fr".into()),
            phone: Some("+33612345678".into()),
            verification: WireVerification::VitaleSerial {
                card: CardKind::Photo,
                serial: "12345678901".into(),
            },
            department: "44".into(),
            cgu_version: "sha256:0123456789abcdef".into(),
        }
    }

    #[test]
    fn the_outcome_name_is_the_serialised_tag() {
        let reference = || "K7Q2-9DF3".to_owned();
        for answer in [
            EnrolmentAnswer::Verified {
                reference: reference(),
                masked_email: "j•••@e•••.fr".into(),
            },
            EnrolmentAnswer::Postal {
                reference: reference(),
            },
            EnrolmentAnswer::AlreadyEnrolled {
                reference: reference(),
            },
            EnrolmentAnswer::Invalid { errors: vec![] },
            EnrolmentAnswer::IdempotencyKeyReused,
            EnrolmentAnswer::Unauthorized,
            EnrolmentAnswer::Throttled,
            EnrolmentAnswer::Unavailable,
        ] {
            let tag = serde_json::to_value(&answer).unwrap()["outcome"].clone();
            assert_eq!(tag, answer.outcome(), "{answer:?}");
        }
    }

    #[test]
    fn request_matches_the_contract_example() {
        let expected = json!({"reference": "K7Q2-9DF3", "kioskId": "agence-44-01",
            "nir": "1841276451089", "nirKey": "46", "lastName": "Dupont", "firstName": "Jean",
            "birthDate": "1984-12-03", "email": "jean.dupont@example.fr", "phone": "+33612345678",
            "verification": {"kind": "vitaleSerial", "card": "photo", "serial": "12345678901"},
            "department": "44", "cguVersion": "sha256:0123456789abcdef"});
        assert_eq!(serde_json::to_value(sample()).unwrap(), expected);
        let back: EnrolmentRequest = serde_json::from_value(expected).unwrap();
        assert_eq!(back, sample());
    }

    #[test]
    fn phone_may_be_absent_or_null() {
        let mut v = serde_json::to_value(sample()).unwrap();
        v["phone"] = serde_json::Value::Null;
        let r: EnrolmentRequest = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(r.phone, None);
        v.as_object_mut().unwrap().remove("phone");
        let r: EnrolmentRequest = serde_json::from_value(v).unwrap();
        assert_eq!(r.phone, None);
        assert!(serde_json::to_value(&r).unwrap().get("phone").is_none());
    }

    #[test]
    fn verification_variants() {
        let cases = [
            (
                WireVerification::VitaleSerial {
                    card: CardKind::NoPhoto,
                    serial: "01024576124".into(),
                },
                json!({"kind": "vitaleSerial", "card": "noPhoto", "serial": "01024576124"}),
            ),
            (
                WireVerification::ChildBirthDate {
                    date: "2010-05-01".into(),
                },
                json!({"kind": "childBirthDate", "date": "2010-05-01"}),
            ),
            (
                WireVerification::PaymentAmount { cents: 12345 },
                json!({"kind": "paymentAmount", "cents": 12345}),
            ),
            (WireVerification::None, json!({"kind": "none"})),
        ];
        for (value, json) in cases {
            assert_eq!(serde_json::to_value(&value).unwrap(), json);
            assert_eq!(
                serde_json::from_value::<WireVerification>(json).unwrap(),
                value
            );
        }
    }

    #[test]
    fn answers_match_the_contract() {
        let cases = [
            (
                EnrolmentAnswer::Verified {
                    reference: "K7Q2-9DF3".into(),
                    masked_email: "j•••@e•••.fr".into(),
                },
                json!({"outcome": "verified", "reference": "K7Q2-9DF3", "maskedEmail": "j•••@e•••.fr"}),
                200,
            ),
            (
                EnrolmentAnswer::Postal {
                    reference: "R".into(),
                },
                json!({"outcome": "postal", "reference": "R"}),
                200,
            ),
            (
                EnrolmentAnswer::AlreadyEnrolled {
                    reference: "R".into(),
                },
                json!({"outcome": "alreadyEnrolled", "reference": "R"}),
                409,
            ),
            (
                EnrolmentAnswer::invalid(&[Invalid::new(Field::Nir, code::NIR_CHECKSUM)]),
                json!({"outcome": "invalid", "errors": [
                    {"code": "nir.checksum", "field": "nir", "key": "error.nir.checksum"}]}),
                422,
            ),
            (
                EnrolmentAnswer::IdempotencyKeyReused,
                json!({"outcome": "idempotencyKeyReused"}),
                422,
            ),
            (
                EnrolmentAnswer::Unauthorized,
                json!({"outcome": "unauthorized"}),
                401,
            ),
            (
                EnrolmentAnswer::Throttled,
                json!({"outcome": "throttled"}),
                429,
            ),
            (
                EnrolmentAnswer::Unavailable,
                json!({"outcome": "unavailable"}),
                503,
            ),
        ];
        for (answer, json, status) in cases {
            assert_eq!(serde_json::to_value(&answer).unwrap(), json);
            assert_eq!(
                serde_json::from_value::<EnrolmentAnswer>(json).unwrap(),
                answer
            );
            assert_eq!(answer.http_status(), status);
        }
    }

    #[test]
    fn answer_body_carries_the_follow_up() {
        let body = AnswerBody {
            answer: EnrolmentAnswer::invalid(&[Invalid::new(Field::Nir, code::NIR_CHECKSUM)]),
            follow_up: Some(FollowUp::Recorded),
        };
        let json = json!({"outcome": "invalid", "errors": [
            {"code": "nir.checksum", "field": "nir", "key": "error.nir.checksum"}],
            "followUp": "recorded"});
        assert_eq!(serde_json::to_value(&body).unwrap(), json);
        assert_eq!(serde_json::from_value::<AnswerBody>(json).unwrap(), body);
        assert!(body.backend_owns_it());
        // A unit variant flattens too.
        let reused = json!({"outcome": "idempotencyKeyReused", "followUp": "recorded"});
        let back: AnswerBody = serde_json::from_value(reused.clone()).unwrap();
        assert_eq!(back.answer, EnrolmentAnswer::IdempotencyKeyReused);
        assert_eq!(serde_json::to_value(&back).unwrap(), reused);
        // Older backends: no followUp, the kiosk keeps the refusal.
        let old: AnswerBody =
            serde_json::from_value(json!({"outcome": "alreadyEnrolled", "reference": "R"}))
                .unwrap();
        assert_eq!(old.follow_up, None);
        assert!(!old.backend_owns_it());
        assert_eq!(
            serde_json::to_value(&old).unwrap(),
            json!({"outcome": "alreadyEnrolled", "reference": "R"})
        );
        // A value from a newer backend is not taken for « recorded ».
        let newer: AnswerBody = serde_json::from_value(
            json!({"outcome": "alreadyEnrolled", "reference": "R", "followUp": "queued"}),
        )
        .unwrap();
        assert_eq!(newer.follow_up, Some(FollowUp::Unknown));
        assert!(!newer.backend_owns_it());
        // Acceptances are owned by the backend, retryable answers by nobody yet.
        assert!(AnswerBody::plain(EnrolmentAnswer::Postal {
            reference: "R".into()
        })
        .backend_owns_it());
        assert!(!AnswerBody::plain(EnrolmentAnswer::Throttled).backend_owns_it());
        // The plain EnrolmentAnswer still reads a body with followUp (older kiosks).
        let a: EnrolmentAnswer = serde_json::from_value(
            json!({"outcome": "alreadyEnrolled", "reference": "R", "followUp": "recorded"}),
        )
        .unwrap();
        assert!(a.is_permanent_refusal());
    }

    #[test]
    fn debug_is_redacted() {
        let text = format!("{:?}", sample());
        for secret in [
            "1841276451089",
            "Dupont",
            "Jean",
            "jean.dupont",
            "12345678901",
            "1984",
        ] {
            assert!(!text.contains(secret), "{secret} leaked in {text}");
        }
    }
}
