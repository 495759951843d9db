//! axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA) inside the real WebKitGTK webview, on every
//! screen of the wizard, its error states, the dialogs and the display settings (high contrast,
//! 200 % text). Each run's full report is written to `target/e2e-artifacts/axe/<screen>.json`.

use std::time::Duration;

use serde_json::{json, Value};

use crate::harness::{e2e, repo_root, Kiosk, Launch};
use crate::persons::{jean, Item};
use crate::steps::{
    choose_department, choose_item, click, expect_step, i18n, next, show_department_list,
    type_into, FR,
};

const AXE_RUN: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
  .then(r => done(JSON.stringify(r)), e => done(JSON.stringify({ error: String((e && e.stack) || e) })));
"#;

/// Runs axe on the page as it is, saves the report as `<screen>.json`, and returns one line per
/// violation (empty when the screen passes).
pub(crate) async fn axe(kiosk: &Kiosk, screen: &str) -> Vec<String> {
    kiosk.ensure_axe().await;
    // The screen as it settles: a step change empties the live region and fills it 150 ms
    // later (ui/js/wizard.js, announce); every screen has had its announcement by then.
    kiosk
        .wait_for(
            "the step's announcement in the live region",
            "return document.getElementById('live').textContent.trim() !== '';",
            Duration::from_secs(5),
        )
        .await;
    let raw = kiosk
        .client
        .execute_async(AXE_RUN, vec![])
        .await
        .unwrap_or_else(|e| panic!("axe.run on {screen}: {e}"));
    let report: Value = serde_json::from_str(raw.as_str().expect("axe's JSON")).unwrap();
    let dir = repo_root().join("target/e2e-artifacts/axe");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join(format!("{screen}.json")),
        serde_json::to_string_pretty(&report).unwrap(),
    )
    .unwrap();
    assert!(
        report.get("error").is_none(),
        "axe failed on {screen}: {}",
        report["error"]
    );
    assert!(
        report["passes"].as_array().is_some_and(|p| !p.is_empty()),
        "axe checked nothing on {screen}"
    );
    let mut found = Vec::new();
    for violation in report["violations"].as_array().unwrap() {
        for node in violation["nodes"].as_array().unwrap() {
            found.push(format!(
                "{screen}: {} ({}) {} at {} — {}",
                violation["id"].as_str().unwrap_or_default(),
                violation["impact"].as_str().unwrap_or_default(),
                violation["help"].as_str().unwrap_or_default(),
                node["target"],
                node["failureSummary"]
                    .as_str()
                    .unwrap_or_default()
                    .replace('\n', " ")
            ));
        }
    }
    // « Needs review » results count too, but for one: axe cannot tell whether a one-character
    // key label (« a ») is part of its name (« lettre a »), which it is.
    for unsure in report["incomplete"].as_array().unwrap() {
        if unsure["id"] == "label-content-name-mismatch" {
            continue;
        }
        for node in unsure["nodes"].as_array().unwrap() {
            found.push(format!(
                "{screen}: needs review: {} ({}) {} at {}",
                unsure["id"].as_str().unwrap_or_default(),
                unsure["impact"].as_str().unwrap_or_default(),
                unsure["help"].as_str().unwrap_or_default(),
                node["target"],
            ));
        }
    }
    if !found.is_empty() {
        kiosk.screenshot(&format!("axe-{screen}")).await;
    }
    found
}

/// The violations seen on the way, all listed at the end so that one run shows every problem.
/// Also used by `triage` for the welcome screen's other ways and the screens without e-mail.
#[derive(Default)]
pub(crate) struct Audit(Vec<String>);

impl Audit {
    pub(crate) async fn check(&mut self, kiosk: &Kiosk, screen: &str) {
        self.0.extend(axe(kiosk, screen).await);
    }

    pub(crate) fn assert_clean(self, what: &str) {
        assert!(
            self.0.is_empty(),
            "{} axe violation(s) {what} (reports in target/e2e-artifacts/axe/):\n{}",
            self.0.len(),
            self.0.join("\n")
        );
    }
}

async fn wait_dialog(kiosk: &Kiosk, name: &str) {
    let dialog = kiosk.by_role("dialog", name).await;
    assert!(dialog.is_displayed().await.unwrap(), "{name} is shown");
}

async fn wait_no_dialog(kiosk: &Kiosk) {
    kiosk
        .wait_for(
            "the dialog to close",
            "return ![...document.querySelectorAll('dialog')].some(d => d.open);",
            Duration::from_secs(5),
        )
        .await;
}

/// Presses « Suivant » (or another button) on an unanswered screen and waits for the summary.
async fn refuse(kiosk: &Kiosk, button: &str) {
    click(kiosk, "button", button).await;
    kiosk
        .wait_for(
            "Rust's answer",
            "return !document.querySelector('main [aria-busy]');",
            Duration::from_secs(10),
        )
        .await;
    kiosk
        .by_role("heading", &i18n("fr", "error.summary.title"))
        .await;
}

async fn fill_identity(kiosk: &Kiosk, email: &str) {
    let person = jean();
    type_into(kiosk, FR.last_name, person.last_name).await;
    type_into(kiosk, FR.first_name, person.first_name).await;
    type_into(kiosk, FR.day, person.birth.0).await;
    type_into(kiosk, FR.month, person.birth.1).await;
    type_into(kiosk, FR.year, person.birth.2).await;
    type_into(kiosk, FR.email, email).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_screen_error_state_and_dialog_passes_axe() {
    e2e(
        "a11y-every-screen",
        Launch::kiosk().with_backend(),
        |kiosk| async move {
            let mut audit = Audit::default();
            kiosk.heading().await;
            audit.check(&kiosk, "01-welcome").await;

            click(&kiosk, "button", &i18n("fr", "toolbar.help")).await;
            wait_dialog(&kiosk, &i18n("fr", "help.coming")).await;
            audit.check(&kiosk, "01-help-dialog").await;
            click(&kiosk, "button", &i18n("fr", "help.done")).await;
            wait_no_dialog(&kiosk).await;

            click(&kiosk, "button", &i18n("fr", "toolbar.settings")).await;
            wait_dialog(&kiosk, &i18n("fr", "settings.title")).await;
            audit.check(&kiosk, "01-display-dialog").await;
            click(&kiosk, "button", &i18n("fr", "common.close")).await;
            wait_no_dialog(&kiosk).await;

            click(&kiosk, "button", FR.start).await;
            expect_step(&kiosk, &FR, 2).await;
            audit.check(&kiosk, "02-nir").await;
            refuse(&kiosk, FR.next).await;
            audit.check(&kiosk, "02-nir-errors").await;

            click(&kiosk, "button", &i18n("fr", "toolbar.cancel")).await;
            wait_dialog(&kiosk, &i18n("fr", "cancel.title")).await;
            audit.check(&kiosk, "02-abandon-dialog").await;
            click(&kiosk, "button", &i18n("fr", "cancel.back")).await;
            wait_no_dialog(&kiosk).await;

            type_into(&kiosk, FR.nir, jean().nir).await;
            next(&kiosk, &FR).await;
            expect_step(&kiosk, &FR, 3).await;
            audit.check(&kiosk, "03-identity").await;
            // The on-screen keyboard is part of the screen when a field has focus.
            click(&kiosk, "textbox", FR.last_name).await;
            kiosk.by_role("button", "lettre a").await;
            audit.check(&kiosk, "03-identity-keyboard-letters").await;
            click(&kiosk, "textbox", FR.email).await;
            kiosk.by_role("button", &i18n("fr", "osk.at")).await;
            audit.check(&kiosk, "03-identity-keyboard-email").await;
            refuse(&kiosk, FR.next).await;
            audit.check(&kiosk, "03-identity-errors").await;
            fill_identity(&kiosk, "jean.dupont@gmial.com").await;
            next(&kiosk, &FR).await;
            click(&kiosk, "button", &i18n("fr", "identity.suggestion.yes")).await;
            audit.check(&kiosk, "03-identity-email-corrected").await;
            next(&kiosk, &FR).await;

            expect_step(&kiosk, &FR, 4).await;
            audit.check(&kiosk, "04-verification").await;
            refuse(&kiosk, FR.next).await;
            audit.check(&kiosk, "04-verification-errors").await;
            for (item, screen) in [
                (Item::VitalePhoto(""), "04-verification-vitale-photo-errors"),
                (
                    Item::VitaleNoPhoto(""),
                    "04-verification-vitale-no-photo-errors",
                ),
                (Item::Child("", "", ""), "04-verification-child-errors"),
                (Item::Payment(""), "04-verification-payment-errors"),
            ] {
                choose_item(&kiosk, &FR, &item).await;
                refuse(&kiosk, FR.next).await;
                audit.check(&kiosk, screen).await;
            }
            choose_item(&kiosk, &FR, &Item::Nothing).await;
            audit.check(&kiosk, "04-verification-none").await;
            next(&kiosk, &FR).await;

            expect_step(&kiosk, &FR, 5).await;
            audit.check(&kiosk, "05-department").await;
            refuse(&kiosk, FR.next).await;
            audit.check(&kiosk, "05-department-errors").await;
            show_department_list(&kiosk).await;
            audit.check(&kiosk, "05-department-list").await;
            type_into(&kiosk, &i18n("fr", "department.filter.label"), "loire").await;
            kiosk
                .wait_for(
                    "the count of the filtered départements announced",
                    "const s = document.querySelector('main [role=status]'); return s && s.textContent.trim();",
                    Duration::from_secs(5),
                )
                .await;
            audit.check(&kiosk, "05-department-filtered").await;
            type_into(&kiosk, &i18n("fr", "department.filter.label"), "mayotte").await;
            choose_department(&kiosk, "976").await;
            // Explained in place (issue 15), not refused.
            kiosk
                .wait_for(
                    "the overseas explanation",
                    "const e = document.getElementById('department-overseas-explain'); return e && !e.hidden && e.textContent.trim();",
                    Duration::from_secs(5),
                )
                .await;
            audit.check(&kiosk, "05-department-mayotte-explained").await;
            // Back to the agency's own MSA: « Oui » (the filtered list no longer shows 44).
            click(&kiosk, "radio", &i18n("fr", "department.own.yes")).await;
            next(&kiosk, &FR).await;

            expect_step(&kiosk, &FR, 6).await;
            audit.check(&kiosk, "06-review").await;
            refuse(&kiosk, FR.submit).await;
            audit.check(&kiosk, "06-review-errors").await;
            click(&kiosk, "checkbox", FR.terms).await;
            click(&kiosk, "button", FR.submit).await;
            expect_step(&kiosk, &FR, 7).await;
            audit.check(&kiosk, "07-confirmation").await;

            audit.assert_clean("in the normal theme at 100 %");
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn high_contrast_and_200_percent_text_pass_axe() {
    e2e(
        "a11y-contrast-200",
        Launch::kiosk().with_backend(),
        |kiosk| async move {
            let mut audit = Audit::default();
            kiosk.heading().await;
            click(&kiosk, "radio", &i18n("fr", "settings.theme.contrast")).await;
            click(&kiosk, "radio", &i18n("fr", "settings.textSize.200")).await;
            let applied = kiosk
                .js(
                    "return [document.documentElement.dataset.theme, document.documentElement.dataset.textSize];",
                    vec![],
                )
                .await;
            assert_eq!(applied, json!(["contrast", "200"]));
            // No horizontal scrolling at 200 % (WCAG 1.4.4 / 1.4.10 on the 1280 px screen), of
            // the page or of `main`, the only scrolling area.
            let overflow = kiosk
                .js(
                    "const d = document.documentElement, m = document.querySelector('main'); \
                     return Math.max(d.scrollWidth - d.clientWidth, m.scrollWidth - m.clientWidth);",
                    vec![],
                )
                .await;
            assert!(overflow.as_i64().unwrap() <= 0, "horizontal scroll of {overflow} px");
            audit.check(&kiosk, "hc200-01-welcome").await;

            click(&kiosk, "button", &i18n("fr", "toolbar.settings")).await;
            wait_dialog(&kiosk, &i18n("fr", "settings.title")).await;
            audit.check(&kiosk, "hc200-01-display-dialog").await;
            click(&kiosk, "button", &i18n("fr", "common.close")).await;
            wait_no_dialog(&kiosk).await;
            click(&kiosk, "button", &i18n("fr", "toolbar.help")).await;
            wait_dialog(&kiosk, &i18n("fr", "help.coming")).await;
            audit.check(&kiosk, "hc200-01-help-dialog").await;
            click(&kiosk, "button", &i18n("fr", "help.done")).await;
            wait_no_dialog(&kiosk).await;

            click(&kiosk, "button", FR.start).await;
            expect_step(&kiosk, &FR, 2).await;
            audit.check(&kiosk, "hc200-02-nir").await;
            refuse(&kiosk, FR.next).await;
            audit.check(&kiosk, "hc200-02-nir-errors").await;
            click(&kiosk, "button", &i18n("fr", "toolbar.cancel")).await;
            wait_dialog(&kiosk, &i18n("fr", "cancel.title")).await;
            audit.check(&kiosk, "hc200-02-abandon-dialog").await;
            click(&kiosk, "button", &i18n("fr", "cancel.back")).await;
            wait_no_dialog(&kiosk).await;
            type_into(&kiosk, FR.nir, jean().nir).await;
            next(&kiosk, &FR).await;

            expect_step(&kiosk, &FR, 3).await;
            audit.check(&kiosk, "hc200-03-identity").await;
            click(&kiosk, "textbox", FR.last_name).await;
            kiosk.by_role("button", "lettre a").await;
            audit.check(&kiosk, "hc200-03-identity-keyboard").await;
            refuse(&kiosk, FR.next).await;
            audit.check(&kiosk, "hc200-03-identity-errors").await;
            fill_identity(&kiosk, jean().email).await;
            next(&kiosk, &FR).await;

            expect_step(&kiosk, &FR, 4).await;
            audit.check(&kiosk, "hc200-04-verification").await;
            refuse(&kiosk, FR.next).await;
            audit.check(&kiosk, "hc200-04-verification-errors").await;
            choose_item(&kiosk, &FR, &Item::VitalePhoto("")).await;
            refuse(&kiosk, FR.next).await;
            audit.check(&kiosk, "hc200-04-verification-vitale-errors").await;
            choose_item(&kiosk, &FR, &Item::Nothing).await;
            next(&kiosk, &FR).await;

            expect_step(&kiosk, &FR, 5).await;
            audit.check(&kiosk, "hc200-05-department").await;
            refuse(&kiosk, FR.next).await;
            audit.check(&kiosk, "hc200-05-department-errors").await;
            choose_department(&kiosk, "44").await;
            next(&kiosk, &FR).await;

            expect_step(&kiosk, &FR, 6).await;
            audit.check(&kiosk, "hc200-06-review").await;
            refuse(&kiosk, FR.submit).await;
            audit.check(&kiosk, "hc200-06-review-errors").await;
            click(&kiosk, "checkbox", FR.terms).await;
            click(&kiosk, "button", FR.submit).await;
            expect_step(&kiosk, &FR, 7).await;
            audit.check(&kiosk, "hc200-07-confirmation").await;

            audit.assert_clean("in high contrast at 200 %");
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_idle_dialog_passes_axe_and_continue_restores_the_screen() {
    e2e(
        "a11y-idle",
        Launch::kiosk().with_toml("[idle]\nidle_seconds = 5\nwarning_seconds = 20"),
        |kiosk| async move {
            let mut audit = Audit::default();
            click(&kiosk, "button", FR.start).await;
            expect_step(&kiosk, &FR, 2).await;
            type_into(&kiosk, FR.nir, "1 84 12").await;
            let title = i18n("fr", "idle.title");
            kiosk
                .wait_for(
                    "the idle dialog",
                    "return [...document.querySelectorAll('dialog')].some(d => d.open);",
                    Duration::from_secs(20),
                )
                .await;
            wait_dialog(&kiosk, &title).await;
            audit.check(&kiosk, "idle-dialog").await;
            click(&kiosk, "button", &i18n("fr", "idle.continue")).await;
            wait_no_dialog(&kiosk).await;
            expect_step(&kiosk, &FR, 2).await;
            assert_eq!(crate::steps::value_of(&kiosk, FR.nir).await, "1 84 12");
            audit.assert_clean("on the idle dialog");
        },
    )
    .await;
}
