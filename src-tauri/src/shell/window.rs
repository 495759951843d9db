//! The kiosk's only window, locked down: the person at the kiosk can reach nothing but the wizard.
//!
//! What the webview itself blocks (context menu, reload, print, find, zoom keys) is in
//! `ui/js/lockdown.js` as well, as defence in depth; what only Rust can do is here.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tauri::webview::NewWindowResponse;
use tauri::{App, Manager, Runtime, Url, WebviewUrl, WebviewWindowBuilder, WindowEvent};

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

/// What the page needs to draw its first screen, handed to it before its first script runs
/// instead of asked for by IPC (issue 18: at start-up each round trip to the busy main loop cost
/// tens of ms before the welcome screen): `window.__MSA_BOOT__ = {kiosk, availability}`, the
/// answers `kiosk_info` and `kiosk_availability` would give (docs/contracts.md §2). `kiosk` holds
/// the configuration only and does not change while the app runs; `availability` is the one of
/// the window's creation, which the page checks again by IPC once it listens to its changes.
/// No personal data: a kiosk's settings and an availability's reason.
#[derive(serde::Serialize)]
pub struct BootSnapshot {
    pub kiosk: super::ipc::KioskInfo,
    pub availability: crate::ops::availability::Availability,
}

impl BootSnapshot {
    /// The initialisation script: one assignment of a frozen object. JSON is a JavaScript
    /// expression (ECMAScript 2019 took in U+2028 and U+2029), so nothing needs escaping.
    fn script(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_else(|_| "null".into());
        format!("window.__MSA_BOOT__ = Object.freeze({json});")
    }
}

/// How long the window may stay hidden waiting for its page's load to start ([`reveal`]): past
/// it the window shows whatever the webview has, so that a web process slow to start never
/// leaves the screen empty.
pub const REVEAL_DEADLINE: Duration = Duration::from_secs(3);

static REVEALED: AtomicBool = AtomicBool::new(false);

/// Shows the main window and gives it the keyboard, once; `why` is logged (`"page load
/// started"` or `"deadline"`), with the start-up phase `shown`.
///
/// Why the window is built hidden (issue 18): without accelerated compositing
/// (`ops::rendering`'s software switches, what a GPU-less kiosk runs), a window drawn while its
/// web process is still starting froze the app's main loop for ~490 ms in about one start of
/// three: the UI process's draw of the webview waited (a timed wait inside WebKit, from GTK's
/// draw) while the web process's main thread waited on the UI process (both stacks sampled with
/// gdb mid-stall, WebKitGTK 2.50.6); the page's navigation began only after. No window drawn
/// before the page's load has started: no stall (0 in 42 starts, against 13 in 40 before).
pub fn reveal<R: Runtime>(app: &tauri::AppHandle<R>, why: &'static str) {
    let Some(window) = app.get_webview_window(MAIN_WINDOW) else {
        return;
    };
    if REVEALED.swap(true, Ordering::SeqCst) {
        return;
    }
    let shown = window.clone();
    let queued = window.run_on_main_thread(move || {
        show_and_focus(&shown);
        crate::ops::startup::mark("shown");
        tracing::info!(why, "window shown");
    });
    if let Err(error) = queued {
        tracing::error!(%error, "could not show the window");
    }
}

/// Visible, then the keyboard (so that a physical keyboard works from the first screen); on the
/// main thread. Through GTK on Linux: Tauri's `show` is queued to the main loop while its
/// `set_focus` does nothing on a window not yet visible, so the two in a row left the window
/// without the focus (under openbox: no active window).
fn show_and_focus<R: Runtime>(window: &tauri::WebviewWindow<R>) {
    #[cfg(target_os = "linux")]
    if let Ok(gtk_window) = window.gtk_window() {
        use gtk::prelude::{GtkWindowExt, WidgetExt};
        gtk_window.show_all();
        gtk_window.present();
        return;
    }
    if let Err(error) = window.show() {
        tracing::error!(%error, "could not show the window");
    }
    let _ = window.set_focus();
}

/// Whether [`reveal`] has shown the window.
pub fn is_revealed() -> bool {
    REVEALED.load(Ordering::SeqCst)
}

/// Shows the window after `deadline` ([`REVEAL_DEADLINE`] for the kiosk) if its page's load
/// has not started by then.
pub fn reveal_by<R: Runtime>(app: &tauri::AppHandle<R>, deadline: Duration) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(deadline).await;
        if !is_revealed() {
            tracing::warn!(
                deadline_ms = deadline.as_millis() as u64,
                "the page's load had not started: showing the window anyway"
            );
            reveal(&app, "deadline");
        }
    });
}

/// `webview_data` is the webview's own folder (storage, cache): emptied at every start and
/// cleared at the end of every session, so nothing typed by one person is there for the next.
/// `boot` is given to the page before its scripts run ([`BootSnapshot`]). The window is built
/// hidden: [`reveal`] shows it.
pub fn open_main_window(
    app: &mut App,
    config: &Config,
    webview_data: &Path,
    boot: &BootSnapshot,
) -> tauri::Result<()> {
    // Whatever a previous run (or a crash) left in the webview's storage goes first.
    let _ = std::fs::remove_dir_all(webview_data);
    let fullscreen = match config.mode {
        Mode::Kiosk => true,
        Mode::Tablet => config.tablet_fullscreen,
    };
    let kiosk = config.mode == Mode::Kiosk;

    let window = WebviewWindowBuilder::new(app, MAIN_WINDOW, WebviewUrl::App("index.html".into()))
        .title("MSA – Mon espace privé")
        // Shown by `reveal` once the page's load has started (see there why).
        .visible(false)
        .inner_size(1280.0, 800.0)
        .fullscreen(fullscreen)
        .decorations(!fullscreen)
        .always_on_top(kiosk)
        .skip_taskbar(kiosk)
        // Resizable in full screen on Wayland only: there GTK keeps a non-resizable window at
        // its default size whatever the output, so under cage on a 1366×768 screen the wizard's
        // bottom was cut off (tests/deploy.rs). On X11 any client may resize a resizable window
        // (WebDriver's set_window_size took it out of full screen: tests/e2e/wizard.rs).
        .resizable(!fullscreen || std::env::var_os("WAYLAND_DISPLAY").is_some())
        .maximizable(!fullscreen)
        .minimizable(!kiosk)
        .closable(!kiosk)
        // Not `incognito`: WebKitGTK refuses automation (WebDriver) on an ephemeral context, and
        // the product must be tested as it ships. The folder is ours to wipe instead.
        .data_directory(webview_data.to_path_buf())
        // The main frame only (Tauri's default): the page never has frames.
        .initialization_script(boot.script())
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
        // The window's name is the page's title (« Erreur : » included): what a screen reader
        // announces for the window (WCAG 2.4.2), and what a test can read when WebDriver lost
        // the page (a web process crash ends its session). Titles hold no answer.
        .on_document_title_changed(|window, title| {
            let _ = window.set_title(&title);
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
        // Nor may a minimise, « show desktop » or another window take the kiosk's place.
        super::front::keep_in_front(&window);
    }
    watch_web_process(&window);
    lighten(&window);
    reveal_by(window.app_handle(), REVEAL_DEADLINE);
    Ok(())
}

/// WebKit settings a one-page kiosk does not need and that cost memory (issue 18): the
/// `DocumentViewer` cache model (no memory cache sized for browsing many pages, no back/forward
/// page cache: the wizard is one page that never navigates).
fn lighten(window: &tauri::WebviewWindow) {
    #[cfg(target_os = "linux")]
    {
        let lightened = window.with_webview(|platform| {
            use webkit2gtk::{CacheModel, SettingsExt, WebContextExt, WebViewExt};
            let webview = platform.inner();
            if let Some(context) = webview.context() {
                context.set_cache_model(CacheModel::DocumentViewer);
            }
            if let Some(settings) = WebViewExt::settings(&webview) {
                settings.set_enable_page_cache(false);
            }
        });
        if let Err(error) = lightened {
            tracing::warn!(%error, "cannot set the webview's cache model");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}

/// Hears the web process die and hands the recovery to `heal::web_process_died`.
///
/// Linux: WebKitGTK's `web-process-terminated` signal (since 2.20), on the GTK main thread;
/// the recovery (keyring calls, timers) runs on the async runtime, not there.
///
/// Windows: WebView2's `ProcessFailed` event (webview2-com, through the controller Tauri hands
/// out). Written but not compiled here (no Windows toolchain on the build machine).
fn watch_web_process(window: &tauri::WebviewWindow) {
    #[cfg(target_os = "linux")]
    {
        let app = window.app_handle().clone();
        let hooked = window.with_webview(move |platform| {
            use webkit2gtk::{WebProcessTerminationReason as Why, WebViewExt};
            platform
                .inner()
                .connect_web_process_terminated(move |_, why| {
                    let reason = match why {
                        Why::Crashed => "crashed",
                        Why::ExceededMemoryLimit => "exceeded its memory limit",
                        Why::TerminatedByApi => "terminated by the app",
                        _ => "unknown",
                    };
                    tauri::async_runtime::spawn(super::heal::web_process_died(app.clone(), reason));
                });
        });
        if let Err(error) = hooked {
            tracing::error!(%error, "cannot watch the web process: a crash will not be recovered");
        }
    }
    #[cfg(windows)]
    {
        let app = window.app_handle().clone();
        let hooked = window.with_webview(move |platform| {
            use webview2_com::Microsoft::Web::WebView2::Win32::{
                COREWEBVIEW2_PROCESS_FAILED_KIND as Kind,
                COREWEBVIEW2_PROCESS_FAILED_KIND_BROWSER_PROCESS_EXITED as BROWSER_EXITED,
                COREWEBVIEW2_PROCESS_FAILED_KIND_RENDER_PROCESS_EXITED as RENDER_EXITED,
                COREWEBVIEW2_PROCESS_FAILED_KIND_RENDER_PROCESS_UNRESPONSIVE as RENDER_UNRESPONSIVE,
            };
            let handler =
                webview2_com::ProcessFailedEventHandler::create(Box::new(move |_, args| {
                    let mut kind = Kind::default();
                    if let Some(args) = args {
                        // SAFETY: `args` is the live event argument WebView2 hands the handler.
                        unsafe { args.ProcessFailedKind(&mut kind)? };
                    }
                    // The page's own process, as WebKitGTK's web process. A helper process (GPU,
                    // utility, a frame's renderer) is restarted by WebView2 without the page.
                    // After BROWSER_EXITED the controller is gone: the reload fails (logged) and
                    // the supervisor's restart is what brings the kiosk back.
                    let reason = match kind {
                        RENDER_EXITED => "crashed",
                        RENDER_UNRESPONSIVE => "unresponsive",
                        BROWSER_EXITED => "browser process exited",
                        _ => return Ok(()),
                    };
                    tauri::async_runtime::spawn(super::heal::web_process_died(app.clone(), reason));
                    Ok(())
                }));
            let mut token = 0i64;
            // SAFETY: COM calls on the controller of this live webview, on its own thread.
            let added = unsafe {
                platform
                    .controller()
                    .CoreWebView2()
                    .and_then(|webview| webview.add_ProcessFailed(&handler, &mut token))
            };
            if let Err(error) = added {
                tracing::error!(%error, "cannot watch the web process: a crash will not be recovered");
            }
        });
        if let Err(error) = hooked {
            tracing::error!(%error, "cannot watch the web process: a crash will not be recovered");
        }
    }
    #[cfg(not(any(target_os = "linux", windows)))]
    let _ = window;
}

/// Loads the wizard again (a new web process if the last one died): it boots on the welcome
/// screen, or on « indisponible » when the kiosk is unavailable.
pub fn reload<R: tauri::Runtime>(app: &tauri::AppHandle<R>) {
    use tauri::Manager;
    if let Some(webview) = app.get_webview_window(MAIN_WINDOW) {
        if let Err(error) = webview.reload() {
            tracing::error!(%error, "could not reload the wizard");
        }
    }
}

/// Empties the webview's storage, cache and history at the end of a session, and silences the
/// voice (speech is for one session: `speech::Speaker::end_session`).
pub fn clear_browsing_data<R: tauri::Runtime>(app: &tauri::AppHandle<R>) {
    use tauri::Manager;
    if let Some(state) = app.try_state::<super::state::AppState>() {
        state.speech.end_session();
    }
    if let Some(webview) = app.get_webview_window(MAIN_WINDOW) {
        if let Err(error) = webview.clear_all_browsing_data() {
            tracing::error!(%error, "could not clear the webview's data");
        }
    }
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
