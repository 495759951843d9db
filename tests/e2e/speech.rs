//! « Écouter » (issue 19) with real parts: a PulseAudio server started by the test with a null
//! sink, Speech Dispatcher autospawned by the kiosk in the test's own `XDG_RUNTIME_DIR`, espeak-ng
//! as its voice, and the sink's monitor captured with `parec` for the whole test. What was heard
//! is measured with `sox` (the duration of non-silence after a moment of the test); what was
//! sent to the speech service is read from the test build's record of the queue
//! (`MSA_SPEECH_TEST_RECORD`, compiled only with debug assertions).
//!
//! Headphones are simulated with `MSA_SPEECH_TEST_HEADPHONES=1`, also a test-build-only switch:
//! a null sink has no ports, so no audio server reports a plugged jack without a sound card.
//! The detection itself (`pactl`'s JSON) is unit-tested in `speech::headphones`.
//! Longer than 400 lines: the audio session (server, capture, measure, record) and its four tests.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use fantoccini::key::Key;
use msa_test_support::{wait, Guarded};
use serde_json::Value;

use crate::a11y::axe;
use crate::harness::{e2e, Kiosk, Launch, POLL};
use crate::persons::{canary, CANARY_VALUES};
use crate::steps::{
    answer_step, click, expect_step, focused_name, i18n, next, press, type_into, Input, FR,
};

/// The capture's format: 16 kHz, mono, signed 16-bit little-endian: 32 000 bytes a second.
const RATE: u64 = 16_000;
const BYTES_PER_SECOND: u64 = RATE * 2;
/// Speech heard after a step change: at least this much non-silence (a step heading alone is
/// longer than a second at espeak-ng's normal rate).
const HEARD: f64 = 0.5;
/// Typed keys: each key interrupts the one before (the voice follows the fingers), so quick
/// typing is heard as short bursts; the last key at least is said whole.
const KEY_HEARD: f64 = 0.15;
/// How long a step's speech may take to start: Speech Dispatcher's first utterance starts the
/// espeak-ng module.
const SPEAKS_WITHIN: Duration = Duration::from_secs(20);

/// The audio server, the capture of its only sink and the folder the kiosk's speech lives in.
pub(crate) struct Audio {
    runtime: tempfile::TempDir,
    capture: PathBuf,
    record: PathBuf,
    // Dropped in this order: the capture, then the server.
    _parec: Guarded,
    _pulse: Guarded,
}

impl Audio {
    pub(crate) fn start() -> Audio {
        let runtime = tempfile::Builder::new()
            .prefix("kiosk-speech-")
            .tempdir()
            .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(runtime.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        let home = runtime.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        let env = |command: &mut Command| {
            command
                .env("XDG_RUNTIME_DIR", runtime.path())
                .env("HOME", &home)
                .env_remove("PULSE_SERVER");
        };
        let mut pulse = Command::new("pulseaudio");
        pulse
            .args([
                "--daemonize=no",
                "--exit-idle-time=-1",
                "--disallow-exit",
                "--disable-shm",
                "-n",
                "--load=module-native-protocol-unix",
                "--load=module-null-sink sink_name=kiosk rate=16000 channels=1",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::from(
                std::fs::File::create(runtime.path().join("pulseaudio.log")).unwrap(),
            ));
        env(&mut pulse);
        // Off the session bus: PulseAudio claims the bus name org.PulseAudio1 there, and the
        // second of two speech tests running at once would exit with « already taken ». Without
        // DISPLAY, libdbus does not autolaunch a bus of its own either.
        pulse
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env_remove("DISPLAY");
        let pulse = Guarded::spawn(&mut pulse, "pulseaudio");
        wait::blocking(
            "PulseAudio to answer",
            Duration::from_secs(15),
            Duration::from_millis(100),
            || {
                let mut info = Command::new("pactl");
                info.arg("info").stdout(Stdio::null()).stderr(Stdio::null());
                env(&mut info);
                if info.status().is_ok_and(|s| s.success()) {
                    Ok(())
                } else {
                    Err(())
                }
            },
        );
        let capture = runtime.path().join("capture.raw");
        let mut parec = Command::new("parec");
        parec
            .args([
                "-d",
                "kiosk.monitor",
                "--raw",
                "--format=s16le",
                "--rate=16000",
                "--channels=1",
                "--latency-msec=20",
            ])
            .stdout(Stdio::from(std::fs::File::create(&capture).unwrap()))
            .stderr(Stdio::null());
        env(&mut parec);
        let parec = Guarded::spawn(&mut parec, "parec");
        let audio = Audio {
            record: runtime.path().join("speech-queue.jsonl"),
            capture,
            runtime,
            _parec: parec,
            _pulse: pulse,
        };
        // The monitor streams silence too: the capture grows with the clock once it runs.
        let started = audio.captured();
        wait::blocking(
            "parec to capture the null sink",
            Duration::from_secs(10),
            Duration::from_millis(50),
            || {
                if audio.captured() > started + BYTES_PER_SECOND / 10 {
                    Ok(())
                } else {
                    Err(())
                }
            },
        );
        audio
    }

    /// The kiosk in this audio session: its own `XDG_RUNTIME_DIR` (Speech Dispatcher's socket
    /// and PulseAudio's), and the record of what it queued.
    pub(crate) fn launch(&self, launch: Launch) -> Launch {
        launch
            .with_env(
                "XDG_RUNTIME_DIR",
                &self.runtime.path().display().to_string(),
            )
            .with_env("MSA_SPEECH_TEST_RECORD", &self.record.display().to_string())
    }

    /// Bytes captured so far: a position in time.
    fn captured(&self) -> u64 {
        std::fs::metadata(&self.capture).map_or(0, |m| m.len())
    }

    /// Seconds of non-silence captured since `from` (a `captured()` position), measured by sox:
    /// silences longer than 20 ms under 1 % of full scale removed, the rest's length.
    pub(crate) fn heard_since(&self, from: u64) -> f64 {
        let bytes = std::fs::read(&self.capture).unwrap_or_default();
        let from = (from as usize).min(bytes.len()) & !1;
        let part = self.runtime.path().join("part.raw");
        std::fs::write(&part, &bytes[from..bytes.len() & !1]).unwrap();
        let out = Command::new("sox")
            .args([
                "-t",
                "raw",
                "-r",
                "16000",
                "-e",
                "signed-integer",
                "-b",
                "16",
                "-c",
                "1",
            ])
            .arg(&part)
            .args([
                "-n", "silence", "1", "0.02", "1%", "-1", "0.02", "1%", "stat",
            ])
            .output()
            .expect("sox (apt-get install sox)");
        let report = String::from_utf8_lossy(&out.stderr);
        report
            .lines()
            .find(|l| l.starts_with("Length (seconds):"))
            .and_then(|l| l.split(':').nth(1))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0.0)
    }

    /// Waits until at least `seconds` of speech were heard since `from`; returns how much.
    async fn expect_heard(&self, what: &str, from: u64, seconds: f64) -> f64 {
        wait::until(
            &format!("speech for {what}"),
            SPEAKS_WITHIN,
            Duration::from_millis(250),
            || async move {
                let heard = self.heard_since(from);
                if heard >= seconds {
                    Ok(heard)
                } else {
                    Err(heard)
                }
            },
        )
        .await
    }

    /// What the kiosk sent to the speech service, in order: `(kind, text)`.
    fn queued(&self) -> Vec<(String, String)> {
        std::fs::read_to_string(&self.record)
            .unwrap_or_default()
            .lines()
            .map(|line| {
                let v: Value = serde_json::from_str(line).unwrap();
                (
                    v["kind"].as_str().unwrap_or_default().to_owned(),
                    v["text"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    }

    /// Waits until an utterance after the `from`-th holds `needle`; returns the utterances since.
    async fn expect_queued(&self, from: usize, needle: &str) -> Vec<(String, String)> {
        wait::until(
            &format!("an utterance holding {needle:?}"),
            Duration::from_secs(30),
            POLL,
            || async move {
                let since: Vec<_> = self.queued().into_iter().skip(from).collect();
                if since.iter().any(|(_, text)| text.contains(needle)) {
                    Ok(since)
                } else {
                    Err(since)
                }
            },
        )
        .await
    }

    /// Waits until `count` personal utterances (typed keys) were queued after the `from`-th;
    /// returns their texts.
    async fn expect_personal(&self, from: usize, count: usize) -> Vec<String> {
        wait::until(
            &format!("{count} typed keys spoken"),
            Duration::from_secs(10),
            POLL,
            || async move {
                let personal: Vec<String> = self
                    .queued()
                    .into_iter()
                    .skip(from)
                    .filter(|(kind, _)| kind == "personal")
                    .map(|(_, text)| text)
                    .collect();
                if personal.len() >= count {
                    Ok(personal)
                } else {
                    Err(personal)
                }
            },
        )
        .await
    }
}

impl Drop for Audio {
    fn drop(&mut self) {
        // The kiosk autospawned Speech Dispatcher as a daemon (outside every process group of
        // the test): end it by its pid file, in this test's runtime folder only.
        let pid_file = self
            .runtime
            .path()
            .join("speech-dispatcher/pid/speech-dispatcher.pid");
        if let Some(pid) = std::fs::read_to_string(pid_file)
            .ok()
            .and_then(|p| p.trim().parse::<u32>().ok())
        {
            let _ = Command::new("kill").arg(pid.to_string()).status();
        }
    }
}

/// Touches « Écouter » and waits for Rust to say speech is on.
async fn listen(kiosk: &Kiosk) {
    click(kiosk, "button", &i18n("fr", "toolbar.listen")).await;
    kiosk
        .wait_for(
            "« Écouter » pressed",
            "return document.querySelector('[data-action=listen]').getAttribute('aria-pressed') === 'true';",
            Duration::from_secs(5),
        )
        .await;
}

fn has_digit(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_digit())
}

/// The canary's NIR without its spaces, one character per key.
fn canary_nir_keys() -> Vec<char> {
    canary()
        .nir
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn each_step_is_spoken_and_no_digit_of_the_nir_reaches_the_loudspeaker() {
    let audio = Arc::new(Audio::start());
    e2e(
        "speech-steps",
        audio.launch(Launch::kiosk()),
        move |kiosk| {
            let audio = audio.clone();
            async move {
                kiosk.heading().await;
                let from = audio.captured();
                listen(&kiosk).await;
                audio.expect_heard("the welcome screen", from, HEARD).await;

                // Step 2: its heading is queued and heard.
                let (from, n) = (audio.captured(), audio.queued().len());
                click(&kiosk, "button", FR.start).await;
                expect_step(&kiosk, &FR, 2).await;
                audio.expect_queued(n, &i18n("fr", "nir.title")).await;
                let step2 = audio.expect_heard("step 2", from, HEARD).await;

                // An error: the summary and the error are spoken.
                let (from, n) = (audio.captured(), audio.queued().len());
                next(&kiosk, &FR).await;
                audio
                    .expect_queued(n, &i18n("fr", "error.summary.title"))
                    .await;
                audio.expect_heard("the error summary", from, HEARD).await;

                // Without headphones, the canary NIR typed key by key: « chiffre », never a digit.
                let n = audio.queued().len();
                type_into(&kiosk, FR.nir, canary().nir).await;
                let keys = canary_nir_keys();
                let typed = audio.expect_personal(n, keys.len()).await;
                assert!(
                    typed.iter().all(|text| text == "chiffre"),
                    "typed keys were said as {typed:?}"
                );
                let since: Vec<_> = audio.queued().into_iter().skip(n).collect();
                assert!(
                    since.iter().all(|(_, text)| !has_digit(text)),
                    "a digit reached the speech service without headphones: {since:?}"
                );

                // Steps 3 to 6: each new step is read (its heading queued) and heard, measured from
                // the moment its heading is on screen.
                let mut heard = vec![step2];
                let person = canary();
                for step in 2..6u8 {
                    let n = audio.queued().len();
                    if step == 2 {
                        next(&kiosk, &FR).await;
                    } else {
                        answer_step(&kiosk, &FR, &person, step, Input::Touch).await;
                    }
                    expect_step(&kiosk, &FR, step + 1).await;
                    let from = audio.captured();
                    audio
                        .expect_queued(n, &format!("Étape {} sur 7", step + 1))
                        .await;
                    heard.push(
                        audio
                            .expect_heard(&format!("step {}", step + 1), from, HEARD)
                            .await,
                    );
                }
                eprintln!("speech heard after each step change (s, steps 2–6): {heard:.2?}");

                // The review's values went to the speech service as field names only.
                let all = audio.queued();
                for value in CANARY_VALUES {
                    assert!(
                        all.iter()
                            .all(|(_, text)| !text.to_lowercase().contains(&value.to_lowercase())),
                        "{value} was sent to the speech service without headphones"
                    );
                }
                assert!(all
                    .iter()
                    .any(|(kind, text)| kind == "personal"
                        && text == &i18n("fr", "speech.field.nir")));

                // Speech on changes nothing for axe.
                let violations = axe(&kiosk, "speech-review").await;
                assert!(violations.is_empty(), "{violations:#?}");
            }
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn with_headphones_the_typed_characters_are_spoken() {
    let audio = Arc::new(Audio::start());
    let launch = audio
        .launch(Launch::kiosk())
        .with_env("MSA_SPEECH_TEST_HEADPHONES", "1");
    e2e("speech-headphones", launch, move |kiosk| {
        let audio = audio.clone();
        async move {
            kiosk.heading().await;
            listen(&kiosk).await;
            click(&kiosk, "button", FR.start).await;
            expect_step(&kiosk, &FR, 2).await;
            let (from, n) = (audio.captured(), audio.queued().len());
            type_into(&kiosk, FR.nir, canary().nir).await;
            let keys: Vec<String> = canary_nir_keys().iter().map(char::to_string).collect();
            let typed = audio.expect_personal(n, keys.len()).await;
            assert_eq!(typed, keys, "with headphones each key is said as typed");
            audio.expect_heard("the typed NIR", from, KEY_HEARD).await;
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn speech_off_makes_no_sound_until_ecouter() {
    let audio = Arc::new(Audio::start());
    e2e("speech-off", audio.launch(Launch::kiosk()), move |kiosk| {
        let audio = audio.clone();
        async move {
            kiosk.heading().await;
            let from = audio.captured();
            click(&kiosk, "button", FR.start).await;
            expect_step(&kiosk, &FR, 2).await;
            type_into(&kiosk, FR.nir, canary().nir).await;
            next(&kiosk, &FR).await;
            expect_step(&kiosk, &FR, 3).await;
            // Two more seconds of capture after the last step change: the observable end of
            // the period, not a sleep (the capture grows with the audio clock).
            let end = audio.captured() + 2 * BYTES_PER_SECOND;
            wait::until(
                "two seconds more of capture",
                Duration::from_secs(10),
                POLL,
                || async {
                    if audio.captured() >= end {
                        Ok(())
                    } else {
                        Err(())
                    }
                },
            )
            .await;
            assert_eq!(audio.heard_since(from), 0.0, "sound with speech off");
            assert!(
                audio.queued().is_empty(),
                "queued with speech off: {:?}",
                audio.queued()
            );

            // The same capture hears speech as soon as « Écouter » is touched.
            let from = audio.captured();
            listen(&kiosk).await;
            audio
                .expect_heard("« Écouter » on step 3", from, HEARD)
                .await;
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_idle_countdown_is_heard_and_continuer_is_reached() {
    let audio = Arc::new(Audio::start());
    let launch = audio
        .launch(Launch::kiosk())
        .with_toml("[idle]\nidle_seconds = 8\nwarning_seconds = 20\n");
    e2e("speech-idle", launch, move |kiosk| {
        let audio = audio.clone();
        async move {
            kiosk.heading().await;
            listen(&kiosk).await;
            click(&kiosk, "button", FR.start).await;
            expect_step(&kiosk, &FR, 2).await;
            let n = audio.queued().len();
            let title = i18n("fr", "idle.title");
            let said = audio.expect_queued(n, &title).await;
            let from = audio.captured();
            let dialog = said
                .iter()
                .find(|(_, t)| t.contains(&title))
                .unwrap()
                .1
                .clone();
            let continuer = i18n("fr", "idle.continue");
            assert!(
                dialog.contains(&continuer),
                "the dialog was read as {dialog:?}"
            );
            assert!(dialog.contains("secondes"), "no countdown in {dialog:?}");
            audio.expect_heard("the idle dialog", from, HEARD).await;
            // A person who heard « Continuer » presses the key in front of them: the button has
            // focus, so Enter answers.
            assert_eq!(focused_name(&kiosk).await, ("button".to_owned(), continuer));
            press(&kiosk, &Key::Enter).await;
            kiosk
                .wait_for(
                    "the idle dialog closed",
                    "return !document.getElementById('idle-dialog').open;",
                    Duration::from_secs(5),
                )
                .await;
            expect_step(&kiosk, &FR, 2).await;
        }
    })
    .await;
}
