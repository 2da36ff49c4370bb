//! The officer's choice against the suggestion. The statute is a hard frame: a kind it does
//! not provide, a fine above its maximum, or below its minimum or without a kind it imposes
//! (并处) without a 减轻 ground (Arts. 30–32) is refused whatever the reason; the illegal gains
//! are confiscated in full but for a refund (Art. 28), and confiscated property is valued
//! (Art. 63 (2)). Inside the frame but outside the baseline band, a
//! reason is required and recorded. Not punishing needs a lawful ground and a record of the
//! education given (Art. 33 ¶3); the flexible measures applied must be ones the catalogue
//! provides. Every choice is recorded as a signed event so supervision can count departures.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::model::{FlexibleMeasure, PenaltyKind, Tier, Yuan};
use super::outcome::{Disposition, Outcome, ProcedureRoute};
use super::statute;
use super::DiscretionError;

/// Art. 33 ¶3: what education was given, by whom, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct EducationRecord {
    /// What the party was told (the rule broken, how to comply).
    pub content: String,
    /// The credential number of the officer who gave it.
    pub by: String,
    pub at: DateTime<Utc>,
}

/// The penalty the officer chose: the kinds and their amounts, with what else was recorded.
/// No kinds: no penalty.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ChosenPenalty {
    pub kinds: Vec<PenaltyKind>,
    /// With `PenaltyKind::Fine`: the amount.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub fine: Option<Yuan>,
    /// With `ConfiscateGains`: the illegal gains confiscated.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub confiscated_gains: Option<Yuan>,
    /// With `ConfiscateProperty`: the value of the property confiscated, required (Art. 63
    /// (2) is judged on it).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub confiscated_property_value: Option<Yuan>,
    /// Illegal gains refunded (退赔) to those harmed, which Art. 28 ¶2 leaves unconfiscated;
    /// needs a reason.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub refunded_gains: Option<Yuan>,
    /// Why the choice departs from the suggestion (or declines 首违不罚).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub reason: Option<String>,
    /// Required whenever no penalty is given.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub education: Option<EducationRecord>,
    /// The flexible measures applied (柔性执法), from the outcome's list.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub flexible: Vec<FlexibleMeasure>,
}

impl ChosenPenalty {
    pub fn is_no_penalty(&self) -> bool {
        self.kinds.is_empty()
    }

    /// The outcome's own kinds with `fine` as the amount (none: no fine) and the confiscation
    /// of the gains the facts state: the officer took the suggestion and set the fine.
    pub fn suggested(outcome: &Outcome, fine: Option<Yuan>, gains: Option<Yuan>) -> Self {
        let mut kinds: Vec<PenaltyKind> = outcome
            .kinds()
            .into_iter()
            .filter(|k| *k != PenaltyKind::Fine)
            .collect();
        let fine = fine.filter(|f| *f > 0);
        if fine.is_some() {
            kinds.push(PenaltyKind::Fine);
        }
        if matches!(outcome.disposition, Disposition::NoPenalty { .. }) {
            kinds.clear();
        }
        kinds.sort();
        let confiscated_gains = kinds
            .contains(&PenaltyKind::ConfiscateGains)
            .then_some(gains.unwrap_or(0));
        // The property's value as the facts state it; unstated, the choice is refused.
        let confiscated_property_value = kinds
            .contains(&PenaltyKind::ConfiscateProperty)
            .then_some(outcome.property_value)
            .flatten();
        ChosenPenalty {
            kinds,
            fine,
            confiscated_gains,
            confiscated_property_value,
            ..ChosenPenalty::default()
        }
    }

    fn reason(&self) -> Option<&str> {
        self.reason.as_deref().filter(|r| !r.trim().is_empty())
    }

    /// Nothing is imposed: no kinds, or only a confiscation of no gains.
    fn imposes_nothing(&self) -> bool {
        self.kinds
            .iter()
            .all(|k| *k == PenaltyKind::ConfiscateGains && self.confiscated_gains.unwrap_or(0) == 0)
    }
}

impl Outcome {
    /// The procedure for the penalty the officer actually chose.
    pub fn route(&self, chosen: &ChosenPenalty) -> ProcedureRoute {
        let penalty = matches!(
            self.disposition,
            Disposition::Penalty | Disposition::MayNotPunish
        ) && !chosen.is_no_penalty();
        let fine = chosen.fine.unwrap_or(0);
        let has = |kind: PenaltyKind| chosen.kinds.contains(&kind);
        let heavier_kind = chosen.kinds.iter().any(|k| k.needs_hearing());
        // Art. 51: only a warning or a small fine; never confiscation or a heavier kind.
        let summary_allowed = penalty
            && chosen
                .kinds
                .iter()
                .all(|k| matches!(k, PenaltyKind::Warning | PenaltyKind::Fine))
            && (has(PenaltyKind::Warning) || fine > 0)
            && fine <= statute::summary_limit(self.citizen);
        let large = |amount: Option<Yuan>, threshold: Option<Yuan>| {
            threshold.is_some_and(|t| amount.unwrap_or(0) >= t)
        };
        let large_confiscation = (has(PenaltyKind::ConfiscateGains)
            && large(chosen.confiscated_gains, self.confiscation_threshold))
            || (has(PenaltyKind::ConfiscateProperty)
                && large(
                    chosen.confiscated_property_value,
                    self.confiscation_threshold,
                ));
        let hearing_right = penalty
            && (heavier_kind || large(Some(fine), self.hearing_threshold) || large_confiscation);
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

/// What the choice amounts to, for the record and supervision's counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ChoiceDisposition {
    Penalty,
    /// No penalty where the law or the baseline gives none.
    NoPenalty,
    /// 首违不罚 confirmed: not punished although a penalty was open.
    FirstViolationConfirmed,
    /// 首违不罚 declined, with the reason: the penalty is given.
    FirstViolationDeclined,
}

/// A choice checked against the outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckedChoice {
    pub outside_band: bool,
    pub disposition: ChoiceDisposition,
    pub route: ProcedureRoute,
}

/// What is recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PenaltyChoice {
    pub id: String,
    pub case_id: String,
    pub violation: String,
    /// The baseline row the suggestion came from, if any.
    pub source_row: Option<String>,
    pub suggested_min: Option<Yuan>,
    pub suggested_max: Option<Yuan>,
    pub chosen_fine: Option<Yuan>,
    pub outside_band: bool,
    pub reason: Option<String>,
    pub summary_procedure: bool,
    pub hearing_right: bool,
    pub decided_at: chrono::DateTime<chrono::Utc>,
    /// The whole choice: kinds, amounts, education, flexible measures.
    #[serde(default)]
    pub chosen: ChosenPenalty,
    #[serde(default = "penalty")]
    pub disposition: ChoiceDisposition,
}

fn penalty() -> ChoiceDisposition {
    ChoiceDisposition::Penalty
}

/// Checks a choice against the outcome and the statute (see the module's rules).
pub fn check_choice(
    outcome: &Outcome,
    chosen: &ChosenPenalty,
) -> Result<CheckedChoice, DiscretionError> {
    consistent(chosen)?;
    for measure in &chosen.flexible {
        if !outcome.flexible.contains(measure) {
            return Err(DiscretionError::MeasureNotProvided(*measure));
        }
    }
    // A choice that imposes nothing is not punishing, whatever kinds it lists.
    let disposition = if chosen.imposes_nothing() {
        no_penalty(outcome, chosen)?
    } else {
        within_statute(outcome, chosen)?;
        gains_confiscated(outcome, chosen)?;
        match outcome.disposition {
            Disposition::NoPenalty { reason } => {
                return Err(DiscretionError::PenaltyNotAllowed(reason))
            }
            Disposition::Transfer => return Err(DiscretionError::TransferPending),
            Disposition::MayNotPunish if chosen.reason().is_none() => {
                return Err(DiscretionError::DeclineWithoutReason)
            }
            Disposition::MayNotPunish => ChoiceDisposition::FirstViolationDeclined,
            Disposition::Penalty => ChoiceDisposition::Penalty,
        }
    };
    let outside_band = !chosen.imposes_nothing() && outside_band(outcome, chosen);
    if outside_band && chosen.reason().is_none() {
        return Err(DiscretionError::OverrideWithoutReason);
    }
    Ok(CheckedChoice {
        outside_band,
        disposition,
        route: outcome.route(chosen),
    })
}

/// Amounts go with their kinds, and only with them; a fine has its amount, and confiscated
/// property its value: Art. 63 (2) cannot be judged without it, so it is stated first.
fn consistent(chosen: &ChosenPenalty) -> Result<(), DiscretionError> {
    if chosen.kinds.contains(&PenaltyKind::ConfiscateProperty)
        && chosen.confiscated_property_value.is_none()
    {
        return Err(DiscretionError::PropertyValueUnstated);
    }
    let pairs = [
        (PenaltyKind::Fine, chosen.fine),
        (PenaltyKind::ConfiscateGains, chosen.confiscated_gains),
        (
            PenaltyKind::ConfiscateProperty,
            chosen.confiscated_property_value,
        ),
    ];
    for (kind, amount) in pairs {
        let listed = chosen.kinds.contains(&kind);
        let valid = match amount {
            Some(a) if a < 0 => false,
            Some(a) => listed && (kind != PenaltyKind::Fine || a > 0),
            None => !listed || kind != PenaltyKind::Fine,
        };
        if !valid {
            return Err(DiscretionError::AmountWithoutKind(kind));
        }
    }
    Ok(())
}

/// Not punishing needs a lawful ground (Arts. 30, 31, 33, 36, 37, or a baseline's list) and
/// the education given (Art. 33 ¶3).
fn no_penalty(
    outcome: &Outcome,
    chosen: &ChosenPenalty,
) -> Result<ChoiceDisposition, DiscretionError> {
    let disposition = match outcome.disposition {
        Disposition::NoPenalty { .. } => ChoiceDisposition::NoPenalty,
        Disposition::MayNotPunish => ChoiceDisposition::FirstViolationConfirmed,
        Disposition::Penalty => return Err(DiscretionError::NoGroundForNoPenalty),
        Disposition::Transfer => return Err(DiscretionError::TransferPending),
    };
    let educated = chosen
        .education
        .as_ref()
        .is_some_and(|e| !e.content.trim().is_empty() && !e.by.trim().is_empty());
    if !educated {
        return Err(DiscretionError::NoPenaltyWithoutEducation);
    }
    Ok(disposition)
}

/// The statute's frame: its kinds, its maximum, and its minimum and the kinds it imposes
/// together (并处) unless a 减轻 ground holds.
fn within_statute(outcome: &Outcome, chosen: &ChosenPenalty) -> Result<(), DiscretionError> {
    let basis = || outcome.citations.join("、");
    // A 减轻 row of a published baseline rests on such a ground as well.
    let mitigable = !outcome.grounds.is_empty() || outcome.tier == Tier::Mitigated;
    for kind in &chosen.kinds {
        // Art. 28 orders illegal gains confiscated whatever the penalty provision lists.
        let by_art28 = *kind == PenaltyKind::ConfiscateGains;
        if !by_art28 && !outcome.statutory_kinds.contains(kind) {
            return Err(DiscretionError::KindNotProvided {
                kind: *kind,
                basis: basis(),
            });
        }
    }
    for kind in &outcome.required_kinds {
        // Art. 28's confiscation is measured against the gains (`gains_confiscated`).
        let art28 = *kind == PenaltyKind::ConfiscateGains;
        if !art28 && !chosen.kinds.contains(kind) && !mitigable {
            return Err(DiscretionError::RequiredKindMissing {
                kind: *kind,
                basis: basis(),
            });
        }
    }
    if let (Some(fine), Some(law)) = (chosen.fine, outcome.statutory_fine) {
        if fine > law.max {
            return Err(DiscretionError::FineAboveStatute {
                max: law.max,
                basis: basis(),
            });
        }
        if fine < law.min && !mitigable {
            return Err(DiscretionError::FineBelowStatute {
                min: law.min,
                basis: basis(),
            });
        }
    }
    Ok(())
}

/// Art. 28 ¶2: illegal gains are confiscated, all of them but what is refunded (退赔, with a
/// reason); nothing is confiscated as gains where the facts state none.
fn gains_confiscated(outcome: &Outcome, chosen: &ChosenPenalty) -> Result<(), DiscretionError> {
    let gains = outcome.illegal_gains.unwrap_or(0).max(0);
    let refunded = chosen.refunded_gains.unwrap_or(0);
    let wrong = DiscretionError::GainsNotConfiscated { gains, refunded };
    if refunded < 0 || refunded > gains {
        return Err(wrong);
    }
    if refunded > 0 && chosen.reason().is_none() {
        return Err(DiscretionError::RefundWithoutReason);
    }
    let due = gains - refunded;
    match chosen.kinds.contains(&PenaltyKind::ConfiscateGains) {
        true if gains == 0 => Err(DiscretionError::NoGainsToConfiscate),
        true if chosen.confiscated_gains != Some(due) || due == 0 => Err(wrong),
        false if due > 0 => Err(wrong),
        _ => Ok(()),
    }
}

/// Outside the suggestion: other kinds than suggested, or a fine outside the band (and the
/// band a 可以 ground offers).
fn outside_band(outcome: &Outcome, chosen: &ChosenPenalty) -> bool {
    // The fine is judged by its amount below; the other kinds must be the suggested ones.
    let others = |kinds: &[PenaltyKind]| {
        let mut kinds: Vec<PenaltyKind> = kinds
            .iter()
            .copied()
            .filter(|k| *k != PenaltyKind::Fine)
            .collect();
        kinds.sort();
        kinds.dedup();
        kinds
    };
    let within = |band: Option<super::YuanRange>, fine: Yuan| {
        band.is_some_and(|b| b.min <= fine && fine <= b.max)
    };
    let fine_outside = match chosen.fine {
        Some(fine) => !within(outcome.fine, fine) && !within(outcome.optional_fine, fine),
        None => outcome.fine.is_some_and(|b| b.min > 0),
    };
    others(&chosen.kinds) != others(&outcome.kinds()) || fine_outside
}
