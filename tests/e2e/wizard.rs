//! The seven-step wizard in the real webview (WebKitGTK under WebDriver), used the ways people
//! use it: in English, by keyboard alone, by the on-screen keyboard alone, on a tablet; every
//! refusal shown and tied to its field; the back link and « Modifier » keep every answer.
//! Elements are found by role, label and accessible name only.

use std::time::Duration;

use fantoccini::key::Key;
use msa_test_support::wait;
use serde_json::{json, Value};

use crate::harness::{e2e, Kiosk, Launch, POLL};
use crate::persons::{elodie, jean, Item};
use crate::steps::{
    accept_and_submit, answer_step, assert_received, choose_department, choose_item, click,
    error_message, expect_focus, expect_step, expect_welcome, fill_identity, focused_name,
    form_values, go_to_step, i18n, identity_fields, is_shown, main_text, next, osk_ok, osk_type,
    press, review_answers, tab_to, type_into, value_of, Input, EN, FR,
};

// ------------------------------------------------------------------------------------------------
// 1. English

#[tokio::test(flavor = "multi_thread")]
async fn an_enrolment_in_english_reaches_the_msa() {
    e2e(
        "wizard-english",
        Launch::kiosk().with_backend(),
        |kiosk| async move {
            // The English labels the test uses are the ones in en.json.
            for (label, key) in [
                (EN.start, "welcome.start"),
                (EN.next, "nav.next"),
                (EN.nir, "nir.label"),
                (EN.last_name, "identity.lastName.label"),
                (EN.first_name, "identity.firstName.label"),
                (EN.day, "date.day"),
                (EN.month, "date.month"),
                (EN.year, "date.year"),
                (EN.email, "identity.email.label"),
                (EN.phone, "identity.phone.label"),
                (EN.vitale_photo.0, "verification.kind.vitalePhoto"),
                (EN.vitale_photo.1, "verification.vitalePhoto.label"),
                (EN.vitale_no_photo.0, "verification.kind.vitaleNoPhoto"),
                (EN.vitale_no_photo.1, "verification.vitaleNoPhoto.label"),
                (EN.child, "verification.kind.childBirthDate"),
                (EN.payment.0, "verification.kind.paymentAmount"),
                (EN.payment.1, "verification.amount.label"),
                (EN.nothing, "verification.kind.none"),
                (EN.terms, "review.terms.label"),
                (EN.submit, "review.submit"),
            ] {
                assert_eq!(label, i18n("en", key), "EN label for {key}");
            }

            assert!(kiosk.heading().await.contains(&i18n("fr", "welcome.title")));
            // The language choice on the welcome screen.
            click(&kiosk, "radio", &i18n("fr", "language.en")).await;
            let english_title = i18n("en", "welcome.title");
            kiosk
                .wait_for(
                    "the welcome screen in English",
                    &format!(
                        "return document.documentElement.lang === 'en' && document.querySelector('h1').textContent.includes({});",
                        json!(english_title)
                    ),
                    Duration::from_secs(5),
                )
                .await;
            assert!(
                kiosk.by_role("button", EN.start).await.is_displayed().await.unwrap(),
                "« Sign up » is shown"
            );

            let person = jean();
            go_to_step(&kiosk, &EN, &person, 6, Input::Touch).await;
            let review = main_text(&kiosk).await;
            assert!(review.contains(&i18n("en", "review.title")), "{review}");
            assert!(review.contains("3 December 1984"), "the date in English: {review}");
            assert!(
                kiosk.by_role("link", "Change your email address").await.is_displayed().await.unwrap()
            );
            let text = accept_and_submit(&kiosk, &EN).await;
            assert!(
                text.contains("Your temporary password has been sent by email to j•••@e•••.fr"),
                "confirmation says: {text}"
            );
            assert!(
                kiosk
                    .js("return document.title;", vec![])
                    .await
                    .as_str()
                    .unwrap()
                    .contains(&i18n("en", "confirmation.title.done")),
                "the page title is in English"
            );
            assert_received(&kiosk, &person, &text, "verified").await;
        },
    )
    .await;
}

// ------------------------------------------------------------------------------------------------
// 2. Keyboard alone

#[tokio::test(flavor = "multi_thread")]
async fn a_whole_enrolment_by_keyboard_alone() {
    e2e(
        "wizard-keyboard-only",
        Launch::tablet().with_backend(),
        |kiosk| async move {
            let person = jean();
            // Steps 2 and 3: focus on the heading; the fields in reading order, each one Tab
            // away; Enter sends the form.
            go_to_step(&kiosk, &FR, &person, 4, Input::Keyboard).await;

            // Step 4: the radio group is one Tab stop; arrows choose; the revealed field is next.
            tab_to(&kiosk, "radio", FR.vitale_photo.0).await;
            press(&kiosk, &Key::Space).await;
            press(&kiosk, &Key::Down).await;
            expect_focus(&kiosk, "radio", FR.vitale_no_photo.0).await;
            let chosen = form_values(&kiosk).await;
            assert_eq!(chosen[FR.vitale_no_photo.0], json!(true), "{chosen}");
            press(&kiosk, &Key::Up).await;
            expect_focus(&kiosk, "radio", FR.vitale_photo.0).await;
            let chosen = form_values(&kiosk).await;
            assert_eq!(chosen[FR.vitale_photo.0], json!(true), "{chosen}");
            press(&kiosk, &Key::Tab).await;
            expect_focus(&kiosk, "textbox", FR.vitale_photo.1).await;
            let Item::VitalePhoto(serial) = person.item else {
                unreachable!()
            };
            press(&kiosk, serial).await;
            press(&kiosk, &Key::Enter).await;

            // Step 5: Space chooses the département, Tab goes on to « Suivant ».
            expect_step(&kiosk, &FR, 5).await;
            answer_step(&kiosk, &FR, &person, 5, Input::Keyboard).await;

            // Step 6: the box with Space, then « Valider » right after it.
            expect_step(&kiosk, &FR, 6).await;
            tab_to(&kiosk, "checkbox", FR.terms).await;
            press(&kiosk, &Key::Space).await;
            assert_eq!(form_values(&kiosk).await[FR.terms], json!(true));
            press(&kiosk, &Key::Tab).await;
            expect_focus(&kiosk, "button", FR.submit).await;
            press(&kiosk, &Key::Enter).await;

            expect_step(&kiosk, &FR, 7).await;
            let text = main_text(&kiosk).await;
            assert!(text.contains("envoyé par e-mail à j•••@e•••.fr"), "{text}");
            assert_received(&kiosk, &person, &text, "verified").await;

            // « Terminer » by keyboard too: back to the welcome screen.
            tab_to(&kiosk, "button", &i18n("fr", "confirmation.finish")).await;
            press(&kiosk, &Key::Enter).await;
            expect_welcome(&kiosk, Duration::from_secs(5)).await;
        },
    )
    .await;
}

// ------------------------------------------------------------------------------------------------
// 3. The on-screen keyboard alone (kiosk mode)

#[tokio::test(flavor = "multi_thread")]
async fn a_whole_enrolment_on_the_on_screen_keyboard() {
    e2e(
        "wizard-on-screen-keyboard",
        Launch::kiosk().with_backend(),
        |kiosk| async move {
            let person = jean();
            // Kiosk mode: full screen, and it stays so when asked for another size. WebKit
            // answers the request once it has handed it to GTK, before the window changes, and
            // a refusal has no event of its own: the page counts its `resize` events from
            // before the request, and is checked after it has rendered 30 more frames.
            kiosk.heading().await;
            kiosk
                .js("window.__resizes = 0; window.addEventListener('resize', () => { window.__resizes += 1; }); return true;", vec![])
                .await;
            let _ = kiosk.client.set_window_size(1024, 700).await;
            kiosk.render_frames(30).await;
            let after = kiosk
                .js("return [window.__resizes, window.innerWidth, window.innerHeight];", vec![])
                .await;
            assert_eq!(
                after,
                json!([0, 1280, 800]),
                "the kiosk window left full screen (resize events, width, height)"
            );
            click(&kiosk, "button", FR.start).await;
            expect_step(&kiosk, &FR, 2).await;

            // A wrong last digit, then « Effacer ».
            click(&kiosk, "textbox", FR.nir).await;
            osk_type(&kiosk, "18412764510899").await;
            // Grouped as it is typed (issue 15), the extra digit after the 13.
            assert_eq!(value_of(&kiosk, FR.nir).await, "1 84 12 76 451 089 9");
            kiosk
                .by_role("button", &i18n("fr", "osk.backspace"))
                .await
                .click()
                .await
                .unwrap();
            assert_eq!(value_of(&kiosk, FR.nir).await, "1 84 12 76 451 089");
            // The focus stayed in the field while keys were tapped.
            assert_eq!(
                focused_name(&kiosk).await,
                ("textbox".into(), FR.nir.into())
            );
            // « Suivant » is under the keyboard: its « OK » sends the step.
            osk_ok(&kiosk).await;

            // Steps 3 and 4: a tap on the first field, then the keys, and « OK » from field to
            // field and to send the step; step 5 by taps.
            for step in 3..=5 {
                expect_step(&kiosk, &FR, step).await;
                answer_step(&kiosk, &FR, &person, step, Input::OnScreenKeyboard).await;
            }

            expect_step(&kiosk, &FR, 6).await;
            let answers = review_answers(&kiosk).await;
            assert_eq!(answers["Téléphone portable"], "06 12 34 56 78", "{answers}");
            let text = accept_and_submit(&kiosk, &FR).await;
            assert!(text.contains("envoyé par e-mail à j•••@e•••.fr"), "{text}");
            assert_received(&kiosk, &person, &text, "verified").await;
        },
    )
    .await;
}

// ------------------------------------------------------------------------------------------------
// 4. Tablet mode

#[tokio::test(flavor = "multi_thread")]
async fn an_enrolment_on_a_tablet_has_no_on_screen_keyboard() {
    e2e(
        "wizard-tablet",
        Launch::tablet().with_backend(),
        |kiosk| async move {
            kiosk.heading().await;
            let info = kiosk.invoke("kiosk_info", json!({})).await.expect("kiosk_info");
            assert_eq!(info["mode"], "tablet");
            assert_eq!(info["onScreenKeyboard"], false);
            assert_eq!(
                kiosk.js("return document.documentElement.dataset.mode;", vec![]).await,
                "tablet"
            );
            // Windowed, not full screen: the agent can give the window another size.
            kiosk
                .client
                .set_window_size(1024, 700)
                .await
                .expect("resize the tablet window");
            let resized = kiosk
                .wait_for(
                    "the window at its new size",
                    "return window.innerWidth === 1024 && window.innerHeight === 700 ? [window.innerWidth, window.innerHeight] : null;",
                    Duration::from_secs(5),
                )
                .await;
            assert_eq!(resized, json!([1024, 700]));

            let elodie = elodie();
            let keyboard = i18n("fr", "osk.label");
            click(&kiosk, "button", FR.start).await;
            expect_step(&kiosk, &FR, 2).await;
            click(&kiosk, "textbox", FR.nir).await;
            type_into(&kiosk, FR.nir, elodie.nir).await;
            // The on-screen keyboard opens in the field's `focusin` handler, in the same task
            // as the focus: once the field has focus, a keyboard would be there.
            wait::until("the focus in the number's field", Duration::from_secs(5), POLL, || async {
                let (_, name) = focused_name(&kiosk).await;
                if name == FR.nir {
                    Ok(())
                } else {
                    Err(name)
                }
            })
            .await;
            assert!(
                !is_shown(&kiosk, "group", &keyboard).await,
                "an on-screen keyboard appeared in tablet mode"
            );
            next(&kiosk, &FR).await;

            expect_step(&kiosk, &FR, 3).await;
            // Every field but the phone, which she leaves empty.
            for (label, text) in identity_fields(&FR, &elodie).into_iter().take(6) {
                click(&kiosk, "textbox", label).await;
                type_into(&kiosk, label, text).await;
                assert!(
                    !is_shown(&kiosk, "group", &keyboard).await,
                    "an on-screen keyboard appeared on {label:?} in tablet mode"
                );
            }
            next(&kiosk, &FR).await;
            expect_step(&kiosk, &FR, 4).await;
            choose_item(&kiosk, &FR, &elodie.item).await;
            assert!(!is_shown(&kiosk, "group", &keyboard).await);
            next(&kiosk, &FR).await;
            expect_step(&kiosk, &FR, 5).await;
            choose_department(&kiosk, elodie.department).await;
            next(&kiosk, &FR).await;
            expect_step(&kiosk, &FR, 6).await;
            let text = accept_and_submit(&kiosk, &FR).await;
            assert!(text.contains("envoyé par e-mail à e•••@e•••.fr"), "{text}");
            assert_received(&kiosk, &elodie, &text, "verified").await;
        },
    )
    .await;
}

// ------------------------------------------------------------------------------------------------
// 5. Every refusal, shown and tied to its field

/// What a refusal is about: a text field or box by its label, or a group (fieldset) by its legend.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Target<'a> {
    Field(&'a str),
    Dates(&'a str),
    Radios(&'a str),
}

const ERROR_STATE: &str = r#"
const [field, link, heading, kind] = arguments;
const norm = s => (s || '').replace(/[ \t\n\r\f]+/g, ' ').trim();
const ids = (field.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
const described = ids.map(id => { const d = document.getElementById(id); return d ? norm(d.textContent) : `missing #${id}`; });
const href = link.getAttribute('href') || '';
const target = href.startsWith('#') ? document.getElementById(decodeURIComponent(href.slice(1))) : null;
const inputs = kind === 'Field' ? [field] : kind === 'Dates' ? [...field.querySelectorAll('input')] : [];
const active = document.activeElement;
return {
  title: document.title,
  described,
  invalid: inputs.map(i => i.getAttribute('aria-invalid')),
  target: !target ? 'none' : target === field ? 'field' : field.contains(target) ? 'inside' : 'elsewhere',
  focusOnSummary: !!active && active !== document.body && active.contains(heading) && active.contains(link),
};
"#;

/// Presses `button`, then checks the refusal of `target` with `message`: the summary (« Il y a
/// un problème ») has focus and a link to the field, the inline message is tied to the field
/// (or its fieldset) by aria-describedby, aria-invalid="true" on the inputs, the page title
/// starts with « Erreur : », and no answer of the screen was lost.
pub(crate) async fn expect_refusal(kiosk: &Kiosk, button: &str, target: Target<'_>, message: &str) {
    let before = form_values(kiosk).await;
    click(kiosk, "button", button).await;
    kiosk
        .wait_for(
            "Rust's answer",
            "return !document.querySelector('main [aria-busy]');",
            Duration::from_secs(10),
        )
        .await;
    let summary_title = i18n("fr", "error.summary.title");
    let heading = kiosk.by_role("heading", &summary_title).await;
    let link = kiosk.by_role("link", message).await;
    let (field, kind) = match target {
        Target::Field(label) => (kiosk.by_label(label).await, "Field"),
        Target::Dates(legend) => (kiosk.by_role("group", legend).await, "Dates"),
        Target::Radios(legend) => (kiosk.by_role("group", legend).await, "Radios"),
    };
    let state = kiosk
        .js(
            ERROR_STATE,
            vec![
                serde_json::to_value(&field).unwrap(),
                serde_json::to_value(&link).unwrap(),
                serde_json::to_value(&heading).unwrap(),
                json!(kind),
            ],
        )
        .await;
    let what = format!("{target:?} refused with {message:?}: {state}");
    assert!(
        state["title"]
            .as_str()
            .unwrap()
            .starts_with(&i18n("fr", "app.titlePrefixError")),
        "title of {what}"
    );
    assert_eq!(
        state["focusOnSummary"], true,
        "focus on the summary, {what}"
    );
    let inline = format!("{}{message}", i18n("fr", "error.prefix"));
    assert!(
        state["described"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d.as_str() == Some(inline.as_str())),
        "the inline message is not tied by aria-describedby, {what}"
    );
    match target {
        Target::Field(_) => {
            assert_eq!(state["target"], "field", "summary link, {what}");
            assert_eq!(state["invalid"], json!(["true"]), "aria-invalid, {what}");
        }
        Target::Dates(_) => {
            assert_eq!(state["target"], "inside", "summary link, {what}");
            assert_eq!(
                state["invalid"],
                json!(["true", "true", "true"]),
                "aria-invalid, {what}"
            );
        }
        Target::Radios(_) => assert_eq!(state["target"], "inside", "summary link, {what}"),
    }
    let after = form_values(kiosk).await;
    assert_eq!(before, after, "answers lost when {what}");

    // The summary's link takes the person to the field.
    link.click().await.expect("the summary link");
    let focus_in = kiosk
        .js(
            "return arguments[0] === document.activeElement || arguments[0].contains(document.activeElement);",
            vec![serde_json::to_value(&field).unwrap()],
        )
        .await;
    assert_eq!(
        focus_in, true,
        "the summary link does not focus the field, {what}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn refusals_on_the_number_and_the_personal_information() {
    e2e(
        "wizard-errors-identity",
        Launch::kiosk(),
        |kiosk| async move {
            let person = jean();
            click(&kiosk, "button", FR.start).await;
            expect_step(&kiosk, &FR, 2).await;
            type_into(&kiosk, FR.nir, "1 84 12 76 451").await;
            // The count of what was typed (issue 15): « Vous en avez tapé 10. »
            expect_refusal(
                &kiosk,
                FR.next,
                Target::Field(FR.nir),
                &i18n("fr", "error.nir.length.other").replace("%{count}", "10"),
            )
            .await;
            type_into(&kiosk, FR.nir, "8 84 12 76 451 089").await;
            expect_refusal(
                &kiosk,
                FR.next,
                Target::Field(FR.nir),
                &error_message("nir", "nir.counsellor"),
            )
            .await;
            type_into(&kiosk, FR.nir, person.nir).await;
            next(&kiosk, &FR).await;

            expect_step(&kiosk, &FR, 3).await;
            let birth = i18n("fr", "identity.birthDate.legend");
            let rounds: [(&str, &str, Target, &str, &str); 5] = [
                (
                    FR.last_name,
                    "Dup0nt",
                    Target::Field(FR.last_name),
                    "lastName",
                    "name.characters",
                ),
                (
                    FR.first_name,
                    "",
                    Target::Field(FR.first_name),
                    "firstName",
                    "name.empty",
                ),
                (
                    FR.day,
                    "32",
                    Target::Dates(&birth),
                    "birthDate",
                    "date.invalid",
                ),
                (
                    FR.email,
                    "jean.dupont@",
                    Target::Field(FR.email),
                    "email",
                    "email.format",
                ),
                (
                    FR.phone,
                    "12",
                    Target::Field(FR.phone),
                    "phone",
                    "phone.format",
                ),
            ];
            for (label, wrong, target, field, code) in rounds {
                fill_identity(&kiosk, &FR, &person).await;
                type_into(&kiosk, label, wrong).await;
                expect_refusal(&kiosk, FR.next, target, &error_message(field, code)).await;
            }
            // Put right, the step goes through and the title loses « Erreur : ».
            fill_identity(&kiosk, &FR, &person).await;
            next(&kiosk, &FR).await;
            expect_step(&kiosk, &FR, 4).await;
            let title = kiosk.js("return document.title;", vec![]).await;
            assert!(!title.as_str().unwrap().starts_with("Erreur"), "{title}");
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn refusals_on_the_verification_the_departement_and_the_terms() {
    e2e("wizard-errors-later", Launch::kiosk(), |kiosk| async move {
        go_to_step(&kiosk, &FR, &jean(), 4, Input::Touch).await;

        // Step 4: nothing chosen, then each kind's field.
        let legend = i18n("fr", "verification.legend");
        expect_refusal(
            &kiosk,
            FR.next,
            Target::Radios(&legend),
            &error_message("verificationKind", "verification.choose"),
        )
        .await;
        let child = i18n("fr", "verification.child.legend");
        let rounds: [(Item, Target, &str, &str); 4] = [
            (
                Item::VitalePhoto("123"),
                Target::Field(FR.vitale_photo.1),
                "vitaleSerial",
                "vitale.photoLength",
            ),
            (
                Item::VitaleNoPhoto("1234"),
                Target::Field(FR.vitale_no_photo.1),
                "vitaleSerial",
                "vitale.noPhotoLength",
            ),
            (
                Item::Child("1", "1", "1950"),
                Target::Dates(&child),
                "childBirthDate",
                "childBirthDate.tooEarly",
            ),
            (
                Item::Payment("0"),
                Target::Field(FR.payment.1),
                "paymentAmount",
                "amount.zero",
            ),
        ];
        for (item, target, field, code) in rounds {
            choose_item(&kiosk, &FR, &item).await;
            expect_refusal(&kiosk, FR.next, target, &error_message(field, code)).await;
        }
        choose_item(&kiosk, &FR, &Item::Payment("87,90")).await;
        next(&kiosk, &FR).await;

        // Step 5: nothing answered to « Votre MSA est-elle la … ? » is refused on that question;
        // an overseas département is explained in place (tests/e2e/journey.rs), never refused.
        expect_step(&kiosk, &FR, 5).await;
        let legend = crate::journey::own_question();
        expect_refusal(
            &kiosk,
            FR.next,
            Target::Radios(&legend),
            &error_message("department", "department.empty"),
        )
        .await;
        choose_department(&kiosk, "44").await;
        next(&kiosk, &FR).await;

        // Step 6: the terms not accepted.
        expect_step(&kiosk, &FR, 6).await;
        expect_refusal(
            &kiosk,
            FR.submit,
            Target::Field(FR.terms),
            &error_message("terms", "terms.notAccepted"),
        )
        .await;
    })
    .await;
}

// ------------------------------------------------------------------------------------------------
// 6. Back link and « Modifier »

async fn click_back(kiosk: &Kiosk) {
    click(kiosk, "link", &i18n("fr", "nav.back")).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_back_link_and_modifier_keep_every_answer() {
    e2e(
        "wizard-back-and-change",
        Launch::kiosk(),
        |kiosk| async move {
            let person = jean();
            go_to_step(&kiosk, &FR, &person, 4, Input::Touch).await;

            // What Rust gives back: the same answers, the phone in its international form.
            let identity: Value = json!({
                FR.last_name: "Dupont",
                FR.first_name: "Jean",
                FR.day: "3",
                FR.month: "12",
                FR.year: "1984",
                FR.email: "jean.dupont@example.fr",
                FR.phone: "06 12 34 56 78",
            });

            // Back from 4 to 3, then to 2: the answers are there.
            click_back(&kiosk).await;
            expect_step(&kiosk, &FR, 3).await;
            assert_eq!(
                form_values(&kiosk).await,
                identity,
                "step 3 after the back link"
            );
            click_back(&kiosk).await;
            expect_step(&kiosk, &FR, 2).await;
            assert_eq!(
                form_values(&kiosk).await,
                json!({ FR.nir: "1 84 12 76 451 089" }),
                "step 2 after the back link"
            );
            next(&kiosk, &FR).await;
            expect_step(&kiosk, &FR, 3).await;
            assert_eq!(form_values(&kiosk).await, identity, "step 3 again");
            next(&kiosk, &FR).await;

            expect_step(&kiosk, &FR, 4).await;
            choose_item(&kiosk, &FR, &person.item).await;
            next(&kiosk, &FR).await;
            expect_step(&kiosk, &FR, 5).await;
            click_back(&kiosk).await;
            expect_step(&kiosk, &FR, 4).await;
            assert_eq!(
                form_values(&kiosk).await,
                json!({ FR.vitale_photo.0: true, FR.vitale_photo.1: "12345678901" }),
                "step 4 after the back link"
            );
            next(&kiosk, &FR).await;
            expect_step(&kiosk, &FR, 5).await;
            choose_department(&kiosk, "44").await;
            next(&kiosk, &FR).await;
            expect_step(&kiosk, &FR, 6).await;
            let review = review_answers(&kiosk).await;
            assert_eq!(
                review["Adresse e-mail"], "jean.dupont@example.fr",
                "{review}"
            );

            // « Modifier » the e-mail: the step comes back filled; « Suivant » returns to the review.
            click(&kiosk, "link", "Modifier votre adresse e-mail").await;
            expect_step(&kiosk, &FR, 3).await;
            assert_eq!(
                form_values(&kiosk).await,
                identity,
                "step 3 from « Modifier »"
            );
            type_into(&kiosk, FR.email, "j.dupont@example.fr").await;
            next(&kiosk, &FR).await;
            expect_step(&kiosk, &FR, 6).await;
            let mut expected = review.clone();
            expected["Adresse e-mail"] = json!("j.dupont@example.fr");
            assert_eq!(
                review_answers(&kiosk).await,
                expected,
                "only the e-mail changed"
            );

            // « Modifier » the département, then the back link: back on the review, nothing changed.
            click(&kiosk, "link", "Modifier le département de votre MSA").await;
            expect_step(&kiosk, &FR, 5).await;
            assert_eq!(
                // The agency's own département comes back as « Oui » to « Votre MSA est-elle la
                // MSA … ? » (issue 15), not as a tile of the list.
                form_values(&kiosk).await[i18n("fr", "department.own.yes").as_str()],
                json!(true),
                "the département is still chosen"
            );
            click_back(&kiosk).await;
            expect_step(&kiosk, &FR, 6).await;
            assert_eq!(
                review_answers(&kiosk).await,
                expected,
                "the back link changed nothing"
            );
        },
    )
    .await;
}
