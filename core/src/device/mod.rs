//! One officer's or enterprise's device: the store, the catalogue, the device key and the
//! trusted clock together (`Context`), and the capability services over them, one per concern
//! of the app: `cases()`, `inspections()`, `codes()` (credentials, codes and visits),
//! `discretion()`, `evidence()`, `sync()`, and `catalogue()`. Services are views that borrow
//! the device; the domain rules they apply live in the domain modules (`cases::procedure`,
//! `discretion`, `codes`, …), and each table is written by the module that owns it. The FFI
//! exposes each service as an object of its own.

mod cases;
mod changes;
mod codes;
mod context;
mod discretion;
mod evidence;
mod inspections;
mod on_the_spot;
mod sync;

use std::sync::Arc;

use crate::clock::{MonotonicClock, ProcessClock, TimeReading, TrustedClock};
use crate::crypto::{Algorithm, DeviceKeystore, KeyWrapper, PublicKey, SoftwareKeystore};
use crate::registry::Registry;
use crate::store::Store;
use crate::Error;

pub use cases::CaseService;
pub use changes::Watch;
pub use codes::{CodeService, ShownCode, VisitOpened};
pub use discretion::DiscretionService;
pub use evidence::EvidenceService;
pub use inspections::InspectionService;
pub use on_the_spot::OnTheSpot;
pub use sync::{Fed, Io, Next, SessionRun, SyncService};

use context::Context;

pub struct Device {
    context: Context,
}

impl Device {
    /// Opens the device in `dir` (its store's data key unwrapped by `key`) with a software
    /// device key, kept in the encrypted store, and the process-local monotonic clock.
    pub fn open(
        dir: impl AsRef<std::path::Path>,
        key: &dyn KeyWrapper,
        jurisdiction: Vec<String>,
        authorities: Vec<PublicKey>,
    ) -> Result<Device, Error> {
        let store = Arc::new(Store::open(dir, key)?);
        let keystore = SoftwareKeystore::load_or_create(&store, Algorithm::EdDSA)?;
        Device::with_parts(
            store,
            jurisdiction,
            authorities,
            Box::new(keystore),
            Box::new(ProcessClock::default()),
        )
    }

    /// Opens with a keystore and monotonic clock the shell provides.
    pub fn with_parts(
        store: Arc<Store>,
        jurisdiction: Vec<String>,
        authorities: Vec<PublicKey>,
        keystore: Box<dyn DeviceKeystore>,
        monotonic: Box<dyn MonotonicClock>,
    ) -> Result<Device, Error> {
        let registry = Registry::new(store.clone(), jurisdiction, authorities)?;
        let clock = TrustedClock::restore(monotonic, &store)?;
        Ok(Device {
            context: Context::new(store, registry, keystore, clock),
        })
    }

    /// Case files: create, edit, the guarded procedure, penalties, numbers, documents.
    pub fn cases(&self) -> CaseService<'_> {
        CaseService::new(&self.context)
    }

    /// Inspection tasks, the combined checklist, and cases opened from findings.
    pub fn inspections(&self) -> InspectionService<'_> {
        InspectionService::new(&self.context)
    }

    /// The duty credential, the rotating enforcement code, code verification and visits.
    pub fn codes(&self) -> CodeService<'_> {
        CodeService::new(&self.context)
    }

    /// The discretion engine: lawful outcomes for facts, and the officer's recorded choice.
    pub fn discretion(&self) -> DiscretionService<'_> {
        DiscretionService::new(&self.context)
    }

    /// Evidence files: captured with signed metadata, fetched from teammates.
    pub fn evidence(&self) -> EvidenceService<'_> {
        EvidenceService::new(&self.context)
    }

    /// Enrolment with the server and the sync session.
    pub fn sync(&self) -> SyncService<'_> {
        SyncService::new(&self.context)
    }

    /// The reference catalogue: signed bundles, lookups and Chinese search.
    pub fn catalogue(&self) -> &Registry {
        &self.context.registry
    }

    /// The device's database (quarantine report, blobs).
    pub fn store(&self) -> &Store {
        &self.context.store
    }

    pub fn clock(&self) -> &TrustedClock {
        &self.context.clock
    }

    pub fn device_key(&self) -> PublicKey {
        self.context.keystore.public_key()
    }

    pub fn now(&self) -> TimeReading {
        self.context.now()
    }

    /// Records the server's time learnt in a sync (anchors trusted time).
    pub fn observe_server_time(
        &self,
        server_time: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), Error> {
        self.context.observe_server_time(server_time)
    }
}
