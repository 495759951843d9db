//! Whole enrolments in the real app, against a real reference backend: what the person types
//! reaches the MSA exactly, and the confirmation says what happens next.

use crate::harness::{e2e, Launch};
use crate::steps::{accept_and_submit, answer_up_to_review, assert_received, jean, Item, Person, FR};

async fn enrol_and_check(
    name: &str,
    person: Person,
    expected_text: &'static str,
    expected_outcome: &'static str,
) {
    e2e(
        name,
        Launch::kiosk().with_backend(),
        move |kiosk| async move {
            answer_up_to_review(&kiosk, &FR, &person).await;
            let text = accept_and_submit(&kiosk, &FR).await;
            assert!(text.contains(expected_text), "confirmation says: {text}");
            assert_received(&kiosk, &person, &text, expected_outcome).await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn enrolment_with_a_vitale_card_with_photo_sends_the_password_by_email() {
    enrol_and_check(
        "enrol-vitale-photo",
        jean(),
        "envoyé par e-mail à j•••@e•••.fr",
        "verified",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn enrolment_with_a_vitale_card_without_photo() {
    let elodie = Person {
        nir: "2 90 03 44 109 123",
        last_name: "Lefèvre",
        first_name: "Élodie",
        birth: ("15", "3", "1990"),
        email: "elodie.lefevre@example.fr",
        phone: "",
        item: Item::VitaleNoPhoto("01024576124"),
        department: "44",
    };
    enrol_and_check(
        "enrol-vitale-no-photo",
        elodie,
        "envoyé par e-mail à e•••@e•••.fr",
        "verified",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn enrolment_with_a_childs_birth_date_from_corsica() {
    let francoise = Person {
        nir: "2 53 07 2A 073 004",
        last_name: "Œuvray-D'Arc",
        first_name: "Françoise",
        birth: ("21", "7", "1953"),
        email: "francoise.oeuvray@example.fr",
        phone: "",
        item: Item::Child("11", "2", "1980"),
        department: "2A",
    };
    enrol_and_check(
        "enrol-child",
        francoise,
        "envoyé par e-mail à f•••@e•••.fr",
        "verified",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn enrolment_with_a_recent_payment() {
    let marie = Person {
        nir: "2 53 07 2B 073 004 70",
        last_name: "N’Diaye",
        first_name: "Marie-Thérèse",
        birth: ("8", "7", "1953"),
        email: "mt.ndiaye@example.fr",
        phone: "",
        item: Item::Payment("87,90"),
        department: "2B",
    };
    enrol_and_check(
        "enrol-payment",
        marie,
        "envoyé par e-mail à m•••@e•••.fr",
        "verified",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn enrolment_without_any_item_sends_the_password_by_post() {
    let person = Person {
        item: Item::Nothing,
        ..jean()
    };
    enrol_and_check("enrol-none", person, "envoyé par courrier", "postal").await;
}
