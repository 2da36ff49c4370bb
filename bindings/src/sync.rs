//! Sync for the shells: enrol once with the administrator's code, then `sync_now` from any
//! scheduler (WorkManager, BGTaskScheduler); progress goes to an optional observer.

use zhifa_core::sync::http::HttpTransport;
use zhifa_core::sync::{Enrolment, SyncOptions, SyncProgress, SyncReport};

use crate::error::{lift, ZhifaError};
use crate::store::ZhifaStore;

/// Told of progress while a sync runs (documents done of total, bytes each way).
#[uniffi::export(with_foreign)]
pub trait SyncObserver: Send + Sync {
    fn on_progress(&self, progress: SyncProgress);
}

fn transport(server_url: &str) -> Result<HttpTransport, ZhifaError> {
    HttpTransport::new(server_url).map_err(|_| ZhifaError::Validation {
        user_message: "服务器地址无效，请检查设置。".into(),
    })
}

/// A document the server refused; the device keeps it.
#[derive(Debug, Clone, uniffi::Record)]
pub struct RefusedDocument {
    pub id: String,
    /// `Forbidden`, `OutOfJurisdiction` or `Malformed`.
    pub reason: String,
    /// zh-CN, for the officer.
    pub user_message: String,
}

/// The defaults: keep 20 case numbers in reserve (blocks of 100) when a prefix is given,
/// renew the duty credential two hours before it expires.
#[uniffi::export]
pub fn default_sync_options() -> SyncOptions {
    SyncOptions::default()
}

#[uniffi::export]
impl ZhifaStore {
    /// Registers this device with the server using a one-time enrolment code.
    pub fn enrol(
        &self,
        server_url: String,
        code: String,
        label: String,
    ) -> Result<Enrolment, ZhifaError> {
        self.device
            .enrol(&transport(&server_url)?, &code, &label)
            .map_err(lift)
    }

    /// The enrolment this device holds, if any.
    pub fn enrolment(&self) -> Result<Option<Enrolment>, ZhifaError> {
        self.device.enrolment().map_err(lift)
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
            .sync_now(&transport, &options, &|progress| {
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
            .refused_documents()
            .map_err(lift)?
            .into_iter()
            .map(|(id, reason)| RefusedDocument {
                id,
                user_message: zhifa_core::texts::sync::document_refusal_message(&reason),
                reason,
            })
            .collect())
    }

    /// Downloads an evidence file another device of the team captured.
    pub fn fetch_evidence(&self, server_url: String, hash: String) -> Result<(), ZhifaError> {
        self.device
            .fetch_evidence(&transport(&server_url)?, &hash)
            .map_err(lift)
    }
}
