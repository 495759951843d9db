//! The minisign signature of a package, checked by the kiosk after the plugin's own check and
//! again by the root update service: by the trusted key, and bound to the version it announces
//! (its trusted comment's `version:`), so an old package cannot pass under a new number.

use base64::Engine;
use semver::Version;

/// The minisign key inside the base64 text that `tauri signer generate` writes.
pub fn decode_pubkey(pubkey: &str) -> Result<minisign_verify::PublicKey, String> {
    let text = decode_base64_text(pubkey)?;
    minisign_verify::PublicKey::decode(&text).map_err(|e| e.to_string())
}

fn decode_base64_text(text: &str) -> Result<String, String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|e| format!("not base64 ({e})"))?;
    String::from_utf8(bytes).map_err(|_| "not text once decoded".to_owned())
}

/// Checks `package` against `signature` (base64, as in latest.json) and the base64 `pubkey`,
/// and returns the version the signature is bound to (its trusted comment's `version:`).
pub fn verify_package(pubkey: &str, signature: &str, package: &[u8]) -> Result<Version, String> {
    let key = decode_pubkey(pubkey)?;
    let signature = minisign_verify::Signature::decode(&decode_base64_text(signature)?)
        .map_err(|e| format!("signature: {e}"))?;
    key.verify(package, &signature, true)
        .map_err(|e| format!("signature: {e}"))?;
    let signed = signature
        .trusted_comment()
        .split('\t')
        .find_map(|field| field.strip_prefix("version:"))
        .ok_or("the signature is bound to no version")?;
    Version::parse(signed.trim_start_matches('v'))
        .map_err(|_| "the signature is bound to no valid version".to_owned())
}
