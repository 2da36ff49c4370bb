//! What a decision may be (Arts. 37, 44, 45, 63-64): exactly the officer's checked chosen
//! penalty, re-checked against the outcome on the decision date, and no more than the notice
//! told the party: no added kind, no higher amount, no facts changed since that change the
//! outcome, and a hearing offered wherever the decided penalty gives the right to one.

use super::{refuse, Refusal, RefusalKind, StepContext};
use crate::cases::model::{penalty_zh, CaseFile, Notice};
use crate::discretion::{check_choice, ChosenPenalty, Outcome};
use crate::texts::cases::lacking;

/// The choice the case holds, or a refusal: the decision and the notice state a choice.
pub(super) fn chosen(
    case: &CaseFile,
    outcome: &Outcome,
    article: &str,
) -> Result<ChosenPenalty, Refusal> {
    if case.chosen_penalty.is_none() && case.chosen_fine.is_none() {
        return Err(refuse(
            RefusalKind::NoPenaltyChosen,
            article,
            vec![lacking::CHOICE.into()],
        ));
    }
    Ok(case.chosen_penalty_for(outcome))
}

/// Art. 37 and the statute as a hard frame: the choice is checked again against the outcome
/// on the decision date (a lighter amendment since the choice may leave it outside).
pub(super) fn still_lawful(outcome: &Outcome, chosen: &ChosenPenalty) -> Result<(), Refusal> {
    check_choice(outcome, chosen).map(|_| ()).map_err(|error| {
        refuse(
            RefusalKind::ChoiceNoLongerLawful,
            "第三十七条",
            vec![error.message_zh()],
        )
    })
}

/// What the notice tells the party, kept to compare the decision with.
pub(super) fn notice(case: &CaseFile, outcome: &Outcome, chosen: ChosenPenalty) -> Notice {
    Notice {
        hearing_offered: outcome.route(&chosen).hearing_right,
        penalty: chosen,
        facts: case.facts.clone(),
        statement_closed: false,
    }
}

/// The notice the case was given; for a case notified before it was kept, its fine with the
/// outcome's kinds, and the hearing as the route of that penalty gives it.
fn notified(case: &CaseFile, outcome: &Outcome) -> Option<Notice> {
    if let Some(notice) = &case.procedure.notice {
        return Some(notice.clone());
    }
    let fine = case.procedure.notified_fine?;
    let penalty = ChosenPenalty::suggested(outcome, Some(fine), case.facts.int("illegal_gains"));
    Some(notice(case, outcome, penalty))
}

/// Arts. 44, 45, 63-64: the decision against the notice.
pub(super) fn as_notified(
    case: &CaseFile,
    context: &StepContext<'_>,
    outcome: &Outcome,
    chosen: &ChosenPenalty,
) -> Result<(), Refusal> {
    let Some(notice) = notified(case, outcome) else {
        return Ok(());
    };
    if notice.facts != case.facts {
        let then = context.notified_outcome;
        if !then.is_some_and(|then| same_outcome(then, outcome)) {
            return Err(refuse(
                RefusalKind::FactsChangedAfterNotice,
                "第四十四条",
                vec![],
            ));
        }
    }
    if heavier(chosen, &notice.penalty) {
        return Err(refuse(
            RefusalKind::HeavierAfterDefence,
            "第四十五条",
            vec![penalty_zh(&notice.penalty), penalty_zh(chosen)],
        ));
    }
    if outcome.route(chosen).hearing_right && !notice.hearing_offered {
        return Err(refuse(RefusalKind::HearingNotOffered, "第六十四条", vec![]));
    }
    Ok(())
}

/// The decided penalty adds a kind the notice did not state, or any amount exceeds it.
pub(super) fn heavier(decided: &ChosenPenalty, notified: &ChosenPenalty) -> bool {
    let added = decided.kinds.iter().any(|k| !notified.kinds.contains(k));
    let more = |a: Option<i64>, b: Option<i64>| a.unwrap_or(0) > b.unwrap_or(0);
    added
        || more(decided.fine, notified.fine)
        || more(decided.confiscated_gains, notified.confiscated_gains)
        || more(
            decided.confiscated_property_value,
            notified.confiscated_property_value,
        )
}

/// The lawful outcome in what the party bears and the procedure owes: disposition, kinds,
/// ranges, grounds and routing figures (the explanation and trace may differ in wording).
fn same_outcome(a: &Outcome, b: &Outcome) -> bool {
    a.disposition == b.disposition
        && a.tier == b.tier
        && a.kinds() == b.kinds()
        && a.fine == b.fine
        && a.statutory_fine == b.statutory_fine
        && a.statutory_kinds == b.statutory_kinds
        && a.grounds == b.grounds
        && a.optional_fine == b.optional_fine
        && a.hearing_threshold == b.hearing_threshold
        && a.confiscation_threshold == b.confiscation_threshold
        && a.legal_review == b.legal_review
        && a.collective_decision == b.collective_decision
}
