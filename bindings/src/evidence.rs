//! Evidence for the shells: a photo or file captured for a case (hashed, with signed capture
//! metadata, queued for upload), and a teammate's file fetched from the server.

use std::sync::Arc;

use zhifa_core::cases::CaseFile;
use zhifa_core::codes::GpsFix;
use zhifa_core::device::Device;

use crate::error::{lift, ZhifaError};
use crate::network::Network;
use crate::runtime::{off_thread, Cancel};

#[derive(uniffi::Object)]
pub struct EvidenceService {
    device: Arc<Device>,
    network: Arc<Network>,
}

impl EvidenceService {
    pub(crate) fn new(device: Arc<Device>, network: Arc<Network>) -> Self {
        EvidenceService { device, network }
    }
}

#[uniffi::export]
impl EvidenceService {
    pub async fn add_to_case(
        &self,
        case_id: String,
        content: Vec<u8>,
        kind: String,
        description: String,
        gps: Option<GpsFix>,
    ) -> Result<CaseFile, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || {
            Ok(device
                .evidence()
                .add_to_case(&case_id, &content, &kind, &description, gps)?)
        })
        .await
    }

    /// Downloads an evidence file another device of the team captured.
    pub async fn fetch(&self, server_url: String, hash: String) -> Result<(), ZhifaError> {
        let cancel = Cancel::default();
        let _cancel_on_drop = cancel.on_drop();
        let transport = self.network.transport(&server_url, cancel)?;
        let device = self.device.clone();
        off_thread(move || {
            device
                .evidence()
                .fetch(transport.as_ref(), &hash)
                .map_err(lift)
        })
        .await
    }
}
