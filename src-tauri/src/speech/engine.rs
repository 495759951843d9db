//! The OS speech service behind one small trait, so that the queue and the private-listening
//! rule (`super::Speaker`) are the same on every OS.
//!
//! - Linux: Speech Dispatcher over its own protocol (SSIP) with `ssip-client-async` (pure Rust,
//!   kept by the Odilia screen reader's team): no C library or bindgen at build time, and the
//!   daemon is autospawned per user (`speech-dispatcher --spawn`) when its socket is absent.
//! - Windows: the `tts` crate's WinRT backend (`Windows.Media.SpeechSynthesis`), compiled only
//!   there.

/// Voice settings as the kiosk holds them (`config::SpeechConfig`'s scales).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Voice {
    /// BCP 47 primary language (`fr`, `en`).
    pub lang: &'static str,
    /// -100..=100, 0 normal.
    pub rate: i8,
    /// 0..=100 percent.
    pub volume: u8,
}

/// One connection to the speech service. Errors are short texts for the log: never the text
/// that was to be spoken.
pub trait Engine: Send {
    /// Queues `text` after what is being said, or first silences everything when `interrupt`.
    fn speak(&mut self, text: &str, voice: Voice, interrupt: bool) -> Result<(), String>;
    /// Silences the current utterance and drops the queue.
    fn stop(&mut self) -> Result<(), String>;
}

/// Connects to the OS speech service, starting it if needed.
pub fn connect() -> Result<Box<dyn Engine>, String> {
    platform::connect()
}

#[cfg(unix)]
mod platform {
    use std::os::unix::net::UnixStream;
    use std::time::Duration;

    use ssip_client_async::fifo::synchronous::Builder;
    use ssip_client_async::{
        Client, ClientName, ClientScope, MessageScope, Priority, OK_CANCELED, OK_LANGUAGE_SET,
        OK_PRIORITY_SET, OK_RATE_SET, OK_VOLUME_SET,
    };

    use super::{Engine, Voice};

    /// An answer of Speech Dispatcher takes microseconds; a hung daemon must not hang a command.
    const ANSWER_WAIT: Duration = Duration::from_secs(2);

    struct SpeechDispatcher {
        client: Client<UnixStream>,
        /// What the connection was last set to, so an utterance costs one round trip.
        voice: Option<Voice>,
    }

    fn failed(what: &'static str) -> impl Fn(ssip_client_async::ClientError) -> String {
        move |error| format!("speech-dispatcher: {what}: {error}")
    }

    pub fn connect() -> Result<Box<dyn Engine>, String> {
        let mut builder = Builder::new();
        builder.timeout(ANSWER_WAIT);
        let client = match builder.build() {
            Ok(client) => client,
            Err(_) => {
                // No daemon for this user yet: start one, as libspeechd's autospawn does.
                builder
                    .with_spawn()
                    .map_err(|e| format!("speech-dispatcher: cannot start it: {e}"))?;
                builder
                    .build()
                    .map_err(|e| format!("speech-dispatcher: cannot connect: {e}"))?
            }
        };
        let mut engine = SpeechDispatcher {
            client,
            voice: None,
        };
        engine
            .client
            .set_client_name(ClientName::new("msa-kiosk", "wizard"))
            .map_err(failed("client name"))?
            .check_client_name_set()
            .map_err(failed("client name"))?
            .set_priority(Priority::Text)
            .map_err(failed("priority"))?
            .check_status(OK_PRIORITY_SET)
            .map_err(failed("priority"))?;
        Ok(Box::new(engine))
    }

    impl SpeechDispatcher {
        fn apply(&mut self, voice: Voice) -> Result<(), String> {
            if self.voice == Some(voice) {
                return Ok(());
            }
            // SSIP volume is -100..=100 with 100 the loudest.
            let volume = (i16::from(voice.volume) * 2 - 100).clamp(-100, 100) as i8;
            self.client
                .set_language(ClientScope::Current, voice.lang)
                .map_err(failed("language"))?
                .check_status(OK_LANGUAGE_SET)
                .map_err(failed("language"))?
                .set_rate(ClientScope::Current, voice.rate)
                .map_err(failed("rate"))?
                .check_status(OK_RATE_SET)
                .map_err(failed("rate"))?
                .set_volume(ClientScope::Current, volume)
                .map_err(failed("volume"))?
                .check_status(OK_VOLUME_SET)
                .map_err(failed("volume"))?;
            self.voice = Some(voice);
            Ok(())
        }
    }

    impl Engine for SpeechDispatcher {
        fn speak(&mut self, text: &str, voice: Voice, interrupt: bool) -> Result<(), String> {
            if interrupt {
                self.stop()?;
            }
            self.apply(voice)?;
            self.client
                .speak()
                .map_err(failed("speak"))?
                .check_receiving_data()
                .map_err(failed("speak"))?
                .send_line(text)
                .map_err(failed("speak"))?
                .receive_message_id()
                .map_err(failed("speak"))?;
            Ok(())
        }

        fn stop(&mut self) -> Result<(), String> {
            // CANCEL self: this client's current message and its queue.
            self.client
                .cancel(MessageScope::Last)
                .map_err(failed("cancel"))?
                .check_status(OK_CANCELED)
                .map_err(failed("cancel"))?;
            Ok(())
        }
    }
}

#[cfg(windows)]
mod platform {
    use super::{Engine, Voice};

    struct WinRt {
        tts: tts::Tts,
    }

    pub fn connect() -> Result<Box<dyn Engine>, String> {
        let tts = tts::Tts::default().map_err(|e| format!("windows speech: {e}"))?;
        Ok(Box::new(WinRt { tts }))
    }

    impl Engine for WinRt {
        fn speak(&mut self, text: &str, voice: Voice, interrupt: bool) -> Result<(), String> {
            let fail = |e: tts::Error| format!("windows speech: {e}");
            // The kiosk's -100..=100 onto the backend's own range, around its normal rate.
            let normal = self.tts.normal_rate();
            let rate = if voice.rate >= 0 {
                normal + (self.tts.max_rate() - normal) * f32::from(voice.rate) / 100.0
            } else {
                normal + (normal - self.tts.min_rate()) * f32::from(voice.rate) / 100.0
            };
            self.tts.set_rate(rate).map_err(fail)?;
            let volume = self.tts.min_volume()
                + (self.tts.max_volume() - self.tts.min_volume()) * f32::from(voice.volume) / 100.0;
            self.tts.set_volume(volume).map_err(fail)?;
            self.tts.speak(text, interrupt).map_err(fail)?;
            Ok(())
        }

        fn stop(&mut self) -> Result<(), String> {
            self.tts
                .stop()
                .map(|_| ())
                .map_err(|e| format!("windows speech: {e}"))
        }
    }
}

#[cfg(not(any(unix, windows)))]
mod platform {
    pub fn connect() -> Result<Box<dyn super::Engine>, String> {
        Err("no speech service on this OS".to_owned())
    }
}
