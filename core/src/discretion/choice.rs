//! The officer's choice against the suggestion. Inside the band it is the officer's
//! discretion; outside it (or a penalty where the suggestion is none) it needs a reason, and
//! either way it is recorded as a signed event so supervision can count departures.

use serde::{Deserialize, Serialize};

use super::model::Yuan;
use super::outcome::{Disposition, Outcome, ProcedureRoute};
use super::DiscretionError;

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
}

/// Checks a choice against the suggestion: a departure needs a reason.
pub fn check_choice(
    outcome: &Outcome,
    chosen_fine: Option<Yuan>,
    reason: Option<&str>,
) -> Result<(bool, ProcedureRoute), DiscretionError> {
    let suggested_penalty = matches!(outcome.disposition, Disposition::Penalty);
    let outside = match (outcome.fine, chosen_fine) {
        (Some(band), Some(fine)) => fine < band.min || fine > band.max,
        (None, Some(fine)) => fine > 0,
        (Some(band), None) => band.min > 0,
        (None, None) => false,
    } || (!suggested_penalty && chosen_fine.is_some_and(|f| f > 0));
    if outside && reason.is_none_or(|r| r.trim().is_empty()) {
        return Err(DiscretionError::OverrideWithoutReason);
    }
    Ok((outside, outcome.route(chosen_fine)))
}
