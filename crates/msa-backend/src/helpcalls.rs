//! Help calls (issue 17): « Besoin d'aide ? » on a kiosk opens one; an agent closes it from
//! the console, or the kiosk does. At most one open call per kiosk (a unique partial index),
//! so a kiosk that re-sends its request gets the call already open instead of a second one.

use crate::db::{now_unix, rfc3339, Db};
use crate::heartbeat::add_incident;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

/// A help call as the kiosk sees it (docs/openapi.yaml `HelpCall`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HelpCall {
    /// A UUID.
    pub id: String,
    /// `open` or `closed`.
    pub state: &'static str,
    /// The wizard's step (1–7) when the person asked, if the kiosk said.
    pub step: Option<i64>,
    /// RFC 3339, backend time.
    pub opened_at: String,
    pub closed_at: Option<String>,
    /// `agent` (from the console) or `kiosk`.
    pub closed_by: Option<String>,
}

/// A help call with its kiosk, for the console.
#[derive(Clone, Debug)]
pub struct OpenCall {
    pub id: String,
    pub kiosk_id: String,
    pub step: Option<i64>,
    /// Unix seconds.
    pub opened_at: i64,
}

const COLUMNS: &str = "id, step, opened_at, closed_at, closed_by";

fn from_row(row: &AnyRow) -> Result<HelpCall, sqlx::Error> {
    let closed_at: Option<i64> = row.try_get("closed_at")?;
    Ok(HelpCall {
        id: row.try_get("id")?,
        state: if closed_at.is_some() {
            "closed"
        } else {
            "open"
        },
        step: row.try_get("step")?,
        opened_at: rfc3339(row.try_get("opened_at")?),
        closed_at: closed_at.map(rfc3339),
        closed_by: row.try_get("closed_by")?,
    })
}

/// The kiosk's open call, if any.
pub async fn open_call(db: &Db, kiosk: &str) -> Result<Option<HelpCall>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM help_calls WHERE kiosk_id = $1 AND closed_at IS NULL"
    ))
    .bind(kiosk)
    .fetch_optional(db.pool())
    .await?
    .map(|row| from_row(&row))
    .transpose()
}

/// Open a call for `kiosk` at `step`; `(call, true)` when it is new, `(call, false)` when one
/// was already open (it is returned unchanged).
pub async fn open(
    db: &Db,
    kiosk: &str,
    step: Option<i64>,
) -> Result<(HelpCall, bool), sqlx::Error> {
    let now = now_unix();
    let id = uuid::Uuid::new_v4().to_string();
    let mut tx = db.pool().begin().await?;
    // No conflict target: the only unique constraint that can fail is « one open call per
    // kiosk » (the id is a fresh UUID).
    let inserted = sqlx::query(
        "INSERT INTO help_calls (id, kiosk_id, step, opened_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT DO NOTHING",
    )
    .bind(&id)
    .bind(kiosk)
    .bind(step)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if inserted {
        add_incident(
            &mut tx,
            kiosk,
            now,
            "start",
            "helpCall",
            step.map(|s| s.to_string()),
        )
        .await?;
    }
    let call = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM help_calls WHERE kiosk_id = $1 AND closed_at IS NULL"
    ))
    .bind(kiosk)
    .fetch_one(&mut *tx)
    .await?;
    let call = from_row(&call)?;
    tx.commit().await?;
    Ok((call, inserted))
}

/// The call `id` of `kiosk` (another kiosk's call is not found).
pub async fn get(db: &Db, kiosk: &str, id: &str) -> Result<Option<HelpCall>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM help_calls WHERE id = $1 AND kiosk_id = $2"
    ))
    .bind(id)
    .bind(kiosk)
    .fetch_optional(db.pool())
    .await?
    .map(|row| from_row(&row))
    .transpose()
}

/// Who closes a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Closer {
    /// The person, or the kiosk (end of session).
    Kiosk,
    /// An agent in the console (their staff id).
    Agent(i64),
}

/// Close the call `id` of `kiosk` if it is open. `Ok(None)`: no such call for this kiosk.
/// Closing a closed call changes nothing (the first closer stays).
pub async fn close(
    db: &Db,
    kiosk: &str,
    id: &str,
    by: Closer,
) -> Result<Option<HelpCall>, sqlx::Error> {
    let now = now_unix();
    let (closed_by, staff) = match by {
        Closer::Kiosk => ("kiosk", None),
        Closer::Agent(staff) => ("agent", Some(staff)),
    };
    let mut tx = db.pool().begin().await?;
    let changed = sqlx::query(
        "UPDATE help_calls SET closed_at = $1, closed_by = $2, closed_by_staff = $3 \
         WHERE id = $4 AND kiosk_id = $5 AND closed_at IS NULL",
    )
    .bind(now)
    .bind(closed_by)
    .bind(staff)
    .bind(id)
    .bind(kiosk)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 1 {
        add_incident(
            &mut tx,
            kiosk,
            now,
            "end",
            "helpCall",
            Some(closed_by.to_owned()),
        )
        .await?;
    }
    let call = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM help_calls WHERE id = $1 AND kiosk_id = $2"
    ))
    .bind(id)
    .bind(kiosk)
    .fetch_optional(&mut *tx)
    .await?
    .map(|row| from_row(&row))
    .transpose()?;
    tx.commit().await?;
    Ok(call)
}

/// The kiosk a call belongs to (for the console, which knows only the call's id).
pub async fn kiosk_of(db: &Db, id: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query("SELECT kiosk_id FROM help_calls WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .map(|row| row.try_get("kiosk_id"))
        .transpose()
}
