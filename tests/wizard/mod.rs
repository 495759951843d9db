//! Steps of the wizard as a person does them, for the end-to-end tests: find things by their
//! role and accessible name or by their label, type, press « Suivant ».

#![allow(dead_code)]

use std::time::Duration;

use serde_json::{json, Value};

use crate::common::Kiosk;

/// One person's answers, as typed.
#[derive(Clone, Debug)]
pub struct Person {
    pub nir: &'static str,
    pub last_name: &'static str,
    pub first_name: &'static str,
    pub birth: (&'static str, &'static str, &'static str),
    pub email: &'static str,
    pub phone: &'static str,
    pub item: Item,
    pub department: &'static str,
}

#[derive(Clone, Debug)]
pub enum Item {
    VitalePhoto(&'static str),
    VitaleNoPhoto(&'static str),
    Child(&'static str, &'static str, &'static str),
    Payment(&'static str),
    Nothing,
}

/// Jean Dupont of the demo data, verified by his Vitale card with photo.
pub fn jean() -> Person {
    Person {
        nir: "1 84 12 76 451 089",
        last_name: "Dupont",
        first_name: "Jean",
        birth: ("3", "12", "1984"),
        email: "jean.dupont@example.fr",
        phone: "06 12 34 56 78",
        item: Item::VitalePhoto("12345678901"),
        department: "44",
    }
}

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
    phone: "Téléphone portable (facultatif)",
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

pub async fn click(kiosk: &Kiosk, role: &str, name: &str) {
    let element = kiosk.by_role(role, name).await;
    let mut result = element.click().await;
    if matches!(&result, Err(fantoccini::error::CmdError::Standard(e)) if e.error == fantoccini::error::ErrorStatus::ElementClickIntercepted)
    {
        // The on-screen keyboard covers it: put the keyboard away, as a person would.
        let hide = kiosk.by_role("button", "Masquer le clavier").await;
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
    let wanted = format!("{} {n} ", labels.step);
    let script = "const h = document.querySelector('h1'); return h ? h.textContent.replace(/\\s+/g, ' ').trim() : '';";
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let heading = kiosk.js(script, vec![]).await;
        let text = heading.as_str().unwrap_or_default().to_owned();
        if text.starts_with(&wanted) || text.contains(&wanted) {
            return text;
        }
        if std::time::Instant::now() > deadline {
            panic!("expected step {n}, the heading is {text:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The focused element's description: tag, id and text.
pub async fn focused(kiosk: &Kiosk) -> Value {
    kiosk
        .js(
            "const e = document.activeElement; return e ? {tag: e.tagName.toLowerCase(), id: e.id, text: (e.textContent || '').replace(/\\s+/g, ' ').trim(), role: e.getAttribute('role')} : null;",
            vec![],
        )
        .await
}

pub async fn next(kiosk: &Kiosk, labels: &Labels) {
    click(kiosk, "button", labels.next).await;
}

/// From the welcome screen to the review screen, answering as `person`.
pub async fn answer_up_to_review(kiosk: &Kiosk, labels: &Labels, person: &Person) {
    click(kiosk, "button", labels.start).await;
    expect_step(kiosk, labels, 2).await;
    type_into(kiosk, labels.nir, person.nir).await;
    next(kiosk, labels).await;

    expect_step(kiosk, labels, 3).await;
    type_into(kiosk, labels.last_name, person.last_name).await;
    type_into(kiosk, labels.first_name, person.first_name).await;
    type_into(kiosk, labels.day, person.birth.0).await;
    type_into(kiosk, labels.month, person.birth.1).await;
    type_into(kiosk, labels.year, person.birth.2).await;
    type_into(kiosk, labels.email, person.email).await;
    type_into(kiosk, labels.phone, person.phone).await;
    next(kiosk, labels).await;

    expect_step(kiosk, labels, 4).await;
    choose_item(kiosk, labels, &person.item).await;
    next(kiosk, labels).await;

    expect_step(kiosk, labels, 5).await;
    choose_department(kiosk, person.department).await;
    next(kiosk, labels).await;
    expect_step(kiosk, labels, 6).await;
}

pub async fn choose_item(kiosk: &Kiosk, labels: &Labels, item: &Item) {
    match item {
        Item::VitalePhoto(serial) => {
            click(kiosk, "radio", labels.vitale_photo.0).await;
            type_into(kiosk, labels.vitale_photo.1, serial).await;
        }
        Item::VitaleNoPhoto(serial) => {
            click(kiosk, "radio", labels.vitale_no_photo.0).await;
            type_into(kiosk, labels.vitale_no_photo.1, serial).await;
        }
        Item::Child(d, m, y) => {
            click(kiosk, "radio", labels.child).await;
            type_into(kiosk, labels.day, d).await;
            type_into(kiosk, labels.month, m).await;
            type_into(kiosk, labels.year, y).await;
        }
        Item::Payment(amount) => {
            click(kiosk, "radio", labels.payment.0).await;
            type_into(kiosk, labels.payment.1, amount).await;
        }
        Item::Nothing => click(kiosk, "radio", labels.nothing).await,
    }
}

/// Picks the département whose radio's name starts with its code (« 44 Loire-Atlantique »).
pub async fn choose_department(kiosk: &Kiosk, code: &str) {
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
    click(kiosk, "radio", &name).await;
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
