//! The kiosk shell, end to end in the real webview: the welcome screen, and the lock-down.

use serde_json::json;

use crate::harness::{e2e, Launch};

/// What the page says of its window: `[visibilityState, hasFocus()]`, `["visible", true]` once
/// `window::reveal` has shown it with the keyboard's focus.
const SHOWN_AND_FOCUSED: &str = "return [document.visibilityState, document.hasFocus()];";

#[tokio::test(flavor = "multi_thread")]
async fn the_welcome_screen_renders_in_kiosk_mode() {
    e2e("welcome-kiosk", Launch::kiosk(), |kiosk| async move {
        let heading = kiosk.heading().await;
        assert!(
            heading.contains("Mon espace privé"),
            "heading is {heading:?}"
        );
        let start = kiosk.by_role("button", "S'inscrire").await;
        assert!(start.is_displayed().await.unwrap());
        // The page is French, and the kiosk says it runs in kiosk mode.
        assert_eq!(
            kiosk
                .js("return document.documentElement.lang;", vec![])
                .await,
            json!("fr")
        );
        let info = kiosk
            .invoke("kiosk_info", json!({}))
            .await
            .expect("kiosk_info");
        assert_eq!(info["mode"], json!("kiosk"));
        assert_eq!(info["onScreenKeyboard"], json!(true));
        // Shown (the window is built hidden: `window::reveal`), with the keyboard's focus.
        assert_eq!(
            kiosk
                .js(SHOWN_AND_FOCUSED, vec![])
                .await,
            json!(["visible", true])
        );
        // Full screen on the 1280×800 display, no window decorations left to click.
        let size = kiosk
            .js("return [window.innerWidth, window.innerHeight];", vec![])
            .await;
        assert_eq!(
            size,
            json!([1280, 800]),
            "the kiosk window does not fill the screen"
        );
        // The page's four fonts (ui/fonts/) each load from their files under the CSP; a font
        // refused or missing would be `error`.
        let fonts = kiosk
            .js(
                "return Promise.all([...document.fonts].map((f) => f.load().then(() => `${f.family} ${f.weight} loaded`, () => `${f.family} ${f.weight} error`)));",
                vec![],
            )
            .await;
        let fonts: Vec<String> = serde_json::from_value(fonts).unwrap();
        assert_eq!(fonts.len(), 4, "{fonts:?}");
        assert!(
            fonts
                .iter()
                .all(|f| f.contains("Atkinson Hyperlegible Next") && f.ends_with("loaded")),
            "{fonts:?}"
        );
    })
    .await;
}

/// The window is built hidden and shown once its page's load has started (issue 18: drawn while
/// the web process was still starting, it froze the app's main loop ~0.5 s in one start of
/// three): shown, visible to the page, with the keyboard, and for that reason, not the deadline's.
#[tokio::test(flavor = "multi_thread")]
async fn the_window_shows_once_its_page_has_started_loading() {
    e2e("window-reveal", Launch::tablet(), |kiosk| async move {
        kiosk.by_role("button", "S'inscrire").await;
        kiosk
            .wait_for_log("window shown why=\"page load started\"", 1)
            .await;
        let log = kiosk.log();
        assert!(
            !log.contains("showing the window anyway"),
            "the window waited for its deadline:\n{log}"
        );
        // Shown once.
        assert_eq!(log.matches("window shown").count(), 1, "{log}");
        // The start-up phase `shown` comes after the window's creation (`ops::startup`).
        let phases = kiosk.start_up_phases();
        let at = |phase: &str| {
            phases
                .iter()
                .find(|(p, _)| p == phase)
                .map(|(_, ms)| *ms)
                .unwrap_or_else(|| panic!("no start-up phase {phase:?} in\n{log}"))
        };
        assert!(at("shown") >= at("window"), "{log}");
        // What the person sees: the page visible, with the keyboard's focus.
        let seen = kiosk.js(SHOWN_AND_FOCUSED, vec![]).await;
        assert_eq!(seen, json!(["visible", true]));
    })
    .await;
}

/// What the app logs when it refuses a navigation or a window (`src-tauri/src/window.rs`).
const NAVIGATION_REFUSED: &str = "navigation away from the app refused";
const NEW_WINDOW_REFUSED: &str = "new window refused";

#[tokio::test(flavor = "multi_thread")]
async fn navigation_and_new_windows_leave_the_app_on_its_own_page() {
    e2e("lockdown-navigation", Launch::kiosk(), |kiosk| async move {
        let before = kiosk.js("return location.href;", vec![]).await;
        let heading_before = kiosk.heading().await;

        // The page cannot stop this one: Rust refuses it, and says so in its log.
        let refused = kiosk.log().matches(NAVIGATION_REFUSED).count();
        kiosk.js("location.href = 'https://example.org/'; return true;", vec![]).await;
        kiosk.wait_for_log(NAVIGATION_REFUSED, refused + 1).await;
        assert_eq!(kiosk.js("return location.href;", vec![]).await, before);
        assert_eq!(kiosk.heading().await, heading_before);

        // `window.open` is answered by the page's lock-down (null: no window was asked of
        // WebKit, so none can come later), or else refused by Rust, which logs it.
        let refused_windows = kiosk.log().matches(NEW_WINDOW_REFUSED).count();
        let opened = kiosk
            .js("const w = window.open('https://example.org/', '_blank'); return w === null ? 'null' : 'window';", vec![])
            .await;
        if opened != json!("null") {
            kiosk.wait_for_log(NEW_WINDOW_REFUSED, refused_windows + 1).await;
        }
        let windows = kiosk.client.windows().await.unwrap();
        assert_eq!(windows.len(), 1, "window.open made a new window ({opened})");
        assert_eq!(kiosk.js("return location.href;", vec![]).await, before);

        // A link to another origin does not navigate either: the page cancels the click (then
        // nothing is asked of WebKit), or else Rust refuses the navigation and logs it.
        let refused = kiosk.log().matches(NAVIGATION_REFUSED).count();
        let cancelled = kiosk
            .js("const a = document.createElement('a'); a.href = 'https://example.org/'; document.body.append(a); let cancelled = null; window.addEventListener('click', (e) => { cancelled = e.defaultPrevented; }, { once: true }); a.click(); a.remove(); return cancelled;", vec![])
            .await;
        assert!(cancelled.is_boolean(), "the click was not seen: {cancelled}");
        if cancelled != json!(true) {
            kiosk.wait_for_log(NAVIGATION_REFUSED, refused + 1).await;
        }
        assert_eq!(kiosk.js("return location.href;", vec![]).await, before);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_page_has_no_inline_script_or_remote_origin_allowed() {
    e2e("lockdown-csp", Launch::kiosk(), |kiosk| async move {
        kiosk.heading().await;
        // An inline script added by markup must not run under the CSP: it would run as it is
        // inserted; the CSP's refusal is reported by a `securitypolicyviolation` event.
        let outcome = kiosk
            .js(
                "return new Promise((resolve) => { window.__inlineRan = false; document.addEventListener('securitypolicyviolation', (e) => resolve({ ran: window.__inlineRan, directive: e.effectiveDirective }), { once: true }); const s = document.createElement('script'); s.textContent = 'window.__inlineRan = true'; document.head.append(s); if (window.__inlineRan) resolve({ ran: true, directive: null }); });",
                vec![],
            )
            .await;
        assert_eq!(outcome["ran"], json!(false), "an inline script ran despite the CSP");
        assert!(
            outcome["directive"].as_str().is_some_and(|d| d.starts_with("script-src")),
            "the refusal is not the CSP's script rule: {outcome}"
        );
        // Nor may the page fetch from a remote origin.
        let fetched = kiosk
            .js(
                "return fetch('https://example.org/').then(() => 'fetched', e => 'blocked: ' + e.name);",
                vec![],
            )
            .await;
        assert!(fetched.as_str().unwrap().starts_with("blocked"), "{fetched}");
    })
    .await;
}
