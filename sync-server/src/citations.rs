//! Which evidence files each document cites (`doc_blob`), written whenever a document
//! changes: a record is complete on the server only when its own team holds every one of them.

use crate::error::ServerError;
use crate::storage::{transaction, Database, Tx};

/// Records which evidence files a document cites, in the caller's transaction.
pub(crate) fn cite(tx: &mut dyn Tx, id: &str, evidence: &[String]) -> Result<(), ServerError> {
    tx.execute("DELETE FROM doc_blob WHERE doc_id = $1", &[id.into()])?;
    for hash in evidence {
        tx.execute(
            "INSERT INTO doc_blob (doc_id, hash) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[id.into(), hash.into()],
        )?;
    }
    Ok(())
}

/// A document the server holds without every evidence file it cites.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Incomplete {
    pub doc_id: String,
    pub team: String,
    pub missing: Vec<String>,
}

/// Documents whose evidence has not (all) arrived from their own team (a copy another team
/// proved does not count: this team cannot read it): for supervision, and to tell the
/// officer's team which phone still holds files the record needs.
pub fn incomplete(db: &dyn Database) -> Result<Vec<Incomplete>, ServerError> {
    let rows = transaction(db, |tx| {
        tx.query(
            "SELECT c.doc_id, d.team, c.hash FROM doc_blob c
             JOIN doc d ON d.id = c.doc_id
             LEFT JOIN blob_grant g ON g.hash = c.hash AND g.team = d.team
             WHERE g.hash IS NULL ORDER BY c.doc_id, c.hash",
            &[],
        )
    })?;
    let mut out: Vec<Incomplete> = Vec::new();
    for row in rows {
        let (doc_id, team, hash) = (row.text(0)?, row.text(1)?, row.text(2)?);
        match out.last_mut() {
            Some(last) if last.doc_id == doc_id => last.missing.push(hash),
            _ => out.push(Incomplete {
                doc_id,
                team,
                missing: vec![hash],
            }),
        }
    }
    Ok(out)
}
