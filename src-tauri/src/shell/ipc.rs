//! What crosses the IPC boundary besides the session's own answers: the one error contract
//! `{errors: [{code, field, key}]}`, and the small answers the shell builds itself (contract:
//! `docs/contracts.md`). Nothing personal is built here.

use enrol_core::{Department, IdentityForm, Invalid};
use serde::Serialize;

use crate::config::{Config, IdleConfig, Mode};
use crate::enrolment::answers::{DepartmentView, Refusal, Review};
use crate::enrolment::cgu::{CguBlock, CguText};
use crate::enrolment::session::Step;

/// The rejection the webview receives: `{errors: [{code, field, key}]}`.
#[derive(Debug, Serialize)]
pub struct CommandError {
    errors: Vec<Invalid>,
}

impl From<Refusal> for CommandError {
    fn from(errors: Refusal) -> Self {
        CommandError { errors }
    }
}

/// What every command returns.
pub type Answer<T> = Result<T, CommandError>;

/// The kiosk's settings the wizard needs to lay out its screens. Nothing personal.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KioskInfo {
    version: &'static str,
    mode: &'static str,
    languages: Vec<String>,
    agency_department: Option<String>,
    idle_seconds: u64,
    idle_warning_seconds: u64,
    confirmation_return_seconds: u64,
    on_screen_keyboard: bool,
    /// Step 7's receipt: `"off"` (no printer), `"button"` (« Imprimer mon reçu »), `"auto"`.
    receipt_print: &'static str,
}

impl KioskInfo {
    pub fn of(config: &Config, receipt_print: &'static str) -> KioskInfo {
        KioskInfo {
            version: env!("CARGO_PKG_VERSION"),
            mode: config.mode.as_str(),
            languages: config.languages.clone(),
            agency_department: config.agency_department.clone(),
            idle_seconds: config.idle.idle.as_secs(),
            idle_warning_seconds: config.idle.warning.as_secs(),
            confirmation_return_seconds: config.idle.confirmation_return.as_secs(),
            on_screen_keyboard: config.mode == Mode::Kiosk,
            receipt_print,
        }
    }
}

/// `print_receipt`'s answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Printed {
    pub printed: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Started {
    pub step: Step,
}

/// Step 3's fields as the IPC contract names them; a missing one is empty, and refused by the
/// rules with a message tied to its field rather than failing in the IPC layer.
#[allow(clippy::too_many_arguments)] // one per field of the screen
pub fn identity_form(
    last_name: Option<String>,
    first_name: Option<String>,
    birth_day: Option<String>,
    birth_month: Option<String>,
    birth_year: Option<String>,
    email: Option<String>,
    no_email: Option<bool>,
    phone: Option<String>,
) -> IdentityForm {
    IdentityForm {
        last_name: last_name.unwrap_or_default(),
        first_name: first_name.unwrap_or_default(),
        birth_day: birth_day.unwrap_or_default(),
        birth_month: birth_month.unwrap_or_default(),
        birth_year: birth_year.unwrap_or_default(),
        email: email.unwrap_or_default(),
        no_email: no_email.unwrap_or(false),
        phone,
    }
}

/// Step 5's list: the agency's département first when the configuration names one.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DepartmentList {
    agency: Option<DepartmentView>,
    all: Vec<DepartmentView>,
}

impl DepartmentList {
    pub fn for_agency(agency_department: Option<&str>) -> DepartmentList {
        DepartmentList {
            agency: agency_department
                .and_then(|code| Department::parse(code).ok())
                .map(DepartmentView::from),
            all: Department::all().map(DepartmentView::from).collect(),
        }
    }
}

/// The review screen: every answer, and the terms to accept in the screen's language.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewAnswer {
    #[serde(flatten)]
    review: Review,
    cgu: CguView,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CguView {
    version: String,
    /// The language of the text sent (French when the screen's has none): the box's `lang`.
    language: &'static str,
    text: &'static str,
    blocks: &'static [CguBlock],
}

impl ReviewAnswer {
    pub fn new(review: Review, cgu: &CguText) -> ReviewAnswer {
        ReviewAnswer {
            review,
            cgu: CguView {
                version: cgu.version.as_str().to_owned(),
                language: cgu.language,
                text: cgu.text,
                blocks: cgu.blocks,
            },
        }
    }
}

/// The idle delays, sent back on every sign of activity.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Timings {
    idle_seconds: u64,
    idle_warning_seconds: u64,
}

impl Timings {
    pub fn of(idle: &IdleConfig) -> Timings {
        Timings {
            idle_seconds: idle.idle.as_secs(),
            idle_warning_seconds: idle.warning.as_secs(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use enrol_core::code;

    #[test]
    fn the_rejection_is_the_one_error_contract() {
        let error = CommandError::from(vec![Invalid::new(
            enrol_core::Field::Nir,
            code::NIR_CHECKSUM,
        )]);
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            serde_json::json!({"errors": [{"code": "nir.checksum", "field": "nir", "key": "error.nir.checksum"}]})
        );
    }
}
