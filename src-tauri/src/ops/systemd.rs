//! What the kiosk tells systemd (sd_notify(3)), so that `msa-kiosk-session.service`
//! (docs/deployment.md) knows when the kiosk is up and restarts it when it hangs.
//!
//! - `READY=1` once the wizard's page has loaded: the welcome screen is on screen. Until then
//!   the unit is `activating`.
//! - `WATCHDOG=1` every half `WatchdogSec=`, sent **from the main (GTK) loop**: a worker thread
//!   only asks the main loop to send it, so a main loop that hangs (or a process stopped with
//!   SIGSTOP) sends nothing, and systemd kills and restarts the session.
//!
//! The app is not the service's main process (the session script is; cage sits between them),
//! so the unit says `NotifyAccess=all`, and the session script removes `WATCHDOG_PID` before it
//! starts the app: the watchdog period is read from `WATCHDOG_USEC` alone. Outside systemd (no
//! `NOTIFY_SOCKET`: `cargo xtask run`, the tests) every call does nothing.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// A job handed to the main loop.
pub type MainLoopJob = Box<dyn FnOnce() + Send + 'static>;

/// Says `READY=1`, once per process: later page loads say nothing.
pub fn notify_ready() {
    static SENT: AtomicBool = AtomicBool::new(false);
    if !SENT.swap(true, Ordering::SeqCst) {
        send(&[sd_notify_state::Ready]);
        tracing::info!("welcome screen up");
    }
}

/// Says `STATUS=<text>`: `systemctl status msa-kiosk-session` shows it. Codes only, never
/// anything personal.
pub fn notify_status(text: &str) {
    send(&[sd_notify_state::Status(text)]);
}

/// How often to send `WATCHDOG=1`: half of `WATCHDOG_USEC` (sd_watchdog_enabled(3) advises
/// pinging at half the timeout), or `None` when systemd set no watchdog.
pub fn heartbeat_period() -> Option<Duration> {
    period_from(std::env::var("WATCHDOG_USEC").ok().as_deref())
}

/// Half of a `WATCHDOG_USEC` value (microseconds, decimal); `None` when absent, zero or not a
/// number.
pub fn period_from(watchdog_usec: Option<&str>) -> Option<Duration> {
    let usec: u64 = watchdog_usec?.trim().parse().ok()?;
    (usec > 0).then(|| Duration::from_micros(usec / 2))
}

/// Starts the watchdog heartbeat when systemd asked for one: every `heartbeat_period()`, a
/// worker thread gives the main loop a job that sends `WATCHDOG=1`. `run_on_main_loop` returns
/// false once the main loop is gone; the thread then ends.
pub fn start_heartbeat<F>(run_on_main_loop: F)
where
    F: Fn(MainLoopJob) -> bool + Send + 'static,
{
    let Some(period) = heartbeat_period() else {
        return;
    };
    tracing::info!(
        period_ms = period.as_millis() as u64,
        "systemd watchdog heartbeat"
    );
    heartbeat(period, run_on_main_loop, || {
        send(&[sd_notify_state::Watchdog])
    });
}

/// The heartbeat itself: `ping` runs on the main loop, once per `period`, starting at once.
pub fn heartbeat<F, P>(period: Duration, run_on_main_loop: F, ping: P)
where
    F: Fn(MainLoopJob) -> bool + Send + 'static,
    P: Fn() + Send + Sync + 'static,
{
    let ping = std::sync::Arc::new(ping);
    let spawned = std::thread::Builder::new()
        .name("watchdog-heartbeat".into())
        .spawn(move || loop {
            let ping = ping.clone();
            if !run_on_main_loop(Box::new(move || ping())) {
                return;
            }
            std::thread::sleep(period);
        });
    if let Err(error) = spawned {
        // Without a heartbeat systemd restarts the kiosk after WatchdogSec: say why.
        tracing::error!(%error, "cannot start the watchdog heartbeat");
    }
}

#[cfg(target_os = "linux")]
mod sd_notify_state {
    pub use sd_notify::NotifyState::{Ready, Status, Watchdog};
}

#[cfg(target_os = "linux")]
fn send(states: &[sd_notify::NotifyState<'_>]) {
    if let Err(error) = sd_notify::notify(states) {
        tracing::warn!(%error, "cannot notify systemd");
    }
}

/// Other systems have no systemd: nothing to say.
#[cfg(not(target_os = "linux"))]
mod sd_notify_state {
    pub struct Ready;
    pub struct Watchdog;
    pub struct Status<'a>(pub &'a str);
}

#[cfg(not(target_os = "linux"))]
fn send<T>(_states: &[T]) {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::sync::{Arc, Mutex};
    use std::time::Instant;

    #[test]
    fn the_period_is_half_the_watchdog_timeout() {
        assert_eq!(period_from(Some("20000000")), Some(Duration::from_secs(10)));
        assert_eq!(
            period_from(Some(" 3000000\n")),
            Some(Duration::from_millis(1500))
        );
        for absent in [
            None,
            Some(""),
            Some("0"),
            Some("-5"),
            Some("20s"),
            Some("infinity"),
        ] {
            assert_eq!(period_from(absent), None, "{absent:?}");
        }
    }

    /// Every ping runs on the main loop's thread, so a main loop that hangs sends none; and the
    /// heartbeat keeps going for as long as the main loop takes jobs.
    #[test]
    fn pings_are_sent_by_the_main_loop() {
        let (jobs, queue) = mpsc::channel::<MainLoopJob>();
        let main_loop = std::thread::spawn(move || {
            // A stand-in for the GTK main loop: runs jobs until three pings were sent.
            let mut ran = 0;
            while ran < 3 {
                let job = queue.recv().expect("the heartbeat keeps sending jobs");
                job();
                ran += 1;
            }
        });
        let main_thread = main_loop.thread().id();
        let pinged_from = Arc::new(Mutex::new(Vec::new()));
        let seen = pinged_from.clone();
        heartbeat(
            Duration::from_millis(10),
            move |job| jobs.send(job).is_ok(),
            move || seen.lock().unwrap().push(std::thread::current().id()),
        );
        let deadline = Instant::now() + Duration::from_secs(10);
        while !main_loop.is_finished() {
            assert!(Instant::now() < deadline, "three pings never came");
            std::thread::sleep(Duration::from_millis(5));
        }
        main_loop.join().unwrap();
        let pinged_from = pinged_from.lock().unwrap();
        assert_eq!(pinged_from.len(), 3);
        assert!(pinged_from.iter().all(|id| *id == main_thread));
    }
}
