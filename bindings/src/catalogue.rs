//! The reference catalogue for the shells: signed bundles applied after verification, lookups
//! by code, and Chinese full-text search, all offline.

use std::sync::Arc;

use zhifa_core::device::Device;
use zhifa_core::registry::{
    BundleReport, CatalogueCounts, EnforcementBody, EnforcementItem, Enterprise, Officer, SearchHit,
};

use crate::error::{lift, ZhifaError};

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
    pub fn version(&self) -> Result<u64, ZhifaError> {
        self.device.catalogue().version().map_err(lift)
    }

    /// Verifies and applies a signed catalogue bundle; a refused one changes nothing.
    pub fn apply_bundle(&self, bundle: Vec<u8>) -> Result<BundleReport, ZhifaError> {
        self.device.catalogue().apply_bundle(&bundle).map_err(lift)
    }

    /// Ranked Chinese full-text search over items, regulations and articles.
    pub fn search(&self, query: String, limit: u32) -> Result<Vec<SearchHit>, ZhifaError> {
        self.device.catalogue().search(&query, limit).map_err(lift)
    }

    pub fn counts(&self) -> Result<CatalogueCounts, ZhifaError> {
        self.device.catalogue().counts().map_err(lift)
    }

    pub fn enforcement_item(&self, code: String) -> Result<Option<EnforcementItem>, ZhifaError> {
        self.device.catalogue().item(&code).map_err(lift)
    }

    pub fn enforcement_body(&self, id: String) -> Result<Option<EnforcementBody>, ZhifaError> {
        self.device.catalogue().body(&id).map_err(lift)
    }

    pub fn officer(&self, credential_no: String) -> Result<Option<Officer>, ZhifaError> {
        self.device
            .catalogue()
            .officer(&credential_no)
            .map_err(lift)
    }

    pub fn enterprise(&self, credit_code: String) -> Result<Option<Enterprise>, ZhifaError> {
        self.device
            .catalogue()
            .enterprise(&credit_code)
            .map_err(lift)
    }
}
