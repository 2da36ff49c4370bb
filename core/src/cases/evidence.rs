//! Evidence capture: the file goes into the content-addressed blob store, and its capture
//! metadata (hash, time and whether the clock was trusted, GPS, device) is signed by the device
//! key, so the case references a blob whose origin can be checked.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::model::EvidenceItem;
use super::CaseError;
use crate::clock::TimeReading;
use crate::codes::GpsFix;
use crate::crypto::{self, CryptoError, PublicKey, Sign1Limits, Signer};
use crate::signed;
use crate::store::{BlobHash, BlobStore, StoreError};
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
    let captured = Captured {
        hash,
        size: content.len() as u64,
    };
    sign(device, time, captured, kind, description, gps)
}

/// Streams the file at `path` (the camera's) into the store, never holding it whole. Its size
/// is checked before it is read and again while it is read, in case it grows meanwhile: a
/// file over the limit is not stored.
pub fn capture_file(
    blobs: &BlobStore,
    device: &dyn Signer,
    time: TimeReading,
    path: &Path,
    kind: &str,
    description: &str,
    gps: Option<GpsFix>,
) -> Result<EvidenceItem, super::RecordError> {
    let file = File::open(path).map_err(|_| CaseError::EvidenceUnreadable)?;
    let metadata = file.metadata().map_err(StoreError::from)?;
    if !metadata.is_file() {
        return Err(CaseError::NotAFile.into());
    }
    check_size(metadata.len())?;
    let mut bounded = Bounded {
        inner: file,
        read: 0,
    };
    let stored = blobs.put_reader(&mut bounded);
    if bounded.read > MAX_BLOB {
        return Err(CaseError::EvidenceTooLarge {
            size: bounded.read,
            max: MAX_BLOB,
        }
        .into());
    }
    let hash = stored?;
    check_size(bounded.read)?;
    let captured = Captured {
        hash,
        size: bounded.read,
    };
    sign(device, time, captured, kind, description, gps)
}

/// A file in the store, by its hash and size.
struct Captured {
    hash: BlobHash,
    size: u64,
}

/// The case's entry for a stored file, its capture metadata signed by the device key.
fn sign(
    device: &dyn Signer,
    time: TimeReading,
    captured: Captured,
    kind: &str,
    description: &str,
    gps: Option<GpsFix>,
) -> Result<EvidenceItem, super::RecordError> {
    let metadata = CaptureMetadata {
        hash: captured.hash.to_hex(),
        size: captured.size,
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

/// Reads at most one byte past `MAX_BLOB`, then fails the read: the store removes what it
/// had written, and the count says why.
struct Bounded<R> {
    inner: R,
    read: u64,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        if self.read > MAX_BLOB {
            return Err(std::io::Error::other("evidence file over the limit"));
        }
        let room = usize::try_from(MAX_BLOB + 1 - self.read).unwrap_or(usize::MAX);
        let take = buffer.len().min(room);
        let read = self.inner.read(&mut buffer[..take])?;
        self.read += read as u64;
        Ok(read)
    }
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

#[cfg(test)]
mod tests {
    use std::io::{self, Read};

    use super::*;

    #[test]
    fn a_file_growing_past_the_limit_while_read_stops_one_byte_over() {
        let mut grown = Bounded {
            inner: io::repeat(7).take(MAX_BLOB + 4096),
            read: 0,
        };
        assert!(io::copy(&mut grown, &mut io::sink()).is_err());
        assert_eq!(grown.read, MAX_BLOB + 1);

        let mut at_limit = Bounded {
            inner: io::repeat(7).take(MAX_BLOB),
            read: 0,
        };
        assert_eq!(io::copy(&mut at_limit, &mut io::sink()).unwrap(), MAX_BLOB);
        let mut rest = [0u8; 8];
        assert_eq!(at_limit.read(&mut rest).unwrap(), 0);
    }
}
