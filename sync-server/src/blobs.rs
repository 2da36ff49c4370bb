//! Evidence files: uploaded one per request in parts, resumable from what the server holds,
//! complete only when the SHA-256 of all parts equals the name; readable by the team of the
//! device that uploaded it.

use sha2::{Digest as _, Sha256};
use zhifa_core::sync::protocol::{BlobStatus, BLOB_PART, MAX_BLOB};

use zhifa_core::sync::protocol::ErrorCode;

use crate::devices::DeviceRecord;
use crate::error::{Failure, Refusal};
use crate::storage::{transaction_or_refusal, Database, Tx};

/// Why the server refuses an evidence request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BlobRefusal {
    #[error("a blob is named by 64 lowercase hex digits")]
    BadName,
    #[error("evidence of another team")]
    OtherTeam,
    #[error("evidence file over the limit")]
    TooLarge,
    #[error("part outside the file")]
    PartOutsideFile,
    /// The parts do not make the file named; they are discarded.
    #[error("content does not match its hash")]
    HashMismatch,
    #[error("no such evidence")]
    NotFound,
}

impl Refusal for BlobRefusal {
    fn code(&self) -> ErrorCode {
        match self {
            BlobRefusal::BadName | BlobRefusal::PartOutsideFile => ErrorCode::BadRequest,
            BlobRefusal::OtherTeam => ErrorCode::Forbidden,
            BlobRefusal::TooLarge => ErrorCode::TooLarge,
            BlobRefusal::HashMismatch => ErrorCode::HashMismatch,
            BlobRefusal::NotFound => ErrorCode::NotFound,
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

/// The upload's status, or a refusal when another team's device uploaded that file.
fn status_of(
    tx: &mut dyn Tx,
    hash: &str,
    team: &str,
) -> Result<Option<BlobStatus>, Failure<BlobRefusal>> {
    let Some(row) = tx.query_opt(
        "SELECT size, received, complete, team FROM blob WHERE hash = $1",
        &[hash.into()],
    )?
    else {
        return Ok(None);
    };
    if row.text(3)? != team {
        return Err(BlobRefusal::OtherTeam.into());
    }
    Ok(Some(BlobStatus {
        size: row.int(0)? as u64,
        received: row.int(1)? as u64,
        complete: row.int(2)? == 1,
    }))
}

pub fn status(
    db: &dyn Database,
    device: &DeviceRecord,
    hash: &str,
) -> Result<BlobStatus, Failure<BlobRefusal>> {
    let status = transaction_or_refusal(db, |tx| status_of(tx, hash, &device.team))?;
    Ok(status.unwrap_or(BlobStatus {
        received: 0,
        size: 0,
        complete: false,
    }))
}

/// Appends one part at `offset`. A part at another offset than the server's count changes
/// nothing and returns the status, so the device resumes from there. Refusals come before any
/// write, except a hash mismatch, whose reset is committed.
pub fn put_part(
    db: &dyn Database,
    device: &DeviceRecord,
    hash: &str,
    offset: u64,
    size: u64,
    part: &[u8],
) -> Result<BlobStatus, Failure<BlobRefusal>> {
    if size > MAX_BLOB {
        return Err(BlobRefusal::TooLarge.into());
    }
    if part.len() > BLOB_PART || part.is_empty() || offset + part.len() as u64 > size {
        return Err(BlobRefusal::PartOutsideFile.into());
    }
    transaction_or_refusal(db, |tx| {
        let current = match status_of(tx, hash, &device.team)? {
            Some(status) => status,
            None => {
                tx.execute(
                    "INSERT INTO blob (hash, size, received, complete, team) VALUES ($1, $2, 0, 0, $3)",
                    &[hash.into(), (size as i64).into(), device.team.clone().into()],
                )?;
                BlobStatus {
                    received: 0,
                    size,
                    complete: false,
                }
            }
        };
        if current.complete || current.received != offset || current.size != size {
            return Ok(current);
        }
        tx.execute(
            "INSERT INTO blob_part (hash, offset_, bytes) VALUES ($1, $2, $3)",
            &[hash.into(), (offset as i64).into(), part.to_vec().into()],
        )?;
        let received = offset + part.len() as u64;
        let complete = received == size;
        if complete {
            let parts = tx.query(
                "SELECT bytes FROM blob_part WHERE hash = $1 ORDER BY offset_",
                &[hash.into()],
            )?;
            let mut hasher = Sha256::new();
            for p in &parts {
                hasher.update(p.bytes(0)?);
            }
            if hex::encode(hasher.finalize()) != hash {
                // Start again: the parts do not make the file named.
                tx.execute("DELETE FROM blob_part WHERE hash = $1", &[hash.into()])?;
                tx.execute(
                    "UPDATE blob SET received = 0 WHERE hash = $1",
                    &[hash.into()],
                )?;
                return Err(BlobRefusal::HashMismatch.into());
            }
        }
        tx.execute(
            "UPDATE blob SET received = $2, complete = $3 WHERE hash = $1",
            &[
                hash.into(),
                (received as i64).into(),
                i64::from(complete).into(),
            ],
        )?;
        Ok(BlobStatus {
            received,
            size,
            complete,
        })
    })
}

pub fn get(
    db: &dyn Database,
    device: &DeviceRecord,
    hash: &str,
) -> Result<Vec<u8>, Failure<BlobRefusal>> {
    transaction_or_refusal(db, |tx| {
        match status_of(tx, hash, &device.team)? {
            Some(status) if status.complete => {}
            _ => return Err(BlobRefusal::NotFound.into()),
        }
        let mut content = Vec::new();
        for part in tx.query(
            "SELECT bytes FROM blob_part WHERE hash = $1 ORDER BY offset_",
            &[hash.into()],
        )? {
            content.extend(part.bytes(0)?);
        }
        Ok(content)
    })
}
