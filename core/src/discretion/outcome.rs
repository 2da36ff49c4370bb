//! What a suggestion says: the lawful outcome with its source, trace and review reasons, the
//! questions still open, and the procedure a chosen penalty must follow.

use chrono::NaiveDate;

use super::burden::Burden;
use super::model::{FlexibleMeasure, PenaltyKind, Tier, Yuan, YuanRange};
use super::statute::{MitigationGround, NoPenaltyReason};

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
    /// Art. 33 ¶1 (首违不罚): the officer may decide not to punish, confirming it with the
    /// education given, or decline with a reason and give the penalty the outcome states.
    MayNotPunish,
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
    /// The frames in force at the act and at the decision cannot be ranked (Art. 37): the
    /// act's frame is shown.
    StatuteVersionsDisagree,
    /// An aggravating (从重) row matched although a mandatory ground of Arts. 30–32 holds: the
    /// outcome was made lighter than that row, and a person weighs the two.
    AggravatingWithMandatoryGround { row: String },
    /// A mandatory ground holds but no lighter penalty can be computed within the law (a
    /// fixed statutory amount, or no lighter kind): a person sets the 减轻 penalty.
    MitigationByPerson,
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
    /// The kinds it imposes.
    pub kinds: Vec<PenaltyKind>,
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
    /// The kinds the applicable statutory frame provides: a choice outside them is refused.
    pub statutory_kinds: Vec<PenaltyKind>,
    /// The kinds that frame imposes in every penalty (并处): a choice without one is below
    /// the statute (only a 减轻 ground allows it; Art. 28 confiscation never drops).
    pub required_kinds: Vec<PenaltyKind>,
    /// The illegal gains the facts state (Art. 28: confiscated, less what is refunded).
    pub illegal_gains: Option<Yuan>,
    /// The value of the illegal property the facts state (Art. 63 (2)).
    pub property_value: Option<Yuan>,
    /// From when the applied version of the frame is in force (Art. 37), when dated.
    pub statute_in_force_from: Option<NaiveDate>,
    /// The Arts. 30–32 grounds that hold; any of them lets a choice go below the statutory
    /// minimum (减轻).
    pub grounds: Vec<MitigationGround>,
    /// A mandatory ground made this outcome lighter than its tier would be.
    pub mitigation_applied: bool,
    /// Under a 可以 ground (Art. 31), the lighter band the officer may choose.
    pub optional_fine: Option<YuanRange>,
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
    /// The 较大数额 for confiscated gains or property value (Art. 63 (2)).
    pub confiscation_threshold: Option<Yuan>,
    /// The flexible measures the catalogue provides here (柔性执法).
    pub flexible: Vec<FlexibleMeasure>,
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
    /// The penalty kinds this outcome imposes.
    pub fn kinds(&self) -> Vec<PenaltyKind> {
        let mut kinds = Vec::new();
        if self.warning {
            kinds.push(PenaltyKind::Warning);
        }
        if self.fine.is_some_and(|f| f.max > 0) {
            kinds.push(PenaltyKind::Fine);
        }
        if self.confiscate_gains {
            kinds.push(PenaltyKind::ConfiscateGains);
        }
        if self.confiscate_property {
            kinds.push(PenaltyKind::ConfiscateProperty);
        }
        kinds.extend(self.other.iter().copied());
        kinds.sort();
        kinds.dedup();
        kinds
    }

    /// The disposition's rank for the party: no penalty, may be unpunished, penalty, transfer.
    pub fn disposition_rank(&self) -> u8 {
        match self.disposition {
            Disposition::NoPenalty { .. } => 0,
            Disposition::MayNotPunish => 1,
            Disposition::Penalty => 2,
            Disposition::Transfer => 3,
        }
    }

    /// What the party bears (Art. 9 order, then amounts); the tier label plays no part.
    pub fn burden(&self) -> Burden {
        Burden::new(self.kinds(), self.fine)
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
