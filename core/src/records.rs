//! The collaborative records as sync sees them: a case file and an inspection are each a
//! kind of synced document. `SyncedKind` is all the device's session and the server need of a
//! kind; `records::kind` is the one place a wire `DocKind` becomes one, so neither side
//! matches on cases and inspections itself.

use automerge::{AutoCommit, ChangeHash};
use rusqlite::{Connection, Transaction};

use crate::cases::{repository as case_files, CaseDoc, CaseError, RecordError};
use crate::inspections::{repository as inspections, InspectionDoc};
use crate::sync::DocKind;

/// What the server (and supervision) reads of a document: its id, its place, for the
/// jurisdiction check, and the evidence files it cites (a record is complete with all of them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocSummary {
    pub id: String,
    pub division: String,
    pub evidence: Vec<String>,
}

/// A document as the device holds it in a conversation: the Automerge document and the heads
/// already in the store (none for one that arrived by sync and is not stored yet).
#[derive(Default)]
pub struct HeldDoc {
    pub doc: AutoCommit,
    pub stored: Vec<ChangeHash>,
}

impl HeldDoc {
    /// Arrived by sync and not stored yet.
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
    fn load(&self, conn: &Connection, id: &str) -> Result<Option<HeldDoc>, RecordError>;

    /// Stores the device's copy, new or changed, the way an edit does (document, index row and
    /// heads digest) in `tx`; afterwards it counts as stored.
    fn save(&self, tx: &Transaction<'_>, held: &mut HeldDoc, now: &str) -> Result<(), RecordError>;
}

/// The kind a wire `DocKind` names.
pub fn kind(kind: DocKind) -> &'static dyn SyncedKind {
    match kind {
        DocKind::Case => &CaseFiles,
        DocKind::Inspection => &Inspections,
    }
}

struct CaseFiles;

impl SyncedKind for CaseFiles {
    fn kind(&self) -> DocKind {
        DocKind::Case
    }

    fn summary(&self, doc: &mut AutoCommit) -> Option<DocSummary> {
        let case = CaseDoc::read_automerge(doc).ok()?;
        Some(DocSummary {
            id: case.id,
            division: case.place_division,
            evidence: case.evidence.into_iter().map(|e| e.hash).collect(),
        })
    }

    fn load(&self, conn: &Connection, id: &str) -> Result<Option<HeldDoc>, RecordError> {
        match case_files::load(conn, id) {
            Ok(doc) => {
                let (doc, stored) = doc.into_parts();
                Ok(Some(HeldDoc { doc, stored }))
            }
            Err(RecordError::Record(CaseError::NotFound)) => Ok(None),
            Err(other) => Err(other),
        }
    }

    fn save(&self, tx: &Transaction<'_>, held: &mut HeldDoc, now: &str) -> Result<(), RecordError> {
        let taken = std::mem::take(held);
        let mut doc = CaseDoc::from_parts(taken.doc, taken.stored);
        let saved = doc.read().map_err(RecordError::from).and_then(|case| {
            if doc.is_stored() {
                case_files::save(tx, &mut doc, &case, now)?;
            } else {
                case_files::insert(tx, &mut doc, &case, now)?;
            }
            Ok(())
        });
        (held.doc, held.stored) = doc.into_parts();
        saved
    }
}

struct Inspections;

impl SyncedKind for Inspections {
    fn kind(&self) -> DocKind {
        DocKind::Inspection
    }

    fn summary(&self, doc: &mut AutoCommit) -> Option<DocSummary> {
        let inspection = InspectionDoc::read_automerge(doc).ok()?;
        Some(DocSummary {
            id: inspection.id,
            division: inspection.division,
            evidence: inspection
                .checklist
                .into_iter()
                .flat_map(|entry| entry.evidence)
                .collect(),
        })
    }

    fn load(&self, conn: &Connection, id: &str) -> Result<Option<HeldDoc>, RecordError> {
        match inspections::load(conn, id) {
            Ok(doc) => {
                let mut doc = doc.into_automerge();
                let stored = doc.get_heads();
                Ok(Some(HeldDoc { doc, stored }))
            }
            Err(RecordError::Record(CaseError::NotFound)) => Ok(None),
            Err(other) => Err(other),
        }
    }

    fn save(&self, tx: &Transaction<'_>, held: &mut HeldDoc, now: &str) -> Result<(), RecordError> {
        // Checked in place first, so a document that is not one is kept, not dropped.
        InspectionDoc::read_automerge(&mut held.doc)?;
        let mut doc = InspectionDoc::from_automerge(std::mem::take(&mut held.doc))?;
        let saved = inspections::save(tx, &mut doc, now).map(|_| ());
        held.doc = doc.into_automerge();
        if saved.is_ok() {
            held.stored = held.doc.get_heads();
        }
        saved
    }
}
