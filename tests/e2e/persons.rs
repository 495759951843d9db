//! The people of the end-to-end tests and their answers, as they type them. Each is a person of
//! the reference backend's demo data (`crates/msa-backend/DEMO.md`), except the canary, whom
//! nobody knows and whose every value is unique enough to be searched for on disk.

/// One person's answers, as typed.
#[derive(Clone, Debug)]
pub struct Person {
    pub nir: &'static str,
    pub last_name: &'static str,
    pub first_name: &'static str,
    pub birth: (&'static str, &'static str, &'static str),
    pub email: &'static str,
    pub phone: &'static str,
    pub item: Item,
    pub department: &'static str,
}

#[derive(Clone, Debug)]
pub enum Item {
    VitalePhoto(&'static str),
    VitaleNoPhoto(&'static str),
    Child(&'static str, &'static str, &'static str),
    Payment(&'static str),
    Nothing,
}

/// Jean Dupont of the demo data, verified by his Vitale card with photo.
pub fn jean() -> Person {
    Person {
        nir: "1 84 12 76 451 089",
        last_name: "Dupont",
        first_name: "Jean",
        birth: ("3", "12", "1984"),
        email: "jean.dupont@example.fr",
        phone: "06 12 34 56 78",
        item: Item::VitalePhoto("12345678901"),
        department: "44",
    }
}

/// Élodie Lefèvre, verified by her Vitale card without photo; no phone.
pub fn elodie() -> Person {
    Person {
        nir: "2 90 03 44 109 123",
        last_name: "Lefèvre",
        first_name: "Élodie",
        birth: ("15", "3", "1990"),
        email: "elodie.lefevre@example.fr",
        phone: "",
        item: Item::VitaleNoPhoto("01024576124"),
        department: "44",
    }
}

/// Françoise Œuvray-D'Arc, born in Corsica (2A), verified by her child's birth date.
pub fn francoise() -> Person {
    Person {
        nir: "2 53 07 2A 073 004",
        last_name: "Œuvray-D'Arc",
        first_name: "Françoise",
        birth: ("21", "7", "1953"),
        email: "francoise.oeuvray@example.fr",
        phone: "",
        item: Item::Child("11", "2", "1980"),
        department: "2A",
    }
}

/// Marie-Thérèse N’Diaye (2B, a NIR typed with its key), verified by a recent payment.
pub fn marie_therese() -> Person {
    Person {
        nir: "2 53 07 2B 073 004 70",
        last_name: "N’Diaye",
        first_name: "Marie-Thérèse",
        birth: ("8", "7", "1953"),
        email: "mt.ndiaye@example.fr",
        phone: "",
        item: Item::Payment("87,90"),
        department: "2B",
    }
}

/// A person nobody knows (the postal answer): every value is unique enough to be searched for
/// on disk and in the keyring after the session.
pub fn canary() -> Person {
    Person {
        nir: "1 85 05 44 977 531",
        last_name: "Canarixq",
        first_name: "Zéphyrinou",
        birth: ("10", "5", "1985"),
        email: "zephyr.canarixq@example.fr",
        phone: "07 98 76 54 32",
        item: Item::VitalePhoto("97531864200"),
        department: "44",
    }
}

/// Every form a canary value may take once stored or printed: as typed, grouped or not,
/// upper-cased, without accents, the phone's national digits, the birth date in ISO 8601.
pub const CANARY_VALUES: &[&str] = &[
    "1850544977531",
    "1 85 05 44 977 531",
    "Canarixq",
    "CANARIXQ",
    "Zéphyrinou",
    "Zephyrinou",
    "zephyr.canarixq",
    "97531864200",
    "0798765432",
    "798765432",
    "1985-05-10",
];

/// The canary values found in `bytes`, in UTF-8 or in UTF-16LE (WebKit's storage).
pub fn canaries_in_bytes(bytes: &[u8]) -> Vec<&'static str> {
    let holds =
        |needle: &[u8]| !needle.is_empty() && bytes.windows(needle.len()).any(|w| w == needle);
    CANARY_VALUES
        .iter()
        .filter(|value| {
            let utf16: Vec<u8> = value.encode_utf16().flat_map(u16::to_le_bytes).collect();
            holds(value.as_bytes()) || holds(&utf16)
        })
        .copied()
        .collect()
}

// Issue 12's real-world inputs, each carried by a person of the demo data whose record it must
// match (tests/e2e/real_inputs.rs). Several kinds per person where the rules allow.

/// Josiane Lacoste: NIR month 25 (fictitious, typed with its key), born « 00/05/1971 » (day
/// unknown), a Réunion mobile in its national form, an amount with a thousands dot.
pub fn josiane() -> Person {
    Person {
        nir: "2 71 25 33 204 118 71",
        last_name: "Lacoste",
        first_name: "Josiane",
        birth: ("00", "05", "1971"),
        email: "josiane.lacoste@example.fr",
        phone: "06 93 45 67 89",
        item: Item::Payment("2.500,00"),
        department: "33",
    }
}

/// Mohamed El Amrani: NIR month 20, born « 00/00/1966 », a Guadeloupe mobile in its
/// international form, an amount in the price-tag form.
pub fn mohamed() -> Person {
    Person {
        nir: "1 66 20 99 112 087",
        last_name: "El Amrani",
        first_name: "Mohamed",
        birth: ("00", "00", "1966"),
        email: "m.elamrani@example.org",
        phone: "+590 690 12 34 56",
        item: Item::Payment("7€80"),
        department: "84",
    }
}

/// Théo Martin--Roux: a double family name with a double hyphen (civil registry 2005–2010).
pub fn theo() -> Person {
    Person {
        nir: "1 07 03 44 109 011",
        last_name: "Martin--Roux",
        first_name: "Théo",
        birth: ("22", "3", "2007"),
        email: "theo.martinroux@example.fr",
        phone: "",
        item: Item::VitalePhoto("70307030703"),
        department: "44",
    }
}

/// Priya D‘Souza: her apostrophe typed as U+2018 (a phone's keyboard, a copied document).
pub fn priya() -> Person {
    Person {
        nir: "2 86 11 99 123 045",
        last_name: "D\u{2018}Souza",
        first_name: "Priya",
        birth: ("4", "11", "1986"),
        email: "priya.dsouza@example.org",
        phone: "",
        item: Item::Child("18", "6", "2012"),
        department: "17",
    }
}

/// Gwenaëlle Le Gall–Morvan: her hyphen typed as an en dash (U+2013).
pub fn gwenaelle() -> Person {
    Person {
        nir: "2 79 04 29 087 063",
        last_name: "Le Gall\u{2013}Morvan",
        first_name: "Gwenaëlle",
        birth: ("9", "4", "1979"),
        email: "g.legallmorvan@example.fr",
        phone: "",
        item: Item::Payment("312,50"),
        department: "29",
    }
}

/// Łukasz Wałęsa (record `LUKASZ WALESA`), as he types himself on the kiosk's own keyboard:
/// ł and ę from « Autres lettres », an e-mail with `'`, `+` and capitals.
pub fn lukasz() -> Person {
    Person {
        nir: "1 89 05 99 331 045",
        last_name: "Wałęsa",
        first_name: "Łukasz",
        birth: ("14", "5", "1989"),
        email: "lukasz.o'brien+MSA@example.org",
        phone: "",
        item: Item::VitaleNoPhoto("87654321"),
        department: "51",
    }
}
