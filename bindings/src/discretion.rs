//! The discretion engine for the shells: typed facts in, the lawful outcome (or the questions
//! still to ask) out, and the officer's choice recorded.

use std::sync::Arc;

use chrono::NaiveDate;
use zhifa_core::device::Device;
use zhifa_core::discretion::{
    ChoiceDisposition, ChosenPenalty, Fact, Facts, Outcome, ProcedureRoute, Question, Suggestion,
    SuggestionRequest,
};
use zhifa_core::texts;

use crate::error::ZhifaError;
use crate::runtime::off_thread;

/// A case as the officer describes it. Dates are `YYYY-MM-DD`.
#[derive(Debug, Clone, uniffi::Record)]
pub struct PenaltyRequest {
    /// Violation code, e.g. DQ-118-3.
    pub violation: String,
    pub place_division: String,
    pub act_date: String,
    pub act_ended: Option<String>,
    pub discovered_on: String,
    pub decision_date: String,
    pub facts: Vec<Fact>,
}

/// Either the questions still to ask or the outcome.
#[derive(Debug, Clone, uniffi::Record)]
pub struct PenaltySuggestion {
    pub questions: Vec<Question>,
    pub outcome: Option<Outcome>,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct PenaltyChoiceRecorded {
    pub id: String,
    pub outside_band: bool,
    /// Penalty, no penalty, or 首违不罚 confirmed / declined.
    pub disposition: ChoiceDisposition,
    pub route: ProcedureRoute,
}

fn date(text: &str) -> Result<NaiveDate, ZhifaError> {
    text.parse().map_err(|_| ZhifaError::Validation {
        user_message: texts::discretion::bad_date(text),
    })
}

#[derive(uniffi::Object)]
pub struct DiscretionService {
    device: Arc<Device>,
}

impl DiscretionService {
    pub(crate) fn new(device: Arc<Device>) -> Self {
        DiscretionService { device }
    }
}

#[uniffi::export]
impl DiscretionService {
    /// The lawful outcome under the published baseline, or the facts still needed.
    pub async fn suggest(&self, request: PenaltyRequest) -> Result<PenaltySuggestion, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || {
            let facts: Facts = request.facts.into_iter().collect();
            let request = SuggestionRequest {
                violation: request.violation,
                place_division: request.place_division,
                act_date: date(&request.act_date)?,
                act_ended: request.act_ended.as_deref().map(date).transpose()?,
                discovered_on: date(&request.discovered_on)?,
                decision_date: date(&request.decision_date)?,
                facts,
            };
            Ok(match device.discretion().suggest(&request)? {
                Suggestion::NeedFacts(questions) => PenaltySuggestion {
                    questions,
                    outcome: None,
                },
                Suggestion::Outcome(outcome) => PenaltySuggestion {
                    questions: Vec::new(),
                    outcome: Some(*outcome),
                },
            })
        })
        .await
    }

    /// Records the penalty chosen for a case, refused outside the statute; outside the
    /// suggested band a reason is required, and no penalty needs the education given.
    pub async fn record_choice(
        &self,
        case_id: String,
        outcome: Outcome,
        chosen: ChosenPenalty,
    ) -> Result<PenaltyChoiceRecorded, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || {
            let (choice, checked) = device
                .discretion()
                .record_choice(&case_id, &outcome, &chosen)?;
            Ok(PenaltyChoiceRecorded {
                id: choice.id,
                outside_band: checked.outside_band,
                disposition: checked.disposition,
                route: checked.route,
            })
        })
        .await
    }
}

/// The procedure for a chosen penalty: summary, hearing right, legal review, collective
/// decision.
#[uniffi::export]
pub fn route_penalty(outcome: Outcome, chosen: ChosenPenalty) -> ProcedureRoute {
    outcome.route(&chosen)
}
