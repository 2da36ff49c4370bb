//! What a review reads besides the case file, loaded once per scoring run from the server's
//! catalogue: the discretion engine over the published baselines (the lawful outcome and its
//! procedure route), the working-day calendar, each enforcement item's decision period, and
//! the officers and bodies the documents are issued in the name of.

use std::collections::HashMap;

use chrono::NaiveDate;
use zhifa_core::calendar::WorkingDays;
use zhifa_core::cases::procedure::{self, suggestion_request};
use zhifa_core::cases::CaseFile;
use zhifa_core::discretion::{DiscretionEngine, Outcome, Suggestion};
use zhifa_core::documents::{self, DocumentContext, DocumentKind};
use zhifa_core::registry::{EnforcementBody, EnforcementItem};

use super::checklist::{self, CaseContext, Scorecard};
use crate::catalogue::CatalogueStore;
use crate::error::{Failure, ServerError};

pub struct Reference<'c> {
    catalogue: &'c CatalogueStore,
    engine: DiscretionEngine,
    days: WorkingDays,
    items: HashMap<String, EnforcementItem>,
    /// Each officer's body, by credential number (None: not in the catalogue).
    bodies: HashMap<String, Option<EnforcementBody>>,
}

impl<'c> Reference<'c> {
    /// Reads the catalogue's violations, baselines, hearing thresholds, holiday calendars and
    /// items (the parts of a bundle every scope receives).
    pub fn load(catalogue: &'c CatalogueStore) -> Result<Reference<'c>, ServerError> {
        // Any valid scope: these records are not filtered by scope.
        let bundle =
            catalogue
                .bundle_for(&["00".to_owned()], None)
                .map_err(|failure| match failure {
                    Failure::Server(error) => error,
                    Failure::Refused(refusal) => ServerError::BadRequest(refusal.to_string()),
                })?;
        // Without a catalogue every case would read as lacking its legal basis: refuse.
        let data = bundle
            .map(|b| b.upserts)
            .ok_or_else(|| ServerError::Config("服务器尚未发布执法目录，无法评查".into()))?;
        let engine = DiscretionEngine::new(
            data.violations,
            data.baseline_documents,
            data.hearing_thresholds,
        )
        .map_err(|error| ServerError::Config(format!("catalogue baselines: {error}")))?;
        Ok(Reference {
            catalogue,
            engine,
            days: WorkingDays::new(&data.holiday_calendars),
            items: data
                .items
                .into_iter()
                .map(|item| (item.code.clone(), item))
                .collect(),
            bodies: HashMap::new(),
        })
    }

    /// The case scored against the checklist, as of `today` (Beijing).
    pub fn review(&mut self, case: &CaseFile, today: NaiveDate) -> Result<Scorecard, ServerError> {
        let body = self.issuing_body(case)?;
        let violation = self.engine.violation(&case.violation);
        let decision_days = violation
            .and_then(|v| self.items.get(&v.item_code))
            .and_then(|item| item.decision_days)
            .map_or(procedure::DECISION_DAYS, i64::from);
        let outcome = self.outcome(case, today);
        let context = CaseContext {
            body: body.as_ref(),
            violation,
            outcome: outcome.as_ref(),
            days: &self.days,
            decision_days,
            today,
        };
        Ok(checklist::score(case, &context))
    }

    /// A legal document of the case, rendered as the device renders it (issuing body, the
    /// engine's outcome, the working-day calendar), or what the case lacks for it (zh-CN).
    pub fn document(
        &mut self,
        case: &CaseFile,
        kind: DocumentKind,
        today: NaiveDate,
    ) -> Result<Result<String, String>, ServerError> {
        let body = self.issuing_body(case)?;
        let Some(violation) = self.engine.violation(&case.violation) else {
            return Ok(Err("执法目录中没有该案的违法行为，无法生成文书".to_owned()));
        };
        let outcome = self.outcome(case, today);
        let context = DocumentContext {
            body: body.as_ref(),
            violation,
            outcome: outcome.as_ref(),
            days: &self.days,
            today,
        };
        Ok(documents::render(kind, case, &context).map_err(|error| error.message_zh()))
    }

    /// The violation's name in the catalogue.
    pub fn violation_name(&self, code: &str) -> Option<String> {
        self.engine.violation(code).map(|v| v.name.clone())
    }

    /// The engine's outcome for the case's facts on the decision date (or today, undecided),
    /// as the procedure routed it.
    fn outcome(&self, case: &CaseFile, today: NaiveDate) -> Option<Outcome> {
        let on = case.decision.as_ref().map_or(today, |d| d.decided_on);
        match self.engine.suggest(&suggestion_request(case, on)) {
            Ok(Suggestion::Outcome(outcome)) => Some(*outcome),
            _ => None,
        }
    }

    /// The first acting officer's body, as the device renders the documents.
    fn issuing_body(&mut self, case: &CaseFile) -> Result<Option<EnforcementBody>, ServerError> {
        let Some(officer) = case.officers.iter().find(|o| !o.withdrawn) else {
            return Ok(None);
        };
        if let Some(body) = self.bodies.get(&officer.credential_no) {
            return Ok(body.clone());
        }
        let body = match self.catalogue.officer(&officer.credential_no)? {
            Some(record) => self.catalogue.body(&record.body_id)?,
            None => None,
        };
        self.bodies
            .insert(officer.credential_no.clone(), body.clone());
        Ok(body)
    }
}
