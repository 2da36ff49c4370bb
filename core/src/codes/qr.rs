//! QR codes: the smallest version that holds the payload at error-correction level M
//! (Base45 payloads use the alphanumeric mode), rendered as SVG, PNG or terminal blocks, and
//! decoded from a photo.

use qrcode::render::{svg, unicode};
use qrcode::{EcLevel, QrCode, Version};

use super::CodeError;

fn encode(payload: &str) -> Result<QrCode, CodeError> {
    QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
        .map_err(|_| CodeError::TooLongForQr)
}

/// The QR version (1–40) the payload needs at level M.
pub fn version(payload: &str) -> Result<i16, CodeError> {
    Ok(match encode(payload)?.version() {
        Version::Normal(v) | Version::Micro(v) => v,
    })
}

pub fn render_svg(payload: &str) -> Result<String, CodeError> {
    Ok(encode(payload)?
        .render::<svg::Color<'_>>()
        .min_dimensions(256, 256)
        .build())
}

/// A PNG with `module_pixels` pixels a module and the standard quiet zone.
pub fn render_png(payload: &str, module_pixels: u32) -> Result<Vec<u8>, CodeError> {
    let image = encode(payload)?
        .render::<image::Luma<u8>>()
        .module_dimensions(module_pixels, module_pixels)
        .build();
    let mut png = Vec::new();
    image::DynamicImage::ImageLuma8(image)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|_| CodeError::Image)?;
    Ok(png)
}

/// Half-height block characters, for terminals and logs.
pub fn render_terminal(payload: &str) -> Result<String, CodeError> {
    Ok(encode(payload)?
        .render::<unicode::Dense1x2>()
        .dark_color(unicode::Dense1x2::Light)
        .light_color(unicode::Dense1x2::Dark)
        .build())
}

/// Every QR code readable in a photo (PNG or JPEG), as text.
pub fn decode_image(bytes: &[u8]) -> Result<Vec<String>, CodeError> {
    let image = image::load_from_memory(bytes)
        .map_err(|_| CodeError::Image)?
        .to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    Ok(prepared
        .detect_grids()
        .into_iter()
        .filter_map(|grid| grid.decode().ok().map(|(_, content)| content))
        .collect())
}
