//! Comparing names as a person means them: « Œuvray-D'Arc » = « OEUVRAY D ARC », « Łukasz »
//! = « LUKASZ », « Христов » = « HRISTOV ».
//!
//! Records hold names as the registers wrote them, often in capitals without diacritics;
//! people type them with their own letters. Unicode decomposition strips accents (é, ñ, ș)
//! but not the letters that are letters of their own (Ł, Ø, Đ, ß, Æ, Œ, Þ, ı) nor other
//! scripts, so the fold transliterates with the `any_ascii` crate (ISC; one table per code
//! point, kept up to date with Unicode by the anyascii project: 0.3.3, June 2025). It was
//! chosen over `deunicode` (also well kept) because its Cyrillic follows the « y » forms of
//! the Bulgarian and Ukrainian official romanisations (Йордан → Yordan, Юлия → Yuliya)
//! instead of ICAO's (Iordan, Iuliia).

use unicode_normalization::UnicodeNormalization;

/// Fold a name for comparison: transliterated to ASCII (`any_ascii`), upper case, only
/// letters and digits kept (hyphens, apostrophes of every kind, dots and spaces dropped).
pub fn fold_name(name: &str) -> String {
    let composed: String = name.nfc().collect();
    ascii_key(&any_ascii::any_ascii(&composed))
}

/// Whether the record's name and the typed one are the same once folded. A name with one of
/// the Cyrillic letters whose Bulgarian romanisation (Transliteration Act 2009, used in
/// Bulgarian passports) differs from `any_ascii`'s general one — х → h, щ → sht, ъ → a,
/// ь → y — is also tried in the Bulgarian form: « Христо » matches both HRISTO (Bulgarian
/// passport) and KHRISTO.
pub fn same_name(record: &str, typed: &str) -> bool {
    let record_keys = [fold_name(record), fold_name(&bulgarian(record))];
    let typed_keys = [fold_name(typed), fold_name(&bulgarian(typed))];
    record_keys.iter().any(|r| typed_keys.contains(r))
}

/// The four letters where the Bulgarian Transliteration Act's table differs from
/// `any_ascii`'s; every other letter is left to the crate.
fn bulgarian(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            'х' => out.push('h'),
            'Х' => out.push('H'),
            'щ' => out.push_str("sht"),
            'Щ' => out.push_str("Sht"),
            'ъ' | 'Ъ' => out.push('a'),
            'ь' | 'Ь' => out.push('y'),
            c => out.push(c),
        }
    }
    out
}

fn ascii_key(ascii: &str) -> String {
    ascii
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{fold_name, same_name};
    use enrol_core::{Field, PersonName};
    use proptest::prelude::*;

    #[test]
    fn folds_accents_case_ligatures_and_separators() {
        assert_eq!(fold_name("Œuvray-D'Arc"), "OEUVRAYDARC");
        assert_eq!(fold_name("oeuvray d arc"), fold_name("Œuvray-D'Arc"));
        assert_eq!(fold_name("N’Diaye"), fold_name("n'diaye"));
        assert_eq!(fold_name("ndiaye"), fold_name("N’Diaye"));
        assert_eq!(fold_name("Élodie"), "ELODIE");
        assert_eq!(fold_name("LEFEVRE"), fold_name("Lefèvre"));
        assert_eq!(fold_name("  Hélène   Marie "), "HELENEMARIE");
        assert_eq!(fold_name("Lætitia"), "LAETITIA");
        assert_eq!(fold_name("Aïcha"), "AICHA");
        assert_eq!(fold_name("Françoise"), "FRANCOISE");
        assert_eq!(fold_name("Jose\u{301}"), "JOSE");
        assert_ne!(fold_name("Dupont"), fold_name("Dupond"));
    }

    /// Issue 12: letters that decomposition does not strip.
    #[test]
    fn letters_of_their_own() {
        for (typed, record) in [
            ("Łukasz", "LUKASZ"),
            ("Ødegård", "ODEGARD"),
            ("Đorđević", "DORDEVIC"),
            ("Straße", "STRASSE"),
            ("Æsa", "AESA"),
            ("Œuvray", "OEUVRAY"),
            ("Þórunn", "THORUNN"),
            ("Yıldız", "YILDIZ"),
            ("Ĳsbrand", "IJSBRAND"),
        ] {
            assert!(same_name(record, typed), "{typed} / {record}");
            assert_eq!(fold_name(typed), record, "{typed}");
        }
    }

    /// Names of the countries MSA's seasonal workers come from, typed with their own
    /// letters (or the other way round), against the record's capitals.
    #[test]
    fn seasonal_workers_names() {
        let same = [
            // Poland
            ("WALESA", "Wałęsa"),
            ("LUKASZ", "Łukasz"),
            ("BRZECZYSZCZYKIEWICZ", "Brzęczyszczykiewicz"),
            ("ZANETA ZRODLO", "Żaneta Źródło"),
            ("Kowalczyk", "KOWALCZYK"),
            // Romania: comma below and the older cedilla forms
            ("STEFAN", "Ștefan"),
            ("STEFAN", "Ştefan"),
            ("TARANU", "Țăranu"),
            ("TARANU", "Ţăranu"),
            ("IONESCU-MARIN", "Ionescu Marin"),
            // Bulgaria: Cyrillic typed, record in the passport's Latin
            ("HRISTOV", "Христов"),
            ("HRISTO", "Христо"),
            ("YORDAN YANKOV", "Йордан Янков"),
            ("SHTERYU", "Щерю"),
            ("AGALOV", "Ъгълов"),
            ("GEORGIEVA", "Георгиева"),
            ("TSVETANKA", "Цветанка"),
            ("ZHIVKO", "Живко"),
            // …and a record written the other way (general romanisation)
            ("KHRISTOV", "Христов"),
            // Portugal
            ("JOAO GONCALVES", "João Gonçalves"),
            ("CONCEICAO", "Conceição"),
            ("MAGALHAES", "Magalhães"),
            // Spain
            ("MUNOZ NUNEZ", "Muñoz Núñez"),
            ("INIGO IBANEZ", "Íñigo Ibáñez"),
            ("PENA", "Peña"),
            // Morocco, Tunisia: French transliterations with diaeresis, apostrophe, hyphen
            ("AIT BEN HADDOU", "Aït Ben Haddou"),
            ("CHRAIBI", "Chraïbi"),
            ("MBAREK", "M’Barek"),
            ("EL OUAFI", "El-Ouafi"),
            ("BENSALAH", "Ben Salah"),
            ("BEN AISSA", "Ben Aïssa"),
        ];
        for (record, typed) in same {
            assert!(same_name(record, typed), "{typed} / {record}");
        }
        let different = [
            ("LUKAS", "Łukasz"),
            ("HRISTOVA", "Христов"),
            ("IVANOV", "Иванова"),
            ("MUNOS", "Muñoz"),
            ("STEFANA", "Ștefan"),
            ("BENSALEM", "Ben Salah"),
        ];
        for (record, typed) in different {
            assert!(!same_name(record, typed), "{typed} / {record}");
        }
    }

    /// The kiosk's apostrophe and dash marks, as listed by enrol-core.
    fn marks() -> Vec<char> {
        enrol_core::name::APOSTROPHES
            .iter()
            .chain(&enrol_core::name::HYPHENS)
            .copied()
            .chain(['\'', '-', ' '])
            .collect()
    }

    proptest! {
        /// Differential: whatever the kiosk's normalisation (PersonName::parse) does to a
        /// name it accepts, the backend's fold sees the same name; and the punctuation
        /// typed between two parts never changes the fold.
        #[test]
        fn kiosk_normalisation_never_changes_the_fold(
            parts in proptest::collection::vec("[a-zA-ZÀ-ÖØ-öø-ÿĀ-žȘ-țА-яЁё]{1,8}", 1..4),
            seps in proptest::collection::vec(proptest::sample::select(marks()), 3),
            spaces in proptest::collection::vec(0usize..=2, 3),
        ) {
            let mut typed = String::new();
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    let pad = " ".repeat(spaces[i - 1]);
                    typed.push_str(&format!("{pad}{}{pad}", seps[i - 1]));
                }
                typed.push_str(part);
            }
            let kiosk = PersonName::parse(Field::LastName, &typed);
            prop_assert!(kiosk.is_ok(), "{typed:?} refused: {kiosk:?}");
            let kept = kiosk.unwrap();
            prop_assert_eq!(fold_name(kept.as_str()), fold_name(&typed));
            prop_assert_eq!(fold_name(&typed), fold_name(&parts.concat()));
            prop_assert!(same_name(&fold_name(&typed), kept.as_str()));
        }
    }
}
