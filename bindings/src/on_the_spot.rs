//! A case opened at the door from the visit, previewed while the facts go in, and a summary
//! case decided on the spot with its facts and penalty in one call.

use zhifa_core::cases::{CaseFile, CaseKind};
use zhifa_core::device::OnTheSpot;
use zhifa_core::discretion::{Fact, Suggestion};

use crate::cases::CaseService;
use crate::discretion::PenaltySuggestion;
use crate::error::ZhifaError;
use crate::runtime::off_thread;

impl From<Suggestion> for PenaltySuggestion {
    fn from(suggestion: Suggestion) -> Self {
        match suggestion {
            Suggestion::NeedFacts(questions) => PenaltySuggestion {
                questions,
                outcome: None,
            },
            Suggestion::Outcome(outcome) => PenaltySuggestion {
                questions: Vec::new(),
                outcome: Some(*outcome),
            },
        }
    }
}

#[uniffi::export]
impl CaseService {
    /// Opens a case from a visit this device opened by scanning the enterprise code: the
    /// enterprise as party, the officers present, the premises as the place.
    pub async fn open_from_visit(
        &self,
        visit_id: String,
        kind: CaseKind,
        violation: String,
    ) -> Result<CaseFile, ZhifaError> {
        let device = self.device().clone();
        off_thread(move || {
            Ok(device
                .cases()
                .open_from_visit(&visit_id, kind, &violation)?)
        })
        .await
    }

    /// The outcome the case would have with these facts, stored nowhere.
    pub async fn preview(
        &self,
        id: String,
        facts: Vec<Fact>,
    ) -> Result<PenaltySuggestion, ZhifaError> {
        let device = self.device().clone();
        off_thread(move || Ok(device.cases().preview(&id, &facts)?.into())).await
    }

    /// Decides a summary case on the spot with its facts and penalty (Arts. 51–52); what
    /// succeeded before a refusal is kept.
    pub async fn decide_on_spot(
        &self,
        id: String,
        choice: OnTheSpot,
    ) -> Result<CaseFile, ZhifaError> {
        let device = self.device().clone();
        off_thread(move || Ok(device.cases().decide_on_spot(&id, &choice)?)).await
    }
}
