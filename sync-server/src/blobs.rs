//! Evidence files: uploaded one per request in parts, resumable from what the server holds,
//! complete only when the SHA-256 of all parts equals the name; readable by the team of the
//! device that uploaded it.

use sha2::{Digest as _, Sha256};
use zhifa_core::sync::protocol::{BlobStatus, BLOB_PART, MAX_BLOB};

use crate::api::ApiError;
use crate::devices::DeviceRecord;
use crate::storage::{transaction, Database, Tx};
use crate::ServerError;

pub fn parse_hash(text: &str) -> Result<String, ApiError> {
    if text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        Ok(text.to_owned())
    } else {
        Err(ApiError::bad_request(
            "a blob is named by 64 lowercase hex digits",
        ))
    }
}

/// The upload's status, or a refusal when another team's device uploaded that file.
fn status_of(
    tx: &mut dyn Tx,
    hash: &str,
    team: &str,
) -> Result<Result<Option<BlobStatus>, ApiError>, ServerError> {
    let Some(row) = tx.query_opt(
        "SELECT size, received, complete, team FROM blob WHERE hash = $1",
        &[hash.into()],
    )?
    else {
        return Ok(Ok(None));
    };
    if row.text(3)? != team {
        return Ok(Err(ApiError::forbidden("evidence of another team")));
    }
    Ok(Ok(Some(BlobStatus {
        size: row.int(0)? as u64,
        received: row.int(1)? as u64,
        complete: row.int(2)? == 1,
    })))
}

pub fn status(
    db: &dyn Database,
    device: &DeviceRecord,
    hash: &str,
) -> Result<BlobStatus, ApiError> {
    let status = transaction(db, |tx| status_of(tx, hash, &device.team))??;
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
) -> Result<BlobStatus, ApiError> {
    if size > MAX_BLOB {
        return Err(ApiError::new(
            413,
            "too_large",
            "evidence file over the limit",
        ));
    }
    if part.len() > BLOB_PART || part.is_empty() || offset + part.len() as u64 > size {
        return Err(ApiError::bad_request("part outside the file"));
    }
    transaction(db, |tx| {
        let current = match status_of(tx, hash, &device.team)? {
            Err(refusal) => return Ok(Err(refusal)),
            Ok(Some(status)) => status,
            Ok(None) => {
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
            return Ok(Ok(current));
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
                return Ok(Err(ApiError::new(
                    422,
                    "hash_mismatch",
                    "content does not match its hash",
                )));
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
        Ok(Ok(BlobStatus {
            received,
            size,
            complete,
        }))
    })?
}

pub fn get(db: &dyn Database, device: &DeviceRecord, hash: &str) -> Result<Vec<u8>, ApiError> {
    transaction(db, |tx| {
        match status_of(tx, hash, &device.team)? {
            Err(refusal) => return Ok(Err(refusal)),
            Ok(Some(status)) if status.complete => {}
            Ok(_) => return Ok(Err(ApiError::not_found("no such evidence"))),
        }
        let mut content = Vec::new();
        for part in tx.query(
            "SELECT bytes FROM blob_part WHERE hash = $1 ORDER BY offset_",
            &[hash.into()],
        )? {
            content.extend(part.bytes(0)?);
        }
        Ok(Ok(content))
    })?
}
