//! Evidence for the shells: a photo or file captured for a case (hashed, with signed capture
//! metadata, queued for upload), and a teammate's file fetched from the server.

use std::sync::Arc;

use zhifa_core::cases::CaseFile;
use zhifa_core::codes::GpsFix;
use zhifa_core::device::Device;

use crate::error::{lift, ZhifaError};
use crate::sync::transport;

#[derive(uniffi::Object)]
pub struct EvidenceService {
    device: Arc<Device>,
}

impl EvidenceService {
    pub(crate) fn new(device: Arc<Device>) -> Self {
        EvidenceService { device }
    }
}

#[uniffi::export]
impl EvidenceService {
    pub fn add_to_case(
        &self,
        case_id: String,
        content: Vec<u8>,
        kind: String,
        description: String,
        gps: Option<GpsFix>,
    ) -> Result<CaseFile, ZhifaError> {
        Ok(self
            .device
            .evidence()
            .add_to_case(&case_id, &content, &kind, &description, gps)?)
    }

    /// Downloads an evidence file another device of the team captured.
    pub fn fetch(&self, server_url: String, hash: String) -> Result<(), ZhifaError> {
        self.device
            .evidence()
            .fetch(&transport(&server_url)?, &hash)
            .map_err(lift)
    }
}
