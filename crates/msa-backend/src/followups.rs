//! Counsellor follow-ups (docs/contracts.md §3 « Who owns an enrolment »): every permanent
//! refusal (409 `alreadyEnrolled`, 422 `invalid`, 422 `idempotencyKeyReused`) of an
//! authenticated request whose reference can be read is recorded here, in the transaction that
//! answers it, with the letter or e-mail the MSA sends the person. The answer then says
//! `"followUp": "recorded"` and the kiosk may delete its copy: the person, who may have left the
//! kiosk before the answer came, is not lost.
//!
//! Personal data kept: NIR, names, e-mail and phone as typed, département; only what a
//! counsellor needs to find the file and reach the person. Never the birth date, the
//! verification secret or the CGU version.

use crate::db::{rfc3339, Db};
use serde::Serialize;
use sqlx::{AnyConnection, Row};
use uuid::Uuid;

/// Why the enrolment was refused for good (the `reason` column).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    AlreadyEnrolled,
    Invalid,
    IdempotencyKeyReused,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::AlreadyEnrolled => "alreadyEnrolled",
            Reason::Invalid => "invalid",
            Reason::IdempotencyKeyReused => "idempotencyKeyReused",
        }
    }
}

/// Letter to a person whose identity matched the file but who already has an account.
pub const ALREADY_ENROLLED_CONTENTS: &str = "Courrier « Votre demande d'inscription à Mon \
    espace privé »: la demande faite à une borne d'accueil n'a pas créé de compte, car vous \
    avez déjà un compte Mon espace privé. Si vous avez oublié votre mot de passe, utilisez « Mot \
    de passe oublié » ou contactez votre MSA en citant la référence de la demande. Aucun mot de \
    passe n'a été émis.";
/// E-mail to the address typed at the kiosk when the request could not be taken as it was.
pub const NOT_TAKEN_CONTENTS: &str = "E-mail « Votre demande d'inscription à Mon espace \
    privé »: la demande faite à une borne d'accueil n'a pas pu être enregistrée telle quelle. \
    Un conseiller de votre MSA va vous contacter; vous pouvez aussi appeler votre MSA en citant \
    la référence de la demande. Aucun mot de passe n'a été émis.";

/// What the MSA sends the person with the follow-up.
#[derive(Debug)]
pub enum Mail {
    /// To the postal address on file (the identity matched).
    Letter { nir: String, address: String },
    /// To the address typed at the kiosk (the only way to reach a person not matched).
    Email(String),
}

/// One follow-up to record. `Debug` is redacted (personal data).
pub struct NewFollowUp {
    pub reference: String,
    pub kiosk: String,
    pub idempotency_key: Uuid,
    /// [`crate::enrol::canonical_hash`] of the body: one follow-up per refused body, however
    /// often the kiosk re-sends it.
    pub body_sha256: String,
    pub reason: Reason,
    /// For `invalid`: the error codes, never a value.
    pub codes: Vec<String>,
    pub nir: String,
    pub last_name: String,
    pub first_name: String,
    /// As typed; `None` when the person said they have no e-mail address.
    pub email: Option<String>,
    pub phone: Option<String>,
    pub department: String,
}

impl std::fmt::Debug for NewFollowUp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewFollowUp")
            .field("reference", &self.reference)
            .field("kiosk", &self.kiosk)
            .field("reason", &self.reason)
            .field("codes", &self.codes)
            .finish_non_exhaustive()
    }
}

/// A value as sent, cut to `max` characters: `invalid` bodies may carry anything.
pub fn clip(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// Record `f` in `tx` and, the first time only, write `mail` to the mail-out table. Returns
/// whether the follow-up was new (a re-sent body finds it already there: nothing is written
/// twice). Either way a follow-up exists for this body once `tx` commits.
pub async fn record(
    tx: &mut AnyConnection,
    f: &NewFollowUp,
    mail: Option<Mail>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let (mail_kind, contents) = match &mail {
        Some(Mail::Letter { .. }) => (Some("letter"), ALREADY_ENROLLED_CONTENTS),
        Some(Mail::Email(_)) => (Some("email"), NOT_TAKEN_CONTENTS),
        None => (None, ""),
    };
    let codes = (!f.codes.is_empty()).then(|| f.codes.join(","));
    let inserted = sqlx::query(
        "INSERT INTO followups (reference, kiosk_id, idem_key, body_sha256, reason, codes, nir, \
         last_name, first_name, email, phone, department, mailout, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
         ON CONFLICT (kiosk_id, idem_key, body_sha256) DO NOTHING",
    )
    .bind(&f.reference)
    .bind(&f.kiosk)
    .bind(f.idempotency_key.to_string())
    .bind(&f.body_sha256)
    .bind(f.reason.as_str())
    .bind(codes)
    .bind(&f.nir)
    .bind(&f.last_name)
    .bind(&f.first_name)
    .bind(&f.email)
    .bind(f.phone.clone())
    .bind(&f.department)
    .bind(mail_kind.map(str::to_owned))
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if inserted {
        match mail {
            Some(Mail::Letter { nir, address }) => {
                crate::mailouts::insert(
                    tx,
                    "letter",
                    &f.reference,
                    Some(&nir),
                    &address,
                    contents,
                    now,
                )
                .await?
            }
            Some(Mail::Email(address)) => {
                crate::mailouts::insert(tx, "email", &f.reference, None, &address, contents, now)
                    .await?
            }
            None => {}
        }
    }
    Ok(inserted)
}

/// One follow-up as listed for counsellors (`GET /admin/followups`): personal data, admin
/// token only.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FollowUpView {
    pub id: i64,
    pub reference: String,
    pub kiosk_id: String,
    /// `alreadyEnrolled`, `invalid` or `idempotencyKeyReused`.
    pub reason: String,
    /// For `invalid`: the error codes.
    pub codes: Vec<String>,
    pub nir: Option<String>,
    pub last_name: Option<String>,
    pub first_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub department: Option<String>,
    /// `letter`, `email`, or `null` when nothing could be sent (a counsellor calls).
    pub mailout: Option<String>,
    pub created_at: String,
}

/// Every follow-up, oldest first; only those of `reference` when given.
pub async fn list(db: &Db, reference: Option<&str>) -> Result<Vec<FollowUpView>, sqlx::Error> {
    let sql = "SELECT id, reference, kiosk_id, reason, codes, nir, last_name, first_name, email, \
               phone, department, mailout, created_at FROM followups";
    let rows = match reference {
        Some(r) => {
            sqlx::query(&format!("{sql} WHERE reference = $1 ORDER BY id"))
                .bind(r.to_owned())
                .fetch_all(db.pool())
                .await?
        }
        None => {
            sqlx::query(&format!("{sql} ORDER BY id"))
                .fetch_all(db.pool())
                .await?
        }
    };
    rows.iter()
        .map(|row| {
            let codes: Option<String> = row.try_get("codes")?;
            Ok(FollowUpView {
                id: row.try_get("id")?,
                reference: row.try_get("reference")?,
                kiosk_id: row.try_get("kiosk_id")?,
                reason: row.try_get("reason")?,
                codes: codes
                    .map(|c| c.split(',').map(str::to_owned).collect())
                    .unwrap_or_default(),
                nir: row.try_get("nir")?,
                last_name: row.try_get("last_name")?,
                first_name: row.try_get("first_name")?,
                email: row.try_get("email")?,
                phone: row.try_get("phone")?,
                department: row.try_get("department")?,
                mailout: row.try_get("mailout")?,
                created_at: rfc3339(row.try_get("created_at")?),
            })
        })
        .collect()
}

/// The table printed by `msa-backend followups`: no personal data (reference, kiosk, reason,
/// codes, what was sent, when); `--json` gives the whole rows.
pub fn render_table(list: &[FollowUpView]) -> String {
    let mut out = String::from("reference  kiosk  reason  codes  mailout  created_at\n");
    for f in list {
        out.push_str(&format!(
            "{}  {}  {}  {}  {}  {}\n",
            f.reference,
            f.kiosk_id,
            f.reason,
            if f.codes.is_empty() {
                "-".to_owned()
            } else {
                f.codes.join(",")
            },
            f.mailout.as_deref().unwrap_or("none (call)"),
            f.created_at
        ));
    }
    if list.is_empty() {
        out.push_str("(no follow-up)\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_counts_characters_not_bytes() {
        assert_eq!(clip("Œuvray", 3), "Œuv");
        assert_eq!(clip("abc", 10), "abc");
    }

    #[test]
    fn debug_is_redacted_and_table_has_no_personal_data() {
        let f = NewFollowUp {
            reference: "K7Q2-9DF3".into(),
            kiosk: "agence-44-01".into(),
            idempotency_key: Uuid::nil(),
            body_sha256: "00".into(),
            reason: Reason::Invalid,
            codes: vec!["nir.checksum".into()],
            nir: "1841276451089".into(),
            last_name: "Dupont".into(),
            first_name: "Jean".into(),
            email: Some("jean.dupont@example.fr".into()),
            phone: None,
            department: "44".into(),
        };
        let text = format!("{f:?}");
        assert!(text.contains("K7Q2-9DF3"));
        for pd in ["1841276451089", "Dupont", "Jean", "jean.dupont"] {
            assert!(!text.contains(pd), "{pd} in {text}");
        }
        let view = FollowUpView {
            id: 1,
            reference: f.reference.clone(),
            kiosk_id: f.kiosk.clone(),
            reason: "invalid".into(),
            codes: f.codes.clone(),
            nir: Some(f.nir.clone()),
            last_name: Some(f.last_name.clone()),
            first_name: Some(f.first_name.clone()),
            email: f.email.clone(),
            phone: None,
            department: Some("44".into()),
            mailout: Some("email".into()),
            created_at: "2026-01-01T00:00:00Z".into(),
        };
        let table = render_table(&[view]);
        assert!(table.contains("K7Q2-9DF3") && table.contains("nir.checksum"));
        for pd in ["1841276451089", "Dupont", "Jean", "jean.dupont"] {
            assert!(!table.contains(pd), "{pd} in {table}");
        }
        assert!(render_table(&[]).contains("no follow-up"));
    }
}
