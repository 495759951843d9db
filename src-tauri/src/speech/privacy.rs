//! The private-listening rule (EN 301 549 §5.1.3.9, issue 19): what the person types and the
//! review screen's values are spoken only through headphones. Without them the kiosk says
//! « chiffre », « lettre », « caractère » or the field's name, never the value.
//!
//! The page is not trusted to apply it: it only marks an utterance as personal (and names the
//! field); the replacement happens here, in Rust, just before the text goes to the speech
//! service. Screen texts are scrubbed too, in case the page ever puts a value in one.

use std::borrow::Cow;

/// How the person listens now: through headphones (private) or the kiosk's speaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listening {
    /// Headphones are plugged into the default output (`headphones::detect`).
    Private,
    /// The loudspeaker, or no way to know: treated as heard by everyone around.
    Open,
}

/// The fields whose values are personal; their spoken name is the i18n key
/// `speech.field.<name>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Nir,
    LastName,
    FirstName,
    BirthDate,
    Email,
    Phone,
    Secret,
    /// Any other value the person typed or the review shows (verification items…).
    Value,
}

impl Field {
    /// The page's name for the field (`data-speech-field`, the input's `name`); an unknown
    /// name is the neutral [`Field::Value`], never an error, so no value slips through a typo.
    pub fn named(name: &str) -> Field {
        match name {
            "nir" => Field::Nir,
            "lastName" => Field::LastName,
            "firstName" => Field::FirstName,
            "birthDate" | "birthDay" | "birthMonth" | "birthYear" => Field::BirthDate,
            "email" => Field::Email,
            "phone" => Field::Phone,
            "secret" => Field::Secret,
            _ => Field::Value,
        }
    }

    /// The i18n key of the field's spoken name.
    pub fn key(self) -> &'static str {
        match self {
            Field::Nir => "speech.field.nir",
            Field::LastName => "speech.field.lastName",
            Field::FirstName => "speech.field.firstName",
            Field::BirthDate => "speech.field.birthDate",
            Field::Email => "speech.field.email",
            Field::Phone => "speech.field.phone",
            Field::Secret => "speech.field.secret",
            Field::Value => "speech.field.value",
        }
    }
}

/// What the page asked to hear.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text shown on the screen (heading, hint, error, choice, dialog).
    Screen,
    /// Text shown on the screen, read character by character (the confirmation's reference).
    Spell,
    /// A value of the person (one key of the on-screen keyboard, a review value).
    Personal(Field),
}

/// What a word stands for, when the value itself may not be said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Neutral {
    Digit,
    Letter,
    Symbol,
    Field(Field),
}

impl Neutral {
    pub fn key(self) -> &'static str {
        match self {
            Neutral::Digit => "speech.digit",
            Neutral::Letter => "speech.letter",
            Neutral::Symbol => "speech.symbol",
            Neutral::Field(field) => field.key(),
        }
    }
}

/// Applies the rule to `text` of `kind` (already cleaned: `clean`) and returns what may be sent
/// to the speech service; `word` gives the spoken word of a [`Neutral`] in the session's
/// language (`strings::word`).
pub fn apply<'a>(
    kind: Kind,
    text: &'a str,
    listening: Listening,
    word: &dyn Fn(Neutral) -> &'static str,
) -> Cow<'a, str> {
    match (kind, listening) {
        (Kind::Personal(_), Listening::Private) => Cow::Borrowed(text),
        (Kind::Personal(field), Listening::Open) => Cow::Borrowed(word(neutral_for(field, text))),
        (Kind::Screen | Kind::Spell, Listening::Private) => spell_if(kind, Cow::Borrowed(text)),
        (Kind::Screen | Kind::Spell, Listening::Open) => spell_if(kind, scrub(text, word)),
    }
}

fn neutral_for(field: Field, text: &str) -> Neutral {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_numeric() => Neutral::Digit,
        (Some(c), None) if c.is_alphabetic() => Neutral::Letter,
        (Some(_), None) => Neutral::Symbol,
        _ => Neutral::Field(field),
    }
}

/// Whether a screen text holds something [`apply`] would not say over the loudspeaker: only
/// then is the audio server asked about headphones.
pub fn holds_personal(text: &str) -> bool {
    matches!(scrub(text, &|_| ""), Cow::Owned(_))
}

/// A screen text should hold no value of the person; if one looks like a NIR (11 digits or
/// more, spaces allowed between groups) or an e-mail address (the confirmation shows where the
/// password went), that part is replaced by the field's name over the loudspeaker. The rest of
/// the sentence is still read.
fn scrub<'a>(text: &'a str, word: &dyn Fn(Neutral) -> &'static str) -> Cow<'a, str> {
    let words: Vec<&str> = text.split(' ').collect();
    let mut out: Vec<&str> = Vec::with_capacity(words.len());
    let mut changed = false;
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        let at = w.find('@');
        if at.is_some_and(|a| a > 0 && a + 1 < w.len()) {
            out.push(word(Neutral::Field(Field::Email)));
            changed = true;
            i += 1;
            continue;
        }
        // A run of words made of digits (and dots): « 2 69 05 49 588 157 80 ».
        let mut j = i;
        let mut digits = 0;
        while j < words.len()
            && !words[j].is_empty()
            && words[j]
                .trim_end_matches([',', ';', ':', ')'])
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.')
        {
            digits += words[j].chars().filter(char::is_ascii_digit).count();
            j += 1;
        }
        if digits >= 11 {
            out.push(word(Neutral::Field(Field::Nir)));
            changed = true;
            i = j;
        } else {
            out.push(w);
            i += 1;
        }
    }
    if changed {
        Cow::Owned(out.join(" "))
    } else {
        Cow::Borrowed(text)
    }
}

/// « K7Q2-9DF3 » → « K, 7, Q, 2, 9, D, F, 3 »: one character at a time, the dash a pause.
fn spell_if(kind: Kind, text: Cow<'_, str>) -> Cow<'_, str> {
    if kind != Kind::Spell {
        return text;
    }
    let characters: Vec<String> = text
        .chars()
        .filter(|c| c.is_alphanumeric())
        .map(|c| c.to_string())
        .collect();
    Cow::Owned(characters.join(", "))
}

/// The page's text made safe for the speech protocol: no control characters (SSIP ends a
/// message with a line holding one dot), runs of spaces folded, at most `MAX_CHARS` characters.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_CHARS));
    let mut last_space = true;
    for c in text.chars().take(MAX_CHARS) {
        if c.is_control() || c.is_whitespace() {
            if !last_space {
                out.push(' ');
                last_space = true;
            }
        } else {
            out.push(c);
            last_space = false;
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// The longest text one utterance may hold (the longest screen, the CGU aside, is far shorter).
pub const MAX_CHARS: usize = 2000;

#[cfg(test)]
mod tests {
    use super::*;

    fn word(neutral: Neutral) -> &'static str {
        match neutral {
            Neutral::Digit => "chiffre",
            Neutral::Letter => "lettre",
            Neutral::Symbol => "caractère",
            Neutral::Field(Field::Nir) => "numéro de sécurité sociale",
            Neutral::Field(Field::Email) => "adresse e-mail",
            Neutral::Field(_) => "valeur",
        }
    }

    fn said(kind: Kind, text: &str, listening: Listening) -> String {
        apply(kind, text, listening, &word).into_owned()
    }

    #[test]
    fn a_typed_key_is_said_only_through_headphones() {
        let nir = Kind::Personal(Field::Nir);
        assert_eq!(said(nir, "7", Listening::Private), "7");
        assert_eq!(said(nir, "7", Listening::Open), "chiffre");
        let name = Kind::Personal(Field::LastName);
        assert_eq!(said(name, "é", Listening::Open), "lettre");
        assert_eq!(said(name, "-", Listening::Open), "caractère");
        let email = Kind::Personal(Field::Email);
        assert_eq!(
            said(email, "jeanne@example.fr", Listening::Open),
            "adresse e-mail"
        );
        assert_eq!(
            said(Kind::Personal(Field::Value), "1 85", Listening::Open),
            "valeur"
        );
    }

    #[test]
    fn a_value_in_a_screen_text_is_not_said_aloud() {
        assert_eq!(
            said(
                Kind::Screen,
                "Votre numéro 2 69 05 49 588 157 80 est accepté",
                Listening::Open
            ),
            "Votre numéro numéro de sécurité sociale est accepté"
        );
        assert_eq!(
            said(Kind::Screen, "2690549588157", Listening::Open),
            "numéro de sécurité sociale"
        );
        assert_eq!(
            said(
                Kind::Screen,
                "Envoyé à jeanne.dupont@example.fr",
                Listening::Open
            ),
            "Envoyé à adresse e-mail"
        );
        // Through headphones the screen is read as it is.
        let text = "Exemple : 2 69 05 49 588 157";
        assert_eq!(said(Kind::Screen, text, Listening::Private), text);
        // Countdowns, step numbers, phone-length numbers split by words and the reference stay.
        for text in [
            "Il reste 20 secondes",
            "Étape 2 sur 7",
            "K7Q2-9DF3",
            "@",
            "Appelez le 36 46",
        ] {
            assert_eq!(said(Kind::Screen, text, Listening::Open), text);
        }
    }

    #[test]
    fn only_texts_with_a_value_need_the_headphone_check() {
        assert!(holds_personal("Exemple : 2 69 05 49 588 157"));
        assert!(holds_personal("à jeanne@example.fr"));
        assert!(!holds_personal(
            "Étape 2 sur 7 Votre numéro de sécurité sociale"
        ));
    }

    #[test]
    fn the_reference_is_spelt() {
        assert_eq!(
            said(Kind::Spell, "K7Q2-9DF3", Listening::Open),
            "K, 7, Q, 2, 9, D, F, 3"
        );
    }

    #[test]
    fn unknown_field_names_are_neutral_and_texts_are_cleaned() {
        assert_eq!(Field::named("<script>"), Field::Value);
        assert_eq!(Field::named("nir"), Field::Nir);
        assert_eq!(clean("  un\n.\r\ndeux\u{0}  "), "un . deux");
        assert_eq!(clean(&"a".repeat(5000)).len(), MAX_CHARS);
    }
}
