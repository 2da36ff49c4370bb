//! What every capability service of the device shares: the store, the catalogue, the device
//! key and the trusted clock, plus the two caches (the discretion engine per catalogue
//! version, and recently used case documents).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;

use super::changes::ChangeFeed;
use crate::cases::{repository, Author, CaseDoc, CaseFile};
use crate::clock::{TimeReading, TrustedClock};
use crate::crypto::DeviceKeystore;
use crate::discretion::DiscretionEngine;
use crate::registry::Registry;
use crate::store::Store;
use crate::sync::DocKind;
use crate::Error;

pub(crate) struct Context {
    pub(crate) store: Arc<Store>,
    pub(crate) registry: Registry,
    pub(crate) keystore: Box<dyn DeviceKeystore>,
    pub(crate) clock: TrustedClock,
    /// The discretion engine of the catalogue version it was loaded from.
    engine: Mutex<Option<(u64, Arc<DiscretionEngine>)>>,
    /// Case documents recently worked on, so an edit does not reload the document's history.
    open_cases: Mutex<OpenCases>,
    /// Held while a sync runs: a second sync returns `Busy` instead of interleaving.
    pub(crate) sync_lock: Mutex<()>,
    /// Told of every case a sync or a merge changed.
    pub(crate) case_changes: Arc<ChangeFeed>,
}

impl Context {
    pub(crate) fn new(
        store: Arc<Store>,
        registry: Registry,
        keystore: Box<dyn DeviceKeystore>,
        clock: TrustedClock,
    ) -> Context {
        Context {
            store,
            registry,
            keystore,
            clock,
            engine: Mutex::new(None),
            open_cases: Mutex::new(OpenCases::default()),
            sync_lock: Mutex::new(()),
            case_changes: Arc::default(),
        }
    }

    pub(crate) fn now(&self) -> TimeReading {
        self.clock.now()
    }

    /// Today in Beijing by trusted time: the date legal periods are counted from.
    pub(crate) fn today(&self) -> NaiveDate {
        crate::calendar::beijing_date(self.now().trusted)
    }

    /// The trusted time as stored in index rows and history entries.
    pub(crate) fn stamp(&self) -> String {
        self.now().trusted.to_rfc3339()
    }

    /// Who makes an edit now: the officer of the duty credential the device holds (unexpired,
    /// bound to this device's key), the device's key id, and trusted time. Without a valid
    /// credential the officer is left empty, and the audit history says so; procedure steps
    /// refuse instead (`CaseService::step`).
    pub(crate) fn author(&self) -> Author {
        let now = self.now();
        let device_key = self.keystore.public_key();
        let held = self
            .store
            .read(crate::codes::held::kept_credential)
            .ok()
            .flatten()
            .and_then(|bytes| crate::codes::credential::read_unverified(&bytes).ok())
            .filter(|c| c.expires_at > now.trusted && c.device_key == device_key);
        let (credential_no, name) = held.map(|c| (c.subject, c.name)).unwrap_or_default();
        Author {
            credential_no,
            name,
            device: device_key.key_id().to_string(),
            at: now.trusted.to_rfc3339(),
            trusted: now.is_trusted,
        }
    }

    /// Records the server's time learnt in a sync (anchors trusted time).
    pub(crate) fn observe_server_time(
        &self,
        time: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), Error> {
        Ok(self.clock.observe_server_time(time, &self.store)?)
    }

    /// The discretion engine over this catalogue's baselines, reloaded when a bundle changed it.
    pub(crate) fn engine(&self) -> Result<Arc<DiscretionEngine>, Error> {
        let version = self.registry.version()?;
        let mut cached = self.engine.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((loaded, engine)) = cached.as_ref() {
            if *loaded == version {
                return Ok(engine.clone());
            }
        }
        let engine = Arc::new(self.registry.discretion_engine()?);
        *cached = Some((version, engine.clone()));
        Ok(engine)
    }

    /// The case as it stands, from the loaded copy when there is one.
    pub(crate) fn read_case(&self, id: &str) -> Result<CaseFile, Error> {
        let mut open = self.open_cases();
        let doc = match open.take(id) {
            Some(doc) => doc,
            None => self.store.read(|c| repository::load(c, id))?,
        };
        let case = doc.read()?;
        open.put(id.to_owned(), doc);
        Ok(case)
    }

    /// Changes a stored case in one transaction: `change` works on the document (and may write
    /// other tables in `tx`), then the document's changes and index row are saved with it. The
    /// loaded copy is put back only after the commit, so a failed change never leaves an
    /// unsaved document behind.
    pub(crate) fn write_case(
        &self,
        id: &str,
        change: impl FnOnce(&rusqlite::Transaction<'_>, &mut CaseDoc) -> Result<(), Error>,
    ) -> Result<CaseFile, Error> {
        let now = self.stamp();
        let author = self.author();
        let mut open = self.open_cases();
        let cached = open.take(id);
        let (doc, case) = self.store.write(|tx| {
            let mut doc = match cached {
                Some(doc) => doc,
                None => repository::load(tx, id)?,
            };
            doc.set_author(author);
            change(tx, &mut doc)?;
            let case = doc.read()?;
            repository::save(tx, &mut doc, &case, &now)?;
            Ok::<_, Error>((doc, case))
        })?;
        open.put(id.to_owned(), doc);
        Ok(case)
    }

    /// Merges another replica's copy into the stored case, or stores it when the device does
    /// not hold that case yet: the check and the write in one transaction.
    pub(crate) fn merge_case(&self, mut incoming: CaseDoc) -> Result<CaseFile, Error> {
        let id = incoming.read()?.id;
        let now = self.stamp();
        let mut open = self.open_cases();
        let cached = open.take(&id);
        let (doc, case) = self.store.write(|tx| {
            let mut doc = match cached {
                Some(doc) => doc,
                None if repository::exists(tx, &id)? => repository::load(tx, &id)?,
                None => {
                    let case = incoming.read()?;
                    repository::insert(tx, &mut incoming, &case, &now)?;
                    return Ok::<_, Error>((incoming, case));
                }
            };
            doc.merge(&mut incoming)?;
            let case = doc.read()?;
            repository::save(tx, &mut doc, &case, &now)?;
            Ok((doc, case))
        })?;
        open.put(id.clone(), doc);
        drop(open);
        self.case_changes.changed(&id);
        Ok(case)
    }

    /// A document was written by another path (a sync received it): a loaded copy, if any,
    /// is out of date. The one place a loaded case is dropped.
    pub(crate) fn forget(&self, kind: DocKind, id: &str) {
        if kind == DocKind::Case {
            self.open_cases().take(id);
            self.case_changes.changed(id);
        }
    }

    fn open_cases(&self) -> std::sync::MutexGuard<'_, OpenCases> {
        self.open_cases.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Case documents kept loaded, most recent last.
#[derive(Default)]
struct OpenCases {
    docs: VecDeque<(String, CaseDoc)>,
}

const OPEN_CASES: usize = 32;

impl OpenCases {
    fn take(&mut self, id: &str) -> Option<CaseDoc> {
        let at = self.docs.iter().position(|(open, _)| open == id)?;
        self.docs.remove(at).map(|(_, doc)| doc)
    }

    fn put(&mut self, id: String, doc: CaseDoc) {
        if self.docs.len() >= OPEN_CASES {
            self.docs.pop_front();
        }
        self.docs.push_back((id, doc));
    }
}
