//! Benchmark, not a test: how long from a tap on « Suivant » to the next step's heading having
//! focus, inside the real webview (Rust's validation over IPC included, WebDriver's round trips
//! excluded: both ends are timed in the page with `performance.now()`).
//!
//! `cargo test --test e2e bench -- --ignored --nocapture`; `MSA_KIOSK_BENCH_RENDERING=gpu` or
//! `=software` sets the kiosk's `[display] rendering` (default: `auto`, the app decides);
//! `MSA_KIOSK_BENCH_SPEECH=1` turns « Écouter » on (give the run an audio server: README).

use std::time::Duration;

use serde_json::Value;

use crate::harness::{e2e, Kiosk, Launch};
use crate::persons::jean;
use crate::speech::Audio;
use crate::steps::{click, expect_step, expect_welcome, go_to_step, i18n, next, Input, FR};

/// In the page: the click on a submit button starts the clock; the first moment a different
/// step heading has focus stops it (a MutationObserver and focusin, whichever sees it first),
/// and the next animation frame gives the time to the first paint of the new step.
const RECORDER: &str = r#"
if (!window.__bench) {
  const b = window.__bench = { t0: null, from: null, samples: [], painted: [], kinds: [] };
  document.addEventListener('click', (e) => {
    const button = e.target.closest && e.target.closest('button.button--next');
    if (button) {
      const h = document.querySelector('h1');
      b.t0 = performance.now();
      b.from = h ? h.textContent : null;
    }
  }, true);
  const record = () => {
    if (b.t0 == null) return;
    const h = document.activeElement;
    if (h && h.tagName === 'H1' && h.textContent !== b.from) {
      const t0 = b.t0;
      b.t0 = null;
      const step = (text) => ((text || '').match(/\d/) || ['?'])[0];
      b.samples.push(performance.now() - t0);
      b.kinds.push(`${step(b.from)}→${step(h.textContent)}`);
      requestAnimationFrame(() => b.painted.push(performance.now() - t0));
    }
  };
  document.addEventListener('focusin', record, true);
  new MutationObserver(record).observe(document.body, { childList: true, subtree: true });
}
return true;
"#;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = (p / 100.0 * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn summary(name: &str, samples: &[f64]) {
    let mut sorted = samples.to_vec();
    sorted.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "{name:<40} n={:>3}  median {:>7.1} ms  p95 {:>7.1} ms  min {:>6.1}  max {:>7.1}",
        sorted.len(),
        percentile(&sorted, 50.0),
        percentile(&sorted, 95.0),
        sorted[0],
        sorted[sorted.len() - 1]
    );
}

async fn samples(kiosk: &Kiosk) -> (Vec<f64>, Vec<f64>) {
    let got = kiosk
        .js(
            "return [window.__bench.samples, window.__bench.painted];",
            vec![],
        )
        .await;
    let list = |v: &Value| -> Vec<f64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    };
    (list(&got[0]), list(&got[1]))
}

/// The kiosk, with the rendering mode the run asks for; `MSA_KIOSK_BENCH_SPEECH=1`: every
/// session starts with « Écouter » on (`[speech] default_on`), so each step is also read aloud,
/// through Speech Dispatcher and espeak-ng into the test's own PulseAudio server (a null sink,
/// as in `speech.rs`), which the returned [`Audio`] keeps running.
fn launch() -> (Launch, Option<Audio>) {
    let launch = match std::env::var("MSA_KIOSK_BENCH_RENDERING") {
        Ok(mode) => Launch::kiosk().with_toml(&format!("[display]\nrendering = {mode:?}\n")),
        Err(_) => Launch::kiosk(),
    };
    if std::env::var("MSA_KIOSK_BENCH_SPEECH").is_ok_and(|v| v == "1") {
        let audio = Audio::start();
        let launch = audio.launch(launch.with_toml("[speech]\ndefault_on = true\n"));
        (launch, Some(audio))
    } else {
        (launch, None)
    }
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a benchmark: cargo test --test e2e bench -- --ignored --nocapture"]
async fn step_latency() {
    let (launch, audio) = launch();
    e2e("bench-step-latency", launch, |kiosk| async move {
        kiosk.heading().await;
        kiosk.js(RECORDER, vec![]).await;
        let person = jean();

        // 5 whole enrolments up to the review: 4 « Suivant » each (2→3, 3→4, 4→5, 5→6).
        for _ in 0..5 {
            go_to_step(&kiosk, &FR, &person, 6, Input::Touch).await;
            click(&kiosk, "button", &i18n("fr", "toolbar.cancel")).await;
            click(&kiosk, "button", &i18n("fr", "cancel.confirm")).await;
            expect_welcome(&kiosk, Duration::from_secs(5)).await;
        }
        let forward = samples(&kiosk).await;

        // 8 rounds of « Modifier » then « Suivant » back to the review, on each step.
        go_to_step(&kiosk, &FR, &person, 6, Input::Touch).await;
        let before_changes = samples(&kiosk).await.0.len();
        for _ in 0..8 {
            for (link, step) in [
                ("Modifier votre numéro de sécurité sociale", 2),
                ("Modifier votre nom", 3),
                ("Modifier l'information pour vous reconnaître", 4),
                ("Modifier le département de votre MSA", 5),
            ] {
                click(&kiosk, "link", link).await;
                expect_step(&kiosk, &FR, step).await;
                next(&kiosk, &FR).await;
                expect_step(&kiosk, &FR, 6).await;
            }
        }
        let (all, painted) = samples(&kiosk).await;
        let changes = &all[before_changes..];
        let kinds: Vec<String> =
            serde_json::from_value(kiosk.js("return window.__bench.kinds;", vec![]).await).unwrap();

        println!();
        println!(
            "« Suivant » → next step heading focused, in the page (Rust validation included):"
        );
        summary("forward steps (2→3, 3→4, 4→5, 5→6)", &forward.0);
        summary("from « Modifier » back to the review", changes);
        summary("all steps", &all);
        summary("all steps, to the next animation frame", &painted);
        let mut names: Vec<&String> = kinds.iter().collect();
        names.sort();
        names.dedup();
        for name in names {
            let of_kind: Vec<f64> = all
                .iter()
                .zip(&kinds)
                .filter(|(_, k)| *k == name)
                .map(|(ms, _)| *ms)
                .collect();
            summary(&format!("  step {name}"), &of_kind);
        }
        assert!(all.len() >= 50, "only {} steps measured", all.len());
    })
    .await;
    // With « Écouter » on, the figures count only if the kiosk really spoke meanwhile: the
    // sink's capture holds that many seconds of speech (sox, as speech.rs measures it).
    if let Some(audio) = &audio {
        let heard = audio.heard_since(0);
        println!("speech heard during the run: {heard:.1} s");
        assert!(
            heard >= 10.0,
            "« Écouter » was on but only {heard:.1} s were heard"
        );
    }
}
