//! Evidence capture: the file goes into the content-addressed blob store, and its capture
//! metadata (hash, time and whether the clock was trusted, GPS, device) is signed by the device
//! key, so the case references a blob whose origin can be checked.

use serde::{Deserialize, Serialize};

use super::model::EvidenceItem;
use super::CaseError;
use crate::clock::TimeReading;
use crate::codes::GpsFix;
use crate::crypto::{self, CryptoError, PublicKey, Sign1Limits, Signer};
use crate::signed;
use crate::store::BlobStore;
use crate::sync::protocol::MAX_BLOB;

pub const METADATA_CONTENT_TYPE: &str = "application/vnd.zhifa.evidence+cbor";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaptureMetadata {
    pub hash: String,
    pub size: u64,
    pub kind: String,
    pub captured_at: chrono::DateTime<chrono::Utc>,
    pub wall_time: chrono::DateTime<chrono::Utc>,
    pub clock_trusted: bool,
    pub gps: Option<GpsFix>,
    pub device_key_id: String,
}

/// Whether `size` bytes may be evidence: not empty, and within what the server takes
/// (`protocol::MAX_BLOB`), so a file is refused here in words rather than at upload.
pub fn check_size(size: u64) -> Result<(), CaseError> {
    match size {
        0 => Err(CaseError::EvidenceEmpty),
        size if size > MAX_BLOB => Err(CaseError::EvidenceTooLarge {
            size,
            max: MAX_BLOB,
        }),
        _ => Ok(()),
    }
}

/// Stores `content` and returns the case's evidence entry with signed metadata; a file
/// `check_size` refuses is not stored.
pub fn capture(
    blobs: &BlobStore,
    device: &dyn Signer,
    time: TimeReading,
    content: &[u8],
    kind: &str,
    description: &str,
    gps: Option<GpsFix>,
) -> Result<EvidenceItem, super::RecordError> {
    check_size(content.len() as u64)?;
    let hash = blobs.put(content)?;
    let metadata = CaptureMetadata {
        hash: hash.to_hex(),
        size: content.len() as u64,
        kind: kind.into(),
        captured_at: time.trusted,
        wall_time: time.wall,
        clock_trusted: time.is_trusted,
        gps,
        device_key_id: device.public_key().key_id().to_string(),
    };
    let mut payload = Vec::new();
    ciborium::into_writer(&metadata, &mut payload).expect("writing CBOR to memory cannot fail");
    let signed_metadata = crypto::sign1(payload, METADATA_CONTENT_TYPE, device)?;
    Ok(EvidenceItem {
        hash: metadata.hash,
        kind: kind.into(),
        description: description.into(),
        size: signed::to_i64(metadata.size),
        signed_metadata,
    })
}

/// Checks an entry's metadata against the device that captured it and the blob's hash.
pub fn verify(item: &EvidenceItem, device_key: &PublicKey) -> Result<CaptureMetadata, CryptoError> {
    let verified = crypto::verify_sign1(
        &item.signed_metadata,
        Sign1Limits { max_len: 4096 },
        |kid| {
            if *kid == device_key.key_id() {
                vec![device_key.clone()]
            } else {
                Vec::new()
            }
        },
    )?;
    let metadata: CaptureMetadata = ciborium::from_reader(verified.payload.as_slice())
        .map_err(|_| CryptoError::Malformed("evidence metadata"))?;
    if metadata.hash != item.hash || u64::try_from(item.size) != Ok(metadata.size) {
        return Err(CryptoError::BadSignature);
    }
    Ok(metadata)
}
