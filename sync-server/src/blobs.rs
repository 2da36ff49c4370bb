//! Evidence files. Nobody owns a hash by uploading first: each device's upload of a hash is
//! staged apart (`blob_staged`), in parts, resumable from what the server holds of *that*
//! upload. When a staged upload's bytes hash to the name, the content becomes the one shared
//! copy (`blob_content`, stored once) and the uploading team gets a grant (`blob_grant`): the
//! proof that a device of the team held the file. A team reads a file (status, download) only
//! under a grant; a document that cites a hash grants nothing, since any writer can cite any
//! hash. Enterprise devices neither upload nor read evidence. Quotas bound what one device
//! keeps staged and what one team proves per day.

use sha2::{Digest as _, Sha256};
use zhifa_core::sync::protocol::{BlobStatus, ErrorCode, BLOB_PART, MAX_BLOB};
use zhifa_core::sync::SubjectKind;

use crate::devices::DeviceRecord;
use crate::error::{Failure, Refusal, ServerError};
use crate::storage::{transaction, transaction_or_refusal, Database, Tx};

/// Bytes one device may hold in unfinished uploads (room for two files at the limit).
pub const DEVICE_STAGED_BYTES: u64 = 2 * MAX_BLOB + 56 * 1024 * 1024;
/// Bytes of evidence one team may complete in 24 hours.
pub const TEAM_BYTES_PER_DAY: u64 = 10 * 1024 * 1024 * 1024;
/// An unfinished upload untouched this long is dropped when its device starts another.
pub const STAGED_DAYS: i64 = 7;

/// The server's evidence budgets (`Config::blob_limits`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub device_staged_bytes: u64,
    pub team_bytes_per_day: u64,
    pub staged_days: i64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            device_staged_bytes: DEVICE_STAGED_BYTES,
            team_bytes_per_day: TEAM_BYTES_PER_DAY,
            staged_days: STAGED_DAYS,
        }
    }
}

/// Why the server refuses an evidence request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BlobRefusal {
    #[error("a blob is named by 64 lowercase hex digits")]
    BadName,
    #[error("enterprise devices handle no evidence")]
    NotAnOfficer,
    #[error("evidence file over the limit")]
    TooLarge,
    #[error("part outside the file")]
    PartOutsideFile,
    /// The declared size differs from this upload's; the upload is discarded.
    #[error("declared size differs from the upload's")]
    SizeMismatch,
    /// The parts do not make the file named; they are discarded.
    #[error("content does not match its hash")]
    HashMismatch,
    #[error("the device's unfinished uploads are over quota")]
    DeviceQuota,
    #[error("the team's evidence for today is over quota")]
    TeamQuota,
    /// No device of the team proved it holds the file (whether anyone else did is not said).
    #[error("no access to this evidence")]
    NoAccess,
    /// A document of the team cites the file but no device of the team has uploaded it yet.
    #[error("evidence not uploaded yet")]
    NotUploaded,
}

impl Refusal for BlobRefusal {
    fn code(&self) -> ErrorCode {
        match self {
            BlobRefusal::BadName | BlobRefusal::PartOutsideFile | BlobRefusal::SizeMismatch => {
                ErrorCode::BadRequest
            }
            BlobRefusal::NotAnOfficer | BlobRefusal::NoAccess => ErrorCode::Forbidden,
            BlobRefusal::TooLarge => ErrorCode::TooLarge,
            BlobRefusal::HashMismatch => ErrorCode::HashMismatch,
            BlobRefusal::DeviceQuota | BlobRefusal::TeamQuota => ErrorCode::QuotaExceeded,
            BlobRefusal::NotUploaded => ErrorCode::NotFound,
        }
    }
}

pub fn parse_hash(text: &str) -> Result<String, BlobRefusal> {
    if text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        Ok(text.to_owned())
    } else {
        Err(BlobRefusal::BadName)
    }
}

fn officer_only(device: &DeviceRecord) -> Result<(), BlobRefusal> {
    match device.subject_kind {
        SubjectKind::Officer => Ok(()),
        SubjectKind::Enterprise => Err(BlobRefusal::NotAnOfficer),
    }
}

const PART: u64 = BLOB_PART as u64;

const NOT_STARTED: BlobStatus = BlobStatus {
    received: 0,
    size: 0,
    complete: false,
};

/// The size of the file if the team holds a grant for it.
fn granted(tx: &mut dyn Tx, hash: &str, team: &str) -> Result<Option<u64>, ServerError> {
    tx.query_opt(
        "SELECT size FROM blob_grant WHERE hash = $1 AND team = $2",
        &[hash.into(), team.into()],
    )?
    .map(|row| row.int(0).map(|size| size as u64))
    .transpose()
}

/// This device's unfinished upload of `hash`, locked for the rest of the transaction.
fn staged(tx: &mut dyn Tx, hash: &str, key_id: &str) -> Result<Option<BlobStatus>, ServerError> {
    let sql = format!(
        "SELECT size, received FROM blob_staged WHERE hash = $1 AND key_id = $2{}",
        tx.lock_clause()
    );
    tx.query_opt(&sql, &[hash.into(), key_id.into()])?
        .map(|row| {
            Ok(BlobStatus {
                size: row.int(0)? as u64,
                received: row.int(1)? as u64,
                complete: false,
            })
        })
        .transpose()
}

fn discard(tx: &mut dyn Tx, hash: &str, key_id: &str) -> Result<(), ServerError> {
    let key = [hash.into(), key_id.into()];
    tx.execute(
        "DELETE FROM blob_staged_part WHERE hash = $1 AND key_id = $2",
        &key,
    )?;
    tx.execute(
        "DELETE FROM blob_staged WHERE hash = $1 AND key_id = $2",
        &key,
    )?;
    Ok(())
}

/// What the device is told of `hash`: complete under the team's grant, else its own upload's
/// progress, else "not started", which is also what a file another team holds looks like.
pub fn status(
    db: &dyn Database,
    device: &DeviceRecord,
    hash: &str,
) -> Result<BlobStatus, Failure<BlobRefusal>> {
    officer_only(device)?;
    transaction_or_refusal(db, |tx| {
        if let Some(size) = granted(tx, hash, &device.team)? {
            return Ok(BlobStatus {
                received: size,
                size,
                complete: true,
            });
        }
        Ok(staged(tx, hash, &device.key_id)?.unwrap_or(NOT_STARTED))
    })
}

/// Opens this device's upload of a file of `size` bytes: within the device's and the team's
/// quotas, after dropping the device's uploads abandoned for `staged_days`.
fn start_upload(
    tx: &mut dyn Tx,
    limits: &Limits,
    device: &DeviceRecord,
    hash: &str,
    size: u64,
    now: i64,
) -> Result<(), Failure<BlobRefusal>> {
    let stale = now - limits.staged_days * 86_400;
    for row in tx.query(
        "SELECT hash FROM blob_staged WHERE key_id = $1 AND updated_at < $2",
        &[device.key_id.clone().into(), stale.into()],
    )? {
        discard(tx, &row.text(0)?, &device.key_id)?;
    }
    let staged_bytes = tx
        .query_opt(
            "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM blob_staged WHERE key_id = $1",
            &[device.key_id.clone().into()],
        )?
        .map_or(Ok(0), |row| row.int(0))? as u64;
    if staged_bytes.saturating_add(size) > limits.device_staged_bytes {
        return Err(BlobRefusal::DeviceQuota.into());
    }
    let today = tx
        .query_opt(
            "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM blob_grant
             WHERE team = $1 AND granted_at > $2",
            &[device.team.clone().into(), (now - 86_400).into()],
        )?
        .map_or(Ok(0), |row| row.int(0))? as u64;
    if today.saturating_add(size) > limits.team_bytes_per_day {
        return Err(BlobRefusal::TeamQuota.into());
    }
    tx.execute(
        "INSERT INTO blob_staged (hash, key_id, team, size, received, updated_at)
         VALUES ($1, $2, $3, $4, 0, $5)",
        &[
            hash.into(),
            device.key_id.clone().into(),
            device.team.clone().into(),
            (size as i64).into(),
            now.into(),
        ],
    )?;
    Ok(())
}

/// The SHA-256 of a staged upload, read one part at a time.
fn staged_hash(tx: &mut dyn Tx, hash: &str, key_id: &str) -> Result<String, ServerError> {
    let offsets = tx.query(
        "SELECT offset_ FROM blob_staged_part WHERE hash = $1 AND key_id = $2 ORDER BY offset_",
        &[hash.into(), key_id.into()],
    )?;
    let mut hasher = Sha256::new();
    for offset in offsets {
        let part = tx.query_opt(
            "SELECT bytes FROM blob_staged_part WHERE hash = $1 AND key_id = $2 AND offset_ = $3",
            &[hash.into(), key_id.into(), offset.int(0)?.into()],
        )?;
        hasher.update(part.ok_or(ServerError::Decode)?.bytes(0)?);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// A verified upload: its bytes become the shared copy unless one exists already, and the
/// uploading team is granted access.
fn promote(
    tx: &mut dyn Tx,
    device: &DeviceRecord,
    hash: &str,
    size: u64,
    now: i64,
) -> Result<(), ServerError> {
    // Whoever inserts the content row copies the parts; a concurrent or later proof of the same
    // file (PostgreSQL waits on the row) stores nothing more.
    let stored = tx.execute(
        "INSERT INTO blob_content (hash, size, stored_at) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
        &[hash.into(), (size as i64).into(), now.into()],
    )?;
    if stored == 1 {
        tx.execute(
            "INSERT INTO blob_content_part (hash, offset_, bytes)
             SELECT hash, offset_, bytes FROM blob_staged_part WHERE hash = $1 AND key_id = $2",
            &[hash.into(), device.key_id.clone().into()],
        )?;
        crate::supervision::index::evidence_arrived(tx, hash)?;
    }
    discard(tx, hash, &device.key_id)?;
    tx.execute(
        "INSERT INTO blob_grant (hash, team, size, granted_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING",
        &[
            hash.into(),
            device.team.clone().into(),
            (size as i64).into(),
            now.into(),
        ],
    )?;
    Ok(())
}

/// One part of this device's upload of `hash` at `offset` of a file of `size` bytes (a part
/// is `BLOB_PART` bytes at a multiple of it, the last one the rest). A part
/// at another offset than the upload's count changes nothing and returns the status, so the
/// device resumes from there. Nothing is written before a valid first part; a size that
/// differs from the upload's, or parts that do not make the file, discard the upload (that
/// reset is committed with the refusal).
#[allow(clippy::too_many_arguments)]
pub fn put_part(
    db: &dyn Database,
    limits: &Limits,
    device: &DeviceRecord,
    hash: &str,
    offset: u64,
    size: u64,
    part: &[u8],
    now: i64,
) -> Result<BlobStatus, Failure<BlobRefusal>> {
    officer_only(device)?;
    if size > MAX_BLOB {
        return Err(BlobRefusal::TooLarge.into());
    }
    // Parts have one size, the last one what is left: a file is at most `MAX_BLOB / BLOB_PART`
    // rows and every upload of it is split alike. `offset < size` first, so nothing wraps.
    let part_len = part.len() as u64;
    if offset >= size || !offset.is_multiple_of(PART) || part_len != PART.min(size - offset) {
        return Err(BlobRefusal::PartOutsideFile.into());
    }
    let end = offset + part_len;
    transaction_or_refusal(db, |tx| {
        if let Some(size) = granted(tx, hash, &device.team)? {
            return Ok(BlobStatus {
                received: size,
                size,
                complete: true,
            });
        }
        let current = match staged(tx, hash, &device.key_id)? {
            Some(current) if current.size != size => {
                discard(tx, hash, &device.key_id)?;
                return Err(BlobRefusal::SizeMismatch.into());
            }
            Some(current) => current,
            None if offset != 0 => return Ok(NOT_STARTED),
            None => {
                start_upload(tx, limits, device, hash, size, now)?;
                BlobStatus {
                    received: 0,
                    size,
                    complete: false,
                }
            }
        };
        if current.received != offset {
            return Ok(current);
        }
        tx.execute(
            "INSERT INTO blob_staged_part (hash, key_id, offset_, bytes) VALUES ($1, $2, $3, $4)",
            &[
                hash.into(),
                device.key_id.clone().into(),
                (offset as i64).into(),
                part.to_vec().into(),
            ],
        )?;
        if end < size {
            tx.execute(
                "UPDATE blob_staged SET received = $3, updated_at = $4
                 WHERE hash = $1 AND key_id = $2",
                &[
                    hash.into(),
                    device.key_id.clone().into(),
                    (end as i64).into(),
                    now.into(),
                ],
            )?;
            return Ok(BlobStatus {
                received: end,
                size,
                complete: false,
            });
        }
        if staged_hash(tx, hash, &device.key_id)? != hash {
            discard(tx, hash, &device.key_id)?;
            return Err(BlobRefusal::HashMismatch.into());
        }
        promote(tx, device, hash, size, now)?;
        Ok(BlobStatus {
            received: size,
            size,
            complete: true,
        })
    })
}

/// A download the device may make: the file's size and where its parts start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    pub hash: String,
    pub size: u64,
    pub offsets: Vec<u64>,
}

/// Checks the team's grant and lists where the file's parts start (every `BLOB_PART`
/// bytes, as every upload is split); the parts are read one at a time
/// afterwards (`read_part`), so a download never holds the whole file.
pub fn open_download(
    db: &dyn Database,
    device: &DeviceRecord,
    hash: &str,
) -> Result<Download, Failure<BlobRefusal>> {
    officer_only(device)?;
    transaction_or_refusal(db, |tx| {
        let Some(size) = granted(tx, hash, &device.team)? else {
            let cited = tx.query_opt(
                "SELECT c.doc_id FROM doc_blob c JOIN doc d ON d.id = c.doc_id
                 WHERE c.hash = $1 AND d.team = $2",
                &[hash.into(), device.team.clone().into()],
            )?;
            return Err(match cited {
                Some(_) => BlobRefusal::NotUploaded,
                None => BlobRefusal::NoAccess,
            }
            .into());
        };
        Ok(Download {
            hash: hash.to_owned(),
            size,
            offsets: (0..size).step_by(BLOB_PART).collect(),
        })
    })
}

/// One part of a stored file. Stored content never changes, so parts read in separate
/// transactions make the file.
pub fn read_part(db: &dyn Database, hash: &str, offset: u64) -> Result<Vec<u8>, ServerError> {
    transaction(db, |tx| {
        tx.query_opt(
            "SELECT bytes FROM blob_content_part WHERE hash = $1 AND offset_ = $2",
            &[hash.into(), (offset as i64).into()],
        )?
        .ok_or(ServerError::Decode)?
        .bytes(0)
    })
}
