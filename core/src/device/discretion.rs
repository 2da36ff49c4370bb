//! The discretion engine on the device: the lawful outcome for a case's facts under the
//! catalogue's baselines (the engine is cached per catalogue version), and the penalty the
//! officer chose, recorded as a signed event.

use std::sync::Arc;

use super::context::Context;
use crate::discretion::{
    check_choice, questions, CheckedChoice, ChosenPenalty, DiscretionEngine, Outcome,
    PenaltyChoice, Suggestion, SuggestionRequest, ViolationInfo,
};
use crate::events::{self, EventKind};
use crate::Error;

pub struct DiscretionService<'d> {
    context: &'d Context,
}

impl<'d> DiscretionService<'d> {
    pub(super) fn new(context: &'d Context) -> Self {
        DiscretionService { context }
    }

    /// The engine over this catalogue's baselines, reloaded when a bundle changed them.
    pub fn engine(&self) -> Result<Arc<DiscretionEngine>, Error> {
        self.context.engine()
    }

    /// Every violation of the catalogue with the facts the engine may ask about it (none
    /// before the first bundle).
    pub fn violations(&self) -> Result<Vec<ViolationInfo>, Error> {
        Ok(questions::violations(self.engine()?.as_ref()))
    }

    /// The lawful outcome for a case's facts, or the questions still to ask.
    pub fn suggest(&self, request: &SuggestionRequest) -> Result<Suggestion, Error> {
        Ok(self.engine()?.suggest(request)?)
    }

    /// Records the penalty the officer chose for `case_id` as a signed event, once checked
    /// against the statute and the suggestion (`discretion::check_choice`).
    pub fn record_choice(
        &self,
        case_id: &str,
        outcome: &Outcome,
        chosen: &ChosenPenalty,
    ) -> Result<(PenaltyChoice, CheckedChoice), Error> {
        let checked = check_choice(outcome, chosen)?;
        let route = checked.route;
        let now = self.context.now();
        let choice = PenaltyChoice {
            id: uuid::Uuid::now_v7().to_string(),
            case_id: case_id.to_owned(),
            violation: outcome.violation.clone(),
            source_row: outcome.source.as_ref().map(|s| s.row_id.clone()),
            suggested_min: outcome.fine.map(|f| f.min),
            suggested_max: outcome.fine.map(|f| f.max),
            chosen_fine: chosen.fine,
            outside_band: checked.outside_band,
            reason: chosen.reason.clone().filter(|r| !r.trim().is_empty()),
            summary_procedure: route.summary_allowed,
            hearing_right: route.hearing_right,
            decided_at: now.trusted,
            chosen: chosen.clone(),
            disposition: checked.disposition,
        };
        self.context.store.write(|tx| {
            events::append(
                tx,
                self.context.keystore.as_ref(),
                EventKind::PenaltyChoice,
                &choice.id,
                now.trusted,
                &choice,
            )
        })?;
        Ok((choice, checked))
    }
}
