//! « Valider mon inscription », the kiosk's one transaction: the terms accepted and every
//! answer assembled and checked again → the request queued durably in the outbox → the
//! session emptied of personal data (the confirmation may show) → up to a few seconds' wait
//! for the MSA's answer. Nothing is confirmed on screen before the outbox has it on disk.
//!
//! One press, one enrolment: the session refuses a second assembly from the moment the first
//! succeeds (`session.outOfOrder`), so two « Valider » at once queue one request.

use std::time::Duration;

use enrol_core::code;
use enrol_core::wire::EnrolmentAnswer;
use serde::Serialize;
use time::Date;
use uuid::Uuid;

use super::answers::{general, Refusal};
use super::cgu::Cgu;
use super::desk::Desk;
use super::reference::new_reference;
use crate::delivery::outbox::Outbox;
use crate::delivery::worker::DeliveryHandle;
use crate::ops::clock::now_ms;
use crate::receipt::{self, Agency, Receipt, Receipts};

/// What « Valider » needs besides the session.
pub struct Dispatch<'a> {
    /// Where the request is queued before anything is confirmed.
    pub outbox: &'a Outbox,
    /// Woken once the request is queued; its answers are listened to.
    pub delivery: &'a DeliveryHandle,
    /// The terms that may be accepted (one version per language shown).
    pub cgu: &'a Cgu,
    /// Sent with the request (`kiosk_id` of the configuration).
    pub kiosk_id: &'a str,
    /// How long to wait for the MSA's answer before saying the request is kept safely.
    pub answer_wait: Duration,
    /// Where the confirmation's receipt is kept for « Imprimer mon reçu », and the kiosk's
    /// agency printed on it.
    pub receipts: &'a Receipts,
    pub agency: Agency,
}

/// The person's answer to the terms, as the review screen sends it.
#[derive(Debug, Clone, Default)]
pub struct TermsAnswer {
    pub accepted: bool,
    /// The version of the text that was shown (`sha256:…`).
    pub version_shown: String,
}

/// What the confirmation screen says. `outcome` is `email`, `postal`, `alreadyEnrolled`,
/// `counsellor` or `queued`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Confirmation {
    pub outcome: &'static str,
    pub reference: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub masked_email: Option<String>,
    /// The person gave no e-mail address: whatever the outcome, the password comes by post
    /// (step 7 says « par courrier » even while the enrolment waits in the outbox).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub no_email: bool,
    /// The caisse's msa.fr site, and its QR code as a `data:image/svg+xml` URL (receipt::qr):
    /// nothing personal.
    pub login_url: String,
    pub qr_code: String,
}

impl Confirmation {
    /// What to say for the MSA's answer, or its absence.
    pub fn of(reference: String, answer: Option<EnrolmentAnswer>) -> Confirmation {
        let (outcome, masked_email) = match answer {
            Some(EnrolmentAnswer::Verified { masked_email, .. }) => ("email", Some(masked_email)),
            Some(EnrolmentAnswer::Postal { .. }) => ("postal", None),
            Some(EnrolmentAnswer::AlreadyEnrolled { .. }) => ("alreadyEnrolled", None),
            Some(EnrolmentAnswer::Invalid { .. } | EnrolmentAnswer::IdempotencyKeyReused) => {
                ("counsellor", None)
            }
            // Not answered in time, or only a retryable answer: it is safe in the outbox.
            Some(_) | None => ("queued", None),
        };
        Confirmation {
            outcome,
            reference,
            masked_email,
            no_email: false,
            login_url: String::new(),
            qr_code: String::new(),
        }
    }
}

/// The transaction (see the module's comment). Refusals: the terms (`terms.*` on the terms
/// field), a step out of order or a second press (`session.outOfOrder`), no session
/// (`session.expired`), the outbox or the keyring failing (`system.unavailable`; the person
/// may press again).
pub async fn submit_enrolment(
    desk: &Desk,
    dispatch: &Dispatch<'_>,
    terms: &TermsAnswer,
    today: Date,
) -> Result<Confirmation, Refusal> {
    let reference = new_reference();
    let idempotency_key = Uuid::new_v4();
    // Before queueing, so that an answer that comes quickly is not missed.
    let answers = dispatch.delivery.subscribe();
    let versions = dispatch.cgu.versions();
    let (request, caisse) = desk.with_session(|session, store| {
        let enrolment = session.assemble(
            store,
            terms.accepted,
            &terms.version_shown,
            &versions,
            today,
        )?;
        Ok((
            enrolment.to_wire(&reference, dispatch.kiosk_id),
            enrolment.department().caisse(),
        ))
    })?;
    if let Err(error) = dispatch
        .outbox
        .enqueue(idempotency_key, &request, now_ms())
        .await
    {
        tracing::error!(%error, "could not queue an enrolment");
        desk.submit_failed();
        return Err(general(code::SYSTEM_UNAVAILABLE));
    }
    let no_email = request.email.is_none();
    drop(request);
    tracing::info!(%reference, "enrolment queued");
    desk.confirm_submitted()?;
    dispatch.delivery.wake();
    let answer = DeliveryHandle::answer_for(answers, &reference, dispatch.answer_wait).await;
    let mut confirmation = Confirmation::of(reference, answer);
    confirmation.no_email = no_email;
    confirmation.login_url = receipt::login_url(caisse);
    confirmation.qr_code = receipt::qr::svg_data_url(&confirmation.login_url, 240)
        .ok_or_else(|| general(code::SYSTEM_INTERNAL))?;
    let phone = dispatch.receipts.caisse_phone(caisse);
    dispatch.receipts.keep(receipt_of(
        &confirmation,
        dispatch.agency.clone(),
        caisse,
        phone,
    ));
    Ok(confirmation)
}

/// The receipt of a confirmation: its reference, outcome and time, the kiosk's agency, the
/// caisse and its phone number (`[receipt.phones]`), and whether an e-mail address was given
/// (never the address). Nothing else is within reach here (see receipt/mod.rs).
fn receipt_of(
    confirmation: &Confirmation,
    agency: Agency,
    caisse: &'static enrol_core::Caisse,
    phone: Option<String>,
) -> Option<Receipt> {
    let receipt = Receipt::new(
        receipt::Reference::parse(&confirmation.reference)?,
        receipt::Outcome::from_word(confirmation.outcome)?,
        time::OffsetDateTime::now_local().unwrap_or_else(|_| time::OffsetDateTime::now_utc()),
        agency,
        caisse,
    );
    Some(
        receipt
            .with_no_email(confirmation.no_email)
            .with_phone(phone),
    )
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::delivery::outbox::OutboxKey;
    use crate::enrolment::session::tests::{answer_up_to_review, TODAY};
    use crate::enrolment::session::Step;
    use crate::secrets::MemoryStore;

    struct Rig {
        _dir: tempfile::TempDir,
        store: Arc<MemoryStore>,
        desk: Desk,
        outbox: Outbox,
        delivery: DeliveryHandle,
        cgu: Cgu,
        receipts: Receipts,
    }

    impl Rig {
        async fn at_review() -> Rig {
            let dir = tempfile::tempdir().unwrap();
            let outbox = Outbox::open(&dir.path().join("outbox.db"), &OutboxKey::random())
                .await
                .unwrap();
            let store = Arc::new(MemoryStore::default());
            let desk = Desk::new(store.clone());
            desk.start(|| true).unwrap();
            desk.with_session(|s, store| {
                answer_up_to_review(s, store);
                s.review(store)
            })
            .unwrap();
            Rig {
                _dir: dir,
                store,
                desk,
                outbox,
                delivery: DeliveryHandle::new(),
                cgu: Cgu::bundled(),
                receipts: Receipts::new(None),
            }
        }

        fn dispatch(&self) -> Dispatch<'_> {
            Dispatch {
                outbox: &self.outbox,
                delivery: &self.delivery,
                cgu: &self.cgu,
                kiosk_id: "test-kiosk",
                answer_wait: Duration::from_millis(20),
                receipts: &self.receipts,
                agency: Agency {
                    kiosk_id: "test-kiosk".into(),
                    department: None,
                },
            }
        }

        fn accepted(&self) -> TermsAnswer {
            TermsAnswer {
                accepted: true,
                version_shown: self.cgu.versions()[0].as_str().to_owned(),
            }
        }
    }

    #[tokio::test]
    async fn valider_queues_one_request_and_leaves_nothing_personal() {
        let rig = Rig::at_review().await;
        let confirmation = submit_enrolment(&rig.desk, &rig.dispatch(), &rig.accepted(), TODAY)
            .await
            .unwrap();
        // Nobody answers within 20 ms: the request is kept safely.
        assert_eq!(confirmation.outcome, "queued");
        assert_eq!(rig.outbox.pending_count().await.unwrap(), 1);
        let queued = rig.outbox.next_due(i64::MAX / 4).await.unwrap().unwrap();
        assert_eq!(queued.reference, confirmation.reference);
        assert_eq!(queued.request.kiosk_id, "test-kiosk");
        assert!(rig.store.is_empty(), "the credentials left the keyring");
        let step = rig.desk.with_session(|s, _| Ok(s.step())).unwrap();
        assert_eq!(step, Step::Confirmation);
    }

    #[tokio::test]
    async fn a_second_valider_is_refused_even_while_the_first_is_being_queued() {
        let rig = Rig::at_review().await;
        let dispatch = rig.dispatch();
        let terms = rig.accepted();
        let (first, second) = tokio::join!(
            submit_enrolment(&rig.desk, &dispatch, &terms, TODAY),
            submit_enrolment(&rig.desk, &dispatch, &terms, TODAY),
        );
        let mut results = [first, second];
        results.sort_by_key(Result::is_err);
        assert_eq!(results[0].as_ref().unwrap().outcome, "queued");
        assert_eq!(
            results[1].as_ref().unwrap_err()[0].code,
            code::SESSION_OUT_OF_ORDER
        );
        assert_eq!(rig.outbox.pending_count().await.unwrap(), 1);
    }

    #[tokio::test]
    async fn unticked_terms_queue_nothing_and_the_person_may_tick_them() {
        let rig = Rig::at_review().await;
        let refused = submit_enrolment(
            &rig.desk,
            &rig.dispatch(),
            &TermsAnswer {
                accepted: false,
                ..rig.accepted()
            },
            TODAY,
        )
        .await
        .unwrap_err();
        assert_eq!(refused[0].code, code::TERMS_NOT_ACCEPTED);
        assert_eq!(rig.outbox.pending_count().await.unwrap(), 0);
        submit_enrolment(&rig.desk, &rig.dispatch(), &rig.accepted(), TODAY)
            .await
            .unwrap();
        assert_eq!(rig.outbox.pending_count().await.unwrap(), 1);
    }

    #[tokio::test]
    async fn an_outbox_that_fails_lets_the_person_press_again() {
        let rig = Rig::at_review().await;
        rig.outbox.close().await;
        let refused = submit_enrolment(&rig.desk, &rig.dispatch(), &rig.accepted(), TODAY)
            .await
            .unwrap_err();
        assert_eq!(refused[0].code, code::SYSTEM_UNAVAILABLE);
        assert_eq!(
            rig.store.len(),
            2,
            "the credentials stay for the next press"
        );
        let step = rig.desk.with_session(|s, _| Ok(s.step())).unwrap();
        assert_eq!(step, Step::Review);
        // The session accepts the press again (it would queue, were the outbox back).
        let again = submit_enrolment(&rig.desk, &rig.dispatch(), &rig.accepted(), TODAY)
            .await
            .unwrap_err();
        assert_eq!(again[0].code, code::SYSTEM_UNAVAILABLE);
    }

    #[test]
    fn answers_map_to_what_the_confirmation_says() {
        let verified = EnrolmentAnswer::Verified {
            reference: "R".into(),
            masked_email: "j•••@e•••.fr".into(),
        };
        let said = Confirmation::of("R".into(), Some(verified));
        assert_eq!(
            (said.outcome, said.masked_email.as_deref()),
            ("email", Some("j•••@e•••.fr"))
        );
        assert_eq!(Confirmation::of("R".into(), None).outcome, "queued");
        assert_eq!(
            Confirmation::of("R".into(), Some(EnrolmentAnswer::Unavailable)).outcome,
            "queued"
        );
        assert_eq!(
            Confirmation::of("R".into(), Some(EnrolmentAnswer::IdempotencyKeyReused)).outcome,
            "counsellor"
        );
    }

    #[test]
    fn a_queued_receipt_without_an_email_says_by_post() {
        let caisse = enrol_core::Department::parse("44").unwrap().caisse();
        let agency = Agency {
            kiosk_id: "test-kiosk".into(),
            department: None,
        };
        let text = |no_email| {
            let mut said = Confirmation::of("K7Q2-9DF3".into(), None);
            said.no_email = no_email;
            receipt_of(&said, agency.clone(), caisse, None)
                .unwrap()
                .lines(receipt::Lang::Fr)
                .into_iter()
                .map(|l| l.text)
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert!(
            text(true).contains("mot de passe par courrier"),
            "{}",
            text(true)
        );
        assert!(!text(true).contains("e-mail"), "{}", text(true));
        assert!(text(false).contains("par e-mail ou par courrier"));
    }
}
