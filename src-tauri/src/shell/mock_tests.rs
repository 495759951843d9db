//! The twelve commands through Tauri's mock runtime (`tauri::test`): the real invoke handler
//! with its argument parsing, the real state and idle clock, an outbox in a temporary folder and
//! the in-memory secret store (the OS keyring itself is tested in `tests/keyring_store.rs`, the
//! webview in the e2e tests). No display: the whole file runs in well under a second.
//!
//! Longer than 400 lines: one test per kind of misuse of the commands, on one rig.

use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::time::Duration;

use enrol_core::code;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{
    get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY,
};
use tauri::webview::InvokeRequest;
use tauri::{Listener, Manager, WebviewWindow, WebviewWindowBuilder};

use super::{build_app, serve, AppState};
use crate::config::Config;
use crate::delivery::outbox::{Outbox, OutboxKey};
use crate::secrets::MemoryStore;

/// A kiosk on the mock runtime, its page, and what the tests look at behind the commands.
struct Kiosk {
    app: tauri::App<MockRuntime>,
    page: WebviewWindow<MockRuntime>,
    store: Arc<MemoryStore>,
    outbox: Outbox,
    _dir: tempfile::TempDir,
}

impl Kiosk {
    fn new() -> Kiosk {
        Kiosk::with(|_| {})
    }

    /// `adjust` changes the state (configuration, gate, idle tick) before the app starts.
    fn with(adjust: impl FnOnce(&mut AppState)) -> Kiosk {
        let dir = tempfile::tempdir().unwrap();
        let outbox = tauri::async_runtime::block_on(Outbox::open(
            &dir.path().join("outbox.db"),
            &OutboxKey::random(),
        ))
        .unwrap();
        let store = Arc::new(MemoryStore::default());
        let mut config = Config::defaults();
        // Nobody answers « Valider » here: say « queued » quickly.
        config.backend.submit_wait = Duration::from_millis(20);
        let mut state = AppState::new(config, store.clone(), outbox.clone());
        adjust(&mut state);
        let mut app = build_app(mock_builder(), move |app| {
            serve(app, state);
            Ok(())
        })
        .build(mock_context(noop_assets()))
        .unwrap();
        // Runs the app's setup, as `run` would on its first event; the mock runtime's
        // iteration itself does nothing (`run` would never return).
        #[allow(deprecated)]
        app.run_iteration(|_, _| {});
        let page = WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
        Kiosk {
            app,
            page,
            store,
            outbox,
            _dir: dir,
        }
    }

    /// Invokes `command` with `args` as `ui/js/ipc.js` does: the answer, or the rejection.
    fn call(&self, command: &str, args: Value) -> Result<Value, Value> {
        call(&self.page, command, args)
    }

    fn ok(&self, command: &str, args: Value) -> Value {
        self.call(command, args)
            .unwrap_or_else(|error| panic!("{command} refused: {error}"))
    }

    /// The codes of the `{errors: [{code, field, key}]}` rejection, `field` joined as `code@field`.
    fn refused(&self, command: &str, args: Value) -> Vec<String> {
        refusal_codes(command, self.call(command, args))
    }

    fn pending(&self) -> i64 {
        tauri::async_runtime::block_on(self.outbox.pending_count()).unwrap()
    }

    /// Steps 1 to 6 with Élodie's answers, the review shown.
    fn to_review(&self) -> Value {
        self.ok("start_session", json!({}));
        self.ok("submit_nir", json!({ "nir": "2 84 12 76 451 089" }));
        assert_eq!(
            self.ok("submit_identity", identity())["next"],
            "verification"
        );
        self.ok(
            "submit_verification",
            json!({ "kind": "paymentAmount", "value": "123,45" }),
        );
        assert_eq!(
            self.ok("submit_department", json!({ "code": "44" }))["next"],
            "review"
        );
        self.ok("review_summary", json!({ "lang": "fr" }))
    }
}

fn call(page: &WebviewWindow<MockRuntime>, command: &str, args: Value) -> Result<Value, Value> {
    get_ipc_response(
        page,
        InvokeRequest {
            cmd: command.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<Value>().unwrap())
}

fn refusal_codes(command: &str, answer: Result<Value, Value>) -> Vec<String> {
    let error = answer.expect_err(&format!("{command} was accepted"));
    let errors = error["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("{command}: not the error contract: {error}"));
    errors
        .iter()
        .map(|e| match e["field"].as_str() {
            Some(field) => format!("{}@{field}", e["code"].as_str().unwrap()),
            None => e["code"].as_str().unwrap().to_owned(),
        })
        .collect()
}

fn identity() -> Value {
    json!({
        "lastName": "Lefèvre", "firstName": "Élodie",
        "birthDay": "3", "birthMonth": "12", "birthYear": "1984",
        "email": "elodie.lefevre@example.fr", "phone": null, "keepEmailAsTyped": false
    })
}

fn terms(review: &Value) -> Value {
    json!({ "acceptTerms": true, "cguVersion": review["cgu"]["version"] })
}

#[test]
fn a_whole_enrolment_goes_through_every_command() {
    let kiosk = Kiosk::new();
    let info = kiosk.ok("kiosk_info", json!({}));
    assert_eq!(info["mode"], "kiosk");
    assert_eq!(info["idleSeconds"], 90);
    let departments = kiosk.ok("list_departments", json!({}));
    assert_eq!(departments["all"][0]["code"], "01");
    assert_eq!(kiosk.ok("start_session", json!({}))["step"], "nir");
    let timings = kiosk.ok("report_activity", json!({}));
    assert_eq!(timings["idleWarningSeconds"], 30);
    let review = kiosk.to_review();
    assert_eq!(review["nir"], "2 84 12 76 451 089");
    assert_eq!(
        review["department"]["caisse"],
        "MSA Loire-Atlantique-Vendée"
    );
    assert!(review["cgu"]["text"].as_str().unwrap().len() > 100);
    // « Modifier » the département, back to the review.
    let reopened = kiosk.ok("open_step", json!({ "step": "department" }));
    assert_eq!(reopened["values"]["code"], "44");
    assert_eq!(reopened["fromReview"], true);
    kiosk.ok("submit_department", json!({ "code": "2A" }));
    let review = kiosk.ok("review_summary", json!({ "lang": "en" }));
    assert_eq!(review["department"]["code"], "2A");
    assert_eq!(
        kiosk.store.len(),
        2,
        "the NIR and the secret in the keyring"
    );

    let confirmation = kiosk.ok("submit_enrolment", terms(&review));
    assert_eq!(confirmation["outcome"], "queued");
    assert_eq!(confirmation["reference"].as_str().unwrap().len(), 9);
    assert_eq!(kiosk.pending(), 1);
    assert!(kiosk.store.is_empty(), "nothing personal left once queued");
    kiosk.ok("cancel_session", json!({}));
    assert_eq!(
        kiosk.refused("report_activity", json!({})),
        [code::SESSION_EXPIRED]
    );
}

#[test]
fn a_step_out_of_order_is_refused_and_queues_nothing() {
    let kiosk = Kiosk::new();
    // No session yet.
    assert_eq!(
        kiosk.refused("submit_nir", json!({ "nir": "2 84 12 76 451 089" })),
        [code::SESSION_EXPIRED]
    );
    kiosk.ok("start_session", json!({}));
    let out_of_order = [code::SESSION_OUT_OF_ORDER];
    assert_eq!(kiosk.refused("submit_identity", identity()), out_of_order);
    assert_eq!(
        kiosk.refused("submit_verification", json!({ "kind": "none" })),
        out_of_order
    );
    assert_eq!(
        kiosk.refused("submit_department", json!({ "code": "44" })),
        out_of_order
    );
    assert_eq!(kiosk.refused("review_summary", json!({})), out_of_order);
    assert_eq!(
        kiosk.refused("open_step", json!({ "step": "review" })),
        out_of_order
    );
    assert_eq!(
        kiosk.refused(
            "submit_enrolment",
            json!({ "acceptTerms": true, "cguVersion": "sha256:0" })
        ),
        out_of_order
    );
    // Half-way: the review and « Valider » still wait for the département.
    kiosk.ok("submit_nir", json!({ "nir": "2 84 12 76 451 089" }));
    kiosk.ok("submit_identity", identity());
    kiosk.ok("submit_verification", json!({ "kind": "none" }));
    assert_eq!(kiosk.refused("review_summary", json!({})), out_of_order);
    assert_eq!(
        kiosk.refused(
            "submit_enrolment",
            json!({ "acceptTerms": true, "cguVersion": "sha256:0" })
        ),
        out_of_order
    );
    assert_eq!(kiosk.pending(), 0);
    // After « Valider », no step may be given again.
    kiosk.ok("submit_department", json!({ "code": "44" }));
    let review = kiosk.ok("review_summary", json!({}));
    kiosk.ok("submit_enrolment", terms(&review));
    assert_eq!(
        kiosk.refused("submit_nir", json!({ "nir": "2 84 12 76 451 089" })),
        out_of_order
    );
    assert_eq!(
        kiosk.refused("open_step", json!({ "step": "identity" })),
        out_of_order
    );
    assert_eq!(
        kiosk.refused("submit_enrolment", terms(&review)),
        out_of_order
    );
    assert_eq!(kiosk.pending(), 1);
}

#[test]
fn hostile_arguments_are_refused_on_their_field_and_change_nothing() {
    let kiosk = Kiosk::new();
    kiosk.ok("start_session", json!({}));
    let huge = "9".repeat(100_000);
    let huge_letters = "é".repeat(50_000);
    assert_eq!(
        kiosk.refused("submit_nir", json!({ "nir": huge })),
        ["nir.length@nir"]
    );
    assert_eq!(
        kiosk.refused("submit_nir", json!({ "nir": "2 84 12\u{0} 76 451 089" })),
        ["nir.format@nir"]
    );
    assert_eq!(kiosk.refused("submit_nir", json!({})), ["nir.empty@nir"]);
    // A wrong JSON type never reaches the session: the IPC layer refuses it.
    for wrong in [
        json!({ "nir": 284127645108_i64 }),
        json!({ "nir": ["2"] }),
        json!({ "nir": { "a": 1 } }),
    ] {
        let answer = kiosk.call("submit_nir", wrong.clone());
        assert!(answer.is_err(), "{wrong} accepted: {answer:?}");
    }
    kiosk.ok("submit_nir", json!({ "nir": "2 84 12 76 451 089" }));

    let with = |key: &str, value: Value| {
        let mut args = identity();
        args[key] = value;
        args
    };
    assert_eq!(
        kiosk.refused("submit_identity", with("lastName", json!(huge_letters))),
        ["name.tooLong@lastName"]
    );
    assert_eq!(
        kiosk.refused("submit_identity", with("firstName", json!("Élo\u{7}die"))),
        ["name.characters@firstName"]
    );
    assert_eq!(
        kiosk.refused(
            "submit_identity",
            with("lastName", json!("Lef\u{202e}èvre"))
        ),
        ["name.characters@lastName"]
    );
    assert_eq!(
        kiosk.refused("submit_identity", with("email", json!(huge))),
        ["email.tooLong@email"]
    );
    assert!(kiosk
        .call("submit_identity", with("birthYear", json!(1984)))
        .is_err());
    assert!(kiosk
        .call("submit_identity", with("keepEmailAsTyped", json!("yes")))
        .is_err());
    // The step was never accepted: the NIR step is still where the person is.
    assert_eq!(
        kiosk.refused("submit_verification", json!({ "kind": "none" })),
        [code::SESSION_OUT_OF_ORDER]
    );
    kiosk.ok("submit_identity", identity());
    assert_eq!(
        kiosk.refused("submit_verification", json!({ "kind": huge })),
        ["verification.choose@verificationKind"]
    );
    kiosk.ok("submit_verification", json!({ "kind": "none" }));
    assert_eq!(
        kiosk.refused("submit_department", json!({ "code": huge })),
        ["department.unknown@department"]
    );
    assert_eq!(
        kiosk.refused("open_step", json!({ "step": huge })),
        [code::SESSION_OUT_OF_ORDER]
    );
    assert!(kiosk
        .call("submit_department", json!({ "code": 44 }))
        .is_err());
    kiosk.ok("submit_department", json!({ "code": "44" }));
    // A language that does not exist gets the French terms, whatever its size.
    let review = kiosk.ok("review_summary", json!({ "lang": huge }));
    assert!(review["cgu"]["text"]
        .as_str()
        .unwrap()
        .contains("Mon espace privé"));
    assert_eq!(
        kiosk.refused(
            "submit_enrolment",
            json!({ "acceptTerms": true, "cguVersion": huge })
        ),
        ["terms.outdated@terms"]
    );
    assert!(kiosk
        .call(
            "submit_enrolment",
            json!({ "acceptTerms": "true", "cguVersion": review["cgu"]["version"] })
        )
        .is_err());
    assert_eq!(
        kiosk.pending(),
        0,
        "nothing queued by a refused « Valider »"
    );
    kiosk.ok("submit_enrolment", terms(&review));
    assert_eq!(kiosk.pending(), 1);
}

#[test]
fn a_double_valider_gives_one_enrolment() {
    let kiosk = Kiosk::new();
    let review = kiosk.to_review();
    let both = Arc::new(Barrier::new(2));
    let presses: Vec<_> = (0..2)
        .map(|_| {
            let page = kiosk.page.clone();
            let both = both.clone();
            let args = terms(&review);
            std::thread::spawn(move || {
                both.wait();
                call(&page, "submit_enrolment", args)
            })
        })
        .collect();
    let mut answers: Vec<Result<Value, Value>> =
        presses.into_iter().map(|p| p.join().unwrap()).collect();
    answers.sort_by_key(Result::is_err);
    assert_eq!(answers[0].as_ref().unwrap()["outcome"], "queued");
    assert_eq!(
        refusal_codes("the second press", answers.pop().unwrap()),
        [code::SESSION_OUT_OF_ORDER]
    );
    assert_eq!(kiosk.pending(), 1, "one press, one enrolment");
}

#[test]
fn the_idle_clock_ends_the_session_between_two_commands() {
    let kiosk = Kiosk::with(|state| {
        state.config.idle.idle = Duration::from_millis(60);
        state.config.idle.warning = Duration::from_millis(60);
        state.idle_tick = Duration::from_millis(5);
    });
    let (heard, events) = mpsc::channel();
    for event in ["idle-warning", "session-expired"] {
        let heard = heard.clone();
        kiosk.app.listen(event, move |_| {
            let _ = heard.send(event);
        });
    }
    kiosk.ok("start_session", json!({}));
    kiosk.ok("submit_nir", json!({ "nir": "2 84 12 76 451 089" }));
    assert_eq!(kiosk.store.len(), 1);
    let deadline = Duration::from_secs(5);
    assert_eq!(events.recv_timeout(deadline), Ok("idle-warning"));
    assert_eq!(events.recv_timeout(deadline), Ok("session-expired"));
    assert!(kiosk.store.is_empty(), "the NIR left the keyring");
    assert_eq!(
        kiosk.refused("submit_identity", identity()),
        [code::SESSION_EXPIRED]
    );
}

#[test]
fn no_session_starts_while_an_update_installs() {
    let kiosk = Kiosk::new();
    let gate = kiosk.app.state::<AppState>().gate.clone();
    gate.close();
    assert_eq!(
        kiosk.refused("start_session", json!({})),
        [code::SYSTEM_UNAVAILABLE]
    );
    assert_eq!(
        kiosk.refused("report_activity", json!({})),
        [code::SESSION_EXPIRED],
        "no session was left behind"
    );
    gate.open();
    kiosk.ok("start_session", json!({}));
}

#[test]
fn an_installed_kiosk_not_configured_refuses_every_session_with_its_own_code() {
    let kiosk = Kiosk::with(|state| {
        state
            .availability
            .hold(crate::ops::availability::Reason::NotConfigured);
    });
    assert_eq!(
        kiosk.refused("start_session", json!({})),
        [code::SYSTEM_NOT_CONFIGURED]
    );
    assert_eq!(
        kiosk.ok("kiosk_availability", json!({})),
        json!({"state": "unavailable", "reason": "system.notConfigured"})
    );
    assert_eq!(
        kiosk.refused("report_activity", json!({})),
        [code::SESSION_EXPIRED],
        "no session was started"
    );
}

#[test]
fn abandonner_wipes_the_keyring() {
    let kiosk = Kiosk::new();
    kiosk.to_review();
    assert_eq!(kiosk.store.len(), 2);
    kiosk.ok("cancel_session", json!({}));
    assert!(kiosk.store.is_empty());
    assert_eq!(
        kiosk.refused("review_summary", json!({})),
        [code::SESSION_EXPIRED]
    );
    // Twice is harmless.
    kiosk.ok("cancel_session", json!({}));
}

/// The window is built hidden and shown when its page's load starts; if that never comes, the
/// deadline shows it anyway (`window::reveal_by`). The only test that reveals: the flag is the
/// process's.
#[test]
fn the_window_is_shown_at_its_deadline_when_no_page_load_started() {
    let kiosk = Kiosk::new();
    assert!(!super::window::is_revealed(), "shown before its deadline");
    super::window::reveal_by(kiosk.app.handle(), Duration::from_millis(20));
    let until = std::time::Instant::now() + Duration::from_secs(5);
    while !super::window::is_revealed() {
        assert!(
            std::time::Instant::now() < until,
            "not shown 5 s after a 20 ms deadline"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}
