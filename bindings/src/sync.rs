//! Sync for the shells: enrol once with the administrator's code, then `sync_now` from any
//! scheduler (WorkManager, BGTaskScheduler); progress goes to an optional observer.

use std::sync::Arc;

use zhifa_core::device::Device;
use zhifa_core::sync::http::HttpTransport;
use zhifa_core::sync::protocol::DocRefusal;
use zhifa_core::sync::{Enrolment, SyncOptions, SyncProgress, SyncReport};

use crate::error::{lift, ZhifaError};

/// Told of progress while a sync runs (documents done of total, bytes each way).
#[uniffi::export(with_foreign)]
pub trait SyncObserver: Send + Sync {
    fn on_progress(&self, progress: SyncProgress);
}

pub(crate) fn transport(server_url: &str) -> Result<HttpTransport, ZhifaError> {
    HttpTransport::new(server_url).map_err(|_| ZhifaError::Validation {
        user_message: zhifa_core::texts::sync::BAD_SERVER_URL.into(),
    })
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
}

impl SyncService {
    pub(crate) fn new(device: Arc<Device>) -> Self {
        SyncService { device }
    }
}

#[uniffi::export]
impl SyncService {
    /// Registers this device with the server using a one-time enrolment code.
    pub fn enrol(
        &self,
        server_url: String,
        code: String,
        label: String,
    ) -> Result<Enrolment, ZhifaError> {
        self.device
            .sync()
            .enrol(&transport(&server_url)?, &code, &label)
            .map_err(lift)
    }

    /// The enrolment this device holds, if any.
    pub fn enrolment(&self) -> Result<Option<Enrolment>, ZhifaError> {
        self.device.sync().enrolment().map_err(lift)
    }

    /// One sync session: evidence, documents, events, case numbers, catalogue, credential.
    /// Resumable and safe to call at any time; nothing on the device is deleted before the
    /// server confirmed it.
    pub fn sync_now(
        &self,
        server_url: String,
        options: SyncOptions,
        observer: Option<std::sync::Arc<dyn SyncObserver>>,
    ) -> Result<SyncReport, ZhifaError> {
        let transport = transport(&server_url)?;
        self.device
            .sync()
            .run(&transport, &options, &|progress| {
                if let Some(observer) = &observer {
                    observer.on_progress(progress);
                }
            })
            .map_err(lift)
    }

    /// Documents the server refused, kept on the device until they change again.
    pub fn refused_documents(&self) -> Result<Vec<RefusedDocument>, ZhifaError> {
        Ok(self
            .device
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
    }

    /// Signed events (visits, verifications, penalty choices) waiting for the next sync.
    pub fn pending_event_count(&self) -> Result<u64, ZhifaError> {
        Ok(self.device.sync().pending_events(u32::MAX)?.len() as u64)
    }
}
