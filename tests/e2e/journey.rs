//! Issue 15, the person's journey in the real app (WebKitGTK under WebDriver): the NIR grouped as
//! it is typed, on the on-screen pad and on a physical keyboard, with what a screen reader is
//! given; the terms as real headings and lists; step 5 by « Oui » in two touches; an overseas
//! département explained where it is chosen; step 7's outcome, reference, countdown and
//! « Terminer » inside the viewport at 100 % and 200 %.
//!
//! A paste is not driven here: WebDriver has no clipboard and the image has no X clipboard tool;
//! tests/ui/journey.test.mjs pastes through Chromium's real clipboard, and the grouping code
//! is the same for every `input` event.

use std::time::Duration;

use serde_json::{json, Value};

use crate::harness::{e2e, Kiosk, Launch};
use crate::persons::jean;
use crate::steps::{
    accept_and_submit, choose_department, click, expect_step, go_to_step, i18n, is_shown,
    main_text, next, osk_keys, value_of, Input, FR,
};

/// « Votre MSA est-elle la MSA Loire-Atlantique-Vendée ? » for the tests' agency (44).
pub fn own_question() -> String {
    let caisse = enrol_core::Department::all()
        .find(|d| d.code() == "44")
        .expect("département 44")
        .caisse()
        .name;
    // As accessible names are compared: white space (the no-break space before « ? ») as one space.
    i18n("fr", "department.own.question")
        .replace("%{caisse}", caisse)
        .replace('\u{a0}', " ")
}

/// The NIR field's value, caret and the texts it is described by (what a screen reader is given
/// besides the label).
async fn nir_state(kiosk: &Kiosk) -> Value {
    kiosk
        .js(
            "const f = document.getElementById('nir'); return { value: f.value, caret: f.selectionStart, description: (f.getAttribute('aria-describedby') || '').split(/\\s+/).map(id => (document.getElementById(id) || {}).textContent || '').join(' ').replace(/\\s+/g, ' ').trim() };",
            vec![],
        )
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_nir_is_grouped_as_it_is_typed_on_the_pad_and_on_keys() {
    e2e("journey-nir", Launch::kiosk(), |kiosk| async move {
        click(&kiosk, "button", FR.start).await;
        expect_step(&kiosk, &FR, 2).await;
        click(&kiosk, "textbox", FR.nir).await;
        let digits = "2690549588157";
        let mut typed = String::new();
        for (key, digit) in osk_keys(digits).into_iter().zip(digits.chars()) {
            kiosk.by_role("button", &key).await.click().await.unwrap();
            typed.push(digit);
            let state = nir_state(&kiosk).await;
            assert_eq!(state["value"], crate::steps::grouped(&typed).as_str(), "after {typed}");
            assert_eq!(
                state["caret"],
                json!(crate::steps::grouped(&typed).chars().count()),
                "caret at the end after {typed}"
            );
        }
        let state = nir_state(&kiosk).await;
        assert_eq!(state["value"], "2 69 05 49 588 157");
        let spelled = i18n("fr", "nir.spoken.other")
            .replace("%{count}", "13")
            .replace("%{digits}", "2 6 9 0 5 4 9 5 8 8 1 5 7");
        let description = state["description"].as_str().unwrap().replace('\u{a0}', " ");
        assert!(
            description.ends_with(&spelled.replace('\u{a0}', " ")),
            "a screen reader is given the digits one by one: {description:?}"
        );

        // A physical keyboard, lower case and Corsica's « 2a »: the same grouping.
        let field = kiosk.by_label(FR.nir).await;
        field.clear().await.unwrap();
        field.send_keys("255082a168025").await.unwrap();
        assert_eq!(value_of(&kiosk, FR.nir).await, "2 55 08 2A 168 025");

        // Too short: the message counts what was typed.
        field.clear().await.unwrap();
        field.send_keys("12345678901").await.unwrap();
        assert_eq!(value_of(&kiosk, FR.nir).await, "1 23 45 67 890 1");
        click(&kiosk, "button", FR.next).await;
        let wanted = i18n("fr", "error.nir.length.other").replace("%{count}", "11");
        kiosk
            .wait_for(
                "the length message with the count, tied to the field",
                &format!(
                    "return [...document.querySelectorAll('.error-message')].some(e => e.textContent.includes({}));",
                    json!(wanted)
                ),
                Duration::from_secs(10),
            )
            .await;
        assert!(main_text(&kiosk).await.contains(&wanted));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_terms_show_as_headings_and_lists_from_their_markdown() {
    e2e("journey-terms", Launch::kiosk(), |kiosk| async move {
        go_to_step(&kiosk, &FR, &jean(), 6, Input::Touch).await;
        let source = std::fs::read_to_string(crate::harness::repo_root().join("src-tauri/cgu/fr.md"))
            .expect("the French terms");
        let sections: Vec<&str> = source
            .lines()
            .filter_map(|l| l.strip_prefix("## "))
            .map(str::trim)
            .collect();
        let items: Vec<&str> = source
            .lines()
            .filter_map(|l| l.strip_prefix("- "))
            .map(str::trim)
            .collect();
        let shown = kiosk
            .js(
                "const box = document.querySelector('.cgu__text'); const t = s => s.textContent.replace(/\\s+/g, ' ').trim(); return { lang: box.getAttribute('lang'), h4: [...box.querySelectorAll('h4')].map(t), h5: [...box.querySelectorAll('h5')].map(t), li: [...box.querySelectorAll('ul > li')].map(t), text: box.textContent, other: box.querySelectorAll('script, a, img, iframe, [style]').length };",
                vec![],
            )
            .await;
        assert_eq!(shown["lang"], "fr");
        assert_eq!(shown["h4"].as_array().map(Vec::len), Some(1), "{shown}");
        assert_eq!(shown["h5"], json!(sections));
        assert_eq!(shown["li"], json!(items));
        let text = shown["text"].as_str().unwrap();
        assert!(!text.contains("## ") && !text.contains("\n- "), "raw Markdown shown: {text}");
        assert_eq!(shown["other"], 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn step_5_by_yes_in_two_touches() {
    e2e("journey-yes", Launch::kiosk(), |kiosk| async move {
        go_to_step(&kiosk, &FR, &jean(), 5, Input::Touch).await;
        assert!(is_shown(&kiosk, "group", &own_question()).await);
        assert!(
            !is_shown(&kiosk, "textbox", &i18n("fr", "department.filter.label")).await,
            "the list waits for « Non »"
        );
        // Two touches: « Oui », « Suivant ».
        click(&kiosk, "radio", &i18n("fr", "department.own.yes")).await;
        click(&kiosk, "button", FR.next).await;
        expect_step(&kiosk, &FR, 6).await;
        assert!(main_text(&kiosk).await.contains("44 – Loire-Atlantique"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_overseas_departement_is_explained_where_it_is_chosen() {
    e2e("journey-overseas", Launch::kiosk(), |kiosk| async move {
        go_to_step(&kiosk, &FR, &jean(), 5, Input::Touch).await;
        choose_department(&kiosk, "971").await;
        let place = |what: &str| {
            format!("const e = document.getElementById('department-overseas-explain'); const tile = document.getElementById('department-971').closest('.choices'); {what}")
        };
        let text = kiosk
            .wait_for(
                "the explanation under the overseas tiles",
                &place("return e && !e.hidden && tile.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING && e.textContent.replace(/\\s+/g, ' ').trim();"),
                Duration::from_secs(5),
            )
            .await;
        let text = text.as_str().unwrap().replace('\u{a0}', " ");
        for key in ["department.overseas.971", "department.overseas.next"] {
            assert!(text.contains(&i18n("fr", key).replace('\u{a0}', " ")), "{key} in {text:?}");
        }
        // « Suivant » brings the explanation back into view: no error summary, step 5 stays.
        next(&kiosk, &FR).await;
        kiosk
            .wait_for(
                "focus on the explanation",
                &place("return document.activeElement === e;"),
                Duration::from_secs(5),
            )
            .await;
        assert!(!is_shown(&kiosk, "heading", &i18n("fr", "error.summary.title")).await);
        expect_step(&kiosk, &FR, 5).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn step_7_is_in_view_at_100_and_200_percent() {
    for size in ["100", "200"] {
        e2e(
            &format!("journey-end-{size}"),
            Launch::kiosk().with_backend(),
            |kiosk| async move {
                kiosk.heading().await;
                click(&kiosk, "radio", &i18n("fr", &format!("settings.textSize.{size}"))).await;
                go_to_step(&kiosk, &FR, &jean(), 6, Input::Touch).await;
                accept_and_submit(&kiosk, &FR).await;
                let rects = kiosk
                    .js(
                        "const r = s => { const b = document.querySelector(s).getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; }; return { outcome: r('.panel__text'), reference: r('.reference__value'), countdown: r('.countdown__text'), finish: r('.button--finish'), width: document.documentElement.clientWidth, height: window.innerHeight, size: document.documentElement.dataset.textSize || '100', main: r('main'), scrolled: document.querySelector('main').scrollTop };",
                        vec![],
                    )
                    .await;
                assert_eq!(rects["size"], size);
                let (w, h) = (rects["width"].as_f64().unwrap(), rects["height"].as_f64().unwrap());
                assert!(w >= 1280.0 && h >= 700.0, "the kiosk's screen: {rects}");
                // Without scrolling: `main` (the only scrolling area) at its top, and each part
                // inside both the viewport and `main`'s visible box.
                assert_eq!(rects["scrolled"], 0, "main was scrolled at {size} %: {rects}");
                let rect = |name: &str| -> Vec<f64> {
                    rects[name].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect()
                };
                let main = rect("main");
                for name in ["outcome", "reference", "countdown", "finish"] {
                    let r = rect(name);
                    assert!(
                        r[0] >= 0.0 && r[1] >= 0.0 && r[2] <= w && r[3] <= h,
                        "{name} outside the {w}×{h} viewport at {size} %: {r:?}"
                    );
                    assert!(
                        r[1] >= main[1] && r[3] <= main[3],
                        "{name} outside main's visible box {main:?} at {size} %: {r:?}"
                    );
                }
            },
        )
        .await;
    }
}
