//! The house rules of `src-tauri/src` that the compiler does not check: only `shell/` and
//! `updater/` name Tauri (the rest is plain Rust, tested without a webview), and a file longer
//! than 400 lines says at its top why. Reads the sources only; needs no build of the kiosk.

use std::path::{Path, PathBuf};

/// The rooms allowed to name Tauri.
const TAURI_ROOMS: &[&str] = &["shell", "updater"];

fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

/// The files of `src-tauri/src` outside `shell/` and `updater/` that name Tauri
/// (`use tauri…`, `tauri::…`, `tauri_plugin_…`), with the offending line.
fn tauri_outside_its_rooms(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    sources(root, &mut files);
    let mut offenders = Vec::new();
    for file in files {
        let relative = file.strip_prefix(root).unwrap();
        let room = relative.components().next().unwrap().as_os_str();
        if relative.components().count() > 1 && TAURI_ROOMS.iter().any(|r| room == *r) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            if code.contains("tauri::")
                || code.contains("use tauri")
                || code.contains("tauri_plugin")
            {
                offenders.push(format!("{}:{}: {}", relative.display(), n + 1, line.trim()));
            }
        }
    }
    offenders
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/src")
}

#[test]
fn only_the_shell_and_the_updater_import_tauri() {
    let offenders = tauri_outside_its_rooms(&src());
    assert!(
        offenders.is_empty(),
        "Tauri outside shell/ and updater/:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_check_sees_an_import_of_tauri_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("shell")).unwrap();
    std::fs::create_dir_all(dir.path().join("delivery")).unwrap();
    std::fs::write(dir.path().join("shell/mod.rs"), "use tauri::Manager;\n").unwrap();
    std::fs::write(
        dir.path().join("lib.rs"),
        "// tauri::Builder, in a comment\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("delivery/worker.rs"),
        "fn f() {\n    tauri::async_runtime::spawn(g());\n}\n",
    )
    .unwrap();
    assert_eq!(
        tauri_outside_its_rooms(dir.path()),
        vec!["delivery/worker.rs:2: tauri::async_runtime::spawn(g());".to_owned()]
    );
}

/// A file longer than this says at its top why (« Longer than 400 lines: … »).
const LONGEST: usize = 400;

#[test]
fn no_file_is_long_without_saying_why() {
    let mut files = Vec::new();
    sources(&src(), &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|file| {
            let text = std::fs::read_to_string(file).unwrap();
            let lines = text.lines().count();
            let head: String = text.lines().take(12).collect::<Vec<_>>().join("\n");
            (lines > LONGEST && !head.contains("Longer than 400 lines"))
                .then(|| format!("{} ({lines} lines)", file.display()))
        })
        .collect();
    assert!(
        long.is_empty(),
        "long files without a reason at their top: {long:?}"
    );
}
