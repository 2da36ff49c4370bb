//! QR codes: the smallest version that holds the payload at error-correction level M
//! (Base45 payloads use the alphanumeric mode), rendered as SVG, PNG or terminal blocks, and,
//! with the `qr-photos` feature, decoded from a photo. Phones leave that feature out: their
//! camera library decodes, and the decoders would cost the app 0.45 MiB.

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

/// The largest image scanned for codes: 16 megapixels (a 4096×4096 square; a phone's
/// 12 MP photo passes). Decoding costs memory and time in proportion, so a larger image is
/// refused from its header, before a pixel is decoded; no side may exceed `MAX_SIDE`.
#[cfg(feature = "qr-photos")]
pub const MAX_PIXELS: u64 = 16_000_000;
#[cfg(feature = "qr-photos")]
pub const MAX_SIDE: u32 = 16_384;

/// Every QR code readable in a photo (PNG or JPEG), as text.
#[cfg(feature = "qr-photos")]
pub fn decode_image(bytes: &[u8]) -> Result<Vec<String>, CodeError> {
    let reader = || {
        image::ImageReader::new(std::io::Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|_| CodeError::Image)
    };
    let (width, height) = reader()?.into_dimensions().map_err(|_| CodeError::Image)?;
    if u64::from(width) * u64::from(height) > MAX_PIXELS || width.max(height) > MAX_SIDE {
        return Err(CodeError::ImageTooLarge { width, height });
    }
    // The decoder holds to the same bounds whatever the header said.
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_PIXELS * 4);
    let mut decoder = reader()?;
    decoder.limits(limits);
    let image = decoder.decode().map_err(|_| CodeError::Image)?.to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    Ok(prepared
        .detect_grids()
        .into_iter()
        .filter_map(|grid| grid.decode().ok().map(|(_, content)| content))
        .collect())
}

#[cfg(all(test, feature = "qr-photos"))]
mod tests {
    use super::*;

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for byte in bytes {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    /// A PNG that is only the header declaring `width`×`height`: no pixel data at all.
    fn png_header(width: u32, height: u32) -> Vec<u8> {
        let mut ihdr = b"IHDR".to_vec();
        ihdr.extend(width.to_be_bytes());
        ihdr.extend(height.to_be_bytes());
        ihdr.extend([8, 0, 0, 0, 0]); // 8-bit greyscale
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(13u32.to_be_bytes());
        png.extend(&ihdr);
        png.extend(crc32(&ihdr).to_be_bytes());
        // The header ends where the image data would begin: an empty data chunk.
        png.extend(0u32.to_be_bytes());
        png.extend(b"IDAT");
        png.extend(crc32(b"IDAT").to_be_bytes());
        png
    }

    #[test]
    fn an_oversized_image_is_refused_from_its_header_before_decoding() {
        // 100,000 × 100,000 pixels declared: decoding would take ten gigabytes.
        let refused = decode_image(&png_header(100_000, 100_000)).unwrap_err();
        assert!(matches!(
            refused,
            CodeError::ImageTooLarge {
                width: 100_000,
                height: 100_000
            }
        ));
        assert_eq!(
            refused.message_zh(),
            crate::texts::codes::issue::IMAGE_TOO_LARGE
        );
        // Only a header, so nothing was decoded: a header within the limit fails later,
        // as an unreadable image.
        assert!(matches!(
            decode_image(&png_header(1_000, 1_000)),
            Err(CodeError::Image)
        ));
        // A thin strip is bounded by its side.
        assert!(matches!(
            decode_image(&png_header(MAX_SIDE + 1, 10)),
            Err(CodeError::ImageTooLarge { .. })
        ));
    }

    #[test]
    fn a_code_in_a_photo_within_the_limit_still_reads() {
        let png = render_png("EC1:TEST", 4).unwrap();
        assert_eq!(decode_image(&png).unwrap(), vec!["EC1:TEST".to_owned()]);
    }

    #[test]
    fn the_text_states_the_limit() {
        assert_eq!(MAX_PIXELS, 16_000_000);
        assert!(crate::texts::codes::issue::IMAGE_TOO_LARGE.contains("1600万像素"));
    }
}
