//! Steps of the wizard as a person does them, for the end-to-end tests: find things by their
//! role and accessible name or by their label, type, press « Suivant ».

use std::time::Duration;

use fantoccini::key::Key;
use serde_json::{json, Value};

use msa_test_support::wait;

use crate::harness::{Kiosk, POLL};
use crate::persons::{Item, Person};

pub struct Labels {
    pub start: &'static str,
    pub next: &'static str,
    pub nir: &'static str,
    pub last_name: &'static str,
    pub first_name: &'static str,
    pub day: &'static str,
    pub month: &'static str,
    pub year: &'static str,
    pub email: &'static str,
    /// « Je n'ai pas d'adresse e-mail », the checkbox between the e-mail and the phone.
    pub no_email: &'static str,
    pub phone: &'static str,
    pub vitale_photo: (&'static str, &'static str),
    pub vitale_no_photo: (&'static str, &'static str),
    pub child: &'static str,
    pub payment: (&'static str, &'static str),
    pub nothing: &'static str,
    pub terms: &'static str,
    pub submit: &'static str,
    pub step: &'static str,
}

pub const FR: Labels = Labels {
    start: "S'inscrire",
    next: "Suivant",
    nir: "Numéro de sécurité sociale",
    last_name: "Nom",
    first_name: "Prénom",
    day: "Jour",
    month: "Mois",
    year: "Année",
    email: "Adresse e-mail",
    no_email: "Je n'ai pas d'adresse e-mail",
    phone: "Téléphone portable (si vous voulez)",
    vitale_photo: (
        "Le numéro de série de ma carte Vitale avec photo",
        "Numéro de série de la carte avec photo",
    ),
    vitale_no_photo: (
        "Le numéro de série de ma carte Vitale sans photo",
        "Numéro de série de la carte sans photo",
    ),
    child: "La date de naissance d'un de mes enfants",
    payment: (
        "Le montant d'un paiement reçu de la MSA ces 6 derniers mois",
        "Montant en euros",
    ),
    nothing: "Je n'ai aucune de ces informations",
    terms: "J'accepte les conditions générales d'utilisation",
    submit: "Valider mon inscription",
    step: "Étape",
};

/// Step 3's fields in screen order, each with what `person` types in it.
pub fn identity_fields(labels: &Labels, person: &Person) -> [(&'static str, &'static str); 7] {
    [
        (labels.last_name, person.last_name),
        (labels.first_name, person.first_name),
        (labels.day, person.birth.0),
        (labels.month, person.birth.1),
        (labels.year, person.birth.2),
        (labels.email, person.email),
        (labels.phone, person.phone),
    ]
}

pub async fn click(kiosk: &Kiosk, role: &str, name: &str) {
    let element = kiosk.by_role(role, name).await;
    // A control half hidden at the edge of `main` (the only scrolling area, under the fixed
    // header) is brought fully into view first, as a person scrolls to it: WebKitWebDriver
    // left « S'inscrire » clipped that way and refused it as not interactable.
    kiosk
        .js(
            "arguments[0].scrollIntoView({block: 'nearest'}); return true;",
            vec![serde_json::to_value(&element).unwrap()],
        )
        .await;
    let mut result = element.click().await;
    if matches!(&result, Err(fantoccini::error::CmdError::Standard(e)) if e.error == fantoccini::error::ErrorStatus::ElementClickIntercepted)
    {
        // The on-screen keyboard covers it: put the keyboard away, as a person would.
        let lang = kiosk
            .js("return document.documentElement.lang;", vec![])
            .await;
        let hide_name = if lang == json!("en") {
            "Close the keyboard"
        } else {
            "Fermer le clavier"
        };
        let hide = kiosk.by_role("button", hide_name).await;
        hide.click().await.expect("hide the on-screen keyboard");
        result = element.click().await;
    }
    if let Err(e) = result {
        let shot = kiosk.screenshot("click").await;
        panic!(
            "cannot click the {role} {name:?}: {e:?} (screenshot {})",
            shot.display()
        );
    }
}

pub async fn type_into(kiosk: &Kiosk, label: &str, text: &str) {
    let field = kiosk.by_label(label).await;
    // WebKit's Element Clear does not scroll: bring a field scrolled out of view back first, as a
    // person scrolls back up to it.
    kiosk
        .js(
            "arguments[0].scrollIntoView({block: 'nearest'}); return true;",
            vec![serde_json::to_value(&field).unwrap()],
        )
        .await;
    field.clear().await.unwrap();
    if !text.is_empty() {
        field
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("cannot type into {label:?}: {e}"));
    }
}

pub async fn value_of(kiosk: &Kiosk, label: &str) -> String {
    let field = kiosk.by_label(label).await;
    field.prop("value").await.unwrap().unwrap_or_default()
}

/// Waits for the heading of step `n` and returns its text.
pub async fn expect_step(kiosk: &Kiosk, labels: &Labels, n: u8) -> String {
    let wanted = &format!("{} {n} ", labels.step);
    let script = "const h = document.querySelector('h1'); return h ? h.textContent.replace(/\\s+/g, ' ').trim() : '';";
    wait::until(
        &format!("step {n}"),
        Duration::from_secs(10),
        POLL,
        || async move {
            let heading = kiosk.js(script, vec![]).await;
            let text = heading.as_str().unwrap_or_default().to_owned();
            if text.contains(wanted.as_str()) {
                Ok(text)
            } else {
                Err(text)
            }
        },
    )
    .await
}

/// Waits up to `within` for the welcome screen's heading (in French).
pub async fn expect_welcome(kiosk: &Kiosk, within: Duration) {
    kiosk
        .wait_for(
            "the welcome screen",
            &format!(
                "return document.querySelector('h1').textContent.includes({});",
                serde_json::json!(i18n("fr", "welcome.title"))
            ),
            within,
        )
        .await;
}

pub async fn next(kiosk: &Kiosk, labels: &Labels) {
    click(kiosk, "button", labels.next).await;
}

/// Types `person`'s answers into every field of step 3.
pub async fn fill_identity(kiosk: &Kiosk, labels: &Labels, person: &Person) {
    for (label, text) in identity_fields(labels, person) {
        type_into(kiosk, label, text).await;
    }
}

/// How a person gives their answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    /// Taps, and typing into the field tapped (WebDriver's element commands).
    Touch,
    /// The keyboard alone: Tab, arrows, Space and Enter; where the focus lands is checked at
    /// every field.
    Keyboard,
    /// The on-screen keyboard alone (kiosk mode): its keys, and its « OK » from field to field
    /// and to send the step; where the focus lands and what each field holds are checked.
    OnScreenKeyboard,
}

/// From the welcome screen to step `n` (2 to 6, the review), answering every step before it
/// as `person` by `input`; returns once step `n`'s heading is shown.
pub async fn go_to_step(kiosk: &Kiosk, labels: &Labels, person: &Person, n: u8, input: Input) {
    assert!((2..=6).contains(&n), "no step {n} to go to");
    if input == Input::Keyboard {
        kiosk.heading().await;
        tab_to(kiosk, "button", labels.start).await;
        press(kiosk, &Key::Enter).await;
    } else {
        click(kiosk, "button", labels.start).await;
    }
    expect_step(kiosk, labels, 2).await;
    for step in 2..n {
        answer_step(kiosk, labels, person, step, input).await;
        expect_step(kiosk, labels, step + 1).await;
    }
}

/// Answers step `step` (2 to 5, on screen) as `person` by `input`, and sends it.
pub async fn answer_step(kiosk: &Kiosk, labels: &Labels, person: &Person, step: u8, input: Input) {
    match (step, input) {
        (2, Input::Touch) => {
            type_into(kiosk, labels.nir, person.nir).await;
            next(kiosk, labels).await;
        }
        (3, Input::Touch) => {
            fill_identity(kiosk, labels, person).await;
            next(kiosk, labels).await;
        }
        (4, Input::Touch) => {
            choose_item(kiosk, labels, &person.item).await;
            next(kiosk, labels).await;
        }
        (5, Input::Touch | Input::OnScreenKeyboard) => {
            choose_department(kiosk, person.department).await;
            next(kiosk, labels).await;
        }
        (2 | 3, Input::Keyboard) => {
            // Focus on the heading; the fields in reading order, each one Tab away; Enter sends.
            assert_eq!(
                focused_name(kiosk).await.0,
                "heading",
                "focus on the heading"
            );
            let fields = if step == 2 {
                vec![(labels.nir, person.nir)]
            } else {
                identity_fields(labels, person).to_vec()
            };
            for (label, text) in fields {
                if label == labels.phone {
                    // « Je n'ai pas d'adresse e-mail » stands between, one Tab stop.
                    press(kiosk, &Key::Tab).await;
                    expect_focus(kiosk, "checkbox", labels.no_email).await;
                }
                press(kiosk, &Key::Tab).await;
                expect_focus(kiosk, "textbox", label).await;
                if !text.is_empty() {
                    press(kiosk, text).await;
                }
            }
            press(kiosk, &Key::Enter).await;
        }
        (4, Input::Keyboard) => {
            // The radio group is one Tab stop; the arrows move to (and choose) the wanted one.
            let (radio, fields) = item_fields(labels, &person.item);
            tab_to(kiosk, "radio", labels.vitale_photo.0).await;
            for _ in 0..5 {
                if focused_name(kiosk).await.1 == radio {
                    break;
                }
                press(kiosk, &Key::Down).await;
            }
            expect_focus(kiosk, "radio", radio).await;
            press(kiosk, &Key::Space).await;
            assert_eq!(
                form_values(kiosk).await[radio],
                json!(true),
                "{radio:?} chosen"
            );
            for (label, text) in fields {
                press(kiosk, &Key::Tab).await;
                expect_focus(kiosk, "textbox", label).await;
                press(kiosk, text).await;
            }
            press(kiosk, &Key::Enter).await;
        }
        (5, Input::Keyboard) => {
            // « Votre MSA est-elle la … ? »: Space on « Oui » for the agency's own; else the arrow
            // to « Non », then the list: Space chooses the département; then Tab to « Suivant ».
            let lang = if labels.next == EN.next { "en" } else { "fr" };
            let yes = i18n(lang, "department.own.yes");
            tab_to(kiosk, "radio", &yes).await;
            if person.department == "44" {
                press(kiosk, &Key::Space).await;
                tab_to(kiosk, "button", labels.next).await;
                press(kiosk, &Key::Enter).await;
                return;
            }
            press(kiosk, &Key::Down).await;
            let radio = department_radio(kiosk, person.department).await;
            tab_to(kiosk, "radio", &radio).await;
            press(kiosk, &Key::Space).await;
            assert_eq!(
                form_values(kiosk).await[radio.as_str()],
                json!(true),
                "Space chooses the département"
            );
            tab_to(kiosk, "button", labels.next).await;
            press(kiosk, &Key::Enter).await;
        }
        (2, Input::OnScreenKeyboard) => {
            // Typed without spaces (the pad has none); shown grouped as it is typed (issue 15).
            let digits = without_spaces(person.nir);
            osk_fill(kiosk, labels.nir, &digits, &grouped(&digits)).await;
            osk_ok(kiosk).await;
        }
        (3, Input::OnScreenKeyboard) => {
            // The first field by a tap; then « OK » goes from field to field, and sends the step
            // from the last one.
            let typed: Vec<(&str, String)> = identity_fields(labels, person)
                .into_iter()
                .map(|(label, text)| {
                    let text = if label == labels.phone {
                        without_spaces(text)
                    } else {
                        text.to_owned()
                    };
                    (label, text)
                })
                .collect();
            let (first, text) = &typed[0];
            osk_fill(kiosk, first, text, text).await;
            for (label, text) in &typed[1..] {
                osk_ok(kiosk).await;
                assert_eq!(
                    focused_name(kiosk).await,
                    ("textbox".into(), label.to_string())
                );
                osk_type(kiosk, text).await;
                assert_eq!(&value_of(kiosk, label).await, text, "typed into {label:?}");
            }
            osk_ok(kiosk).await;
        }
        (4, Input::OnScreenKeyboard) => {
            let (radio, fields) = item_fields(labels, &person.item);
            click(kiosk, "radio", radio).await;
            for (label, text) in &fields {
                osk_fill(kiosk, label, text, text).await;
            }
            if fields.is_empty() {
                next(kiosk, labels).await; // no field, no keyboard: « Suivant » is in view
            } else {
                osk_ok(kiosk).await;
            }
        }
        (step, input) => panic!("no step {step} to answer by {input:?}"),
    }
}

/// The radio of `item` and its fields with what is typed in them, in screen order.
fn item_fields<'a>(
    labels: &Labels,
    item: &'a Item,
) -> (&'static str, Vec<(&'static str, &'a str)>) {
    match item {
        Item::VitalePhoto(serial) => (
            labels.vitale_photo.0,
            vec![(labels.vitale_photo.1, *serial)],
        ),
        Item::VitaleNoPhoto(serial) => (
            labels.vitale_no_photo.0,
            vec![(labels.vitale_no_photo.1, *serial)],
        ),
        Item::Child(d, m, y) => (
            labels.child,
            vec![(labels.day, *d), (labels.month, *m), (labels.year, *y)],
        ),
        Item::Payment(amount) => (labels.payment.0, vec![(labels.payment.1, *amount)]),
        Item::Nothing => (labels.nothing, vec![]),
    }
}

/// Numbers are typed on the on-screen keyboard without their spaces (it has no space key there).
fn without_spaces(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

pub async fn choose_item(kiosk: &Kiosk, labels: &Labels, item: &Item) {
    let (radio, fields) = item_fields(labels, item);
    click(kiosk, "radio", radio).await;
    for (label, text) in fields {
        type_into(kiosk, label, text).await;
    }
}

/// The accessible name of the département's radio (« 44 Loire-Atlantique »), which starts with
/// its code.
pub async fn department_radio(kiosk: &Kiosk, code: &str) -> String {
    kiosk.ensure_axe().await;
    let name = kiosk
        .js(
            "axe.setup(document); try { const r = [...document.querySelectorAll('input[type=radio]')].find(i => i.value === arguments[0]); return r ? axe.commons.text.accessibleTextVirtual(axe.utils.getNodeFromTree(r)).replace(/\\s+/g, ' ').trim() : null; } finally { axe.teardown(); }",
            vec![json!(code)],
        )
        .await;
    let name = name
        .as_str()
        .unwrap_or_else(|| panic!("no radio for département {code}"))
        .to_owned();
    assert!(
        name.starts_with(code),
        "the radio of {code} is named {name:?}"
    );
    name
}

/// Picks the département by a tap on its radio; first « Non, une autre MSA » when the screen asks
/// about the agency's own MSA (issue 15) and the list is not shown yet.
pub async fn choose_department(kiosk: &Kiosk, code: &str) {
    show_department_list(kiosk).await;
    let name = department_radio(kiosk, code).await;
    click(kiosk, "radio", &name).await;
}

/// « Non » to « Votre MSA est-elle la MSA … ? », by a tap, when it is asked and not yet answered.
pub async fn show_department_list(kiosk: &Kiosk) {
    let no = kiosk
        .js(
            "const r = document.getElementById('department-own-no'); return r && !r.checked ? r.labels[0].textContent.replace(/\\s+/g, ' ').trim() : null;",
            vec![],
        )
        .await;
    if let Some(no) = no.as_str() {
        click(kiosk, "radio", no).await;
    }
}

/// Ticks the terms and validates; returns the confirmation screen's main text.
pub async fn accept_and_submit(kiosk: &Kiosk, labels: &Labels) -> String {
    click(kiosk, "checkbox", labels.terms).await;
    click(kiosk, "button", labels.submit).await;
    expect_step(kiosk, labels, 7).await;
    main_text(kiosk).await
}

pub async fn main_text(kiosk: &Kiosk) -> String {
    kiosk
        .js("const m = document.querySelector('main'); return m ? m.innerText : document.body.innerText;", vec![])
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The reference shown on the confirmation screen (`XXXX-XXXX`).
pub fn reference_in(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    for start in 0..chars.len().saturating_sub(8) {
        let window: String = chars[start..start + 9].iter().collect();
        let ok = window.chars().enumerate().all(|(i, c)| {
            if i == 4 {
                c == '-'
            } else {
                c.is_ascii_uppercase() || c.is_ascii_digit()
            }
        });
        if ok {
            return window;
        }
    }
    panic!("no reference on the confirmation screen: {text}");
}

// ---------------------------------------------------------------------------------------------
// English, keyboard-only, on-screen keyboard and error-state helpers (e2e_wizard, e2e_a11y).

/// The same labels in English (ui/i18n/en.json), after the language switch on the welcome screen.
pub const EN: Labels = Labels {
    start: "Sign up",
    next: "Next",
    nir: "Social security number",
    last_name: "Last name",
    first_name: "First name",
    day: "Day",
    month: "Month",
    year: "Year",
    email: "Email address",
    no_email: "I do not have an email address",
    phone: "Mobile phone (if you want)",
    vitale_photo: (
        "The serial number of my Carte Vitale with a photo",
        "Serial number of the card with a photo",
    ),
    vitale_no_photo: (
        "The serial number of my Carte Vitale without a photo",
        "Serial number of the card without a photo",
    ),
    child: "The date of birth of one of my children",
    payment: (
        "The amount of a payment from the MSA in the last 6 months",
        "Amount in euros",
    ),
    nothing: "I have none of these",
    terms: "I accept the terms of use",
    submit: "Confirm my sign-up",
    step: "Step",
};

/// A string of the UI's translations (`ui/i18n/<lang>.json`), `%{x}` placeholders left as is.
pub fn i18n(lang: &str, key: &str) -> String {
    let path = crate::harness::repo_root().join(format!("ui/i18n/{lang}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let strings: Value = serde_json::from_str(&text).unwrap();
    strings[key]
        .as_str()
        .unwrap_or_else(|| panic!("no string {key:?} in {lang}.json"))
        .to_owned()
}

/// The French message the UI shows for `code` on `field`: the field's own wording when there is
/// one (`error.lastName.name.empty`), else the common one (`error.name.empty`), as
/// `ui/js/i18n.js` `errorKey` chooses.
pub fn error_message(field: &str, code: &str) -> String {
    let path = crate::harness::repo_root().join("ui/i18n/fr.json");
    let strings: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let specific = format!("error.{field}.{code}");
    match strings[&specific].as_str() {
        Some(text) => text.to_owned(),
        None => i18n("fr", &format!("error.{code}")),
    }
}

/// The ARIA role and accessible name of the focused element, per axe-core.
pub async fn focused_name(kiosk: &Kiosk) -> (String, String) {
    kiosk.ensure_axe().await;
    let found = kiosk
        .js(
            "axe.setup(document); try { const el = document.activeElement; if (!el || el === document.body) return ['', '']; const v = axe.utils.getNodeFromTree(el); return [axe.commons.aria.getRole(el) || el.tagName.toLowerCase(), (v ? axe.commons.text.accessibleTextVirtual(v) : '').replace(/\\s+/g, ' ').trim()]; } finally { axe.teardown(); }",
            vec![],
        )
        .await;
    (
        found[0].as_str().unwrap_or_default().to_owned(),
        found[1].as_str().unwrap_or_default().to_owned(),
    )
}

/// Sends keystrokes to whatever has focus, as a physical keyboard would (no element chosen).
pub async fn press(kiosk: &Kiosk, keys: &str) {
    let active = kiosk
        .client
        .active_element()
        .await
        .expect("the focused element");
    active
        .send_keys(keys)
        .await
        .unwrap_or_else(|e| panic!("cannot send {keys:?} to the focused element: {e}"));
}

/// Presses Tab until the focused element has this role and accessible name (80 presses at most).
pub async fn tab_to(kiosk: &Kiosk, role: &str, name: &str) {
    let mut seen = Vec::new();
    for _ in 0..80 {
        let (r, n) = focused_name(kiosk).await;
        if r == role && n == name {
            return;
        }
        seen.push(format!("{r}: {n}"));
        press(kiosk, &Key::Tab).await;
    }
    panic!("could not reach the {role} {name:?} with Tab; focus went through {seen:?}");
}

/// Asserts what has focus, by role and accessible name.
pub async fn expect_focus(kiosk: &Kiosk, role: &str, name: &str) {
    let (r, n) = focused_name(kiosk).await;
    assert_eq!(
        (r.as_str(), n.as_str()),
        (role, name),
        "focus is not where a keyboard user expects it"
    );
}

/// Whether a visible element with this role and name is on screen now (no waiting).
pub async fn is_shown(kiosk: &Kiosk, role: &str, name: &str) -> bool {
    kiosk.ensure_axe().await;
    kiosk
        .js(
            "axe.setup(document); try { const norm = s => (s || '').replace(/\\s+/g, ' ').trim(); return [...document.querySelectorAll('body *')].some(el => (el.offsetWidth || el.offsetHeight || el.getClientRects().length) && getComputedStyle(el).visibility !== 'hidden' && axe.commons.aria.getRole(el) === arguments[0] && norm(axe.commons.text.accessibleTextVirtual(axe.utils.getNodeFromTree(el))) === arguments[1]); } finally { axe.teardown(); }",
            vec![json!(role), json!(name)],
        )
        .await
        == json!(true)
}

/// Every visible form field of the screen by accessible name: its value, or `true` for a ticked
/// box or the chosen radio (unchosen radios and boxes are left out).
pub async fn form_values(kiosk: &Kiosk) -> Value {
    kiosk.ensure_axe().await;
    kiosk
        .js(
            "axe.setup(document); try { const out = {}; for (const el of document.querySelectorAll('main input, main select, main textarea')) { if (!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)) continue; const name = axe.commons.text.accessibleTextVirtual(axe.utils.getNodeFromTree(el)).replace(/\\s+/g, ' ').trim(); if (el.type === 'radio' || el.type === 'checkbox') { if (el.checked) out[name] = true; } else { out[name] = el.value; } } return out; } finally { axe.teardown(); }",
            vec![],
        )
        .await
}

/// The review screen's answers: each term (`dt`) with its value (`dd`).
pub async fn review_answers(kiosk: &Kiosk) -> Value {
    kiosk
        .js(
            "const out = {}; for (const dt of document.querySelectorAll('main dl dt')) { const dd = dt.nextElementSibling; out[dt.textContent.replace(/\\s+/g, ' ').trim()] = dd ? dd.textContent.replace(/\\s+/g, ' ').trim() : null; } return out;",
            vec![],
        )
        .await
}

/// The one enrolment the test backend stored under the reference shown on `confirmation`.
pub async fn received_once(kiosk: &Kiosk, confirmation: &str) -> serde_json::Value {
    let reference = reference_in(confirmation);
    let backend = kiosk.backend.as_ref().expect("a test backend");
    let received = backend.enrolments().await;
    let mine: Vec<_> = received
        .iter()
        .filter(|e| e["reference"] == reference.as_str())
        .collect();
    assert_eq!(mine.len(), 1, "the backend received {received:?}");
    mine[0].clone()
}

/// The backend received exactly this person's enrolment under the reference on `confirmation`.
pub async fn assert_received(
    kiosk: &Kiosk,
    person: &Person,
    confirmation: &str,
    expected_outcome: &str,
) {
    let got = &received_once(kiosk, confirmation).await;
    let nir13: String = person
        .nir
        .chars()
        .filter(|c| !c.is_whitespace())
        .take(13)
        .collect();
    assert_eq!(got["nir"], nir13.as_str());
    // Names travel as enrol-core keeps them: apostrophes and dashes made plain (issue 12).
    let stored = |field, name| {
        enrol_core::PersonName::parse(field, name)
            .expect("the test person's name is valid")
            .as_str()
            .to_owned()
    };
    assert_eq!(
        got["lastName"],
        stored(enrol_core::Field::LastName, person.last_name)
    );
    assert_eq!(
        got["firstName"],
        stored(enrol_core::Field::FirstName, person.first_name)
    );
    assert_eq!(got["email"], person.email);
    assert_eq!(got["department"], person.department);
    assert_eq!(got["outcome"], expected_outcome);
    let kind = match person.item {
        Item::VitalePhoto(_) | Item::VitaleNoPhoto(_) => "vitaleSerial",
        Item::Child(..) => "childBirthDate",
        Item::Payment(_) => "paymentAmount",
        Item::Nothing => "none",
    };
    assert_eq!(got["verificationKind"], kind);
}

/// The names of the on-screen keyboard's keys (`osk.*` in fr.json) that type `text`: digits are
/// named by themselves (« 1 »), letters « lettre a » (a capital after « Majuscule »), « .fr » at
/// the end of an e-mail is the one key « .fr ».
pub fn osk_keys(text: &str) -> Vec<String> {
    let (body, dot_fr) = match text.strip_suffix(".fr") {
        Some(body) if text.contains('@') => (body, true),
        _ => (text, false),
    };
    let mut keys = Vec::new();
    for c in body.chars() {
        let named = |key: &str| i18n("fr", key);
        match c {
            '0'..='9' => keys.push(c.to_string()),
            '@' => keys.push(named("osk.at")),
            '.' => keys.push(named("osk.dot")),
            ',' => keys.push(named("osk.comma")),
            '-' => keys.push(named("osk.hyphen")),
            '_' => keys.push(named("osk.underscore")),
            '\'' => keys.push(named("osk.apostrophe")),
            '+' => keys.push(named("osk.plus")),
            ' ' => keys.push(named("osk.space")),
            c if c.is_uppercase() => {
                keys.push(named("osk.shift"));
                keys.push(named("osk.letter").replace("%{letter}", &c.to_string()));
            }
            c => keys.push(named("osk.letter").replace("%{letter}", &c.to_string())),
        }
    }
    if dot_fr {
        keys.push(".fr".into());
    }
    keys
}

/// Types on the on-screen keyboard: taps each key by its accessible name. A key that is not on
/// the page shown (« Autres lettres », « Symboles ») is looked for on the other page, as a person
/// turns the page to find it.
pub async fn osk_type(kiosk: &Kiosk, text: &str) {
    const ON_PAGE: &str = "return [...document.querySelectorAll('#osk .osk__key')].some(b => (b.getAttribute('aria-label') || b.textContent).replace(/\\s+/g, ' ').trim() === arguments[0]);";
    const TURN: &str = "const k = document.querySelector('#osk .osk__key--page'); if (!k) return null; return (k.getAttribute('aria-label') || k.textContent).replace(/\\s+/g, ' ').trim();";
    for key in osk_keys(text) {
        if kiosk.js(ON_PAGE, vec![json!(key)]).await != json!(true) {
            let page_key = kiosk.js(TURN, vec![]).await;
            let page_key = page_key
                .as_str()
                .unwrap_or_else(|| panic!("no key {key:?} and no other page"));
            kiosk
                .by_role("button", page_key)
                .await
                .click()
                .await
                .unwrap_or_else(|e| panic!("cannot turn the page to {page_key:?}: {e}"));
            assert_eq!(
                kiosk.js(ON_PAGE, vec![json!(key)]).await,
                json!(true),
                "no key {key:?} on either page of the on-screen keyboard"
            );
        }
        let button = kiosk.by_role("button", &key).await;
        button
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot tap the key {key:?}: {e}"));
    }
}

/// Taps the on-screen keyboard's « OK »: the next field, or the step sent from the last one.
pub async fn osk_ok(kiosk: &Kiosk) {
    kiosk
        .by_role("button", &i18n("fr", "osk.enter"))
        .await
        .click()
        .await
        .expect("tap « OK » on the on-screen keyboard");
}

/// Taps a field (the on-screen keyboard comes up), clears it with « Effacer » and types `text`
/// with the keys; checks the field then holds `expected`.
pub async fn osk_fill(kiosk: &Kiosk, label: &str, text: &str, expected: &str) {
    click(kiosk, "textbox", label).await;
    let keyboard = i18n("fr", "osk.label");
    assert!(
        is_shown(kiosk, "group", &keyboard).await,
        "no on-screen keyboard when the field {label:?} got focus"
    );
    let current = value_of(kiosk, label).await;
    if !current.is_empty() {
        let erase = kiosk.by_role("button", &i18n("fr", "osk.backspace")).await;
        for _ in 0..current.chars().count() {
            erase.click().await.unwrap();
        }
    }
    osk_type(kiosk, text).await;
    assert_eq!(
        value_of(kiosk, label).await,
        expected,
        "typed into {label:?}"
    );
}

/// One enrolment as the reference backend stored it (its `enrolments` table, read from its
/// SQLite file): what reached the MSA, after every normalisation.
#[derive(Debug, PartialEq, Eq)]
pub struct Stored {
    pub nir: String,
    pub last_name: String,
    pub first_name: String,
    pub birth_date: String,
    pub email: String,
    pub phone: Option<String>,
    pub verification_kind: String,
    pub department: String,
    pub outcome: String,
}

/// The row the reference backend stored under the reference on `confirmation`; exactly one.
pub async fn stored_enrolment(kiosk: &Kiosk, confirmation: &str) -> Stored {
    use sqlx::{Connection, Row};
    let reference = reference_in(confirmation);
    // The harness starts the backend on `<home>/msa-backend/backend.db`.
    let path = kiosk.home.path().join("msa-backend").join("backend.db");
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .read_only(true);
    let mut db = sqlx::SqliteConnection::connect_with(&options)
        .await
        .unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
    let rows = sqlx::query(
        "SELECT nir, last_name, first_name, birth_date, email, phone, verification_kind, \
         department, outcome FROM enrolments WHERE reference = ?",
    )
    .bind(&reference)
    .fetch_all(&mut db)
    .await
    .expect("the backend's enrolments table");
    assert_eq!(rows.len(), 1, "rows stored under {reference}");
    let row = &rows[0];
    let text = |column: &str| -> String { row.try_get(column).unwrap() };
    Stored {
        nir: text("nir"),
        last_name: text("last_name"),
        first_name: text("first_name"),
        birth_date: text("birth_date"),
        email: text("email"),
        phone: row.try_get("phone").unwrap(),
        verification_kind: text("verification_kind"),
        department: text("department"),
        outcome: text("outcome"),
    }
}

/// SPEC §2 step 2: 1-2-2-2-3-3, then the key.
pub fn grouped(chars: &str) -> String {
    let chars: Vec<char> = chars.chars().filter(|c| !c.is_whitespace()).collect();
    let mut parts = Vec::new();
    let mut at = 0;
    for size in [1, 2, 2, 2, 3, 3, 2] {
        if at >= chars.len() {
            break;
        }
        let end = (at + size).min(chars.len());
        parts.push(chars[at..end].iter().collect::<String>());
        at = end;
    }
    parts.join(" ")
}
