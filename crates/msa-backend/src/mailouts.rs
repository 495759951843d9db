//! The mail-out table: e-mails and letters the MSA "sent". Listings mask the recipient;
//! no row ever holds a password (only its hash is kept, in `accounts`).

use crate::db::{rfc3339, Db};
use serde::Serialize;
use sqlx::{AnyConnection, Row};

/// One mail-out as listed (`GET /admin/mailouts`, `msa-backend mailouts`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MailoutView {
    pub id: i64,
    /// `email` or `letter`.
    pub kind: String,
    pub reference: String,
    /// `j•••@e•••.fr`, or for a letter the postcode and town only.
    pub recipient: String,
    pub contents: String,
    pub created_at: String,
}

/// Mask a recipient for listings.
pub fn mask_recipient(kind: &str, recipient: &str) -> String {
    if kind == "email" {
        crate::rules::mask_email(recipient)
    } else {
        // "12 rue des Lilas, 44000 Nantes" → "adresse connue de la MSA (•••, 44000 Nantes)"
        let town = recipient.rsplit(',').next().unwrap_or("").trim();
        format!("adresse connue de la MSA (•••, {town})")
    }
}

/// Write one mail-out in `tx` (the transaction that decided to send it).
pub(crate) async fn insert(
    tx: &mut AnyConnection,
    kind: &str,
    reference: &str,
    nir: Option<&str>,
    recipient: &str,
    contents: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO mailouts (kind, reference, nir, recipient, contents, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(kind)
    .bind(reference)
    .bind(nir.map(str::to_owned))
    .bind(recipient)
    .bind(contents)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Every mail-out, oldest first.
pub async fn list(db: &Db) -> Result<Vec<MailoutView>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, kind, reference, recipient, contents, created_at FROM mailouts ORDER BY id",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let kind: String = row.try_get("kind")?;
            let recipient: String = row.try_get("recipient")?;
            Ok(MailoutView {
                id: row.try_get("id")?,
                recipient: mask_recipient(&kind, &recipient),
                kind,
                reference: row.try_get("reference")?,
                contents: row.try_get("contents")?,
                created_at: rfc3339(row.try_get("created_at")?),
            })
        })
        .collect()
}

/// The table printed by `msa-backend mailouts`.
pub fn render_table(list: &[MailoutView]) -> String {
    let headers = ["kind", "reference", "recipient", "created_at", "contents"];
    let rows: Vec<[String; 5]> = list
        .iter()
        .map(|m| {
            [
                m.kind.clone(),
                m.reference.clone(),
                m.recipient.clone(),
                m.created_at.clone(),
                m.contents.clone(),
            ]
        })
        .collect();
    let mut widths = headers.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row.iter()).take(4) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 5]| {
        let mut out = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i < 4 {
                out.push_str(cell);
                out.push_str(&" ".repeat(widths[i] - cell.chars().count() + 2));
            } else {
                out.push_str(cell);
            }
        }
        out.trim_end().to_owned() + "\n"
    };
    let mut out = line(headers);
    for row in &rows {
        out.push_str(&line([&row[0], &row[1], &row[2], &row[3], &row[4]]));
    }
    if rows.is_empty() {
        out.push_str("(no mail-out yet)\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_show_only_the_town() {
        assert_eq!(
            mask_recipient("letter", "12 rue des Lilas, 44000 Nantes"),
            "adresse connue de la MSA (•••, 44000 Nantes)"
        );
    }

    #[test]
    fn table_lines_up() {
        let list = vec![MailoutView {
            id: 1,
            kind: "email".into(),
            reference: "K7Q2-9DF3".into(),
            recipient: "j•••@e•••.fr".into(),
            contents: "x".into(),
            created_at: "2026-01-01T00:00:00Z".into(),
        }];
        let t = render_table(&list);
        assert!(t.starts_with("kind "));
        assert!(t.contains("K7Q2-9DF3"));
        assert!(render_table(&[]).contains("no mail-out"));
    }
}
