//! The device, as the shells open it: `ZhifaStore` holds the store, catalogue, device key and
//! clock, and hands out one object per capability (`cases()`, `inspections()`, `codes()`,
//! `discretion()`, `evidence()`, `sync()`, `catalogue()`), as matrix-rust-sdk's `Client`
//! hands out rooms and timelines.

use std::sync::Arc;

use zhifa_core::crypto::{KdfParams, PassphraseWrapper, PublicKey};
use zhifa_core::device::Device;
use zhifa_core::texts;

use crate::cases::CaseService;
use crate::catalogue::CatalogueService;
use crate::codes::CodeService;
use crate::discretion::DiscretionService;
use crate::error::{lift, ZhifaError};
use crate::evidence::EvidenceService;
use crate::inspections::InspectionService;
use crate::network::{HttpClient, Network};
use crate::platform::{
    Clock, Keystore, PlatformClock, PlatformKeyWrapper, PlatformKeystore, Wrapper,
};
use crate::runtime::off_thread;
use crate::sync::SyncService;

/// How the app opens its store: where, for which jurisdiction, trusting which authorities.
#[derive(Debug, Clone, uniffi::Record)]
pub struct StoreConfig {
    /// A directory private to the app; created if missing.
    pub directory: String,
    /// GB/T 2260 division codes of the officer's jurisdiction, e.g. ["500103"].
    pub jurisdiction: Vec<String>,
    /// The catalogue authority public keys pinned in the app (SubjectPublicKeyInfo DER).
    pub authority_keys: Vec<Vec<u8>>,
    /// `open` only (desktop and tests; phones use `open_with_platform`): the passphrase the
    /// store's data key is wrapped under (Argon2id, then XChaCha20-Poly1305). Required there.
    #[uniffi(default = None)]
    pub passphrase: Option<String>,
    /// Test suites only: wrap a new data key with Argon2id's lightest parameters, as they
    /// open hundreds of stores. Never in an app.
    #[uniffi(default = false)]
    pub light_kdf_for_tests: bool,
}

/// A corrupt database file moved aside, never deleted: it may hold evidence.
#[derive(Debug, Clone, uniffi::Record)]
pub struct QuarantineReport {
    pub kept_at: String,
    /// zh-CN, for the officer.
    pub message: String,
}

impl StoreConfig {
    /// The pinned authority keys, parsed.
    fn authorities(&self) -> Result<Vec<PublicKey>, ZhifaError> {
        self.authority_keys
            .iter()
            .map(|der| PublicKey::from_spki_der(der))
            .collect::<Result<_, _>>()
            .map_err(lift)
    }

    /// The passphrase fallback `open` wraps the data key with.
    fn passphrase_wrapper(&self) -> Result<PassphraseWrapper, ZhifaError> {
        let passphrase = match self.passphrase.as_deref() {
            Some(p) if !p.is_empty() => p,
            _ => {
                return Err(ZhifaError::Validation {
                    user_message: texts::store::PASSPHRASE_REQUIRED.to_owned(),
                })
            }
        };
        let params = if self.light_kdf_for_tests {
            KdfParams::LIGHT_FOR_TESTS
        } else {
            KdfParams::DEFAULT
        };
        Ok(PassphraseWrapper::with_params(passphrase, params))
    }
}

#[derive(uniffi::Object)]
pub struct ZhifaStore {
    device: Arc<Device>,
    network: Arc<Network>,
}

impl ZhifaStore {
    fn new(device: Device) -> Arc<Self> {
        Arc::new(ZhifaStore {
            device: Arc::new(device),
            network: Arc::default(),
        })
    }
}

#[uniffi::export]
impl ZhifaStore {
    /// Opens or creates the store with software keys (desktop, tests): the data key wrapped
    /// under `config.passphrase`, the device key in the encrypted store. A store written by
    /// an older app in the clear is encrypted in place; a corrupt database, or one this key
    /// does not open, is set aside (see `quarantine_report`), never deleted.
    #[uniffi::constructor]
    pub async fn open(config: StoreConfig) -> Result<Arc<Self>, ZhifaError> {
        off_thread(move || {
            let authorities = config.authorities()?;
            let wrapper = config.passphrase_wrapper()?;
            let device = Device::open(
                &config.directory,
                &wrapper,
                config.jurisdiction,
                authorities,
            )?;
            Ok(ZhifaStore::new(device))
        })
        .await
    }

    /// Opens the store with the platform's device key, the platform's wrapping of the data
    /// key, and its monotonic clock (`config.passphrase` is not used).
    #[uniffi::constructor]
    pub async fn open_with_platform(
        config: StoreConfig,
        keystore: Arc<dyn PlatformKeystore>,
        key_wrapper: Arc<dyn PlatformKeyWrapper>,
        clock: Arc<dyn PlatformClock>,
    ) -> Result<Arc<Self>, ZhifaError> {
        off_thread(move || {
            let authorities = config.authorities()?;
            let store = zhifa_core::store::Store::open(&config.directory, &Wrapper(key_wrapper));
            let store = Arc::new(store.map_err(lift)?);
            let keystore = Keystore::new(keystore).map_err(lift)?;
            let device = Device::with_parts(
                store,
                config.jurisdiction,
                authorities,
                Box::new(keystore),
                Box::new(Clock(clock)),
            )?;
            Ok(ZhifaStore::new(device))
        })
        .await
    }

    /// Routes every later request of this store (enrolment, sync, evidence downloads)
    /// through the platform's HTTP client (its trust store, proxies, the agency's CAs), or
    /// back through the built-in client with `None`. The core still signs, retries and
    /// limits every request.
    pub fn use_http_client(&self, client: Option<Arc<dyn HttpClient>>) {
        self.network.use_client(client);
    }

    /// Case files: create, edit, the guarded procedure, penalties, numbers, documents.
    pub fn cases(&self) -> Arc<CaseService> {
        Arc::new(CaseService::new(self.device.clone()))
    }

    /// Inspection tasks, the combined checklist, and cases opened from findings.
    pub fn inspections(&self) -> Arc<InspectionService> {
        Arc::new(InspectionService::new(self.device.clone()))
    }

    /// The duty credential, the rotating enforcement code, code checks and visits.
    pub fn codes(&self) -> Arc<CodeService> {
        Arc::new(CodeService::new(self.device.clone()))
    }

    /// The discretion engine: lawful outcomes for facts, and the officer's recorded choice.
    pub fn discretion(&self) -> Arc<DiscretionService> {
        Arc::new(DiscretionService::new(self.device.clone()))
    }

    /// Evidence files: captured with signed metadata, fetched from teammates.
    pub fn evidence(&self) -> Arc<EvidenceService> {
        Arc::new(EvidenceService::new(
            self.device.clone(),
            self.network.clone(),
        ))
    }

    /// Enrolment with the server and the sync session.
    pub fn sync(&self) -> Arc<SyncService> {
        Arc::new(SyncService::new(self.device.clone(), self.network.clone()))
    }

    /// The reference catalogue: signed bundles, lookups and Chinese search.
    pub fn catalogue(&self) -> Arc<CatalogueService> {
        Arc::new(CatalogueService::new(self.device.clone()))
    }

    /// This device's public key (SPKI DER), which duty credentials and enrolment are bound to.
    pub fn device_public_key(&self) -> Vec<u8> {
        self.device.device_key().to_spki_der()
    }

    /// A corrupt database set aside when the store was opened: where it was kept and what to
    /// tell the officer. Reported on every open until acknowledged.
    pub fn quarantine_report(&self) -> Option<QuarantineReport> {
        self.device
            .store()
            .quarantined()
            .map(|path| QuarantineReport {
                kept_at: path.display().to_string(),
                message: texts::store::DATABASE_QUARANTINED.to_owned(),
            })
    }

    /// The officer has been told; stop reporting the quarantined file (it stays on disk).
    pub async fn acknowledge_quarantine(&self) -> Result<(), ZhifaError> {
        let device = self.device.clone();
        off_thread(move || device.store().acknowledge_quarantine().map_err(lift)).await
    }
}
