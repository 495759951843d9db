//! The département of the person's MSA and its caisse (SPEC §2 step 5; domain.md §3, §7.6).

use crate::error::{code, Invalid};
use crate::field::Field;
use serde::Serialize;

/// An MSA caisse: its name and its msa.fr sub-domain (`https://<subdomain>.msa.fr`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Caisse {
    pub name: &'static str,
    pub subdomain: &'static str,
}

const fn caisse(name: &'static str, subdomain: &'static str) -> Caisse {
    Caisse { name, subdomain }
}

/// The 35 MSA caisses of metropolitan France.
///
/// Source: domain.md §3 (a public code file, cross-checked against the 35 DSN `DMSAxx`
/// labels, OpenFisca-France, MSA BCL and MSA DLG). domain.md asks to check it against
/// <https://www.msa.fr/lfp/contact/coordonnees-msa> before shipping.
pub static CAISSES: [Caisse; 35] = [
    caisse("MSA Ain-Rhône", "ain-rhone"),                   // 0
    caisse("MSA Alpes du Nord", "alpesdunord"),             // 1
    caisse("MSA Alpes-Vaucluse", "alpes-vaucluse"),         // 2
    caisse("MSA Alsace", "alsace"),                         // 3
    caisse("MSA Ardèche Drôme Loire", "ardechedromeloire"), // 4
    caisse("MSA d'Armorique", "armorique"),                 // 5
    caisse("MSA Auvergne", "auvergne"),                     // 6
    caisse("MSA Beauce Cœur de Loire", "bcl"),              // 7
    caisse("MSA Berry-Touraine", "berry-touraine"),         // 8
    caisse("MSA Bourgogne", "bourgogne"),                   // 9
    caisse("MSA des Charentes", "charentes"),               // 10
    caisse("MSA de la Corse", "corse"),                     // 11
    caisse("MSA Côtes Normandes", "cotesnormandes"),        // 12
    caisse("MSA Dordogne Lot-et-Garonne", "dlg"),           // 13
    caisse("MSA Franche-Comté", "franchecomte"),            // 14
    caisse("MSA Gironde", "gironde"),                       // 15
    caisse("MSA Grand Sud", "grandsud"),                    // 16
    caisse("MSA Haute-Normandie", "hautenormandie"),        // 17
    caisse("MSA Île-de-France", "iledefrance"),             // 18
    caisse("MSA du Languedoc", "languedoc"),                // 19
    caisse("MSA du Limousin", "limousin"),                  // 20
    caisse("MSA Loire-Atlantique-Vendée", "loire-atlantique-vendee"), // 21
    caisse("MSA Lorraine", "lorraine"),                     // 22
    caisse("MSA Maine-et-Loire", "maineetloire"),           // 23
    caisse("MSA Marne Ardennes Meuse", "marne-ardennes-meuse"), // 24
    caisse("MSA Mayenne-Orne-Sarthe", "mayenne-orne-sarthe"), // 25
    caisse("MSA Midi-Pyrénées Nord", "mpn"),                // 26
    caisse("MSA Midi-Pyrénées Sud", "mps"),                 // 27
    caisse("MSA Nord-Pas de Calais", "nord-pasdecalais"),   // 28
    caisse("MSA Picardie", "picardie"),                     // 29
    caisse("MSA Poitou", "poitou"),                         // 30
    caisse("MSA Portes de Bretagne", "portesdebretagne"),   // 31
    caisse("MSA Provence-Azur", "provenceazur"),            // 32
    caisse("MSA Sud Aquitaine", "sudaquitaine"),            // 33
    caisse("MSA Sud Champagne", "sudchampagne"),            // 34
];

/// The 96 metropolitan départements in code order (INSEE COG: 01–19, 2A, 2B, 21–95), with
/// their French name and the index of their caisse in [`CAISSES`] (domain.md §3 table).
static DEPARTMENTS: [(&str, &str, u8); 96] = [
    ("01", "Ain", 0),
    ("02", "Aisne", 29),
    ("03", "Allier", 6),
    ("04", "Alpes-de-Haute-Provence", 2),
    ("05", "Hautes-Alpes", 2),
    ("06", "Alpes-Maritimes", 32),
    ("07", "Ardèche", 4),
    ("08", "Ardennes", 24),
    ("09", "Ariège", 27),
    ("10", "Aube", 34),
    ("11", "Aude", 16),
    ("12", "Aveyron", 26),
    ("13", "Bouches-du-Rhône", 32),
    ("14", "Calvados", 12),
    ("15", "Cantal", 6),
    ("16", "Charente", 10),
    ("17", "Charente-Maritime", 10),
    ("18", "Cher", 7),
    ("19", "Corrèze", 20),
    ("2A", "Corse-du-Sud", 11),
    ("2B", "Haute-Corse", 11),
    ("21", "Côte-d'Or", 9),
    ("22", "Côtes-d'Armor", 5),
    ("23", "Creuse", 20),
    ("24", "Dordogne", 13),
    ("25", "Doubs", 14),
    ("26", "Drôme", 4),
    ("27", "Eure", 17),
    ("28", "Eure-et-Loir", 7),
    ("29", "Finistère", 5),
    ("30", "Gard", 19),
    ("31", "Haute-Garonne", 27),
    ("32", "Gers", 27),
    ("33", "Gironde", 15),
    ("34", "Hérault", 19),
    ("35", "Ille-et-Vilaine", 31),
    ("36", "Indre", 8),
    ("37", "Indre-et-Loire", 8),
    ("38", "Isère", 1),
    ("39", "Jura", 14),
    ("40", "Landes", 33),
    ("41", "Loir-et-Cher", 8),
    ("42", "Loire", 4),
    ("43", "Haute-Loire", 6),
    ("44", "Loire-Atlantique", 21),
    ("45", "Loiret", 7),
    ("46", "Lot", 26),
    ("47", "Lot-et-Garonne", 13),
    ("48", "Lozère", 19),
    ("49", "Maine-et-Loire", 23),
    ("50", "Manche", 12),
    ("51", "Marne", 24),
    ("52", "Haute-Marne", 34),
    ("53", "Mayenne", 25),
    ("54", "Meurthe-et-Moselle", 22),
    ("55", "Meuse", 24),
    ("56", "Morbihan", 31),
    ("57", "Moselle", 22),
    ("58", "Nièvre", 9),
    ("59", "Nord", 28),
    ("60", "Oise", 29),
    ("61", "Orne", 25),
    ("62", "Pas-de-Calais", 28),
    ("63", "Puy-de-Dôme", 6),
    ("64", "Pyrénées-Atlantiques", 33),
    ("65", "Hautes-Pyrénées", 27),
    ("66", "Pyrénées-Orientales", 16),
    ("67", "Bas-Rhin", 3),
    ("68", "Haut-Rhin", 3),
    ("69", "Rhône", 0),
    ("70", "Haute-Saône", 14),
    ("71", "Saône-et-Loire", 9),
    ("72", "Sarthe", 25),
    ("73", "Savoie", 1),
    ("74", "Haute-Savoie", 1),
    ("75", "Paris", 18),
    ("76", "Seine-Maritime", 17),
    ("77", "Seine-et-Marne", 18),
    ("78", "Yvelines", 18),
    ("79", "Deux-Sèvres", 30),
    ("80", "Somme", 29),
    ("81", "Tarn", 26),
    ("82", "Tarn-et-Garonne", 26),
    ("83", "Var", 32),
    ("84", "Vaucluse", 2),
    ("85", "Vendée", 21),
    ("86", "Vienne", 30),
    ("87", "Haute-Vienne", 20),
    ("88", "Vosges", 22),
    ("89", "Yonne", 9),
    ("90", "Territoire de Belfort", 14),
    ("91", "Essonne", 18),
    ("92", "Hauts-de-Seine", 18),
    ("93", "Seine-Saint-Denis", 18),
    ("94", "Val-de-Marne", 18),
    ("95", "Val-d'Oise", 18),
];

/// Overseas départements and collectivities where the CGSS, not an MSA caisse, runs the
/// farm scheme (domain.md §3 « Overseas », CRPM art. R781-33): Guadeloupe, Martinique,
/// Guyane, La Réunion, Saint-Barthélemy, Saint-Martin.
const CGSS_OVERSEAS: [&str; 6] = ["971", "972", "973", "974", "977", "978"];

/// Mayotte: MSA d'Armorique manages the non-salaried farmers since 2015 (domain.md §3).
const MAYOTTE: &str = "976";

/// One of the 96 metropolitan départements (never pre-filled from the NIR: domain.md §7.6).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Department {
    index: u8,
}

impl std::fmt::Debug for Department {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Department({})", self.code())
    }
}

impl Department {
    /// A département code: `01`–`95`, `2A`, `2B` (also `1` → `01`, lower-case `2a`; white
    /// space trimmed). Overseas codes get a code that lets the screen explain instead of
    /// failing (SPEC §2 step 5): 971–974, 977, 978 → `department.overseas` (CGSS); 976 →
    /// `department.mayotte`. Empty → `department.empty`; anything else → `department.unknown`.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let invalid = |code| Invalid::new(Field::Department, code);
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(invalid(code::DEPARTMENT_EMPTY));
        }
        if trimmed.len() > 3 {
            return Err(invalid(code::DEPARTMENT_UNKNOWN));
        }
        let upper = trimmed.to_ascii_uppercase();
        let code = if upper.len() == 1 && upper.as_bytes()[0].is_ascii_digit() {
            format!("0{upper}")
        } else {
            upper
        };
        if CGSS_OVERSEAS.contains(&code.as_str()) {
            return Err(invalid(code::DEPARTMENT_OVERSEAS));
        }
        if code == MAYOTTE {
            return Err(invalid(code::DEPARTMENT_MAYOTTE));
        }
        DEPARTMENTS
            .iter()
            .position(|(c, _, _)| *c == code)
            .and_then(|i| u8::try_from(i).ok())
            .map(|index| Department { index })
            .ok_or(invalid(code::DEPARTMENT_UNKNOWN))
    }

    fn entry(&self) -> &'static (&'static str, &'static str, u8) {
        // `index` only ever comes from a position in DEPARTMENTS.
        &DEPARTMENTS[usize::from(self.index) % DEPARTMENTS.len()]
    }

    /// `"44"`, `"2A"`.
    pub fn code(&self) -> &'static str {
        self.entry().0
    }

    /// French name: `"Loire-Atlantique"`.
    pub fn name(&self) -> &'static str {
        self.entry().1
    }

    /// The MSA caisse that covers the département (domain.md §3).
    pub fn caisse(&self) -> &'static Caisse {
        &CAISSES[usize::from(self.entry().2) % CAISSES.len()]
    }

    /// The 96 départements in code order (01…19, 2A, 2B, 21…95).
    pub fn all() -> impl Iterator<Item = Department> {
        (0..DEPARTMENTS.len())
            .filter_map(|i| u8::try_from(i).ok())
            .map(|index| Department { index })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    /// domain.md §3 as written there: caisse sub-domain → départements. Kept apart from the
    /// data above so that a slip in either shows.
    const SOURCE_TABLE: &[(&str, &[&str])] = &[
        ("ain-rhone", &["01", "69"]),
        ("alpesdunord", &["38", "73", "74"]),
        ("alpes-vaucluse", &["04", "05", "84"]),
        ("alsace", &["67", "68"]),
        ("ardechedromeloire", &["07", "26", "42"]),
        ("armorique", &["22", "29"]),
        ("auvergne", &["03", "15", "43", "63"]),
        ("bcl", &["18", "28", "45"]),
        ("berry-touraine", &["36", "37", "41"]),
        ("bourgogne", &["21", "58", "71", "89"]),
        ("charentes", &["16", "17"]),
        ("corse", &["2A", "2B"]),
        ("cotesnormandes", &["14", "50"]),
        ("dlg", &["24", "47"]),
        ("franchecomte", &["25", "39", "70", "90"]),
        ("gironde", &["33"]),
        ("grandsud", &["11", "66"]),
        ("hautenormandie", &["27", "76"]),
        (
            "iledefrance",
            &["75", "77", "78", "91", "92", "93", "94", "95"],
        ),
        ("languedoc", &["30", "34", "48"]),
        ("limousin", &["19", "23", "87"]),
        ("loire-atlantique-vendee", &["44", "85"]),
        ("lorraine", &["54", "57", "88"]),
        ("maineetloire", &["49"]),
        ("marne-ardennes-meuse", &["08", "51", "55"]),
        ("mayenne-orne-sarthe", &["53", "61", "72"]),
        ("mpn", &["12", "46", "81", "82"]),
        ("mps", &["09", "31", "32", "65"]),
        ("nord-pasdecalais", &["59", "62"]),
        ("picardie", &["02", "60", "80"]),
        ("poitou", &["79", "86"]),
        ("portesdebretagne", &["35", "56"]),
        ("provenceazur", &["06", "13", "83"]),
        ("sudaquitaine", &["40", "64"]),
        ("sudchampagne", &["10", "52"]),
    ];

    #[test]
    fn ninety_six_departements_in_code_order() {
        let codes: Vec<&str> = Department::all().map(|d| d.code()).collect();
        assert_eq!(codes.len(), 96);
        let mut expected: Vec<String> = (1..=95)
            .filter(|n| *n != 20)
            .map(|n| format!("{n:02}"))
            .collect();
        expected.insert(19, "2A".into());
        expected.insert(20, "2B".into());
        assert_eq!(codes, expected);
        assert_eq!(Department::all().next().map(|d| d.name()), Some("Ain"));
        assert_eq!(
            Department::all().last().map(|d| d.name()),
            Some("Val-d'Oise")
        );
    }

    #[test]
    fn every_departement_maps_to_exactly_one_caisse_as_in_the_source() {
        let mut source: HashMap<&str, Vec<&str>> = HashMap::new();
        for (subdomain, codes) in SOURCE_TABLE {
            for code in *codes {
                source.entry(code).or_default().push(subdomain);
            }
        }
        assert_eq!(source.len(), 96);
        for d in Department::all() {
            assert_eq!(
                source.get(d.code()).map(Vec::as_slice),
                Some(&[d.caisse().subdomain][..]),
                "{}",
                d.code()
            );
        }
    }

    #[test]
    fn thirty_five_distinct_caisses_all_used() {
        let names: HashSet<_> = CAISSES.iter().map(|c| c.name).collect();
        let subdomains: HashSet<_> = CAISSES.iter().map(|c| c.subdomain).collect();
        assert_eq!((names.len(), subdomains.len()), (35, 35));
        let used: HashSet<_> = Department::all().map(|d| d.caisse().subdomain).collect();
        assert_eq!(used.len(), 35);
        assert_eq!(SOURCE_TABLE.len(), 35);
    }

    #[test]
    fn parse_table() {
        let ok = |s: &str| Department::parse(s).map(|d| (d.code(), d.name(), d.caisse().name));
        assert_eq!(
            ok("44"),
            Ok(("44", "Loire-Atlantique", "MSA Loire-Atlantique-Vendée"))
        );
        assert_eq!(ok(" 1 "), Ok(("01", "Ain", "MSA Ain-Rhône")));
        assert_eq!(ok("01"), Ok(("01", "Ain", "MSA Ain-Rhône")));
        assert_eq!(ok("2a"), Ok(("2A", "Corse-du-Sud", "MSA de la Corse")));
        assert_eq!(ok("2B"), Ok(("2B", "Haute-Corse", "MSA de la Corse")));
        assert_eq!(ok("95"), Ok(("95", "Val-d'Oise", "MSA Île-de-France")));
        let err = |s: &str| Department::parse(s).unwrap_err().code;
        for overseas in ["971", "972", "973", "974", "977", "978"] {
            assert_eq!(err(overseas), code::DEPARTMENT_OVERSEAS, "{overseas}");
        }
        assert_eq!(err("976"), code::DEPARTMENT_MAYOTTE);
        assert_eq!(err(""), code::DEPARTMENT_EMPTY);
        assert_eq!(err("  "), code::DEPARTMENT_EMPTY);
        for unknown in [
            "0", "00", "20", "96", "97", "99", "975", "2C", "A", "044", "4 4", "Ain", "٤٤", "９",
        ] {
            assert_eq!(err(unknown), code::DEPARTMENT_UNKNOWN, "{unknown}");
        }
        assert_eq!(err(&"4".repeat(100_000)), code::DEPARTMENT_UNKNOWN);
        assert_eq!(
            Department::parse("00").unwrap_err().field,
            Some(Field::Department)
        );
    }
}
