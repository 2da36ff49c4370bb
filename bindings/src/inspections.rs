//! Inspections for the shells: tasks received from a plan, the combined checklist, and a case
//! opened from a finding.

use std::sync::Arc;

use zhifa_core::cases::CaseFile;
use zhifa_core::device::Device;
use zhifa_core::inspections::{Inspection, InspectionEdit, Task};

use crate::error::ZhifaError;
use crate::runtime::off_thread;

#[derive(uniffi::Object)]
pub struct InspectionService {
    device: Arc<Device>,
}

impl InspectionService {
    pub(crate) fn new(device: Arc<Device>) -> Self {
        InspectionService { device }
    }
}

#[uniffi::export]
impl InspectionService {
    pub async fn receive_task(&self, task: Task) -> Result<Inspection, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || Ok(device.inspections().receive_task(&task)?)).await
    }

    pub async fn get(&self, id: String) -> Result<Inspection, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || Ok(device.inspections().get(&id)?)).await
    }

    pub async fn edit(
        &self,
        id: String,
        edits: Vec<InspectionEdit>,
    ) -> Result<Inspection, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || Ok(device.inspections().edit(&id, &edits)?)).await
    }

    pub async fn snapshot(&self, id: String) -> Result<Vec<u8>, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || Ok(device.inspections().snapshot(&id)?)).await
    }

    pub async fn merge(&self, snapshot: Vec<u8>) -> Result<Inspection, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || Ok(device.inspections().merge(&snapshot)?)).await
    }

    /// Opens a case from a non-compliant result, carrying the enterprise, officers and note.
    pub async fn open_case(
        &self,
        inspection_id: String,
        item: String,
    ) -> Result<CaseFile, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || Ok(device.inspections().open_case(&inspection_id, &item)?)).await
    }
}
