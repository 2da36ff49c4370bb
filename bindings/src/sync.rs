//! Sync for the shells: enrol once with the administrator's code, then `sync_now` from any
//! scheduler (WorkManager, BGTaskScheduler). `sync_now` is async and cancellable: cancelling
//! the caller's coroutine or task stops the session at its next safe point, with everything
//! done so far kept; progress goes to an optional listener, which the Kotlin layer turns into
//! a Flow and the Swift layer into an AsyncStream.

use std::sync::Arc;

use zhifa_core::device::Device;
use zhifa_core::sync::protocol::DocRefusal;
use zhifa_core::sync::{Enrolment, SyncOptions, SyncProgress, SyncReport};

use crate::error::{lift, ZhifaError};
use crate::network::Network;
use crate::runtime::{off_thread, Cancel};

/// Told of progress while a sync runs (phase, documents done of total, bytes each way).
#[uniffi::export(with_foreign)]
pub trait SyncListener: Send + Sync {
    fn on_progress(&self, progress: SyncProgress);
}

/// A document the server refused; the device keeps it.
#[derive(Debug, Clone, uniffi::Record)]
pub struct RefusedDocument {
    pub id: String,
    pub reason: DocRefusal,
    /// zh-CN, for the officer.
    pub user_message: String,
}

/// The defaults: keep 20 case numbers in reserve (blocks of 100) when a prefix is given,
/// renew the duty credential two hours before it expires.
#[uniffi::export]
pub fn default_sync_options() -> SyncOptions {
    SyncOptions::default()
}

#[derive(uniffi::Object)]
pub struct SyncService {
    device: Arc<Device>,
    network: Arc<Network>,
}

impl SyncService {
    pub(crate) fn new(device: Arc<Device>, network: Arc<Network>) -> Self {
        SyncService { device, network }
    }
}

#[uniffi::export]
impl SyncService {
    /// Registers this device with the server using a one-time enrolment code.
    pub async fn enrol(
        &self,
        server_url: String,
        code: String,
        label: String,
    ) -> Result<Enrolment, ZhifaError> {
        let cancel = Cancel::default();
        let _cancel_on_drop = cancel.on_drop();
        let transport = self.network.transport(&server_url, cancel)?;
        let device = self.device.clone();
        off_thread(move || {
            device
                .sync()
                .enrol(transport.as_ref(), &code, &label)
                .map_err(lift)
        })
        .await
    }

    /// The enrolment this device holds, if any.
    pub async fn enrolment(&self) -> Result<Option<Enrolment>, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || device.sync().enrolment().map_err(lift)).await
    }

    /// One sync session: evidence, documents, events, case numbers, catalogue, credential.
    /// Resumable and safe to call at any time; nothing on the device is deleted before the
    /// server confirmed it. Cancelling the caller stops it before its next request or during
    /// a pause (a platform client's request in flight is abandoned too); a second call waits
    /// for the first to stop rather than failing.
    pub async fn sync_now(
        &self,
        server_url: String,
        options: SyncOptions,
        listener: Option<Arc<dyn SyncListener>>,
    ) -> Result<SyncReport, ZhifaError> {
        let cancel = Cancel::default();
        let _cancel_on_drop = cancel.on_drop();
        let transport = self.network.transport(&server_url, cancel.clone())?;
        // Held by the session's thread until it ends, even after this future is dropped.
        let turn = self.network.sync_turn.clone().lock_owned().await;
        let device = self.device.clone();
        off_thread(move || {
            let _turn = turn;
            let tell = |progress| {
                if let Some(listener) = &listener {
                    listener.on_progress(progress);
                }
            };
            device
                .sync()
                .run_until(transport.as_ref(), &options, &tell, &|| {
                    cancel.is_cancelled()
                })
                .map_err(lift)
        })
        .await
    }

    /// Documents the server refused, kept on the device until they change again.
    pub async fn refused_documents(&self) -> Result<Vec<RefusedDocument>, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || {
            Ok(device
                .sync()
                .refused_documents()
                .map_err(lift)?
                .into_iter()
                .map(|(id, reason)| RefusedDocument {
                    id,
                    user_message: reason.message_zh().to_owned(),
                    reason,
                })
                .collect())
        })
        .await
    }

    /// Signed events (visits, verifications, penalty choices) waiting for the next sync.
    pub async fn pending_event_count(&self) -> Result<i64, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || Ok(device.sync().pending_events(u32::MAX)?.len() as i64)).await
    }
}
