//! Test helpers: an updater configuration and minisign keys made by the run.

use std::time::Duration;

use base64::Engine;
use url::Url;

use crate::config::{UpdateInstall, UpdaterConfig};

pub(crate) fn config(endpoints: &[&str], pubkey: Option<&str>) -> UpdaterConfig {
    UpdaterConfig {
        endpoints: endpoints.iter().map(|u| Url::parse(u).unwrap()).collect(),
        pubkey: pubkey.map(str::to_owned),
        check_interval: Duration::from_secs(3600),
        install: UpdateInstall::Plugin,
    }
}

pub(crate) struct Keys {
    pub(crate) pk: minisign::PublicKey,
    pub(crate) sk: minisign::SecretKey,
}

pub(crate) fn keys() -> Keys {
    let pair = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    Keys {
        pk: pair.pk,
        sk: pair.sk,
    }
}

impl Keys {
    pub(crate) fn pubkey(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.pk.to_box().unwrap().to_string())
    }
    pub(crate) fn sign(&self, data: &[u8], version: &str) -> String {
        let comment = format!("timestamp:1\tfile:update.deb\tversion:{version}");
        let sig = minisign::sign(Some(&self.pk), &self.sk, data, Some(&comment), None).unwrap();
        base64::engine::general_purpose::STANDARD.encode(sig.to_string())
    }
}
