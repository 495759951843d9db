//! The receipt as ESC/POS bytes for the 80 mm thermal printers kiosks carry (Epson TM-T20/T88
//! and the many printers that speak their command set), sent through a CUPS raw queue.
//!
//! The commands come from the `escpos` crate (ESC @, ESC t, ESC a, ESC E, GS !, GS ( k for the
//! QR code, GS V); the crate also maps the text to code page PC858 (Latin-1 with €), which holds
//! every letter of French. The QR code uses the printer's own QR generator (GS ( k, model 2,
//! level M): the printer draws it at its own resolution, and the ticket's bytes carry the link
//! itself, which is what the tests decode.

use std::sync::{Arc, Mutex};

use escpos::driver::Driver;
use escpos::printer::Printer;
use escpos::utils::{
    JustifyMode, PageCode, Protocol, QRCodeCorrectionLevel, QRCodeModel, QRCodeOption,
};

use super::{Lang, Receipt, Style};

/// Characters per line in font A on 80 mm paper (576 dots / 12), minus a margin that 72 mm
/// printable widths need.
pub const COLUMNS: usize = 42;
/// QR module size in dots (GS ( k fn 167): 6 dots = 0.75 mm at 203 dpi, about 25 mm for a
/// version-3 code, easy for a phone.
const QR_MODULE_DOTS: u8 = 6;

/// Collects what the printer would be sent.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Driver for Buffer {
    fn name(&self) -> String {
        "memory".to_owned()
    }

    fn write(&self, data: &[u8]) -> escpos::errors::Result<()> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(data);
        Ok(())
    }

    fn read(&self, _buf: &mut [u8]) -> escpos::errors::Result<usize> {
        Ok(0)
    }

    fn flush(&self) -> escpos::errors::Result<()> {
        Ok(())
    }
}

/// The receipt as one ESC/POS job: initialise, PC858, centred lines, the QR code after the
/// reference, a feed and a full cut. Errors only if the `escpos` crate refuses a command, which
/// would be a bug in this module (the texts are the kiosk's own).
pub fn render(receipt: &Receipt, lang: Lang) -> Result<Vec<u8>, String> {
    let buffer = Buffer::default();
    let mut printer = Printer::new(buffer.clone(), Protocol::default(), None);
    build(&mut printer, receipt, lang).map_err(|e| format!("ESC/POS: {e}"))?;
    let bytes = buffer.0.lock().unwrap_or_else(|p| p.into_inner()).clone();
    Ok(bytes)
}

fn build(
    printer: &mut Printer<Buffer>,
    receipt: &Receipt,
    lang: Lang,
) -> escpos::errors::Result<()> {
    printer
        .init()?
        .page_code(PageCode::PC858)?
        .justify(JustifyMode::CENTER)?;
    for (i, line) in receipt.lines(lang).into_iter().enumerate() {
        if i == Receipt::QR_AFTER {
            printer
                .qrcode_option(
                    &receipt.login_url(),
                    QRCodeOption::new(
                        QRCodeModel::Model2,
                        QR_MODULE_DOTS,
                        QRCodeCorrectionLevel::M,
                    ),
                )?
                .feed()?;
        }
        let text = for_pc858(&line.text);
        match line.style {
            Style::Huge => {
                printer.size(3, 3)?.bold(true)?;
                writeln(printer, &text)?;
                printer.reset_size()?.bold(false)?;
            }
            Style::Heading => {
                printer.bold(true)?;
                for part in wrap(&text, COLUMNS) {
                    writeln(printer, &part)?;
                }
                printer.bold(false)?;
            }
            Style::Body | Style::Small => {
                for part in wrap(&text, COLUMNS) {
                    writeln(printer, &part)?;
                }
            }
        }
    }
    printer.feeds(4)?.print_cut()?;
    Ok(())
}

/// One line of text. ASCII goes out as ASCII, which every code page shares; only the other
/// characters go through the crate's PC858 table, because that table (escpos 0.20) puts the
/// ASCII hyphen at 0xF0, the soft hyphen's place, and the reference `K7Q2-9DF3` has a hyphen.
fn writeln(printer: &mut Printer<Buffer>, text: &str) -> escpos::errors::Result<()> {
    let mut rest = text;
    while !rest.is_empty() {
        let ascii = rest.find(|c: char| !c.is_ascii()).unwrap_or(rest.len());
        if ascii > 0 {
            printer.custom(&rest.as_bytes()[..ascii])?;
            rest = &rest[ascii..];
        } else {
            let other = rest.find(|c: char| c.is_ascii()).unwrap_or(rest.len());
            printer.write(&rest[..other])?;
            rest = &rest[other..];
        }
    }
    printer.feed()?;
    Ok(())
}

/// The typographic characters of the kiosk's texts that PC858 lacks, spelt as the ticket can
/// print them; anything else passes through (PC858 holds all French letters, « » and ·).
fn for_pc858(text: &str) -> String {
    text.chars()
        .flat_map(|c| match c {
            '\u{2019}' | '\u{2018}' => vec!['\''],
            '\u{201C}' | '\u{201D}' => vec!['"'],
            '\u{2026}' => vec!['.', '.', '.'],
            '\u{2013}' | '\u{2014}' => vec!['-'],
            '\u{00A0}' | '\u{202F}' => vec![' '],
            'œ' => vec!['o', 'e'],
            'Œ' => vec!['O', 'E'],
            other => vec![other],
        })
        .collect()
}

/// Greedy word wrap at `columns` characters; a word longer than a line is cut.
pub(super) fn wrap(text: &str, columns: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let needed =
            current.chars().count() + usize::from(!current.is_empty()) + word.chars().count();
        if needed > columns && !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
        while current.chars().count() > columns {
            let head: String = current.chars().take(columns).collect();
            current = current.chars().skip(columns).collect();
            lines.push(head);
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::receipt::Outcome;

    /// What a thermal printer makes of an ESC/POS stream, read independently of the `escpos`
    /// crate: the printed text lines, the QR code data stored, whether it was printed, the cut.
    #[derive(Debug, Default)]
    pub(crate) struct Decoded {
        pub lines: Vec<String>,
        pub qr_data: Option<String>,
        pub qr_printed: bool,
        pub code_page: Option<u8>,
        pub cut: bool,
        pub max_size: u8,
    }

    /// PC858 (IBM code page 858) for the bytes above 0x7F that French needs.
    fn pc858(byte: u8) -> Option<char> {
        Some(match byte {
            0x20..=0x7E => byte as char,
            0x80 => 'Ç',
            0x81 => 'ü',
            0x82 => 'é',
            0x83 => 'â',
            0x85 => 'à',
            0x87 => 'ç',
            0x88 => 'ê',
            0x89 => 'ë',
            0x8A => 'è',
            0x8B => 'ï',
            0x8C => 'î',
            0x90 => 'É',
            0x93 => 'ô',
            0x96 => 'û',
            0x97 => 'ù',
            0xAE => '«',
            0xAF => '»',
            0xB7 => 'À',
            0xD4 => 'È',
            0xFA => '·',
            _ => return None,
        })
    }

    /// Decodes the commands the receipt uses; any other byte sequence fails the test.
    pub(crate) fn decode(bytes: &[u8]) -> Decoded {
        let mut out = Decoded::default();
        let mut line = String::new();
        let mut i = 0;
        let end_line = |line: &mut String, out: &mut Decoded| {
            out.lines.push(std::mem::take(line));
        };
        while i < bytes.len() {
            match bytes[i] {
                0x1B => {
                    let (cmd, arg) = (bytes[i + 1], bytes.get(i + 2).copied());
                    match cmd {
                        b'@' => i += 2,
                        b't' => {
                            out.code_page = arg;
                            i += 3;
                        }
                        b'a' | b'E' => i += 3,
                        b'd' => {
                            for _ in 0..arg.unwrap_or(0) {
                                end_line(&mut line, &mut out);
                            }
                            i += 3;
                        }
                        other => panic!("unexpected ESC {other:#04x} at {i}"),
                    }
                }
                0x1D => match bytes[i + 1] {
                    b'!' => {
                        let n = bytes[i + 2];
                        out.max_size = out.max_size.max((n & 0x0F) + 1);
                        i += 3;
                    }
                    b'V' => {
                        out.cut = true;
                        i += if bytes[i + 2] >= 65 { 4 } else { 3 };
                    }
                    b'(' if bytes[i + 2] == b'k' => {
                        let len = usize::from(bytes[i + 3]) + 256 * usize::from(bytes[i + 4]);
                        let body = &bytes[i + 5..i + 5 + len];
                        assert_eq!(body[0], 49, "GS ( k: symbol type QR (cn = 49)");
                        match body[1] {
                            80 => {
                                assert_eq!(body[2], 48);
                                out.qr_data = Some(String::from_utf8(body[3..].to_vec()).unwrap());
                            }
                            81 => out.qr_printed = out.qr_data.is_some(),
                            65 | 67 | 69 => {}
                            other => panic!("unexpected GS ( k fn {other}"),
                        }
                        i += 5 + len;
                    }
                    other => panic!("unexpected GS {other:#04x} at {i}"),
                },
                0x0A => {
                    end_line(&mut line, &mut out);
                    i += 1;
                }
                byte => {
                    let c = pc858(byte)
                        .unwrap_or_else(|| panic!("byte {byte:#04x} at {i} is not PC858 text"));
                    line.push(c);
                    i += 1;
                }
            }
        }
        if !line.is_empty() {
            out.lines.push(line);
        }
        out
    }

    #[test]
    fn the_ticket_decodes_to_the_receipt_and_the_qr_link() {
        let receipt = crate::receipt::tests::sample(Outcome::Postal);
        let decoded = decode(&render(&receipt, Lang::Fr).unwrap());
        assert_eq!(decoded.code_page, Some(19), "ESC t 19 selects PC858");
        assert!(decoded.cut);
        assert_eq!(decoded.max_size, 3, "the reference in triple size");
        assert_eq!(
            decoded.qr_data.as_deref(),
            Some("https://loire-atlantique-vendee.msa.fr/")
        );
        assert!(decoded.qr_printed);
        let text = decoded.lines.join("\n");
        for expected in [
            "K7Q2-9DF3",
            "Votre numéro de demande :",
            "Mot de passe envoyé par courrier.",
            "Donnez ce numéro si vous appelez la MSA.",
            "MSA Loire-Atlantique-Vendée",
            "29/11/2026 14:05",
        ] {
            assert!(text.contains(expected), "{expected:?} not in\n{text}");
        }
        assert!(decoded.lines.iter().all(|l| l.chars().count() <= COLUMNS));
    }

    #[test]
    fn typography_outside_pc858_is_spelt_plainly() {
        assert_eq!(for_pc858("l’accueil… œuvre"), "l'accueil... oeuvre");
        let receipt = crate::receipt::tests::sample(Outcome::Counsellor);
        // Every byte is a known command or PC858 text: `decode` panics otherwise.
        let decoded = decode(&render(&receipt, Lang::Fr).unwrap());
        assert!(decoded
            .lines
            .join(" ")
            .contains("Montrez ce reçu à l'accueil."));
        let decoded = decode(&render(&receipt, Lang::En).unwrap());
        assert!(decoded.lines.join(" ").contains("Show this receipt"));
    }

    #[test]
    fn long_lines_wrap_at_word_boundaries() {
        let lines = wrap(
            "Vous recevrez ensuite votre mot de passe, par e-mail ou par courrier.",
            COLUMNS,
        );
        assert_eq!(
            lines,
            vec![
                "Vous recevrez ensuite votre mot de passe,",
                "par e-mail ou par courrier."
            ]
        );
        assert_eq!(wrap(&"x".repeat(50), 42).len(), 2);
    }
}
