//! Waiting on an observable condition with a deadline: the tests never sleep and then assert
//! that nothing happened, and never loop without a bound.
//!
//! A probe answers `Ok(value)` when the condition holds, or `Err(what it saw)`; the last thing
//! seen is in the panic message when the deadline passes. The probe runs once more at the
//! deadline, so a wait is at most `timeout` plus one probe.

use std::fmt::Debug;
use std::future::Future;
use std::time::{Duration, Instant};

/// Probes every `every` until `probe` answers `Ok`, for at most `timeout`; on timeout, the
/// probe's last `Err`. For callers that must not panic (a `Drop`).
pub fn try_blocking<T, E>(
    timeout: Duration,
    every: Duration,
    mut probe: impl FnMut() -> Result<T, E>,
) -> Result<T, E> {
    let deadline = Instant::now() + timeout;
    let mut outcome = probe();
    while outcome.is_err() && Instant::now() < deadline {
        std::thread::sleep(every);
        outcome = probe();
    }
    outcome
}

/// [`try_blocking`], panicking with `what` and the last thing seen when the deadline passes.
pub fn blocking<T, E: Debug>(
    what: &str,
    timeout: Duration,
    every: Duration,
    probe: impl FnMut() -> Result<T, E>,
) -> T {
    try_blocking(timeout, every, probe).unwrap_or_else(|last| {
        panic!("timed out after {timeout:?} waiting for {what} (last seen: {last:?})")
    })
}

/// The async form of [`try_blocking`], for probes that talk to the app, the driver or a server.
pub async fn try_until<T, E, F, Fut>(
    timeout: Duration,
    every: Duration,
    mut probe: F,
) -> Result<T, E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let deadline = Instant::now() + timeout;
    let mut outcome = probe().await;
    while outcome.is_err() && Instant::now() < deadline {
        tokio::time::sleep(every).await;
        outcome = probe().await;
    }
    outcome
}

/// The async form of [`blocking`].
pub async fn until<T, E, F, Fut>(what: &str, timeout: Duration, every: Duration, probe: F) -> T
where
    E: Debug,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    try_until(timeout, every, probe)
        .await
        .unwrap_or_else(|last| {
            panic!("timed out after {timeout:?} waiting for {what} (last seen: {last:?})")
        })
}
