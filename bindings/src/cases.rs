//! Case files for the shells: open, edit through typed edits, step through the procedure,
//! attach evidence, number, merge another phone's copy, list, and render documents.

use zhifa_core::cases::numbers::CaseNumberBlock;
use zhifa_core::cases::repository::{CaseQuery, CaseSummary};
use zhifa_core::cases::{
    CaseEdit, CaseFile, CaseKind, CaseOfficer, CaseStatus, Conflict, Deadline, Decision,
    EvidenceItem, HistoryEntry, Inquiry, OnsiteRecord, Party, ProcedureDates, Step,
};
use zhifa_core::codes::GpsFix;
use zhifa_core::documents::DocumentKind;

use crate::discretion::{FactInput, PenaltySuggestion};
use crate::error::ZhifaError;
use crate::store::ZhifaStore;

/// A case file as the app shows it.
#[derive(Debug, Clone, uniffi::Record)]
pub struct CaseView {
    pub id: String,
    pub number: Option<String>,
    pub kind: CaseKind,
    pub status: CaseStatus,
    pub violation: String,
    pub place_division: String,
    pub act_date: chrono::NaiveDate,
    pub discovered_on: chrono::NaiveDate,
    pub parties: Vec<Party>,
    pub officers: Vec<CaseOfficer>,
    pub facts: Vec<FactInput>,
    pub onsite: OnsiteRecord,
    pub inquiries: Vec<Inquiry>,
    pub evidence: Vec<EvidenceItem>,
    pub chosen_fine: Option<i64>,
    pub override_reason: Option<String>,
    pub decision: Option<Decision>,
    pub procedure: ProcedureDates,
    pub history: Vec<HistoryEntry>,
    /// Fields two phones set differently: resolve before the next step.
    pub conflicts: Vec<Conflict>,
}

impl From<CaseFile> for CaseView {
    fn from(case: CaseFile) -> Self {
        let facts = case.facts.0.into_iter().map(FactInput::from).collect();
        CaseView {
            id: case.id,
            number: case.number,
            kind: case.kind,
            status: case.status,
            violation: case.violation,
            place_division: case.place_division,
            act_date: case.act_date,
            discovered_on: case.discovered_on,
            parties: case.parties,
            officers: case.officers,
            facts,
            onsite: case.onsite,
            inquiries: case.inquiries,
            evidence: case.evidence,
            chosen_fine: case.chosen_fine,
            override_reason: case.override_reason,
            decision: case.decision,
            procedure: case.procedure,
            history: case.history,
            conflicts: case.conflicts,
        }
    }
}

/// An edit the officer makes.
#[derive(Debug, Clone, uniffi::Enum)]
pub enum CaseEditInput {
    AddParty {
        party: Party,
    },
    SetParty {
        index: u32,
        party: Party,
    },
    AddOfficer {
        officer: CaseOfficer,
    },
    /// 回避 (Art. 43).
    WithdrawOfficer {
        credential_no: String,
    },
    SetFact {
        fact: FactInput,
    },
    SetOnsite {
        time: String,
        place: String,
        party_signed: bool,
    },
    AppendFindings {
        text: String,
    },
    AddInquiry {
        inquiry: Inquiry,
    },
    /// Settles a conflict with one of its values.
    Resolve {
        field: String,
        value: String,
    },
}

impl From<CaseEditInput> for CaseEdit {
    fn from(edit: CaseEditInput) -> Self {
        match edit {
            CaseEditInput::AddParty { party } => CaseEdit::AddParty(party),
            CaseEditInput::SetParty { index, party } => CaseEdit::SetParty {
                index: index as usize,
                party,
            },
            CaseEditInput::AddOfficer { officer } => CaseEdit::AddOfficer(officer),
            CaseEditInput::WithdrawOfficer { credential_no } => {
                CaseEdit::WithdrawOfficer { credential_no }
            }
            CaseEditInput::SetFact { fact } => {
                let (name, value) = fact.into();
                CaseEdit::SetFact { name, value }
            }
            CaseEditInput::SetOnsite {
                time,
                place,
                party_signed,
            } => CaseEdit::SetOnsite {
                time,
                place,
                party_signed,
            },
            CaseEditInput::AppendFindings { text } => CaseEdit::AppendFindings(text),
            CaseEditInput::AddInquiry { inquiry } => CaseEdit::AddInquiry(inquiry),
            CaseEditInput::Resolve { field, value } => CaseEdit::Resolve { field, value },
        }
    }
}

#[uniffi::export]
impl ZhifaStore {
    pub fn create_case(
        &self,
        kind: CaseKind,
        violation: String,
        place_division: String,
        act_date: chrono::NaiveDate,
        discovered_on: chrono::NaiveDate,
    ) -> Result<CaseView, ZhifaError> {
        Ok(self
            .device
            .create_case(kind, &violation, &place_division, act_date, discovered_on)?
            .into())
    }

    pub fn case(&self, id: String) -> Result<CaseView, ZhifaError> {
        Ok(self.device.case(&id)?.into())
    }

    /// Applies the edits together, as one change.
    pub fn edit_case(&self, id: String, edits: Vec<CaseEditInput>) -> Result<CaseView, ZhifaError> {
        let edits: Vec<CaseEdit> = edits.into_iter().map(CaseEdit::from).collect();
        Ok(self.device.edit_case(&id, &edits)?.into())
    }

    /// The lawful outcome for the case's facts now, or the questions still to ask.
    pub fn suggest_for_case(&self, id: String) -> Result<PenaltySuggestion, ZhifaError> {
        Ok(match self.device.suggest_for_case(&id)? {
            zhifa_core::discretion::Suggestion::NeedFacts(questions) => PenaltySuggestion {
                questions,
                outcome: None,
            },
            zhifa_core::discretion::Suggestion::Outcome(outcome) => PenaltySuggestion {
                questions: Vec::new(),
                outcome: Some(*outcome),
            },
        })
    }

    /// The officer's penalty for the case; outside the band it needs a reason.
    pub fn choose_case_penalty(
        &self,
        id: String,
        fine: Option<i64>,
        reason: Option<String>,
    ) -> Result<CaseView, ZhifaError> {
        Ok(self
            .device
            .choose_case_penalty(&id, fine, reason.as_deref())?
            .into())
    }

    /// A procedure step; refused by the law with the rule and what is missing.
    pub fn step_case(&self, id: String, step: Step, by: String) -> Result<CaseView, ZhifaError> {
        Ok(self.device.step_case(&id, &step, &by)?.into())
    }

    pub fn case_deadlines(&self, id: String) -> Result<Vec<Deadline>, ZhifaError> {
        Ok(self.device.case_deadlines(&id)?)
    }

    pub fn add_case_evidence(
        &self,
        id: String,
        content: Vec<u8>,
        kind: String,
        description: String,
        gps: Option<GpsFix>,
    ) -> Result<CaseView, ZhifaError> {
        Ok(self
            .device
            .add_case_evidence(&id, &content, &kind, &description, gps)?
            .into())
    }

    pub fn add_case_number_block(&self, block: CaseNumberBlock) -> Result<(), ZhifaError> {
        Ok(self.device.add_case_number_block(&block)?)
    }

    /// Case numbers left in this device's reserved blocks for `prefix` this year.
    pub fn case_numbers_left(&self, prefix: String) -> Result<u32, ZhifaError> {
        Ok(self.device.case_numbers_left(&prefix)?)
    }

    pub fn assign_case_number(&self, id: String, prefix: String) -> Result<CaseView, ZhifaError> {
        Ok(self.device.assign_case_number(&id, &prefix)?.into())
    }

    /// The case's document bytes, to hand to another phone (or the server).
    pub fn case_snapshot(&self, id: String) -> Result<Vec<u8>, ZhifaError> {
        Ok(self.device.case_snapshot(&id)?)
    }

    /// Merges another phone's copy of a case; conflicts on legal fields are reported.
    pub fn merge_case(&self, snapshot: Vec<u8>) -> Result<CaseView, ZhifaError> {
        Ok(self.device.merge_case(&snapshot)?.into())
    }

    pub fn list_cases(&self, query: CaseQuery) -> Result<Vec<CaseSummary>, ZhifaError> {
        Ok(self.device.list_cases(&query)?)
    }

    /// A legal document for the case, as HTML.
    pub fn render_case_document(
        &self,
        id: String,
        kind: DocumentKind,
    ) -> Result<String, ZhifaError> {
        Ok(self.device.render_case_document(&id, kind)?)
    }
}
