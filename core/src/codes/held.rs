//! What a device keeps of codes (migration 0003): the officer's current duty credential and
//! the replay cache of enforcement codes already accepted. This module owns both tables.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction};

use crate::store::StoreError;

/// Keeps `credential` (already checked) as the officer's current one, replacing any other.
pub fn keep_credential(
    tx: &Transaction<'_>,
    credential: &[u8],
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT OR REPLACE INTO duty_credential (id, credential, expires_at) VALUES (1, ?1, ?2)",
        (credential, expires_at.to_rfc3339()),
    )?;
    Ok(())
}

/// The credential kept, as its signed bytes.
pub fn kept_credential(conn: &Connection) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT credential FROM duty_credential WHERE id = 1",
            [],
            |r| r.get(0),
        )
        .optional()?)
}

/// Records that the code of `(credential_id, step)` was accepted; `false` when it already was
/// (a replayed code).
pub fn first_use(
    tx: &Transaction<'_>,
    credential_id: &[u8],
    step: u64,
    seen_at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let inserted = tx.execute(
        "INSERT OR IGNORE INTO code_replay (credential_id, step, seen_at) VALUES (?1, ?2, ?3)",
        (credential_id, step, seen_at.to_rfc3339()),
    )?;
    Ok(inserted == 1)
}
