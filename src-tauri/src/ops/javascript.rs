//! JavaScriptCore in the web process runs without its optimising compilers (issue 18): the
//! DFG JIT off, and with it the FTL JIT that builds on it; the interpreter (LLInt) and the
//! baseline JIT stay.
//!
//! Why: the optimising tiers keep the compiled code and data of every function that got hot
//! for the life of the web process, and a kiosk's web process lives for days. Measured with the
//! soak (README, figures; release, 200 enrolments each, the same build, PSS of the app's
//! process tree after a collection): after session 50 / 200, every JIT on 306.9 / 318.2 MiB,
//! the DFG off 277.8 / 298.7, every JIT off 255.9 / 272.5 — the DFG off holds ~20–30 MiB less
//! (the web process 149–164 MiB instead of 179–184). It does not change how fast the memory
//! grows (+3.7 %, +7.5 %, +6.5 % from session 50 to 200): that is not the JIT. With every
//! JIT off the steps got slower (step-latency p95 50 ms, the limit); with the DFG off only,
//! p95 38 ms (every JIT on, an earlier build: 35 ms). The wizard's page runs a few
//! milliseconds of script per screen: the optimising tiers have little to gain there.
//!
//! JavaScriptCore reads `JSC_<option>` variables at start (its `Options`); the web process
//! WebKit spawns inherits the app's environment, so the switch is set before GTK or any thread
//! starts. A value the agency's session already sets is kept, in either direction, as for the
//! rendering switches (`ops::rendering`).

/// The switch and its value (JavaScriptCore's `Options::useDFGJIT`).
pub const NO_DFG: (&str, &str) = ("JSC_useDFGJIT", "0");

/// What this start did about the switch, for the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jit {
    /// Set here: interpreter and baseline JIT only.
    BaselineOnly,
    /// The environment already had `JSC_useDFGJIT`: left as it was.
    KeptFromEnvironment,
}

/// Decides from whether the environment already holds the switch.
pub fn decide(already_set: bool) -> Jit {
    if already_set {
        Jit::KeptFromEnvironment
    } else {
        Jit::BaselineOnly
    }
}

/// Decides for this process and sets the switch in its environment. Call before anything starts
/// GTK or a thread.
pub fn apply() -> Jit {
    let (name, value) = NO_DFG;
    let jit = decide(std::env::var_os(name).is_some());
    if jit == Jit::BaselineOnly {
        // Single-threaded still: called from `run` before the Tauri builder exists.
        std::env::set_var(name, value);
    }
    jit
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn baseline_only_unless_the_environment_says_otherwise() {
        assert_eq!(decide(false), Jit::BaselineOnly);
        assert_eq!(decide(true), Jit::KeptFromEnvironment);
    }
}
