//! Inspections in the device store (migration 0006): one row a task with the document's full
//! save, kept with the heads digest sync reads. This module owns the `inspection` table.

use rusqlite::{Connection, OptionalExtension, Transaction};

use super::task::{Inspection, InspectionDoc};
use crate::cases::{CaseError, RecordError};
use crate::store::StoreError;
use crate::sync::{replica, DocKind};

/// Loads an inspection document; `CaseError::NotFound` when the device does not hold it.
pub fn load(conn: &Connection, id: &str) -> Result<InspectionDoc, RecordError> {
    let bytes: Option<Vec<u8>> = conn
        .query_row("SELECT snapshot FROM inspection WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()
        .map_err(StoreError::from)?;
    Ok(InspectionDoc::load(&bytes.ok_or(CaseError::NotFound)?)?)
}

/// Whether the store holds the inspection.
pub fn exists(conn: &Connection, id: &str) -> Result<bool, StoreError> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM inspection WHERE id = ?1)",
        [id],
        |r| r.get(0),
    )?)
}

/// Saves the document whole, with its index columns and heads digest, in `tx`.
pub fn save(
    tx: &Transaction<'_>,
    doc: &mut InspectionDoc,
    now: &str,
) -> Result<Inspection, RecordError> {
    let inspection = doc.read()?;
    tx.execute(
        "INSERT OR REPLACE INTO inspection (id, plan_id, credit_code, updated_at, snapshot) VALUES (?1, ?2, ?3, ?4, ?5)",
        (&inspection.id, &inspection.plan_id, &inspection.credit_code, now, doc.save()),
    )
    .map_err(StoreError::from)?;
    let heads = doc.automerge().get_heads();
    replica::touch(tx, DocKind::Inspection, &inspection.id, &heads)?;
    Ok(inspection)
}
