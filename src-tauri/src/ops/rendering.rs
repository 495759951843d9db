//! How the webview draws: with the GPU, or without OpenGL at all in the web process.
//!
//! Small kiosk PCs often have no GPU. WebKitGTK's threaded compositor then runs on Mesa's
//! software OpenGL (`swrast_dri.so`), where its web process was seen to segfault (issue 20).
//! Without a usable GPU the kiosk therefore turns WebKit's accelerated compositing off before
//! GTK starts, through WebKitGTK's documented environment switches (2.46–2.50):
//!
//! | variable | effect |
//! |---|---|
//! | `WEBKIT_DISABLE_COMPOSITING_MODE=1` | no accelerated compositing: no threaded GL compositor, pages painted by the CPU |
//! | `WEBKIT_DISABLE_DMABUF_RENDERER=1` | no DMA-BUF buffer sharing with the UI process (needs a GBM device, which a GPU-less machine lacks) |
//! | `WEBKIT_SKIA_ENABLE_CPU_RENDERING=1` | Skia paints with the CPU instead of a GL context (2.46 and later) |
//!
//! `[display] rendering` in the agency's file decides: `auto` (the default) probes for a GPU,
//! `gpu` keeps WebKit's defaults, `software` always sets the switches. A variable the agency's
//! session already sets is never overridden, in either direction.

use std::path::Path;

use crate::config::Rendering;

/// The switches set for software rendering, with the value each gets.
pub const SOFTWARE_SWITCHES: &[(&str, &str)] = &[
    ("WEBKIT_DISABLE_COMPOSITING_MODE", "1"),
    ("WEBKIT_DISABLE_DMABUF_RENDERER", "1"),
    ("WEBKIT_SKIA_ENABLE_CPU_RENDERING", "1"),
];

/// What the probe found, for the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    /// A DRM render node (`/dev/dri/renderD*`) this user can open for reading and writing.
    RenderNode,
    /// No render node, or none this user may open (not in the `render` group).
    NoRenderNode,
    /// `LIBGL_ALWAYS_SOFTWARE` is set: Mesa would use its software rasteriser anyway.
    MesaForcedSoftware,
}

/// The decision, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub software: bool,
    /// `None` when the configuration decided without probing.
    pub probe: Option<Probe>,
    /// The switches this start set (never one the environment already had).
    pub set: Vec<&'static str>,
    /// The switches the environment already had, left as they were.
    pub kept: Vec<&'static str>,
}

/// Looks for a usable GPU: cheap (a directory listing and one `open`), no GL context created.
/// `dri` is `/dev/dri` on a real kiosk; `libgl_always_software` the variable's value.
pub fn probe(dri: &Path, libgl_always_software: Option<&str>) -> Probe {
    if libgl_always_software.is_some_and(|v| !v.is_empty() && v != "0") {
        return Probe::MesaForcedSoftware;
    }
    let Ok(entries) = std::fs::read_dir(dri) else {
        return Probe::NoRenderNode;
    };
    let usable = entries.filter_map(Result::ok).any(|entry| {
        entry.file_name().to_string_lossy().starts_with("renderD")
            && std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open(entry.path())
                .is_ok()
    });
    if usable {
        Probe::RenderNode
    } else {
        Probe::NoRenderNode
    }
}

/// Decides, given the configured mode, the probe (called only for `auto`) and what the
/// environment already holds (`is_set`).
pub fn decide(
    mode: Rendering,
    probe: impl FnOnce() -> Probe,
    is_set: impl Fn(&str) -> bool,
) -> Decision {
    let (software, probe) = match mode {
        Rendering::Gpu => (false, None),
        Rendering::Software => (true, None),
        Rendering::Auto => {
            let found = probe();
            (found != Probe::RenderNode, Some(found))
        }
    };
    let (mut set, mut kept) = (Vec::new(), Vec::new());
    for (name, _) in SOFTWARE_SWITCHES {
        if is_set(name) {
            kept.push(*name);
        } else if software {
            set.push(*name);
        }
    }
    Decision {
        software,
        probe,
        set,
        kept,
    }
}

/// Decides for this machine and sets the switches in the process's environment. Call before
/// anything starts GTK or a thread (the environment is read by the web process WebKit spawns,
/// which inherits it).
pub fn apply(mode: Rendering) -> Decision {
    let decision = decide(
        mode,
        || {
            probe(
                Path::new("/dev/dri"),
                std::env::var("LIBGL_ALWAYS_SOFTWARE").ok().as_deref(),
            )
        },
        |name| std::env::var_os(name).is_some(),
    );
    for name in &decision.set {
        let value = SOFTWARE_SWITCHES
            .iter()
            .find(|(n, _)| n == name)
            .map_or("1", |(_, v)| v);
        // Single-threaded still: called from `run` before the Tauri builder exists.
        std::env::set_var(name, value);
    }
    decision
}

/// Logs the decision (no personal data here: a mode, a probe result, variable names).
pub fn log(mode: Rendering, decision: &Decision) {
    tracing::info!(
        configured = mode.as_str(),
        rendering = if decision.software { "software" } else { "gpu" },
        probe = ?decision.probe,
        set = ?decision.set,
        kept_from_environment = ?decision.kept,
        "webview rendering decided"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nothing_set(_: &str) -> bool {
        false
    }

    #[test]
    fn auto_without_a_render_node_is_software_and_sets_every_switch() {
        let decision = decide(Rendering::Auto, || Probe::NoRenderNode, nothing_set);
        assert!(decision.software);
        assert_eq!(decision.probe, Some(Probe::NoRenderNode));
        assert_eq!(decision.set.len(), SOFTWARE_SWITCHES.len());
    }

    #[test]
    fn auto_with_a_render_node_keeps_webkits_defaults() {
        let decision = decide(Rendering::Auto, || Probe::RenderNode, nothing_set);
        assert!(!decision.software);
        assert!(decision.set.is_empty());
    }

    #[test]
    fn the_configuration_wins_without_probing() {
        let never = || -> Probe { panic!("probed although the configuration decided") };
        assert!(!decide(Rendering::Gpu, never, nothing_set).software);
        let decision = decide(Rendering::Software, never, nothing_set);
        assert!(decision.software);
        assert_eq!(decision.probe, None);
    }

    #[test]
    fn a_variable_the_agency_set_is_never_overridden() {
        let set_by_agency = |name: &str| name == "WEBKIT_DISABLE_DMABUF_RENDERER";
        let decision = decide(Rendering::Software, || Probe::NoRenderNode, set_by_agency);
        assert!(!decision.set.contains(&"WEBKIT_DISABLE_DMABUF_RENDERER"));
        assert_eq!(decision.kept, vec!["WEBKIT_DISABLE_DMABUF_RENDERER"]);
        assert_eq!(decision.set.len(), SOFTWARE_SWITCHES.len() - 1);
    }

    #[test]
    fn the_probe_reads_the_render_nodes_and_mesas_switch() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(probe(&dir.path().join("absent"), None), Probe::NoRenderNode);
        assert_eq!(probe(dir.path(), None), Probe::NoRenderNode);
        // A card node alone (simpledrm, a display without 3D) is not a render node.
        std::fs::write(dir.path().join("card0"), b"").unwrap();
        assert_eq!(probe(dir.path(), None), Probe::NoRenderNode);
        std::fs::write(dir.path().join("renderD128"), b"").unwrap();
        assert_eq!(probe(dir.path(), None), Probe::RenderNode);
        assert_eq!(probe(dir.path(), Some("1")), Probe::MesaForcedSoftware);
        assert_eq!(probe(dir.path(), Some("0")), Probe::RenderNode);
    }
}
