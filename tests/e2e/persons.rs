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
