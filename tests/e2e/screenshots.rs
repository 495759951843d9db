//! Walks one enrolment and photographs every screen, for the README (`docs/screenshots/`, when
//! `KIOSK_SCREENSHOTS_DIR` names it) and as test artifacts otherwise. Each screen is checked
//! to be the expected step before it is photographed.

use std::path::PathBuf;

use crate::harness::{e2e, repo_root, Kiosk, Launch};
use crate::persons::jean;
use crate::steps::{choose_department, choose_item, click, expect_step, next, type_into, FR};

async fn shoot(kiosk: &Kiosk, name: &str) {
    let dir = std::env::var_os("KIOSK_SCREENSHOTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/e2e-artifacts/screens"));
    std::fs::create_dir_all(&dir).unwrap();
    // The screen as it settles: fonts loaded and no transition or animation still running.
    kiosk
        .wait_for(
            "fonts and transitions to settle",
            "return document.fonts.status === 'loaded' && document.getAnimations().every(a => a.playState !== 'running');",
            std::time::Duration::from_secs(5),
        )
        .await;
    // WebKit's first snapshot of a session can be a stale frame from before the first paint:
    // take one, let the page render two frames, then take the real one.
    let _ = kiosk.client.screenshot().await;
    kiosk.render_frames(2).await;
    let png = kiosk.client.screenshot().await.unwrap();
    assert!(png.len() > 10_000, "{name}: the screenshot is nearly empty");
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

async fn hide_keyboard(kiosk: &Kiosk) {
    let visible = kiosk
        .js("return [...document.querySelectorAll('button')].some(b => b.offsetParent && b.textContent.includes('Fermer le clavier'));", vec![])
        .await;
    if visible == serde_json::Value::Bool(true) {
        click(kiosk, "button", "Fermer le clavier").await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_screen_of_an_enrolment() {
    e2e(
        "screens",
        Launch::kiosk().with_backend(),
        |kiosk| async move {
            let person = jean();
            kiosk.heading().await;
            shoot(&kiosk, "welcome-kiosk").await;
            click(&kiosk, "button", FR.start).await;
            expect_step(&kiosk, &FR, 2).await;
            type_into(&kiosk, FR.nir, "1 84 12 76 451 0").await;
            shoot(&kiosk, "step2-nir-keyboard").await;
            next(&kiosk, &FR).await;
            kiosk.by_role("heading", "Il y a un problème").await;
            shoot(&kiosk, "step2-nir-error").await;
            type_into(&kiosk, FR.nir, person.nir).await;
            next(&kiosk, &FR).await;

            expect_step(&kiosk, &FR, 3).await;
            type_into(&kiosk, FR.last_name, person.last_name).await;
            type_into(&kiosk, FR.first_name, person.first_name).await;
            type_into(&kiosk, FR.day, person.birth.0).await;
            type_into(&kiosk, FR.month, person.birth.1).await;
            type_into(&kiosk, FR.year, person.birth.2).await;
            type_into(&kiosk, FR.email, person.email).await;
            hide_keyboard(&kiosk).await;
            shoot(&kiosk, "step3-identity").await;
            next(&kiosk, &FR).await;

            expect_step(&kiosk, &FR, 4).await;
            choose_item(&kiosk, &FR, &person.item).await;
            hide_keyboard(&kiosk).await;
            shoot(&kiosk, "step4-verification").await;
            next(&kiosk, &FR).await;

            expect_step(&kiosk, &FR, 5).await;
            choose_department(&kiosk, person.department).await;
            shoot(&kiosk, "step5-department").await;
            next(&kiosk, &FR).await;

            expect_step(&kiosk, &FR, 6).await;
            kiosk
                .js(
                    "document.querySelector('main').scrollTo(0, 0); return true;",
                    vec![],
                )
                .await;
            shoot(&kiosk, "step6-review").await;
            click(&kiosk, "checkbox", FR.terms).await;
            click(&kiosk, "button", FR.submit).await;
            expect_step(&kiosk, &FR, 7).await;
            kiosk
                .js(
                    "document.querySelector('main').scrollTo(0, 0); return true;",
                    vec![],
                )
                .await;
            shoot(&kiosk, "step7-confirmation").await;
        },
    )
    .await;
}
