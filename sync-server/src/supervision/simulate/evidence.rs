//! Evidence for the demo's case files: small generated photographs (PNG), stored as an upload
//! leaves them (`blob_content` in parts, a grant to the body's team), each cited by an
//! evidence entry whose capture metadata is signed by the officer's (simulated) device key,
//! as `zhifa_core::cases::evidence::capture` signs it on the phone.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use zhifa_core::cases::evidence::{CaptureMetadata, METADATA_CONTENT_TYPE};
use zhifa_core::cases::EvidenceItem;
use zhifa_core::crypto::{sign1, Algorithm, Signer, SigningKey};
use zhifa_core::sync::protocol::BLOB_PART;

use crate::error::ServerError;
use crate::storage::Tx;

/// The simulated phone of an officer: a key derived from the credential number, so the same
/// demo year signs with the same keys.
pub fn device_key(credential_no: &str) -> SigningKey {
    let seed = Sha256::digest(format!("zhifa demo device {credential_no}").as_bytes());
    SigningKey::from_secret_bytes(Algorithm::EdDSA, &seed).expect("32 bytes make an Ed25519 key")
}

/// The device key id (hex) of an officer's simulated phone.
pub fn device_of(credential_no: &str) -> String {
    device_key(credential_no).public_key().key_id().to_string()
}

/// The evidence entry citing `content`, its capture metadata signed by the officer's device.
pub fn signed(
    credential_no: &str,
    at: DateTime<Utc>,
    content: &[u8],
    (kind, description): (&str, &str),
) -> Result<EvidenceItem, ServerError> {
    let hash = hex::encode(Sha256::digest(content));
    let device = device_key(credential_no);
    let metadata = CaptureMetadata {
        hash: hash.clone(),
        size: content.len() as u64,
        kind: kind.into(),
        captured_at: at,
        wall_time: at,
        clock_trusted: true,
        gps: None,
        device_key_id: device.public_key().key_id().to_string(),
    };
    let mut payload = Vec::new();
    ciborium::into_writer(&metadata, &mut payload).map_err(|_| ServerError::Decode)?;
    let signed_metadata = sign1(payload, METADATA_CONTENT_TYPE, &device)
        .map_err(|e| ServerError::Config(format!("evidence signature: {e}")))?;
    Ok(EvidenceItem {
        hash,
        kind: kind.into(),
        description: description.into(),
        size: zhifa_core::signed::to_i64(content.len()),
        signed_metadata,
    })
}

/// Stores `content` as an upload by `team` leaves it: the one shared copy, in parts, and the
/// team's grant.
pub fn store(
    tx: &mut dyn Tx,
    team: &str,
    at: DateTime<Utc>,
    content: &[u8],
) -> Result<(), ServerError> {
    let hash = hex::encode(Sha256::digest(content));
    let size = content.len() as i64;
    let stored_at = at.timestamp();
    tx.execute(
        "INSERT INTO blob_content (hash, size, stored_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        &[hash.clone().into(), size.into(), stored_at.into()],
    )?;
    for (i, part) in content.chunks(BLOB_PART).enumerate() {
        tx.execute(
            "INSERT INTO blob_content_part (hash, offset_, bytes) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
            &[
                hash.clone().into(),
                ((i * BLOB_PART) as i64).into(),
                part.to_vec().into(),
            ],
        )?;
    }
    tx.execute(
        "INSERT INTO blob_grant (hash, team, size, granted_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING",
        &[hash.into(), team.into(), size.into(), stored_at.into()],
    )?;
    Ok(())
}

/// A small photograph-like picture (a street scene: sky, a shop front with its sign in
/// `hue`, pavement), `width` × `height`, as a PNG.
pub fn photo(width: u32, height: u32, hue: u8) -> Vec<u8> {
    let sign = [hue, 255 - hue / 2, hue / 3 + 60];
    let mut raw = Vec::with_capacity(((width * 3 + 1) * height) as usize);
    for y in 0..height {
        raw.push(0); // filter: none
        for x in 0..width {
            let (fy, fx) = (y * 100 / height, x * 100 / width);
            let pixel = match (fy, fx) {
                (0..=34, _) => [150 + (fy as u8), 190 + (fy as u8) / 2, 235],
                (35..=47, 15..=85) => sign,
                (48..=79, 20..=45) | (48..=79, 55..=80) => [70, 80, 95],
                (48..=79, 15..=85) => [200, 190, 170],
                (48..=79, _) => [170, 160, 150],
                _ => [110 + ((x / 4 + y / 4) % 2) as u8 * 20, 110, 105],
            };
            raw.extend_from_slice(&pixel);
        }
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = Vec::new();
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB
    chunk(&mut png, b"IHDR", &header);
    chunk(&mut png, b"IDAT", &zlib_stored(&raw));
    chunk(&mut png, b"IEND", &[]);
    png
}

fn chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    png.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = png.len();
    png.extend_from_slice(kind);
    png.extend_from_slice(data);
    let crc = crc32(&png[start..]);
    png.extend_from_slice(&crc.to_be_bytes());
}

/// A zlib stream of stored (uncompressed) deflate blocks: the pictures are small, and the
/// server has no deflate encoder of its own to call.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = data.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        out.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

/// CRC-32 (IEEE), by the usual table.
fn crc32(bytes: &[u8]) -> u32 {
    static TABLE: std::sync::OnceLock<[u32; 256]> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut table = [0u32; 256];
        for (n, entry) in table.iter_mut().enumerate() {
            let mut c = n as u32;
            for _ in 0..8 {
                c = if c & 1 == 1 {
                    (c >> 1) ^ 0xEDB8_8320
                } else {
                    c >> 1
                };
            }
            *entry = c;
        }
        table
    });
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in bytes {
        crc = table[((crc ^ u32::from(byte)) & 0xFF) as usize] ^ (crc >> 8);
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checksums_are_the_standard_ones() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        let stream = zlib_stored(b"Wikipedia");
        assert_eq!(&stream[stream.len() - 4..], &0x11E6_0398u32.to_be_bytes());
    }

    #[test]
    fn a_photo_is_a_png_of_its_size() {
        let png = photo(64, 48, 200);
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png[16..24], &[0, 0, 0, 64, 0, 0, 0, 48]);
        assert!(png.len() > 64 * 48 * 3);
    }
}
