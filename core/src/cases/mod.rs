//! Case files (案件): offline Automerge documents, the lawful procedure, evidence, case
//! numbers and the working-day calendar. Procedure facts: `../shared/domain/procedure.md`.

pub mod audit;
pub mod document;
pub mod evidence;
mod layout;
pub mod model;
pub mod numbers;
pub mod procedure;
pub mod repository;
pub(crate) mod shape;

pub use crate::calendar::{HolidayCalendar, WorkingDays};
pub use audit::{AuditEntry, Author};
pub use document::{CaseDoc, CaseEdit, DateField, RecordEdit};
pub use model::*;
pub use procedure::{Deadline, Refusal, RefusalKind, Step};

/// A record operation that also reads or writes the store, or signs (loading a case, taking a
/// number, capturing evidence; inspections and sync use it too).
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error(transparent)]
    Record(#[from] CaseError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Crypto(#[from] crate::crypto::CryptoError),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    #[error("case document is damaged or not a case")]
    Corrupt,
    #[error("case document comes from a newer app")]
    SchemaTooNew,
    #[error("no such entry in the case")]
    NoSuchEntry,
    #[error("the value is not one of the conflicting values")]
    NotAConflictValue,
    #[error("no such case")]
    NotFound,
    #[error("transition refused: {0}")]
    Refused(Refusal),
    #[error("no case number left: ask the server for a new block")]
    NoCaseNumbers,
    #[error("a block of case numbers must be a range of positive numbers")]
    BadNumberBlock,
    #[error("no such visit on this device")]
    NoSuchVisit,
    /// Refused at capture, before anything is stored (`evidence::capture`).
    #[error("evidence file of {size} bytes is over the limit of {max}")]
    EvidenceTooLarge { size: u64, max: u64 },
    #[error("evidence file is empty")]
    EvidenceEmpty,
    /// The file the app named cannot be opened (absent, not permitted).
    #[error("evidence file cannot be opened")]
    EvidenceUnreadable,
    /// A path the app gave for a file is a directory or another kind of entry.
    #[error("the path is not a file")]
    NotAFile,
}

impl CaseError {
    /// What to tell an officer.
    pub fn message_zh(&self) -> String {
        use crate::texts::cases as text;
        match self {
            CaseError::Corrupt => text::CORRUPT.into(),
            CaseError::SchemaTooNew => text::SCHEMA_TOO_NEW.into(),
            CaseError::NoSuchEntry => text::NO_SUCH_ENTRY.into(),
            CaseError::NotAConflictValue => text::NOT_A_CONFLICT_VALUE.into(),
            CaseError::NotFound => text::NOT_FOUND.into(),
            CaseError::Refused(refusal) => refusal.message_zh(),
            CaseError::NoCaseNumbers => text::NO_CASE_NUMBERS.into(),
            CaseError::BadNumberBlock => text::BAD_NUMBER_BLOCK.into(),
            CaseError::NoSuchVisit => text::NO_SUCH_VISIT.into(),
            CaseError::EvidenceTooLarge { size, max } => text::evidence_too_large(*size, *max),
            CaseError::EvidenceEmpty => text::EVIDENCE_EMPTY.into(),
            CaseError::EvidenceUnreadable => text::EVIDENCE_UNREADABLE.into(),
            CaseError::NotAFile => text::NOT_A_FILE.into(),
        }
    }
}
