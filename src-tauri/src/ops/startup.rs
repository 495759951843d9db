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

#[cfg(test)]
mod tests {
    use super::*;

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
