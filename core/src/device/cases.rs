//! Case work on the device: every edit is one store transaction (Automerge changes and the
//! index row together), every procedure step is checked by `cases::procedure` against the law
//! and the engine's outcome for the case's current facts.

use chrono::{Datelike, NaiveDate};

use super::Device;
use crate::cases::numbers::{self, CaseNumberBlock};
use crate::cases::procedure::{self, StepContext};
use crate::cases::repository::{self, CaseQuery, CaseSummary};
use crate::cases::{
    evidence, CaseDoc, CaseEdit, CaseError, CaseFile, CaseKind, Deadline, PartyKind, Step,
};
use crate::codes::GpsFix;
use crate::discretion::{check_choice, Outcome, Suggestion, SuggestionRequest};
use crate::store::StoreError;
use crate::Error;

/// Case documents kept loaded, most recent last. A document is taken out while it is edited
/// and put back only after its transaction committed, so a failed edit never leaves an
/// unsaved document behind.
#[derive(Default)]
pub(super) struct OpenCases {
    docs: std::collections::VecDeque<(String, CaseDoc)>,
}

const OPEN_CASES: usize = 32;

impl OpenCases {
    pub(super) fn take(&mut self, id: &str) -> Option<CaseDoc> {
        let at = self.docs.iter().position(|(open, _)| open == id)?;
        self.docs.remove(at).map(|(_, doc)| doc)
    }

    fn put(&mut self, id: String, doc: CaseDoc) {
        if self.docs.len() >= OPEN_CASES {
            self.docs.pop_front();
        }
        self.docs.push_back((id, doc));
    }
}

impl Device {
    fn today(&self) -> NaiveDate {
        self.now().trusted.date_naive()
    }

    fn stamp(&self) -> String {
        self.now().trusted.to_rfc3339()
    }

    /// Opens a new case file.
    pub fn create_case(
        &self,
        kind: CaseKind,
        violation: &str,
        place_division: &str,
        act_date: NaiveDate,
        discovered_on: NaiveDate,
    ) -> Result<CaseFile, Error> {
        let id = uuid::Uuid::now_v7().to_string();
        let mut doc = CaseDoc::create(
            &id,
            kind,
            violation,
            place_division,
            act_date,
            discovered_on,
        )?;
        let case = doc.read()?;
        let now = self.stamp();
        self.store
            .write(|tx| repository::insert(tx, &mut doc, &case, &now).map_err(Error::from))?;
        Ok(case)
    }

    pub fn case(&self, id: &str) -> Result<CaseFile, Error> {
        let mut open = self.open_cases.lock().unwrap_or_else(|p| p.into_inner());
        let doc = match open.take(id) {
            Some(doc) => doc,
            None => self.store.read(|c| repository::load(c, id))?,
        };
        let case = doc.read()?;
        open.put(id.to_owned(), doc);
        Ok(case)
    }

    /// The case document's full bytes, to share with another replica.
    pub fn case_snapshot(&self, id: &str) -> Result<Vec<u8>, Error> {
        let mut doc = self.store.read(|c| repository::load(c, id))?;
        Ok(doc.save())
    }

    /// Applies typed edits in one transaction.
    pub fn edit_case(&self, id: &str, edits: &[CaseEdit]) -> Result<CaseFile, Error> {
        let now = self.stamp();
        let mut open = self.open_cases.lock().unwrap_or_else(|p| p.into_inner());
        let cached = open.take(id);
        let (doc, case) = self.store.write(|tx| {
            let mut doc = match cached {
                Some(doc) => doc,
                None => repository::load(tx, id)?,
            };
            doc.apply(edits)?;
            let case = doc.read()?;
            repository::save(tx, &mut doc, &case, &now)?;
            Ok::<_, Error>((doc, case))
        })?;
        open.put(id.to_owned(), doc);
        Ok(case)
    }

    /// Merges another replica's document (its full save or changes) into this device's copy;
    /// a case not yet on the device is added.
    pub fn merge_case(&self, bytes: &[u8]) -> Result<CaseFile, Error> {
        let mut incoming = CaseDoc::load(bytes)?;
        let id = incoming.read()?.id;
        let now = self.stamp();
        self.store
            .write(|tx| {
                let exists: bool = tx
                    .query_row(
                        "SELECT EXISTS (SELECT 1 FROM case_file WHERE id = ?1)",
                        [&id],
                        |r| r.get(0),
                    )
                    .map_err(StoreError::from)?;
                if !exists {
                    let case = incoming.read()?;
                    repository::insert(tx, &mut incoming, &case, &now)?;
                    return Ok(case);
                }
                let mut doc = repository::load(tx, &id)?;
                doc.merge(&mut incoming)?;
                let case = doc.read()?;
                repository::save(tx, &mut doc, &case, &now)?;
                Ok(case)
            })
            .inspect(|_| {
                // The loaded copy, if any, predates the merge.
                self.open_cases
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .take(&id);
            })
    }

    pub fn list_cases(&self, query: &CaseQuery) -> Result<Vec<CaseSummary>, Error> {
        Ok(self.store.read(|c| repository::query(c, query))?)
    }

    /// The engine's request for a case as it stands, decided today.
    fn case_request(&self, case: &CaseFile) -> SuggestionRequest {
        let mut facts = case.facts.clone();
        if let Some(party) = case.parties.first() {
            let party_type = if party.kind == PartyKind::Person {
                "citizen"
            } else {
                "organisation"
            };
            facts.set("party_type", party_type);
        }
        SuggestionRequest {
            violation: case.violation.clone(),
            place_division: case.place_division.clone(),
            act_date: case.act_date,
            act_ended: None,
            discovered_on: case.discovered_on,
            decision_date: self.today().max(case.act_date),
            facts,
        }
    }

    /// The lawful outcome for the case's facts now, or the questions still to ask.
    pub fn suggest_for_case(&self, id: &str) -> Result<Suggestion, Error> {
        let case = self.case(id)?;
        self.suggest_penalty(&self.case_request(&case))
    }

    fn case_outcome(&self, case: &CaseFile) -> Result<Option<Outcome>, Error> {
        Ok(match self.suggest_penalty(&self.case_request(case))? {
            Suggestion::Outcome(outcome) => Some(*outcome),
            Suggestion::NeedFacts(_) => None,
        })
    }

    /// The officer chooses the penalty: checked against the suggestion (a departure needs a
    /// reason), kept in the case with a snapshot of the suggestion, and recorded as an event.
    pub fn choose_case_penalty(
        &self,
        id: &str,
        fine: Option<i64>,
        reason: Option<&str>,
    ) -> Result<CaseFile, Error> {
        let case = self.case(id)?;
        let outcome =
            self.case_outcome(&case)?
                .ok_or(CaseError::Refused(crate::cases::Refusal {
                    kind: crate::cases::RefusalKind::NoPenaltyChosen,
                    article: "第四十条".into(),
                    missing: vec!["facts".into()],
                }))?;
        check_choice(&outcome, fine, reason)?;
        let snapshot = serde_json::json!({
            "source_row": outcome.source.as_ref().map(|s| s.row_id.clone()),
            "tier": format!("{:?}", outcome.tier),
            "fine": outcome.fine.map(|f| [f.min, f.max]),
            "explanation": outcome.explanation,
        })
        .to_string();
        self.record_penalty_choice(id, &outcome, fine, reason)?;
        self.edit_case(
            id,
            &[
                CaseEdit::SetSuggestion(snapshot),
                CaseEdit::ChoosePenalty {
                    fine,
                    reason: reason.map(str::to_owned),
                },
            ],
        )
    }

    /// A procedure step, checked against the law; refused steps change nothing.
    pub fn step_case(&self, id: &str, step: &Step, by: &str) -> Result<CaseFile, Error> {
        let case = self.case(id)?;
        let outcome = self.case_outcome(&case)?;
        let days = self.registry.working_days()?;
        let context = StepContext {
            today: self.today(),
            days: &days,
            outcome: outcome.as_ref(),
            by,
            now: self.stamp(),
        };
        let edits = procedure::plan(&case, step, &context).map_err(CaseError::Refused)?;
        self.edit_case(id, &edits)
    }

    /// The deadlines the case must keep, by the holiday calendar.
    pub fn case_deadlines(&self, id: &str) -> Result<Vec<Deadline>, Error> {
        let case = self.case(id)?;
        Ok(procedure::deadlines(
            &case,
            &self.registry.working_days()?,
            self.today(),
        ))
    }

    /// Stores a photo or file as evidence of the case, with signed capture metadata.
    pub fn add_case_evidence(
        &self,
        id: &str,
        content: &[u8],
        kind: &str,
        description: &str,
        gps: Option<GpsFix>,
    ) -> Result<CaseFile, Error> {
        let item = evidence::capture(
            self.store.blobs(),
            self.keystore.as_ref(),
            self.now(),
            content,
            kind,
            description,
            gps,
        )?;
        self.store
            .write(|tx| crate::sync::replica::queue_blob(tx, &item.hash))?;
        self.edit_case(id, &[CaseEdit::AddEvidence(item)])
    }

    /// A legal document for the case, as HTML, in the name of the first officer's agency.
    pub fn render_case_document(
        &self,
        id: &str,
        kind: crate::documents::DocumentKind,
    ) -> Result<String, Error> {
        let case = self.case(id)?;
        let engine = self.discretion()?;
        let violation = engine.violation(&case.violation).ok_or_else(|| {
            crate::discretion::DiscretionError::UnknownViolation(case.violation.clone())
        })?;
        let agency = match case.officers.first() {
            Some(officer) => self
                .registry
                .officer(&officer.credential_no)?
                .and_then(|o| self.registry.body(&o.body_id).ok().flatten())
                .map(|b| b.name),
            None => None,
        };
        let context = crate::documents::DocumentContext {
            agency_name: agency.as_deref().unwrap_or("（执法机关）"),
            violation,
            today: self.today(),
        };
        Ok(crate::documents::render(kind, &case, &context)?)
    }

    /// Blocks of case numbers the server reserved for this device.
    pub fn add_case_number_block(&self, block: &CaseNumberBlock) -> Result<(), Error> {
        Ok(self.store.write(|tx| numbers::add_block(tx, block))?)
    }

    /// Numbers left in this device's blocks for `prefix` this year: ask the server for a new
    /// block before it runs out.
    pub fn case_numbers_left(&self, prefix: &str) -> Result<u32, Error> {
        let year = self.today().year();
        Ok(self.store.read(|c| numbers::remaining(c, prefix, year))?)
    }

    /// Gives the case its number (案号) from this device's reserved blocks, offline.
    pub fn assign_case_number(&self, id: &str, prefix: &str) -> Result<CaseFile, Error> {
        let year = self.today().year();
        let now = self.stamp();
        self.store
            .write(|tx| {
                let mut doc = repository::load(tx, id)?;
                if let Some(existing) = doc.read()?.number {
                    return Err(Error::from(CaseError::Refused(crate::cases::Refusal {
                        kind: crate::cases::RefusalKind::WrongStatus,
                        article: String::new(),
                        missing: vec![existing],
                    })));
                }
                let number = numbers::take(tx, prefix, year)?;
                doc.apply(&[CaseEdit::SetNumber(number)])?;
                let case = doc.read()?;
                repository::save(tx, &mut doc, &case, &now)?;
                Ok(case)
            })
            .inspect(|_| {
                self.open_cases
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .take(id);
            })
    }
}
