//! Inspections in the device store (migration 0006): one row a task with the document's full
//! save, kept with the heads digest sync reads. This module owns the `inspection` table.

use rusqlite::{Connection, OptionalExtension, Transaction};

use super::task::{CheckResult, Inspection, InspectionDoc};
use crate::cases::{CaseError, RecordError};
use crate::signed::{to_i32, to_i64};
use crate::store::StoreError;
use crate::sync::{replica, DocKind};

/// The most inspections `list` returns: a device holds a shift's or a plan's tasks, not years.
pub const LIST_LIMIT: usize = 200;

/// How far the checklist of an inspection has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum InspectionStatus {
    /// No item has a result yet.
    NotStarted,
    InProgress,
    /// Every item has a result.
    Completed,
}

impl InspectionStatus {
    pub fn name_zh(self) -> &'static str {
        use crate::texts::inspections::status as text;
        match self {
            InspectionStatus::NotStarted => text::NOT_STARTED,
            InspectionStatus::InProgress => text::IN_PROGRESS,
            InspectionStatus::Completed => text::COMPLETED,
        }
    }
}

/// One row of the inspection list.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct InspectionSummary {
    pub id: String,
    /// The plan (双随机) the task comes from.
    pub plan_id: String,
    pub credit_code: String,
    pub enterprise_name: String,
    pub division: String,
    pub status: InspectionStatus,
    pub status_zh: String,
    pub items_total: i32,
    pub items_recorded: i32,
    pub non_compliant: i32,
    /// Two officers recorded an item differently.
    pub conflicted: bool,
    /// The device's last change or merge (RFC 3339, trusted time).
    pub updated_at: String,
}

impl InspectionSummary {
    fn of(inspection: &Inspection, updated_at: String) -> InspectionSummary {
        let total = inspection.checklist.len();
        let recorded = inspection
            .checklist
            .iter()
            .filter(|e| e.result.is_some())
            .count();
        let non_compliant = inspection
            .checklist
            .iter()
            .filter(|e| e.result == Some(CheckResult::NonCompliant))
            .count();
        let status = match recorded {
            0 => InspectionStatus::NotStarted,
            n if n < total => InspectionStatus::InProgress,
            _ => InspectionStatus::Completed,
        };
        InspectionSummary {
            id: inspection.id.clone(),
            plan_id: inspection.plan_id.clone(),
            credit_code: inspection.credit_code.clone(),
            enterprise_name: inspection.enterprise_name.clone(),
            division: inspection.division.clone(),
            status,
            status_zh: status.name_zh().to_owned(),
            items_total: to_i32(total),
            items_recorded: to_i32(recorded),
            non_compliant: to_i32(non_compliant),
            conflicted: !inspection.conflicts.is_empty(),
            updated_at,
        }
    }
}

/// The inspections held, most recently changed first, at most `LIST_LIMIT`: the index picks
/// and orders them, each summary is read from its document.
pub fn list(conn: &Connection) -> Result<Vec<InspectionSummary>, RecordError> {
    let mut statement = conn
        .prepare_cached(
            "SELECT snapshot, updated_at FROM inspection ORDER BY updated_at DESC, id DESC LIMIT ?1",
        )
        .map_err(StoreError::from)?;
    let rows = statement
        .query_map([to_i64(LIST_LIMIT)], |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?))
        })
        .map_err(StoreError::from)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(StoreError::from)?;
    rows.into_iter()
        .map(|(snapshot, updated_at)| {
            let inspection = InspectionDoc::load(&snapshot)?.read()?;
            Ok(InspectionSummary::of(&inspection, updated_at))
        })
        .collect()
}

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
