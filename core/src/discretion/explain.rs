//! The paragraph for the decision document, put together from the outcome: the violation and
//! what it violated, the basis and the baseline row followed, and the measures suggested.

use super::apply::cite_all;
use super::model::Violation;
use super::outcome::{Disposition, Outcome, ReviewReason};
use super::statute;
use crate::texts::discretion::explanation as text;

pub(super) fn explanation(violation: &Violation, outcome: &Outcome) -> String {
    let mut paragraph = text::violation(text::act(&violation.name), &cite_all(&violation.violated));
    match outcome.disposition {
        Disposition::Transfer => {
            paragraph.push_str(&text::transfer(statute::LAW, statute::TRANSFER_ARTICLE));
            return paragraph;
        }
        Disposition::NoPenalty { reason } => {
            paragraph.push_str(&text::no_penalty(
                &reason.text_zh(),
                statute::LAW,
                reason.article(),
                outcome.order_correction,
            ));
            return paragraph;
        }
        Disposition::MayNotPunish => paragraph.push_str(&text::may_not_punish(
            statute::LAW,
            statute::FIRST_VIOLATION_ARTICLE,
        )),
        Disposition::Penalty => {}
    }
    let review = |reason: fn(&ReviewReason) -> bool| outcome.review.iter().any(reason);
    let aggravating = review(|r| matches!(r, ReviewReason::AggravatingWithMandatoryGround { .. }));
    let by_person = review(|r| *r == ReviewReason::MitigationByPerson);
    let source = outcome.source.as_ref();
    if let Some(source) = source.filter(|_| aggravating) {
        // Its own sentence: the aggravating label never stands beside the lighter tier.
        paragraph.push_str(&text::aggravating(
            &source.document_title,
            &source.document_number,
            &source.row_label,
        ));
    }
    if outcome.mitigation_applied || by_person {
        // Only the mandatory grounds are stated, and only where they changed the outcome or a
        // person must apply them.
        let grounds: Vec<_> = outcome.grounds.iter().filter(|g| g.mandatory()).collect();
        let said: Vec<&str> = grounds.iter().map(|g| g.text_zh()).collect();
        let articles: Vec<&str> = grounds.iter().map(|g| g.article()).collect();
        let say = if by_person {
            text::mitigation_by_person
        } else {
            text::mitigation
        };
        paragraph.push_str(&say(&said.join("，"), statute::LAW, &articles.join("、")));
    }
    let basis = cite_all(&violation.penalty_basis);
    paragraph.push_str(&match source {
        _ if by_person => text::basis_only(&basis),
        Some(source) if aggravating => text::basis_lightened(
            &basis,
            &source.document_title,
            &source.document_number,
            outcome.tier.name_zh(),
        ),
        Some(source) => text::basis_with_baseline(
            &basis,
            &source.document_title,
            &source.document_number,
            &source.row_label,
            outcome.tier.name_zh(),
        ),
        None => text::basis_statutory(&basis),
    });
    let mut measures = vec![text::ORDER_CORRECTION.to_owned()];
    if outcome.warning {
        measures.push(text::WARNING.into());
    }
    if outcome.confiscate_gains {
        measures.push(super::PenaltyKind::ConfiscateGains.name_zh().into());
    }
    if outcome.confiscate_property {
        measures.push(super::PenaltyKind::ConfiscateProperty.name_zh().into());
    }
    if let Some(fine) = outcome.fine {
        measures.push(if fine.min == fine.max {
            text::fine(fine.min)
        } else {
            text::fine_range(fine.min, fine.max)
        });
    }
    for kind in &outcome.other {
        measures.push(kind.name_zh().to_owned());
    }
    paragraph.push_str(&text::suggestion(&measures));
    paragraph
}
