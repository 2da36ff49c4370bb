//! One officer's or enterprise's device: the store, the catalogue, the device key and the
//! trusted clock together, and the field operations that need all four (credentials, codes,
//! visits). The FFI's `ZhifaStore` wraps this.

mod cases;
mod inspections;
mod sync;

use std::sync::{Arc, Mutex};

use chrono::Utc;
use rusqlite::OptionalExtension;

use crate::clock::{MonotonicClock, ProcessClock, TimeReading, TrustedClock};
use crate::codes::credential::{check_credential, read_unverified};
use crate::codes::enforcement::{self, VerifiedOfficer, VerifyContext};
use crate::codes::enterprise::{self, VerifiedEnterprise};
use crate::codes::visit::{GpsFix, VerificationRecord, VisitRecord};
use crate::codes::{time_step, CodeRefusal, DutyCredential};
use crate::crypto::{self, Algorithm, DeviceKeystore, PublicKey, SoftwareKeystore};
use crate::discretion::{
    check_choice, DiscretionEngine, Outcome, PenaltyChoice, Suggestion, SuggestionRequest, Yuan,
};
use crate::events::{self, EventKind, OutboxEvent};
use crate::registry::Registry;
use crate::store::{Store, StoreError};
use crate::Error;

/// An enforcement code ready to show, and the step it is valid for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownCode {
    pub payload: String,
    pub step: u64,
}

/// The result of scanning an enterprise code to open a visit.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitOpened {
    pub visit: VisitRecord,
    pub enterprise: VerifiedEnterprise,
    /// The enforcement code bound to this enterprise, to show now.
    pub enforcement_code: ShownCode,
}

pub struct Device {
    store: Arc<Store>,
    registry: Registry,
    keystore: Box<dyn DeviceKeystore>,
    clock: TrustedClock,
    /// The discretion engine of the catalogue version it was loaded from.
    discretion: Mutex<Option<(u64, Arc<DiscretionEngine>)>>,
    /// Case documents recently worked on, so an edit does not reload the document's history.
    open_cases: Mutex<cases::OpenCases>,
    /// Held while a sync runs: a second `sync_now` returns `Busy` instead of interleaving.
    sync_lock: Mutex<()>,
}

impl Device {
    /// Opens the device in `dir` with a software device key and the process-local
    /// monotonic clock.
    pub fn open(
        dir: impl AsRef<std::path::Path>,
        jurisdiction: Vec<String>,
        authorities: Vec<PublicKey>,
    ) -> Result<Device, Error> {
        let store = Arc::new(Store::open(dir)?);
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
            store,
            registry,
            keystore,
            clock,
            discretion: Mutex::new(None),
            open_cases: Mutex::new(cases::OpenCases::default()),
            sync_lock: Mutex::new(()),
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    pub fn clock(&self) -> &TrustedClock {
        &self.clock
    }

    pub fn device_key(&self) -> PublicKey {
        self.keystore.public_key()
    }

    pub fn now(&self) -> TimeReading {
        self.clock.now()
    }

    /// Checks a duty credential from the server against the trust list and this device's key,
    /// then keeps it as the officer's current credential.
    pub fn install_duty_credential(&self, bytes: &[u8]) -> Result<DutyCredential, Error> {
        let checked = check_credential(bytes, &self.registry, self.now().trusted)?;
        if checked.credential.device_key != self.device_key() {
            return Err(CodeRefusal::NotForThisDevice.into());
        }
        self.store.write(|tx| {
            tx.execute(
                "INSERT OR REPLACE INTO duty_credential (id, credential, expires_at) VALUES (1, ?1, ?2)",
                (bytes, checked.credential.expires_at.to_rfc3339()),
            )
            .map_err(StoreError::from)?;
            Ok::<_, Error>(())
        })?;
        Ok(checked.credential)
    }

    /// The credential held, if it has not expired by trusted time.
    pub fn duty_credential(&self) -> Result<Option<(Vec<u8>, DutyCredential)>, Error> {
        let bytes: Option<Vec<u8>> = self.store.read(|c| {
            c.query_row(
                "SELECT credential FROM duty_credential WHERE id = 1",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(StoreError::from)
        })?;
        let Some(bytes) = bytes else { return Ok(None) };
        let credential = read_unverified(&bytes)?;
        Ok((credential.expires_at > self.now().trusted).then_some((bytes, credential)))
    }

    /// The enforcement code for the current 30-second step, bound to an enterprise if given.
    pub fn enforcement_code(&self, audience: Option<&str>) -> Result<ShownCode, Error> {
        let (credential, _) = self
            .duty_credential()?
            .ok_or(CodeRefusal::NoDutyCredential)?;
        let step = time_step(self.now().trusted);
        let payload = enforcement::render(&credential, self.keystore.as_ref(), step, audience)?;
        Ok(ShownCode { payload, step })
    }

    /// The enterprise (or anyone) checks an officer's code offline. Every verdict, valid or
    /// not, is logged as a signed event; a valid (credential, step) is accepted only once.
    pub fn verify_enforcement_code(
        &self,
        scanned: &str,
        own_credit_code: Option<&str>,
        own_division: &str,
    ) -> Result<VerifiedOfficer, Error> {
        let now = self.now();
        let context = VerifyContext {
            now,
            own_credit_code: own_credit_code.map(str::to_owned),
            own_division: own_division.to_owned(),
        };
        let checked = enforcement::check(scanned, &context, &self.registry);
        let mut record = VerificationRecord {
            id: uuid::Uuid::now_v7().to_string(),
            code_hash: hex::encode(crypto::sha256(scanned.trim().as_bytes())),
            verifier_credit_code: context.own_credit_code.clone(),
            credential_no: None,
            step: None,
            refusal: None,
            verified_at: now.trusted,
            wall_time: now.wall,
            clock_trusted: now.is_trusted,
        };
        let outcome = self.store.write(|tx| {
            let outcome = match checked {
                Ok(code) => {
                    record.credential_no = Some(code.officer.credential_no.clone());
                    record.step = Some(code.step);
                    let first_use = tx
                        .execute(
                            "INSERT OR IGNORE INTO code_replay (credential_id, step, seen_at) VALUES (?1, ?2, ?3)",
                            (code.credential_id.as_slice(), code.step, now.trusted.to_rfc3339()),
                        )
                        .map_err(StoreError::from)?
                        == 1;
                    if first_use { Ok(code.officer) } else { Err(CodeRefusal::Replayed) }
                }
                Err(refusal) => Err(refusal),
            };
            record.refusal = outcome.as_ref().err().map(|r| format!("{r:?}"));
            events::append(tx, self.keystore.as_ref(), EventKind::CodeVerification, &record.id, now.trusted, &record)?;
            Ok::<_, Error>(outcome)
        })?;
        Ok(outcome?)
    }

    /// The officer scans the enterprise code at the door: checks it, renders the enforcement
    /// code bound to that enterprise and signs the visit record, queued for sync.
    pub fn open_visit(
        &self,
        scanned_enterprise_code: &str,
        gps: Option<GpsFix>,
        officers_present: Vec<String>,
        planned_credit_code: Option<&str>,
    ) -> Result<VisitOpened, Error> {
        let now = self.now();
        let enterprise = enterprise::verify(
            scanned_enterprise_code,
            now.trusted,
            &self.registry,
            planned_credit_code,
        )?;
        let (_, credential) = self
            .duty_credential()?
            .ok_or(CodeRefusal::NoDutyCredential)?;
        let shown = self.enforcement_code(Some(&enterprise.code.credit_code))?;
        let visit = VisitRecord {
            id: uuid::Uuid::now_v7().to_string(),
            credit_code: enterprise.code.credit_code.clone(),
            enterprise_code_hash: hex::encode(crypto::sha256(
                scanned_enterprise_code.trim().as_bytes(),
            )),
            enforcement_code_hash: hex::encode(crypto::sha256(shown.payload.as_bytes())),
            step: shown.step,
            officer: credential.subject,
            officers_present,
            gps,
            opened_at: now.trusted,
            wall_time: now.wall,
            clock_trusted: now.is_trusted,
        };
        self.store.write(|tx| {
            events::append(
                tx,
                self.keystore.as_ref(),
                EventKind::Visit,
                &visit.id,
                now.trusted,
                &visit,
            )
        })?;
        Ok(VisitOpened {
            visit,
            enterprise,
            enforcement_code: shown,
        })
    }

    /// Signed events waiting for upload, oldest first.
    pub fn pending_events(&self, limit: u32) -> Result<Vec<OutboxEvent>, Error> {
        Ok(self.store.read(|c| events::pending(c, limit))?)
    }

    /// The discretion engine over this catalogue's baselines, reloaded when a bundle changed it.
    pub fn discretion(&self) -> Result<Arc<DiscretionEngine>, Error> {
        let version = self.registry.version()?;
        let mut cached = self.discretion.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((loaded, engine)) = cached.as_ref() {
            if *loaded == version {
                return Ok(engine.clone());
            }
        }
        let engine = Arc::new(self.registry.discretion_engine()?);
        *cached = Some((version, engine.clone()));
        Ok(engine)
    }

    /// The lawful outcome for a case's facts, or the questions still to ask.
    pub fn suggest_penalty(&self, request: &SuggestionRequest) -> Result<Suggestion, Error> {
        Ok(self.discretion()?.suggest(request)?)
    }

    /// Records the penalty the officer chose for `case_id` as a signed event. A choice
    /// outside the suggested band is refused without a reason.
    pub fn record_penalty_choice(
        &self,
        case_id: &str,
        outcome: &Outcome,
        chosen_fine: Option<Yuan>,
        reason: Option<&str>,
    ) -> Result<PenaltyChoice, Error> {
        let (outside_band, route) = check_choice(outcome, chosen_fine, reason)?;
        let now = self.now();
        let choice = PenaltyChoice {
            id: uuid::Uuid::now_v7().to_string(),
            case_id: case_id.to_owned(),
            violation: outcome.violation.clone(),
            source_row: outcome.source.as_ref().map(|s| s.row_id.clone()),
            suggested_min: outcome.fine.map(|f| f.min),
            suggested_max: outcome.fine.map(|f| f.max),
            chosen_fine,
            outside_band,
            reason: reason.map(str::to_owned).filter(|r| !r.trim().is_empty()),
            summary_procedure: route.summary_allowed,
            hearing_right: route.hearing_right,
            decided_at: now.trusted,
        };
        self.store.write(|tx| {
            events::append(
                tx,
                self.keystore.as_ref(),
                EventKind::PenaltyChoice,
                &choice.id,
                now.trusted,
                &choice,
            )
        })?;
        Ok(choice)
    }

    /// Records the server's time learnt in a sync (anchors trusted time).
    pub fn observe_server_time(&self, server_time: chrono::DateTime<Utc>) -> Result<(), Error> {
        Ok(self.clock.observe_server_time(server_time, &self.store)?)
    }
}
