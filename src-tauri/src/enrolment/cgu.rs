//! The terms of use shown on the review screen, and their versions (a hash of the text shown),
//! so an acceptance records exactly what the person could read.

use enrol_core::CguVersion;

pub struct CguText {
    pub language: &'static str,
    pub text: &'static str,
    pub version: CguVersion,
}

pub struct Cgu {
    texts: Vec<CguText>,
}

impl Cgu {
    pub fn bundled() -> Cgu {
        let text = |language, text: &'static str| CguText {
            language,
            text,
            version: CguVersion::of(text),
        };
        Cgu {
            texts: vec![
                text("fr", include_str!("../../cgu/fr.md")),
                text("en", include_str!("../../cgu/en.md")),
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
