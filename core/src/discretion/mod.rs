//! The penalty-discretion engine (裁量基准): baselines as data, and the lawful outcome for the
//! facts of a case, with every step explained and cited. Domain facts:
//! `../shared/domain/discretion.md`; the CSV layout: `docs/BASELINES.md`.

mod apply;
mod choice;
pub mod condition;
pub mod csv;
mod engine;
pub mod facts;
pub mod lint;
pub mod model;
mod outcome;
pub mod statute;

pub use choice::{check_choice, PenaltyChoice};
pub use condition::{Condition, ConditionError, Truth};
pub use engine::{DiscretionEngine, SuggestionRequest};
pub use facts::{FactError, FactValue, Facts};
pub use model::{
    BaseAmount, BaselineDocument, BaselineRow, Fine, HearingThreshold, Output, PenaltyKind,
    Provision, Statutory, Tier, Violation, Yuan, YuanRange,
};
pub use outcome::{
    Alternative, Disposition, Outcome, ProcedureRoute, Question, ReviewReason, Source, Suggestion,
    TraceStep,
};
pub use statute::NoPenaltyReason;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiscretionError {
    #[error("no violation {0} in the catalogue")]
    UnknownViolation(String),
    #[error("baseline row {row} has an invalid condition: {error}")]
    BadCondition { row: String, error: ConditionError },
    #[error(transparent)]
    Facts(FactError),
    #[error("the violation does not apply to this kind of party")]
    PartyTypeNotCovered,
    #[error("the decision or discovery date precedes the act")]
    Dates,
    #[error("a penalty outside the suggested band needs a reason")]
    OverrideWithoutReason,
}
