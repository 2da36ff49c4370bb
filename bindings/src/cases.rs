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
use crate::runtime::{off_thread, TaskHandle};

/// Told of every case a sync or a merge changed on this device, after it is stored: the
/// screen showing it reloads it.
#[uniffi::export(with_foreign)]
pub trait CaseChangeListener: Send + Sync {
    fn on_case_changed(&self, case_id: String);
}

#[derive(uniffi::Object)]
pub struct CaseService {
    device: Arc<Device>,
}

impl CaseService {
    pub(crate) fn new(device: Arc<Device>) -> Self {
        CaseService { device }
    }

    pub(crate) fn device(&self) -> &Arc<Device> {
        &self.device
    }
}

#[uniffi::export]
impl CaseService {
    /// Calls `listener` with each case a sync or a merge changes on this device until the
    /// handle is cancelled or dropped (the Kotlin layer's `caseChanges()` Flow).
    pub fn subscribe_changes(&self, listener: Arc<dyn CaseChangeListener>) -> Arc<TaskHandle> {
        let watch = self
            .device
            .cases()
            .watch(move |id| listener.on_case_changed(id.to_owned()));
        TaskHandle::new(move || drop(watch))
    }

    pub async fn create(
        &self,
        kind: CaseKind,
        violation: String,
        place_division: String,
        act_date: chrono::NaiveDate,
        discovered_on: chrono::NaiveDate,
    ) -> Result<CaseFile, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || {
            Ok(device
                .cases()
                .create(kind, &violation, &place_division, act_date, discovered_on)?)
        })
        .await
    }

    pub async fn get(&self, id: String) -> Result<CaseFile, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || Ok(device.cases().get(&id)?)).await
    }

    /// Applies the edits together, as one change.
    pub async fn edit(&self, id: String, edits: Vec<CaseEdit>) -> Result<CaseFile, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || Ok(device.cases().edit(&id, &edits)?)).await
    }

    /// The lawful outcome for the case's facts now, or the questions still to ask.
    pub async fn suggest(&self, id: String) -> Result<PenaltySuggestion, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || Ok(device.cases().suggest(&id)?.into())).await
    }

    /// The officer's penalty for the case as a whole (kinds, amounts, education, flexible
    /// measures): refused outside the statute, a reason outside the band.
    pub async fn choose(&self, id: String, chosen: ChosenPenalty) -> Result<CaseFile, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || Ok(device.cases().choose(&id, &chosen)?)).await
    }

    /// The suggested kinds with this fine; outside the band it needs a reason.
    pub async fn choose_penalty(
        &self,
        id: String,
        fine: Option<i64>,
        reason: Option<String>,
    ) -> Result<CaseFile, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || {
            Ok(device
                .cases()
                .choose_penalty(&id, fine, reason.as_deref())?)
        })
        .await
    }

    /// A procedure step by the device's credentialed officer; refused by the law with the
    /// rule and what is missing.
    pub async fn step(&self, id: String, step: Step) -> Result<CaseFile, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || Ok(device.cases().step(&id, &step)?)).await
    }

    /// Who changed which field of the case when (settled conflicts included), oldest first.
    pub async fn history(&self, id: String) -> Result<Vec<AuditEntry>, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || Ok(device.cases().history(&id)?)).await
    }

    /// The audit history as CSV with zh-CN headers, times in Beijing time.
    pub async fn history_csv(&self, id: String) -> Result<String, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || Ok(device.cases().history_csv(&id)?)).await
    }

    pub async fn deadlines(&self, id: String) -> Result<Vec<Deadline>, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || Ok(device.cases().deadlines(&id)?)).await
    }

    pub async fn add_number_block(&self, block: CaseNumberBlock) -> Result<(), ZhifaError> {
        let device = self.device.clone();
        off_thread(move || Ok(device.cases().add_number_block(&block)?)).await
    }

    /// Case numbers left in this device's reserved blocks for `prefix` this year.
    pub async fn numbers_left(&self, prefix: String) -> Result<i32, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || Ok(device.cases().numbers_left(&prefix)? as i32)).await
    }

    pub async fn assign_number(&self, id: String, prefix: String) -> Result<CaseFile, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || Ok(device.cases().assign_number(&id, &prefix)?)).await
    }

    /// The case's document bytes, to hand to another phone (or the server).
    pub async fn snapshot(&self, id: String) -> Result<Vec<u8>, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || Ok(device.cases().snapshot(&id)?)).await
    }

    /// Merges another phone's copy of a case; conflicts on legal fields are reported.
    pub async fn merge(&self, snapshot: Vec<u8>) -> Result<CaseFile, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || Ok(device.cases().merge(&snapshot)?)).await
    }

    pub async fn list(&self, query: CaseQuery) -> Result<Vec<CaseSummary>, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || Ok(device.cases().list(&query)?)).await
    }

    /// A legal document for the case, as HTML.
    pub async fn render_document(
        &self,
        id: String,
        kind: DocumentKind,
    ) -> Result<String, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || Ok(device.cases().render_document(&id, kind)?)).await
    }
}
