//! What a suggestion says: the lawful outcome with its source, trace and review reasons, the
//! questions still open, and the procedure a chosen penalty must follow.

use super::model::{PenaltyKind, Tier, Yuan, YuanRange};
use super::statute::{self, NoPenaltyReason};

/// A fact still needed, with the question to ask.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Question {
    pub fact: String,
    pub question: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Suggestion {
    /// Unknown facts decide the outcome: ask these, never guess.
    NeedFacts(Vec<Question>),
    Outcome(Box<Outcome>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Disposition {
    Penalty,
    NoPenalty {
        reason: NoPenaltyReason,
    },
    /// Art. 27: transfer to the judicial authorities.
    Transfer,
}

/// Why a person must look at the suggestion before it is used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ReviewReason {
    /// No baseline in force covers this place and date: the statutory range is shown.
    NoBaseline,
    /// The baseline has no row for these facts (a gap).
    BaselineGap { document: String },
    /// Several rows of one baseline match (an overlap); the most favourable was taken.
    BaselineOverlap { document: String },
    /// The applicable baselines disagree on more than one dimension.
    CandidatesDisagree,
    /// The row's band lies outside the statutory range and was clamped.
    BandClamped { row: String },
    /// No 较大数额 is configured for this jurisdiction: the hearing right must be judged.
    NoHearingThreshold,
}

/// Where the suggestion came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Source {
    pub document_id: String,
    pub document_number: String,
    pub document_title: String,
    pub row_id: String,
    pub row_label: String,
    pub condition: String,
    /// Whether the document is the one in force at the act, at the decision, or both (Art. 37).
    pub in_force_at_act: bool,
    pub in_force_at_decision: bool,
}

/// Another applicable baseline's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Alternative {
    pub source: Option<Source>,
    pub disposition: Disposition,
    pub tier: Tier,
    pub fine: Option<YuanRange>,
}

/// One step of the reasoning, for the record and the decision document.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct TraceStep {
    pub rule: String,
    pub finding: String,
    pub citation: Option<String>,
}

/// The lawful outcome.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Outcome {
    pub violation: String,
    pub citizen: bool,
    pub disposition: Disposition,
    pub tier: Tier,
    pub warning: bool,
    pub fine: Option<YuanRange>,
    pub statutory_fine: Option<YuanRange>,
    pub confiscate_gains: bool,
    pub confiscate_property: bool,
    pub other: Vec<PenaltyKind>,
    /// Art. 28: correction is always ordered; Art. 33: education when there is no penalty.
    pub order_correction: bool,
    pub education: bool,
    pub legal_review: bool,
    pub collective_decision: bool,
    /// The 较大数额 from which a fine gives a hearing right (Art. 63), if configured.
    pub hearing_threshold: Option<Yuan>,
    pub source: Option<Source>,
    pub citations: Vec<String>,
    pub trace: Vec<TraceStep>,
    pub review: Vec<ReviewReason>,
    /// The other baselines' outcomes, considered and found no more favourable (Art. 37,
    /// several jurisdictions).
    pub alternatives: Vec<Alternative>,
    pub explanation: String,
}

impl Outcome {
    /// The favourable-to-the-party order: no penalty < mitigated < lighter < general <
    /// heavier, then by the penalty itself.
    pub fn severity(&self) -> (u8, Tier, Yuan, Yuan, u8, Option<PenaltyKind>, u8) {
        let disposition = match self.disposition {
            Disposition::NoPenalty { .. } => 0,
            Disposition::Penalty => 1,
            Disposition::Transfer => 2,
        };
        let (min, max) = self.fine.map_or((0, 0), |f| (f.min, f.max));
        let confiscation = u8::from(self.confiscate_gains) + u8::from(self.confiscate_property);
        (
            disposition,
            self.tier,
            max,
            min,
            confiscation,
            self.other.iter().max().copied(),
            u8::from(self.warning),
        )
    }

    /// What two outcomes may disagree on: tier, fine, confiscation, other penalties.
    pub(super) fn dimensions(&self) -> [String; 4] {
        [
            format!("{:?}", self.tier),
            format!("{:?}", self.fine),
            format!("{}{}", self.confiscate_gains, self.confiscate_property),
            format!("{:?}{}", self.other, self.warning),
        ]
    }

    /// The procedure for the penalty the officer actually chooses (a fine in yuan, or none).
    pub fn route(&self, chosen_fine: Option<Yuan>) -> ProcedureRoute {
        let penalty = matches!(self.disposition, Disposition::Penalty);
        let confiscation = self.confiscate_gains || self.confiscate_property;
        let fine = chosen_fine.unwrap_or(0);
        let summary_allowed = penalty
            && !confiscation
            && self.other.is_empty()
            && (self.warning || fine > 0)
            && fine <= statute::summary_limit(self.citizen);
        let hearing_right = penalty
            && (self.other.iter().any(|k| k.needs_hearing())
                || self
                    .hearing_threshold
                    .is_some_and(|threshold| fine >= threshold));
        ProcedureRoute {
            summary_allowed,
            hearing_right,
            // Art. 58: a hearing on major rights needs a legal review before the decision.
            legal_review: penalty && !summary_allowed && (self.legal_review || hearing_right),
            collective_decision: penalty && self.collective_decision,
            collect_on_the_spot: summary_allowed && fine <= statute::ON_THE_SPOT_COLLECTION_LIMIT,
        }
    }
}

/// How a chosen penalty must be decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ProcedureRoute {
    /// Art. 51: may be decided on the spot (简易程序).
    pub summary_allowed: bool,
    /// Art. 63: the party may ask for a hearing.
    pub hearing_right: bool,
    /// Art. 58: legal review before the decision.
    pub legal_review: bool,
    /// Art. 57: collective decision by the agency's heads.
    pub collective_decision: bool,
    /// Art. 68: the fine may be collected on the spot.
    pub collect_on_the_spot: bool,
}
