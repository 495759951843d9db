//! Issue 15 (i15b) in the real app: the welcome screen's other ways (« J'ai déjà un compte »,
//! « J'ai oublié mon mot de passe », « Je n'ai pas reçu mon mot de passe »), each one screen
//! with « Retour », axe-clean; and an enrolment without an e-mail address, which ends « par
//! courrier » and reaches the reference backend without one (its `enrolments` row and its
//! mail-out table are read back).

use std::time::Duration;

use serde_json::{json, Value};

use crate::a11y::Audit;
use crate::harness::{e2e, Kiosk, Launch};
use crate::persons::jean;
use crate::steps::{
    accept_and_submit, choose_department, choose_item, click, expect_step, i18n, main_text, next,
    received_once, reference_in, type_into, FR,
};

/// The three ways, with the i18n keys of their button, title and lines.
const PATHS: [(&str, &str, &[&str]); 3] = [
    (
        "welcome.triage.account",
        "triage.account.title",
        &[
            "triage.account.text1",
            "triage.account.text2",
            "triage.account.text3",
            "triage.counsellor",
        ],
    ),
    (
        "welcome.triage.forgot",
        "triage.forgot.title",
        &[
            "triage.forgot.text1",
            "triage.forgot.text2",
            "triage.forgot.text3",
            "triage.counsellor",
        ],
    ),
    (
        "welcome.triage.notReceived",
        "triage.notReceived.title",
        &[
            "triage.notReceived.text1",
            "triage.notReceived.text2",
            "triage.notReceived.text3",
            "triage.notReceived.text4",
        ],
    ),
];

const H1: &str = "const h = document.querySelector('h1'); return h ? h.textContent.replace(/\\s+/g, ' ').trim() : '';";

/// Waits for the h1 to read `title` and to hold the focus (the wizard moves it there).
async fn expect_screen(kiosk: &Kiosk, title: &str) {
    let script = format!(
        "const h = document.querySelector('h1'); return !!h && h.textContent.replace(/\\s+/g, ' ').trim() === {} && document.activeElement === h;",
        json!(title)
    );
    kiosk
        .wait_for(
            &format!("the screen « {title} », its heading focused"),
            &script,
            Duration::from_secs(10),
        )
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn each_triage_path_from_the_welcome_screen_and_back() {
    e2e("triage-paths", Launch::kiosk(), |kiosk| async move {
        let mut audit = Audit::default();
        let welcome = kiosk.heading().await;
        for (button, title, lines) in PATHS {
            let (button, title) = (i18n("fr", button), i18n("fr", title));
            click(&kiosk, "button", &button).await;
            expect_screen(&kiosk, &title).await;
            let text = main_text(&kiosk).await;
            for line in lines {
                let line = i18n("fr", line);
                assert!(text.contains(&line), "« {title} » says « {line} »: {text}");
            }
            // Nothing personal is asked: no field, no step count, no « Abandonner ».
            let fields = kiosk
                .js("return document.querySelectorAll('main input, main select, main textarea').length;", vec![])
                .await;
            assert_eq!(fields, json!(0), "nothing to type on « {title} »");
            assert!(!text.contains("Étape"), "not a step: {text}");
            let cancel_hidden = kiosk
                // « Abandonner » keeps its slot while off (`data-off`: visibility hidden).
                .js("const b = document.querySelector('[data-action=cancel]'); return !b || b.hidden || b.offsetParent === null || getComputedStyle(b).visibility === 'hidden';", vec![])
                .await;
            assert_eq!(cancel_hidden, json!(true), "no « Abandonner » on « {title} »");
            audit.check(&kiosk, &format!("01-triage-{title}")).await;

            click(&kiosk, "button", &i18n("fr", "nav.back")).await;
            kiosk
                .wait_for(
                    "the welcome screen",
                    &format!("return (function () {{ {} }})() === {};", H1, json!(welcome)),
                    Duration::from_secs(10),
                )
                .await;
            let focused: Value = kiosk
                .js(
                    "const a = document.activeElement; return a ? a.textContent.trim() : '';",
                    vec![],
                )
                .await;
            assert_eq!(
                focused,
                json!(button),
                "the focus is back on the button pressed"
            );
        }
        audit.assert_clean("on the welcome screen's other ways");
        // Nothing of this started a session: « S'inscrire » still starts one from step 2.
        click(&kiosk, "button", FR.start).await;
        expect_step(&kiosk, &FR, 2).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_enrolment_without_email_ends_par_courrier_and_reaches_the_backend_without_one() {
    e2e(
        "triage-no-email",
        Launch::kiosk().with_backend(),
        |kiosk| async move {
            let mut audit = Audit::default();
            // Jean has an e-mail on file and his right Vitale serial: with an address he is
            // `verified` (enrolment.rs); without one, the password must go by post.
            let person = jean();
            click(&kiosk, "button", FR.start).await;
            expect_step(&kiosk, &FR, 2).await;
            type_into(&kiosk, FR.nir, person.nir).await;
            next(&kiosk, &FR).await;
            expect_step(&kiosk, &FR, 3).await;
            let step3 = main_text(&kiosk).await;
            assert!(
                !step3.contains("Nous y enverrons votre mot de passe"),
                "step 3 makes no promise the contract does not keep: {step3}"
            );
            type_into(&kiosk, FR.last_name, person.last_name).await;
            type_into(&kiosk, FR.first_name, person.first_name).await;
            type_into(&kiosk, FR.day, person.birth.0).await;
            type_into(&kiosk, FR.month, person.birth.1).await;
            type_into(&kiosk, FR.year, person.birth.2).await;
            click(&kiosk, "checkbox", &i18n("fr", "identity.noEmail.label")).await;
            let by_post = i18n("fr", "identity.noEmail.text");
            kiosk
                .wait_for(
                    "« par courrier » said at step 3",
                    &format!(
                        "return document.querySelector('main').innerText.includes({}) && !document.getElementById('email').offsetParent;",
                        json!(by_post)
                    ),
                    Duration::from_secs(5),
                )
                .await;
            audit.check(&kiosk, "03-identity-no-email").await;
            next(&kiosk, &FR).await;
            expect_step(&kiosk, &FR, 4).await;
            choose_item(&kiosk, &FR, &person.item).await;
            next(&kiosk, &FR).await;
            expect_step(&kiosk, &FR, 5).await;
            choose_department(&kiosk, person.department).await;
            next(&kiosk, &FR).await;
            expect_step(&kiosk, &FR, 6).await;
            let review = main_text(&kiosk).await;
            let none = i18n("fr", "review.email.none");
            assert!(review.contains(&none), "the review says « {none} »: {review}");
            assert!(!review.contains(person.email), "no address on the review");
            audit.check(&kiosk, "06-review-no-email").await;

            let text = accept_and_submit(&kiosk, &FR).await;
            assert!(
                text.contains("envoyé par courrier"),
                "step 7 says « par courrier »: {text}"
            );
            assert!(!text.contains("par e-mail à"), "never « par e-mail »: {text}");
            audit.check(&kiosk, "07-confirmation-no-email").await;

            let reference = reference_in(&text);
            let backend = kiosk.backend.as_ref().expect("a test backend");
            let mine = received_once(&kiosk, &text).await;
            assert_eq!(mine["email"], Value::Null, "stored without an e-mail");
            assert_eq!(mine["outcome"], "postal");
            assert_eq!(mine["detail"], "noEmailGiven");
            assert_eq!(mine["lastName"], person.last_name);
            let mailouts = backend.mailouts().await;
            let sent: Vec<_> = mailouts
                .iter()
                .filter(|m| m["reference"] == reference.as_str())
                .map(|m| m["kind"].as_str().unwrap_or_default().to_owned())
                .collect();
            assert_eq!(sent, ["letter"], "one letter, no e-mail: {mailouts:?}");
            audit.assert_clean("on the screens of an enrolment without e-mail");
        },
    )
    .await;
}
