//! The wizard's commands: thin adapters from IPC arguments to the session's methods.
//!
//! Every argument is hostile: it arrives as plain strings, is parsed by `enrol-core`, and only
//! the parsed values go further. Every refusal is the one contract `{errors: [{code, field, key}]}`.
//! No argument is ever logged.

use std::sync::MutexGuard;
use std::time::Instant;

use enrol_core::wire::EnrolmentAnswer;
use enrol_core::{code, Department, IdentityForm, Invalid, VerificationForm};
use serde::Serialize;
use tauri::State;
use uuid::Uuid;

use crate::delivery::worker::{now_ms, DeliveryHandle};
use crate::enrolment::session::{
    DepartmentView, Next, NirAccepted, Refusal, Review, Session, Step, StepValues,
};
use crate::AppState;

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

fn general(code: &'static str) -> CommandError {
    CommandError {
        errors: vec![Invalid::general(code)],
    }
}

type Answer<T> = Result<T, CommandError>;

fn today() -> time::Date {
    time::OffsetDateTime::now_local()
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
        .date()
}

fn lock(state: &AppState) -> MutexGuard<'_, Option<Session>> {
    // A panic while holding the lock must not brick the kiosk: the data is still consistent
    // (every method leaves the session whole), so take it back.
    state
        .session
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Runs `f` on the live session, after counting the call as activity.
fn with_session<T>(
    state: &AppState,
    f: impl FnOnce(&mut Session) -> Result<T, Refusal>,
) -> Answer<T> {
    let mut guard = lock(state);
    let session = guard
        .as_mut()
        .ok_or_else(|| general(code::SESSION_EXPIRED))?;
    session.touch(Instant::now());
    f(session).map_err(CommandError::from)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Started {
    step: Step,
}

#[tauri::command]
pub async fn start_session(state: State<'_, AppState>) -> Answer<Started> {
    let mut guard = lock(&state);
    // Checked under the session lock: see updater::InstallGate.
    if crate::updater::install_in_progress() {
        return Err(general(code::SYSTEM_UNAVAILABLE));
    }
    // A previous session is dropped (its values zero their memory); `start` sweeps the keyring.
    guard.take();
    let session = Session::start(state.store.as_ref(), Instant::now())?;
    let step = session.step();
    *guard = Some(session);
    tracing::info!("session started");
    Ok(Started { step })
}

#[tauri::command]
pub async fn cancel_session(app: tauri::AppHandle, state: State<'_, AppState>) -> Answer<()> {
    let previous = lock(&state).take();
    crate::shell::window::clear_browsing_data(&app);
    if let Some(session) = previous {
        session.wipe(state.store.as_ref())?;
        tracing::info!("session cancelled by the person");
    }
    Ok(())
}

// Arguments are optional strings: a missing one is parsed as empty and refused by the rules
// with a message tied to its field, rather than failing in the IPC layer.

#[tauri::command]
pub async fn submit_nir(state: State<'_, AppState>, nir: Option<String>) -> Answer<NirAccepted> {
    with_session(&state, |s| {
        s.submit_nir(state.store.as_ref(), nir.as_deref().unwrap_or(""))
    })
}

#[tauri::command]
#[allow(clippy::too_many_arguments)] // one per field of the screen, as the IPC contract names them
pub async fn submit_identity(
    state: State<'_, AppState>,
    last_name: Option<String>,
    first_name: Option<String>,
    birth_day: Option<String>,
    birth_month: Option<String>,
    birth_year: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    keep_email_as_typed: Option<bool>,
) -> Answer<Next> {
    let form = IdentityForm {
        last_name: last_name.unwrap_or_default(),
        first_name: first_name.unwrap_or_default(),
        birth_day: birth_day.unwrap_or_default(),
        birth_month: birth_month.unwrap_or_default(),
        birth_year: birth_year.unwrap_or_default(),
        email: email.unwrap_or_default(),
        phone,
    };
    with_session(&state, |s| {
        s.submit_identity(
            state.store.as_ref(),
            &form,
            keep_email_as_typed.unwrap_or(false),
            today(),
        )
    })
}

#[tauri::command]
pub async fn submit_verification(
    state: State<'_, AppState>,
    kind: Option<String>,
    value: Option<String>,
    day: Option<String>,
    month: Option<String>,
    year: Option<String>,
) -> Answer<Next> {
    let form = VerificationForm {
        kind: kind.unwrap_or_default(),
        value,
        day,
        month,
        year,
    };
    with_session(&state, |s| {
        s.submit_verification(state.store.as_ref(), &form, today())
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DepartmentList {
    agency: Option<DepartmentView>,
    all: Vec<DepartmentView>,
}

#[tauri::command]
pub async fn list_departments(state: State<'_, AppState>) -> Answer<DepartmentList> {
    let agency = state
        .config
        .agency_department
        .as_deref()
        .and_then(|code| Department::parse(code).ok())
        .map(DepartmentView::from);
    Ok(DepartmentList {
        agency,
        all: Department::all().map(DepartmentView::from).collect(),
    })
}

#[tauri::command]
pub async fn submit_department(state: State<'_, AppState>, code: Option<String>) -> Answer<Next> {
    with_session(&state, |s| {
        s.submit_department(code.as_deref().unwrap_or(""))
    })
}

#[tauri::command]
pub async fn open_step(state: State<'_, AppState>, step: Option<String>) -> Answer<StepValues> {
    let step: Step = serde_json::from_value(serde_json::Value::String(step.unwrap_or_default()))
        .map_err(|_| general(code::SESSION_OUT_OF_ORDER))?;
    with_session(&state, |s| s.open_step(state.store.as_ref(), step, today()))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewAnswer {
    #[serde(flatten)]
    review: Review,
    cgu: CguView,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CguView {
    version: String,
    text: &'static str,
}

#[tauri::command]
pub async fn review_summary(
    state: State<'_, AppState>,
    lang: Option<String>,
) -> Answer<ReviewAnswer> {
    let cgu = state.cgu.for_language(lang.as_deref());
    let review = with_session(&state, |s| s.review(state.store.as_ref()))?;
    Ok(ReviewAnswer {
        review,
        cgu: CguView {
            version: cgu.version.as_str().to_owned(),
            text: cgu.text,
        },
    })
}

/// What the confirmation screen says.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Confirmation {
    outcome: &'static str,
    reference: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    masked_email: Option<String>,
}

/// « Valider mon inscription »: queue durably first, then wait briefly for the MSA's answer.
#[tauri::command]
pub async fn submit_enrolment(
    state: State<'_, AppState>,
    accept_terms: Option<bool>,
    cgu_version: Option<String>,
) -> Answer<Confirmation> {
    let reference = crate::enrolment::reference::new_reference();
    let idempotency_key = Uuid::new_v4();
    let answers = state.delivery.subscribe();
    let versions = state.cgu.versions();
    let request = with_session(&state, |session| {
        let enrolment = session.assemble(
            state.store.as_ref(),
            accept_terms.unwrap_or(false),
            cgu_version.as_deref().unwrap_or(""),
            &versions,
            today(),
        )?;
        Ok(enrolment.to_wire(&reference, &state.config.kiosk_id))
    })?;
    // Durable before anything is confirmed on screen.
    if let Err(error) = state
        .outbox
        .enqueue(idempotency_key, &request, now_ms())
        .await
    {
        tracing::error!(%error, "could not queue an enrolment");
        return Err(general(code::SYSTEM_UNAVAILABLE));
    }
    drop(request);
    tracing::info!(%reference, "enrolment queued");
    if let Some(session) = lock(&state).as_mut() {
        session.confirmed(state.store.as_ref(), Instant::now())?;
    }
    state.delivery.wake();
    let answer =
        DeliveryHandle::answer_for(answers, &reference, state.config.backend.submit_wait).await;
    Ok(confirmation(reference, answer))
}

fn confirmation(reference: String, answer: Option<EnrolmentAnswer>) -> Confirmation {
    let (outcome, masked_email) = match answer {
        Some(EnrolmentAnswer::Verified { masked_email, .. }) => ("email", Some(masked_email)),
        Some(EnrolmentAnswer::Postal { .. }) => ("postal", None),
        Some(EnrolmentAnswer::AlreadyEnrolled { .. }) => ("alreadyEnrolled", None),
        Some(EnrolmentAnswer::Invalid { .. } | EnrolmentAnswer::IdempotencyKeyReused) => {
            ("counsellor", None)
        }
        // Not answered in time, or only a retryable answer: it is safe in the outbox.
        Some(_) | None => ("queued", None),
    };
    Confirmation {
        outcome,
        reference,
        masked_email,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Timings {
    idle_seconds: u64,
    idle_warning_seconds: u64,
}

#[tauri::command]
pub async fn report_activity(state: State<'_, AppState>) -> Answer<Timings> {
    with_session(&state, |_| Ok(()))?;
    Ok(Timings {
        idle_seconds: state.config.idle.idle.as_secs(),
        idle_warning_seconds: state.config.idle.warning.as_secs(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn answers_map_to_what_the_confirmation_says() {
        let verified = EnrolmentAnswer::Verified {
            reference: "R".into(),
            masked_email: "j•••@e•••.fr".into(),
        };
        assert_eq!(confirmation("R".into(), Some(verified)).outcome, "email");
        assert_eq!(confirmation("R".into(), None).outcome, "queued");
        assert_eq!(
            confirmation("R".into(), Some(EnrolmentAnswer::Unavailable)).outcome,
            "queued"
        );
        assert_eq!(
            confirmation("R".into(), Some(EnrolmentAnswer::IdempotencyKeyReused)).outcome,
            "counsellor"
        );
    }
}
