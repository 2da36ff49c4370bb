//! The reference catalogue for the shells: signed bundles applied after verification, lookups
//! by code, and Chinese full-text search, all offline.

use std::sync::Arc;

use zhifa_core::device::Device;
use zhifa_core::registry::{
    BundleReport, CatalogueCounts, EnforcementBody, EnforcementItem, Enterprise, Officer, SearchHit,
};

use crate::error::{lift, ZhifaError};
use crate::runtime::off_thread;

#[derive(uniffi::Object)]
pub struct CatalogueService {
    device: Arc<Device>,
}

impl CatalogueService {
    pub(crate) fn new(device: Arc<Device>) -> Self {
        CatalogueService { device }
    }
}

#[uniffi::export]
impl CatalogueService {
    /// The catalogue version held (0 before the first bundle).
    pub async fn version(&self) -> Result<i64, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || Ok(device.catalogue().version().map_err(lift)? as i64)).await
    }

    /// Verifies and applies a signed catalogue bundle; a refused one changes nothing.
    pub async fn apply_bundle(&self, bundle: Vec<u8>) -> Result<BundleReport, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || device.catalogue().apply_bundle(&bundle).map_err(lift)).await
    }

    /// Ranked Chinese full-text search over items, regulations and articles.
    pub async fn search(&self, query: String, limit: i32) -> Result<Vec<SearchHit>, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || {
            device
                .catalogue()
                .search(&query, limit.max(0) as u32)
                .map_err(lift)
        })
        .await
    }

    pub async fn counts(&self) -> Result<CatalogueCounts, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || device.catalogue().counts().map_err(lift)).await
    }

    pub async fn enforcement_item(
        &self,
        code: String,
    ) -> Result<Option<EnforcementItem>, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || device.catalogue().item(&code).map_err(lift)).await
    }

    pub async fn enforcement_body(
        &self,
        id: String,
    ) -> Result<Option<EnforcementBody>, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || device.catalogue().body(&id).map_err(lift)).await
    }

    pub async fn officer(&self, credential_no: String) -> Result<Option<Officer>, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || device.catalogue().officer(&credential_no).map_err(lift)).await
    }

    pub async fn enterprise(&self, credit_code: String) -> Result<Option<Enterprise>, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || device.catalogue().enterprise(&credit_code).map_err(lift)).await
    }
}
