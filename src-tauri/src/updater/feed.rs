//! The feed the kiosk asks for updates: the agency's file merged with the bundled
//! `tauri.conf.json`, key by key, and written into the plugin's configuration so that the plugin
//! and this module agree (never a downgrade, https only, except a feed wholly on loopback).

use base64::Engine;
use serde_json::{json, Value};
use tauri::Runtime;
use url::Url;

use super::signature::decode_pubkey;
use crate::config::{is_loopback, UpdaterConfig};

/// `tauri.conf.json` as built into the binary: the bundled feed and public key.
pub(crate) const BUNDLED_CONF: &str = include_str!("../../../tauri.conf.json");

/// The feed the kiosk uses once the agency's file and `tauri.conf.json` are merged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feed {
    pub endpoints: Vec<Url>,
    /// The public key as `tauri signer generate` writes it: base64 of the minisign key file.
    pub pubkey: String,
    /// Every endpoint is on this machine (a test feed): only then may plain http be used.
    pub loopback_only: bool,
}

/// Why the updater is off. The kiosk runs on; `status.json` says why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedProblem {
    #[error("no update feed: set `[updater] endpoints` in the configuration file or `plugins.updater.endpoints` in tauri.conf.json")]
    NoEndpoints,
    #[error("no public key: set `[updater] pubkey` in the configuration file or `plugins.updater.pubkey` in tauri.conf.json")]
    NoPubkey,
    #[error("the feed URL {0} is not https:// (plain http:// is allowed on loopback only)")]
    InsecureEndpoint(String),
    #[error("the feed URL {0:?} in tauri.conf.json is not a URL")]
    BadEndpoint(String),
    #[error("the updater public key cannot be read: {0}")]
    BadPubkey(String),
    #[error("the updater cannot start: {0}")]
    Plugin(String),
}

/// `plugins.updater` of the bundled `tauri.conf.json`.
pub fn bundled_settings() -> Value {
    serde_json::from_str::<Value>(BUNDLED_CONF)
        .ok()
        .and_then(|conf| conf.pointer("/plugins/updater").cloned())
        .unwrap_or(Value::Null)
}

impl Feed {
    /// The agency's file wins over `tauri.conf.json`, key by key.
    pub fn resolve(config: &UpdaterConfig) -> Result<Feed, FeedProblem> {
        Feed::resolve_with(config, &bundled_settings())
    }

    pub fn resolve_with(config: &UpdaterConfig, bundled: &Value) -> Result<Feed, FeedProblem> {
        let endpoints = if config.endpoints.is_empty() {
            let mut endpoints = Vec::new();
            for text in bundled["endpoints"].as_array().into_iter().flatten() {
                let text = text.as_str().unwrap_or_default();
                endpoints
                    .push(Url::parse(text).map_err(|_| FeedProblem::BadEndpoint(text.into()))?);
            }
            endpoints
        } else {
            config.endpoints.clone()
        };
        if endpoints.is_empty() {
            return Err(FeedProblem::NoEndpoints);
        }
        for url in &endpoints {
            if !(url.scheme() == "https" || url.scheme() == "http" && is_loopback(url)) {
                return Err(FeedProblem::InsecureEndpoint(url.to_string()));
            }
        }
        let pubkey = effective_pubkey(config, bundled)?;
        let loopback_only = endpoints.iter().all(is_loopback);
        Ok(Feed {
            endpoints,
            pubkey,
            loopback_only,
        })
    }

    /// A download URL announced by the feed: https, or loopback http when the feed itself is
    /// on this machine. The plugin only warns about a plain http download; we refuse it.
    pub fn accepts_download_url(&self, url: &Url) -> bool {
        url.scheme() == "https"
            || (url.scheme() == "http" && self.loopback_only && is_loopback(url))
    }
}

/// The public key to check updates with (also what the root update service uses).
pub fn effective_pubkey(config: &UpdaterConfig, bundled: &Value) -> Result<String, FeedProblem> {
    let raw = config
        .pubkey
        .clone()
        .or_else(|| bundled["pubkey"].as_str().map(str::to_owned))
        .map(|key| key.trim().to_owned())
        .filter(|key| !key.is_empty())
        .ok_or(FeedProblem::NoPubkey)?;
    // Accept the key file's two lines as well as their base64 (what `tauri signer` prints).
    let pubkey = if raw.starts_with("untrusted comment:") {
        base64::engine::general_purpose::STANDARD.encode(format!("{raw}\n"))
    } else {
        raw
    };
    decode_pubkey(&pubkey).map_err(FeedProblem::BadPubkey)?;
    Ok(pubkey)
}

/// Writes the effective feed into the plugin's configuration before the app is built, so that
/// the plugin and this module agree. Whatever `tauri.conf.json` says: never a downgrade, every
/// signature bound to its version, TLS checked, plain http only when every endpoint is loopback.
pub fn configure_context<R: Runtime>(context: &mut tauri::Context<R>, feed: Option<&Feed>) {
    let plugins = &mut context.config_mut().plugins.0;
    let mut settings = plugins
        .get("updater")
        .cloned()
        .filter(Value::is_object)
        .unwrap_or_else(|| json!({ "pubkey": "" }));
    settings["allowDowngrades"] = json!(false);
    settings["requireSignedVersion"] = json!(true);
    settings["dangerousAcceptInvalidCerts"] = json!(false);
    settings["dangerousAcceptInvalidHostnames"] = json!(false);
    match feed {
        Some(feed) => {
            settings["endpoints"] = json!(feed.endpoints);
            settings["pubkey"] = json!(feed.pubkey);
            settings["dangerousInsecureTransportProtocol"] = json!(feed.loopback_only);
        }
        None => {
            // Off: no endpoint the plugin could refuse at start (which would stop the app).
            settings["endpoints"] = json!([]);
            settings["dangerousInsecureTransportProtocol"] = json!(false);
        }
    }
    plugins.insert("updater".into(), settings);
}

/// For `run_app`, before `tauri::Builder::run`: resolves the feed and configures the plugin.
pub fn prepare<R: Runtime>(
    context: &mut tauri::Context<R>,
    config: &UpdaterConfig,
) -> Result<Feed, FeedProblem> {
    let feed = Feed::resolve(config);
    configure_context(context, feed.as_ref().ok());
    feed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::updater::test_keys::{config, keys};

    #[test]
    fn the_agency_file_wins_over_tauri_conf() {
        let bundled_key = keys().pubkey();
        let agency_key = keys().pubkey();
        let bundled = json!({ "endpoints": ["https://national.example.fr/latest.json"], "pubkey": bundled_key });

        let feed = Feed::resolve_with(&config(&[], None), &bundled).unwrap();
        assert_eq!(
            feed.endpoints[0].as_str(),
            "https://national.example.fr/latest.json"
        );
        assert_eq!(feed.pubkey, bundled_key);
        assert!(!feed.loopback_only);

        let feed = Feed::resolve_with(
            &config(
                &["https://agence.example.fr/kiosk/latest.json"],
                Some(&agency_key),
            ),
            &bundled,
        )
        .unwrap();
        assert_eq!(feed.endpoints[0].host_str(), Some("agence.example.fr"));
        assert_eq!(feed.pubkey, agency_key);
    }

    #[test]
    fn a_missing_or_bad_feed_turns_the_updater_off() {
        let key = keys().pubkey();
        let none = json!({ "endpoints": [], "pubkey": "" });
        assert_eq!(
            Feed::resolve_with(&config(&[], None), &none),
            Err(FeedProblem::NoEndpoints)
        );
        assert_eq!(
            Feed::resolve_with(&config(&["https://a.example.fr/"], None), &none),
            Err(FeedProblem::NoPubkey)
        );
        assert!(matches!(
            Feed::resolve_with(
                &config(&["https://a.example.fr/"], Some("bm90IGEga2V5")),
                &none
            ),
            Err(FeedProblem::BadPubkey(_))
        ));
        let remote_http =
            json!({ "endpoints": ["http://updates.example.fr/latest.json"], "pubkey": key });
        assert!(matches!(
            Feed::resolve_with(&config(&[], None), &remote_http),
            Err(FeedProblem::InsecureEndpoint(_))
        ));
    }

    #[test]
    fn plain_http_only_when_every_endpoint_is_loopback() {
        let key = keys().pubkey();
        let local = Feed::resolve_with(
            &config(&["http://127.0.0.1:9/latest.json"], Some(&key)),
            &Value::Null,
        )
        .unwrap();
        assert!(local.loopback_only);
        assert!(local.accepts_download_url(&Url::parse("http://127.0.0.1:9/a.deb").unwrap()));
        assert!(!local.accepts_download_url(&Url::parse("http://10.0.0.1/a.deb").unwrap()));

        let mixed = Feed::resolve_with(
            &config(
                &[
                    "http://127.0.0.1:9/latest.json",
                    "https://u.example.fr/latest.json",
                ],
                Some(&key),
            ),
            &Value::Null,
        )
        .unwrap();
        assert!(!mixed.loopback_only);
        assert!(!mixed.accepts_download_url(&Url::parse("http://127.0.0.1:9/a.deb").unwrap()));
        assert!(mixed.accepts_download_url(&Url::parse("https://u.example.fr/a.deb").unwrap()));
    }

    #[test]
    fn the_key_file_text_is_accepted_as_well_as_its_base64() {
        let keys = keys();
        let text = keys.pk.to_box().unwrap().to_string();
        let feed = Feed::resolve_with(
            &config(&["https://a.example.fr/"], Some(text.trim())),
            &Value::Null,
        )
        .unwrap();
        assert!(decode_pubkey(&feed.pubkey).is_ok());
    }

    #[test]
    fn the_plugin_configuration_is_forced_safe() {
        let mut context =
            tauri::test::mock_context::<tauri::test::MockRuntime, _>(tauri::test::noop_assets());
        context.config_mut().plugins.0.insert(
            "updater".into(),
            json!({ "pubkey": "", "endpoints": ["http://10.0.0.1/x"], "dangerousInsecureTransportProtocol": true, "allowDowngrades": true, "windows": { "installMode": "passive" } }),
        );
        configure_context(&mut context, None);
        let settings = &context.config().plugins.0["updater"];
        assert_eq!(settings["endpoints"], json!([]));
        assert_eq!(settings["dangerousInsecureTransportProtocol"], json!(false));
        assert_eq!(settings["allowDowngrades"], json!(false));
        assert_eq!(settings["requireSignedVersion"], json!(true));
        assert_eq!(settings["windows"]["installMode"], json!("passive"));

        let key = keys().pubkey();
        let feed = Feed::resolve_with(
            &config(&["https://u.example.fr/latest.json"], Some(&key)),
            &Value::Null,
        )
        .unwrap();
        configure_context(&mut context, Some(&feed));
        let settings = &context.config().plugins.0["updater"];
        assert_eq!(
            settings["endpoints"],
            json!(["https://u.example.fr/latest.json"])
        );
        assert_eq!(settings["pubkey"], json!(key));
        assert_eq!(settings["dangerousInsecureTransportProtocol"], json!(false));
    }

    #[test]
    fn the_bundled_conf_has_an_updater_section() {
        // The plugin panics at start without `plugins.updater`.
        assert!(bundled_settings().is_object());
    }
}
