//! The device, as one object for the shells: its store, catalogue, device key and clock.

use std::sync::Arc;

use zhifa_core::codes::{CodeRefusal, GpsFix, VerifiedEnterprise, VerifiedOfficer};
use zhifa_core::crypto::PublicKey;
use zhifa_core::device::Device;
use zhifa_core::registry::{
    BundleReport, CatalogueCounts, EnforcementBody, EnforcementItem, Enterprise, Officer, SearchHit,
};
use zhifa_core::texts;

use crate::error::{lift, ZhifaError};
use crate::platform::{Clock, Keystore, PlatformClock, PlatformKeystore};

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

/// A corrupt database file moved aside, never deleted: it may hold evidence.
#[derive(Debug, Clone, uniffi::Record)]
pub struct QuarantineReport {
    pub kept_at: String,
    /// zh-CN, for the officer.
    pub message: String,
}

/// The officer's duty credential as installed.
#[derive(Debug, Clone, uniffi::Record)]
pub struct DutyCredentialInfo {
    pub credential_no: String,
    pub name: String,
    pub items: Vec<String>,
    pub jurisdiction: Vec<String>,
    pub expires_at: std::time::SystemTime,
}

/// An enforcement code to show for the current 30-second step.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ShownCode {
    pub payload: String,
    pub step: u64,
    /// Render it with `qr_svg` / `qr_png`; refresh when the step changes.
    pub qr_version: i16,
}

/// What an enterprise sees after scanning an officer's code. Refusals are verdicts, not
/// errors: the person at the door reads `message` either way.
#[derive(Debug, Clone, uniffi::Record)]
pub struct EnforcementCodeVerdict {
    pub officer: Option<VerifiedOfficer>,
    pub refusal: Option<CodeRefusal>,
    /// zh-CN: the verdict, then each warning.
    pub message: String,
    pub warnings: Vec<String>,
}

/// A visit opened by scanning the enterprise code.
#[derive(Debug, Clone, uniffi::Record)]
pub struct VisitOpened {
    pub visit_id: String,
    pub enterprise: VerifiedEnterprise,
    /// zh-CN texts of the enterprise code's warnings.
    pub warnings: Vec<String>,
    /// The enforcement code bound to this enterprise, to show now.
    pub enforcement_code: ShownCode,
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
}

#[derive(uniffi::Object)]
pub struct ZhifaStore {
    pub(crate) device: Device,
}

#[uniffi::export]
impl ZhifaStore {
    /// Opens or creates the store, migrating it. A corrupt database is set aside (see
    /// `quarantine_report`), never deleted.
    #[uniffi::constructor]
    pub fn open(config: StoreConfig) -> Result<Arc<Self>, ZhifaError> {
        let authorities = config.authorities()?;
        let device = Device::open(&config.directory, config.jurisdiction, authorities)?;
        Ok(Arc::new(ZhifaStore { device }))
    }

    /// Opens the store with the platform's device key and monotonic clock instead of the
    /// software ones.
    #[uniffi::constructor]
    pub fn open_with_platform(
        config: StoreConfig,
        keystore: Arc<dyn PlatformKeystore>,
        clock: Arc<dyn PlatformClock>,
    ) -> Result<Arc<Self>, ZhifaError> {
        let authorities = config.authorities()?;
        let store = Arc::new(zhifa_core::store::Store::open(&config.directory).map_err(lift)?);
        let keystore = Keystore::new(keystore).map_err(lift)?;
        let device = Device::with_parts(
            store,
            config.jurisdiction,
            authorities,
            Box::new(keystore),
            Box::new(Clock(clock)),
        )?;
        Ok(Arc::new(ZhifaStore { device }))
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
    pub fn acknowledge_quarantine(&self) -> Result<(), ZhifaError> {
        self.device.store().acknowledge_quarantine().map_err(lift)
    }

    /// The catalogue version held (0 before the first bundle).
    pub fn catalogue_version(&self) -> Result<u64, ZhifaError> {
        self.device.registry().version().map_err(lift)
    }

    /// Verifies and applies a signed catalogue bundle; a refused one changes nothing.
    pub fn apply_bundle(&self, bundle: Vec<u8>) -> Result<BundleReport, ZhifaError> {
        self.device.registry().apply_bundle(&bundle).map_err(lift)
    }

    /// Ranked Chinese full-text search over items, regulations and articles.
    pub fn search(&self, query: String, limit: u32) -> Result<Vec<SearchHit>, ZhifaError> {
        self.device.registry().search(&query, limit).map_err(lift)
    }

    pub fn catalogue_counts(&self) -> Result<CatalogueCounts, ZhifaError> {
        self.device.registry().counts().map_err(lift)
    }

    pub fn enforcement_item(&self, code: String) -> Result<Option<EnforcementItem>, ZhifaError> {
        self.device.registry().item(&code).map_err(lift)
    }

    pub fn enforcement_body(&self, id: String) -> Result<Option<EnforcementBody>, ZhifaError> {
        self.device.registry().body(&id).map_err(lift)
    }

    pub fn officer(&self, credential_no: String) -> Result<Option<Officer>, ZhifaError> {
        self.device.registry().officer(&credential_no).map_err(lift)
    }

    pub fn enterprise(&self, credit_code: String) -> Result<Option<Enterprise>, ZhifaError> {
        self.device
            .registry()
            .enterprise(&credit_code)
            .map_err(lift)
    }

    /// This device's public key (SPKI DER), which duty credentials are bound to.
    pub fn device_public_key(&self) -> Vec<u8> {
        self.device.device_key().to_spki_der()
    }

    /// Checks and keeps the duty credential the server issued for this shift.
    pub fn install_duty_credential(
        &self,
        credential: Vec<u8>,
    ) -> Result<DutyCredentialInfo, ZhifaError> {
        let credential = self.device.install_duty_credential(&credential)?;
        Ok(DutyCredentialInfo {
            credential_no: credential.subject,
            name: credential.name,
            items: credential.items,
            jurisdiction: credential.jurisdiction,
            expires_at: credential.expires_at.into(),
        })
    }

    /// The officer's enforcement code for now, bound to an enterprise's credit code if given.
    pub fn enforcement_code(&self, audience: Option<String>) -> Result<ShownCode, ZhifaError> {
        shown(self.device.enforcement_code(audience.as_deref())?)
    }

    /// The enterprise side: checks a scanned enforcement code offline. The verdict is logged
    /// as a signed event for the server.
    pub fn verify_enforcement_code(
        &self,
        scanned: String,
        own_credit_code: Option<String>,
        own_division: String,
    ) -> Result<EnforcementCodeVerdict, ZhifaError> {
        let result = self.device.verify_enforcement_code(
            &scanned,
            own_credit_code.as_deref(),
            &own_division,
        );
        match result {
            Ok(officer) => Ok(EnforcementCodeVerdict {
                message: texts::codes::OFFICER_VERIFIED.to_owned(),
                warnings: officer
                    .warnings
                    .iter()
                    .map(|w| w.message_zh().to_owned())
                    .collect(),
                officer: Some(officer),
                refusal: None,
            }),
            Err(zhifa_core::Error::Code(refusal)) => Ok(EnforcementCodeVerdict {
                message: refusal.message_zh().to_owned(),
                warnings: Vec::new(),
                officer: None,
                refusal: Some(refusal),
            }),
            Err(other) => Err(other.into()),
        }
    }

    /// The officer side: scans the enterprise code at the door, opens the visit (signed and
    /// queued) and returns the enforcement code to show that enterprise.
    pub fn open_visit(
        &self,
        scanned_enterprise_code: String,
        gps: Option<GpsFix>,
        officers_present: Vec<String>,
        planned_credit_code: Option<String>,
    ) -> Result<VisitOpened, ZhifaError> {
        let opened = self.device.open_visit(
            &scanned_enterprise_code,
            gps,
            officers_present,
            planned_credit_code.as_deref(),
        )?;
        Ok(VisitOpened {
            visit_id: opened.visit.id,
            warnings: opened
                .enterprise
                .warnings
                .iter()
                .map(|w| w.message_zh().to_owned())
                .collect(),
            enterprise: opened.enterprise,
            enforcement_code: shown(opened.enforcement_code)?,
        })
    }

    /// Signed events (visits, verifications) waiting for the next sync.
    pub fn pending_event_count(&self) -> Result<u64, ZhifaError> {
        Ok(self.device.pending_events(u32::MAX)?.len() as u64)
    }
}

fn shown(code: zhifa_core::device::ShownCode) -> Result<ShownCode, ZhifaError> {
    let qr_version = zhifa_core::codes::qr::version(&code.payload).map_err(lift)?;
    Ok(ShownCode {
        payload: code.payload,
        step: code.step,
        qr_version,
    })
}
