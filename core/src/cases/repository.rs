//! Case files in the device store: a snapshot and the changes since, with an index row for
//! queries. Every edit is one transaction; after `COMPACT_AFTER` changes the snapshot is
//! rewritten and the changes it absorbed are deleted in the same transaction.

use chrono::Duration;
use rusqlite::{Connection, OptionalExtension, Transaction};

use super::document::CaseDoc;
use super::model::{CaseFile, CaseStatus, PartyKind};
use super::procedure::DECISION_DAYS;
use super::CaseError;
use crate::store::StoreError;

/// Changes kept beside the snapshot before it is rewritten.
pub const COMPACT_AFTER: i64 = 32;

/// Saves a new case.
pub fn insert(
    tx: &Transaction<'_>,
    doc: &mut CaseDoc,
    case: &CaseFile,
    now: &str,
) -> Result<(), StoreError> {
    let snapshot = doc.save();
    tx.execute(
        "INSERT INTO case_file (id, kind, status, violation, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        (&case.id, format!("{:?}", case.kind), case.status.as_str(), &case.violation, now),
    )?;
    tx.execute(
        "INSERT INTO case_snapshot (case_id, bytes) VALUES (?1, ?2)",
        (&case.id, snapshot),
    )?;
    touch(tx, doc, case)?;
    index(tx, case, now)
}

fn touch(tx: &Transaction<'_>, doc: &mut CaseDoc, case: &CaseFile) -> Result<(), StoreError> {
    let heads = doc.automerge().get_heads();
    crate::sync::replica::touch(tx, crate::sync::DocKind::Case, &case.id, &heads)
}

/// Appends the document's unsaved changes and updates the index row.
pub fn save(
    tx: &Transaction<'_>,
    doc: &mut CaseDoc,
    case: &CaseFile,
    now: &str,
) -> Result<(), StoreError> {
    let changes = doc.save_incremental();
    if !changes.is_empty() {
        let next: i64 = tx
            .prepare_cached("SELECT coalesce(max(seq), 0) + 1 FROM case_change WHERE case_id = ?1")?
            .query_row([&case.id], |r| r.get(0))?;
        if next > COMPACT_AFTER {
            tx.execute(
                "UPDATE case_snapshot SET bytes = ?2 WHERE case_id = ?1",
                (&case.id, doc.save()),
            )?;
            tx.execute("DELETE FROM case_change WHERE case_id = ?1", [&case.id])?;
        } else {
            tx.execute(
                "INSERT INTO case_change (case_id, seq, bytes) VALUES (?1, ?2, ?3)",
                (&case.id, next, changes),
            )?;
        }
        touch(tx, doc, case)?;
    }
    index(tx, case, now)
}

fn index(tx: &Transaction<'_>, case: &CaseFile, now: &str) -> Result<(), StoreError> {
    let party = case.parties.first();
    let credit_code = party
        .filter(|p| p.kind == PartyKind::Organisation)
        .and_then(|p| p.credit_code.clone());
    let undecided = case.status < CaseStatus::Decided;
    let due = case
        .procedure
        .filed_on
        .filter(|_| undecided)
        .map(|f| (f + Duration::days(DECISION_DAYS)).to_string());
    tx.execute(
        "UPDATE case_file SET status = ?2, number = ?3, credit_code = ?4, party_name = ?5, decision_due = ?6,
         conflicted = ?7, updated_at = ?8 WHERE id = ?1",
        (
            &case.id,
            case.status.as_str(),
            &case.number,
            credit_code,
            party.map(|p| p.name.clone()),
            due,
            !case.conflicts.is_empty(),
            now,
        ),
    )?;
    tx.execute("DELETE FROM case_officer WHERE case_id = ?1", [&case.id])?;
    for officer in &case.officers {
        tx.execute(
            "INSERT OR IGNORE INTO case_officer (case_id, credential_no) VALUES (?1, ?2)",
            (&case.id, &officer.credential_no),
        )?;
    }
    Ok(())
}

/// Whether the store holds the case.
pub fn exists(conn: &Connection, id: &str) -> Result<bool, StoreError> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM case_file WHERE id = ?1)",
        [id],
        |r| r.get(0),
    )?)
}

/// Loads a case document: the snapshot, then every change since, in order.
pub fn load(conn: &Connection, id: &str) -> Result<CaseDoc, super::RecordError> {
    let snapshot: Option<Vec<u8>> = conn
        .query_row(
            "SELECT bytes FROM case_snapshot WHERE case_id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()
        .map_err(StoreError::from)?;
    let mut doc = CaseDoc::load(&snapshot.ok_or(CaseError::NotFound)?)?;
    let mut statement = conn
        .prepare_cached("SELECT bytes FROM case_change WHERE case_id = ?1 ORDER BY seq")
        .map_err(StoreError::from)?;
    let changes = statement
        .query_map([id], |r| r.get::<_, Vec<u8>>(0))
        .map_err(StoreError::from)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(StoreError::from)?;
    for change in changes {
        doc.load_incremental(&change)?;
    }
    Ok(doc)
}

/// Which cases to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CaseQuery {
    pub status: Option<CaseStatus>,
    pub credit_code: Option<String>,
    pub officer: Option<String>,
    /// Undecided cases whose Art. 60 deadline falls on or before this date (YYYY-MM-DD).
    pub due_by: Option<String>,
    pub conflicted_only: bool,
    /// Keyset paging: the last id of the previous page.
    pub after_id: Option<String>,
    /// Rows a page, clamped to 1..=500 (a negative one from an app reads as 1).
    pub limit: i32,
}

/// One row of a case list.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CaseSummary {
    pub id: String,
    pub number: Option<String>,
    pub kind: String,
    pub status: String,
    pub violation: String,
    pub party_name: Option<String>,
    pub decision_due: Option<String>,
    pub conflicted: bool,
    pub updated_at: String,
}

pub fn query(conn: &Connection, q: &CaseQuery) -> Result<Vec<CaseSummary>, StoreError> {
    let mut sql = String::from(
        "SELECT id, number, kind, status, violation, party_name, decision_due, conflicted, updated_at
         FROM case_file c WHERE 1 = 1",
    );
    let mut params: Vec<String> = Vec::new();
    let mut add = |clause: &str, value: String| {
        params.push(value);
        sql.push_str(&clause.replace('?', &format!("?{}", params.len())));
    };
    if let Some(status) = q.status {
        add(" AND status = ?", status.as_str().into());
    }
    if let Some(code) = &q.credit_code {
        add(" AND credit_code = ?", code.clone());
    }
    if let Some(officer) = &q.officer {
        add(" AND EXISTS (SELECT 1 FROM case_officer o WHERE o.case_id = c.id AND o.credential_no = ?)", officer.clone());
    }
    if let Some(due) = &q.due_by {
        add(
            " AND decision_due IS NOT NULL AND decision_due <= ?",
            due.clone(),
        );
    }
    if let Some(after) = &q.after_id {
        add(" AND id > ?", after.clone());
    }
    if q.conflicted_only {
        sql.push_str(" AND conflicted = 1");
    }
    sql.push_str(&format!(" ORDER BY id LIMIT {}", q.limit.clamp(1, 500)));
    let mut statement = conn.prepare(&sql)?;
    let rows = statement
        .query_map(rusqlite::params_from_iter(params.iter()), |r| {
            Ok(CaseSummary {
                id: r.get(0)?,
                number: r.get(1)?,
                kind: r.get(2)?,
                status: r.get(3)?,
                violation: r.get(4)?,
                party_name: r.get(5)?,
                decision_due: r.get(6)?,
                conflicted: r.get(7)?,
                updated_at: r.get(8)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}
