//! The wizard's commands: each takes the state, calls one function of a Tauri-free module
//! (`enrolment::Desk`, `enrolment::submit`) and maps its answer (`ipc`).
//!
//! Every argument is hostile: it arrives as plain strings (an optional one is read as empty and
//! refused by the rules on its field), is parsed by `enrol-core`, and only the parsed values go
//! further. Every refusal is the one contract `{errors: [{code, field, key}]}`. No argument is
//! ever logged.

use enrol_core::{code, VerificationForm};
use tauri::{AppHandle, Manager, Runtime, State};

use super::ipc::{
    identity_form, Answer, DepartmentList, KioskInfo, Printed, ReviewAnswer, Started, Timings,
};
use super::state::AppState;
use super::window;
use crate::enrolment::answers::{general, Next, NirAccepted, StepValues};
use crate::enrolment::session::Step;
use crate::enrolment::submit::{self, Confirmation, TermsAnswer};
use crate::ops::availability::{Availability, Reason};
use crate::ops::clock::today;
use crate::receipt::Lang;
use crate::speech::{Change, Said, SpeechState, Utterance};

#[tauri::command]
pub fn kiosk_info(state: State<'_, AppState>) -> KioskInfo {
    // The page has this from `window.__MSA_BOOT__` (shell/window.rs); asked only without it.
    crate::ops::startup::mark("page");
    KioskInfo::of(&state.config, state.receipts.print_mode())
}

/// `{state: "ready"}` or `{state: "unavailable", reason}`; changes come as the
/// `availability-changed` event (`shell::heal`).
#[tauri::command]
pub fn kiosk_availability(state: State<'_, AppState>) -> Availability {
    // The page's first command, once it listens to the changes: it has drawn its first screen.
    crate::ops::startup::mark("page");
    state.availability.current()
}

#[tauri::command]
pub async fn start_session(state: State<'_, AppState>) -> Answer<Started> {
    // « Borne non configurée »: its own code, so that the page never offers to wait.
    if state.availability.holds(Reason::NotConfigured) {
        return Err(general(code::SYSTEM_NOT_CONFIGURED).into());
    }
    // The gate and the availability are read under the session lock: see updater::InstallGate.
    let step = state.desk.start(|| state.may_start())?;
    state.receipts.forget();
    Ok(Started { step })
}

#[tauri::command]
pub async fn cancel_session<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Answer<()> {
    let cancelled = state.desk.cancel();
    // A help call of this session ends with it.
    if state.help.holds() {
        super::help::end_call(&state);
    }
    state.receipts.forget();
    window::clear_browsing_data(&app);
    // What the session freed, back to the system rather than kept by the allocator (issue 18).
    tauri::async_runtime::spawn_blocking(crate::ops::memory::release_free_pages);
    cancelled?;
    Ok(())
}

#[tauri::command]
pub async fn submit_nir(state: State<'_, AppState>, nir: Option<String>) -> Answer<NirAccepted> {
    let nir = nir.unwrap_or_default();
    Ok(state
        .desk
        .with_session(|s, store| s.submit_nir(store, &nir))?)
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
    no_email: Option<bool>,
    phone: Option<String>,
    keep_email_as_typed: Option<bool>,
) -> Answer<Next> {
    let form = identity_form(
        last_name,
        first_name,
        birth_day,
        birth_month,
        birth_year,
        email,
        no_email,
        phone,
    );
    let keep = keep_email_as_typed.unwrap_or(false);
    Ok(state
        .desk
        .with_session(|s, store| s.submit_identity(store, &form, keep, today()))?)
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
    Ok(state
        .desk
        .with_session(|s, store| s.submit_verification(store, &form, today()))?)
}

#[tauri::command]
pub async fn list_departments(state: State<'_, AppState>) -> Answer<DepartmentList> {
    Ok(DepartmentList::for_agency(
        state.config.agency_department.as_deref(),
    ))
}

#[tauri::command]
pub async fn submit_department(state: State<'_, AppState>, code: Option<String>) -> Answer<Next> {
    let code = code.unwrap_or_default();
    Ok(state.desk.with_session(|s, _| s.submit_department(&code))?)
}

#[tauri::command]
pub async fn open_step(state: State<'_, AppState>, step: Option<String>) -> Answer<StepValues> {
    let step = Step::named(step.as_deref().unwrap_or(""))
        .ok_or_else(|| general(code::SESSION_OUT_OF_ORDER))?;
    Ok(state
        .desk
        .with_session(|s, store| s.open_step(store, step, today()))?)
}

#[tauri::command]
pub async fn review_summary(
    state: State<'_, AppState>,
    lang: Option<String>,
) -> Answer<ReviewAnswer> {
    let review = state.desk.with_session(|s, store| s.review(store))?;
    Ok(ReviewAnswer::new(
        review,
        state.cgu.for_language(lang.as_deref()),
    ))
}

/// « Valider mon inscription »: see `enrolment::submit`.
#[tauri::command]
pub async fn submit_enrolment(
    state: State<'_, AppState>,
    accept_terms: Option<bool>,
    cgu_version: Option<String>,
) -> Answer<Confirmation> {
    let terms = TermsAnswer {
        accepted: accept_terms.unwrap_or(false),
        version_shown: cgu_version.unwrap_or_default(),
    };
    // A session starts only once the outbox is open, so this refusal is a safety net.
    let dispatch = state
        .dispatch()
        .ok_or_else(|| general(code::SYSTEM_UNAVAILABLE))?;
    Ok(submit::submit_enrolment(&state.desk, &dispatch, &terms, today()).await?)
}

#[tauri::command]
pub async fn report_activity(state: State<'_, AppState>) -> Answer<Timings> {
    state.desk.with_session(|_, _| Ok(()))?;
    Ok(Timings::of(&state.config.idle))
}

/// « Imprimer mon reçu » (or step 7 itself in `auto` mode): prints the confirmed enrolment's
/// receipt. Only on the confirmation screen; any failure is `system.unavailable`, and the
/// screen tells the person to note the reference instead.
#[tauri::command]
pub async fn print_receipt(state: State<'_, AppState>, lang: Option<String>) -> Answer<Printed> {
    state.desk.with_session(|s, _| {
        if s.step() == Step::Confirmation {
            Ok(())
        } else {
            Err(general(code::SESSION_OUT_OF_ORDER))
        }
    })?;
    state
        .receipts
        .print(Lang::from_code(lang.as_deref()))
        .await
        .map_err(|_| general(code::SYSTEM_UNAVAILABLE))?;
    Ok(Printed { printed: true })
}

/// « Écouter »: says `text` (what the screen shows) if speech is on. `kind` is `"screen"`,
/// `"spell"` (read character by character) or `"personal"` with its `field`; anything unclear is
/// personal. A personal value reaches the speech service only when headphones are plugged in
/// (`speech::privacy`). Never an error: a kiosk without a voice still enrols.
#[tauri::command]
pub async fn speech_say<R: Runtime>(
    app: AppHandle<R>,
    text: Option<String>,
    kind: Option<String>,
    field: Option<String>,
    lang: Option<String>,
    interrupt: Option<bool>,
) -> Answer<Said> {
    let utterance = Utterance::from_page(
        text,
        kind.as_deref(),
        field.as_deref(),
        lang.as_deref(),
        interrupt,
    );
    // The speech service's socket and the audio server's answer are blocking calls: off the
    // async workers that serve the wizard's other commands.
    let said = tauri::async_runtime::spawn_blocking(move || {
        app.state::<AppState>().speech.say(&utterance)
    })
    .await
    .unwrap_or(Said { spoken: false });
    Ok(said)
}

/// The person acted: silence the voice and drop its queue.
#[tauri::command]
pub async fn speech_stop<R: Runtime>(app: AppHandle<R>) -> Answer<()> {
    let _ =
        tauri::async_runtime::spawn_blocking(move || app.state::<AppState>().speech.stop()).await;
    Ok(())
}

/// Reads, and with arguments changes, speech for this session: `on` (« Écouter »), `rate`
/// (-100..=100), `volume` (0..=100). Answers `{enabled, on, rate, volume}`.
#[tauri::command]
pub async fn speech_settings(
    state: State<'_, AppState>,
    on: Option<bool>,
    rate: Option<i64>,
    volume: Option<i64>,
) -> Answer<SpeechState> {
    Ok(state.speech.change(Change { on, rate, volume }))
}
