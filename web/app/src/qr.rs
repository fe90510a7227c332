//! QR codes as server-rendered SVG (the pure-Rust `qrcode` crate): credential offers now,
//! verification requests later. Medium error correction, a quiet zone, black on white.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// Why a QR code could not be made (the text is too long for any QR version).
#[derive(Debug, thiserror::Error)]
#[error("cannot make a QR code of this text: {0}")]
pub struct QrError(String);

/// An `<svg>` element showing `text` as a QR code, at least `min_px` wide. Its markup is ours
/// (no part of `text` appears in it), so it is safe to insert as HTML.
pub fn svg(text: &str, min_px: u32) -> Result<String, QrError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(|e| QrError(e.to_string()))?;
    let image = code
        .render::<svg::Color>()
        .min_dimensions(min_px, min_px)
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    // The renderer starts with an XML declaration; an inline <svg> in HTML does not want it.
    Ok(match image.find("<svg") {
        Some(i) => image[i..].to_owned(),
        None => image,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    #[test]
    fn an_offer_link_becomes_an_svg() {
        let s = super::svg("openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fx.example%2Fo%2Fabc", 200)
            .unwrap();
        assert!(s.starts_with("<svg") && s.contains("</svg>"), "{}", &s[..40]);
        assert!(!s.contains("credential_offer_uri"), "the text is not echoed in the markup");
        assert!(super::svg(&"x".repeat(8000), 200).is_err());
    }
}
