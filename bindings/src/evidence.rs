//! Evidence for the shells: a photo or file captured for a case (hashed, with signed capture
//! metadata, queued for upload), and a teammate's file fetched from the server.

use std::path::Path;
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

    /// `add_to_case` for a file the camera wrote at `path`: streamed into the store, so its
    /// bytes never cross the FFI; refused in words when empty, over the limit, a directory or
    /// unreadable.
    pub async fn add_file_to_case(
        &self,
        case_id: String,
        path: String,
        kind: String,
        description: String,
        gps: Option<GpsFix>,
    ) -> Result<CaseFile, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || {
            Ok(device.evidence().add_file_to_case(
                &case_id,
                Path::new(&path),
                &kind,
                &description,
                gps,
            )?)
        })
        .await
    }

    /// Writes the decrypted evidence file `hash` to `path` (in the app's cache, for a viewer
    /// or a share sheet), owner-only; returns its length in bytes.
    pub async fn export_to_file(&self, hash: String, path: String) -> Result<i64, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || {
            let length = device.evidence().export_to_file(&hash, Path::new(&path))?;
            Ok(zhifa_core::signed::to_i64(length))
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
