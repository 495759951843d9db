//! « Installed means configured » (issue 13), in the real app: an installed kiosk that still
//! holds the development defaults shows « Cette borne n'est pas encore prête » (not configured)
//! and no enrolment can start; the same installed kiosk with its agency's configuration takes
//! enrolments.
//!
//! "Installed" is what `/usr/bin/msa-kiosk` is (`src-tauri/src/ops/installed.rs`). The binary
//! under test lives in `target/`, so these tests set `MSA_KIOSK_INSTALLED=1`, which only a debug
//! build reads and which can only turn enrolments off (the `.deb` ships a release build).
//! `tests/deploy.rs` checks the real `/usr/bin` binary of the package.

#![cfg(target_os = "linux")]

use serde_json::{json, Value};
use std::process::Command;

use crate::harness::{app, e2e, Kiosk, Launch};
use crate::steps::{click, expect_step, i18n, FR};

const INSTALLED: (&str, &str) = ("MSA_KIOSK_INSTALLED", "1");
const NOT_CONFIGURED: &str = "system.notConfigured";

/// The kiosk of an agency whose IT team installed the package and wrote no `kiosk_id` nor
/// `[backend] url`: what `Config::locate_and_load` gives without `/etc/msa-kiosk/config.toml`.
fn installed_with_dev_defaults() -> Launch {
    Launch {
        toml: "mode = \"kiosk\"\n".into(),
        ..Launch::default()
    }
    .with_env(INSTALLED.0, INSTALLED.1)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_installed_kiosk_with_the_dev_defaults_shows_borne_non_configuree() {
    e2e(
        "deploy-not-configured",
        installed_with_dev_defaults(),
        |kiosk| async move {
            let title = i18n("fr", "notConfigured.title");
            assert_eq!(kiosk.heading().await, title);
            let text = kiosk
                .js("return document.querySelector('#step-root').textContent;", vec![])
                .await;
            let text = text.as_str().unwrap_or_default();
            assert!(
                text.contains(&i18n("fr", "notConfigured.help")),
                "the person is not sent to the front desk: {text:?}"
            );
            assert!(
                !text.contains(NOT_CONFIGURED) && !text.contains("config.toml"),
                "something technical on screen: {text:?}"
            );
            let buttons = kiosk
                .js(
                    "return [...document.querySelectorAll('button')].filter(b => b.offsetParent !== null).map(b => b.textContent.trim());",
                    vec![],
                )
                .await;
            assert!(
                !buttons.as_array().unwrap().iter().any(|b| b == "S'inscrire"),
                "« S'inscrire » is on screen: {buttons}"
            );

            // No enrolment can start, even asked directly through the IPC.
            let refused = kiosk
                .invoke("start_session", json!({}))
                .await
                .expect_err("start_session started a session on a kiosk not configured");
            assert_eq!(refused["errors"][0]["code"], json!(NOT_CONFIGURED), "{refused}");
            assert_eq!(refused["errors"][0]["field"], Value::Null, "{refused}");
            assert_eq!(
                refused["errors"][0]["key"],
                json!(format!("error.{NOT_CONFIGURED}")),
                "{refused}"
            );
            let availability = kiosk
                .invoke("kiosk_availability", json!({}))
                .await
                .expect("kiosk_availability");
            assert_eq!(
                availability,
                json!({"state": "unavailable", "reason": NOT_CONFIGURED})
            );

            // The IT team sees why in `msa-kiosk status` (status.json), and in the log which
            // keys still hold a development default.
            let status = Command::new(app())
                .arg("status")
                .env("MSA_KIOSK_DATA_DIR", kiosk.data_dir())
                .output()
                .unwrap();
            assert!(status.status.success());
            let status: Value = serde_json::from_slice(&status.stdout).unwrap();
            assert_eq!(status["availability"]["reason"], json!(NOT_CONFIGURED), "{status}");
            kiosk
                .wait_for_log("installed kiosk not configured", 1)
                .await;
            assert!(kiosk.log().contains("backend.url"), "the log names the key");
        },
    )
    .await;
}

/// The welcome screen is up (its heading names « Mon espace privé »); what Rust says of the
/// kiosk's availability (`kiosk_availability`).
async fn welcome_availability(kiosk: &Kiosk) -> Value {
    let heading = kiosk.heading().await;
    assert!(
        heading.contains("Mon espace privé"),
        "heading is {heading:?}"
    );
    kiosk
        .invoke("kiosk_availability", json!({}))
        .await
        .expect("kiosk_availability")
}

#[tokio::test(flavor = "multi_thread")]
async fn an_installed_kiosk_with_its_agency_configuration_takes_enrolments() {
    let launch = Launch::kiosk()
        .with_backend()
        .with_env(INSTALLED.0, INSTALLED.1);
    e2e("deploy-configured", launch, |kiosk| async move {
        let availability = welcome_availability(&kiosk).await;
        assert_eq!(availability, json!({"state": "ready"}));
        // « S'inscrire » leads to the NIR, step 2: the session started.
        click(&kiosk, "button", FR.start).await;
        expect_step(&kiosk, &FR, 2).await;
        assert!(!kiosk.log().contains("installed kiosk not configured"));
    })
    .await;
}

/// The same defaults in a development build (`cargo xtask run`, the tests) are fine: the
/// screen comes from the installed detection, not from the configuration alone.
#[tokio::test(flavor = "multi_thread")]
async fn a_development_build_keeps_its_dev_defaults() {
    let launch = Launch {
        toml: "mode = \"kiosk\"\n".into(),
        ..Launch::default()
    };
    e2e("deploy-dev-defaults", launch, |kiosk| async move {
        let availability = welcome_availability(&kiosk).await;
        assert_ne!(
            availability["reason"],
            json!(NOT_CONFIGURED),
            "{availability}"
        );
    })
    .await;
}
