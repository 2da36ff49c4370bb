//! Applying the law to one outcome: the statutory range alone, a statutory no-penalty rule, or
//! one baseline row's tier and band, with Arts. 30–32 applied (`mitigation`) and the clamp to
//! the statutory range (only a mitigated tier may go below its minimum).

use std::collections::BTreeSet;

use super::facts::Facts;
use super::mitigation::{mitigate, Reference};
use super::model::{
    BaselineRow, Fine, FlexibleMeasure, PenaltyKind, Provision, Tier, Violation, Yuan, YuanRange,
};
use super::outcome::{Disposition, Outcome, ReviewReason, TraceStep};
use super::statute::{self, MitigationGround, NoPenaltyReason};
use crate::texts::{self, discretion as text};

fn bare_outcome(
    violation: &Violation,
    citizen: bool,
    disposition: Disposition,
    tier: Tier,
) -> Outcome {
    Outcome {
        violation: violation.code.clone(),
        citizen,
        disposition,
        tier,
        warning: false,
        fine: None,
        statutory_fine: None,
        statutory_kinds: violation.statutory.kinds.clone(),
        required_kinds: violation.statutory.required_kinds(),
        illegal_gains: None,
        property_value: None,
        statute_in_force_from: None,
        grounds: Vec::new(),
        mitigation_applied: false,
        optional_fine: None,
        confiscate_gains: false,
        confiscate_property: false,
        other: Vec::new(),
        order_correction: true,
        education: false,
        legal_review: false,
        collective_decision: false,
        hearing_threshold: None,
        confiscation_threshold: None,
        flexible: violation.flexible.clone(),
        source: None,
        citations: Vec::new(),
        trace: Vec::new(),
        review: Vec::new(),
        alternatives: Vec::new(),
        explanation: String::new(),
    }
}

pub(super) fn statutory_no_penalty(
    violation: &Violation,
    citizen: bool,
    reason: NoPenaltyReason,
) -> Outcome {
    let mut outcome = bare_outcome(
        violation,
        citizen,
        Disposition::NoPenalty { reason },
        Tier::NoPenalty,
    );
    outcome.education = true;
    // Past the limitation period, or no longer a violation, nothing is ordered any more.
    outcome.order_correction = !matches!(
        reason,
        NoPenaltyReason::LimitationExpired | NoPenaltyReason::NoLongerViolation
    );
    outcome.trace.push(TraceStep {
        rule: text::RULE_NO_PENALTY.into(),
        finding: reason.text_zh(),
        citation: Some(text::cite_article(statute::LAW, reason.article())),
    });
    outcome
}

/// Art. 27: a suspected crime goes to the judicial authorities; nothing is ordered here.
pub(super) fn transfer(violation: &Violation, citizen: bool) -> Outcome {
    let mut outcome = bare_outcome(violation, citizen, Disposition::Transfer, Tier::General);
    outcome.order_correction = false;
    outcome
}

/// The base amount a fine needs, or the fact to ask for.
pub(super) fn base_amount(
    fine: &Fine,
    facts: &Facts,
    missing: &mut BTreeSet<String>,
) -> Option<Yuan> {
    let base = fine.base()?;
    let value = facts.int(base.fact());
    if value.is_none() {
        missing.insert(base.fact().to_owned());
    }
    value
}

/// Art. 28: illegal gains are confiscated when there are any; the amount must be known.
fn has_gains(facts: &Facts, missing: &mut BTreeSet<String>) -> bool {
    match facts.int("illegal_gains") {
        Some(gains) => gains > 0,
        None => {
            missing.insert("illegal_gains".to_owned());
            false
        }
    }
}

/// The statutory range alone, when no baseline row applies; Arts. 30–32 apply to it too.
pub(super) fn statutory_outcome(
    violation: &Violation,
    citizen: bool,
    facts: &Facts,
    grounds: &[MitigationGround],
    missing: &mut BTreeSet<String>,
) -> Outcome {
    let statutory = &violation.statutory;
    let base = base_amount(&statutory.fine, facts, missing);
    let mut outcome = bare_outcome(violation, citizen, Disposition::Penalty, Tier::General);
    outcome.fine = statutory.fine.resolve(base);
    outcome.statutory_fine = outcome.fine;
    outcome.warning = statutory.kinds.contains(&PenaltyKind::Warning);
    outcome.confiscate_gains = statutory.confiscate_gains && has_gains(facts, missing);
    outcome.trace.push(TraceStep {
        rule: text::RULE_STATUTORY_RANGE.into(),
        finding: text::NO_BASELINE_ROW.into(),
        citation: Some(cite_all(&violation.penalty_basis)),
    });
    let reference = Reference {
        general: None,
        row: None,
    };
    mitigate(&mut outcome, grounds, &reference);
    outcome
}

/// What one matching baseline row gives: its tier and band, lightened where the law requires,
/// clamped to the statutory range.
pub(super) fn row_outcome(
    violation: &Violation,
    citizen: bool,
    row: &BaselineRow,
    facts: &Facts,
    grounds: &[MitigationGround],
    general: Option<YuanRange>,
    missing: &mut BTreeSet<String>,
) -> Outcome {
    let output = &row.output;
    if row.tier == Tier::NoPenalty {
        let mut outcome = bare_outcome(
            violation,
            citizen,
            Disposition::NoPenalty {
                reason: NoPenaltyReason::BaselineRow,
            },
            Tier::NoPenalty,
        );
        outcome.education = true;
        add_flexible(&mut outcome.flexible, &row.flexible);
        outcome.trace.push(TraceStep {
            rule: text::RULE_BASELINE.into(),
            finding: text::row_finding(&row.label, &row.condition),
            citation: Some(text::cite_article(
                statute::LAW,
                NoPenaltyReason::BaselineRow.article(),
            )),
        });
        return outcome;
    }
    let mut outcome = bare_outcome(violation, citizen, Disposition::Penalty, row.tier);
    add_flexible(&mut outcome.flexible, &row.flexible);
    outcome.warning = output.warning;
    outcome.confiscate_gains = (output.confiscate_gains || violation.statutory.confiscate_gains)
        && has_gains(facts, missing);
    outcome.confiscate_property = output.confiscate_property;
    outcome.other = output.other.clone();
    outcome.legal_review = row.legal_review;
    outcome.collective_decision = row.collective_decision;
    outcome.trace.push(TraceStep {
        rule: text::RULE_BASELINE.into(),
        finding: text::row_finding(&row.label, &row.condition),
        citation: None,
    });

    let statutory_base = base_amount(&violation.statutory.fine, facts, missing);
    let row_base = base_amount(&output.fine, facts, missing);
    let statutory_range = violation.statutory.fine.resolve(statutory_base);
    outcome.statutory_fine = statutory_range;
    outcome.fine = output.fine.resolve(row_base);
    let reference = Reference {
        general,
        row: Some(&row.id),
    };
    mitigate(&mut outcome, grounds, &reference);
    // Clamp to the statutory range; only mitigation may go below its minimum (Art. 30–32).
    if let (Some(range), Some(law)) = (outcome.fine, statutory_range) {
        let min = if outcome.tier == Tier::Mitigated {
            range.min.max(0)
        } else {
            range.min.max(law.min)
        };
        let max = range.max.min(law.max);
        let clamped = YuanRange {
            min: min.min(max),
            max,
        };
        if clamped != range {
            outcome.review.push(ReviewReason::BandClamped {
                row: row.id.clone(),
            });
            outcome.trace.push(TraceStep {
                rule: text::RULE_CLAMP.into(),
                finding: text::clamped(clamped.min, clamped.max),
                citation: Some(cite_all(&violation.penalty_basis)),
            });
        }
        outcome.fine = Some(clamped);
    }
    outcome
}

fn add_flexible(list: &mut Vec<FlexibleMeasure>, more: &[FlexibleMeasure]) {
    list.extend_from_slice(more);
    list.sort();
    list.dedup();
}

/// The provisions, cited one after the other.
pub(super) fn cite_all(provisions: &[Provision]) -> String {
    texts::list(&provisions.iter().map(Provision::cite).collect::<Vec<_>>())
}
