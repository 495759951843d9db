//! The words Rust says itself (« chiffre », « lettre », the fields' names): read from the same
//! i18n files as the page (`ui/i18n/*.json`), compiled in, so there is one source of strings.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::receipt::Lang;

fn table(lang: Lang) -> &'static HashMap<String, String> {
    static FR: OnceLock<HashMap<String, String>> = OnceLock::new();
    static EN: OnceLock<HashMap<String, String>> = OnceLock::new();
    let (cell, json) = match lang {
        Lang::Fr => (&FR, include_str!("../../../ui/i18n/fr.json")),
        Lang::En => (&EN, include_str!("../../../ui/i18n/en.json")),
    };
    // The files are checked by the UI tests and by `every_spoken_word_exists` below.
    cell.get_or_init(|| serde_json::from_str(json).unwrap_or_default())
}

/// The string of `key` in `lang`; French when English lacks it, the key itself as a last resort
/// (never an empty utterance, never a panic).
pub fn word(lang: Lang, key: &'static str) -> &'static str {
    table(lang)
        .get(key)
        .or_else(|| table(Lang::Fr).get(key))
        .map(String::as_str)
        .unwrap_or(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::speech::privacy::{Field, Neutral};

    #[test]
    fn every_spoken_word_exists_in_both_languages() {
        // Every field the page may name, and one it may not (the neutral « value »).
        let names = "nir lastName firstName birthDate email phone secret ?".split(' ');
        let neutrals = [Neutral::Digit, Neutral::Letter, Neutral::Symbol]
            .into_iter()
            .chain(names.map(|name| Neutral::Field(Field::named(name))));
        for neutral in neutrals {
            for lang in [Lang::Fr, Lang::En] {
                let text = table(lang).get(neutral.key());
                assert!(
                    text.is_some_and(|t| !t.trim().is_empty()),
                    "{} missing in {lang:?}",
                    neutral.key()
                );
            }
        }
        assert_eq!(word(Lang::Fr, "speech.digit"), "chiffre");
        assert_eq!(word(Lang::Fr, "speech.letter"), "lettre");
    }
}
