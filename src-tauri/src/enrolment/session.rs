//! One enrolment session, held by Rust as a state machine (SPEC §3): which step the person is
//! at, what they answered, and what they may do next. No Tauri here: the commands reach these
//! methods through `Desk`, and the unit tests below drive them directly.
//!
//! Longer than 400 lines: the unit tests of the state machine sit beside it.
//!
//! The NIR and the verification secret are credentials: they go to the OS keyring as soon as
//! their step is accepted (`credentials`), are read back only to show the review and to queue
//! the enrolment, and are deleted when the session ends. The session itself keeps only the rest
//! of the answers, as parsed values, plus the kind and masked form of the secret.

use std::time::{Duration, Instant};

use enrol_core::date::iso;
use enrol_core::{
    code, parse_identity, parse_verification, rules, CguVersion, Department, Enrolment, Field,
    Identity, IdentityForm, Invalid, VerificationForm,
};
use serde::{Deserialize, Serialize};
use time::Date;

use super::answers::{
    national_display, out_of_order, unavailable, verification_values, Next, NirAccepted, Refusal,
    Review, StepValues, VerificationView,
};
use super::credentials::{form_kind, read_item, read_nir, store_item, store_nir};
use crate::secrets::{sweep_session_entries, SecretStore};

/// The wizard's screens, in order (`welcome` … `confirmation` on the wire).

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Step {
    Welcome,
    Nir,
    Identity,
    Verification,
    Department,
    Review,
    Confirmation,
}

impl Step {
    /// The step named `name` on the wire (`identity`, `review`…), if any.
    pub fn named(name: &str) -> Option<Step> {
        serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
    }

    fn after(self) -> Step {
        match self {
            Step::Welcome => Step::Nir,
            Step::Nir => Step::Identity,
            Step::Identity => Step::Verification,
            Step::Verification => Step::Department,
            Step::Department => Step::Review,
            Step::Review | Step::Confirmation => Step::Confirmation,
        }
    }
}

/// The chosen verification item, as the session may keep it: its kind and masked form only.
#[derive(Debug, Clone)]
struct VerificationSummary {
    /// The form's kind: `vitalePhoto`, `vitaleNoPhoto`, `childBirthDate`, `paymentAmount`, `none`.
    form_kind: String,
    masked: String,
}

/// One enrolment in progress.
pub struct Session {
    step: Step,
    /// The person came from the review (« Modifier »): the step's « Suivant » returns there.
    from_review: bool,
    has_nir: bool,
    identity: Option<Identity>,
    verification: Option<VerificationSummary>,
    department: Option<Department>,
    last_activity: Instant,
    warned: bool,
    /// « Valider » assembled the enrolment and it is being queued: nothing may change, and a
    /// second « Valider » is refused, until it is confirmed or has failed.
    submitting: bool,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("step", &self.step)
            .field("from_review", &self.from_review)
            .finish_non_exhaustive()
    }
}

/// What the idle clock says about a session.
#[derive(Debug, PartialEq, Eq)]
pub enum IdleState {
    Active,
    /// Ask « Êtes-vous toujours là ? »; `seconds_left` until the wipe.
    Warn {
        seconds_left: u64,
    },
    Expired,
}

impl Session {
    /// A fresh session: anything a previous one left in the keyring is swept first.
    pub fn start(store: &dyn SecretStore, now: Instant) -> Result<Session, Refusal> {
        sweep_session_entries(store).map_err(unavailable)?;
        Ok(Session {
            step: Step::Nir,
            from_review: false,
            has_nir: false,
            identity: None,
            verification: None,
            department: None,
            last_activity: now,
            warned: false,
            submitting: false,
        })
    }

    pub fn step(&self) -> Step {
        self.step
    }

    /// Ends the session: keyring entries deleted; the rest is dropped with `self` (the parsed
    /// values zero their memory on drop).
    pub fn wipe(self, store: &dyn SecretStore) -> Result<(), Refusal> {
        sweep_session_entries(store).map_err(unavailable)
    }

    pub fn touch(&mut self, now: Instant) {
        self.last_activity = now;
        self.warned = false;
    }

    /// The authoritative idle clock. A warning is reported once per idle period.
    pub fn idle_state(&mut self, now: Instant, idle: Duration, warning: Duration) -> IdleState {
        let quiet = now.saturating_duration_since(self.last_activity);
        if quiet >= idle + warning {
            IdleState::Expired
        } else if quiet >= idle && !self.warned {
            self.warned = true;
            IdleState::Warn {
                seconds_left: (idle + warning - quiet).as_secs().max(1),
            }
        } else {
            IdleState::Active
        }
    }

    /// Where « Suivant » leads from `step`: back to the review when editing from it.
    fn advance(&mut self, from: Step) -> Step {
        let next = if self.from_review {
            Step::Review
        } else {
            from.after()
        };
        self.from_review = false;
        self.step = next;
        next
    }

    /// An answer just changed made an earlier-given one impossible: the person goes to that
    /// step instead of `planned`, and back to the review after it if that was where they went.
    fn send_back(&mut self, step: Step, planned: Step) -> Step {
        self.from_review = planned == Step::Review;
        self.step = step;
        step
    }

    fn require(&self, answered: bool) -> Result<(), Refusal> {
        if answered && self.step != Step::Confirmation && !self.submitting {
            Ok(())
        } else {
            Err(out_of_order())
        }
    }

    /// Step 2.
    pub fn submit_nir(
        &mut self,
        store: &dyn SecretStore,
        input: &str,
    ) -> Result<NirAccepted, Refusal> {
        self.require(true)?;
        let nir = enrol_core::Nir::parse(input).map_err(|e| vec![e])?;
        store_nir(store, &nir)?;
        self.has_nir = true;
        let mut next = self.advance(Step::Nir);
        // A changed NIR may no longer agree with the birth date already given: ask it again.
        if let Some(identity) = &self.identity {
            if rules::birth_date_matches_nir(&identity.birth_date, &nir).is_err() {
                next = self.send_back(Step::Identity, next);
            }
        }
        Ok(NirAccepted {
            next,
            nir_display: nir.grouped(),
        })
    }

    /// Step 3. With a likely typo in the e-mail's domain and `keep_email_as_typed` false, the
    /// step is not accepted yet: the screen offers the suggestion.
    pub fn submit_identity(
        &mut self,
        store: &dyn SecretStore,
        form: &IdentityForm,
        keep_email_as_typed: bool,
        today: Date,
    ) -> Result<Next, Refusal> {
        self.require(self.has_nir)?;
        let nir = read_nir(store)?;
        let identity = parse_identity(form, &nir, today)?;
        if !keep_email_as_typed {
            if let Some(suggestion) = identity.email.as_ref().and_then(|e| e.suggestion()) {
                return Ok(Next {
                    next: Step::Identity,
                    email_suggestion: Some(suggestion),
                });
            }
        }
        let birth = identity.birth_date;
        self.identity = Some(identity);
        let mut next = self.advance(Step::Identity);
        // A child's birth date must stay after the person's: ask the item again if it no longer is.
        if self
            .verification
            .as_ref()
            .is_some_and(|v| v.form_kind == "childBirthDate")
        {
            if let Ok(item) = read_item(store, today) {
                if rules::verification_matches_birth(&item, &birth).is_err() {
                    next = self.send_back(Step::Verification, next);
                }
            }
        }
        Ok(Next::to(next))
    }

    /// Step 4. Only the chosen item is parsed and kept (minimisation), in the keyring.
    pub fn submit_verification(
        &mut self,
        store: &dyn SecretStore,
        form: &VerificationForm,
        today: Date,
    ) -> Result<Next, Refusal> {
        let Some(identity) = &self.identity else {
            return Err(out_of_order());
        };
        self.require(true)?;
        let item = parse_verification(form, &identity.birth_date, today)?;
        store_item(store, &item)?;
        self.verification = Some(VerificationSummary {
            form_kind: form_kind(&item),
            masked: item.masked(),
        });
        Ok(Next::to(self.advance(Step::Verification)))
    }

    /// Step 5.
    pub fn submit_department(&mut self, code_typed: &str) -> Result<Next, Refusal> {
        self.require(self.verification.is_some())?;
        let department = Department::parse(code_typed).map_err(|e| vec![e])?;
        self.department = Some(department);
        Ok(Next::to(self.advance(Step::Department)))
    }

    fn is_answered(&self, step: Step) -> bool {
        match step {
            Step::Nir => self.has_nir,
            Step::Identity => self.identity.is_some(),
            Step::Verification => self.verification.is_some(),
            Step::Department => self.department.is_some(),
            Step::Review => {
                self.department.is_some()
                    && self.verification.is_some()
                    && self.identity.is_some()
                    && self.has_nir
            }
            Step::Welcome | Step::Confirmation => false,
        }
    }

    /// Reopens an answered step with its values (back link, « Modifier »). From the review,
    /// the step's « Suivant » will return to the review.
    pub fn open_step(
        &mut self,
        store: &dyn SecretStore,
        step: Step,
        today: Date,
    ) -> Result<StepValues, Refusal> {
        if self.step == Step::Confirmation || self.submitting {
            return Err(out_of_order());
        }
        let from_review = self.step == Step::Review || (self.from_review && step != Step::Review);
        let values = match step {
            Step::Nir if self.has_nir => {
                serde_json::json!({ "nir": read_nir(store)?.grouped() })
            }
            Step::Nir => serde_json::json!({ "nir": "" }),
            Step::Identity => match &self.identity {
                Some(identity) => {
                    let birth = identity.birth_date.date();
                    serde_json::json!({
                        "lastName": identity.last_name.as_str(),
                        "firstName": identity.first_name.as_str(),
                        "birthDay": birth.day().to_string(),
                        "birthMonth": birth.month().to_string(),
                        "birthYear": birth.year().to_string(),
                        "email": identity.email.as_ref().map_or("", |e| e.as_str()),
                        "noEmail": identity.email.is_none(),
                        "phone": identity.phone.as_ref().map(national_display),
                    })
                }
                None if self.has_nir => serde_json::json!({}),
                None => return Err(out_of_order()),
            },
            Step::Verification => match &self.verification {
                Some(summary) => verification_values(&summary.form_kind, &read_item(store, today)?),
                None if self.identity.is_some() => serde_json::json!({}),
                None => return Err(out_of_order()),
            },
            Step::Department => match self.department {
                Some(department) => serde_json::json!({ "code": department.code() }),
                None if self.verification.is_some() => serde_json::json!({}),
                None => return Err(out_of_order()),
            },
            Step::Review if self.is_answered(Step::Review) => serde_json::json!({}),
            Step::Review | Step::Welcome | Step::Confirmation => return Err(out_of_order()),
        };
        self.step = step;
        self.from_review = from_review && step != Step::Review;
        Ok(StepValues {
            step,
            values,
            from_review: self.from_review,
        })
    }

    /// Step 6: every answer, the secret masked.
    pub fn review(&mut self, store: &dyn SecretStore) -> Result<Review, Refusal> {
        let (Some(identity), Some(verification), Some(department)) =
            (&self.identity, &self.verification, self.department)
        else {
            return Err(out_of_order());
        };
        self.require(self.has_nir)?;
        let nir = read_nir(store)?;
        self.step = Step::Review;
        self.from_review = false;
        Ok(Review {
            nir: nir.grouped(),
            last_name: identity.last_name.as_str().to_owned(),
            first_name: identity.first_name.as_str().to_owned(),
            birth_date: iso(identity.birth_date.date()),
            email: identity.email.as_ref().map(|e| e.as_str().to_owned()),
            phone: identity.phone.as_ref().map(national_display),
            verification: VerificationView {
                kind: verification.form_kind.clone(),
                masked: verification.masked.clone(),
            },
            department: department.into(),
        })
    }

    /// « Valider mon inscription »: the terms accepted, every answer read back and assembled
    /// with every cross-field rule checked again. The caller queues it, then calls `confirmed`
    /// (or `submit_failed`); until then the session refuses another assembly and every step,
    /// so that one press queues one enrolment (`enrolment::submit`).
    pub fn assemble(
        &mut self,
        store: &dyn SecretStore,
        accept_terms: bool,
        cgu_version_shown: &str,
        current_cgu: &[CguVersion],
        today: Date,
    ) -> Result<Enrolment, Refusal> {
        if self.submitting || self.step != Step::Review || !self.is_answered(Step::Review) {
            return Err(out_of_order());
        }
        let cgu = current_cgu
            .iter()
            .find_map(|current| {
                enrol_core::accept_terms(accept_terms, cgu_version_shown, current).ok()
            })
            .ok_or_else(|| {
                let reason = current_cgu.first().map(|current| {
                    enrol_core::accept_terms(accept_terms, cgu_version_shown, current)
                });
                match reason {
                    Some(Err(invalid)) => vec![invalid],
                    _ => vec![Invalid::new(Field::Terms, code::TERMS_OUTDATED)],
                }
            })?;
        let nir = read_nir(store)?;
        let item = read_item(store, today)?;
        let (Some(identity), Some(department)) = (self.identity.clone(), self.department) else {
            return Err(out_of_order());
        };
        let enrolment = Enrolment::assemble(nir, identity, item, department, cgu)?;
        self.submitting = true;
        Ok(enrolment)
    }

    /// An assembled enrolment is being queued.
    pub fn is_submitting(&self) -> bool {
        self.submitting
    }

    /// The assembled enrolment could not be queued: the review stands, « Valider » may be
    /// pressed again.
    pub fn submit_failed(&mut self) {
        self.submitting = false;
    }

    /// The enrolment is safely queued: the credentials leave the keyring and the session keeps
    /// nothing personal while the confirmation is on screen.
    pub fn confirmed(&mut self, store: &dyn SecretStore, now: Instant) -> Result<(), Refusal> {
        sweep_session_entries(store).map_err(unavailable)?;
        self.has_nir = false;
        self.identity = None;
        self.verification = None;
        self.department = None;
        self.from_review = false;
        self.submitting = false;
        self.step = Step::Confirmation;
        self.touch(now);
        Ok(())
    }
}

/// A French mobile as people write it (`06 12 34 56 78`), from its E.164 form.
#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::secrets::MemoryStore;
    use time::macros::date;

    pub(crate) const TODAY: Date = date!(2026 - 11 - 26);

    fn identity_form() -> IdentityForm {
        IdentityForm {
            last_name: "Lefèvre".into(),
            first_name: "Élodie".into(),
            birth_day: "3".into(),
            birth_month: "12".into(),
            birth_year: "1984".into(),
            email: "elodie.lefevre@example.fr".into(),
            no_email: false,
            phone: None,
        }
    }

    pub(crate) fn verification(kind: &str, value: &str) -> VerificationForm {
        VerificationForm {
            kind: kind.into(),
            value: Some(value.into()),
            ..Default::default()
        }
    }

    /// `assemble` with the terms « CGU » shown and current, accepted or not.
    fn assemble_current(
        session: &mut Session,
        store: &MemoryStore,
        accept_terms: bool,
    ) -> Result<Enrolment, Refusal> {
        let cgu = CguVersion::of("CGU");
        session.assemble(
            store,
            accept_terms,
            cgu.as_str(),
            std::slice::from_ref(&cgu),
            TODAY,
        )
    }

    fn through_to_review(store: &MemoryStore) -> Session {
        let mut session = Session::start(store, Instant::now()).unwrap();
        answer_up_to_review(&mut session, store);
        session
    }

    /// Steps 2 to 5 with Élodie's answers.
    pub(crate) fn answer_up_to_review(session: &mut Session, store: &dyn SecretStore) {
        let nir = session.submit_nir(store, "2 84 12 76 451 089").unwrap();
        assert_eq!(nir.next, Step::Identity);
        assert_eq!(nir.nir_display, "2 84 12 76 451 089");
        assert_eq!(
            session
                .submit_identity(store, &identity_form(), false, TODAY)
                .unwrap()
                .next,
            Step::Verification
        );
        assert_eq!(
            session
                .submit_verification(store, &verification("paymentAmount", "123,45"), TODAY)
                .unwrap()
                .next,
            Step::Department
        );
        assert_eq!(session.submit_department("44").unwrap().next, Step::Review);
    }

    #[test]
    fn a_whole_enrolment_keeps_the_credentials_in_the_store_then_wipes_them() {
        let store = MemoryStore::default();
        let mut session = through_to_review(&store);
        assert_eq!(store.len(), 2, "the NIR and the secret are in the keyring");
        let review = session.review(&store).unwrap();
        assert_eq!(review.verification.masked, "•••,•• €");
        assert_eq!(review.department.caisse, "MSA Loire-Atlantique-Vendée");
        let enrolment = assemble_current(&mut session, &store, true).unwrap();
        assert_eq!(enrolment.nir().as_str(), "2841276451089");
        session.confirmed(&store, Instant::now()).unwrap();
        assert!(store.is_empty(), "nothing left in the keyring once queued");
        assert!(session.review(&store).is_err());
    }

    #[test]
    fn answers_to_the_screen_print_no_personal_value() {
        let store = MemoryStore::default();
        let mut session = Session::start(&store, Instant::now()).unwrap();
        let accepted = session.submit_nir(&store, "1 84 12 76 451 089").unwrap();
        let mut form = identity_form();
        form.email = "elodie.lefevre@gmial.com".into();
        let next = session
            .submit_identity(&store, &form, false, TODAY)
            .unwrap();
        assert!(next.email_suggestion.is_some(), "a suggestion to print");
        let values = session.open_step(&store, Step::Nir, TODAY).unwrap();
        let printed = format!("{accepted:?} {next:?} {values:?}");
        for personal in ["84 12", "1841276451089", "gmial", "gmail", "lefevre"] {
            assert!(!printed.contains(personal), "{personal} in {printed}");
        }
    }

    #[test]
    fn the_phone_comes_back_as_people_write_it() {
        let store = MemoryStore::default();
        let mut session = Session::start(&store, Instant::now()).unwrap();
        session.submit_nir(&store, "2841276451089").unwrap();
        let form = IdentityForm {
            phone: Some("+33 6 12 34 56 78".into()),
            ..identity_form()
        };
        session.submit_identity(&store, &form, true, TODAY).unwrap();
        let values = session.open_step(&store, Step::Identity, TODAY).unwrap();
        assert_eq!(values.values["phone"], "06 12 34 56 78");
    }

    /// Issue 12: an overseas mobile comes back (step 3 and the review) in the national form
    /// people in La Réunion or Guadeloupe write and recognise, not as `+262…`/`+590…`; typed
    /// again as shown, it is the same number.
    #[test]
    fn an_overseas_phone_comes_back_in_its_national_form() {
        for (typed, shown, e164) in [
            ("06 93 45 67 89", "0693 45 67 89", "+262693456789"),
            ("+590 690 12 34 56", "0690 12 34 56", "+590690123456"),
            ("+594 694 20 12 34", "0694 20 12 34", "+594694201234"),
            ("0696 20 12 34", "0696 20 12 34", "+596696201234"),
        ] {
            let store = MemoryStore::default();
            let mut session = Session::start(&store, Instant::now()).unwrap();
            session.submit_nir(&store, "2841276451089").unwrap();
            let form = IdentityForm {
                phone: Some(typed.into()),
                ..identity_form()
            };
            session.submit_identity(&store, &form, true, TODAY).unwrap();
            let values = session.open_step(&store, Step::Identity, TODAY).unwrap();
            assert_eq!(values.values["phone"], shown, "{typed}");
            let again = enrol_core::MobilePhone::parse(shown).unwrap();
            assert_eq!(again.e164(), e164, "{shown} typed again");
        }
    }

    #[test]
    fn steps_cannot_be_skipped() {
        let store = MemoryStore::default();
        let mut session = Session::start(&store, Instant::now()).unwrap();
        let refusal = session.submit_department("44").unwrap_err();
        assert_eq!(refusal[0].code, code::SESSION_OUT_OF_ORDER);
        assert!(session
            .submit_identity(&store, &identity_form(), true, TODAY)
            .is_err());
        assert!(session.review(&store).is_err());
    }

    #[test]
    fn modifier_returns_to_the_review_and_keeps_the_other_answers() {
        let store = MemoryStore::default();
        let mut session = through_to_review(&store);
        session.review(&store).unwrap();
        let values = session.open_step(&store, Step::Department, TODAY).unwrap();
        assert!(values.from_review);
        assert_eq!(values.values["code"], "44");
        assert_eq!(session.submit_department("2A").unwrap().next, Step::Review);
        let review = session.review(&store).unwrap();
        assert_eq!(review.department.code, "2A");
        assert_eq!(review.last_name, "Lefèvre");
        let amount = session
            .open_step(&store, Step::Verification, TODAY)
            .unwrap();
        assert_eq!(amount.values["value"], "123,45");
    }

    #[test]
    fn a_new_nir_that_disagrees_with_the_birth_date_asks_for_it_again() {
        let store = MemoryStore::default();
        let mut session = through_to_review(&store);
        session.review(&store).unwrap();
        session.open_step(&store, Step::Nir, TODAY).unwrap();
        // Born in 1955 per this NIR: the 1984 birth date must be given again.
        let accepted = session.submit_nir(&store, "2 55 08 14 168 025").unwrap();
        assert_eq!(accepted.next, Step::Identity);
    }

    #[test]
    fn an_email_typo_is_suggested_once_then_kept_as_typed() {
        let store = MemoryStore::default();
        let mut session = Session::start(&store, Instant::now()).unwrap();
        session.submit_nir(&store, "2841276451089").unwrap();
        let form = IdentityForm {
            email: "elodie@gmial.com".into(),
            ..identity_form()
        };
        let first = session
            .submit_identity(&store, &form, false, TODAY)
            .unwrap();
        assert_eq!(first.next, Step::Identity);
        assert_eq!(first.email_suggestion.as_deref(), Some("elodie@gmail.com"));
        let kept = session.submit_identity(&store, &form, true, TODAY).unwrap();
        assert_eq!(kept.next, Step::Verification);
    }

    #[test]
    fn without_an_email_the_enrolment_goes_on_and_the_wire_has_none() {
        let store = MemoryStore::default();
        let mut session = Session::start(&store, Instant::now()).unwrap();
        session.submit_nir(&store, "2841276451089").unwrap();
        let blank = IdentityForm {
            email: String::new(),
            ..identity_form()
        };
        let refusal = session
            .submit_identity(&store, &blank, false, TODAY)
            .unwrap_err();
        assert_eq!(
            refusal[0].code,
            code::EMAIL_EMPTY,
            "a skipped field is not a choice"
        );
        let none = IdentityForm {
            no_email: true,
            ..blank
        };
        let next = session
            .submit_identity(&store, &none, false, TODAY)
            .unwrap();
        assert_eq!(next.next, Step::Verification);
        let values = session
            .open_step(&store, Step::Identity, TODAY)
            .unwrap()
            .values;
        assert_eq!(values["noEmail"], true);
        assert_eq!(values["email"], "");
        session
            .submit_verification(&store, &verification("paymentAmount", "123,45"), TODAY)
            .unwrap();
        session.submit_department("44").unwrap();
        assert_eq!(session.review(&store).unwrap().email, None);
        let enrolment = assemble_current(&mut session, &store, true).unwrap();
        assert_eq!(enrolment.to_wire("R", "K").email, None);
    }

    #[test]
    fn unticked_terms_are_refused_on_the_terms_field() {
        let store = MemoryStore::default();
        let mut session = through_to_review(&store);
        session.review(&store).unwrap();
        let refusal = assemble_current(&mut session, &store, false).unwrap_err();
        assert_eq!(refusal[0].code, code::TERMS_NOT_ACCEPTED);
        let refusal = session
            .assemble(
                &store,
                true,
                CguVersion::of("old").as_str(),
                &[CguVersion::of("CGU")],
                TODAY,
            )
            .unwrap_err();
        assert_eq!(refusal[0].code, code::TERMS_OUTDATED);
    }

    #[test]
    fn the_idle_clock_warns_once_then_expires() {
        let store = MemoryStore::default();
        let start = Instant::now();
        let mut session = Session::start(&store, start).unwrap();
        let (idle, warning) = (Duration::from_secs(90), Duration::from_secs(30));
        assert_eq!(
            session.idle_state(start + Duration::from_secs(89), idle, warning),
            IdleState::Active
        );
        assert_eq!(
            session.idle_state(start + Duration::from_secs(90), idle, warning),
            IdleState::Warn { seconds_left: 30 }
        );
        assert_eq!(
            session.idle_state(start + Duration::from_secs(95), idle, warning),
            IdleState::Active
        );
        session.touch(start + Duration::from_secs(100));
        assert_eq!(
            session.idle_state(start + Duration::from_secs(150), idle, warning),
            IdleState::Active
        );
        assert_eq!(
            session.idle_state(start + Duration::from_secs(220), idle, warning),
            IdleState::Expired
        );
    }

    #[test]
    fn one_assembly_at_a_time_and_nothing_changes_while_it_is_queued() {
        let store = MemoryStore::default();
        let mut session = through_to_review(&store);
        session.review(&store).unwrap();
        let cgu = CguVersion::of("CGU");
        let versions = std::slice::from_ref(&cgu);
        session
            .assemble(&store, true, cgu.as_str(), versions, TODAY)
            .unwrap();
        assert!(session.is_submitting());
        let second = session
            .assemble(&store, true, cgu.as_str(), versions, TODAY)
            .unwrap_err();
        assert_eq!(second[0].code, code::SESSION_OUT_OF_ORDER);
        assert!(session.submit_department("2A").is_err());
        assert!(session.open_step(&store, Step::Nir, TODAY).is_err());
        // Queueing failed: the person may press « Valider » again.
        session.submit_failed();
        session
            .assemble(&store, true, cgu.as_str(), versions, TODAY)
            .unwrap();
        session.confirmed(&store, Instant::now()).unwrap();
        assert!(!session.is_submitting());
        assert!(session
            .assemble(&store, true, cgu.as_str(), versions, TODAY)
            .is_err());
    }

    #[test]
    fn steps_are_named_as_on_the_wire() {
        assert_eq!(Step::named("department"), Some(Step::Department));
        assert_eq!(Step::named("Department"), None);
        assert_eq!(Step::named(""), None);
    }
}
