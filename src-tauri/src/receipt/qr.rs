//! The QR code of the caisse's site, made here without any network (ISO/IEC 18004 through the
//! `qrcode` crate): as SVG for the screen, as a module grid for the page and the ticket.

use base64::Engine;
use qrcode::{Color, EcLevel, QrCode};

/// Error correction M (15 %): a ticket crumpled in a pocket still reads, and a msa.fr address
/// stays at version 3–4 (29–33 modules), large enough modules on 80 mm paper.
const LEVEL: EcLevel = EcLevel::M;

/// A QR code's modules, row by row, `true` for dark; no quiet zone (the renderers add it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Modules {
    pub width: usize,
    dark: Vec<bool>,
}

impl Modules {
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        self.dark[y * self.width + x]
    }
}

/// The QR code of `text`. `None` only when the text is too long for a QR code (about 2 300
/// bytes at level M), which no msa.fr address is.
pub fn modules(text: &str) -> Option<Modules> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), LEVEL).ok()?;
    Some(Modules {
        width: code.width(),
        dark: code
            .to_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect(),
    })
}

/// An SVG image of the QR code of `text`, with its 4-module quiet zone, black on white whatever
/// the screen's theme (a phone camera needs the contrast). At least `size_px` wide.
pub fn svg(text: &str, size_px: u32) -> Option<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), LEVEL).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(size_px, size_px)
            .dark_color(qrcode::render::svg::Color("#000000"))
            .light_color(qrcode::render::svg::Color("#ffffff"))
            .quiet_zone(true)
            .build(),
    )
}

/// `svg` as a `data:` URL, which the wizard's CSP allows in `<img src>` (`img-src 'self' data:`)
/// while it refuses inline markup: the page never parses the SVG itself.
pub fn svg_data_url(text: &str, size_px: u32) -> Option<String> {
    let svg = svg(text, size_px)?;
    Some(format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(svg)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_msa_fr_address_makes_a_small_code() {
        let code = modules("https://loire-atlantique-vendee.msa.fr/").unwrap();
        assert!((21..=37).contains(&code.width), "{}", code.width);
        // The three finder patterns: dark corners.
        let w = code.width;
        assert!(code.is_dark(0, 0) && code.is_dark(w - 1, 0) && code.is_dark(0, w - 1));
        // No finder pattern in the fourth corner: its 7×7 corner is not all dark.
        assert!((0..7).any(|i| !code.is_dark(w - 1 - i, w - 1 - i)));
    }

    #[test]
    fn the_svg_is_self_contained_and_black_on_white() {
        let svg = svg("https://bcl.msa.fr/", 200).unwrap();
        assert!(svg.starts_with("<?xml") || svg.starts_with("<svg"));
        assert!(svg.contains("#000000") && svg.contains("#ffffff"));
        assert!(!svg.contains("<script"));
        let url = svg_data_url("https://bcl.msa.fr/", 200).unwrap();
        assert!(url.starts_with("data:image/svg+xml;base64,"));
    }
}
