//! The kiosk speaks (issue 19; EN 301 549 §5.1.3 « closed functionality »): the page asks for
//! an utterance, this room decides what may be said and sends it to the OS speech service.
//!
//! - One [`Speaker`] per app: a queue with one voice (one connection to the service; a new step
//!   interrupts, errors queue after the heading), stopped when the person acts (`stop`).
//! - Speech is on only for the session that turned it on (« Écouter », or `[speech] default_on`)
//!   and off again at the session's end ([`Speaker::end_session`]: Terminer, idle expiry,
//!   crash wipe).
//! - Private listening (`privacy`): personal values only through headphones (`headphones`).
//!
//! Tauri-free; `shell::commands` holds the three commands. Nothing spoken is ever logged.

pub mod engine;
pub mod headphones;
pub mod privacy;
pub mod strings;

use std::sync::Mutex;

use serde::Serialize;

use crate::config::SpeechConfig;
use crate::receipt::Lang;
use engine::{Engine, Voice};
use headphones::Detector;
use privacy::Kind;

/// What the page asked to hear, its arguments already read as hostile (`Kind::Personal` for
/// anything the page did not name clearly).
#[derive(Debug, Clone)]
pub struct Utterance {
    pub text: String,
    pub kind: Kind,
    pub lang: Lang,
    /// A new screen: silence what is being said first.
    pub interrupt: bool,
}

impl Utterance {
    /// The command's arguments as they come from the page. `kind`: `"screen"`, `"spell"` or
    /// `"personal"`; anything else, or none, is personal, so a page's mistake is never said
    /// over the loudspeaker. `field` names a personal value's field (`privacy::Field::named`).
    pub fn from_page(
        text: Option<String>,
        kind: Option<&str>,
        field: Option<&str>,
        lang: Option<&str>,
        interrupt: Option<bool>,
    ) -> Utterance {
        let field = privacy::Field::named(field.unwrap_or(""));
        Utterance {
            text: privacy::clean(text.as_deref().unwrap_or("")),
            kind: match kind {
                Some("screen") => Kind::Screen,
                Some("spell") => Kind::Spell,
                _ => Kind::Personal(field),
            },
            lang: Lang::from_code(lang),
            interrupt: interrupt.unwrap_or(false),
        }
    }
}

/// What the page sees of speech (`speech_settings`'s answer). Nothing personal.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct SpeechState {
    /// `[speech] enabled`: the « Écouter » button exists.
    pub enabled: bool,
    /// `[speech] default_on`: what a new session starts with.
    pub default_on: bool,
    /// Speech is on for this session.
    pub on: bool,
    pub rate: i8,
    pub volume: u8,
}

/// The settings the page may change (`speech_settings`); `None` keeps the current value.
/// Out-of-range numbers are brought into range: a slider cannot do harm.
#[derive(Debug, Default, Clone, Copy)]
pub struct Change {
    pub on: Option<bool>,
    pub rate: Option<i64>,
    pub volume: Option<i64>,
}

/// `say`'s answer: whether something went to the speech service (nothing when speech is off,
/// the text is empty, or the service is away).
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Said {
    pub spoken: bool,
}

struct Inner {
    on: bool,
    rate: i8,
    volume: u8,
    engine: Option<Box<dyn Engine>>,
    detector: Detector,
}

/// The kiosk's one voice.
pub struct Speaker {
    config: SpeechConfig,
    inner: Mutex<Inner>,
}

impl Speaker {
    pub fn new(config: SpeechConfig) -> Speaker {
        Speaker {
            config,
            inner: Mutex::new(Inner {
                on: config.enabled && config.default_on,
                rate: config.rate,
                volume: config.volume,
                engine: None,
                detector: Detector::default(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic elsewhere while holding it leaves plain settings behind: keep going.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn state(&self) -> SpeechState {
        let inner = self.lock();
        SpeechState {
            enabled: self.config.enabled,
            default_on: self.config.enabled && self.config.default_on,
            on: inner.on,
            rate: inner.rate,
            volume: inner.volume,
        }
    }

    /// Applies the page's change; turning speech off silences it at once.
    pub fn change(&self, change: Change) -> SpeechState {
        {
            let mut inner = self.lock();
            if let Some(on) = change.on {
                inner.on = on && self.config.enabled;
                if !inner.on {
                    silence(&mut inner);
                }
            }
            if let Some(rate) = change.rate {
                inner.rate = rate.clamp(-100, 100) as i8;
            }
            if let Some(volume) = change.volume {
                inner.volume = volume.clamp(0, 100) as u8;
            }
        }
        self.state()
    }

    /// Says `utterance` if speech is on, after the private-listening rule.
    pub fn say(&self, utterance: &Utterance) -> Said {
        let mut inner = self.lock();
        if !inner.on || utterance.text.is_empty() {
            return Said { spoken: false };
        }
        // The audio server is asked only when the answer changes what is said: a personal
        // value, or a screen text holding something that looks like one (`privacy`).
        let listening = match utterance.kind {
            Kind::Personal(_) => inner.detector.listening(),
            Kind::Screen | Kind::Spell if privacy::holds_personal(&utterance.text) => {
                inner.detector.listening()
            }
            Kind::Screen | Kind::Spell => privacy::Listening::Open,
        };
        let lang = utterance.lang;
        let word = move |neutral: privacy::Neutral| strings::word(lang, neutral.key());
        let text = privacy::apply(utterance.kind, &utterance.text, listening, &word).into_owned();
        let voice = Voice {
            lang: match utterance.lang {
                Lang::Fr => "fr",
                Lang::En => "en",
            },
            rate: inner.rate,
            volume: inner.volume,
        };
        record(utterance.kind, &text);
        let spoken = with_engine(&mut inner, |engine| {
            engine.speak(&text, voice, utterance.interrupt)
        });
        Said { spoken }
    }

    /// The person acted: silence now, drop the queue.
    pub fn stop(&self) {
        silence(&mut self.lock());
    }

    /// The session ended (Terminer, idle expiry, « Abandonner », crash wipe): silence, speech
    /// back to the configuration's default, the session's rate and volume forgotten.
    pub fn end_session(&self) {
        let mut inner = self.lock();
        silence(&mut inner);
        inner.on = self.config.enabled && self.config.default_on;
        inner.rate = self.config.rate;
        inner.volume = self.config.volume;
    }
}

fn silence(inner: &mut Inner) {
    if inner.engine.is_some() {
        with_engine(inner, |engine| engine.stop());
    }
}

/// Runs `action` on the connection, connecting first; a failed connection is dropped (the
/// next utterance reconnects, e.g. after the daemon's own idle exit) and retried once.
fn with_engine(inner: &mut Inner, action: impl Fn(&mut dyn Engine) -> Result<(), String>) -> bool {
    for _attempt in 0..2 {
        if inner.engine.is_none() {
            match engine::connect() {
                Ok(engine) => inner.engine = Some(engine),
                Err(message) => {
                    tracing::warn!(%message, "speech service unreachable");
                    return false;
                }
            }
        }
        let Some(engine) = inner.engine.as_mut() else {
            return false;
        };
        match action(engine.as_mut()) {
            Ok(()) => return true,
            Err(message) => {
                tracing::warn!(%message, "speech service failed; reconnecting");
                inner.engine = None;
            }
        }
    }
    false
}

/// Test builds only (`debug_assertions`): with `MSA_SPEECH_TEST_RECORD=<file>`, every text sent
/// to the speech service is appended to the file as one JSON line `{kind, text}`, so that the
/// end-to-end tests check what was queued. The release kiosk never writes what it says.
fn record(kind: Kind, text: &str) {
    if !cfg!(debug_assertions) {
        return;
    }
    let Some(path) = std::env::var_os("MSA_SPEECH_TEST_RECORD") else {
        return;
    };
    let kind = match kind {
        Kind::Screen => "screen",
        Kind::Spell => "spell",
        Kind::Personal(_) => "personal",
    };
    let line = serde_json::json!({ "kind": kind, "text": text }).to_string();
    use std::io::Write;
    if let Ok(mut file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
    {
        let _ = writeln!(file, "{line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_speaker(enabled: bool, default_on: bool) -> Speaker {
        Speaker::new(SpeechConfig {
            enabled,
            default_on,
            ..SpeechConfig::default()
        })
    }

    #[test]
    fn speech_is_off_until_asked_and_off_again_at_the_sessions_end() {
        let speaker = new_speaker(true, false);
        assert!(!speaker.state().on);
        let utterance =
            Utterance::from_page(Some("Bonjour".into()), Some("screen"), None, None, None);
        // Off: nothing reaches the service (there is none in unit tests).
        assert_eq!(speaker.say(&utterance), Said { spoken: false });
        let state = speaker.change(Change {
            on: Some(true),
            rate: Some(500),
            volume: Some(-3),
        });
        assert_eq!((state.on, state.rate, state.volume), (true, 100, 0));
        speaker.end_session();
        assert_eq!(speaker.state(), new_speaker(true, false).state());
    }

    #[test]
    fn a_disabled_kiosk_never_turns_speech_on() {
        let speaker = new_speaker(false, true);
        assert!(!speaker.state().on);
        assert!(
            !speaker
                .change(Change {
                    on: Some(true),
                    ..Change::default()
                })
                .on
        );
        let on_by_default = super::Speaker::new(SpeechConfig {
            default_on: true,
            ..SpeechConfig::default()
        });
        assert!(on_by_default.state().on);
    }

    #[test]
    fn unclear_kinds_are_personal() {
        for kind in [None, Some("Screen"), Some("public"), Some("")] {
            let u = Utterance::from_page(Some("1".into()), kind, Some("nir"), Some("fr"), None);
            assert_eq!(u.kind, Kind::Personal(privacy::Field::Nir), "{kind:?}");
        }
    }
}
