//! The supervision index: each stored case and inspection document and each event projected
//! into rows the indicators, warnings and reviews query (`supervision::schema`). A change is
//! projected in the transaction that stores it, touching only its own rows; `rebuild`
//! re-projects everything. A document that does not read as its kind is skipped with a
//! warning (and its rows dropped), never an error that fails the device's round.
//!
//! - `case`: `sv_case` and `sv_case_officer` from a case file.
//! - `inspection`: `sv_inspection` from an inspection.
//! - `events`: `sv_visit` from visits and the enterprises' verifications.
//! - `rebuild`: clears and re-projects every document and event, in batches.
//! - `sql`: the nullable-value helpers both backends accept.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use automerge::AutoCommit;
use zhifa_core::cases::procedure::DECISION_DAYS;
use zhifa_core::cases::CaseDoc;
use zhifa_core::discretion::DiscretionEngine;
use zhifa_core::inspections::task::InspectionDoc;
use zhifa_core::registry::{division_in_scope, CatalogueData, CreditGrade};
use zhifa_core::sync::DocKind;

use crate::catalogue::CatalogueStore;
use crate::error::ServerError;
use crate::storage::Tx;

mod case;
mod events;
mod inspection;
mod rebuild;
mod sql;

pub use events::{event, seen};
pub use rebuild::{ensure_built, rebuild, Rebuilt};

/// What an enforcement item gives a case: its sector and its decision period (Art. 60).
struct Item {
    sector: String,
    decision_days: i64,
}

/// An enforcement body: the county-level division of its seat, and where it may act (the
/// divisions its officers are listed for, or its seat when it lists none).
struct Body {
    district: String,
    divisions: Vec<String>,
}

/// What projection needs from one catalogue version, looked up in memory.
pub struct Projector {
    items: HashMap<String, Item>,
    /// Violation code → its enforcement item.
    violations: HashMap<String, String>,
    bodies: HashMap<String, Body>,
    /// Credential number → the officer's body: an officer the catalogue lists holds a valid
    /// credential.
    officers: HashMap<String, String>,
    grades: HashMap<String, CreditGrade>,
    /// `None` when the catalogue's baselines do not load: outcomes are then `unknown`.
    engine: Option<DiscretionEngine>,
}

impl Projector {
    pub fn new(data: &CatalogueData) -> Projector {
        let items = data
            .items
            .iter()
            .map(|i| {
                let days = i.decision_days.map_or(DECISION_DAYS, i64::from);
                let item = Item {
                    sector: i.sector.clone(),
                    decision_days: days,
                };
                (i.code.clone(), item)
            })
            .collect();
        let violations = data
            .violations
            .iter()
            .map(|v| (v.code.clone(), v.item_code.clone()))
            .collect();
        let mut divisions: HashMap<&str, Vec<String>> = HashMap::new();
        for officer in &data.officers {
            divisions
                .entry(officer.body_id.as_str())
                .or_default()
                .extend(officer.divisions.iter().cloned());
        }
        let bodies = data
            .bodies
            .iter()
            .map(|b| {
                let mut own = divisions.remove(b.id.as_str()).unwrap_or_default();
                own.sort();
                own.dedup();
                let district: String = b.division.chars().take(6).collect();
                if own.is_empty() {
                    own.push(district.clone());
                }
                let body = Body {
                    district,
                    divisions: own,
                };
                (b.id.clone(), body)
            })
            .collect();
        let engine = DiscretionEngine::new(
            data.violations.clone(),
            data.baseline_documents.clone(),
            data.hearing_thresholds.clone(),
        )
        .map_err(|error| tracing::warn!(%error, "baselines do not load: outcomes unknown"))
        .ok();
        Projector {
            items,
            violations,
            bodies,
            officers: (data.officers.iter())
                .map(|o| (o.credential_no.clone(), o.body_id.clone()))
                .collect(),
            grades: (data.enterprises.iter())
                .map(|e| (e.credit_code.clone(), e.credit_grade))
                .collect(),
            engine,
        }
    }

    /// Over the catalogue as last published.
    pub fn from_store(store: &CatalogueStore) -> Result<Projector, ServerError> {
        Ok(Projector::new(&store.current()?))
    }

    /// The county-level division of a body's seat; empty for a body the catalogue lacks.
    pub fn district(&self, body: &str) -> &str {
        self.bodies.get(body).map_or("", |b| b.district.as_str())
    }

    fn in_jurisdiction(&self, body: &str, place: &str) -> bool {
        self.bodies
            .get(body)
            .is_some_and(|b| division_in_scope(place, &b.divisions))
    }

    fn credentialed(&self, credential_no: &str) -> bool {
        self.officers.contains_key(credential_no)
    }

    /// Projects a document just stored for `team`, read from the copy in hand; whether it
    /// was indexed. One that does not read as its kind is logged and loses its rows; only a
    /// database failure is an error.
    pub fn document(
        &self,
        tx: &mut dyn Tx,
        (kind, id, team): (DocKind, &str, &str),
        doc: &mut AutoCommit,
        now: i64,
    ) -> Result<bool, ServerError> {
        match kind {
            DocKind::Case => match CaseDoc::read_automerge(doc) {
                Ok(file) if file.id == id => self.case(tx, team, &file, now).map(|()| true),
                read => {
                    let error = read.err();
                    tracing::warn!(doc = id, ?error, "case not indexed: does not read");
                    case::forget(tx, id).map(|()| false)
                }
            },
            DocKind::Inspection => match InspectionDoc::read_automerge(doc) {
                Ok(inspection) if inspection.id == id => {
                    (self.inspection(tx, team, &inspection, now)).map(|()| true)
                }
                read => {
                    let error = read.err();
                    tracing::warn!(doc = id, ?error, "inspection not indexed: does not read");
                    inspection::forget(tx, id).map(|()| false)
                }
            },
        }
    }
}

/// The projector for the catalogue as published, made again only when its version moves.
pub struct Projection {
    catalogue: Arc<CatalogueStore>,
    current: RwLock<Option<(u64, Arc<Projector>)>>,
}

impl Projection {
    pub fn new(catalogue: Arc<CatalogueStore>) -> Projection {
        Projection {
            catalogue,
            current: RwLock::new(None),
        }
    }

    /// The projector of the current catalogue version (one cheap version read when unchanged).
    pub fn current(&self) -> Result<Arc<Projector>, ServerError> {
        let version = self.catalogue.version()?;
        if let Some((built, projector)) = &*self.current.read().unwrap_or_else(|p| p.into_inner()) {
            if *built == version {
                return Ok(projector.clone());
            }
        }
        let projector = Arc::new(Projector::from_store(&self.catalogue)?);
        *self.current.write().unwrap_or_else(|p| p.into_inner()) =
            Some((version, projector.clone()));
        Ok(projector)
    }

    /// `current`, or `None` (logged) when the catalogue cannot be read: a device's round goes
    /// on without projecting, and `rebuild-index` catches up.
    pub fn for_round(&self) -> Option<Arc<Projector>> {
        self.current()
            .map_err(|error| tracing::warn!(%error, "supervision index not updated"))
            .ok()
    }
}
