//! Case files (案件): offline Automerge documents, the lawful procedure, evidence, case
//! numbers and the working-day calendar. Procedure facts: `../shared/domain/procedure.md`.

pub mod calendar;
pub mod document;
pub mod evidence;
mod layout;
pub mod model;
pub mod numbers;
pub mod procedure;
pub mod repository;
pub(crate) mod shape;

pub use calendar::{HolidayCalendar, WorkingDays};
pub use document::{CaseDoc, CaseEdit, DateField};
pub use model::*;
pub use procedure::{Deadline, Refusal, RefusalKind, Step};

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
}
