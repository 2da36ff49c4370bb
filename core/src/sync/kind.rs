//! What sync needs of a kind of collaborative document. Cases and inspections each implement
//! `SyncedKind` beside their storage (`cases::repository`, `inspections::repository`); the
//! device's session and the server reach a kind only through this trait, and
//! `sync::kinds::of` is the one place that maps a wire `DocKind` to it.

use automerge::{AutoCommit, ChangeHash};
use rusqlite::{Connection, Transaction};

use super::protocol::DocKind;
use crate::Error;

/// What the server and supervision read of a document: its id, its place (for the
/// jurisdiction check) and the evidence files it cites (a record is complete only with all).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocSummary {
    pub id: String,
    pub division: String,
    pub evidence: Vec<String>,
}

/// A document as the device holds it: the Automerge document and the heads already in the
/// store (empty for a document the device does not hold yet).
#[derive(Default)]
pub struct HeldDoc {
    pub doc: AutoCommit,
    pub stored: Vec<ChangeHash>,
}

impl HeldDoc {
    /// A document arriving by sync, not stored yet.
    pub fn is_new(&self) -> bool {
        self.stored.is_empty()
    }
}

pub trait SyncedKind: Sync {
    fn kind(&self) -> DocKind;

    /// Reads a document of this kind in place (the server reads every one it receives);
    /// `None` while it does not read as a whole, valid one.
    fn summary(&self, doc: &mut AutoCommit) -> Option<DocSummary>;

    /// The device's copy, or `None` when the device does not hold it.
    fn load(&self, conn: &Connection, id: &str) -> Result<Option<HeldDoc>, Error>;

    /// Stores the device's copy (new or changed) the way an edit does: document, index row
    /// and heads digest in `tx`. Afterwards the copy counts as stored.
    fn save(&self, tx: &Transaction<'_>, held: &mut HeldDoc, now: &str) -> Result<(), Error>;
}
