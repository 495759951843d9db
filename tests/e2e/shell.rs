//! The kiosk shell, end to end in the real webview: the welcome screen, and the lock-down.

use std::time::Duration;

use crate::harness::{e2e, Launch};
use serde_json::json;

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
        // Full screen on the 1280×800 display, no window decorations left to click.
        let size = kiosk
            .js("return [window.innerWidth, window.innerHeight];", vec![])
            .await;
        assert_eq!(
            size,
            json!([1280, 800]),
            "the kiosk window does not fill the screen"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn navigation_and_new_windows_leave_the_app_on_its_own_page() {
    e2e("lockdown-navigation", Launch::kiosk(), |kiosk| async move {
        let before = kiosk.js("return location.href;", vec![]).await;
        let heading_before = kiosk.heading().await;

        kiosk.js("location.href = 'https://example.org/'; return true;", vec![]).await;
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert_eq!(kiosk.js("return location.href;", vec![]).await, before);
        assert_eq!(kiosk.heading().await, heading_before);

        let opened = kiosk
            .js("const w = window.open('https://example.org/', '_blank'); return w === null ? 'null' : 'window';", vec![])
            .await;
        tokio::time::sleep(Duration::from_millis(800)).await;
        let windows = kiosk.client.windows().await.unwrap();
        assert_eq!(windows.len(), 1, "window.open made a new window ({opened})");
        assert_eq!(kiosk.js("return location.href;", vec![]).await, before);

        // A link to another origin does not navigate either.
        kiosk
            .js("const a = document.createElement('a'); a.href = 'https://example.org/'; document.body.append(a); a.click(); return true;", vec![])
            .await;
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert_eq!(kiosk.js("return location.href;", vec![]).await, before);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_page_has_no_inline_script_or_remote_origin_allowed() {
    e2e("lockdown-csp", Launch::kiosk(), |kiosk| async move {
        kiosk.heading().await;
        // An inline script added by markup must not run under the CSP.
        let ran = kiosk
            .js(
                "window.__inlineRan = false; const s = document.createElement('script'); s.textContent = 'window.__inlineRan = true'; document.head.append(s); return new Promise(r => setTimeout(() => r(window.__inlineRan), 200));",
                vec![],
            )
            .await;
        assert_eq!(ran, json!(false), "an inline script ran despite the CSP");
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
