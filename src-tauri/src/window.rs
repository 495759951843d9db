//! The kiosk's only window, locked down: the person at the kiosk can reach nothing but the wizard.
//!
//! What the webview itself blocks (context menu, reload, print, find, zoom keys) is in
//! `ui/js/lockdown.js` as well, as defence in depth; what only Rust can do is here.

use tauri::webview::NewWindowResponse;
use tauri::{App, Url, WebviewUrl, WebviewWindowBuilder, WindowEvent};

use crate::config::{Config, Mode};

pub const MAIN_WINDOW: &str = "main";

/// True for the app's own pages only (`tauri://localhost` on Linux and macOS,
/// `http(s)://tauri.localhost` on Windows). Everything else, and every new window, is refused.
pub fn is_app_url(url: &Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        _ => false,
    }
}

pub fn open_main_window(app: &mut App, config: &Config) -> tauri::Result<()> {
    let fullscreen = match config.mode {
        Mode::Kiosk => true,
        Mode::Tablet => config.tablet_fullscreen,
    };
    let kiosk = config.mode == Mode::Kiosk;

    let window = WebviewWindowBuilder::new(app, MAIN_WINDOW, WebviewUrl::App("index.html".into()))
        .title("MSA – Mon espace privé")
        .inner_size(1280.0, 800.0)
        .fullscreen(fullscreen)
        .decorations(!fullscreen)
        .always_on_top(kiosk)
        .skip_taskbar(kiosk)
        .resizable(!fullscreen)
        .maximizable(!fullscreen)
        .minimizable(!kiosk)
        .closable(!kiosk)
        // An ephemeral profile: WebKit keeps no cookies, storage, cache or form data on disk,
        // so nothing typed by one person is there for the next one.
        .incognito(true)
        .zoom_hotkeys_enabled(false)
        .disable_drag_drop_handler()
        .devtools(cfg!(debug_assertions))
        .on_navigation(|url| {
            let allowed = is_app_url(url);
            if !allowed {
                tracing::warn!(
                    scheme = url.scheme(),
                    "navigation away from the app refused"
                );
            }
            allowed
        })
        .on_new_window(|url, _features| {
            tracing::warn!(scheme = url.scheme(), "new window refused");
            NewWindowResponse::Deny
        })
        .build()?;

    if kiosk {
        // Alt+F4 and the window manager's close button must not end the kiosk.
        window.on_window_event(|event| {
            if let WindowEvent::CloseRequested { api, .. } = event {
                api.prevent_close();
                tracing::info!("window close refused in kiosk mode");
            }
        });
    }
    // Make sure the window has keyboard focus at start, so a physical keyboard works at once.
    let _ = window.set_focus();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_apps_own_pages_are_allowed() {
        for allowed in [
            "tauri://localhost/index.html",
            "http://tauri.localhost/",
            "https://tauri.localhost/x",
        ] {
            assert!(is_app_url(&Url::parse(allowed).unwrap()), "{allowed}");
        }
        for refused in [
            "https://example.org/",
            "http://localhost:8787/",
            "tauri://evil.example/",
            "file:///etc/passwd",
            "about:blank",
            "data:text/html,hi",
            "https://tauri.localhost.example.org/",
        ] {
            assert!(!is_app_url(&Url::parse(refused).unwrap()), "{refused}");
        }
    }
}
