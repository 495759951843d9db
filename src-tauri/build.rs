//! Generates the Tauri context and the app's permission set: every command the wizard may call is
//! listed here, so a window can call only what `src-tauri/capabilities/` grants it.

/// The app's commands. Each one gets an `allow-<name>` permission; nothing is allowed by default.
const COMMANDS: &[&str] = &[
    "kiosk_info",
    "kiosk_availability",
    "start_session",
    "cancel_session",
    "submit_nir",
    "submit_identity",
    "submit_verification",
    "list_departments",
    "submit_department",
    "open_step",
    "review_summary",
    "submit_enrolment",
    "report_activity",
    "print_receipt",
    "help_request",
    "help_close",
    "help_state",
    "speech_say",
    "speech_stop",
    "speech_settings",
];

/// The terms' Markdown → blocks (headings, paragraphs, lists, text only), shared with enrol-core's
/// `ui_data` test.
#[path = "cgu/render.rs"]
mod cgu_render;

/// Writes `$OUT_DIR/cgu_blocks.rs`: one `&[CguBlock]` per language, read by
/// `src-tauri/src/enrolment/cgu.rs`. Rendered here, at build time, so the kiosk ships no
/// Markdown parser and the UI receives only plain text in allowed blocks.
fn render_cgu() {
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    let mut code = String::new();
    for language in ["fr", "en"] {
        let path = format!("src-tauri/cgu/{language}.md");
        println!("cargo:rerun-if-changed={path}");
        let markdown =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"));
        code.push_str(&format!(
            "pub static CGU_BLOCKS_{}: &[CguBlock] = &[\n",
            language.to_uppercase()
        ));
        for block in cgu_render::blocks(&markdown) {
            code.push_str(&format!(
                "    CguBlock {{ tag: {:?}, text: {:?}, items: &{:?} }},\n",
                block.tag, block.text, block.items
            ));
        }
        code.push_str("];\n");
    }
    println!("cargo:rerun-if-changed=src-tauri/cgu/render.rs");
    std::fs::write(std::path::Path::new(&out_dir).join("cgu_blocks.rs"), code)
        .expect("write cgu_blocks.rs");
}

fn main() {
    render_cgu();
    let attributes = tauri_build::Attributes::new()
        // The design card keeps capabilities beside the Rust sources, not beside Cargo.toml.
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("tauri-build failed");
}
