//! Case work on the device: every edit is one store transaction (Automerge changes and the
//! index row together), every procedure step is checked by `cases::procedure` against the law
//! and the engine's outcome for the case's current facts.

use chrono::{Datelike, NaiveDate};

use super::context::Context;
use super::discretion::DiscretionService;
use crate::cases::numbers::{self, CaseNumberBlock};
use crate::cases::procedure::{self, StepContext};
use crate::cases::repository::{self, CaseQuery, CaseSummary};
use crate::cases::{
    audit, AuditEntry, CaseDoc, CaseEdit, CaseError, CaseFile, CaseKind, Deadline, RecordEdit, Step,
};
use crate::codes::credential::check_credential;
use crate::codes::held;
use crate::discretion::{check_choice, ChosenPenalty, DiscretionError, Outcome, Suggestion};
use crate::documents::{self, DocumentContext, DocumentKind};
use crate::Error;

pub struct CaseService<'d> {
    context: &'d Context,
}

impl<'d> CaseService<'d> {
    pub(super) fn new(context: &'d Context) -> Self {
        CaseService { context }
    }

    pub(super) fn context(&self) -> &'d Context {
        self.context
    }

    fn discretion(&self) -> DiscretionService<'d> {
        DiscretionService::new(self.context)
    }

    /// Opens a new case file.
    pub fn create(
        &self,
        kind: CaseKind,
        violation: &str,
        place_division: &str,
        act_date: NaiveDate,
        discovered_on: NaiveDate,
    ) -> Result<CaseFile, Error> {
        let id = uuid::Uuid::now_v7().to_string();
        let mut doc = CaseDoc::create_by(
            &id,
            kind,
            violation,
            place_division,
            act_date,
            discovered_on,
            Some(self.context.author()),
        )?;
        let case = doc.read()?;
        let now = self.context.stamp();
        self.context
            .store
            .write(|tx| repository::insert(tx, &mut doc, &case, &now))?;
        Ok(case)
    }

    pub fn get(&self, id: &str) -> Result<CaseFile, Error> {
        self.context.read_case(id)
    }

    /// The case document's full bytes, to share with another replica.
    pub fn snapshot(&self, id: &str) -> Result<Vec<u8>, Error> {
        let mut doc = self.context.store.read(|c| repository::load(c, id))?;
        Ok(doc.save())
    }

    /// Applies the officer's edits in one transaction.
    pub fn edit(&self, id: &str, edits: &[CaseEdit]) -> Result<CaseFile, Error> {
        self.context.write_case(id, |_, doc| Ok(doc.apply(edits)?))
    }

    /// Applies edits the core made behind their rule (procedure, penalty, evidence).
    pub(super) fn record(&self, id: &str, edits: &[RecordEdit]) -> Result<CaseFile, Error> {
        self.context.write_case(id, |_, doc| Ok(doc.record(edits)?))
    }

    /// Merges another replica's document (its full save or changes) into this device's copy;
    /// a case not yet on the device is added.
    pub fn merge(&self, bytes: &[u8]) -> Result<CaseFile, Error> {
        self.context.merge_case(CaseDoc::load(bytes)?)
    }

    /// Calls `watcher` with the id of every case a sync or a merge changes on this device,
    /// after the change is stored, until the returned `Watch` is dropped.
    pub fn watch(&self, watcher: impl Fn(&str) + Send + Sync + 'static) -> super::Watch {
        self.context
            .case_changes
            .watch(std::sync::Arc::new(watcher))
    }

    pub fn list(&self, query: &CaseQuery) -> Result<Vec<CaseSummary>, Error> {
        Ok(self.context.store.read(|c| repository::query(c, query))?)
    }

    /// The lawful outcome for the case's facts now, or the questions still to ask.
    pub fn suggest(&self, id: &str) -> Result<Suggestion, Error> {
        let case = self.get(id)?;
        self.suggest_for(&case)
    }

    pub(super) fn suggest_for(&self, case: &CaseFile) -> Result<Suggestion, Error> {
        let request = procedure::suggestion_request(case, self.context.today());
        self.discretion().suggest(&request)
    }

    fn outcome(&self, case: &CaseFile) -> Result<Option<Outcome>, Error> {
        Ok(match self.suggest_for(case)? {
            Suggestion::Outcome(outcome) => Some(*outcome),
            Suggestion::NeedFacts(_) => None,
        })
    }

    /// The officer takes the suggested kinds and sets the fine (none: no fine); see `choose`.
    pub fn choose_penalty(
        &self,
        id: &str,
        fine: Option<i64>,
        reason: Option<&str>,
    ) -> Result<CaseFile, Error> {
        let case = self.get(id)?;
        let outcome =
            procedure::require_outcome(self.outcome(&case)?).map_err(CaseError::Refused)?;
        let mut chosen = ChosenPenalty::suggested(&outcome, fine, case.facts.int("illegal_gains"));
        chosen.reason = reason.map(str::to_owned);
        self.choose_checked(id, &outcome, &chosen)
    }

    /// The officer chooses the penalty: checked against the statute and the suggestion
    /// (`discretion::check_choice`), kept in the case with a snapshot of the suggestion, and
    /// recorded as an event.
    pub fn choose(&self, id: &str, chosen: &ChosenPenalty) -> Result<CaseFile, Error> {
        let case = self.get(id)?;
        let outcome =
            procedure::require_outcome(self.outcome(&case)?).map_err(CaseError::Refused)?;
        self.choose_checked(id, &outcome, chosen)
    }

    fn choose_checked(
        &self,
        id: &str,
        outcome: &Outcome,
        chosen: &ChosenPenalty,
    ) -> Result<CaseFile, Error> {
        check_choice(outcome, chosen)?;
        let snapshot = serde_json::json!({
            "source_row": outcome.source.as_ref().map(|s| s.row_id.clone()),
            "tier": outcome.tier.name_zh(),
            "fine": outcome.fine.map(|f| [f.min, f.max]),
            "explanation": outcome.explanation,
        })
        .to_string();
        self.discretion().record_choice(id, outcome, chosen)?;
        self.record(
            id,
            &[
                RecordEdit::SetSuggestion(snapshot),
                RecordEdit::ChoosePenalty {
                    fine: chosen.fine,
                    reason: chosen.reason.clone(),
                },
                RecordEdit::SetChosenPenalty(chosen.clone()),
            ],
        )
    }

    /// A procedure step by the device's credentialed officer, checked against the law;
    /// refused steps change nothing.
    pub fn step(&self, id: &str, step: &Step) -> Result<CaseFile, Error> {
        let acting = self.acting_officer()?;
        let case = self.get(id)?;
        let outcome = self.outcome(&case)?;
        let registry = &self.context.registry;
        let days = registry.working_days()?;
        let approver = match step.approver() {
            Some(named) => registry.officer(named)?,
            None => None,
        };
        let notified_outcome = self.notified_outcome(&case, step)?;
        let context = StepContext {
            today: self.context.today(),
            days: &days,
            outcome: outcome.as_ref(),
            notified_outcome: notified_outcome.as_ref(),
            acting: &acting,
            approver: approver.as_ref(),
            decision_days: self.decision_days(&case)?,
            now: self.context.stamp(),
        };
        let edits = procedure::plan(&case, step, &context).map_err(CaseError::Refused)?;
        self.record(id, &edits)
    }

    /// For a decision on facts changed since the notice: the outcome today for the facts
    /// the notice stated (Art. 44: a change that changes the outcome needs a new notice).
    fn notified_outcome(&self, case: &CaseFile, step: &Step) -> Result<Option<Outcome>, Error> {
        match (&case.procedure.notice, step) {
            (Some(notice), Step::Decide) if notice.facts != case.facts => {
                let mut then = case.clone();
                then.facts = notice.facts.clone();
                self.outcome(&then)
            }
            _ => Ok(None),
        }
    }

    /// The officer of the duty credential this device holds, verified now (signature, trust
    /// and revocation lists, validity by trusted time, bound to this device's key) and listed
    /// in the catalogue; otherwise the step is refused (Art. 42).
    fn acting_officer(&self) -> Result<crate::registry::Officer, Error> {
        let context = self.context;
        let refused = || Error::from(CaseError::Refused(procedure::no_duty_credential()));
        let bytes = context
            .store
            .read(held::kept_credential)?
            .ok_or_else(refused)?;
        let checked = check_credential(&bytes, &context.registry, context.now().trusted)
            .map_err(|_| refused())?;
        if checked.credential.device_key != context.keystore.public_key() {
            return Err(refused());
        }
        context
            .registry
            .officer(&checked.credential.subject)?
            .ok_or_else(refused)
    }

    /// Days from filing to decision for the case's enforcement item: its sector's own period
    /// where the catalogue gives one, else Art. 60's 90.
    fn decision_days(&self, case: &CaseFile) -> Result<i64, Error> {
        let engine = self.discretion().engine()?;
        let item = match engine.violation(&case.violation) {
            Some(violation) => self.context.registry.item(&violation.item_code)?,
            None => None,
        };
        Ok(item
            .and_then(|item| item.decision_days)
            .map_or(procedure::DECISION_DAYS, i64::from))
    }

    /// The deadlines the case must keep, by the holiday calendar.
    pub fn deadlines(&self, id: &str) -> Result<Vec<Deadline>, Error> {
        let case = self.get(id)?;
        Ok(procedure::deadlines(
            &case,
            &self.context.registry.working_days()?,
            self.context.today(),
            self.decision_days(&case)?,
        ))
    }

    /// Who changed which field of the case when, on every replica merged in (settled
    /// conflicts included), oldest first.
    pub fn history(&self, id: &str) -> Result<Vec<AuditEntry>, Error> {
        let mut doc = self.context.store.read(|c| repository::load(c, id))?;
        Ok(doc.audit())
    }

    /// The audit history as CSV with zh-CN headers, times in Beijing time.
    pub fn history_csv(&self, id: &str) -> Result<String, Error> {
        Ok(audit::to_csv(&self.history(id)?))
    }

    /// A legal document for the case, as HTML ready to print, in the name of the first
    /// acting officer's agency, with the engine's outcome for the case's facts now and the
    /// working-day calendar for its deadlines; or what the case lacks for it.
    pub fn render_document(&self, id: &str, kind: DocumentKind) -> Result<String, Error> {
        let case = self.get(id)?;
        let engine = self.discretion().engine()?;
        let violation = engine
            .violation(&case.violation)
            .ok_or_else(|| DiscretionError::UnknownViolation(case.violation.clone()))?;
        let registry = &self.context.registry;
        let body = match case.officers.iter().find(|o| !o.withdrawn) {
            Some(officer) => registry
                .officer(&officer.credential_no)?
                .and_then(|o| registry.body(&o.body_id).ok().flatten()),
            None => None,
        };
        let outcome = self.outcome(&case)?;
        let days = registry.working_days()?;
        let context = DocumentContext {
            body: body.as_ref(),
            violation,
            outcome: outcome.as_ref(),
            days: &days,
            today: self.context.today(),
        };
        Ok(documents::render(kind, &case, &context)?)
    }

    /// Blocks of case numbers the server reserved for this device.
    pub fn add_number_block(&self, block: &CaseNumberBlock) -> Result<(), Error> {
        Ok(self
            .context
            .store
            .write(|tx| numbers::add_block(tx, block))?)
    }

    /// Numbers left in this device's blocks for `prefix` this year: ask the server for a new
    /// block before it runs out.
    pub fn numbers_left(&self, prefix: &str) -> Result<u32, Error> {
        let year = self.context.today().year();
        Ok(self
            .context
            .store
            .read(|c| numbers::remaining(c, prefix, year))?)
    }

    /// Gives the case its number (案号) from this device's reserved blocks, offline.
    pub fn assign_number(&self, id: &str, prefix: &str) -> Result<CaseFile, Error> {
        let year = self.context.today().year();
        self.context.write_case(id, |tx, doc| {
            procedure::check_unnumbered(&doc.read()?).map_err(CaseError::Refused)?;
            let number = numbers::take(tx, prefix, year)?;
            Ok(doc.record(&[RecordEdit::SetNumber(number)])?)
        })
    }
}
