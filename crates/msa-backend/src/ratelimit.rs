//! Per-kiosk request rate limit: one token bucket per kiosk in the database
//! (`kiosk_buckets`), taken by one atomic upsert, so that every backend process on the same
//! database shares it (two instances behind a load balancer give a kiosk the configured rate,
//! not twice it).

use crate::config::KioskRate;
use crate::db::{Backend, Db};
use sqlx::Row;
use std::time::Duration;

/// The bucket rules of `--kiosk-rate`.
#[derive(Debug)]
pub struct RateLimiter {
    rate: KioskRate,
}

/// Take a token if the refilled bucket holds one. PostgreSQL locks the kiosk's row for the
/// statement (a concurrent upsert from another process waits and then sees this one's
/// result), SQLite runs one writer at a time: either way no two requests spend the same
/// token. A refused request changes nothing. `$2` burst, `$3` now (ms), `$4` tokens per ms.
const TAKE_POSTGRES: &str = "INSERT INTO kiosk_buckets (kiosk_id, tokens, updated_ms) \
     VALUES ($1, $2 - 1, $3) ON CONFLICT (kiosk_id) DO UPDATE SET \
     tokens = LEAST($2, kiosk_buckets.tokens + GREATEST(0, $3 - kiosk_buckets.updated_ms) * $4) - 1, \
     updated_ms = GREATEST(kiosk_buckets.updated_ms, $3) \
     WHERE LEAST($2, kiosk_buckets.tokens + GREATEST(0, $3 - kiosk_buckets.updated_ms) * $4) >= 1";
/// The same in SQLite's words (`MIN`/`MAX` of several arguments are its `LEAST`/`GREATEST`).
const TAKE_SQLITE: &str = "INSERT INTO kiosk_buckets (kiosk_id, tokens, updated_ms) \
     VALUES ($1, $2 - 1, $3) ON CONFLICT (kiosk_id) DO UPDATE SET \
     tokens = MIN($2, kiosk_buckets.tokens + MAX(0, $3 - kiosk_buckets.updated_ms) * $4) - 1, \
     updated_ms = MAX(kiosk_buckets.updated_ms, $3) \
     WHERE MIN($2, kiosk_buckets.tokens + MAX(0, $3 - kiosk_buckets.updated_ms) * $4) >= 1";

impl RateLimiter {
    pub fn new(rate: KioskRate) -> Self {
        RateLimiter { rate }
    }

    /// Take one request for `kiosk`: `Ok(Ok(()))`, or `Ok(Err(wait))` with how long until a
    /// token is back (for `Retry-After`). `Err` when the database cannot answer.
    pub async fn check(&self, db: &Db, kiosk: &str) -> Result<Result<(), Duration>, sqlx::Error> {
        self.check_at(db, kiosk, now_ms()).await
    }

    async fn check_at(
        &self,
        db: &Db,
        kiosk: &str,
        now_ms: i64,
    ) -> Result<Result<(), Duration>, sqlx::Error> {
        let burst = f64::from(self.rate.burst);
        let per_ms = f64::from(self.rate.per_minute) / 60_000.0;
        let take = match db.backend() {
            Backend::Postgres => TAKE_POSTGRES,
            Backend::Sqlite => TAKE_SQLITE,
        };
        let taken = sqlx::query(take)
            .bind(kiosk)
            .bind(burst)
            .bind(now_ms)
            .bind(per_ms)
            .execute(db.limits_pool())
            .await?
            .rows_affected();
        if taken == 1 {
            return Ok(Ok(()));
        }
        // Refused: how long until one token is back. Read after the fact, so only an
        // estimate under concurrency; it only sets `Retry-After`.
        let row = sqlx::query("SELECT tokens, updated_ms FROM kiosk_buckets WHERE kiosk_id = $1")
            .bind(kiosk)
            .fetch_optional(db.limits_pool())
            .await?;
        let tokens_now = match row {
            Some(row) => {
                let tokens: f64 = row.try_get("tokens")?;
                let updated: i64 = row.try_get("updated_ms")?;
                (tokens + (now_ms - updated).max(0) as f64 * per_ms).min(burst)
            }
            None => 0.0,
        };
        let wait_ms = ((1.0 - tokens_now).max(0.0) / per_ms).ceil();
        Ok(Err(Duration::from_millis(wait_ms as u64)))
    }
}

/// Unix time in milliseconds.
fn now_ms() -> i64 {
    let now = time::OffsetDateTime::now_utc();
    i64::try_from(now.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn burst_then_refill_in_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&format!("sqlite://{}/b.db", dir.path().display()))
            .await
            .unwrap();
        let rl = RateLimiter::new(KioskRate {
            per_minute: 60,
            burst: 2,
        });
        let t0 = 1_000_000;
        assert!(rl.check_at(&db, "k", t0).await.unwrap().is_ok());
        assert!(rl.check_at(&db, "k", t0).await.unwrap().is_ok());
        let wait = rl.check_at(&db, "k", t0).await.unwrap().unwrap_err();
        assert!(
            wait.abs_diff(Duration::from_secs(1)) <= Duration::from_millis(1),
            "{wait:?}"
        );
        assert!(
            rl.check_at(&db, "other", t0).await.unwrap().is_ok(),
            "buckets are per kiosk"
        );
        // Half a token back after 500 ms: still refused, half a second to wait.
        let wait = rl.check_at(&db, "k", t0 + 500).await.unwrap().unwrap_err();
        assert!(
            wait.abs_diff(Duration::from_millis(500)) <= Duration::from_millis(1),
            "{wait:?}"
        );
        assert!(rl.check_at(&db, "k", t0 + 1100).await.unwrap().is_ok());
        // A clock that goes back (another instance a little behind) refills nothing.
        assert!(rl.check_at(&db, "k", t0).await.unwrap().is_err());
        // A second limiter on the same database (another process) shares the bucket.
        let other_process = RateLimiter::new(KioskRate {
            per_minute: 60,
            burst: 2,
        });
        assert!(other_process
            .check_at(&db, "k", t0 + 1200)
            .await
            .unwrap()
            .is_err());
        db.close().await;
    }
}
