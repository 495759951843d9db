//! The terms of use shown on the review screen, and their versions (a hash of the text shown),
//! so an acceptance records exactly what the person could read.

use enrol_core::CguVersion;
use serde::Serialize;

/// One block of the terms as shown: `tag` is `h4`–`h6`, `p`, `ul` or `ol`; `text` (headings and
/// paragraphs) or `items` (lists) hold plain text. Rendered from the Markdown at build time by
/// `src-tauri/cgu/render.rs` (allow list; no HTML ever reaches the UI).
#[derive(Debug, Serialize)]
pub struct CguBlock {
    pub tag: &'static str,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub text: &'static str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub items: &'static [&'static str],
}

include!(concat!(env!("OUT_DIR"), "/cgu_blocks.rs"));

pub struct CguText {
    /// BCP 47 language of the text (`"fr"`, `"en"`): the UI's `lang` on the box that shows it.
    pub language: &'static str,
    /// The Markdown source; its hash is the version an acceptance records.
    pub text: &'static str,
    /// The same text in blocks, for display.
    pub blocks: &'static [CguBlock],
    pub version: CguVersion,
}

pub struct Cgu {
    texts: Vec<CguText>,
}

impl Cgu {
    pub fn bundled() -> Cgu {
        let text = |language, text: &'static str, blocks| CguText {
            language,
            text,
            blocks,
            version: CguVersion::of(text),
        };
        Cgu {
            texts: vec![
                text("fr", include_str!("../../cgu/fr.md"), CGU_BLOCKS_FR),
                text("en", include_str!("../../cgu/en.md"), CGU_BLOCKS_EN),
            ],
        }
    }

    /// The text in `language`, French when there is none in it (the French text prevails).
    pub fn for_language(&self, language: Option<&str>) -> &CguText {
        self.texts
            .iter()
            .find(|t| Some(t.language) == language)
            .unwrap_or(&self.texts[0])
    }

    /// Every version that may be accepted: one per language shown.
    pub fn versions(&self) -> Vec<CguVersion> {
        self.texts.iter().map(|t| t.version.clone()).collect()
    }
}
