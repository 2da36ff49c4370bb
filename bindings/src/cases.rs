//! Case files for the shells: open, edit through typed edits, step through the procedure,
//! attach evidence, number, merge another phone's copy, list, and render documents.

use std::sync::Arc;

use zhifa_core::cases::numbers::CaseNumberBlock;
use zhifa_core::cases::repository::{CaseQuery, CaseSummary};
use zhifa_core::cases::{AuditEntry, CaseEdit, CaseFile, CaseKind, Deadline, Step};
use zhifa_core::device::Device;
use zhifa_core::discretion::ChosenPenalty;
use zhifa_core::documents::DocumentKind;

use crate::discretion::PenaltySuggestion;
use crate::error::ZhifaError;

#[derive(uniffi::Object)]
pub struct CaseService {
    device: Arc<Device>,
}

impl CaseService {
    pub(crate) fn new(device: Arc<Device>) -> Self {
        CaseService { device }
    }

    pub(crate) fn device(&self) -> &Device {
        &self.device
    }
}

#[uniffi::export]
impl CaseService {
    pub fn create(
        &self,
        kind: CaseKind,
        violation: String,
        place_division: String,
        act_date: chrono::NaiveDate,
        discovered_on: chrono::NaiveDate,
    ) -> Result<CaseFile, ZhifaError> {
        Ok(self.device.cases().create(
            kind,
            &violation,
            &place_division,
            act_date,
            discovered_on,
        )?)
    }

    pub fn get(&self, id: String) -> Result<CaseFile, ZhifaError> {
        Ok(self.device.cases().get(&id)?)
    }

    /// Applies the edits together, as one change.
    pub fn edit(&self, id: String, edits: Vec<CaseEdit>) -> Result<CaseFile, ZhifaError> {
        Ok(self.device.cases().edit(&id, &edits)?)
    }

    /// The lawful outcome for the case's facts now, or the questions still to ask.
    pub fn suggest(&self, id: String) -> Result<PenaltySuggestion, ZhifaError> {
        Ok(self.device.cases().suggest(&id)?.into())
    }

    /// The officer's penalty for the case as a whole (kinds, amounts, education, flexible
    /// measures): refused outside the statute, a reason outside the band.
    pub fn choose(&self, id: String, chosen: ChosenPenalty) -> Result<CaseFile, ZhifaError> {
        Ok(self.device.cases().choose(&id, &chosen)?)
    }

    /// The suggested kinds with this fine; outside the band it needs a reason.
    pub fn choose_penalty(
        &self,
        id: String,
        fine: Option<i64>,
        reason: Option<String>,
    ) -> Result<CaseFile, ZhifaError> {
        Ok(self
            .device
            .cases()
            .choose_penalty(&id, fine, reason.as_deref())?)
    }

    /// A procedure step by the device's credentialed officer; refused by the law with the
    /// rule and what is missing.
    pub fn step(&self, id: String, step: Step) -> Result<CaseFile, ZhifaError> {
        Ok(self.device.cases().step(&id, &step)?)
    }

    /// Who changed which field of the case when (settled conflicts included), oldest first.
    pub fn history(&self, id: String) -> Result<Vec<AuditEntry>, ZhifaError> {
        Ok(self.device.cases().history(&id)?)
    }

    /// The audit history as CSV with zh-CN headers, times in Beijing time.
    pub fn history_csv(&self, id: String) -> Result<String, ZhifaError> {
        Ok(self.device.cases().history_csv(&id)?)
    }

    pub fn deadlines(&self, id: String) -> Result<Vec<Deadline>, ZhifaError> {
        Ok(self.device.cases().deadlines(&id)?)
    }

    pub fn add_number_block(&self, block: CaseNumberBlock) -> Result<(), ZhifaError> {
        Ok(self.device.cases().add_number_block(&block)?)
    }

    /// Case numbers left in this device's reserved blocks for `prefix` this year.
    pub fn numbers_left(&self, prefix: String) -> Result<u32, ZhifaError> {
        Ok(self.device.cases().numbers_left(&prefix)?)
    }

    pub fn assign_number(&self, id: String, prefix: String) -> Result<CaseFile, ZhifaError> {
        Ok(self.device.cases().assign_number(&id, &prefix)?)
    }

    /// The case's document bytes, to hand to another phone (or the server).
    pub fn snapshot(&self, id: String) -> Result<Vec<u8>, ZhifaError> {
        Ok(self.device.cases().snapshot(&id)?)
    }

    /// Merges another phone's copy of a case; conflicts on legal fields are reported.
    pub fn merge(&self, snapshot: Vec<u8>) -> Result<CaseFile, ZhifaError> {
        Ok(self.device.cases().merge(&snapshot)?)
    }

    pub fn list(&self, query: CaseQuery) -> Result<Vec<CaseSummary>, ZhifaError> {
        Ok(self.device.cases().list(&query)?)
    }

    /// A legal document for the case, as HTML.
    pub fn render_document(&self, id: String, kind: DocumentKind) -> Result<String, ZhifaError> {
        Ok(self.device.cases().render_document(&id, kind)?)
    }
}
