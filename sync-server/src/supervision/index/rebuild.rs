//! Rebuilding the index from what is stored: clear the projected tables, then re-project every
//! document and every visit, a page at a time so no transaction grows with the database.
//! `sv_device_seen` is not derived from documents and stays (its districts are refreshed).

use super::Projector;
use crate::docs;
use crate::error::ServerError;
use crate::storage::{transaction, Database, Tx};

/// Documents (or events) re-projected per transaction.
const PAGE: i64 = 500;

/// The `counter` row saying when the index was last built (Unix seconds).
const BUILT: &str = "sv_index_built";

/// What a rebuild projected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Rebuilt {
    pub cases: u64,
    pub inspections: u64,
    pub visits: u64,
    /// Documents that did not read as their kind.
    pub skipped: u64,
}

/// Clears the index tables and re-projects every stored document and event.
pub fn rebuild(db: &dyn Database, projector: &Projector) -> Result<Rebuilt, ServerError> {
    transaction(db, |tx| {
        for table in ["sv_case", "sv_case_officer", "sv_inspection", "sv_visit"] {
            tx.execute(&format!("DELETE FROM {table}"), &[])?;
        }
        Ok(())
    })?;
    let mut rebuilt = Rebuilt::default();
    let now = chrono::Utc::now().timestamp();
    let mut after = String::new();
    loop {
        let page = transaction(db, |tx| {
            let ids = page_of(tx, "SELECT id FROM doc WHERE id > $1 ORDER BY id", &after)?;
            let mut counts = Rebuilt::default();
            for id in &ids {
                let Some(mut stored) = docs::stored(tx, id)? else {
                    continue;
                };
                let doc = (stored.kind, id.as_str(), stored.team.as_str());
                match projector.document(tx, doc, &mut stored.doc, now)? {
                    false => counts.skipped += 1,
                    true if stored.kind == zhifa_core::sync::DocKind::Case => counts.cases += 1,
                    true => counts.inspections += 1,
                }
            }
            Ok((ids, counts))
        })?;
        rebuilt.cases += page.1.cases;
        rebuilt.inspections += page.1.inspections;
        rebuilt.skipped += page.1.skipped;
        match page.0.last() {
            Some(last) => after = last.clone(),
            None => break,
        }
    }
    after.clear();
    loop {
        let ids = transaction(db, |tx| {
            let sql = "SELECT id FROM event WHERE kind = 'visit' AND id > $1 ORDER BY id";
            let ids = page_of(tx, sql, &after)?;
            for id in &ids {
                super::event(tx, projector, id)?;
            }
            Ok(ids)
        })?;
        rebuilt.visits += ids.len() as u64;
        match ids.last() {
            Some(last) => after = last.clone(),
            None => break,
        }
    }
    transaction(db, |tx| {
        refresh_seen(tx, projector)?;
        tx.execute(
            "INSERT INTO counter (name, value) VALUES ($1, $2)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            &[BUILT.into(), chrono::Utc::now().timestamp().into()],
        )?;
        Ok(())
    })?;
    Ok(rebuilt)
}

/// Rebuilds when the index was never built (a database upgraded from schema 2, or new).
pub fn ensure_built(
    db: &dyn Database,
    projector: &Projector,
) -> Result<Option<Rebuilt>, ServerError> {
    let built = transaction(db, |tx| {
        tx.query_opt("SELECT value FROM counter WHERE name = $1", &[BUILT.into()])
    })?;
    match built {
        Some(_) => Ok(None),
        None => rebuild(db, projector).map(Some),
    }
}

fn page_of(tx: &mut dyn Tx, sql: &str, after: &str) -> Result<Vec<String>, ServerError> {
    tx.query(&format!("{sql} LIMIT $2"), &[after.into(), PAGE.into()])?
        .iter()
        .map(|r| r.text(0))
        .collect()
}

/// The districts of the devices seen, by the current catalogue.
fn refresh_seen(tx: &mut dyn Tx, projector: &Projector) -> Result<(), ServerError> {
    for row in tx.query("SELECT key_id, body FROM sv_device_seen", &[])? {
        let body = row.text(1)?;
        tx.execute(
            "UPDATE sv_device_seen SET district = $2 WHERE key_id = $1",
            &[row.text(0)?.into(), projector.district(&body).into()],
        )?;
    }
    Ok(())
}
