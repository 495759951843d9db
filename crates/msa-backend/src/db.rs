//! The database: SQLite (default, a file created and migrated at start, WAL, every
//! acknowledged write synced: `synchronous = FULL`) or PostgreSQL, through the same code (`sqlx::Any`, runtime-checked
//! queries, `$n` binds, which both dialects accept). Migrations are embedded, one folder per
//! dialect. Everything several backend processes must agree on (idempotency, the per-NIR
//! throttle, the per-kiosk rate limit) lives in the database, never in a process.

use anyhow::{bail, Context};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Row};
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// Which engine is behind the pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// How long a request waits for a pooled connection before the answer is `503 unavailable`.
/// A burst (a kiosk's batch of 16 after an outage, on two instances sharing one SQLite file)
/// queues behind one writer with a synced commit each: waiting beats answering 503.
const POOL_WAIT: Duration = Duration::from_secs(10);
/// SQLite: how long a writer waits for another instance's write lock (ms) before `SQLITE_BUSY`.
const BUSY_TIMEOUT: &str = "PRAGMA busy_timeout = 10000";

/// A pool on either engine.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    /// For the per-kiosk token buckets: on SQLite a pool of its own with `synchronous =
    /// NORMAL` (consistent in WAL mode, not durable), because a bucket lost at a power cut
    /// only gives a kiosk a few more requests, and one fsync less per request is what keeps
    /// a backlog draining fast; on PostgreSQL the main pool.
    limits: AnyPool,
    backend: Backend,
}

impl Db {
    /// Connect (creating a SQLite file and its folder if missing) and run the migrations.
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        let (backend, url) = normalise_url(url)?;
        let mut options = AnyPoolOptions::new()
            .acquire_timeout(POOL_WAIT)
            .max_connections(match backend {
                Backend::Sqlite => 4,
                Backend::Postgres => 8,
            });
        if backend == Backend::Sqlite {
            options = options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    // WAL: readers never block the writer; the busy timeout queues the
                    // writers of every instance on the file, one commit at a time.
                    sqlx::query("PRAGMA journal_mode = WAL")
                        .execute(&mut *conn)
                        .await?;
                    sqlx::query(BUSY_TIMEOUT).execute(&mut *conn).await?;
                    // FULL: every commit is on disk before the answer leaves, so an
                    // enrolment the kiosk was told about (and then deleted from its
                    // outbox) survives a power cut; NORMAL may lose the last commits in
                    // WAL mode.
                    sqlx::query("PRAGMA synchronous = FULL")
                        .execute(&mut *conn)
                        .await?;
                    sqlx::query("PRAGMA foreign_keys = ON")
                        .execute(&mut *conn)
                        .await?;
                    Ok(())
                })
            });
        }
        let pool = options
            .connect(&url)
            .await
            .context("cannot open the database")?;
        let mut db = Db {
            limits: pool.clone(),
            pool,
            backend,
        };
        db.migrate().await?;
        if backend == Backend::Sqlite && !url.contains(":memory:") {
            db.limits = AnyPoolOptions::new()
                .acquire_timeout(POOL_WAIT)
                .max_connections(2)
                .after_connect(|conn, _meta| {
                    Box::pin(async move {
                        sqlx::query("PRAGMA journal_mode = WAL")
                            .execute(&mut *conn)
                            .await?;
                        sqlx::query("PRAGMA synchronous = NORMAL")
                            .execute(&mut *conn)
                            .await?;
                        sqlx::query(BUSY_TIMEOUT).execute(&mut *conn).await?;
                        Ok(())
                    })
                })
                .connect(&url)
                .await
                .context("cannot open the database")?;
        }
        Ok(db)
    }

    async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator
            .run(&self.pool)
            .await
            .context("cannot migrate the database")
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The pool of the per-kiosk token buckets (see the field's note): nothing else may use
    /// it, since on SQLite its commits are not synced.
    pub fn limits_pool(&self) -> &AnyPool {
        &self.limits
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// `SELECT 1`: is the database reachable?
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        let row: AnyRow = sqlx::query("SELECT 1 AS one").fetch_one(&self.pool).await?;
        let one: i64 = row.try_get("one")?;
        debug_assert_eq!(one, 1);
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
        self.limits.close().await;
    }
}

/// `sqlite:` URLs get `mode=rwc` (create if missing) and their folder created;
/// `postgres:`/`postgresql:` pass as they are.
fn normalise_url(url: &str) -> anyhow::Result<(Backend, String)> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((Backend::Postgres, url.to_owned()));
    }
    let Some(rest) = url.strip_prefix("sqlite:") else {
        bail!("unsupported database URL: use sqlite://path.db or postgres://…");
    };
    let path_part = rest.strip_prefix("//").unwrap_or(rest);
    let (path, query) = match path_part.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path_part, None),
    };
    if path.is_empty() {
        bail!("the sqlite URL has no file path: use sqlite://path.db");
    }
    if path != ":memory:" {
        if let Some(parent) = std::path::Path::new(path).parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent).with_context(|| {
                    format!("cannot create the database folder {}", parent.display())
                })?;
            }
        }
    }
    let url = match query {
        Some(q) if q.split('&').any(|kv| kv.starts_with("mode=")) => format!("sqlite://{path}?{q}"),
        Some(q) => format!("sqlite://{path}?{q}&mode=rwc"),
        None => format!("sqlite://{path}?mode=rwc"),
    };
    Ok((Backend::Sqlite, url))
}

/// Unix time in seconds.
pub fn now_unix() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// RFC 3339 text of a Unix time.
pub fn rfc3339(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// Whether an error means "the database cannot serve now" (as opposed to a bug).
pub fn is_unavailable(e: &sqlx::Error) -> bool {
    matches!(
        e,
        sqlx::Error::Io(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_)
    ) || matches!(e, sqlx::Error::Database(d) if {
        // SQLITE_BUSY / SQLITE_LOCKED, PostgreSQL connection and shutdown classes.
        let code = d.code().unwrap_or_default();
        code == "5" || code == "6" || code.starts_with("08") || code.starts_with("57P")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_get_create_mode() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sub/dir/b.db");
        let url = format!("sqlite://{}", file.display());
        let (b, u) = normalise_url(&url).unwrap();
        assert_eq!(b, Backend::Sqlite);
        assert_eq!(u, format!("sqlite://{}?mode=rwc", file.display()));
        assert!(file.parent().unwrap().is_dir());
        let (_, u) = normalise_url("sqlite::memory:").unwrap();
        assert_eq!(u, "sqlite://:memory:?mode=rwc");
        let (_, u) = normalise_url("sqlite://:memory:?mode=memory").unwrap();
        assert_eq!(u, "sqlite://:memory:?mode=memory");
        let (b, _) = normalise_url("postgres://u:p@localhost/db").unwrap();
        assert_eq!(b, Backend::Postgres);
        assert!(normalise_url("mysql://x").is_err());
        assert!(normalise_url("sqlite://").is_err());
    }
}
