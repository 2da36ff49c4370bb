//! Inspections for the shells: tasks received from a plan, the combined checklist, and a case
//! opened from a finding.

use std::sync::Arc;

use zhifa_core::cases::CaseFile;
use zhifa_core::device::Device;
use zhifa_core::inspections::{Inspection, InspectionEdit, Task};

use crate::error::ZhifaError;

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
    pub fn receive_task(&self, task: Task) -> Result<Inspection, ZhifaError> {
        Ok(self.device.inspections().receive_task(&task)?)
    }

    pub fn get(&self, id: String) -> Result<Inspection, ZhifaError> {
        Ok(self.device.inspections().get(&id)?)
    }

    pub fn edit(&self, id: String, edits: Vec<InspectionEdit>) -> Result<Inspection, ZhifaError> {
        Ok(self.device.inspections().edit(&id, &edits)?)
    }

    pub fn snapshot(&self, id: String) -> Result<Vec<u8>, ZhifaError> {
        Ok(self.device.inspections().snapshot(&id)?)
    }

    pub fn merge(&self, snapshot: Vec<u8>) -> Result<Inspection, ZhifaError> {
        Ok(self.device.inspections().merge(&snapshot)?)
    }

    /// Opens a case from a non-compliant result, carrying the enterprise, officers and note.
    pub fn open_case(&self, inspection_id: String, item: String) -> Result<CaseFile, ZhifaError> {
        Ok(self.device.inspections().open_case(&inspection_id, &item)?)
    }
}
