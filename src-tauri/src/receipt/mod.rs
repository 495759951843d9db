//! The receipt the person may take home from step 7 (issue 16): the request's reference in large
//! type and as a QR code, the date and time, the agency, the outcome in plain words, what comes
//! next, and the caisse's site. Tauri-free.
//!
//! Longer than 400 lines: the receipt's types, its wording in French and English for each
//! outcome, and the printer that keeps `status.json` current are one contract, read together.
//!
//! **Nothing personal can reach it, by construction**: a [`Receipt`] is built only from a
//! [`Reference`], an [`Outcome`], a time, an [`Agency`] (the kiosk's own settings) and a
//! [`Caisse`] (static data). No type holding a NIR, a name, an e-mail, a phone or a secret is
//! accepted anywhere in this module. The ticket may be left on the kiosk: that is why.
//!
//! - [`qr`]: the QR code of the caisse's site, as SVG (the screen) or as modules (the page, the
//!   ticket);
//! - [`thermal`]: ESC/POS bytes for 80 mm thermal printers (a CUPS raw queue);
//! - [`pdf`]: a rendered A4 page for any other CUPS printer;
//! - [`cups`]: the queue's state and the submission, through the CUPS command-line tools.

pub mod cups;
pub mod pdf;
pub mod qr;
pub mod thermal;

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use enrol_core::Caisse;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The request's reference as `reference::new_reference` makes it: 4 + `-` + 4 characters of
/// Crockford's base-32 (`K7Q2-9DF3`). Parsed, so that nothing else can be printed in its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference(String);

impl Reference {
    pub fn parse(text: &str) -> Option<Reference> {
        let bytes = text.as_bytes();
        let well_formed = bytes.len() == 9
            && bytes.iter().enumerate().all(|(i, &b)| {
                if i == 4 {
                    b == b'-'
                } else {
                    b.is_ascii_digit() || (b.is_ascii_uppercase() && !b"ILOU".contains(&b))
                }
            });
        well_formed.then(|| Reference(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What happened to the request, as step 7 says it (`commands::confirmation`'s outcomes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// The temporary password went by e-mail (the address itself is never printed).
    Email,
    Postal,
    /// Kept in the outbox, sent to the MSA as soon as possible.
    Queued,
    AlreadyEnrolled,
    Counsellor,
}

impl Outcome {
    /// From the confirmation's `outcome` word; `None` for anything else.
    pub fn from_word(word: &str) -> Option<Outcome> {
        Some(match word {
            "email" => Outcome::Email,
            "postal" => Outcome::Postal,
            "queued" => Outcome::Queued,
            "alreadyEnrolled" => Outcome::AlreadyEnrolled,
            "counsellor" => Outcome::Counsellor,
            _ => return None,
        })
    }
}

/// Where the receipt was printed: the kiosk's id and the agency's département, both from the
/// agency's configuration file, never from the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agency {
    pub kiosk_id: String,
    /// `"Loire-Atlantique (44)"`, when the configuration names the agency's département.
    pub department: Option<String>,
}

/// The language the receipt is printed in: the one on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    /// `"en"` gives English; anything else French, the kiosk's first language.
    pub fn from_code(code: Option<&str>) -> Lang {
        match code {
            Some("en") => Lang::En,
            _ => Lang::Fr,
        }
    }
}

/// The static link of the QR code: the caisse's msa.fr site, `https://<subdomain>.msa.fr/`.
///
/// Why the site and not a deeper login path: the caisse table (enrol-core `department.rs`,
/// domain.md §3) gives each caisse's msa.fr sub-domain, and every caisse site carries the
/// « Mon espace privé » login; no source at hand gives a login path that is the same on every
/// caisse's site, and a wrong path would print a dead link on thousands of tickets.
pub fn login_url(caisse: &Caisse) -> String {
    format!("https://{}.msa.fr/", caisse.subdomain)
}

/// How a line of the receipt is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// The reference: as large as the medium allows.
    Huge,
    Heading,
    Body,
    /// The date, the agency, the site: small print.
    Small,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub style: Style,
    pub text: String,
}

fn line(style: Style, text: impl Into<String>) -> Line {
    Line {
        style,
        text: text.into(),
    }
}

/// Everything printed on the receipt. See the module's documentation for why it cannot hold
/// anything personal.
#[derive(Debug, Clone)]
pub struct Receipt {
    reference: Reference,
    outcome: Outcome,
    issued_at: OffsetDateTime,
    agency: Agency,
    caisse: &'static Caisse,
    /// The person gave no e-mail address: a queued enrolment's password comes by post.
    no_email: bool,
    /// The caisse's phone number as the agency's configuration gives it ([`CaissePhones`]).
    phone: Option<String>,
}

impl Receipt {
    pub fn new(
        reference: Reference,
        outcome: Outcome,
        issued_at: OffsetDateTime,
        agency: Agency,
        caisse: &'static Caisse,
    ) -> Receipt {
        Receipt {
            reference,
            outcome,
            issued_at,
            agency,
            caisse,
            no_email: false,
            phone: None,
        }
    }

    /// The caisse's phone number, printed under « Donnez ce numéro si vous appelez la MSA ».
    pub fn with_phone(mut self, phone: Option<String>) -> Receipt {
        self.phone = phone;
        self
    }

    /// Whether the person gave no e-mail address: then the receipt of a queued enrolment says
    /// the password comes by post, as step 7 does (`confirmation.queued.nextPostal`).
    pub fn with_no_email(mut self, no_email: bool) -> Receipt {
        self.no_email = no_email;
        self
    }

    pub fn reference(&self) -> &Reference {
        &self.reference
    }

    /// The QR code's text: [`login_url`] of the person's caisse.
    pub fn login_url(&self) -> String {
        login_url(self.caisse)
    }

    /// The receipt's text, top to bottom; the QR code goes after the reference's lines
    /// ([`Receipt::QR_AFTER`] lines in).
    pub fn lines(&self, lang: Lang) -> Vec<Line> {
        let t = texts(lang);
        let (outcome, next) = match self.outcome {
            Outcome::Email => (t.email, t.email_next),
            Outcome::Postal => (t.postal, t.postal_next),
            Outcome::Queued if self.no_email => (t.queued, t.queued_next_postal),
            Outcome::Queued => (t.queued, t.queued_next),
            Outcome::AlreadyEnrolled => (t.already, t.already_next),
            Outcome::Counsellor => (t.counsellor, t.counsellor_next),
        };
        let date = self
            .issued_at
            .format(time::macros::format_description!(
                "[day]/[month]/[year] [hour]:[minute]"
            ))
            .unwrap_or_default();
        let mut agency = format!("{} {}", t.kiosk, self.agency.kiosk_id);
        if let Some(department) = &self.agency.department {
            agency = format!("{} {department} · {agency}", t.agency);
        }
        let mut lines = vec![
            line(Style::Heading, t.title),
            line(Style::Body, t.reference),
            line(Style::Huge, self.reference.as_str()),
            line(Style::Heading, outcome),
            line(Style::Body, next),
            line(Style::Body, t.call),
        ];
        if let Some(phone) = &self.phone {
            lines.push(line(Style::Heading, format!("{} {phone}", t.phone)));
        }
        lines.extend([
            line(Style::Body, t.site),
            line(Style::Heading, self.caisse.name),
            line(Style::Small, self.login_url()),
            line(Style::Small, date),
            line(Style::Small, agency),
        ]);
        lines
    }

    /// The QR code is printed after this many lines of [`Receipt::lines`] (after the reference).
    pub const QR_AFTER: usize = 3;
}

/// The receipt's words. Plain, short sentences, as on step 7 (ui/i18n/*.json `confirmation.*`).
struct Texts {
    title: &'static str,
    reference: &'static str,
    email: &'static str,
    email_next: &'static str,
    postal: &'static str,
    postal_next: &'static str,
    queued: &'static str,
    queued_next: &'static str,
    queued_next_postal: &'static str,
    already: &'static str,
    already_next: &'static str,
    counsellor: &'static str,
    counsellor_next: &'static str,
    call: &'static str,
    phone: &'static str,
    site: &'static str,
    agency: &'static str,
    kiosk: &'static str,
}

fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Fr => &Texts {
            title: "MSA - Mon espace privé",
            reference: "Votre numéro de demande :",
            email: "Mot de passe envoyé par e-mail.",
            email_next: "Regardez vos e-mails, et le dossier « courrier indésirable ».",
            postal: "Mot de passe envoyé par courrier.",
            postal_next: "Vous le recevrez dans les prochains jours.",
            queued: "Demande gardée, envoyée dès que possible.",
            queued_next: "Vous recevrez ensuite votre mot de passe, par e-mail ou par courrier.",
            queued_next_postal: "Vous recevrez ensuite votre mot de passe par courrier.",
            already: "Vous avez déjà un compte.",
            already_next: "Mot de passe oublié ? Sur msa.fr, choisissez « Mot de passe oublié ».",
            counsellor: "Un conseiller va vous aider.",
            counsellor_next: "Montrez ce reçu à l'accueil.",
            call: "Donnez ce numéro si vous appelez la MSA.",
            phone: "MSA :",
            site: "Connectez-vous sur msa.fr :",
            agency: "Agence",
            kiosk: "borne",
        },
        Lang::En => &Texts {
            title: "MSA - Mon espace privé",
            reference: "Your request number:",
            email: "Password sent by e-mail.",
            email_next: "Check your e-mails, and the spam folder.",
            postal: "Password sent by post.",
            postal_next: "You will receive it in the next few days.",
            queued: "Request kept, sent as soon as possible.",
            queued_next: "You will then receive your password, by e-mail or by post.",
            queued_next_postal: "You will then receive your password by post.",
            already: "You already have an account.",
            already_next: "Forgot your password? On msa.fr, choose « Mot de passe oublié ».",
            counsellor: "An adviser will help you.",
            counsellor_next: "Show this receipt at the front desk.",
            call: "Give this number if you call the MSA.",
            phone: "MSA:",
            site: "Log in to msa.fr:",
            agency: "Agency",
            kiosk: "kiosk",
        },
    }
}

/// How the receipt reaches paper (`[receipt] mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// ESC/POS bytes through a CUPS raw queue: the 80 mm thermal printers of kiosks.
    Raw,
    /// A PDF page, which CUPS converts for any printer it drives.
    Rendered,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Raw => "raw",
            Mode::Rendered => "rendered",
        }
    }
}

/// A CUPS queue name as the agency's file gives it. CUPS allows any printable character but
/// space, `/`, `\`, `#`, `?`, `'` and `"` (lpadmin(8)); this keeps to letters, digits, `-`, `_`,
/// `.` and `@`, starting with a letter or a digit, so that the name can never read as an option
/// of `lp` or `lpstat`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueName(String);

impl QueueName {
    pub fn parse(text: &str) -> Option<QueueName> {
        let mut chars = text.chars();
        let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
        let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || "-_.@".contains(c));
        (first_ok && rest_ok && text.len() <= 127).then(|| QueueName(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The caisses' phone numbers for the receipt, as the agency's configuration gives them
/// (`[receipt.phones]`, keyed by the caisse's msa.fr subdomain): MSA publishes no list of them
/// in a form the kiosk could ship, and an agency knows its own caisse's number. A caisse
/// without a number gets none on its receipts (msa.fr and the reference remain).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaissePhones(std::collections::BTreeMap<&'static str, String>);

impl CaissePhones {
    /// From `(subdomain, number)` pairs as the file writes them. Errors: `Err((subdomain,
    /// None))` for a subdomain that is no caisse of [`enrol_core::department::CAISSES`],
    /// `Err((subdomain, Some(number)))` for a number that is not a caisse's French number (see
    /// [`french_phone`]).
    pub fn parse<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<CaissePhones, (String, Option<String>)> {
        let mut phones = std::collections::BTreeMap::new();
        for (subdomain, number) in pairs {
            let Some(caisse) = enrol_core::department::CAISSES
                .iter()
                .find(|c| c.subdomain == subdomain)
            else {
                return Err((subdomain.to_owned(), None));
            };
            let national = french_phone(number)
                .ok_or_else(|| (subdomain.to_owned(), Some(number.to_owned())))?;
            phones.insert(caisse.subdomain, national);
        }
        Ok(CaissePhones(phones))
    }

    /// `caisse`'s number in its national form (« 02 61 91 00 44 »), if the agency gave one.
    pub fn of(&self, caisse: &Caisse) -> Option<String> {
        self.0.get(caisse.subdomain).cloned()
    }
}

/// A French number as a caisse publishes it, in the national form people dial: ten digits from
/// `01`–`05` or `09` (landlines and non-geographic numbers, ARCEP's plan), written with or
/// without spaces, dots or dashes (« 02 61 91 00 44 »), or a four-digit short number `3xxx`
/// (« 3646 »). Mobiles (`06`, `07`) and premium `08` numbers are not a caisse's.
///
/// Not libphonenumber, on purpose: the agency's file is read before the window opens, and the
/// `phonenumber` crate's metadata takes 0.77 s to load (enrol-core loads it beside the start
/// instead, for the person's mobile).
fn french_phone(text: &str) -> Option<String> {
    if text.len() > 32
        || !text
            .chars()
            .all(|c| c.is_ascii_digit() || " .-".contains(c))
    {
        return None;
    }
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let d = digits.as_bytes();
    match d.len() {
        4 if d[0] == b'3' => Some(digits),
        10 if d[0] == b'0' && matches!(d[1], b'1'..=b'5' | b'9') => Some(
            digits
                .as_bytes()
                .chunks(2)
                .map(|pair| std::str::from_utf8(pair).unwrap_or_default())
                .collect::<Vec<_>>()
                .join(" "),
        ),
        _ => None,
    }
}

/// `[receipt]` of the agency's configuration: present only when the kiosk has a printer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptConfig {
    pub queue: QueueName,
    pub mode: Mode,
    /// Print at step 7 without waiting for « Imprimer mon reçu ».
    pub auto: bool,
    /// `[receipt.phones]`.
    pub phones: CaissePhones,
}

/// The kiosk's printer: prints receipts and keeps the `receipt` key of `status.json` current
/// (`msa-kiosk status`: queue, mode, printer state, IPP reasons, the last print's result).
pub struct Printing {
    config: ReceiptConfig,
    status_path: PathBuf,
    last_print: Mutex<Option<(String, &'static str)>>,
}

impl Printing {
    pub fn new(config: ReceiptConfig, status_path: PathBuf) -> Printing {
        Printing {
            config,
            status_path,
            last_print: Mutex::new(None),
        }
    }

    pub fn config(&self) -> &ReceiptConfig {
        &self.config
    }

    /// Renders the receipt for the configured mode and prints it (see [`cups::print`]).
    pub async fn print(&self, receipt: &Receipt, lang: Lang) -> Result<(), cups::PrintError> {
        let document = match self.config.mode {
            Mode::Raw => thermal::render(receipt, lang).ok(),
            Mode::Rendered => pdf::render(receipt, lang),
        };
        let result = match document {
            Some(bytes) => {
                cups::print(&self.config.queue, &bytes, self.config.mode == Mode::Raw).await
            }
            None => Err(cups::PrintError::Render),
        };
        let word = match result {
            Ok(()) => "printed",
            Err(error) => error.code(),
        };
        *self.last_print.lock().unwrap_or_else(|p| p.into_inner()) =
            Some((crate::ops::clock::now_rfc3339(), word));
        self.check().await;
        result
    }

    /// Reads the queue's state and writes it to the status file.
    pub async fn check(&self) -> cups::QueueStatus {
        let status = cups::queue_status(&self.config.queue).await;
        let last = self
            .last_print
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let value = serde_json::json!({
            "queue": self.config.queue.as_str(),
            "mode": self.config.mode.as_str(),
            "auto": self.config.auto,
            "printer": status.state,
            "reasons": status.reasons,
            "checkedAt": crate::ops::clock::now_rfc3339(),
            "lastPrint": last.map(|(at, result)| serde_json::json!({"at": at, "result": result})),
        });
        if let Err(error) = crate::ops::status_file::merge(&self.status_path, "receipt", value) {
            tracing::warn!(%error, "could not write the printer's status");
        }
        status
    }

    /// Checks the printer now and then every `every`, for `msa-kiosk status`.
    pub async fn watch(self: std::sync::Arc<Self>, every: Duration) {
        let mut tick = tokio::time::interval(every);
        let mut previous = None;
        loop {
            tick.tick().await;
            let state = self.check().await.state;
            if previous != Some(state) {
                tracing::info!(
                    ?state,
                    queue = self.config.queue.as_str(),
                    "receipt printer"
                );
                previous = Some(state);
            }
        }
    }
}

/// Step 7's receipt for the shell: the printer, if the agency has one, and the receipt of the
/// last confirmation (nothing personal in it), kept until the next session starts.
pub struct Receipts {
    printing: Option<std::sync::Arc<Printing>>,
    last: Mutex<Option<Receipt>>,
}

/// Why « Imprimer mon reçu » printed nothing; the screen says to note the reference.
#[derive(Debug, PartialEq, Eq)]
pub enum NotPrinted {
    /// The agency's configuration has no `[receipt]` printer.
    NoPrinter,
    /// No enrolment was confirmed in this session.
    NoReceipt,
    /// CUPS or the renderer failed (its code, e.g. `offline`).
    Failed(&'static str),
}

impl Receipts {
    pub fn new(printing: Option<std::sync::Arc<Printing>>) -> Receipts {
        Receipts {
            printing,
            last: Mutex::new(None),
        }
    }

    /// `caisse`'s phone number from `[receipt.phones]`; `None` without a printer or a number.
    pub fn caisse_phone(&self, caisse: &Caisse) -> Option<String> {
        self.printing.as_ref()?.config().phones.of(caisse)
    }

    /// `"off"` (no printer), `"button"` (« Imprimer mon reçu ») or `"auto"`, for `kiosk_info`.
    pub fn print_mode(&self) -> &'static str {
        match &self.printing {
            None => "off",
            Some(printing) if printing.config().auto => "auto",
            Some(_) => "button",
        }
    }

    /// Keeps the receipt of the confirmation just shown.
    pub fn keep(&self, receipt: Option<Receipt>) {
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = receipt;
    }

    /// Forgets the last receipt (a new session starts, or one is cancelled).
    pub fn forget(&self) {
        self.keep(None);
    }

    /// Prints the last confirmation's receipt.
    pub async fn print(&self, lang: Lang) -> Result<(), NotPrinted> {
        let printing = self.printing.as_ref().ok_or(NotPrinted::NoPrinter)?;
        let receipt = self
            .last
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or(NotPrinted::NoReceipt)?;
        match printing.print(&receipt, lang).await {
            Ok(()) => {
                tracing::info!(reference = receipt.reference().as_str(), "receipt printed");
                Ok(())
            }
            Err(error) => {
                tracing::warn!(code = error.code(), %error, "receipt not printed");
                Err(NotPrinted::Failed(error.code()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use enrol_core::Department;

    pub(crate) fn sample(outcome: Outcome) -> Receipt {
        Receipt::new(
            Reference::parse("K7Q2-9DF3").unwrap(),
            outcome,
            time::macros::datetime!(2026-11-29 14:05 +01:00),
            Agency {
                kiosk_id: "agence-44-01".into(),
                department: Some("Loire-Atlantique (44)".into()),
            },
            Department::parse("44").unwrap().caisse(),
        )
    }

    #[test]
    fn references_are_parsed_as_the_kiosk_makes_them() {
        assert!(Reference::parse("K7Q2-9DF3").is_some());
        for bad in [
            "",
            "K7Q2 9DF3",
            "k7q2-9df3",
            "K7Q2-9DF",
            "K7QI-9DF3",
            "K7Q2-9DF3X",
            "../../x",
        ] {
            assert!(Reference::parse(bad).is_none(), "{bad:?} was accepted");
        }
        for _ in 0..200 {
            let made = crate::enrolment::reference::new_reference();
            assert!(Reference::parse(&made).is_some(), "{made} was refused");
        }
    }

    #[test]
    fn every_caisse_has_an_https_msa_fr_link() {
        for caisse in &enrol_core::department::CAISSES {
            let url = url::Url::parse(&login_url(caisse)).unwrap();
            assert_eq!(url.scheme(), "https");
            let host = url.host_str().unwrap();
            assert!(host.ends_with(".msa.fr"), "{host}");
            assert_eq!(url.path(), "/");
        }
        assert_eq!(
            sample(Outcome::Email).login_url(),
            "https://loire-atlantique-vendee.msa.fr/"
        );
    }

    #[test]
    fn the_receipt_says_the_reference_the_outcome_and_the_caisse() {
        let words = |outcome, lang| -> String {
            sample(outcome)
                .lines(lang)
                .into_iter()
                .map(|l| l.text)
                .collect::<Vec<_>>()
                .join("\n")
        };
        let email = words(Outcome::Email, Lang::Fr);
        assert!(email.contains("K7Q2-9DF3"));
        assert!(email.contains("Mot de passe envoyé par e-mail."));
        assert!(email.contains("MSA Loire-Atlantique-Vendée"));
        assert!(email.contains("https://loire-atlantique-vendee.msa.fr/"));
        assert!(email.contains("29/11/2026 14:05"));
        assert!(email.contains("agence-44-01"));
        assert!(words(Outcome::Postal, Lang::Fr).contains("par courrier"));
        assert!(words(Outcome::Queued, Lang::Fr).contains("envoyée dès que possible"));
        assert!(words(Outcome::Queued, Lang::Fr).contains("par e-mail ou par courrier"));
        assert!(words(Outcome::Email, Lang::En).contains("Password sent by e-mail."));
        let huge: Vec<_> = sample(Outcome::Queued)
            .lines(Lang::Fr)
            .into_iter()
            .filter(|l| l.style == Style::Huge)
            .collect();
        assert_eq!(huge, vec![line(Style::Huge, "K7Q2-9DF3")]);
        assert_eq!(
            sample(Outcome::Email).lines(Lang::Fr)[Receipt::QR_AFTER - 1].text,
            "K7Q2-9DF3"
        );
    }

    #[test]
    fn caisse_numbers_are_french_landlines_09_or_short_numbers() {
        for (text, national) in [
            ("02 61 91 00 44", "02 61 91 00 44"),
            ("0261910044", "02 61 91 00 44"),
            ("02.61.91.00.44", "02 61 91 00 44"),
            ("09-69-32-50-50", "09 69 32 50 50"),
            ("3646", "3646"),
        ] {
            assert_eq!(french_phone(text).as_deref(), Some(national), "{text}");
        }
        for bad in [
            "",
            "02 61 91 00",
            "06 12 34 56 78",
            "08 99 00 00 00",
            "+33 2 61 91 00 44",
            "02 61 91 00 44 ext 2",
            "1234",
            "٠٢٦١٩١٠٠٤٤",
        ] {
            assert_eq!(french_phone(bad), None, "{bad}");
        }
    }

    #[test]
    fn without_an_email_a_queued_receipt_says_by_post_only() {
        for (lang, post, email) in [
            (Lang::Fr, "mot de passe par courrier", "e-mail"),
            (Lang::En, "password by post", "e-mail"),
        ] {
            let text: Vec<String> = sample(Outcome::Queued)
                .with_no_email(true)
                .lines(lang)
                .into_iter()
                .map(|l| l.text)
                .collect();
            let text = text.join("\n");
            assert!(text.contains(post), "{text}");
            assert!(!text.contains(email), "{text}");
        }
        // The other outcomes already say how the password travels (or that it does not).
        let postal = sample(Outcome::Postal).with_no_email(true).lines(Lang::Fr);
        assert_eq!(postal, sample(Outcome::Postal).lines(Lang::Fr));
    }

    #[test]
    fn outcome_words_are_those_of_the_confirmation() {
        for word in ["email", "postal", "queued", "alreadyEnrolled", "counsellor"] {
            let outcome = Outcome::from_word(word).unwrap();
            assert_eq!(serde_json::to_value(outcome).unwrap(), word);
        }
        assert_eq!(Outcome::from_word("verified"), None);
    }

    #[test]
    fn queue_names_cannot_read_as_options() {
        for good in ["receipt", "TM-T20III", "thermal_80mm", "hp.laser@accueil"] {
            assert!(QueueName::parse(good).is_some(), "{good}");
        }
        for bad in [
            "",
            "-d",
            "--help",
            "a b",
            "a/b",
            "a#b",
            "a'b",
            "é",
            &"x".repeat(128),
        ] {
            assert!(QueueName::parse(bad).is_none(), "{bad:?}");
        }
    }
}
