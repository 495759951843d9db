//! `POST /v1/enrolments`: idempotency, matching against the insured persons, the per-NIR
//! throttle, accounts, mail-outs and the follow-ups of permanent refusals. One database
//! transaction per enrolment, so the account, the mail-out, the follow-up and the stored
//! answer commit together or not at all.

use crate::db::{now_unix, Backend, Db};
use crate::demo::iso_date;
use crate::fold::same_name;
use crate::followups;
use crate::password;
use crate::rules::{self, Checked, Item};
use crate::AppState;
use enrol_core::date::PartialDate;
use enrol_core::wire::{AnswerBody, EnrolmentAnswer, EnrolmentRequest, FollowUp};
use enrol_core::{code, Field, Invalid};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use time::Date;
use uuid::Uuid;

/// What the handler sends back.
#[derive(Debug)]
pub struct Reply {
    /// The answer and, for a permanent refusal, whether a follow-up was recorded.
    pub body: AnswerBody,
    /// Internal detail for the log line (never personal data).
    pub detail: &'static str,
}

impl Reply {
    fn plain(answer: EnrolmentAnswer, detail: &'static str) -> Reply {
        Reply {
            body: AnswerBody::plain(answer),
            detail,
        }
    }

    fn followed_up(answer: EnrolmentAnswer, detail: &'static str) -> Reply {
        Reply {
            body: AnswerBody {
                answer,
                follow_up: Some(FollowUp::Recorded),
            },
            detail,
        }
    }
}

/// Why an enrolment ended as it did (admin view and logs; never sent to the kiosk,
/// which must not learn whether the identity or the secret failed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    Verified,
    NoItem,
    SecretMismatch,
    NoEmailOnFile,
    /// The person said « Je n'ai pas d'adresse e-mail »: password by post, whatever is on file.
    NoEmailGiven,
    NirThrottled,
    IdentityMismatch,
    UnknownNir,
    AlreadyEnrolled,
}

impl Detail {
    pub fn as_str(self) -> &'static str {
        match self {
            Detail::Verified => "verified",
            Detail::NoItem => "noItem",
            Detail::SecretMismatch => "secretMismatch",
            Detail::NoEmailOnFile => "noEmailOnFile",
            Detail::NoEmailGiven => "noEmailGiven",
            Detail::NirThrottled => "nirThrottled",
            Detail::IdentityMismatch => "identityMismatch",
            Detail::UnknownNir => "unknownNir",
            Detail::AlreadyEnrolled => "alreadyEnrolled",
        }
    }
}

/// Contents of the mail-outs. Only the hash of a password is kept, so no mail-out row
/// ever holds one.
pub const EMAIL_CONTENTS: &str = "E-mail « Votre mot de passe provisoire Mon espace privé »: \
    un mot de passe provisoire a été émis et envoyé à l'adresse e-mail connue de la MSA \
    (seul son hachage argon2id est conservé).";
pub const LETTER_CONTENTS: &str = "Courrier « Votre mot de passe provisoire Mon espace privé »: \
    un mot de passe provisoire a été émis et envoyé à l'adresse postale connue de la MSA \
    (seul son hachage argon2id est conservé).";
pub const NOTICE_CONTENTS: &str = "Courrier d'information: une demande d'inscription à \
    Mon espace privé à votre nom n'a pas pu être vérifiée. Si vous n'en êtes pas l'auteur, \
    contactez votre MSA. Aucun mot de passe n'a été émis.";

fn invalid_general() -> EnrolmentAnswer {
    EnrolmentAnswer::invalid(&[Invalid::general(code::SYSTEM_INTERNAL)])
}

/// Body that does not even deserialise: say which part as well as the contract allows.
fn undecodable(body: &serde_json::Value) -> EnrolmentAnswer {
    let verification_ok = body
        .get("verification")
        .map(|v| serde_json::from_value::<enrol_core::wire::WireVerification>(v.clone()).is_ok())
        .unwrap_or(false);
    if body.is_object() && !verification_ok {
        EnrolmentAnswer::invalid(&[Invalid::new(
            Field::VerificationKind,
            code::VERIFICATION_CHOOSE,
        )])
    } else {
        invalid_general()
    }
}

/// SHA-256 of the body with object keys sorted and no insignificant white space, so
/// the same enrolment re-sent (by any serialiser) has the same hash.
pub fn canonical_hash(value: &serde_json::Value) -> String {
    fn write(v: &serde_json::Value, out: &mut String) {
        match v {
            serde_json::Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                out.push('{');
                for (i, k) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::Value::String(k.clone()).to_string());
                    out.push(':');
                    write(&map[k], out);
                }
                out.push('}');
            }
            serde_json::Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write(item, out);
                }
                out.push(']');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut text = String::new();
    write(value, &mut text);
    crate::secret::sha256_hex(text)
}

/// Handle one enrolment from an authenticated kiosk.
pub async fn enrol(
    state: &AppState,
    kiosk: &str,
    idempotency_key: Uuid,
    body: &[u8],
) -> Result<Reply, sqlx::Error> {
    let today = time::OffsetDateTime::now_utc().date();
    let value: serde_json::Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(_) => return Ok(Reply::plain(invalid_general(), "undecodable")),
    };
    // Not even the contract's shape: no reference to follow up, the kiosk keeps it.
    let request: EnrolmentRequest = match serde_json::from_value(value.clone()) {
        Ok(r) => r,
        Err(_) => return Ok(Reply::plain(undecodable(&value), "undecodable")),
    };
    let body_hash = canonical_hash(&value);
    let checked = match rules::check(&request, today) {
        Ok(c) => c,
        Err(errors) => {
            let answer = EnrolmentAnswer::invalid(&errors);
            if !rules::reference_ok(&request.reference) {
                return Ok(Reply::plain(answer, "invalid"));
            }
            // A refusal the kiosk may get after the person left (a rule changed here
            // before the kiosks were updated): a counsellor takes it over.
            let followup = refused_as_sent(&request, kiosk, idempotency_key, &body_hash, &errors);
            let mail = request
                .email
                .as_deref()
                .and_then(|e| enrol_core::Email::parse(e).ok())
                .map(|e| followups::Mail::Email(e.as_str().to_owned()));
            let now = now_unix();
            state
                .db
                .transact(move |tx| {
                    Box::pin(async move { followups::record(tx, &followup, mail, now).await })
                })
                .await?;
            return Ok(Reply::followed_up(answer, "invalid"));
        }
    };

    // The password is generated and hashed for every enrolment, used or not, so that
    // the answer takes the same time whatever the outcome.
    let cost = state.config.argon2;
    let password_hash = tokio::task::spawn_blocking(move || {
        let password = password::generate();
        password::hash(&password, cost)
    })
    .await
    .map_err(|e| sqlx::Error::Protocol(format!("password task: {e}")))?
    .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;

    let job = Decision {
        kiosk: kiosk.to_owned(),
        idempotency_key,
        request,
        checked,
        body_hash,
        password_hash,
        now: now_unix(),
        today,
        limits: Limits {
            nir_window_secs: i64::try_from(state.config.nir_window.as_secs()).unwrap_or(i64::MAX),
            nir_max_failures: state.config.nir_max_failures,
            backend: state.db.backend(),
        },
    };
    state
        .db
        .transact(move |tx| Box::pin(async move { job.run(tx).await }))
        .await
}

/// What one enrolment's transaction needs, owned: it may run in another task (SQLite's group
/// commit, [`Db::transact`]).
struct Decision {
    kiosk: String,
    idempotency_key: Uuid,
    request: EnrolmentRequest,
    checked: Checked,
    body_hash: String,
    password_hash: String,
    now: i64,
    today: Date,
    limits: Limits,
}

/// The per-NIR throttle's settings and the engine (for the row lock).
#[derive(Clone, Copy, Debug)]
struct Limits {
    nir_window_secs: i64,
    nir_max_failures: u32,
    backend: Backend,
}

impl Decision {
    /// Everything between BEGIN and COMMIT: idempotency, the decision, the records, the
    /// follow-up and the stored answer.
    async fn run(self, tx: &mut AnyConnection) -> Result<Reply, sqlx::Error> {
        let Decision {
            kiosk,
            idempotency_key,
            request,
            checked,
            body_hash,
            password_hash,
            now,
            today,
            limits,
        } = self;
        let kiosk = kiosk.as_str();
        let inserted = sqlx::query(
            "INSERT INTO idempotency (kiosk_id, idem_key, body_sha256, status, answer, created_at) \
             VALUES ($1, $2, $3, NULL, NULL, $4) ON CONFLICT (kiosk_id, idem_key) DO NOTHING",
        )
        .bind(kiosk)
        .bind(idempotency_key.to_string())
        .bind(&body_hash)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            let row = sqlx::query(
                "SELECT body_sha256, answer FROM idempotency WHERE kiosk_id = $1 AND idem_key = $2",
            )
            .bind(kiosk)
            .bind(idempotency_key.to_string())
            .fetch_one(&mut *tx)
            .await?;
            let stored_hash: String = row.try_get("body_sha256")?;
            if stored_hash != body_hash {
                // A kiosk bug, but this body is a person's enrolment that nobody handles:
                // follow it up (the first body keeps its stored answer).
                let followup = refused_checked(
                    &checked,
                    kiosk,
                    idempotency_key,
                    &body_hash,
                    followups::Reason::IdempotencyKeyReused,
                );
                let mail = checked.email.clone().map(followups::Mail::Email);
                followups::record(tx, &followup, mail, now).await?;
                return Ok(Reply::followed_up(
                    EnrolmentAnswer::IdempotencyKeyReused,
                    "idempotencyKeyReused",
                ));
            }
            let answer: Option<String> = row.try_get("answer")?;
            return match answer.and_then(|a| serde_json::from_str::<AnswerBody>(&a).ok()) {
                Some(body) => Ok(Reply {
                    body,
                    detail: "replay",
                }),
                // Cannot happen (the row and its answer commit together); ask for a retry.
                None => Ok(Reply::plain(EnrolmentAnswer::Unavailable, "inFlight")),
            };
        }

        let (answer, detail) = decide(tx, limits, &checked, &password_hash, now, today).await?;
        record(
            tx,
            kiosk,
            &request,
            &checked,
            idempotency_key,
            &answer,
            detail,
            now,
        )
        .await?;
        let follow_up = if matches!(answer, EnrolmentAnswer::AlreadyEnrolled { .. }) {
            // The identity matched the file: the letter goes to the address on file.
            let address: Option<String> =
                sqlx::query("SELECT postal_address FROM insured WHERE nir = $1")
                    .bind(&checked.nir)
                    .fetch_optional(&mut *tx)
                    .await?
                    .map(|row| row.try_get("postal_address"))
                    .transpose()?;
            let mail = address.map(|address| followups::Mail::Letter {
                nir: checked.nir.clone(),
                address,
            });
            let followup = refused_checked(
                &checked,
                kiosk,
                idempotency_key,
                &body_hash,
                followups::Reason::AlreadyEnrolled,
            );
            followups::record(tx, &followup, mail, now).await?;
            Some(FollowUp::Recorded)
        } else {
            None
        };
        let body = AnswerBody { answer, follow_up };
        let answer_json = serde_json::to_string(&body).unwrap_or_default();
        sqlx::query(
            "UPDATE idempotency SET status = $1, answer = $2 WHERE kiosk_id = $3 AND idem_key = $4",
        )
        .bind(i64::from(body.answer.http_status()))
        .bind(answer_json)
        .bind(kiosk)
        .bind(idempotency_key.to_string())
        .execute(&mut *tx)
        .await?;
        Ok(Reply {
            body,
            detail: detail.as_str(),
        })
    }
}

/// The follow-up of a request the rules refused: values as sent (clipped), error codes.
fn refused_as_sent(
    r: &EnrolmentRequest,
    kiosk: &str,
    idempotency_key: Uuid,
    body_hash: &str,
    errors: &[Invalid],
) -> followups::NewFollowUp {
    use followups::clip;
    followups::NewFollowUp {
        reference: r.reference.clone(),
        kiosk: kiosk.to_owned(),
        idempotency_key,
        body_sha256: body_hash.to_owned(),
        reason: followups::Reason::Invalid,
        codes: errors.iter().map(|e| e.code.to_owned()).collect(),
        nir: clip(&r.nir, 20),
        last_name: clip(&r.last_name, 200),
        first_name: clip(&r.first_name, 200),
        email: r.email.as_deref().map(|e| clip(e, 200)),
        phone: r.phone.as_deref().map(|p| clip(p, 40)),
        department: clip(&r.department, 10),
    }
}

/// The follow-up of a request that passed the rules: values as normalised by them.
fn refused_checked(
    c: &Checked,
    kiosk: &str,
    idempotency_key: Uuid,
    body_hash: &str,
    reason: followups::Reason,
) -> followups::NewFollowUp {
    followups::NewFollowUp {
        reference: c.reference.clone(),
        kiosk: kiosk.to_owned(),
        idempotency_key,
        body_sha256: body_hash.to_owned(),
        reason,
        codes: Vec::new(),
        nir: c.nir.clone(),
        last_name: c.last_name.clone(),
        first_name: c.first_name.clone(),
        email: c.email.clone(),
        phone: c.phone.clone(),
        department: c.department.clone(),
    }
}

struct Person {
    last_name: String,
    first_name: String,
    birth_date: String,
    email: Option<String>,
    vitale_card: Option<String>,
    vitale_serial: Option<String>,
    postal_address: String,
}

impl Person {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Person {
            last_name: row.try_get("last_name")?,
            first_name: row.try_get("first_name")?,
            birth_date: row.try_get("birth_date")?,
            email: row.try_get("email")?,
            vitale_card: row.try_get("vitale_card")?,
            vitale_serial: row.try_get("vitale_serial")?,
            postal_address: row.try_get("postal_address")?,
        })
    }

    fn identity_matches(&self, c: &Checked) -> bool {
        same_name(&self.last_name, &c.last_name)
            && same_name(&self.first_name, &c.first_name)
            && PartialDate::parse_iso(&self.birth_date)
                .is_some_and(|d| d.agrees_with(&c.birth_date))
    }
}

/// The calendar date six months before `today` (clamped to the month's last day).
pub fn six_months_before(today: Date) -> Date {
    let mut year = today.year();
    let mut month = today.month() as i32 - 6;
    if month < 1 {
        month += 12;
        year -= 1;
    }
    let month = time::Month::try_from(month as u8).unwrap_or(time::Month::January);
    let last_day = month.length(year);
    Date::from_calendar_date(year, month, today.day().min(last_day)).unwrap_or(today)
}

async fn secret_matches(
    tx: &mut AnyConnection,
    nir: &str,
    person: &Person,
    item: &Item,
    today: Date,
) -> Result<bool, sqlx::Error> {
    Ok(match item {
        Item::Vitale { card, digits } => {
            person.vitale_card.as_deref() == Some(rules::card_str(*card))
                && person.vitale_serial.as_deref().is_some_and(|s| {
                    crate::secret::constant_time_eq(s.as_bytes(), digits.as_bytes())
                })
        }
        Item::ChildBirthDate(date) => {
            let n: i64 = sqlx::query(
                "SELECT COUNT(*) AS n FROM insured_children WHERE nir = $1 AND birth_date = $2",
            )
            .bind(nir)
            .bind(iso_date(*date))
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
            n > 0
        }
        Item::Payment(cents) => {
            let n: i64 = sqlx::query(
                "SELECT COUNT(*) AS n FROM insured_payments WHERE nir = $1 AND cents = $2 \
                 AND paid_on >= $3 AND paid_on <= $4",
            )
            .bind(nir)
            .bind(*cents)
            .bind(iso_date(six_months_before(today)))
            .bind(iso_date(today))
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
            n > 0
        }
        Item::None => false,
    })
}

async fn decide(
    tx: &mut AnyConnection,
    limits: Limits,
    c: &Checked,
    password_hash: &str,
    now: i64,
    today: Date,
) -> Result<(EnrolmentAnswer, Detail), sqlx::Error> {
    let reference = c.reference.clone();
    let postal = EnrolmentAnswer::Postal {
        reference: reference.clone(),
    };
    // One decision per NIR at a time: on PostgreSQL the person's row is locked until commit,
    // so that a concurrent enrolment for the same NIR (another request, another backend
    // process) waits, then counts this one's failures (READ COMMITTED reads what committed
    // before each statement). SQLite needs no lock: the idempotency INSERT that opened this
    // transaction already holds its one write lock.
    let lock = match limits.backend {
        Backend::Postgres => " FOR UPDATE",
        Backend::Sqlite => "",
    };
    let person = sqlx::query(&format!(
        "SELECT last_name, first_name, birth_date, email, vitale_card, vitale_serial, postal_address \
         FROM insured WHERE nir = $1{lock}"
    ))
    .bind(&c.nir)
    .fetch_optional(&mut *tx)
    .await?
    .map(|row| Person::from_row(&row))
    .transpose()?;

    let Some(person) = person else {
        record_failure(tx, &c.nir, now).await?;
        return Ok((postal, Detail::UnknownNir));
    };
    let window_start = now.saturating_sub(limits.nir_window_secs);
    let failures: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM verification_failures WHERE nir = $1 AND failed_at > $2",
    )
    .bind(&c.nir)
    .bind(window_start)
    .fetch_one(&mut *tx)
    .await?
    .try_get("n")?;
    let throttled = failures >= i64::from(limits.nir_max_failures);

    if !person.identity_matches(c) {
        if !throttled {
            record_failure(tx, &c.nir, now).await?;
            mailout(
                tx,
                "letter",
                &reference,
                &c.nir,
                &person.postal_address,
                NOTICE_CONTENTS,
                now,
            )
            .await?;
        }
        return Ok((postal, Detail::IdentityMismatch));
    }

    let account: Option<String> = sqlx::query("SELECT status FROM accounts WHERE nir = $1")
        .bind(&c.nir)
        .fetch_optional(&mut *tx)
        .await?
        .map(|row| row.try_get("status"))
        .transpose()?;
    if account.as_deref() == Some("active") {
        return Ok((
            EnrolmentAnswer::AlreadyEnrolled { reference },
            Detail::AlreadyEnrolled,
        ));
    }

    let detail = if throttled {
        Detail::NirThrottled
    } else if matches!(c.item, Item::None) {
        Detail::NoItem
    } else if c.email.is_none() {
        // The kiosk promised « par courrier » to a person without an e-mail address: an
        // address on file may be an old one they no longer read. The secret is not even
        // compared, so this answer tells nothing about it.
        Detail::NoEmailGiven
    } else if secret_matches(tx, &c.nir, &person, &c.item, today).await? {
        if person.email.is_some() {
            Detail::Verified
        } else {
            Detail::NoEmailOnFile
        }
    } else {
        record_failure(tx, &c.nir, now).await?;
        Detail::SecretMismatch
    };

    if detail == Detail::Verified {
        let email = person.email.clone().unwrap_or_default();
        // Create the account, or activate the one waiting for a letter (the e-mailed
        // password replaces the posted one).
        let changed = if account.is_some() {
            sqlx::query(
                "UPDATE accounts SET status = 'active', password_hash = $1, reference = $2, updated_at = $3 \
                 WHERE nir = $4 AND status = 'pendingPostal'",
            )
            .bind(password_hash)
            .bind(&reference)
            .bind(now)
            .bind(&c.nir)
            .execute(&mut *tx)
            .await?
            .rows_affected()
        } else {
            insert_account(tx, &c.nir, "active", password_hash, &reference, now).await?
        };
        if changed == 0 {
            // Another enrolment for this NIR won the race.
            return Ok((
                EnrolmentAnswer::AlreadyEnrolled { reference },
                Detail::AlreadyEnrolled,
            ));
        }
        mailout(tx, "email", &reference, &c.nir, &email, EMAIL_CONTENTS, now).await?;
        return Ok((
            EnrolmentAnswer::Verified {
                reference,
                masked_email: rules::mask_email(&email),
            },
            Detail::Verified,
        ));
    }

    // Password by post: one pending account, one letter (a person already waiting for
    // a letter gets no second one).
    if account.is_none()
        && insert_account(tx, &c.nir, "pendingPostal", password_hash, &reference, now).await? == 1
    {
        mailout(
            tx,
            "letter",
            &reference,
            &c.nir,
            &person.postal_address,
            LETTER_CONTENTS,
            now,
        )
        .await?;
    }
    Ok((postal, detail))
}

async fn insert_account(
    tx: &mut AnyConnection,
    nir: &str,
    status: &str,
    password_hash: &str,
    reference: &str,
    now: i64,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "INSERT INTO accounts (nir, status, password_hash, reference, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (nir) DO NOTHING",
    )
    .bind(nir)
    .bind(status)
    .bind(password_hash)
    .bind(reference)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected())
}

async fn record_failure(tx: &mut AnyConnection, nir: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO verification_failures (nir, failed_at) VALUES ($1, $2)")
        .bind(nir)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

async fn mailout(
    tx: &mut AnyConnection,
    kind: &str,
    reference: &str,
    nir: &str,
    recipient: &str,
    contents: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    crate::mailouts::insert(tx, kind, reference, Some(nir), recipient, contents, now).await
}

#[allow(clippy::too_many_arguments)]
async fn record(
    tx: &mut AnyConnection,
    kiosk: &str,
    request: &EnrolmentRequest,
    c: &Checked,
    idempotency_key: Uuid,
    answer: &EnrolmentAnswer,
    detail: Detail,
    now: i64,
) -> Result<(), sqlx::Error> {
    let outcome = answer.outcome();
    sqlx::query(
        "INSERT INTO enrolments (reference, kiosk_id, claimed_kiosk_id, idempotency_key, nir, last_name, \
         first_name, birth_date, email, phone, verification_kind, vitale_card, department, cgu_version, \
         outcome, detail, received_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
    )
    .bind(&c.reference)
    .bind(kiosk)
    .bind(&request.kiosk_id)
    .bind(idempotency_key.to_string())
    .bind(&c.nir)
    .bind(&c.last_name)
    .bind(&c.first_name)
    .bind(enrol_core::date::iso(c.birth_date))
    .bind(&c.email)
    .bind(c.phone.clone())
    .bind(c.item.kind())
    .bind(c.item.card().map(str::to_owned))
    .bind(&c.department)
    .bind(&c.cgu_version)
    .bind(outcome)
    .bind(detail.as_str())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Whether `db` has an account for `nir` (tests and admin).
pub async fn account_status(db: &Db, nir: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query("SELECT status FROM accounts WHERE nir = $1")
        .bind(nir)
        .fetch_optional(db.pool())
        .await?
        .map(|row| row.try_get("status"))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn six_months() {
        assert_eq!(
            six_months_before(date!(2026 - 11 - 26)),
            date!(2026 - 05 - 26)
        );
        assert_eq!(
            six_months_before(date!(2026 - 03 - 10)),
            date!(2025 - 09 - 10)
        );
        assert_eq!(
            six_months_before(date!(2026 - 08 - 31)),
            date!(2026 - 02 - 28)
        );
        assert_eq!(
            six_months_before(date!(2024 - 08 - 31)),
            date!(2024 - 02 - 29)
        );
    }

    #[test]
    fn canonical_hash_ignores_key_order_and_spacing() {
        let a: serde_json::Value =
            serde_json::from_str(r#"{"b": 1, "a": {"y": [1, 2], "x": "é"}}"#).unwrap();
        let b: serde_json::Value =
            serde_json::from_str(r#"{"a":{"x":"é","y":[1,2]},"b":1}"#).unwrap();
        let c: serde_json::Value =
            serde_json::from_str(r#"{"a":{"x":"é","y":[2,1]},"b":1}"#).unwrap();
        assert_eq!(canonical_hash(&a), canonical_hash(&b));
        assert_ne!(canonical_hash(&a), canonical_hash(&c));
    }
}
