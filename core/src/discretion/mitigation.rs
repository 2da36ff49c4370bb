//! Arts. 30–32 applied to one outcome. A mandatory ground (应当从轻或者减轻) makes it lighter
//! than the general tier: a fine comes out no heavier than the lightest part of the general
//! tier of the baseline document (or of the statutory range when it has none), a fixed amount
//! included; a band-less outcome drops kinds of a heavier Art. 9 group; only a warning (or the
//! Art. 28 confiscation) alone is the floor. An aggravating (从重) row under such a ground is
//! made lighter and flagged, and where no lighter penalty can be computed within the law a
//! person sets it. An optional ground (Art. 31) only offers the lighter band.

use super::model::{PenaltyKind, Tier, YuanRange};
use super::outcome::{Outcome, ReviewReason, TraceStep};
use super::statute::{self, MitigationGround};
use crate::texts::{self, discretion as text};

/// The lowest share of a band (Arts. 30–32's "lighter" where the baseline gives no tier).
pub(super) fn lower_share(range: YuanRange) -> YuanRange {
    YuanRange {
        min: range.min,
        max: range.min + (range.max - range.min) * statute::MANDATORY_LIGHTER_SHARE_PERCENT / 100,
    }
}

/// The lighter part of `reference` within the law: its lowest share, or for a fixed amount
/// the lowest share of the statutory range below it. None: only 减轻 below the statute is
/// lighter, which the engine does not compute.
fn lighter_band(reference: YuanRange, law: Option<YuanRange>) -> Option<YuanRange> {
    if reference.max > reference.min {
        return Some(lower_share(reference));
    }
    let from = law.map_or(0, |l| l.min).max(0);
    (from < reference.min).then(|| {
        lower_share(YuanRange {
            min: from,
            max: reference.min,
        })
    })
}

/// What the grounds are measured against.
pub(super) struct Reference<'a> {
    /// The lightest general band of the row's document (None: no general tier, or no row).
    pub general: Option<YuanRange>,
    /// The matched row, for the review flag.
    pub row: Option<&'a str>,
}

fn cite(list: &[MitigationGround]) -> String {
    let articles: Vec<&str> = list.iter().map(|g| g.article()).collect();
    text::cite_article(statute::LAW, &articles.join("、"))
}

fn said(list: &[MitigationGround]) -> String {
    text::grounds(&list.iter().map(|g| g.text_zh()).collect::<Vec<_>>())
}

fn step(rule: &str, finding: String, list: &[MitigationGround]) -> TraceStep {
    TraceStep {
        rule: rule.into(),
        finding,
        citation: Some(cite(list)),
    }
}

/// Applies the grounds that hold to `outcome` (its `fine` and `statutory_fine` resolved).
pub(super) fn mitigate(
    outcome: &mut Outcome,
    grounds: &[MitigationGround],
    reference: &Reference<'_>,
) {
    outcome.grounds = grounds.to_vec();
    let mandatory: Vec<MitigationGround> =
        grounds.iter().copied().filter(|g| g.mandatory()).collect();
    if !mandatory.is_empty() {
        mandatory_ground(outcome, &mandatory, reference);
        return;
    }
    let optional: Vec<MitigationGround> =
        grounds.iter().copied().filter(|g| !g.mandatory()).collect();
    if optional.is_empty() || outcome.tier <= Tier::Lighter {
        return;
    }
    if let Some(band) = outcome.fine.filter(|b| b.max > b.min) {
        let offered = lower_share(band);
        outcome.optional_fine = Some(offered);
        let finding = text::mitigation_optional(&said(&optional), offered.min, offered.max);
        outcome
            .trace
            .push(step(text::RULE_OPTIONAL_MITIGATION, finding, &optional));
    }
}

fn mandatory_ground(outcome: &mut Outcome, mandatory: &[MitigationGround], r: &Reference<'_>) {
    let found = said(mandatory);
    let rule = text::RULE_MANDATORY_MITIGATION;
    if outcome.tier == Tier::Heavier {
        // The aggravating circumstances are the baseline's; the ground is the statute's.
        outcome
            .review
            .push(ReviewReason::AggravatingWithMandatoryGround {
                row: r.row.unwrap_or_default().to_owned(),
            });
        let finding = text::aggravating_with_ground(&found);
        outcome.trace.push(step(rule, finding, mandatory));
    }
    if outcome.tier == Tier::Mitigated {
        let finding = text::mitigation_by_row(&found, outcome.tier.name_zh());
        outcome.trace.push(step(rule, finding, mandatory));
        outcome.mitigation_applied = true;
        return;
    }
    let Some(band) = outcome.fine.filter(|b| b.max > 0) else {
        return without_fine(outcome, mandatory, &found);
    };
    let (reference, of_general) = match r.general {
        Some(general) => (general, true),
        None => (outcome.statutory_fine.unwrap_or(band), false),
    };
    let Some(cap) = lighter_band(reference, outcome.statutory_fine) else {
        return by_person(outcome, mandatory, &found);
    };
    if band.min <= cap.min && band.max <= cap.max {
        // The row already gives no more than the lighter part (a 从轻 row, as a rule).
        let finding = if outcome.tier <= Tier::Lighter {
            text::mitigation_by_row(&found, outcome.tier.name_zh())
        } else {
            outcome.tier = Tier::Lighter;
            text::mitigation_within(&found, band.min, band.max)
        };
        outcome.trace.push(step(rule, finding, mandatory));
    } else {
        outcome.fine = Some(cap);
        outcome.tier = Tier::Lighter;
        let percent = statute::MANDATORY_LIGHTER_SHARE_PERCENT;
        let finding = if of_general {
            text::mitigation_to_general(&found, percent, cap.min, cap.max)
        } else {
            text::mitigation_applied(&found, percent, cap.min, cap.max)
        };
        outcome.trace.push(step(rule, finding, mandatory));
    }
    outcome.mitigation_applied = true;
}

/// A band-less outcome: drop the kinds of a heavier group than its lightest; a warning (or the
/// Art. 28 confiscation) alone is the floor; anything else goes to a person.
fn without_fine(outcome: &mut Outcome, mandatory: &[MitigationGround], found: &str) {
    let rule = text::RULE_MANDATORY_MITIGATION;
    let kinds = outcome.kinds();
    let lightest = kinds.iter().map(|k| k.group()).min().unwrap_or(0);
    let (dropped, kept): (Vec<PenaltyKind>, Vec<PenaltyKind>) =
        outcome.other.iter().partition(|k| k.group() > lightest);
    if !dropped.is_empty() {
        let names: Vec<&str> = dropped.iter().map(|k| k.name_zh()).collect();
        outcome.other = kept;
        outcome.tier = Tier::Lighter;
        outcome.mitigation_applied = true;
        let finding = text::mitigation_by_kinds(found, &texts::list(&names));
        outcome.trace.push(step(rule, finding, mandatory));
        return;
    }
    let floor = kinds
        .iter()
        .all(|k| *k == PenaltyKind::ConfiscateGains || k.group() == 1);
    if floor {
        let finding = text::mitigation_at_floor(found);
        outcome.trace.push(step(rule, finding, mandatory));
    } else {
        by_person(outcome, mandatory, found);
    }
}

/// No lighter penalty within the law: the fine is not printed, a person sets the 减轻 one.
fn by_person(outcome: &mut Outcome, mandatory: &[MitigationGround], found: &str) {
    outcome.fine = None;
    outcome.review.push(ReviewReason::MitigationByPerson);
    let finding = text::mitigation_by_person(found);
    outcome
        .trace
        .push(step(text::RULE_MANDATORY_MITIGATION, finding, mandatory));
}
