//! A case opened at the door: the visit the officer opened by scanning the enterprise code
//! carries the party, the officers present and the place into the case, and a summary case
//! is then decided in one call with its facts and penalty (Arts. 51–52). From the scanned code
//! to the printed decision: `open_visit`, `open_from_visit`, `decide_on_spot`,
//! `render_document` (and any number of `preview`s in between).

use super::cases::CaseService;
use crate::cases::{CaseEdit, CaseError, CaseFile, CaseKind, CaseOfficer, Party, PartyKind, Step};
use crate::codes::visit::kept::{self, KeptVisit};
use crate::discretion::{Fact, Suggestion};
use crate::Error;

/// The officer's choice for a summary decision.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct OnTheSpot {
    /// What the officers found, in their words: the decision states the act (Art. 52).
    pub findings: String,
    /// The facts that decide the penalty (party type, circumstances).
    pub facts: Vec<Fact>,
    /// The fine chosen; `None` for a warning.
    pub fine: Option<i64>,
    /// Why the fine departs from the baseline band, when it does.
    pub reason: Option<String>,
    /// The prefix of the pre-printed numbered forms to number the decision from (Art. 52);
    /// `None` leaves the number to be given later.
    pub number_prefix: Option<String>,
}

impl<'d> CaseService<'d> {
    /// Opens a case from a visit this device opened: the enterprise as party (with its address
    /// and legal representative from the catalogue), the officer holding the device and the
    /// officers present, the premises' division as the place, the visit's day as the day the
    /// act was found. The visit remembers the case.
    pub fn open_from_visit(
        &self,
        visit_id: &str,
        kind: CaseKind,
        violation: &str,
    ) -> Result<CaseFile, Error> {
        let context = self.context();
        let visit = context
            .store
            .read(|c| kept::load(c, visit_id))?
            .ok_or(CaseError::NoSuchVisit)?;
        let day = crate::calendar::beijing_date(visit.record.opened_at);
        let case = self.create(kind, violation, &visit.division, day, day)?;
        let edits = self.visit_edits(&visit)?;
        let case = self.edit(&case.id, &edits)?;
        context
            .store
            .write(|tx| kept::add_case(tx, visit_id, &case.id))?;
        Ok(case)
    }

    fn visit_edits(&self, visit: &KeptVisit) -> Result<Vec<CaseEdit>, Error> {
        let registry = &self.context().registry;
        let record = &visit.record;
        let enterprise = registry.enterprise(&record.credit_code)?;
        let mut edits = vec![CaseEdit::AddParty(Party {
            kind: PartyKind::Organisation,
            name: enterprise
                .as_ref()
                .map_or(visit.enterprise_name.clone(), |e| e.name.clone()),
            credit_code: Some(record.credit_code.clone()),
            id_number: None,
            address: enterprise
                .as_ref()
                .map(|e| e.address.clone())
                .unwrap_or_default(),
            representative: enterprise.and_then(|e| e.legal_representative),
        })];
        let mut present = vec![record.officer.clone()];
        for other in &record.officers_present {
            if !present.contains(other) {
                present.push(other.clone());
            }
        }
        for credential_no in present {
            let known = registry.officer(&credential_no)?;
            edits.push(CaseEdit::AddOfficer(CaseOfficer {
                name: known.as_ref().map_or(String::new(), |o| o.name.clone()),
                verified: known.is_some(),
                withdrawn: false,
                credential_no,
            }));
        }
        Ok(edits)
    }

    /// The outcome the case would have with `facts` added, stored nowhere: what the officer
    /// sees while filling in the facts, before deciding.
    pub fn preview(&self, id: &str, facts: &[Fact]) -> Result<Suggestion, Error> {
        let mut case = self.get(id)?;
        for fact in facts.iter().cloned() {
            let (name, value) = fact.into();
            case.facts.set(&name, value);
        }
        self.suggest_for(&case)
    }

    /// Decides a summary case on the spot: records the findings and facts, checks the chosen penalty
    /// against the engine's outcome, numbers the decision from the pre-printed forms and
    /// decides. Each part is kept as it succeeds, so a refusal (say, a fine over the Art. 51
    /// limit) loses nothing the officer typed.
    pub fn decide_on_spot(&self, id: &str, choice: &OnTheSpot) -> Result<CaseFile, Error> {
        let mut edits: Vec<CaseEdit> = choice
            .facts
            .iter()
            .cloned()
            .map(CaseEdit::SetFact)
            .collect();
        if !choice.findings.trim().is_empty() {
            edits.push(CaseEdit::AppendFindings(choice.findings.clone()));
        }
        if !edits.is_empty() {
            self.edit(id, &edits)?;
        }
        self.choose_penalty(id, choice.fine, choice.reason.as_deref())?;
        if let Some(prefix) = &choice.number_prefix {
            if self.get(id)?.number.is_none() {
                self.assign_number(id, prefix)?;
            }
        }
        self.step(id, &Step::DecideOnSpot)
    }
}
