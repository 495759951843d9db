//! Start-up phases, timed from the start of `run` and written to the log (issue 18: where the
//! time goes before a person can touch « S'inscrire »). Each phase is logged once, as
//! `start-up phase=… ms=…`; the footprint benchmark reads them back from the log.

use std::sync::{Mutex, OnceLock};
use std::time::Instant;

static BEGIN: OnceLock<Instant> = OnceLock::new();
static SEEN: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());

/// The clock's zero: called first thing in `run` (later calls change nothing).
pub fn begin() {
    BEGIN.get_or_init(Instant::now);
}

/// Milliseconds since [`begin`] (0 if it was never called).
pub fn elapsed_ms() -> f64 {
    BEGIN
        .get()
        .map_or(0.0, |at| at.elapsed().as_secs_f64() * 1000.0)
}

/// Logs `phase` with [`elapsed_ms`], the first time only: `page` is marked by every page load's
/// first command, and only the first load is the start-up.
pub fn mark(phase: &'static str) {
    let mut seen = SEEN.lock().unwrap_or_else(|p| p.into_inner());
    if seen.contains(&phase) {
        return;
    }
    seen.push(phase);
    tracing::info!(phase, ms = format_args!("{:.1}", elapsed_ms()), "start-up");
}

/// Runs `work` on a thread of its own named `name`, at the lowest priority the OS gives a
/// thread (nice 19 on Linux, `THREAD_PRIORITY_LOWEST` on Windows: `thread_priority`'s `Min`), so
/// that work wanted soon but not now (the phone numbering plans) takes only the CPU that the
/// window, the page and WebKit leave: on a 2-core kiosk it otherwise delays the welcome screen
/// (issue 18). Not a real-time or idle-class policy: the thread still runs when the CPU is
/// busy, only with the smallest share, so that whoever waits for its result is not starved.
/// A refusal by the OS to lower the priority is logged and the work runs anyway.
pub fn spawn_in_background(name: &str, work: impl FnOnce() + Send + 'static) {
    let spawned = std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            if let Err(error) =
                thread_priority::set_current_thread_priority(thread_priority::ThreadPriority::Min)
            {
                tracing::warn!(%error, "background work at normal priority");
            }
            work();
        });
    if let Err(error) = spawned {
        tracing::warn!(%error, "no thread for background work");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn background_work_runs_at_the_lowest_priority() {
        let (tx, rx) = std::sync::mpsc::channel();
        spawn_in_background("test-background", move || {
            // proc(5): field 19 of /proc/thread-self/stat is the thread's nice value; the
            // comm field before it may hold spaces, so fields are counted after its `)`.
            let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
            let after_comm = &stat[stat.rfind(')').unwrap() + 2..];
            let nice: i32 = after_comm.split(' ').nth(16).unwrap().parse().unwrap();
            tx.send(nice).unwrap();
        });
        let nice = rx
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("the work ran");
        assert_eq!(nice, 19);
    }

    #[test]
    fn a_phase_is_logged_once_and_time_moves_forward() {
        begin();
        let first = elapsed_ms();
        mark("test-phase");
        mark("test-phase");
        assert_eq!(
            SEEN.lock()
                .unwrap()
                .iter()
                .filter(|p| **p == "test-phase")
                .count(),
            1
        );
        assert!(elapsed_ms() >= first);
    }
}
