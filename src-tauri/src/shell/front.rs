//! Kiosk mode: the wizard's window stays in front, full screen and focused. A minimise, a
//! « show desktop », an un-fullscreen or a focus taken by another window is undone at once
//! (well under a second): nobody is at the kiosk to bring the window back (issue 20).
//!
//! Tablet mode never calls this: there the window lives on the person's own desktop.
//!
//! Linux: `minimizable(false)` is not supported there, and Tauri's `is_fullscreen()` answers
//! what the app asked, not what the window manager did (tao keeps the requested value), so the
//! GTK window's own signals are heard: `window-state-event` (iconified, withdrawn, fullscreen
//! left) and `focus-out-event`. Windows: the same through Tauri's window events (not compiled
//! here: no Windows toolchain on the build machine).

use tauri::WebviewWindow;

/// How long a focus loss is left alone before the window takes the focus back: a window
/// manager sends focus-out then focus-in around its own moves (a raise, a desktop switch back);
/// only a loss that lasts is undone.
#[cfg(target_os = "linux")]
const FOCUS_GRACE: std::time::Duration = std::time::Duration::from_millis(150);

/// Starts keeping `window` in front; call once, on the main thread, after it is built.
pub fn keep_in_front(window: &WebviewWindow) {
    #[cfg(target_os = "linux")]
    if let Err(error) = linux::watch(window) {
        tracing::error!(%error, "cannot keep the window in front: a minimise will not be undone");
    }
    #[cfg(windows)]
    win::watch(window);
    #[cfg(not(any(target_os = "linux", windows)))]
    let _ = window;
}

#[cfg(target_os = "linux")]
mod linux {
    use gtk::gdk::WindowState;
    use gtk::glib;
    use gtk::prelude::*;
    use tauri::WebviewWindow;

    use super::FOCUS_GRACE;

    pub(super) fn watch(window: &WebviewWindow) -> tauri::Result<()> {
        let gtk_window = window.gtk_window()?;
        gtk_window.connect_window_state_event(|window, event| {
            let state = event.new_window_state();
            let changed = event.changed_mask();
            // Withdrawn while the app still shows it: unmapped by the window manager (openbox's
            // « show desktop »), not hidden or destroyed by the app itself.
            let hidden = state.contains(WindowState::ICONIFIED)
                || (state.contains(WindowState::WITHDRAWN) && window.is_visible());
            let left_fullscreen = changed.contains(WindowState::FULLSCREEN)
                && !state.contains(WindowState::FULLSCREEN);
            if hidden || left_fullscreen {
                tracing::warn!(
                    iconified = state.contains(WindowState::ICONIFIED),
                    withdrawn = state.contains(WindowState::WITHDRAWN),
                    left_fullscreen,
                    "the window left the front; bringing it back"
                );
                // Not from inside the signal: GTK is still applying the new state.
                let window = window.clone();
                glib::idle_add_local_once(move || restore(&window));
            }
            glib::Propagation::Proceed
        });
        gtk_window.connect_focus_out_event(|window, _| {
            let window = window.clone();
            glib::timeout_add_local_once(FOCUS_GRACE, move || {
                if window.is_visible() && !window.is_active() && !own_window_has_focus() {
                    tracing::warn!("another window took the focus; taking it back");
                    restore(&window);
                }
            });
            glib::Propagation::Proceed
        });
        Ok(())
    }

    /// Back on screen, full screen, raised and focused. `present` carries the time of the last
    /// input the window saw (GTK on X11), which window managers accept as a user's request.
    fn restore(window: &gtk::ApplicationWindow) {
        if !window.is_visible() {
            return; // hidden or destroyed by the app itself (it is ending)
        }
        window.deiconify();
        window.fullscreen();
        window.present();
    }

    /// True while another window of the app itself (a popup of the webview) has the focus.
    fn own_window_has_focus() -> bool {
        gtk::Window::list_toplevels()
            .into_iter()
            .filter_map(|widget| widget.downcast::<gtk::Window>().ok())
            .any(|window| window.has_toplevel_focus())
    }
}

#[cfg(windows)]
mod win {
    use tauri::{WebviewWindow, WindowEvent};

    /// Windows reports a minimise as a resize (to 0×0) and `is_minimized` asks the system
    /// (`IsIconic`), so Tauri's own events and calls are enough there.
    pub(super) fn watch(window: &WebviewWindow) {
        let keep = window.clone();
        window.on_window_event(move |event| {
            if matches!(event, WindowEvent::Focused(false) | WindowEvent::Resized(_)) {
                if keep.is_minimized().unwrap_or(false) {
                    let _ = keep.unminimize();
                }
                if !keep.is_focused().unwrap_or(true) {
                    tracing::warn!("the window left the front; bringing it back");
                    let _ = keep.set_fullscreen(true);
                    let _ = keep.set_focus();
                }
            }
        });
    }
}
