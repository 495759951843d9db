//! The session's end, every way it can end, in the real app: the idle dialog (WCAG 2.2.1), the
//! wipe, a crash, and a canary identity searched for everywhere afterwards.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use msa_test_support::wait;
use serde_json::json;

use crate::harness::{e2e, one_at_a_time, Kiosk, Launch};
use crate::kiosk::{KeyringStore, Outbox, OutboxKey};
use crate::persons::{canaries_in_bytes, canary, jean, CANARY_VALUES};
use crate::steps::{
    accept_and_submit, click, expect_step, expect_welcome, go_to_step, i18n, next, reference_in,
    type_into, value_of, Input, FR,
};

const SHORT_IDLE: &str =
    "[idle]\nidle_seconds = 8\nwarning_seconds = 20\nconfirmation_return_seconds = 5\n";

/// Every file under `dir` that holds a canary value, in UTF-8 or UTF-16 (WebKit's storage).
fn canaries_in(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        // The reference backend's own files are the MSA's side, not the kiosk's.
        if meta.is_dir() && path.ends_with("msa-backend") {
            continue;
        }
        if meta.is_dir() {
            if let Ok(entries) = std::fs::read_dir(&path) {
                stack.extend(entries.filter_map(Result::ok).map(|e| e.path()));
            }
            continue;
        }
        if !meta.is_file() || path.file_name().is_some_and(|n| n == "kiosk.toml") {
            continue;
        }
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        for value in canaries_in_bytes(&bytes) {
            found.push(format!("{value:?} in {}", path.display()));
        }
    }
    found
}

/// What the keyring holds for `service`, secrets included (`secret-tool`'s output and errors).
fn keyring_entries(service: &str) -> String {
    let out = Command::new("secret-tool")
        .args(["search", "--all", "service", service])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

/// What the keyring holds for the kiosk's services, secrets included.
pub(crate) fn keyring_dump() -> String {
    keyring_entries("fr.msa.kiosk.session") + &keyring_entries("fr.msa.kiosk")
}

/// The session's entries in the keyring, secrets included.
fn session_entries_in_keyring() -> String {
    keyring_entries("fr.msa.kiosk.session")
}

/// The canary's session up to their names typed on step 3; by then its NIR is in the keyring.
pub(crate) async fn canary_named_on_step_3(kiosk: &Kiosk) {
    let person = canary();
    click(kiosk, "button", FR.start).await;
    expect_step(kiosk, &FR, 2).await;
    type_into(kiosk, FR.nir, person.nir).await;
    next(kiosk, &FR).await;
    expect_step(kiosk, &FR, 3).await;
    type_into(kiosk, FR.last_name, person.last_name).await;
    type_into(kiosk, FR.first_name, person.first_name).await;
    assert!(
        session_entries_in_keyring().contains("1850544977531"),
        "the NIR is in the keyring while the session lives"
    );
}

/// Fails when a canary value is left in the kiosk's folders, its temporary files or the keyring.
pub(crate) fn assert_no_canary(kiosk: &Kiosk, when: &str) {
    let mut found = canaries_in(kiosk.home.path());
    if let Ok(tmp) = std::env::var("TMPDIR") {
        found.extend(
            canaries_in(Path::new(&tmp))
                .into_iter()
                .filter(|f| f.contains("kiosk")),
        );
    }
    let keyring = keyring_dump();
    for value in CANARY_VALUES {
        if keyring.contains(value) {
            found.push(format!("{value:?} in the OS keyring"));
        }
    }
    assert!(
        found.is_empty(),
        "{when}: the person's data is still there in clear:\n{}",
        found.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn continuer_restores_the_exact_screen_and_its_values() {
    e2e(
        "idle-continue",
        Launch::kiosk().with_toml(SHORT_IDLE),
        |kiosk| async move {
            click(&kiosk, "button", FR.start).await;
            expect_step(&kiosk, &FR, 2).await;
            type_into(&kiosk, FR.nir, "1 84 12 76 451 089").await;
            next(&kiosk, &FR).await;
            let heading = expect_step(&kiosk, &FR, 3).await;
            type_into(&kiosk, FR.last_name, "Dupont").await;
            type_into(&kiosk, FR.first_name, "Jean").await;
            type_into(&kiosk, FR.day, "3").await;

            // Nobody touches the screen: the dialog asks, with a visible countdown.
            let dialog = kiosk
                .by_role_within("dialog", "Êtes-vous toujours là ?", Duration::from_secs(20))
                .await;
            assert!(dialog.is_displayed().await.unwrap());
            let text = dialog.text().await.unwrap();
            assert!(text.contains("seconde"), "no countdown in {text:?}");
            click(&kiosk, "button", "Continuer").await;
            kiosk
                .wait_for(
                    "the dialog to close",
                    "return ![...document.querySelectorAll('dialog')].some(d => d.open);",
                    Duration::from_secs(5),
                )
                .await;
            assert_eq!(expect_step(&kiosk, &FR, 3).await, heading);
            assert_eq!(value_of(&kiosk, FR.last_name).await, "Dupont");
            assert_eq!(value_of(&kiosk, FR.first_name).await, "Jean");
            assert_eq!(value_of(&kiosk, FR.day).await, "3");
            // And Rust still holds the session: the step is accepted.
            type_into(&kiosk, FR.month, "12").await;
            type_into(&kiosk, FR.year, "1984").await;
            type_into(&kiosk, FR.email, "jean.dupont@example.fr").await;
            next(&kiosk, &FR).await;
            expect_step(&kiosk, &FR, 4).await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn without_an_answer_the_session_is_wiped_and_the_welcome_screen_returns() {
    e2e("idle-timeout", Launch::kiosk().with_toml(SHORT_IDLE), |kiosk| async move {
        canary_named_on_step_3(&kiosk).await;

        kiosk.by_role_within("dialog", "Êtes-vous toujours là ?", Duration::from_secs(20)).await;
        // 8 s idle + 20 s to answer: the welcome screen comes back by itself.
        kiosk
            .wait_for(
                "the welcome screen",
                "return [...document.querySelectorAll('button')].some(b => b.offsetParent && b.textContent.includes(\"S'inscrire\"));",
                Duration::from_secs(40),
            )
            .await;
        let fields = kiosk
            .js("return [...document.querySelectorAll('input')].filter(i => (i.type === 'text' || i.type === 'email' || i.type === 'tel') && i.value).map(i => i.value);", vec![])
            .await;
        assert_eq!(fields, json!([]), "fields still hold values");
        assert!(!session_entries_in_keyring().contains("1850544977531"), "the NIR is still in the keyring");
        assert_no_canary(&kiosk, "after the idle timeout");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn abandoning_wipes_everything() {
    e2e("abandon", Launch::kiosk(), |kiosk| async move {
        go_to_step(&kiosk, &FR, &canary(), 5, Input::Touch).await;

        click(&kiosk, "button", "Abandonner").await;
        click(&kiosk, "button", "Oui, abandonner").await;
        kiosk.by_role("button", FR.start).await;
        wait::until(
            "the session's keyring entries to go",
            Duration::from_secs(5),
            Duration::from_millis(100),
            || async {
                let entries = session_entries_in_keyring();
                if entries.contains("fr.msa.kiosk.session") {
                    Err(entries)
                } else {
                    Ok(())
                }
            },
        )
        .await;
        assert_no_canary(&kiosk, "after « Abandonner »");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_submitted_enrolment_leaves_nothing_once_delivered() {
    e2e(
        "submitted",
        // SHORT_IDLE's confirmation return (5 s) is the shortest the submit wait allows.
        Launch::kiosk()
            .with_backend()
            .with_submit_wait(5)
            .with_toml(SHORT_IDLE),
        |kiosk| async move {
            go_to_step(&kiosk, &FR, &canary(), 6, Input::Touch).await;
            let text = accept_and_submit(&kiosk, &FR).await;
            let reference = reference_in(&text);
            // « par courrier à l'adresse connue » (`confirmation.postal`), not the « queued »
            // screen's « par e-mail ou par courrier »: the backend has answered, so it has the row.
            assert!(
                text.contains("par courrier à l"),
                "an unknown person gets the postal answer: {text}"
            );
            let received = kiosk.backend.as_ref().unwrap().enrolments().await;
            assert_eq!(
                received
                    .iter()
                    .filter(|e| e["reference"] == reference.as_str())
                    .count(),
                1
            );
            // The confirmation returns to the welcome screen by itself after its short delay
            // (5 s from the confirmation, counted by Rust's clock; more than `by_role`'s 5 s
            // from here when the machine is busy).
            kiosk
                .by_role_within("button", FR.start, Duration::from_secs(15))
                .await;
            let outbox = Outbox::open(
                &kiosk.data_dir().join("outbox.db"),
                &OutboxKey::load_or_create(&KeyringStore).unwrap(),
            )
            .await
            .unwrap();
            assert_eq!(
                outbox.pending_count().await.unwrap(),
                0,
                "the delivered row is gone"
            );
            assert_eq!(
                outbox.delivered_counts().await.unwrap(),
                vec![("postal".to_owned(), 1)]
            );
            outbox.close().await;
            assert_no_canary(&kiosk, "after a delivered enrolment");
        },
    )
    .await;
}

/// The wipe forgets the page's typing (issue 18, SPEC §3): WebKit keeps every typing step of a
/// page for « Annuler la frappe » (`queryCommandEnabled('undo')`, true once a field has been
/// typed into), with the field typed into, for as long as the page lives, whatever the wipe
/// empties; `forgetTyping` (ui/js/main.js) makes it forget. Without it this fails.
#[tokio::test(flavor = "multi_thread")]
async fn terminer_leaves_nothing_of_the_typing_to_undo() {
    e2e(
        "forget-typing",
        Launch::tablet().with_backend(),
        |kiosk| async move {
            let undo = "return document.queryCommandEnabled('undo');";
            go_to_step(&kiosk, &FR, &jean(), 6, Input::Touch).await;
            assert_eq!(
                kiosk.js(undo, vec![]).await,
                json!(true),
                "the typing of steps 2 and 3 can be undone"
            );
            accept_and_submit(&kiosk, &FR).await;
            click(&kiosk, "button", &i18n("fr", "confirmation.finish")).await;
            expect_welcome(&kiosk, Duration::from_secs(10)).await;
            kiosk
                .wait_for(
                    "WebKit to forget the typing",
                    &undo.replace("return ", "return !"),
                    Duration::from_secs(5),
                )
                .await;
            // The next person types again, and that can be undone as before.
            go_to_step(&kiosk, &FR, &jean(), 3, Input::Touch).await;
            assert_eq!(kiosk.js(undo, vec![]).await, json!(true));
        },
    )
    .await;
}

/// SIGKILL in the middle of a session: at the next start, the keyring's leftovers are swept and
/// the webview's folder is emptied.
#[tokio::test(flavor = "multi_thread")]
async fn a_crash_in_the_middle_leaves_nothing_after_the_restart() {
    let _turn = one_at_a_time().await;
    let kiosk = Kiosk::start("crash-mid-session", Launch::kiosk()).await;
    canary_named_on_step_3(&kiosk).await;

    let kiosk = kiosk.kill_and_restart().await;
    kiosk.by_role("button", FR.start).await;
    assert!(
        !session_entries_in_keyring().contains("1850544977531"),
        "the NIR survived the crash in the keyring"
    );
    assert_no_canary(&kiosk, "after a crash and a restart");
    kiosk.end().await;
}

/// The kiosk is killed right after the confirmation, with the MSA unreachable: at the restart
/// the queued enrolment is delivered, exactly once.
#[tokio::test(flavor = "multi_thread")]
async fn killed_right_after_the_confirmation_it_delivers_once_after_the_restart() {
    let _turn = one_at_a_time().await;
    // The backend answers only 503: « Valider » waits its whole submit wait, then says « queued ».
    let launch = Launch::kiosk().with_backend().with_submit_wait(5);
    let kiosk = Kiosk::start("crash-after-confirmation", launch).await;
    let backend = kiosk.backend.as_ref().unwrap();
    backend.set_fault("unavailable").await;
    go_to_step(&kiosk, &FR, &jean(), 6, Input::Touch).await;
    let text = accept_and_submit(&kiosk, &FR).await;
    assert!(
        text.contains("gardée"),
        "the MSA is unreachable: the request is kept safely: {text}"
    );
    let reference = reference_in(&text);

    let kiosk = kiosk.kill_and_restart().await;
    let backend = kiosk.backend.as_ref().unwrap();
    backend.set_fault("off").await;
    let delivered = |received: &[serde_json::Value]| {
        received
            .iter()
            .filter(|e| e["reference"] == reference.as_str() && e["outcome"] == "verified")
            .count()
    };
    wait::until(
        "the delivery after the restart",
        Duration::from_secs(40),
        Duration::from_millis(250),
        || async {
            let copies = delivered(&backend.enrolments().await);
            assert!(copies <= 1, "delivered {copies} times");
            if copies == 1 {
                Ok(())
            } else {
                Err(copies)
            }
        },
    )
    .await;
    // No second copy can come once the kiosk's own outbox has counted the delivery and holds
    // nothing more to send: wait for that, then count again.
    let outbox = Outbox::open(
        &kiosk.data_dir().join("outbox.db"),
        &OutboxKey::load_or_create(&KeyringStore).unwrap(),
    )
    .await
    .unwrap();
    wait::until(
        "the kiosk's outbox to record the delivery",
        Duration::from_secs(10),
        Duration::from_millis(100),
        || async {
            let pending = outbox.pending_count().await.unwrap();
            let counts = outbox.delivered_counts().await.unwrap();
            if pending == 0 && counts == vec![("verified".to_owned(), 1)] {
                Ok(())
            } else {
                Err((pending, counts))
            }
        },
    )
    .await;
    outbox.close().await;
    assert_eq!(delivered(&backend.enrolments().await), 1);
    kiosk.end().await;
}
