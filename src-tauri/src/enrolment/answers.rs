//! The answers the session sends to the screen, and its refusals (`{code, field, key}`).
//!
//! They carry the NIR, an e-mail or every value of a step on their way to the screen only:
//! their `Debug` shows the step, never a value, so a `?answer` in a log line cannot leak them.

use enrol_core::{code, Department, Invalid, VerificationItem};
use serde::Serialize;

use super::session::Step;

/// Why a session method refused: always the `{code, field, key}` list for the screen.
pub type Refusal = Vec<Invalid>;

/// A refusal that concerns no field (`session.expired`, `system.unavailable`...).
pub fn general(code: &'static str) -> Refusal {
    vec![Invalid::general(code)]
}

pub(crate) fn out_of_order() -> Refusal {
    general(code::SESSION_OUT_OF_ORDER)
}

pub(crate) fn unavailable(error: impl std::fmt::Display) -> Refusal {
    // The error names the store's failure, never a value.
    tracing::error!(%error, "secret store failure");
    general(code::SYSTEM_UNAVAILABLE)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NirAccepted {
    pub next: Step,
    pub nir_display: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Next {
    pub next: Step,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_suggestion: Option<String>,
}

impl Next {
    pub(crate) fn to(next: Step) -> Next {
        Next {
            next,
            email_suggestion: None,
        }
    }
}

/// The values of an answered step, to fill its screen again (back link, « Modifier »).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepValues {
    pub step: Step,
    pub values: serde_json::Value,
    pub from_review: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DepartmentView {
    pub code: &'static str,
    pub name: &'static str,
    pub caisse: &'static str,
}

impl From<Department> for DepartmentView {
    fn from(department: Department) -> Self {
        DepartmentView {
            code: department.code(),
            name: department.name(),
            caisse: department.caisse().name,
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VerificationView {
    pub kind: String,
    pub masked: String,
}

/// Everything the review screen shows. Personal data, on its way to the screen only.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Review {
    pub nir: String,
    pub last_name: String,
    pub first_name: String,
    pub birth_date: String,
    /// `None`: « Je n'ai pas d'adresse e-mail » (the screen says « par courrier »).
    pub email: Option<String>,
    pub phone: Option<String>,
    pub verification: VerificationView,
    pub department: DepartmentView,
}

impl std::fmt::Debug for Review {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Review(<redacted>)")
    }
}

// The answers to the screen carry the NIR, an e-mail or every value of a step: their `Debug`
// shows the step only, so a `?answer` in a log line cannot leak them.
impl std::fmt::Debug for NirAccepted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NirAccepted {{ next: {:?}, <redacted> }}", self.next)
    }
}

impl std::fmt::Debug for Next {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Next {{ next: {:?}, <redacted> }}", self.next)
    }
}

impl std::fmt::Debug for StepValues {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StepValues {{ step: {:?}, <redacted> }}", self.step)
    }
}

/// A mobile as people in France write it, in the national form of its region
/// (`06 12 34 56 78`, `0693 45 67 89` for La Réunion, `0690 12 34 56` for Guadeloupe), never
/// its E.164 form: `+262…` is not a number the person recognises as theirs (issue 12).
pub(crate) fn national_display(phone: &enrol_core::MobilePhone) -> String {
    phone.national()
}

/// The values of the verification step's screen for `item`, chosen as `kind`.
pub(crate) fn verification_values(kind: &str, item: &VerificationItem) -> serde_json::Value {
    match item {
        VerificationItem::VitaleSerial(serial) => {
            serde_json::json!({ "kind": kind, "value": serial.digits() })
        }
        VerificationItem::ChildBirthDate(date) => serde_json::json!({
            "kind": kind,
            "day": date.day().to_string(),
            "month": u8::from(date.month()).to_string(),
            "year": date.year().to_string(),
        }),
        VerificationItem::PaymentAmount(amount) => serde_json::json!({
            "kind": kind,
            "value": format!("{},{:02}", amount.cents() / 100, amount.cents() % 100),
        }),
        VerificationItem::None => serde_json::json!({ "kind": kind }),
    }
}
