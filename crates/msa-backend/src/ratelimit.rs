//! Per-kiosk request rate limit (token bucket, in memory).

use crate::config::KioskRate;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

/// One bucket per kiosk id.
#[derive(Debug)]
pub struct RateLimiter {
    rate: KioskRate,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl RateLimiter {
    pub fn new(rate: KioskRate) -> Self {
        RateLimiter {
            rate,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Take one request for `kiosk`, or say how long to wait.
    pub fn check(&self, kiosk: &str) -> Result<(), Duration> {
        self.check_at(kiosk, Instant::now())
    }

    fn check_at(&self, kiosk: &str, now: Instant) -> Result<(), Duration> {
        let per_sec = f64::from(self.rate.per_minute) / 60.0;
        let burst = f64::from(self.rate.burst);
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let bucket = buckets.entry(kiosk.to_owned()).or_insert(Bucket {
            tokens: burst,
            last: now,
        });
        let elapsed = now.saturating_duration_since(bucket.last).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_sec).min(burst);
        bucket.last = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / per_sec))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_refill() {
        let rl = RateLimiter::new(KioskRate {
            per_minute: 60,
            burst: 2,
        });
        let t0 = Instant::now();
        assert!(rl.check_at("k", t0).is_ok());
        assert!(rl.check_at("k", t0).is_ok());
        let wait = rl.check_at("k", t0).unwrap_err();
        assert!(wait <= Duration::from_secs(1) && wait > Duration::ZERO);
        assert!(rl.check_at("other", t0).is_ok(), "buckets are per kiosk");
        assert!(rl.check_at("k", t0 + Duration::from_millis(1100)).is_ok());
    }
}
