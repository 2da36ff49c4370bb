//! The device's sync bookkeeping for its collaborative documents (`doc_sync`): the digest of
//! each document's heads, kept in the same transaction as every edit, the digest both sides
//! held after the last sync, and the Automerge sync state with the server.

use automerge::sync::State;
use automerge::ChangeHash;
use rusqlite::{Connection, OptionalExtension, Transaction};

use super::protocol::{Digest, DocId, DocKind, DocRef, DocRefusal};
use super::BlobRefusal;

/// The `meta` key of the server this device enrolled with (its `Enrolment`, as JSON).
pub const ENROLMENT_META: &str = "sync.enrolment";
/// The `meta` key of the server's document sequence at the end of the last complete session.
pub const CURSOR_META: &str = "sync.cursor";
use crate::store::StoreError;

/// A digest as stored; a damaged one reads as all zeros, which matches nothing, so the
/// document is simply synced again.
fn stored_digest(bytes: &[u8]) -> Digest {
    Digest(bytes.try_into().unwrap_or_default())
}

/// Records a document's new heads; called by every write of a case or inspection.
pub fn touch(
    tx: &Transaction<'_>,
    kind: DocKind,
    id: &str,
    heads: &[ChangeHash],
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO doc_sync (kind, id, digest) VALUES (?1, ?2, ?3)
         ON CONFLICT (kind, id) DO UPDATE SET digest = excluded.digest,
           refused = CASE WHEN digest = excluded.digest THEN refused END",
    )?
    .execute((kind.code(), id, Digest::of_heads(heads).0.as_slice()))?;
    Ok(())
}

fn refs(conn: &Connection, sql: &str) -> Result<Vec<DocRef>, StoreError> {
    let mut statement = conn.prepare_cached(sql)?;
    let rows = statement
        .query_map([], |r| {
            Ok((
                r.get::<_, u8>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Vec<u8>>(2)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(kind, id, digest)| {
            let kind = DocKind::from_code(kind)
                .ok_or_else(|| StoreError::Decode("document kind".into()))?;
            let digest = stored_digest(&digest);
            Ok(DocRef(kind, DocId(id), digest))
        })
        .collect()
}

/// Documents changed on the device since they were last synced (and not refused as they are).
pub fn dirty(conn: &Connection) -> Result<Vec<DocRef>, StoreError> {
    refs(
        conn,
        "SELECT kind, id, digest FROM doc_sync
         WHERE synced_digest IS NOT digest AND refused IS NULL ORDER BY kind, id",
    )
}

/// Every document on the device, for a full listing.
pub fn all(conn: &Connection) -> Result<Vec<DocRef>, StoreError> {
    refs(
        conn,
        "SELECT kind, id, digest FROM doc_sync ORDER BY kind, id",
    )
}

pub fn digest(conn: &Connection, kind: DocKind, id: &str) -> Result<Option<Digest>, StoreError> {
    let bytes: Option<Vec<u8>> = conn
        .prepare_cached("SELECT digest FROM doc_sync WHERE kind = ?1 AND id = ?2")?
        .query_row((kind.code(), id), |r| r.get(0))
        .optional()?;
    Ok(bytes.map(|b| stored_digest(&b)))
}

/// The digest both sides held after the document's last sync.
pub fn synced_digest(
    conn: &Connection,
    kind: DocKind,
    id: &str,
) -> Result<Option<Digest>, StoreError> {
    let bytes: Option<Option<Vec<u8>>> = conn
        .prepare_cached("SELECT synced_digest FROM doc_sync WHERE kind = ?1 AND id = ?2")?
        .query_row((kind.code(), id), |r| r.get(0))
        .optional()?;
    Ok(bytes.flatten().map(|b| stored_digest(&b)))
}

/// The sync state with the server (only the shared heads persist); a fresh one if none or
/// unreadable, which costs one more round but loses nothing.
pub fn state(conn: &Connection, kind: DocKind, id: &str) -> Result<State, StoreError> {
    let bytes: Option<Option<Vec<u8>>> = conn
        .prepare_cached("SELECT state FROM doc_sync WHERE kind = ?1 AND id = ?2")?
        .query_row((kind.code(), id), |r| r.get(0))
        .optional()?;
    Ok(bytes
        .flatten()
        .and_then(|b| State::decode(&b).ok())
        .unwrap_or_default())
}

/// Saves the state after a round; `synced` when both sides now hold the same heads.
pub fn save_state(
    tx: &Transaction<'_>,
    kind: DocKind,
    id: &str,
    state: &State,
    synced: Option<Digest>,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "UPDATE doc_sync SET state = ?3,
           synced_digest = CASE WHEN ?4 IS NOT NULL AND ?4 = digest THEN ?4 ELSE synced_digest END
         WHERE kind = ?1 AND id = ?2",
    )?
    .execute((
        kind.code(),
        id,
        state.encode(),
        synced.map(|d| d.0.to_vec()),
    ))?;
    Ok(())
}

pub fn mark_refused(
    tx: &Transaction<'_>,
    kind: DocKind,
    id: &str,
    reason: DocRefusal,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE doc_sync SET refused = ?3 WHERE kind = ?1 AND id = ?2",
        (kind.code(), id, reason.as_str()),
    )?;
    Ok(())
}

/// Documents the server refused, with its reason; they stay on the device.
pub fn refused(conn: &Connection) -> Result<Vec<(String, DocRefusal)>, StoreError> {
    let mut statement = conn
        .prepare_cached("SELECT id, refused FROM doc_sync WHERE refused IS NOT NULL ORDER BY id")?;
    let rows = statement
        .query_map([], |r| {
            Ok((r.get(0)?, DocRefusal::from_kept(&r.get::<_, String>(1)?)))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Evidence to upload: queued when captured, confirmed when the server checked its hash.
pub fn queue_blob(tx: &Transaction<'_>, hash: &str) -> Result<(), StoreError> {
    tx.execute(
        "INSERT OR IGNORE INTO blob_upload (hash) VALUES (?1)",
        [hash],
    )?;
    Ok(())
}

/// Evidence still to upload: never confirmed, and not refused for a reason a later sync
/// cannot change (`BlobRefusal::retried`).
pub fn pending_blobs(conn: &Connection) -> Result<Vec<String>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT hash, refused FROM blob_upload WHERE confirmed = 0 ORDER BY hash",
    )?;
    let rows = statement
        .query_map([], |r| Ok((r.get(0)?, r.get::<_, Option<String>>(1)?)))?
        .collect::<Result<Vec<(String, _)>, _>>()?;
    Ok(rows
        .into_iter()
        .filter(|(_, refused)| {
            refused
                .as_deref()
                .is_none_or(|r| BlobRefusal::from_kept(r).retried())
        })
        .map(|(hash, _)| hash)
        .collect())
}

/// Records why the server (or the device itself) refused an evidence file; it stays queued.
pub fn refuse_blob(
    tx: &Transaction<'_>,
    hash: &str,
    reason: BlobRefusal,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE blob_upload SET refused = ?2 WHERE hash = ?1",
        (hash, reason.as_str()),
    )?;
    Ok(())
}

/// Evidence files refused at their last attempt, with the reason.
pub fn refused_blobs(conn: &Connection) -> Result<Vec<(String, BlobRefusal)>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT hash, refused FROM blob_upload
         WHERE confirmed = 0 AND refused IS NOT NULL ORDER BY hash",
    )?;
    let rows = statement
        .query_map([], |r| {
            Ok((r.get(0)?, BlobRefusal::from_kept(&r.get::<_, String>(1)?)))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// A new server knows nothing this device synced with the old one: forget what that one
/// confirmed (sync states, digests, refusals, uploaded evidence and its refusals).
pub fn forget_server(tx: &Transaction<'_>) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE doc_sync SET synced_digest = NULL, state = NULL, refused = NULL",
        [],
    )?;
    tx.execute("UPDATE blob_upload SET confirmed = 0, refused = NULL", [])?;
    Ok(())
}

pub fn confirm_blob(tx: &Transaction<'_>, hash: &str) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE blob_upload SET confirmed = 1, refused = NULL WHERE hash = ?1",
        [hash],
    )?;
    Ok(())
}
