//! Stateless code helpers: QR rendering and decoding, credit-code checking.

use zhifa_core::codes::qr;
use zhifa_core::ids::{CreditCode, CreditCodeCheck};

use crate::error::{lift, ZhifaError};

/// An SVG image of the QR code for `payload` (level M).
#[uniffi::export]
pub fn qr_svg(payload: String) -> Result<String, ZhifaError> {
    qr::render_svg(&payload).map_err(lift)
}

/// A PNG of the QR code, `module_pixels` pixels a module.
#[uniffi::export]
pub fn qr_png(payload: String, module_pixels: u32) -> Result<Vec<u8>, ZhifaError> {
    qr::render_png(&payload, module_pixels.clamp(1, 64)).map_err(lift)
}

/// Every QR code found in a photo (PNG or JPEG), as scanned text.
#[uniffi::export]
pub fn decode_qr_image(image: Vec<u8>) -> Result<Vec<String>, ZhifaError> {
    qr::decode_image(&image).map_err(lift)
}

/// A typed or scanned unified social credit code, checked.
#[derive(Debug, Clone, uniffi::Record)]
pub struct CreditCodeInfo {
    /// Canonical (upper-case) form.
    pub code: String,
    /// GB/T 2260 division of the registering authority.
    pub division: String,
    /// False when well formed but the check character disagrees: flag it, don't reject.
    pub check_character_valid: bool,
    pub expected_check_character: Option<String>,
}

#[uniffi::export]
pub fn check_credit_code(text: String) -> Result<CreditCodeInfo, ZhifaError> {
    let (code, check) = CreditCode::parse(&text).map_err(lift)?;
    let expected = match check {
        CreditCodeCheck::Valid => None,
        CreditCodeCheck::CheckCharacterMismatch { expected } => Some(expected.to_string()),
    };
    Ok(CreditCodeInfo {
        division: code.division().to_owned(),
        code: code.to_string(),
        check_character_valid: expected.is_none(),
        expected_check_character: expected,
    })
}
