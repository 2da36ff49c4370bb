//! The device store and its catalogue, as one object for the shells.

use std::sync::Arc;

use zhifa_core::crypto::PublicKey;
use zhifa_core::registry::{
    BundleReport, CatalogueCounts, EnforcementBody, EnforcementItem, Enterprise, Officer, Registry,
    SearchHit,
};
use zhifa_core::store::Store;

use crate::error::{lift, ZhifaError};

/// How the app opens its store: where, for which jurisdiction, trusting which authorities.
#[derive(Debug, Clone, uniffi::Record)]
pub struct StoreConfig {
    /// A directory private to the app; created if missing.
    pub directory: String,
    /// GB/T 2260 division codes of the officer's jurisdiction, e.g. ["500103"].
    pub jurisdiction: Vec<String>,
    /// The catalogue authority public keys pinned in the app (SubjectPublicKeyInfo DER).
    pub authority_keys: Vec<Vec<u8>>,
}

#[derive(uniffi::Object)]
pub struct ZhifaStore {
    store: Arc<Store>,
    registry: Registry,
}

#[uniffi::export]
impl ZhifaStore {
    /// Opens or creates the store, migrating it. A corrupt database is set aside (see
    /// `quarantined_database`), never deleted.
    #[uniffi::constructor]
    pub fn open(config: StoreConfig) -> Result<Arc<Self>, ZhifaError> {
        let authorities = config
            .authority_keys
            .iter()
            .map(|der| PublicKey::from_spki_der(der))
            .collect::<Result<Vec<_>, _>>()
            .map_err(lift)?;
        let store = Arc::new(Store::open(&config.directory).map_err(lift)?);
        let registry =
            Registry::new(store.clone(), config.jurisdiction, authorities).map_err(lift)?;
        Ok(Arc::new(ZhifaStore { store, registry }))
    }

    /// Where a corrupt database file was moved when the store was opened, to show the officer.
    pub fn quarantined_database(&self) -> Option<String> {
        self.store
            .quarantined()
            .map(|path| path.display().to_string())
    }

    /// The catalogue version held (0 before the first bundle).
    pub fn catalogue_version(&self) -> Result<u64, ZhifaError> {
        self.registry.version().map_err(lift)
    }

    /// Verifies and applies a signed catalogue bundle; a refused one changes nothing.
    pub fn apply_bundle(&self, bundle: Vec<u8>) -> Result<BundleReport, ZhifaError> {
        self.registry.apply_bundle(&bundle).map_err(lift)
    }

    /// Ranked Chinese full-text search over items, regulations and articles.
    pub fn search(&self, query: String, limit: u32) -> Result<Vec<SearchHit>, ZhifaError> {
        self.registry.search(&query, limit).map_err(lift)
    }

    pub fn catalogue_counts(&self) -> Result<CatalogueCounts, ZhifaError> {
        self.registry.counts().map_err(lift)
    }

    pub fn enforcement_item(&self, code: String) -> Result<Option<EnforcementItem>, ZhifaError> {
        self.registry.item(&code).map_err(lift)
    }

    pub fn enforcement_body(&self, id: String) -> Result<Option<EnforcementBody>, ZhifaError> {
        self.registry.body(&id).map_err(lift)
    }

    pub fn officer(&self, credential_no: String) -> Result<Option<Officer>, ZhifaError> {
        self.registry.officer(&credential_no).map_err(lift)
    }

    pub fn enterprise(&self, credit_code: String) -> Result<Option<Enterprise>, ZhifaError> {
        self.registry.enterprise(&credit_code).map_err(lift)
    }
}
