//! Case numbers (案号) in the agency's format, e.g. 渝中城管罚〔2026〕123号, given offline
//! from blocks the server reserves for each device, so two phones never give the same one.

use rusqlite::{OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use super::CaseError;
use crate::store::StoreError;

/// A range of numbers reserved for this device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CaseNumberBlock {
    /// The agency's prefix, e.g. 渝中城管罚.
    pub prefix: String,
    pub year: i32,
    pub first: i32,
    pub last: i32,
}

impl CaseNumberBlock {
    /// How many numbers the block holds; `None` for one that is not a range of positive
    /// numbers, which is never stored.
    pub fn count(&self) -> Option<u32> {
        let first = u32::try_from(self.first).ok().filter(|first| *first >= 1)?;
        let last = u32::try_from(self.last)
            .ok()
            .filter(|last| *last >= first)?;
        Some(last - first + 1)
    }
}

/// Keeps a block; the caller has checked it (`CaseNumberBlock::count`).
pub fn add_block(tx: &Transaction<'_>, block: &CaseNumberBlock) -> Result<(), StoreError> {
    tx.execute(
        "INSERT OR IGNORE INTO case_number_block (prefix, year, first, last, next) VALUES (?1, ?2, ?3, ?4, ?3)",
        (&block.prefix, block.year, block.first, block.last),
    )?;
    Ok(())
}

/// Takes the next unused number of `prefix` for `year`, in the caller's transaction, in the
/// agency's form (GB/T 9704): 渝中城管罚〔2026〕12号, the year in hexagonal brackets and the
/// sequence without padding zeros.
pub fn take(tx: &Transaction<'_>, prefix: &str, year: i32) -> Result<String, super::RecordError> {
    let block: Option<(u32, u32)> = tx
        .query_row(
            "SELECT first, next FROM case_number_block WHERE prefix = ?1 AND year = ?2 AND next <= last
             ORDER BY first LIMIT 1",
            (prefix, year),
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(StoreError::from)?;
    let (first, next) = block.ok_or(CaseError::NoCaseNumbers)?;
    tx.execute(
        "UPDATE case_number_block SET next = next + 1 WHERE prefix = ?1 AND year = ?2 AND first = ?3",
        (prefix, year, first),
    )
    .map_err(StoreError::from)?;
    Ok(format!("{prefix}〔{year}〕{next}号"))
}

/// Numbers left in reserved blocks, so the app can ask for more before it runs out.
pub fn remaining(conn: &rusqlite::Connection, prefix: &str, year: i32) -> Result<u32, StoreError> {
    Ok(conn.query_row(
        "SELECT coalesce(sum(last - next + 1), 0) FROM case_number_block WHERE prefix = ?1 AND year = ?2 AND next <= last",
        (prefix, year),
        |r| r.get(0),
    )?)
}
