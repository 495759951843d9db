//! The database: SQLite (default, a file created and migrated at start, WAL, every
//! acknowledged write synced: `synchronous = FULL`) or PostgreSQL, through the same code (`sqlx::Any`, runtime-checked
//! queries, `$n` binds, which both dialects accept). Migrations are embedded, one folder per
//! dialect. Everything several backend processes must agree on (idempotency, the per-NIR
//! throttle, the per-kiosk rate limit) lives in the database, never in a process.

use anyhow::{bail, Context};
use futures_util::future::BoxFuture;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::Migrator;
use sqlx::{AnyConnection, AnyPool, Row};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

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
    /// SQLite only: the group-commit writer of [`Db::transact`].
    writer: Option<mpsc::Sender<Job>>,
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
            writer: None,
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
        if backend == Backend::Sqlite {
            let (sender, jobs) = mpsc::channel(GROUP_MAX * 4);
            tokio::spawn(group_commit(db.pool.clone(), jobs));
            db.writer = Some(sender);
        }
        Ok(db)
    }

    /// Run `work` in one transaction and commit it: `Ok` only once the commit is done (on
    /// SQLite, synced to disk). An error from `work` rolls all of its writes back.
    ///
    /// PostgreSQL: one transaction per call, concurrent calls in parallel. SQLite: one
    /// writer at a time and one fsync per commit (`synchronous = FULL`) would cap the
    /// enrolments at one per fsync, so the calls that wait together are run one after the
    /// other in **one** transaction, each inside its own savepoint (a failing one is rolled
    /// back alone), and committed together: one fsync for the group. Each call still sees
    /// the writes of the calls before it, as with separate transactions.
    pub async fn transact<T, F>(&self, work: F) -> Result<T, sqlx::Error>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Result<T, sqlx::Error>>
            + Send
            + 'static,
    {
        let Some(writer) = &self.writer else {
            let mut tx = self.pool.begin().await?;
            let value = work(&mut tx).await?;
            tx.commit().await?;
            return Ok(value);
        };
        let (done, result) = oneshot::channel::<Result<T, sqlx::Error>>();
        let job = job(move |conn| {
            Box::pin(async move {
                let outcome = work(conn).await;
                let ok = outcome.is_ok();
                let deliver: Deliver = Box::new(move |commit: Result<(), String>| {
                    let _ = done.send(match (outcome, commit) {
                        (Err(e), _) => Err(e),
                        (Ok(_), Err(why)) => Err(sqlx::Error::Protocol(why)),
                        (Ok(value), Ok(())) => Ok(value),
                    });
                });
                (ok, deliver)
            })
        });
        writer
            .send(job)
            .await
            .map_err(|_| sqlx::Error::PoolClosed)?;
        // A group that could not even begin drops its jobs: the answer is "retry later".
        result.await.map_err(|_| sqlx::Error::PoolClosed)?
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

/// At most this many calls share one SQLite commit.
const GROUP_MAX: usize = 64;

/// Hands a job's result over once its group's commit is known (`Err`: why it failed).
type Deliver = Box<dyn FnOnce(Result<(), String>) + Send>;
/// One [`Db::transact`] call for the group-commit writer: runs its work on the group's
/// connection and says whether it succeeded.
type Job = Box<dyn for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, (bool, Deliver)> + Send>;

/// Pins the closure to the higher-ranked signature of [`Job`].
fn job<F>(f: F) -> Job
where
    F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, (bool, Deliver)> + Send + 'static,
{
    Box::new(f)
}

/// SQLite's writer: takes the jobs waiting together (up to [`GROUP_MAX`]), runs each in a
/// savepoint of one transaction, commits once, then answers them all.
async fn group_commit(pool: AnyPool, mut jobs: mpsc::Receiver<Job>) {
    while let Some(first) = jobs.recv().await {
        let mut group = vec![first];
        while group.len() < GROUP_MAX {
            match jobs.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let mut delivers: Vec<Deliver> = Vec::with_capacity(group.len());
        let outcome: Result<(), sqlx::Error> = async {
            let mut tx = pool.begin().await?;
            for job in group.drain(..) {
                sqlx::query("SAVEPOINT job").execute(&mut *tx).await?;
                let (ok, deliver) = job(&mut tx).await;
                delivers.push(deliver);
                if !ok {
                    sqlx::query("ROLLBACK TO SAVEPOINT job")
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query("RELEASE SAVEPOINT job")
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await
        }
        .await;
        let commit = outcome.map_err(|e| format!("group commit: {e}"));
        if let Err(why) = &commit {
            tracing::warn!(error = %why, jobs = delivers.len(), "group commit failed");
        }
        // Jobs of the group never run are dropped here: their callers get "retry later".
        drop(group);
        for deliver in delivers {
            deliver(commit.clone());
        }
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

    /// SQLite's group commit: calls that wait together share a commit, a failing one is
    /// rolled back alone, the others are kept.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn group_commit_rolls_back_only_the_failing_call() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&format!("sqlite://{}/g.db", dir.path().display()))
            .await
            .unwrap();
        let mut calls = Vec::new();
        for i in 0..40 {
            let db = db.clone();
            calls.push(tokio::spawn(async move {
                db.transact(move |tx| {
                    Box::pin(async move {
                        sqlx::query(
                            "INSERT INTO kiosks (id, token_sha256, created_at) VALUES ($1, $2, 0)",
                        )
                        .bind(format!("k{i}"))
                        .bind(format!("h{i}"))
                        .execute(&mut *tx)
                        .await?;
                        if i % 10 == 3 {
                            // Written, then failed: must leave nothing behind.
                            return Err(sqlx::Error::Protocol("refused".into()));
                        }
                        Ok(i)
                    })
                })
                .await
            }));
        }
        let mut ok = 0;
        for call in calls {
            match call.await.unwrap() {
                Ok(_) => ok += 1,
                Err(sqlx::Error::Protocol(why)) => assert_eq!(why, "refused"),
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!(ok, 36);
        let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM kiosks")
            .fetch_one(db.pool())
            .await
            .unwrap()
            .try_get("n")
            .unwrap();
        assert_eq!(n, 36);
        let failed: i64 = sqlx::query("SELECT COUNT(*) AS n FROM kiosks WHERE id IN ('k3', 'k13')")
            .fetch_one(db.pool())
            .await
            .unwrap()
            .try_get("n")
            .unwrap();
        assert_eq!(failed, 0);
        // A closed database: "retry later", not a hang.
        db.close().await;
        let closed = db
            .transact(|_tx| Box::pin(async { Ok(()) }))
            .await
            .unwrap_err();
        assert!(is_unavailable(&closed), "{closed}");
    }

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
