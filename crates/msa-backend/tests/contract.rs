//! Contract tests of `POST /v1/enrolments` and the other endpoints, on the real server
//! (loopback port, reqwest), on SQLite and on PostgreSQL (`MSA_TEST_POSTGRES_URL`).
//! Every answer is checked against docs/openapi.yaml by the harness.

mod common;

use common::*;
use enrol_core::wire::EnrolmentRequest;
use enrol_core::Enrolment;
use msa_backend::{TEST_ADMIN_TOKEN, TEST_KIOSK_TOKEN};
use serde_json::{json, Value};

on_both_databases!(
    verified_with_each_secret_kind,
    verified_records_exactly_what_was_typed,
    postal_without_item_creates_pending_account_and_letter,
    postal_wrong_secret_then_verified_later,
    unknown_nir_and_identity_mismatch_look_the_same,
    no_email_on_file_goes_postal_even_when_verified,
    no_email_given_goes_postal_and_is_stored_without_one,
    already_enrolled_is_409,
    invalid_bodies_give_the_core_codes,
    idempotent_replay_gives_the_same_answer_and_one_account,
    idempotency_key_reused_with_another_body,
    concurrent_replays_create_one_account,
    unauthorized_without_or_with_a_wrong_token,
    kiosk_rate_limit_gives_429,
    fault_injection_unavailable_slow_and_reset,
    per_nir_throttle_after_five_failures,
    old_failures_leave_the_throttle,
    payment_older_than_six_months_does_not_match,
    health_and_ready,
    mailouts_never_hold_a_password,
    admin_endpoints_need_the_admin_token,
    database_down_gives_503,
    partly_unknown_birth_dates_are_stored_and_matched_on_known_parts,
    names_match_after_transliteration_and_are_stored_with_plain_punctuation,
    overseas_mobiles_are_stored_in_e164,
);

async fn verified_with_each_secret_kind(kind: Kind) {
    let Some(h) = Harness::start(kind).await else {
        return;
    };
    let cases: Vec<(&str, Value)> = vec![
        ("Dupont", vitale(&person("Dupont"))),   // photo card
        ("Lefèvre", vitale(&person("Lefèvre"))), // no photo, 11 digits
        ("Benali", vitale(&person("Benali"))),   // no photo, 8 digits
        ("Jean-Baptiste", vitale(&person("Jean-Baptiste"))), // no photo, 13 digits, born 971
        ("Œuvray-D'Arc", child("1980-02-11")),   // 2A
        ("Martin", child("2015-09-23")),         // twins' date
        ("N’Diaye", payment(8790)),              // 2B
        ("Traoré", payment(2500)),               // NIR month 20
        ("Hoarau", payment(31000)),              // born 974
        ("Dupuis-Mercier", vitale(&person("Dupuis-Mercier"))), // NIR month 99
        ("Albertini", payment(100000)),          // key 97
        ("Kovalenko", vitale(&person("Kovalenko"))), // sex digit 3
    ];
    for (name, verification) in cases {
        let p = person(name);
        let b = body(&p, verification);
        let a = h.enrol(&b, &new_key()).await;
        assert_eq!(a.status, 200, "{name}: {}", a.body);
        assert_eq!(a.outcome(), "verified", "{name}");
        assert_eq!(a.body["reference"], b["reference"]);
        let email = p.email.as_deref().unwrap();
        assert_eq!(
            a.body["maskedEmail"],
            msa_backend::rules::mask_email(email),
            "{name}"
        );
        assert!(!a.body.to_string().contains(email));
        assert_eq!(a.headers.get("cache-control").unwrap(), "no-store");
        assert_eq!(
            h.account(&nir13(&p)).await.as_deref(),
            Some("active"),
            "{name}"
        );
    }
    // A Vitale serial of the right digits but the other card kind does not match.
    let p = person("Santoni");
    let v = p.vitale.as_ref().unwrap();
    let a = h
        .enrol(
            &body(
                &p,
                json!({"kind": "vitaleSerial", "card": "noPhoto", "serial": v.serial}),
            ),
            &new_key(),
        )
        .await;
    assert_eq!(a.outcome(), "postal");
    h.finish().await;
}

async fn verified_records_exactly_what_was_typed(kind: Kind) {
    let Some(h) = Harness::start(kind).await else {
        return;
    };
    let p = person("Œuvray-D'Arc");
    // Typed without accents, ligature, hyphen or apostrophe, in capitals.
    let mut b = body(&p, child("1980-02-11"));
    b["lastName"] = json!("OEUVRAY D ARC");
    b["firstName"] = json!("FRANCOISE");
    b["email"] = json!("f.oeuvray@example.org");
    b["phone"] = Value::Null;
    let a = h.enrol(&b, &new_key()).await;
    assert_eq!(a.outcome(), "verified", "{}", a.body);
    let reference = b["reference"].as_str().unwrap();
    let got = h.received(reference).await;
    assert_eq!(got.len(), 1);
    let r = &got[0];
    assert_eq!(r["nir"], "253072A073004");
    assert_eq!(r["lastName"], "OEUVRAY D ARC");
    assert_eq!(r["firstName"], "FRANCOISE");
    assert_eq!(r["birthDate"], "1953-07-21");
    assert_eq!(r["email"], "f.oeuvray@example.org");
    assert_eq!(r["phone"], Value::Null);
    assert_eq!(r["verificationKind"], "childBirthDate");
    assert_eq!(r["department"], "2A");
    assert_eq!(r["outcome"], "verified");
    assert_eq!(r["detail"], "verified");
    assert_eq!(r["kioskId"], msa_backend::TEST_KIOSK_ID);
    assert_eq!(r["claimedKioskId"], "agence-44-01");
    // The password goes to the address on file, not to the one typed.
    let mails = h.mailouts().await;
    let mail = mails.iter().find(|m| m["reference"] == reference).unwrap();
    assert_eq!(mail["kind"], "email");
    assert_eq!(mail["recipient"], "f•••@e•••.fr");
    assert_eq!(a.body["maskedEmail"], "f•••@e•••.fr");
    // No secret is kept with what was received.
    assert!(!r.to_string().contains("1980-02-11"));
    h.finish().await;
}

async fn postal_without_item_creates_pending_account_and_letter(kind: Kind) {
    let Some(h) = Harness::start(kind).await else {
        return;
    };
    let p = person("Pereira");
    let b = body(&p, none());
    let a = h.enrol(&b, &new_key()).await;
    assert_eq!((a.status, a.outcome()), (200, "postal"));
    assert_eq!(
        a.body.as_object().unwrap().len(),
        2,
        "only outcome and reference"
    );
    assert_eq!(
        h.account(&nir13(&p)).await.as_deref(),
        Some("pendingPostal")
    );
    let mails = h.mailouts().await;
    let letters: Vec<_> = mails
        .iter()
        .filter(|m| m["reference"] == b["reference"])
        .collect();
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0]["kind"], "letter");
    assert_eq!(
        letters[0]["recipient"],
        "adresse connue de la MSA (•••, 33800 Bordeaux)"
    );
    assert!(letters[0]["contents"]
        .as_str()
        .unwrap()
        .contains("mot de passe provisoire"));
    assert_eq!(
        h.received(b["reference"].as_str().unwrap()).await[0]["detail"],
        "noItem"
    );
    // A person with nothing on file to check: postal whatever is typed.
    let p = person("Le Gall");
    let a = h.enrol(&body(&p, payment(12345)), &new_key()).await;
    assert_eq!(a.outcome(), "postal");
    h.finish().await;
}

async fn postal_wrong_secret_then_verified_later(kind: Kind) {
    let Some(h) = Harness::start(kind).await else {
        return;
    };
    let p = person("Leroy");
    let wrong = [
        json!({"kind": "vitaleSerial", "card": "photo", "serial": "11122233345"}),
        child("1988-04-03"),
        payment(100),
    ];
    for v in wrong {
        let a = h.enrol(&body(&p, v), &new_key()).await;
        assert_eq!(a.outcome(), "postal", "{}", a.body);
    }
    assert_eq!(
        h.account(&nir13(&p)).await.as_deref(),
        Some("pendingPostal")
    );
    // One letter only, however many postal answers.
    let letters = h
        .mailouts()
        .await
        .into_iter()
        .filter(|m| m["kind"] == "letter")
        .count();
    assert_eq!(letters, 1);
    // Coming back with a right secret activates the account (password by e-mail).
    let a = h.enrol(&body(&p, child("1990-11-30")), &new_key()).await;
    assert_eq!(a.outcome(), "verified", "{}", a.body);
    assert_eq!(h.account(&nir13(&p)).await.as_deref(), Some("active"));
    // And now it is enrolled.
    let a = h.enrol(&body(&p, child("1990-11-30")), &new_key()).await;
    assert_eq!((a.status, a.outcome()), (409, "alreadyEnrolled"));
    h.finish().await;
}

fn shape(v: &Value) -> Vec<String> {
    let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    keys
}

async fn unknown_nir_and_identity_mismatch_look_the_same(kind: Kind) {
    let Some(h) = Harness::start(kind).await else {
        return;
    };
    // Unknown NIR (valid key, nobody on file).
    let p = person("Dupont");
    let mut unknown = body(&p, vitale(&p));
    unknown["nir"] = json!("1841276451090");
    unknown["nirKey"] = json!(format!("{:02}", 97 - (1841276451090u64 % 97)));
    let a_unknown = h.enrol(&unknown, &new_key()).await;
    // Right NIR and secret, wrong first name.
    let mut mismatch = body(&p, vitale(&p));
    mismatch["firstName"] = json!("Jacques");
    let a_mismatch = h.enrol(&mismatch, &new_key()).await;
    // Right NIR and identity, wrong birth date is refused by the rules (NIR month) or
    // a mismatch: use a day that agrees with the NIR.
    let mut wrong_day = body(&p, vitale(&p));
    wrong_day["birthDate"] = json!("1984-12-04");
    let a_day = h.enrol(&wrong_day, &new_key()).await;
    for a in [&a_unknown, &a_mismatch, &a_day] {
        assert_eq!((a.status, a.outcome()), (200, "postal"), "{}", a.body);
        assert_eq!(shape(&a.body), vec!["outcome", "reference"]);
    }
    // No account for anyone; the real person gets an information letter (no password).
    assert_eq!(h.account(&nir13(&p)).await, None);
    assert_eq!(h.account("1841276451090").await, None);
    let mails = h.mailouts().await;
    assert!(
        mails.iter().all(|m| m["reference"] != unknown["reference"]),
        "nobody to write to"
    );
    let notice = mails
        .iter()
        .find(|m| m["reference"] == mismatch["reference"])
        .unwrap();
    assert_eq!(notice["kind"], "letter");
    assert!(notice["contents"]
        .as_str()
        .unwrap()
        .contains("Aucun mot de passe"));
    assert_eq!(
        h.received(unknown["reference"].as_str().unwrap()).await[0]["detail"],
        "unknownNir"
    );
    assert_eq!(
        h.received(mismatch["reference"].as_str().unwrap()).await[0]["detail"],
        "identityMismatch"
    );
    // An enrolled person with a wrong identity gets postal, not 409 (no enumeration).
    let enrolled = person("Haddad");
    let mut b = body(&enrolled, vitale(&enrolled));
    b["lastName"] = json!("Haddadi");
    assert_eq!(h.enrol(&b, &new_key()).await.outcome(), "postal");
    h.finish().await;
}

async fn no_email_on_file_goes_postal_even_when_verified(kind: Kind) {
    let Some(h) = Harness::start(kind).await else {
        return;
    };
    let p = person("Lambert");
    assert!(p.email.is_none());
    let b = body(&p, vitale(&p));
    let a = h.enrol(&b, &new_key()).await;
    assert_eq!((a.status, a.outcome()), (200, "postal"));
    assert_eq!(
        h.account(&nir13(&p)).await.as_deref(),
        Some("pendingPostal")
    );
    let r = &h.received(b["reference"].as_str().unwrap()).await[0];
    assert_eq!(r["detail"], "noEmailOnFile");
    let mails = h.mailouts().await;
    assert!(mails.iter().all(|m| m["kind"] == "letter"));
    h.finish().await;
}

/// « Je n'ai pas d'adresse e-mail » at the kiosk (issue 15): `email` absent or null. The
/// kiosk promised « par courrier », so the answer is `postal` even for a person with an
/// address on file and the right secret; the row holds no e-mail; one letter, no e-mail.
async fn no_email_given_goes_postal_and_is_stored_without_one(kind: Kind) {
    let Some(h) = Harness::start(kind).await else {
        return;
    };
    let p = person("Dupont");
    assert!(p.email.is_some(), "an address on file, unused");
    for absent in [None, Some(Value::Null)] {
        let mut b = body(&p, vitale(&p));
        match absent {
            None => b.as_object_mut().unwrap().remove("email"),
            Some(null) => b.as_object_mut().unwrap().insert("email".into(), null),
        };
        let a = h.enrol(&b, &new_key()).await;
        assert_eq!((a.status, a.outcome()), (200, "postal"), "{:?}", a.body);
        let reference = b["reference"].as_str().unwrap();
        let r = &h.received(reference).await[0];
        assert_eq!(r["email"], Value::Null);
        assert_eq!(r["detail"], "noEmailGiven");
    }
    assert_eq!(
        h.account(&nir13(&p)).await.as_deref(),
        Some("pendingPostal")
    );
    let mails = h.mailouts().await;
    assert_eq!(
        mails.len(),
        1,
        "one letter, the second enrolment waits for it"
    );
    assert_eq!(mails[0]["kind"], "letter");
    // An empty string is not « no e-mail »: it is refused as at the kiosk.
    let mut b = body(&p, vitale(&p));
    b["email"] = json!("");
    let a = h.enrol(&b, &new_key()).await;
    assert_eq!((a.status, a.outcome()), (422, "invalid"));
    h.finish().await;
}

async fn already_enrolled_is_409(kind: Kind) {
    let Some(h) = Harness::start(kind).await else {
        return;
    };
    let p = person("Haddad");
    for v in [vitale(&p), none()] {
        let b = body(&p, v);
        let key = new_key();
        let a = h.enrol(&b, &key).await;
        assert_eq!(
            (a.status, a.outcome()),
            (409, "alreadyEnrolled"),
            "{}",
            a.body
        );
        assert_eq!(a.body["reference"], b["reference"]);
        // The backend took charge of the person: the kiosk may delete its copy.
        assert_eq!(a.body["followUp"], "recorded");
        // The replay says the same, and records nothing twice.
        let again = h.enrol(&b, &key).await;
        assert_eq!(again.body, a.body);
    }
    // No password, one letter per refused enrolment, to the address on file.
    let mails = h.mailouts().await;
    assert_eq!(mails.len(), 2, "{mails:?}");
    for m in &mails {
        assert_eq!(m["kind"], "letter");
        assert_eq!(
            m["contents"],
            msa_backend::followups::ALREADY_ENROLLED_CONTENTS
        );
        assert!(m["recipient"]
            .as_str()
            .unwrap()
            .starts_with("adresse connue de la MSA"));
    }
    assert_eq!(
        h.count("SELECT COUNT(*) FROM followups WHERE reason = 'alreadyEnrolled'")
            .await,
        2
    );
    h.finish().await;
}

/// The codes the core rules give for `body` (what the backend must answer).
fn core_codes(b: &Value) -> Vec<(String, Option<String>)> {
    let request: EnrolmentRequest = serde_json::from_value(b.clone()).unwrap();
    Enrolment::from_wire(&request, today())
        .unwrap_err()
        .iter()
        .map(|e| (e.code.to_owned(), e.field.map(|f| f.as_str().to_owned())))
        .collect()
}

async fn invalid_bodies_give_the_core_codes(kind: Kind) {
    let Some(h) = Harness::start(kind).await else {
        return;
    };
    let p = person("Dupont");
    let good = body(&p, vitale(&p));
    let mutations: Vec<(&str, Value)> = vec![
        ("nirKey", json!("47")),
        ("nir", json!("184127645108")),
        ("nir", json!("5841276451089")),
        ("lastName", json!("")),
        ("firstName", json!("R2D2")),
        ("birthDate", json!("1985-12-03")),
        ("birthDate", json!("1984-02-30")),
        ("email", json!("jean.dupont@")),
        ("email", json!("jean..dupont@example.fr")),
        ("email", json!("jean.dupont.@example.fr")),
        ("birthDate", json!("1984-00-00")),
        ("phone", json!("0123")),
        ("phone", json!("+33693456789")),
        ("phone", json!("+262590123456")),
        ("phone", json!("+40712345678")),
        ("department", json!("976")),
        ("department", json!("972")),
        ("department", json!("00")),
        ("cguVersion", json!("v1")),
        (
            "verification",
            json!({"kind": "vitaleSerial", "card": "photo", "serial": "1234"}),
        ),
        (
            "verification",
            json!({"kind": "vitaleSerial", "card": "noPhoto", "serial": "12a45678"}),
        ),
        ("verification", child("1970-01-01")),
        ("verification", child("2999-01-01")),
        ("verification", payment(0)),
        ("verification", payment(-5)),
        ("verification", payment(1_000_000_000)),
    ];
    let followed_up = mutations.len() + 1;
    for (field, value) in mutations {
        let mut b = good.clone();
        b[field] = value.clone();
        let a = h.enrol(&b, &new_key()).await;
        assert_eq!(
            (a.status, a.outcome()),
            (422, "invalid"),
            "{field}={value}: {}",
            a.body
        );
        // A readable request: a counsellor takes it over.
        assert_eq!(a.body["followUp"], "recorded", "{field}={value}");
        let got: Vec<(String, Option<String>)> = a.body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                assert_eq!(e["key"], format!("error.{}", e["code"].as_str().unwrap()));
                (
                    e["code"].as_str().unwrap().to_owned(),
                    e["field"].as_str().map(str::to_owned),
                )
            })
            .collect();
        assert_eq!(got, core_codes(&b), "{field}={value}");
        // The typed value is never echoed.
        if let Some(s) = value.as_str() {
            if s.len() > 3 {
                assert!(!a.body.to_string().contains(s), "{s} echoed");
            }
        }
    }
    // Several errors at once, all reported.
    let mut b = good.clone();
    b["lastName"] = json!("");
    b["email"] = json!("nope");
    b["department"] = json!("976");
    let a = h.enrol(&b, &new_key()).await;
    assert_eq!(
        a.codes(),
        vec!["name.empty", "email.format", "department.mayotte"]
    );
    assert_eq!(a.body["followUp"], "recorded");
    let no_follow_up = |a: &Answer| {
        assert!(a.body.get("followUp").is_none(), "{}", a.body);
    };
    // Bodies that do not even parse.
    let mut b = good.clone();
    b["verification"] = json!({"kind": "fingerprint"});
    let a = h.enrol(&b, &new_key()).await;
    assert_eq!(a.codes(), vec!["verification.choose"]);
    assert_eq!(a.body["errors"][0]["field"], "verificationKind");
    no_follow_up(&a);
    // (A missing `email` is no longer one: it means « no e-mail address », issue 15.)
    let mut b = good.clone();
    b.as_object_mut().unwrap().remove("lastName");
    let a = h.enrol(&b, &new_key()).await;
    assert_eq!(a.codes(), vec!["system.internal"]);
    assert_eq!(a.body["errors"][0]["field"], Value::Null);
    no_follow_up(&a);
    let a = h.enrol(&json!("not an object"), &new_key()).await;
    assert_eq!(
        (a.status, a.codes()),
        (422, vec!["system.internal".to_owned()])
    );
    no_follow_up(&a);
    // A bad reference is refused too (it goes to the logs).
    let mut b = good.clone();
    b["reference"] = json!("Jean Dupont 1984");
    let a = h.enrol(&b, &new_key()).await;
    assert_eq!(a.codes(), vec!["system.internal"]);
    no_follow_up(&a);
    // Missing or malformed Idempotency-Key.
    let a = h.enrol_as(&good, None, Some(TEST_KIOSK_TOKEN)).await;
    assert_eq!(
        (a.status, a.codes()),
        (422, vec!["system.internal".to_owned()])
    );
    no_follow_up(&a);
    let a = h
        .enrol_as(&good, Some("not-a-uuid"), Some(TEST_KIOSK_TOKEN))
        .await;
    assert_eq!(a.status, 422);
    no_follow_up(&a);
    // No account and no enrolment from any of these; a follow-up for each readable one
    // (not for the bodies that do not parse, the bad reference or the missing key, which say
    // nothing of `followUp`), and never a typed value in its codes.
    assert_eq!(h.account(&nir13(&p)).await, None);
    assert_eq!(h.count("SELECT COUNT(*) FROM enrolments").await, 0);
    assert_eq!(
        h.count("SELECT COUNT(*) FROM followups WHERE reason = 'invalid'")
            .await,
        i64::try_from(followed_up).unwrap()
    );
    let listed = h.get("/admin/followups", "", Some(TEST_ADMIN_TOKEN)).await;
    for f in listed.body.as_array().unwrap() {
        for c in f["codes"].as_array().unwrap() {
            assert!(enrol_core::ALL_CODES.contains(&c.as_str().unwrap()), "{c}");
        }
    }
    h.finish().await;
}

async fn idempotent_replay_gives_the_same_answer_and_one_account(kind: Kind) {
    let Some(h) = Harness::start(kind).await else {
        return;
    };
    let p = person("Dupont");
    let b = body(&p, vitale(&p));
    let key = new_key();
    let first = h.enrol(&b, &key).await;
    assert_eq!(first.outcome(), "verified");
    // Same body re-serialised with another key order: the same enrolment.
    let reordered: Value = {
        let mut m: Vec<(String, Value)> = b.as_object().unwrap().clone().into_iter().collect();
        m.reverse();
        let text = format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{}: {}", serde_json::to_string(k).unwrap(), v))
                .collect::<Vec<_>>()
                .join(", ")
        );
        serde_json::from_str(&text).unwrap()
    };
    for again in [&b, &reordered] {
        let a = h.enrol(again, &key).await;
        assert_eq!((a.status, &a.body), (first.status, &first.body));
    }
    assert_eq!(
        h.count(
            "SELECT COUNT(*) FROM accounts WHERE status = 'active' AND reference <> 'DEMO-0000'"
        )
        .await,
        1
    );
    assert_eq!(h.count("SELECT COUNT(*) FROM mailouts").await, 1);
    assert_eq!(h.count("SELECT COUNT(*) FROM enrolments").await, 1);
    // A postal answer replays as postal too (not as "already enrolled").
    let q = person("Pereira");
    let b = body(&q, none());
    let key = new_key();
    let first = h.enrol(&b, &key).await;
    let again = h.enrol(&b, &key).await;
    assert_eq!(first.body, again.body);
    assert_eq!(again.outcome(), "postal");
    // Same key from another kiosk is another enrolment (keys are per kiosk).
    h.finish().await;
}

async fn idempotency_key_reused_with_another_body(kind: Kind) {
    let Some(h) = Harness::start(kind).await else {
        return;
    };
    let p = person("Dupont");
    let b = body(&p, vitale(&p));
    let key = new_key();
    assert_eq!(h.enrol(&b, &key).await.outcome(), "verified");
    let mut other = b.clone();
    other["phone"] = json!("+33699999999");
    for _ in 0..2 {
        let a = h.enrol(&other, &key).await;
        assert_eq!((a.status, a.outcome()), (422, "idempotencyKeyReused"));
        assert_eq!(
            a.body,
            json!({"outcome": "idempotencyKeyReused", "followUp": "recorded"})
        );
    }
    // The stored answer is untouched.
    assert_eq!(h.enrol(&b, &key).await.outcome(), "verified");
    assert_eq!(h.count("SELECT COUNT(*) FROM enrolments").await, 1);
    // The other body is a person nobody handles: one follow-up, one e-mail to the address
    // typed, however often it comes.
    assert_eq!(
        h.count("SELECT COUNT(*) FROM followups WHERE reason = 'idempotencyKeyReused'")
            .await,
        1
    );
    let mails = h.mailouts().await;
    let notices: Vec<_> = mails
        .iter()
        .filter(|m| m["contents"] == msa_backend::followups::NOT_TAKEN_CONTENTS)
        .collect();
    assert_eq!(notices.len(), 1, "{mails:?}");
    assert_eq!(notices[0]["kind"], "email");
    h.finish().await;
}

async fn concurrent_replays_create_one_account(kind: Kind) {
    let Some(h) = Harness::start(kind).await else {
        return;
    };
    let p = person("Petit");
    let b = body(&p, vitale(&p));
    let key = new_key();
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let client = h.client.clone();
        let url = format!("{}/v1/enrolments", h.base);
        let (b, key) = (b.clone(), key.clone());
        tasks.push(tokio::spawn(async move {
            let r = client
                .post(url)
                .bearer_auth(TEST_KIOSK_TOKEN)
                .header("Idempotency-Key", key)
                .json(&b)
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }));
    }
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    for (status, body) in &answers {
        assert_eq!(*status, 200, "{body}");
        assert_eq!(body, &answers[0].1);
    }
    assert_eq!(answers[0].1["outcome"], "verified");
    assert_eq!(h.count("SELECT COUNT(*) FROM mailouts").await, 1);
    assert_eq!(h.count("SELECT COUNT(*) FROM enrolments").await, 1);
    h.finish().await;
}

async fn unauthorized_without_or_with_a_wrong_token(kind: Kind) {
    let Some(h) = Harness::start(kind).await else {
        return;
    };
    let p = person("Dupont");
    let b = body(&p, vitale(&p));
    for token in [None, Some("wrong-token"), Some(TEST_ADMIN_TOKEN)] {
        let a = h.enrol_as(&b, Some(&new_key()), token).await;
        assert_eq!((a.status, a.outcome()), (401, "unauthorized"));
        assert_eq!(a.body, json!({"outcome": "unauthorized"}));
    }
    // Not a bearer scheme.
    let r = h
        .client
        .post(format!("{}/v1/enrolments", h.base))
        .header("Authorization", format!("Basic {TEST_KIOSK_TOKEN}"))
        .header("Idempotency-Key", new_key())
        .json(&b)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert_eq!(h.account(&nir13(&p)).await, None);
    h.finish().await;
}

async fn kiosk_rate_limit_gives_429(kind: Kind) {
    let Some(h) = Harness::start_with(kind, |c| {
        c.kiosk_rate = msa_backend::config::KioskRate {
            per_minute: 1,
            burst: 2,
        };
    })
    .await
    else {
        return;
    };
    let p = person("Pereira");
    let b = body(&p, none());
    let key = new_key();
    assert_eq!(h.enrol(&b, &key).await.status, 200);
    assert_eq!(h.enrol(&b, &key).await.status, 200);
    let a = h.enrol(&b, &key).await;
    assert_eq!((a.status, a.outcome()), (429, "throttled"));
    let retry: u64 = a.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    // Unauthenticated requests are refused before the limit is counted.
    assert_eq!(h.enrol_as(&b, Some(&key), None).await.status, 401);
    h.finish().await;
}

async fn fault_injection_unavailable_slow_and_reset(kind: Kind) {
    let Some(h) = Harness::start(kind).await else {
        return;
    };
    let p = person("Dupont");
    let b = body(&p, vitale(&p));
    let key = new_key();

    h.set_fault("unavailable").await;
    let a = h.enrol(&b, &key).await;
    assert_eq!((a.status, a.outcome()), (503, "unavailable"));
    assert!(a.headers.contains_key("retry-after"));
    assert_eq!(h.account(&nir13(&p)).await, None, "nothing done");

    h.set_fault("reset").await;
    let err = h
        .send_enrolment(&b, Some(&key), Some(TEST_KIOSK_TOKEN))
        .await;
    assert!(err.is_err(), "connection must be closed without an answer");
    assert_eq!(h.account(&nir13(&p)).await, None, "nothing done");

    // Handled, then the answer is lost: the retry gets the stored answer.
    h.set_fault("reset-after").await;
    let err = h
        .send_enrolment(&b, Some(&key), Some(TEST_KIOSK_TOKEN))
        .await;
    assert!(err.is_err(), "connection must be closed without an answer");
    assert_eq!(h.account(&nir13(&p)).await.as_deref(), Some("active"));

    h.set_fault("slow:300").await;
    let started = std::time::Instant::now();
    let a = h.enrol(&b, &key).await;
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));
    assert_eq!(a.outcome(), "verified");

    h.set_fault("off").await;
    let a = h.enrol(&b, &key).await;
    assert_eq!(a.outcome(), "verified");
    assert_eq!(
        h.count("SELECT COUNT(*) FROM mailouts").await,
        1,
        "one e-mail only"
    );
    // /health and /ready are not affected by the knob.
    assert_eq!(h.get("/ready", "", None).await.status, 200);
    h.finish().await;
}

async fn per_nir_throttle_after_five_failures(kind: Kind) {
    let Some(h) = Harness::start(kind).await else {
        return;
    };
    let p = person("Garnier");
    for i in 0..5 {
        let wrong =
            json!({"kind": "vitaleSerial", "card": "photo", "serial": format!("0000000000{i}")});
        let a = h.enrol(&body(&p, wrong), &new_key()).await;
        assert_eq!(a.outcome(), "postal");
    }
    // 6th try within 24 h, with the RIGHT secret: postal, secret not checked.
    let b = body(&p, vitale(&p));
    let a = h.enrol(&b, &new_key()).await;
    assert_eq!((a.status, a.outcome()), (200, "postal"), "{}", a.body);
    assert_eq!(
        h.received(b["reference"].as_str().unwrap()).await[0]["detail"],
        "nirThrottled"
    );
    assert_eq!(
        h.account(&nir13(&p)).await.as_deref(),
        Some("pendingPostal")
    );
    // Identity mismatches count too, and other NIRs are not affected.
    let q = person("Dupont");
    for _ in 0..5 {
        let mut b = body(&q, vitale(&q));
        b["firstName"] = json!("Paul");
        assert_eq!(h.enrol(&b, &new_key()).await.outcome(), "postal");
    }
    let a = h.enrol(&body(&q, vitale(&q)), &new_key()).await;
    assert_eq!(a.outcome(), "postal");
    let r = person("Pereira");
    assert_eq!(
        h.enrol(&body(&r, vitale(&r)), &new_key()).await.outcome(),
        "verified"
    );
    h.finish().await;
}

async fn old_failures_leave_the_throttle(kind: Kind) {
    let Some(h) = Harness::start(kind).await else {
        return;
    };
    let p = person("Garnier");
    // Five failures 25 h ago (the rolling window is 24 h).
    let long_ago = time::OffsetDateTime::now_utc().unix_timestamp() - 25 * 3600;
    for _ in 0..5 {
        sqlx::query("INSERT INTO verification_failures (nir, failed_at) VALUES ($1, $2)")
            .bind(nir13(&p))
            .bind(long_ago)
            .execute(h.server().state.db.pool())
            .await
            .unwrap();
    }
    let a = h.enrol(&body(&p, vitale(&p)), &new_key()).await;
    assert_eq!(a.outcome(), "verified", "{}", a.body);
    h.finish().await;
}

async fn payment_older_than_six_months_does_not_match(kind: Kind) {
    let Some(h) = Harness::start(kind).await else {
        return;
    };
    let p = person("Moreau");
    let old = body(&p, payment(15000));
    let a = h.enrol(&old, &new_key()).await;
    assert_eq!(a.outcome(), "postal");
    assert_eq!(
        h.received(old["reference"].as_str().unwrap()).await[0]["detail"],
        "secretMismatch"
    );
    let a = h.enrol(&body(&p, payment(4250)), &new_key()).await;
    assert_eq!(a.outcome(), "verified");
    h.finish().await;
}

async fn health_and_ready(kind: Kind) {
    let Some(h) = Harness::start(kind).await else {
        return;
    };
    let a = h.get("/health", "", None).await;
    assert_eq!((a.status, &a.body["status"]), (200, &json!("ok")));
    let a = h.get("/ready", "", None).await;
    assert_eq!(a.body, json!({"status": "ready"}));
    h.finish().await;
}

async fn mailouts_never_hold_a_password(kind: Kind) {
    let Some(h) = Harness::start(kind).await else {
        return;
    };
    for name in ["Dupont", "Lefèvre", "Santoni"] {
        let p = person(name);
        h.enrol(&body(&p, vitale(&p)), &new_key()).await;
    }
    h.enrol(&body(&person("Pereira"), none()), &new_key()).await;
    let mails = h.mailouts().await;
    assert_eq!(mails.len(), 4);
    let text = serde_json::to_string(&mails).unwrap();
    assert!(!text.contains("$argon2"));
    // Recipients are masked: no full address in the listing.
    for name in ["Dupont", "Lefèvre", "Santoni", "Pereira"] {
        let p = person(name);
        assert!(
            !text.contains(p.email.as_deref().unwrap()),
            "{name}'s address in clear"
        );
        assert!(
            !text.contains(&p.address),
            "{name}'s postal address in clear"
        );
    }
    // Only argon2id hashes are stored, and no mail-out holds anything that looks like
    // a 14-character provisional password.
    use sqlx::Row;
    let rows = sqlx::query("SELECT password_hash FROM accounts WHERE password_hash IS NOT NULL")
        .fetch_all(h.server().state.db.pool())
        .await
        .unwrap();
    assert_eq!(rows.len(), 4);
    for r in rows {
        let hash: String = r.try_get("password_hash").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$"), "{hash}");
    }
    for m in &mails {
        let contents = m["contents"].as_str().unwrap();
        assert!(contents.contains("hachage"), "{contents}");
        for word in contents.split_whitespace() {
            let w = word.trim_matches(|c: char| !c.is_alphanumeric());
            let classes = [
                w.chars().any(|c| c.is_ascii_uppercase()),
                w.chars().any(|c| c.is_ascii_lowercase()),
                w.chars().any(|c| c.is_ascii_digit()),
            ];
            assert!(
                !(w.len() >= 12 && classes.iter().all(|x| *x)),
                "password-like {w}"
            );
        }
    }
    h.finish().await;
}

async fn admin_endpoints_need_the_admin_token(kind: Kind) {
    let Some(h) = Harness::start(kind).await else {
        return;
    };
    for path in ["/admin/mailouts", "/admin/enrolments", "/admin/followups"] {
        for token in [None, Some("nope"), Some(TEST_KIOSK_TOKEN)] {
            let a = h.get(path, "", token).await;
            assert_eq!(a.status, 401, "{path}");
        }
    }
    h.finish().await;
    // Without an admin token configured, the admin endpoints do not exist.
    let Some(h) = Harness::start_with(kind, |c| {
        c.admin_token = None;
        c.fault_injection = false;
    })
    .await
    else {
        return;
    };
    let a = h.get("/admin/mailouts", "", Some(TEST_ADMIN_TOKEN)).await;
    assert_eq!(a.status, 404);
    let r = h
        .client
        .put(format!("{}/admin/fault", h.base))
        .bearer_auth(TEST_ADMIN_TOKEN)
        .json(&json!({"fault": "unavailable"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    h.finish().await;
}

async fn database_down_gives_503(kind: Kind) {
    let Some(h) = Harness::start(kind).await else {
        return;
    };
    let p = person("Dupont");
    h.server().state.db.close().await;
    let a = h.enrol(&body(&p, vitale(&p)), &new_key()).await;
    assert_eq!((a.status, a.outcome()), (503, "unavailable"));
    let a = h.get("/ready", "", None).await;
    assert_eq!(
        (a.status, &a.body),
        (503, &json!({"status": "unavailable"}))
    );
    assert_eq!(h.get("/health", "", None).await.status, 200);
    h.finish().await;
}

// ------------------------------------------------------------ SQLite-only extras

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeding_twice_is_idempotent_and_survives_restart() {
    let Some(h) = Harness::start(Kind::Sqlite).await else {
        return;
    };
    let p = person("Dupont");
    let b = body(&p, vitale(&p));
    let key = new_key();
    let first = h.enrol(&b, &key).await;
    let url = h.database_url.clone();
    let insured = h.count("SELECT COUNT(*) FROM insured").await;
    assert!(insured >= 20);
    {
        use sqlx::Row;
        let mode: String = sqlx::query("PRAGMA journal_mode")
            .fetch_one(h.server().state.db.pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        assert_eq!(mode, "wal");
        // FULL (2): an acknowledged enrolment is on disk before its answer leaves.
        let synchronous: i64 = sqlx::query("PRAGMA synchronous")
            .fetch_one(h.server().state.db.pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        assert_eq!(synchronous, 2);
        // The token buckets only: NORMAL (1), a lost bucket is harmless.
        let synchronous: i64 = sqlx::query("PRAGMA synchronous")
            .fetch_one(h.server().state.db.limits_pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        assert_eq!(synchronous, 1);
    }
    let server = msa_backend::spawn(msa_backend::Config::for_tests(url))
        .await
        .unwrap();
    // Same data after a second start on the same file, and the answer is still stored.
    let again = client()
        .post(format!("{}/v1/enrolments", server.base_url))
        .bearer_auth(TEST_KIOSK_TOKEN)
        .header("Idempotency-Key", &key)
        .json(&b)
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(again, first.body);
    use sqlx::Row;
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM insured")
        .fetch_one(server.state.db.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
    assert_eq!(n, insured);
    server.stop().await.unwrap();
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_is_served_and_plain_http_refused_off_loopback() {
    use msa_backend::config::TlsFiles;
    let tmp = tempfile::tempdir().unwrap();
    // Plain HTTP on a non-loopback address is refused before anything starts.
    let mut c = msa_backend::Config::for_tests(format!("sqlite://{}/a.db", tmp.path().display()));
    c.listen = "0.0.0.0:0".parse().unwrap();
    let err = msa_backend::spawn(c.clone()).await.unwrap_err().to_string();
    assert!(err.contains("refusing to serve plain HTTP"), "{err}");

    // With a certificate, HTTPS works (here on loopback, with a self-signed certificate).
    let cert =
        rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
    let cert_pem = cert.cert.pem();
    std::fs::write(tmp.path().join("cert.pem"), &cert_pem).unwrap();
    std::fs::write(tmp.path().join("key.pem"), cert.key_pair.serialize_pem()).unwrap();
    c.listen = "127.0.0.1:0".parse().unwrap();
    c.tls = Some(TlsFiles {
        cert: tmp.path().join("cert.pem"),
        key: tmp.path().join("key.pem"),
    });
    let server = msa_backend::spawn(c).await.unwrap();
    assert!(server.base_url.starts_with("https://"));
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(cert_pem.as_bytes()).unwrap())
        .build()
        .unwrap();
    let url = format!("https://localhost:{}", server.addr.port());
    let health = client.get(format!("{url}/health")).send().await.unwrap();
    assert_eq!(health.status().as_u16(), 200);
    let p = person("Dupont");
    let r = client
        .post(format!("{url}/v1/enrolments"))
        .bearer_auth(TEST_KIOSK_TOKEN)
        .header("Idempotency-Key", new_key())
        .json(&body(&p, vitale(&p)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["outcome"], "verified");
    server.stop().await.unwrap();
}

#[test]
fn openapi_error_codes_are_the_core_codes() {
    let doc = &spec().doc;
    let codes: Vec<&str> = doc["components"]["schemas"]["ErrorCode"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(codes, enrol_core::ALL_CODES);
    let fields: Vec<&str> = doc["components"]["schemas"]["Field"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let core: Vec<&str> = enrol_core::Field::ALL.iter().map(|f| f.as_str()).collect();
    assert_eq!(fields, core);
    // The request example is a valid request for the core rules and the schema.
    let example = &doc["paths"]["/v1/enrolments"]["post"]["requestBody"]["content"]
        ["application/json"]["example"];
    let schema = &doc["paths"]["/v1/enrolments"]["post"]["requestBody"]["content"]
        ["application/json"]["schema"];
    assert!(spec().validator(schema).is_valid(example));
    let request: EnrolmentRequest = serde_json::from_value(example.clone()).unwrap();
    assert!(Enrolment::from_wire(&request, today()).is_ok());
    // Every body the tests send is valid against the request schema.
    let p = person("Œuvray-D'Arc");
    for v in [
        vitale(&person("Dupont")),
        child("1980-02-11"),
        payment(1),
        none(),
    ] {
        assert!(spec().validator(schema).is_valid(&body(&p, v)));
    }
}

#[test]
fn openapi_checker_rejects_wrong_answers() {
    // The checker is real: wrong answers fail it.
    let s = spec();
    let h = reqwest::header::HeaderMap::new();
    let bad: Vec<(u16, Value)> = vec![
        (
            200,
            json!({"outcome": "verified", "reference": "K7Q2-9DF3"}),
        ),
        (
            200,
            json!({"outcome": "postal", "reference": "K7Q2-9DF3", "maskedEmail": "x"}),
        ),
        (409, json!({"outcome": "postal", "reference": "K7Q2-9DF3"})),
        (
            422,
            json!({"outcome": "invalid", "errors": [{"code": "nir.bogus", "field": "nir", "key": "error.nir.bogus"}]}),
        ),
        (422, json!({"outcome": "invalid", "errors": []})),
        (401, json!({"outcome": "unauthorised"})),
    ];
    for (status, body) in bad {
        let r = std::panic::catch_unwind(|| s.check("/v1/enrolments", "post", status, &h, &body));
        assert!(r.is_err(), "{status} {body} passed");
    }
    // 429 without Retry-After fails.
    let r = std::panic::catch_unwind(|| {
        s.check(
            "/v1/enrolments",
            "post",
            429,
            &h,
            &json!({"outcome": "throttled"}),
        )
    });
    assert!(r.is_err());
    // An undocumented status fails.
    let r = std::panic::catch_unwind(|| s.check("/v1/enrolments", "post", 500, &h, &json!({})));
    assert!(r.is_err());
}

/// Issue 12: a birth date whose day, or day and month, are unknown (`00`) goes on the wire
/// as `1966-00-00` / `1971-05-00`, is stored as sent and matched on the parts both know.
async fn partly_unknown_birth_dates_are_stored_and_matched_on_known_parts(kind: Kind) {
    let Some(h) = Harness::start(kind).await else {
        return;
    };
    let stored = |reference: &str, date: &str| {
        format!(
            "SELECT COUNT(*) FROM enrolments WHERE reference = '{reference}' AND birth_date = '{date}'"
        )
    };
    // NIR 1 66 20 99 112 087 (month 20), papers « 00/00/1966 », record 1966-00-00.
    let p = person("El Amrani");
    let b = body(&p, payment(45600));
    assert_eq!(b["birthDate"], "1966-00-00");
    let a = h.enrol(&b, &new_key()).await;
    assert_eq!(a.outcome(), "verified", "{}", a.body);
    let reference = b["reference"].as_str().unwrap();
    assert_eq!(h.count(&stored(reference, "1966-00-00")).await, 1);
    assert_eq!(h.received(reference).await[0]["birthDate"], "1966-00-00");

    // A full date typed from a newer paper agrees with the record's « 00/00/1966 ».
    let mut full = body(&p, payment(45600));
    full["birthDate"] = json!("1966-05-12");
    let a = h.enrol(&full, &new_key()).await;
    assert_eq!(a.outcome(), "alreadyEnrolled", "{}", a.body);

    // Day unknown, month known (NIR month 25): the month is compared.
    let q = person("Lacoste");
    let mut other_month = body(&q, payment(250000));
    other_month["birthDate"] = json!("1971-06-00");
    let a = h.enrol(&other_month, &new_key()).await;
    assert_eq!(a.outcome(), "postal", "{}", a.body);
    let b = body(&q, payment(250000));
    let a = h.enrol(&b, &new_key()).await;
    assert_eq!(a.outcome(), "verified", "{}", a.body);
    assert_eq!(
        h.count(&stored(b["reference"].as_str().unwrap(), "1971-05-00"))
            .await,
        1
    );

    // A NIR with a real month: « 00/00 » is refused, and the code says the month is needed.
    let d = person("Dupont");
    let mut partial = body(&d, vitale(&d));
    partial["birthDate"] = json!("1984-00-00");
    let a = h.enrol(&partial, &new_key()).await;
    assert_eq!(a.status, 422, "{}", a.body);
    assert_eq!(a.codes(), ["birthDate.monthRequired"]);
    // A day without its month is no paper's writing: refused by the schema's shape too.
    partial["birthDate"] = json!("1984-00-03");
    let a = h.enrol(&partial, &new_key()).await;
    assert_eq!(a.codes(), ["date.invalid"]);
    h.finish().await;
}

/// Issue 12: letters that decomposition does not strip (Ł), a name typed in Cyrillic against
/// a Latin record, and apostrophes/dashes of other kinds, stored as plain `'` and `-`.
async fn names_match_after_transliteration_and_are_stored_with_plain_punctuation(kind: Kind) {
    let Some(h) = Harness::start(kind).await else {
        return;
    };
    let stored = |reference: &str, last: &str, first: &str| {
        format!(
            "SELECT COUNT(*) FROM enrolments WHERE reference = '{reference}' \
             AND last_name = '{}' AND first_name = '{}'",
            last.replace('\'', "''"),
            first.replace('\'', "''")
        )
    };
    let cases = [
        // (demo person, typed last name, typed first name, stored last, stored first)
        ("WALESA", "Wałęsa", "Łukasz", "Wałęsa", "Łukasz"),
        ("Hristov", "Христов", "Христо", "Христов", "Христо"),
        // U+2018 and U+2013 typed; the record holds U+2019 and a plain hyphen.
        (
            "N’Diaye",
            "N‘Diaye",
            "Marie–Thérèse",
            "N'Diaye",
            "Marie-Thérèse",
        ),
    ];
    for (who, last, first, stored_last, stored_first) in cases {
        let p = person(who);
        let secret = match &p.vitale {
            Some(_) => vitale(&p),
            None => payment(p.payments[0].cents),
        };
        let mut b = body(&p, secret);
        b["lastName"] = json!(last);
        b["firstName"] = json!(first);
        let a = h.enrol(&b, &new_key()).await;
        assert_eq!(a.outcome(), "verified", "{who}: {}", a.body);
        let reference = b["reference"].as_str().unwrap();
        assert_eq!(
            h.count(&stored(reference, stored_last, stored_first)).await,
            1,
            "{who}"
        );
    }
    // Enrolled now: the same person again is 409, a near name is no match (postal).
    let p = person("Hristov");
    let mut b = body(&p, payment(p.payments[0].cents));
    b["lastName"] = json!("Христов");
    let a = h.enrol(&b, &new_key()).await;
    assert_eq!(a.outcome(), "alreadyEnrolled", "{}", a.body);
    b["lastName"] = json!("Христова");
    let a = h.enrol(&b, &new_key()).await;
    assert_eq!(a.outcome(), "postal", "{}", a.body);
    h.finish().await;
}

/// Issue 12: overseas mobiles arrive in E.164 under their own calling code and are stored so;
/// the backend re-validates them with the same metadata (a +33 number in the Réunion range
/// is refused above, in `invalid_bodies_give_the_core_codes`).
async fn overseas_mobiles_are_stored_in_e164(kind: Kind) {
    let Some(h) = Harness::start(kind).await else {
        return;
    };
    let p = person("Hoarau");
    for phone in [
        "+262693456789",
        "+590690123456",
        "+594694201234",
        "+596696201234",
        "+262639012345",
    ] {
        let mut b = body(&p, none());
        b["phone"] = json!(phone);
        let a = h.enrol(&b, &new_key()).await;
        assert_eq!(a.status, 200, "{phone}: {}", a.body);
        let reference = b["reference"].as_str().unwrap();
        let sql = format!(
            "SELECT COUNT(*) FROM enrolments WHERE reference = '{reference}' AND phone = '{phone}'"
        );
        assert_eq!(h.count(&sql).await, 1, "{phone}");
    }
    h.finish().await;
}
