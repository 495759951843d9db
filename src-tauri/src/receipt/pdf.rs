//! The receipt as a one-page A4 PDF, for any printer CUPS drives (`[receipt] mode = "rendered"`).
//!
//! PDF because CUPS takes `application/pdf` for every queue (cups-filters converts it to what
//! the printer speaks) and because a PDF carries the text as text and the QR code as vector
//! squares, sharp at any resolution. Written with `pdf-writer` (typst's low-level writer: no
//! font embedding needed, no image codec): the text in the standard Helvetica fonts with
//! WinAnsiEncoding, which covers French; the QR code as filled squares.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

use super::{qr, Lang, Receipt, Style};

const A4: (f32, f32) = (595.0, 842.0);
const MARGIN: f32 = 72.0;
/// One QR module: 4 pt (1.4 mm); a version-3 code with its quiet zone is about 52 mm wide.
const MODULE: f32 = 4.0;
const QUIET_ZONE: usize = 4;

struct Font {
    name: Name<'static>,
    size: f32,
    /// Characters per line at this size within the margins (Helvetica's average width).
    columns: usize,
}

fn font(style: Style) -> Font {
    match style {
        Style::Huge => Font {
            name: Name(b"FB"),
            size: 40.0,
            columns: 20,
        },
        Style::Heading => Font {
            name: Name(b"FB"),
            size: 16.0,
            columns: 52,
        },
        Style::Body => Font {
            name: Name(b"FR"),
            size: 13.0,
            columns: 68,
        },
        Style::Small => Font {
            name: Name(b"FR"),
            size: 11.0,
            columns: 80,
        },
    }
}

/// Windows-1252, which is WinAnsiEncoding for every character the receipt uses.
fn win_ansi(text: &str) -> Vec<u8> {
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
    bytes.into_owned()
}

/// The receipt's PDF. `None` only if the QR code cannot be made (see [`qr::modules`]).
pub fn render(receipt: &Receipt, lang: Lang) -> Option<Vec<u8>> {
    let code = qr::modules(&receipt.login_url())?;
    let mut content = Content::new();
    let mut y = A4.1 - MARGIN;
    for (i, line) in receipt.lines(lang).into_iter().enumerate() {
        if i == Receipt::QR_AFTER {
            let side = (code.width + 2 * QUIET_ZONE) as f32 * MODULE;
            y -= side;
            content.set_fill_gray(0.0);
            for row in 0..code.width {
                for col in 0..code.width {
                    if code.is_dark(col, row) {
                        let x = MARGIN + (col + QUIET_ZONE) as f32 * MODULE;
                        let top = y + side - (row + QUIET_ZONE) as f32 * MODULE;
                        content.rect(x, top - MODULE, MODULE, MODULE);
                    }
                }
            }
            content.fill_nonzero();
        }
        let font = font(line.style);
        for part in super::thermal::wrap(&line.text, font.columns) {
            y -= font.size * 1.4;
            content
                .begin_text()
                .set_font(font.name, font.size)
                .next_line(MARGIN, y)
                .show(Str(&win_ansi(&part)))
                .end_text();
        }
        y -= font.size * 0.4;
    }

    let mut pdf = Pdf::new();
    let (catalog, pages, page, regular, bold, contents) = (
        Ref::new(1),
        Ref::new(2),
        Ref::new(3),
        Ref::new(4),
        Ref::new(5),
        Ref::new(6),
    );
    pdf.catalog(catalog).pages(pages);
    pdf.pages(pages).kids([page]).count(1);
    let mut page_writer = pdf.page(page);
    page_writer
        .media_box(Rect::new(0.0, 0.0, A4.0, A4.1))
        .parent(pages)
        .contents(contents);
    page_writer
        .resources()
        .fonts()
        .pair(Name(b"FR"), regular)
        .pair(Name(b"FB"), bold);
    page_writer.finish();
    for (id, base) in [(regular, &b"Helvetica"[..]), (bold, &b"Helvetica-Bold"[..])] {
        pdf.type1_font(id)
            .base_font(Name(base))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    pdf.stream(contents, &content.finish());
    Some(pdf.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receipt::Outcome;

    #[test]
    fn the_page_is_a_pdf_with_the_receipts_words_in_win_ansi() {
        let receipt = crate::receipt::tests::sample(Outcome::Email);
        let bytes = render(&receipt, Lang::Fr).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        assert!(bytes.windows(15).any(|w| w == b"WinAnsiEncoding"));
        let shown = shown_strings(&bytes);
        let has = |text: &str| {
            let needle = win_ansi(text);
            shown
                .iter()
                .any(|s| s.windows(needle.len()).any(|w| w == needle.as_slice()))
        };
        assert!(has("K7Q2-9DF3"));
        assert!(has("Mot de passe envoyé par e-mail."));
        assert!(has("« courrier indésirable »."));
    }

    /// The bytes of every string in the file, literal or hex, escapes undone (ISO 32000-1 §7.3.4).
    fn shown_strings(pdf: &[u8]) -> Vec<Vec<u8>> {
        let mut strings = Vec::new();
        let mut i = 0;
        while i < pdf.len() {
            // A hex string `<48656C6C6F>` (not a dictionary's `<<`).
            if pdf[i] == b'<' && pdf.get(i + 1).is_some_and(u8::is_ascii_hexdigit) {
                let end = i + pdf[i..].iter().position(|&b| b == b'>').unwrap();
                let hex = std::str::from_utf8(&pdf[i + 1..end]).unwrap();
                strings.push(
                    (0..hex.len() / 2)
                        .map(|k| u8::from_str_radix(&hex[2 * k..2 * k + 2], 16).unwrap())
                        .collect(),
                );
                i = end + 1;
                continue;
            }
            if pdf[i] != b'(' {
                i += 1;
                continue;
            }
            let mut out = Vec::new();
            i += 1;
            while i < pdf.len() && pdf[i] != b')' {
                if pdf[i] == b'\\' {
                    i += 1;
                    let digits = pdf[i..]
                        .iter()
                        .take(3)
                        .take_while(|b| b.is_ascii_digit())
                        .count();
                    if digits > 0 {
                        let octal = std::str::from_utf8(&pdf[i..i + digits]).unwrap();
                        out.push(u8::from_str_radix(octal, 8).unwrap());
                        i += digits;
                        continue;
                    }
                }
                out.push(pdf[i]);
                i += 1;
            }
            strings.push(out);
            i += 1;
        }
        strings
    }

    #[test]
    fn win_ansi_has_the_french_letters() {
        assert_eq!(win_ansi("é«»œ’"), vec![0xE9, 0xAB, 0xBB, 0x9C, 0x92]);
    }
}
