//! The penalty-discretion engine (裁量基准): baselines as data, and the lawful outcome for the
//! facts of a case, with every step explained and cited. Domain facts:
//! `../shared/domain/discretion.md`; the CSV layout: `docs/BASELINES.md`.

mod apply;
mod burden;
mod choice;
pub mod condition;
pub mod csv;
mod engine;
mod explain;
pub mod facts;
pub mod frame;
pub mod lint;
mod mitigation;
pub mod model;
mod outcome;
pub mod questions;
pub mod statute;

pub use burden::Burden;
pub use choice::{
    check_choice, CheckedChoice, ChoiceDisposition, ChosenPenalty, EducationRecord, PenaltyChoice,
};
pub use condition::{Condition, ConditionError, Truth};
pub use engine::{DiscretionEngine, SuggestionRequest};
pub use facts::{Fact, FactError, FactValue, Facts};
pub use frame::Frame;
pub use model::{
    Amendment, BaseAmount, BaselineDocument, BaselineRow, Fine, FlexibleMeasure, HearingThreshold,
    Output, PenaltyKind, Provision, Statutory, Tier, Violation, Yuan, YuanRange,
};
pub use outcome::{
    Alternative, Disposition, Outcome, ProcedureRoute, Question, ReviewReason, Source, Suggestion,
    TraceStep,
};
pub use questions::{AllowedValue, FactKind, FactQuestion, ViolationInfo};
pub use statute::{MitigationGround, NoPenaltyReason};

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
    #[error("the statute does not provide the penalty kind {kind:?}")]
    KindNotProvided { kind: PenaltyKind, basis: String },
    #[error("the fine exceeds the statutory maximum {max}")]
    FineAboveStatute { max: Yuan, basis: String },
    #[error("the fine is below the statutory minimum {min} and no mitigation ground holds")]
    FineBelowStatute { min: Yuan, basis: String },
    #[error("the statute imposes the penalty kind {kind:?} in every penalty")]
    RequiredKindMissing { kind: PenaltyKind, basis: String },
    #[error("illegal gains of {gains} less {refunded} refunded must be confiscated in full")]
    GainsNotConfiscated { gains: Yuan, refunded: Yuan },
    #[error("no illegal gains are stated, so none can be confiscated")]
    NoGainsToConfiscate,
    #[error("a refund of illegal gains needs a reason")]
    RefundWithoutReason,
    #[error("confiscated property needs its value stated")]
    PropertyValueUnstated,
    #[error("an amount and its penalty kind {0:?} must go together")]
    AmountWithoutKind(PenaltyKind),
    #[error("no penalty without a lawful ground")]
    NoGroundForNoPenalty,
    #[error("no penalty without a record of the education given")]
    NoPenaltyWithoutEducation,
    #[error("the law gives no penalty here ({0:?})")]
    PenaltyNotAllowed(NoPenaltyReason),
    #[error("a suspected crime is transferred, not punished here")]
    TransferPending,
    #[error("declining first-violation leniency needs a reason")]
    DeclineWithoutReason,
    #[error("the catalogue does not provide the flexible measure {0:?} here")]
    MeasureNotProvided(FlexibleMeasure),
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
            DiscretionError::KindNotProvided { kind, basis } => {
                text::kind_not_provided(kind.name_zh(), basis)
            }
            DiscretionError::FineAboveStatute { max, basis } => text::fine_above(*max, basis),
            DiscretionError::FineBelowStatute { min, basis } => {
                text::fine_below(*min, basis, statute::LAW)
            }
            DiscretionError::AmountWithoutKind(kind) => text::amount_without_kind(kind.name_zh()),
            DiscretionError::RequiredKindMissing { kind, basis } => {
                text::required_kind_missing(kind.name_zh(), basis, statute::LAW)
            }
            DiscretionError::GainsNotConfiscated { gains, refunded } => {
                text::gains_not_confiscated(*gains, *refunded, statute::LAW)
            }
            DiscretionError::NoGainsToConfiscate => text::no_gains_to_confiscate(statute::LAW),
            DiscretionError::RefundWithoutReason => text::refund_without_reason(statute::LAW),
            DiscretionError::PropertyValueUnstated => text::property_value_unstated(statute::LAW),
            DiscretionError::NoGroundForNoPenalty => text::no_ground_for_no_penalty(statute::LAW),
            DiscretionError::NoPenaltyWithoutEducation => {
                text::no_penalty_without_education(statute::LAW)
            }
            DiscretionError::PenaltyNotAllowed(reason) => {
                text::penalty_not_allowed(&reason.text_zh(), statute::LAW, reason.article())
            }
            DiscretionError::TransferPending => {
                text::transfer_pending(statute::LAW, statute::TRANSFER_ARTICLE)
            }
            DiscretionError::DeclineWithoutReason => {
                text::decline_without_reason(statute::LAW, statute::FIRST_VIOLATION_ARTICLE)
            }
            DiscretionError::MeasureNotProvided(measure) => {
                text::measure_not_provided(measure.name_zh())
            }
        }
    }
}
