//! Inspections for the shells: tasks received from a plan, the combined checklist, and a case
//! opened from a finding.

use zhifa_core::inspections::{CheckResult, Inspection, InspectionEdit, Task};

use crate::cases::CaseView;
use crate::error::ZhifaError;
use crate::store::ZhifaStore;

#[derive(Debug, Clone, uniffi::Enum)]
pub enum InspectionEditInput {
    Record {
        item: String,
        result: CheckResult,
        note: String,
    },
    AddEvidence {
        item: String,
        hash: String,
    },
    AttachVisit {
        visit_id: String,
    },
}

impl From<InspectionEditInput> for InspectionEdit {
    fn from(edit: InspectionEditInput) -> Self {
        match edit {
            InspectionEditInput::Record { item, result, note } => {
                InspectionEdit::Record { item, result, note }
            }
            InspectionEditInput::AddEvidence { item, hash } => {
                InspectionEdit::AddEvidence { item, hash }
            }
            InspectionEditInput::AttachVisit { visit_id } => {
                InspectionEdit::AttachVisit { visit_id }
            }
        }
    }
}

#[uniffi::export]
impl ZhifaStore {
    pub fn receive_task(&self, task: Task) -> Result<Inspection, ZhifaError> {
        Ok(self.device.receive_task(&task)?)
    }

    pub fn inspection(&self, id: String) -> Result<Inspection, ZhifaError> {
        Ok(self.device.inspection(&id)?)
    }

    pub fn edit_inspection(
        &self,
        id: String,
        edits: Vec<InspectionEditInput>,
    ) -> Result<Inspection, ZhifaError> {
        let edits: Vec<InspectionEdit> = edits.into_iter().map(InspectionEdit::from).collect();
        Ok(self.device.edit_inspection(&id, &edits)?)
    }

    pub fn inspection_snapshot(&self, id: String) -> Result<Vec<u8>, ZhifaError> {
        Ok(self.device.inspection_snapshot(&id)?)
    }

    pub fn merge_inspection(&self, snapshot: Vec<u8>) -> Result<Inspection, ZhifaError> {
        Ok(self.device.merge_inspection(&snapshot)?)
    }

    /// Opens a case from a non-compliant result, carrying the enterprise, officers and note.
    pub fn open_case_from_check(
        &self,
        inspection_id: String,
        item: String,
    ) -> Result<CaseView, ZhifaError> {
        Ok(self
            .device
            .open_case_from_check(&inspection_id, &item)?
            .into())
    }
}
