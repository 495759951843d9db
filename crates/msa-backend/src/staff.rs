//! Agencies, the kiosks in them, and the agency staff who use the console (issue 17):
//! accounts with argon2id password hashes, a lockout after repeated failures, and sessions
//! kept in the database so that any backend instance serves any console.

use crate::config::{check_name, Argon2Cost};
use crate::db::{now_unix, Db};
use crate::secret::{sha256_hex, Secret};
use anyhow::{bail, Context};
use argon2::password_hash::{PasswordHash, PasswordVerifier};
use rand::RngCore;
use sqlx::Row;
use std::time::Duration;

/// Shortest staff password accepted (ANSSI's guide on passwords: 12 characters and more for a
/// password alone, with a lockout).
pub const MIN_PASSWORD_CHARS: usize = 12;

/// What a staff member sees: one agency, or every agency of a caisse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    Agency(String),
    Caisse(String),
}

impl Scope {
    pub fn kind(&self) -> &'static str {
        match self {
            Scope::Agency(_) => "agency",
            Scope::Caisse(_) => "caisse",
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Scope::Agency(id) | Scope::Caisse(id) => id,
        }
    }

    /// A SQL condition on `kiosk_agencies.agency_id` (aliased `ka`) for this scope; its one
    /// parameter is `$n` and takes [`Scope::id`].
    pub fn kiosk_filter(&self, n: usize) -> String {
        match self {
            Scope::Agency(_) => format!("ka.agency_id = ${n}"),
            Scope::Caisse(_) => {
                format!("ka.agency_id IN (SELECT id FROM agencies WHERE caisse = ${n})")
            }
        }
    }
}

/// What a staff member may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Sees and closes help calls.
    Agent,
    /// Sees only.
    Observer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Observer => "observer",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> anyhow::Result<Role> {
        match s {
            "agent" => Ok(Role::Agent),
            "observer" => Ok(Role::Observer),
            _ => bail!("role must be agent (sees and closes help calls) or observer (sees only)"),
        }
    }
}

/// Create or update an agency (its caisse and its name as shown in the console).
pub async fn add_agency(db: &Db, id: &str, caisse: &str, name: &str) -> anyhow::Result<()> {
    check_name("agency id", id)?;
    check_name("caisse id", caisse)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        bail!("the agency name must be 1 to 100 characters, without control characters");
    }
    sqlx::query(
        "INSERT INTO agencies (id, caisse, name) VALUES ($1, $2, $3) \
         ON CONFLICT (id) DO UPDATE SET caisse = excluded.caisse, name = excluded.name",
    )
    .bind(id)
    .bind(caisse)
    .bind(name)
    .execute(db.pool())
    .await
    .with_context(|| format!("cannot save agency {id}"))?;
    Ok(())
}

/// Put a registered kiosk in `agency`. An agency not yet described is created with its id as
/// name and caisse (`msa-backend agency add` describes it).
pub async fn set_kiosk_agency(db: &Db, kiosk: &str, agency: &str) -> anyhow::Result<()> {
    check_name("agency id", agency)?;
    let mut tx = db.pool().begin().await?;
    sqlx::query(
        "INSERT INTO agencies (id, caisse, name) VALUES ($1, $1, $1) ON CONFLICT DO NOTHING",
    )
    .bind(agency)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO kiosk_agencies (kiosk_id, agency_id) VALUES ($1, $2) \
         ON CONFLICT (kiosk_id) DO UPDATE SET agency_id = excluded.agency_id",
    )
    .bind(kiosk)
    .bind(agency)
    .execute(&mut *tx)
    .await
    .with_context(|| format!("cannot put kiosk {kiosk} in agency {agency} (is it registered?)"))?;
    tx.commit().await?;
    Ok(())
}

/// Staff logins: 1 to 64 characters among `a-z 0-9 . _ - @`, compared in lower case.
pub fn normalise_login(login: &str) -> Option<String> {
    let login = login.trim().to_ascii_lowercase();
    let ok = !login.is_empty()
        && login.len() <= 64
        && login
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-@".contains(&b));
    ok.then_some(login)
}

fn hash_password(password: &Secret, cost: Argon2Cost) -> anyhow::Result<String> {
    crate::password::hash(password, cost)
}

/// Create a staff account, or replace the scope, role and password of an existing one (which
/// also unlocks it and ends its sessions). The password must have at least
/// [`MIN_PASSWORD_CHARS`] characters.
pub async fn add_staff(
    db: &Db,
    login: &str,
    password: &Secret,
    scope: &Scope,
    role: Role,
    cost: Argon2Cost,
) -> anyhow::Result<()> {
    let Some(login) = normalise_login(login) else {
        bail!("the login must be 1 to 64 characters among a-z 0-9 . _ - @");
    };
    check_name(&format!("{} id", scope.kind()), scope.id())?;
    if password.expose().chars().count() < MIN_PASSWORD_CHARS {
        bail!("the password must have at least {MIN_PASSWORD_CHARS} characters");
    }
    let exists: i64 = sqlx::query(match scope {
        Scope::Agency(_) => "SELECT COUNT(*) AS n FROM agencies WHERE id = $1",
        Scope::Caisse(_) => "SELECT COUNT(*) AS n FROM agencies WHERE caisse = $1",
    })
    .bind(scope.id())
    .fetch_one(db.pool())
    .await?
    .try_get("n")?;
    if exists == 0 {
        bail!(
            "no agency {} {:?}: add it first with `msa-backend agency add`",
            if matches!(scope, Scope::Agency(_)) {
                "is"
            } else {
                "belongs to caisse"
            },
            scope.id()
        );
    }
    let password = password.clone();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password, cost))
        .await
        .context("password hashing task")??;
    let now = now_unix();
    let mut tx = db.pool().begin().await?;
    sqlx::query(
        "INSERT INTO staff (login, password_hash, scope_kind, scope_id, role, failed_logins, \
         locked_until, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 0, NULL, $6, $6) \
         ON CONFLICT (login) DO UPDATE SET password_hash = excluded.password_hash, \
         scope_kind = excluded.scope_kind, scope_id = excluded.scope_id, role = excluded.role, \
         failed_logins = 0, locked_until = NULL, updated_at = excluded.updated_at",
    )
    .bind(&login)
    .bind(hash)
    .bind(scope.kind())
    .bind(scope.id())
    .bind(role.as_str())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "DELETE FROM staff_sessions WHERE staff_id = (SELECT id FROM staff WHERE login = $1)",
    )
    .bind(&login)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Unlock an account now. `false`: no such login.
pub async fn unlock(db: &Db, login: &str) -> anyhow::Result<bool> {
    let login = normalise_login(login).context("not a valid login")?;
    Ok(sqlx::query(
        "UPDATE staff SET failed_logins = 0, locked_until = NULL, updated_at = $1 WHERE login = $2",
    )
    .bind(now_unix())
    .bind(login)
    .execute(db.pool())
    .await?
    .rows_affected()
        == 1)
}

/// Remove an account and its sessions. `false`: no such login.
pub async fn remove(db: &Db, login: &str) -> anyhow::Result<bool> {
    let login = normalise_login(login).context("not a valid login")?;
    let mut tx = db.pool().begin().await?;
    sqlx::query(
        "DELETE FROM staff_sessions WHERE staff_id IN (SELECT id FROM staff WHERE login = $1)",
    )
    .bind(&login)
    .execute(&mut *tx)
    .await?;
    let gone = sqlx::query("DELETE FROM staff WHERE login = $1")
        .bind(&login)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    tx.commit().await?;
    Ok(gone == 1)
}

/// One line of `msa-backend staff list`.
#[derive(Clone, Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StaffLine {
    pub login: String,
    pub scope: String,
    pub role: String,
    pub locked: bool,
}

/// Every account, by login.
pub async fn list(db: &Db) -> anyhow::Result<Vec<StaffLine>> {
    let now = now_unix();
    let rows = sqlx::query(
        "SELECT login, scope_kind, scope_id, role, locked_until FROM staff ORDER BY login",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let kind: String = row.try_get("scope_kind")?;
            let id: String = row.try_get("scope_id")?;
            let locked_until: Option<i64> = row.try_get("locked_until")?;
            Ok(StaffLine {
                login: row.try_get("login")?,
                scope: format!("{kind}:{id}"),
                role: row.try_get("role")?,
                locked: locked_until.is_some_and(|t| t > now),
            })
        })
        .collect()
}

/// A signed-in staff member.
#[derive(Clone, Debug)]
pub struct Staff {
    pub id: i64,
    pub login: String,
    pub scope: Scope,
    pub role: Role,
    /// The scope's name for headings: the agency's name, or the caisse's id.
    pub scope_name: String,
}

/// What a login attempt gives.
#[derive(Debug)]
pub enum Login {
    /// Signed in: the session cookie's token (only its SHA-256 is stored).
    Ok { token: Secret, staff_id: i64 },
    /// Unknown login or wrong password (the same answer, after the same work).
    Refused,
    /// Too many failures: locked until this Unix time.
    Locked { until: i64 },
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Check a login and password; open a session on success.
///
/// The attempt is counted *before* the password is checked, in one statement that also
/// refuses a locked account, so that parallel attempts on any number of instances get at most
/// `max_failures` guesses; a success resets the count. A lockout that has run out starts a
/// new count.
pub async fn login(
    db: &Db,
    login: &str,
    password: &Secret,
    cost: Argon2Cost,
    max_failures: u32,
    lockout: Duration,
    session_lifetime: Duration,
) -> Result<Login, sqlx::Error> {
    let now = now_unix();
    let lock_secs = i64::try_from(lockout.as_secs()).unwrap_or(i64::MAX / 2);
    let counted = match normalise_login(login) {
        None => None,
        Some(login) => sqlx::query(
            "UPDATE staff SET \
               failed_logins = CASE WHEN locked_until IS NOT NULL AND locked_until <= $1 THEN 1 \
                                    ELSE failed_logins + 1 END, \
               locked_until = CASE WHEN (CASE WHEN locked_until IS NOT NULL AND locked_until <= $1 \
                                              THEN 1 ELSE failed_logins + 1 END) >= $2 \
                                   THEN $3 ELSE NULL END \
             WHERE login = $4 AND (locked_until IS NULL OR locked_until <= $1) \
             RETURNING id, password_hash",
        )
        .bind(now)
        .bind(i64::from(max_failures))
        .bind(now + lock_secs)
        .bind(&login)
        .fetch_optional(db.pool())
        .await?
        .map(|row| -> Result<(i64, String), sqlx::Error> {
            Ok((row.try_get("id")?, row.try_get("password_hash")?))
        })
        .transpose()?,
    };
    let Some((staff_id, hash)) = counted else {
        // Locked, or no such login: which one is told only for an existing, locked login.
        let locked: Option<i64> = match normalise_login(login) {
            Some(l) => sqlx::query("SELECT locked_until FROM staff WHERE login = $1")
                .bind(l)
                .fetch_optional(db.pool())
                .await?
                .map(|row| row.try_get::<Option<i64>, _>("locked_until"))
                .transpose()?
                .flatten(),
            None => None,
        };
        if let Some(until) = locked.filter(|t| *t > now) {
            return Ok(Login::Locked { until });
        }
        // The same argon2 work as a real check, so that timing does not tell logins apart.
        let password = password.clone();
        let _ = tokio::task::spawn_blocking(move || hash_password(&password, cost)).await;
        return Ok(Login::Refused);
    };
    let password = password.clone();
    let matches = tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|parsed| {
                argon2::Argon2::default()
                    .verify_password(password.expose().as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false);
    if !matches {
        let until: Option<i64> = sqlx::query("SELECT locked_until FROM staff WHERE id = $1")
            .bind(staff_id)
            .fetch_one(db.pool())
            .await?
            .try_get("locked_until")?;
        tracing::info!(
            staff = staff_id,
            locked = until.is_some(),
            "console login refused"
        );
        return Ok(match until {
            Some(until) => Login::Locked { until },
            None => Login::Refused,
        });
    }
    let token = random_token();
    let lifetime = i64::try_from(session_lifetime.as_secs()).unwrap_or(i64::MAX / 2);
    let mut tx = db.pool().begin().await?;
    sqlx::query("UPDATE staff SET failed_logins = 0, locked_until = NULL WHERE id = $1")
        .bind(staff_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM staff_sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO staff_sessions (token_sha256, staff_id, csrf, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(sha256_hex(&token))
    .bind(staff_id)
    .bind(random_token())
    .bind(now)
    .bind(now + lifetime)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(staff = staff_id, "console login");
    Ok(Login::Ok {
        token: Secret::new(token),
        staff_id,
    })
}

/// The staff member and the CSRF token of a live session.
pub async fn session(db: &Db, token: &str) -> Result<Option<(Staff, Secret)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT s.id, s.login, s.scope_kind, s.scope_id, s.role, ss.csrf, \
                (SELECT name FROM agencies WHERE id = s.scope_id) AS agency_name \
         FROM staff_sessions ss JOIN staff s ON s.id = ss.staff_id \
         WHERE ss.token_sha256 = $1 AND ss.expires_at > $2",
    )
    .bind(sha256_hex(token))
    .bind(now_unix())
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let kind: String = row.try_get("scope_kind")?;
    let scope_id: String = row.try_get("scope_id")?;
    let agency_name: Option<String> = row.try_get("agency_name")?;
    let (scope, scope_name) = if kind == "caisse" {
        (Scope::Caisse(scope_id.clone()), scope_id)
    } else {
        (
            Scope::Agency(scope_id.clone()),
            agency_name.unwrap_or(scope_id),
        )
    };
    let role: String = row.try_get("role")?;
    Ok(Some((
        Staff {
            id: row.try_get("id")?,
            login: row.try_get("login")?,
            scope,
            role: role.parse().unwrap_or(Role::Observer),
            scope_name,
        },
        Secret::new(row.try_get::<String, _>("csrf")?),
    )))
}

/// End a session.
pub async fn logout(db: &Db, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM staff_sessions WHERE token_sha256 = $1")
        .bind(sha256_hex(token))
        .execute(db.pool())
        .await?;
    Ok(())
}

/// A fresh random token (hex of 32 bytes): sessions, CSRF, the login form's token.
pub fn new_token() -> Secret {
    Secret::new(random_token())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins() {
        assert_eq!(
            normalise_login(" Marie.Durand ").as_deref(),
            Some("marie.durand")
        );
        assert_eq!(normalise_login("a@msa44.fr").as_deref(), Some("a@msa44.fr"));
        assert_eq!(normalise_login(""), None);
        assert_eq!(normalise_login("a b"), None);
        assert_eq!(normalise_login(&"a".repeat(65)), None);
    }

    #[test]
    fn scope_filters() {
        assert_eq!(
            Scope::Agency("n".into()).kiosk_filter(2),
            "ka.agency_id = $2"
        );
        assert!(Scope::Caisse("c".into())
            .kiosk_filter(1)
            .contains("caisse = $1"));
        assert_eq!("observer".parse::<Role>().unwrap(), Role::Observer);
        assert!("admin".parse::<Role>().is_err());
    }
}
