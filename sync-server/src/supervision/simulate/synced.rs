//! Loading a year as a sync would have left it: each case file and inspection stored as its
//! document (`docs::insert_made`) and projected from what the stored document reads as, the
//! visits and the enterprises' checks as event rows, the feedback as `sv_feedback` rows, the
//! evidence files as uploads leave them. So the supervisors' case view reads real case files
//! with their history, and `rebuild-index` rebuilds the same index from what is stored.
//!
//! The documents are built and read back first, on every core (the work is Automerge's);
//! then the whole year is written in one transaction: a load is there whole or not at all.

use std::collections::HashMap;
use std::time::Instant;

use chrono::{DateTime, Utc};
use zhifa_core::cases::{CaseDoc, CaseFile};
use zhifa_core::inspections::{Inspection, InspectionDoc};
use zhifa_core::sync::DocKind;

use super::documents::{self, Extras};
use super::evidence;
use super::load::{insert_feedback, store_events, Loaded};
use super::year::{BodyYear, Generator};
use crate::docs::{self, Made};
use crate::error::ServerError;
use crate::storage::{transaction, Database, Tx};
use crate::supervision::index::{self, Projector};

/// What the caller adds to case `n` of a body's year (an inquiry, findings, evidence).
pub type ExtrasOf<'a> =
    &'a (dyn Fn(&Generator, &BodyYear, usize) -> Result<Extras, ServerError> + Sync);

/// A body's year with its documents built and read back.
struct Built {
    year: BodyYear,
    cases: Vec<(Made, CaseFile)>,
    inspections: Vec<(Made, Inspection)>,
    /// Evidence files to store: (when captured, content).
    blobs: Vec<(DateTime<Utc>, Vec<u8>)>,
}

/// Generates the year and stores it as documents in one transaction, then `after` in the same
/// transaction (the caller's marker that the load is done).
pub fn load(
    db: &dyn Database,
    generator: &Generator,
    extras: ExtrasOf<'_>,
    after: &dyn Fn(&mut dyn Tx) -> Result<(), ServerError>,
) -> Result<Loaded, ServerError> {
    let started = Instant::now();
    let projector = Projector::new(&generator.world.data);
    let built = build_all(generator, extras)?;
    let now = Utc::now().timestamp();
    let mut loaded = Loaded::default();
    transaction(db, |tx| {
        loaded = Loaded::default();
        for body in &built {
            write_body(tx, &projector, body, now)?;
            loaded.bodies += 1;
            loaded.cases += body.cases.len();
            loaded.inspections += body.inspections.len();
            loaded.visits += body.year.visits.len();
            loaded.feedback += body.year.feedback.len();
        }
        tx.execute(
            "INSERT INTO counter (name, value) VALUES ('sv_index_built', $1)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            &[now.into()],
        )?;
        after(tx)
    })?;
    loaded.millis = started.elapsed().as_millis();
    Ok(loaded)
}

/// Every body's year built, the bodies shared out over the machine's cores.
fn build_all(generator: &Generator, extras: ExtrasOf<'_>) -> Result<Vec<Built>, ServerError> {
    let bodies = generator.body_count();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let mut out: Vec<Option<Result<Built, ServerError>>> = (0..bodies).map(|_| None).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                scope.spawn(move || {
                    (w..bodies)
                        .step_by(workers)
                        .map(|b| (b, build(generator, b, extras)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for handle in handles {
            for (b, built) in handle.join().expect("a builder does not panic") {
                out[b] = Some(built);
            }
        }
    });
    out.into_iter()
        .map(|b| b.expect("every body built"))
        .collect()
}

fn build(generator: &Generator, b: usize, extras: ExtrasOf<'_>) -> Result<Built, ServerError> {
    let data = &generator.world.data;
    let names: HashMap<&str, &str> = (data.officers.iter())
        .map(|o| (o.credential_no.as_str(), o.name.as_str()))
        .collect();
    let name = |credential: &str| names.get(credential).copied().unwrap_or("").to_owned();
    let broken = |e: zhifa_core::cases::CaseError| ServerError::Config(format!("demo year: {e}"));
    let year = generator.body_year(b);
    let mut built = Built {
        cases: Vec::with_capacity(year.cases.len()),
        inspections: Vec::with_capacity(year.inspections.len()),
        blobs: Vec::new(),
        year: BodyYear::default(),
    };
    for (n, case) in year.cases.iter().enumerate() {
        let mut extra = extras(generator, &year, n)?;
        built.blobs.append(&mut extra.blobs);
        let mut doc = documents::case_doc(case, &name, &extra).map_err(broken)?;
        let file = CaseDoc::read_automerge(doc.automerge()).map_err(broken)?;
        let evidence = file.evidence.iter().map(|e| e.hash.clone()).collect();
        let id = (DocKind::Case, case.id.as_str(), year.body.as_str());
        let made = Made::new(id, doc.automerge(), &file.place_division, evidence);
        built.cases.push((made, file));
    }
    for (inspection, visit) in year.inspections.iter().zip(&year.visits) {
        let doc = documents::inspection_doc(inspection, visit, &name).map_err(broken)?;
        let mut doc = doc.into_automerge();
        let read = InspectionDoc::read_automerge(&mut doc).map_err(broken)?;
        let id = (
            DocKind::Inspection,
            inspection.id.as_str(),
            year.body.as_str(),
        );
        let made = Made::new(id, &mut doc, &read.division, Vec::new());
        built.inspections.push((made, read));
    }
    built.year = year;
    Ok(built)
}

fn write_body(
    tx: &mut dyn Tx,
    projector: &Projector,
    built: &Built,
    now: i64,
) -> Result<(), ServerError> {
    let body = built.year.body.as_str();
    for (at, content) in &built.blobs {
        evidence::store(tx, body, *at, content)?;
    }
    for (made, file) in &built.cases {
        docs::insert_made(tx, made)?;
        projector.case(tx, body, file, now)?;
    }
    for visit in &built.year.visits {
        store_events(tx, visit)?;
        index::event(tx, projector, &visit.record.id)?;
    }
    for (made, inspection) in &built.inspections {
        docs::insert_made(tx, made)?;
        projector.inspection(tx, body, inspection, now)?;
    }
    for feedback in &built.year.feedback {
        insert_feedback(tx, feedback)?;
    }
    Ok(())
}
