//! A bad configuration stops the start with a message naming the key, before any window opens.

use std::process::Command;

use crate::kiosk::BIN as APP;

fn start_with(config: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kiosk.toml");
    std::fs::write(&path, config).unwrap();
    let out = Command::new(APP)
        .arg("--config")
        .arg(&path)
        .env_remove("DISPLAY")
        .env("HOME", dir.path())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_bad_value_names_its_key_and_the_expected_form() {
    let (code, stderr) = start_with("[idle]\nwarning_seconds = 5\n");
    assert_eq!(code, 78, "{stderr}");
    assert!(stderr.contains("idle.warning_seconds"), "{stderr}");
    assert!(stderr.contains("at least 20"), "{stderr}");
}

#[test]
fn a_misspelt_key_is_refused_not_ignored() {
    let (code, stderr) = start_with("mode = \"kiosk\"\nidel_seconds = 30\n");
    assert_eq!(code, 78, "{stderr}");
    assert!(stderr.contains("idel_seconds"), "{stderr}");
}

#[test]
fn a_remote_plain_http_backend_is_refused() {
    let (code, stderr) = start_with("[backend]\nurl = \"http://msa.example.fr/\"\n");
    assert_eq!(code, 78, "{stderr}");
    assert!(stderr.contains("backend.url"), "{stderr}");
}

#[test]
fn the_environment_variable_finds_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agency.toml");
    std::fs::write(&path, "mode = \"arcade\"\n").unwrap();
    let out = Command::new(APP)
        .env("MSA_KIOSK_CONFIG", &path)
        .env_remove("DISPLAY")
        .env("HOME", dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(78), "{stderr}");
    assert!(
        stderr.contains("agency.toml") && stderr.contains("mode"),
        "{stderr}"
    );
}

#[test]
fn a_confirmation_shorter_than_the_submit_wait_is_refused_naming_both_keys() {
    let (code, stderr) = start_with(
        "[backend]\nsubmit_wait_seconds = 10\n[idle]\nconfirmation_return_seconds = 6\n",
    );
    assert_eq!(code, 78, "{stderr}");
    assert!(
        stderr.contains("idle.confirmation_return_seconds")
            && stderr.contains("backend.submit_wait_seconds"),
        "{stderr}"
    );
}
