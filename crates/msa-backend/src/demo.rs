//! Demo insured persons (`demo/insured.toml`), seeded at start, and the `DEMO.md` table.

use crate::db::{now_unix, Db};
use anyhow::Context;
use enrol_core::date::PartialDate;
use serde::Deserialize;
use time::Date;

/// The demo data file, embedded in the binary.
pub const DEMO_TOML: &str = include_str!("../demo/insured.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoFile {
    person: Vec<DemoPerson>,
}

/// One insured person of the demo data. Fictional, but shaped like real personal data, so it
/// is printed like it: `Debug` shows the case only.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoPerson {
    /// What this person demonstrates.
    pub case: String,
    /// 15 characters with the key, grouped for reading.
    pub nir: String,
    pub last_name: String,
    pub first_name: String,
    /// `YYYY-MM-DD`, with `00` for a part unknown to the registers (`1966-00-00`).
    #[serde(with = "partial_date")]
    pub birth_date: PartialDate,
    pub email: Option<String>,
    pub department: String,
    pub address: String,
    pub vitale: Option<DemoVitale>,
    #[serde(default)]
    pub children: Vec<DemoChild>,
    #[serde(default)]
    pub payments: Vec<DemoPayment>,
    #[serde(default)]
    pub enrolled: bool,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoVitale {
    /// `photo` or `noPhoto`, as on the wire.
    pub card: String,
    pub serial: String,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoChild {
    pub first_name: String,
    #[serde(with = "iso_date")]
    pub birth_date: Date,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoPayment {
    /// Paid this many days before today (dates follow the clock).
    pub days_ago: i64,
    pub cents: i64,
    pub label: String,
}

mod iso_date {
    use serde::{Deserialize, Deserializer};
    use time::Date;

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = String::deserialize(d)?;
        super::parse_iso_date(&text).ok_or_else(|| serde::de::Error::custom("expected YYYY-MM-DD"))
    }
}

mod partial_date {
    use enrol_core::date::PartialDate;
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<PartialDate, D::Error> {
        let text = String::deserialize(d)?;
        PartialDate::parse_iso(&text)
            .ok_or_else(|| serde::de::Error::custom("expected YYYY-MM-DD, 00 for unknown parts"))
    }
}

/// `YYYY-MM-DD`.
pub fn parse_iso_date(text: &str) -> Option<Date> {
    Date::parse(
        text,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

/// `YYYY-MM-DD`.
pub fn iso_date(date: Date) -> String {
    date.format(time::macros::format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

impl std::fmt::Debug for DemoPerson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DemoPerson {{ case: {:?}, <redacted> }}", self.case)
    }
}

impl std::fmt::Debug for DemoVitale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DemoVitale {{ card: {:?}, <redacted> }}", self.card)
    }
}

impl std::fmt::Debug for DemoChild {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DemoChild(<redacted>)")
    }
}

impl DemoPerson {
    /// The 15 characters without spaces.
    pub fn nir15(&self) -> String {
        self.nir.chars().filter(|c| !c.is_whitespace()).collect()
    }

    /// The 13-character body stored in the database (validated by the core rules).
    pub fn nir13(&self) -> anyhow::Result<String> {
        let nir = crate::rules::parse_nir_with_key(&self.nir15())
            .with_context(|| format!("demo person « {} » has an invalid NIR", self.case))?;
        Ok(nir)
    }
}

/// The demo persons, in file order.
pub fn people() -> anyhow::Result<Vec<DemoPerson>> {
    let file: DemoFile = toml::from_str(DEMO_TOML).context("demo/insured.toml is malformed")?;
    Ok(file.person)
}

/// Insert the demo persons missing from the database; refresh their payment dates
/// relative to `today`; give the `enrolled` ones an active account. Idempotent.
pub async fn seed(db: &Db, today: Date) -> anyhow::Result<usize> {
    let people = people()?;
    let now = now_unix();
    let mut tx = db.pool().begin().await?;
    let mut inserted = 0;
    for p in &people {
        let nir = p.nir13()?;
        let (card, serial) = match &p.vitale {
            Some(v) => (Some(v.card.clone()), Some(v.serial.clone())),
            None => (None, None),
        };
        let added = sqlx::query(
            "INSERT INTO insured (nir, last_name, first_name, birth_date, email, vitale_card, \
             vitale_serial, postal_address, department) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (nir) DO NOTHING",
        )
        .bind(&nir)
        .bind(&p.last_name)
        .bind(&p.first_name)
        .bind(enrol_core::date::iso(p.birth_date))
        .bind(p.email.clone())
        .bind(card)
        .bind(serial)
        .bind(&p.address)
        .bind(&p.department)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if added == 1 {
            inserted += 1;
            for c in &p.children {
                sqlx::query(
                    "INSERT INTO insured_children (nir, first_name, birth_date) VALUES ($1, $2, $3)",
                )
                .bind(&nir)
                .bind(&c.first_name)
                .bind(iso_date(c.birth_date))
                .execute(&mut *tx)
                .await?;
            }
        }
        sqlx::query("DELETE FROM insured_payments WHERE nir = $1")
            .bind(&nir)
            .execute(&mut *tx)
            .await?;
        for pay in &p.payments {
            let paid_on = today - time::Duration::days(pay.days_ago);
            sqlx::query(
                "INSERT INTO insured_payments (nir, paid_on, cents, label) VALUES ($1, $2, $3, $4)",
            )
            .bind(&nir)
            .bind(iso_date(paid_on))
            .bind(pay.cents)
            .bind(&pay.label)
            .execute(&mut *tx)
            .await?;
        }
        if p.enrolled {
            sqlx::query(
                "INSERT INTO accounts (nir, status, password_hash, reference, created_at, updated_at) \
                 VALUES ($1, 'active', NULL, 'DEMO-0000', $2, $2) ON CONFLICT (nir) DO NOTHING",
            )
            .bind(&nir)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(inserted)
}

fn euros(cents: i64) -> String {
    format!("{},{:02} €", cents / 100, cents % 100)
}

fn expected(p: &DemoPerson) -> String {
    if p.enrolled {
        return "409 `alreadyEnrolled` (identity must match)".to_owned();
    }
    let has_secret = p.vitale.is_some()
        || !p.children.is_empty()
        || p.payments.iter().any(|x| x.days_ago <= 180);
    match (&p.email, has_secret) {
        (None, _) => "`postal`, even with a right secret (no e-mail on file)".to_owned(),
        (Some(_), true) => "`verified` with a right secret; `postal` otherwise".to_owned(),
        (Some(_), false) => "`postal` whatever the secret".to_owned(),
    }
}

fn secrets(p: &DemoPerson) -> String {
    let mut parts = Vec::new();
    if let Some(v) = &p.vitale {
        let kind = if v.card == "photo" {
            "Vitale with photo"
        } else {
            "Vitale without photo"
        };
        parts.push(format!("{kind}: `{}`", v.serial));
    }
    if !p.children.is_empty() {
        let list: Vec<String> = p
            .children
            .iter()
            .map(|c| format!("{} {}", c.first_name, iso_date(c.birth_date)))
            .collect();
        parts.push(format!("children: {}", list.join(", ")));
    }
    for pay in &p.payments {
        let note = if pay.days_ago > 180 {
            " — older than 6 months, does NOT match"
        } else {
            ""
        };
        parts.push(format!(
            "payment {} ({} days ago){note}",
            euros(pay.cents),
            pay.days_ago
        ));
    }
    if parts.is_empty() {
        "none".to_owned()
    } else {
        parts.join("; ")
    }
}

/// The `DEMO.md` text (kept in step with the data file by a test).
pub fn render_markdown() -> anyhow::Result<String> {
    let people = people()?;
    let mut out = String::new();
    out.push_str(
        "# Demo identities of the reference MSA backend\n\n\
         Generated from `demo/insured.toml` (run `UPDATE_DEMO_MD=1 cargo test -p msa-backend --test demo` \
         after a change). The backend seeds these persons at every start (idempotent).\n\n\
         How to read the table:\n\n\
         - **NIR**: type the 13 characters at the kiosk (the last 2 digits are the key, optional).\n\
         - Names are compared without accents, case, hyphens, apostrophes or spaces: \
         `OEUVRAY D ARC` matches `Œuvray-D'Arc`. The birth date must be exact, except the parts \
         written `00` (unknown) on either side, which are not compared.\n\
         - The provisional password goes to the **e-mail on file** shown here, never to the one \
         typed at the kiosk: type that one so the confirmation screen shows the same masked address.\n\
         - Payment amounts must have been paid in the last 6 months (dates follow the clock).\n\
         - After 5 failed verifications for one NIR in 24 h, the secret is no longer checked: \
         the answer is `postal`, even with a right secret.\n\
         - An unknown NIR, or names/birth date that do not match, also gives `postal` \
         (never reveal which part failed).\n\n",
    );
    out.push_str("| # | NIR (key) | Name | Born | E-mail on file | Secrets on file | Expected outcome | Shows |\n");
    out.push_str("|---|---|---|---|---|---|---|---|\n");
    for (i, p) in people.iter().enumerate() {
        let nir15 = p.nir15();
        let grouped = crate::rules::group_nir(&nir15[..13]);
        out.push_str(&format!(
            "| {} | `{}` ({}) | {} {} | {} | {} | {} | {} | {} |\n",
            i + 1,
            grouped,
            &nir15[13..],
            p.first_name,
            p.last_name.to_uppercase(),
            enrol_core::date::iso(p.birth_date),
            p.email.as_deref().unwrap_or("— (none)"),
            secrets(p),
            expected(p),
            p.case,
        ));
    }
    out.push_str(
        "\nAny NIR not in this table (with a valid key) is an unknown person: `postal`.\n",
    );
    Ok(out)
}
