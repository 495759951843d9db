//! Whole enrolments in the real app, against a real reference backend: what the person types
//! reaches the MSA exactly, and the confirmation says what happens next.

use crate::harness::{e2e, Launch};
use crate::persons::{elodie, francoise, jean, marie_therese, Item, Person};
use crate::steps::{accept_and_submit, assert_received, go_to_step, Input, FR};

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
            go_to_step(&kiosk, &FR, &person, 6, Input::Touch).await;
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
    enrol_and_check(
        "enrol-vitale-no-photo",
        elodie(),
        "envoyé par e-mail à e•••@e•••.fr",
        "verified",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn enrolment_with_a_childs_birth_date_from_corsica() {
    enrol_and_check(
        "enrol-child",
        francoise(),
        "envoyé par e-mail à f•••@e•••.fr",
        "verified",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn enrolment_with_a_recent_payment() {
    enrol_and_check(
        "enrol-payment",
        marie_therese(),
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
