//! A stored document read from its snapshot and chunks: what `Documents` loads when its cache
//! has no copy, and what the supervision index's rebuild, case-file review and the
//! supervisors' case view read without the cache.

use automerge::AutoCommit;
use zhifa_core::sync::DocKind;

use crate::error::ServerError;
use crate::storage::Tx;

/// A stored document as it is now, read from the database without the cache (the
/// supervision index's rebuild, case-file review, the supervisors' case view).
pub struct StoredDoc {
    pub kind: DocKind,
    pub team: String,
    pub doc: AutoCommit,
}

pub fn stored(tx: &mut dyn Tx, id: &str) -> Result<Option<StoredDoc>, ServerError> {
    let Some(row) = tx.query_opt(
        "SELECT kind, team, snapshot_upto FROM doc WHERE id = $1",
        &[id.into()],
    )?
    else {
        return Ok(None);
    };
    let kind = u8::try_from(row.int(0)?)
        .ok()
        .and_then(DocKind::from_code)
        .ok_or(ServerError::Decode)?;
    let mut doc = read_snapshot(tx, id)?;
    read_chunks(tx, id, &mut doc, row.int(2)?)?;
    Ok(Some(StoredDoc {
        kind,
        team: row.text(1)?,
        doc,
    }))
}

pub(super) fn read_snapshot(tx: &mut dyn Tx, id: &str) -> Result<AutoCommit, ServerError> {
    let snapshot = tx
        .query_opt(
            "SELECT bytes FROM doc_snapshot WHERE doc_id = $1",
            &[id.into()],
        )?
        .map(|r| r.bytes(0))
        .transpose()?;
    match snapshot {
        Some(bytes) => AutoCommit::load(&bytes).map_err(|_| ServerError::Decode),
        None => Ok(AutoCommit::new()),
    }
}

/// Applies the chunks after `after` to `doc`; the last chunk applied.
pub(super) fn read_chunks(
    tx: &mut dyn Tx,
    id: &str,
    doc: &mut AutoCommit,
    after: i64,
) -> Result<i64, ServerError> {
    let mut last = after;
    for chunk in tx.query(
        "SELECT chunk, bytes FROM doc_chunk WHERE doc_id = $1 AND chunk > $2 ORDER BY chunk",
        &[id.into(), after.into()],
    )? {
        doc.load_incremental(&chunk.bytes(1)?)
            .map_err(|_| ServerError::Decode)?;
        last = chunk.int(0)?;
    }
    Ok(last)
}
