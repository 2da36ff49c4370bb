//! The penalty-discretion engine (裁量基准): baselines as data, and the lawful outcome for the
//! facts of a case, with every step explained and cited. Domain facts:
//! `../shared/domain/discretion.md`; the CSV layout: `docs/BASELINES.md`.

mod apply;
mod choice;
pub mod condition;
pub mod csv;
mod engine;
mod explain;
pub mod facts;
pub mod lint;
pub mod model;
mod outcome;
pub mod statute;

pub use choice::{check_choice, PenaltyChoice};
pub use condition::{Condition, ConditionError, Truth};
pub use engine::{DiscretionEngine, SuggestionRequest};
pub use facts::{Fact, FactError, FactValue, Facts};
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

impl DiscretionError {
    /// What to tell an officer.
    pub fn message_zh(&self) -> String {
        use crate::texts::discretion as text;
        match self {
            DiscretionError::UnknownViolation(code) => text::unknown_violation(code),
            DiscretionError::BadCondition { row, .. } => text::bad_condition(row),
            DiscretionError::Facts(FactError::Unknown(name)) => text::unknown_fact(name),
            DiscretionError::Facts(FactError::WrongType(name)) => text::wrong_fact_value(name),
            DiscretionError::Facts(FactError::Inconsistent(_)) => text::INCONSISTENT_FACTS.into(),
            DiscretionError::PartyTypeNotCovered => text::PARTY_TYPE_NOT_COVERED.into(),
            DiscretionError::Dates => text::DATES.into(),
            DiscretionError::OverrideWithoutReason => text::OVERRIDE_WITHOUT_REASON.into(),
        }
    }
}
