//! Are headphones plugged in? The audio server knows: on Linux, PulseAudio or PipeWire (through
//! `pipewire-pulse`) reports the default sink's active port and whether something is plugged
//! into it (jack detection). Read with `pactl get-default-sink` and `pactl -f json list sinks`
//! (pulseaudio-utils ≥ 16, also what `pipewire-pulse` systems ship): the same client every
//! Debian desktop has, and nothing linked into the kiosk.
//!
//! Headphones = the default sink's active port is a headphone or headset port (its `type`, or
//! its name on older servers) whose availability is `available`. Anything else, including no
//! audio server or an answer we cannot read, is [`Listening::Open`]: when in doubt, the value is
//! not said aloud.
//!
//! Windows: the kiosk treats output as open (see the README: jack detection there goes through
//! the endpoint's `KSJACK_DESCRIPTION`, not done yet).

use std::process::Command;
use std::time::{Duration, Instant};

use serde::Deserialize;

use super::privacy::Listening;

/// How long one answer of the audio server is trusted: a person plugs headphones in between
/// two keys, not between two letters of one key.
const FRESH: Duration = Duration::from_secs(1);

/// The last answer, so that a burst of keys asks the audio server once.
#[derive(Debug, Default)]
pub struct Detector {
    last: Option<(Instant, Listening)>,
}

impl Detector {
    pub fn listening(&mut self) -> Listening {
        if let Some(listening) = test_override() {
            return listening;
        }
        match self.last {
            Some((at, listening)) if at.elapsed() < FRESH => listening,
            _ => {
                let listening = detect();
                self.last = Some((Instant::now(), listening));
                listening
            }
        }
    }
}

/// Test builds only (`debug_assertions`): `MSA_SPEECH_TEST_HEADPHONES=1` says headphones are
/// plugged in. A software sink (the tests' null sink) has no port at all, so no audio server
/// can report headphones on a machine without a sound card; the release kiosk never reads it.
fn test_override() -> Option<Listening> {
    if cfg!(debug_assertions)
        && std::env::var_os("MSA_SPEECH_TEST_HEADPHONES").is_some_and(|v| v == "1")
    {
        Some(Listening::Private)
    } else {
        None
    }
}

/// Asks the audio server now.
#[cfg(target_os = "linux")]
pub fn detect() -> Listening {
    let run = |args: &[&str]| {
        Command::new("pactl")
            .args(args)
            .env("LC_ALL", "C")
            .output()
            .ok()
            .filter(|out| out.status.success())
            .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let (Some(default_sink), Some(sinks)) = (
        run(&["get-default-sink"]),
        run(&["-f", "json", "list", "sinks"]),
    ) else {
        return Listening::Open;
    };
    from_pactl(default_sink.trim(), &sinks)
}

#[cfg(not(target_os = "linux"))]
pub fn detect() -> Listening {
    let _ = Command::new;
    Listening::Open
}

#[derive(Deserialize)]
struct Sink {
    name: String,
    #[serde(default)]
    active_port: Option<String>,
    #[serde(default)]
    ports: Vec<Port>,
}

#[derive(Deserialize)]
struct Port {
    name: String,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    availability: Option<String>,
}

/// The rule on `pactl -f json list sinks`'s answer for the sink named `default_sink`.
pub fn from_pactl(default_sink: &str, sinks_json: &str) -> Listening {
    let Ok(sinks) = serde_json::from_str::<Vec<Sink>>(sinks_json) else {
        return Listening::Open;
    };
    let Some(sink) = sinks.iter().find(|s| s.name == default_sink) else {
        return Listening::Open;
    };
    let Some(active) = sink.active_port.as_deref() else {
        return Listening::Open;
    };
    let Some(port) = sink.ports.iter().find(|p| p.name == active) else {
        return Listening::Open;
    };
    let is_headphones = match port.kind.as_deref() {
        Some("Headphones" | "Headset") => true,
        // Servers before the port types (PulseAudio < 14) name the port instead.
        Some("Unknown") | None => {
            let name = port.name.to_ascii_lowercase();
            name.contains("headphone") || name.contains("headset")
        }
        Some(_) => false,
    };
    if is_headphones && port.availability.as_deref() == Some("available") {
        Listening::Private
    } else {
        Listening::Open
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sinks(active: &str, availability: &str) -> String {
        format!(
            r#"[{{"name":"alsa_output.pci-0000_00_1f.3.analog-stereo","active_port":"{active}","ports":[
              {{"name":"analog-output-speaker","type":"Speaker","availability":"availability unknown"}},
              {{"name":"analog-output-headphones","type":"Headphones","availability":"{availability}"}}]}},
             {{"name":"kiosk","active_port":null,"ports":[]}}]"#
        )
    }
    const CARD: &str = "alsa_output.pci-0000_00_1f.3.analog-stereo";

    #[test]
    fn plugged_headphones_on_the_default_sink_are_private() {
        let json = sinks("analog-output-headphones", "available");
        assert_eq!(from_pactl(CARD, &json), Listening::Private);
    }

    #[test]
    fn everything_else_is_open() {
        let unplugged = sinks("analog-output-headphones", "not available");
        assert_eq!(from_pactl(CARD, &unplugged), Listening::Open);
        let speaker = sinks("analog-output-speaker", "available");
        assert_eq!(from_pactl(CARD, &speaker), Listening::Open);
        // The default is another sink (the null sink of the tests: no port at all).
        let json = sinks("analog-output-headphones", "available");
        assert_eq!(from_pactl("kiosk", &json), Listening::Open);
        assert_eq!(from_pactl(CARD, "not json"), Listening::Open);
        assert_eq!(from_pactl(CARD, "[]"), Listening::Open);
    }

    #[test]
    fn old_servers_are_read_by_the_port_name() {
        let json = r#"[{"name":"s","active_port":"analog-output-headphones","ports":[{"name":"analog-output-headphones","availability":"available"}]}]"#;
        assert_eq!(from_pactl("s", json), Listening::Private);
    }
}
