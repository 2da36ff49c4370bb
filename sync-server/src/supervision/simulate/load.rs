//! Loading a city-year into a server's database through the real projection: each body's
//! cases and inspections go through `index::Projector`, its visits and the enterprises'
//! verifications are stored as the event rows a sync would store and projected by
//! `index::event`, a few bodies per transaction. Feedback has no projection yet (the web
//! issue brings it): its rows are inserted as `sv_feedback` holds them.

use std::path::Path;
use std::time::Instant;

use sha2::{Digest, Sha256};

use super::config::CityYear;
use super::inspections::{Feedback, Visit};
use super::truth::Truth;
use super::year::{BodyYear, Generator};
use crate::error::ServerError;
use crate::storage::{transaction, Database, Tx, Value};
use crate::supervision::index::{self, Projector};

/// Bodies written per transaction.
const BODIES_PER_BATCH: usize = 8;

/// What a load wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Loaded {
    pub bodies: usize,
    pub cases: usize,
    pub inspections: usize,
    pub visits: usize,
    pub feedback: usize,
    pub millis: u128,
}

/// Generates the city-year of `config`, publishes its catalogue into `data_dir` (so the server
/// serves it), loads the year into `db` and writes `truth.json` beside it.
pub fn simulate(
    db: &dyn Database,
    data_dir: &Path,
    config: CityYear,
) -> Result<(Loaded, Truth), ServerError> {
    let generator = Generator::new(config).map_err(ServerError::Config)?;
    crate::server::open_catalogue(data_dir)?.publish(&generator.world.data)?;
    let (loaded, truth) = load(db, &generator)?;
    truth.write(data_dir)?;
    Ok((loaded, truth))
}

/// Generates and loads the whole year; the truth, with the cases found while generating.
pub fn load(db: &dyn Database, generator: &Generator) -> Result<(Loaded, Truth), ServerError> {
    let started = Instant::now();
    let projector = Projector::new(&generator.world.data);
    let now = super::inspections::noon(generator.config.as_of()).timestamp();
    let mut truth = generator.plan.truth.clone();
    let mut loaded = Loaded::default();
    let bodies: Vec<usize> = (0..generator.body_count()).collect();
    for batch in bodies.chunks(BODIES_PER_BATCH) {
        let years: Vec<BodyYear> = batch.iter().map(|&b| generator.body_year(b)).collect();
        transaction(db, |tx| {
            for year in &years {
                write_body(tx, &projector, year, now)?;
            }
            Ok(())
        })?;
        for year in years {
            loaded.bodies += 1;
            loaded.cases += year.cases.len();
            loaded.inspections += year.inspections.len();
            loaded.visits += year.visits.len();
            loaded.feedback += year.feedback.len();
            for (rule, expected) in year.truth {
                truth.add(&rule, expected);
            }
            for (rule, expected) in year.tolerated {
                truth.tolerate(&rule, expected);
            }
        }
    }
    transaction(db, |tx| {
        // The index is built: `serve` must not rebuild it from documents it has none of.
        tx.execute(
            "INSERT INTO counter (name, value) VALUES ('sv_index_built', $1)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            &[now.into()],
        )?;
        Ok(())
    })?;
    loaded.millis = started.elapsed().as_millis();
    Ok((loaded, truth))
}

fn write_body(
    tx: &mut dyn Tx,
    projector: &Projector,
    year: &BodyYear,
    now: i64,
) -> Result<(), ServerError> {
    for case in &year.cases {
        projector.case(tx, &year.body, case, now)?;
    }
    for visit in &year.visits {
        store_events(tx, visit)?;
        index::event(tx, projector, &visit.record.id)?;
    }
    for inspection in &year.inspections {
        projector.inspection(tx, &year.body, inspection, now)?;
    }
    for feedback in &year.feedback {
        insert_feedback(tx, feedback)?;
    }
    Ok(())
}

/// The visit and the enterprise's check as the event rows a sync stores. The simulation has
/// no device keys: `signed` holds the record's CBOR unsigned, and the signer columns say
/// whose device would have signed it.
pub(super) fn store_events(tx: &mut dyn Tx, visit: &Visit) -> Result<(), ServerError> {
    let record = &visit.record;
    insert_event(
        tx,
        EventRow {
            id: &record.id,
            kind: "visit",
            signer_kind: "officer",
            signer: &record.officer,
            credit_code: &record.credit_code,
            credential_no: &record.officer,
            step: record.step as i64,
            ok: true,
            at: record.opened_at.timestamp(),
        },
        cbor(record)?,
    )?;
    if let Some(check) = &visit.verification {
        insert_event(
            tx,
            EventRow {
                id: &check.id,
                kind: "code_verification",
                signer_kind: "enterprise",
                signer: &record.credit_code,
                credit_code: &record.credit_code,
                credential_no: check.credential_no.as_deref().unwrap_or(""),
                step: check.step.map_or(-1, |s| s as i64),
                ok: check.refusal.is_none(),
                at: check.verified_at.timestamp(),
            },
            cbor(check)?,
        )?;
    }
    Ok(())
}

struct EventRow<'a> {
    id: &'a str,
    kind: &'a str,
    signer_kind: &'a str,
    signer: &'a str,
    credit_code: &'a str,
    credential_no: &'a str,
    step: i64,
    ok: bool,
    at: i64,
}

fn insert_event(tx: &mut dyn Tx, event: EventRow<'_>, signed: Vec<u8>) -> Result<(), ServerError> {
    let digest = Sha256::digest(&signed).to_vec();
    tx.execute(
        "INSERT INTO event (id, kind, key_id, signer_kind, signer, digest, signed, credit_code,
         credential_no, step, ok, at_time, received_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (id) DO NOTHING",
        &[
            event.id.into(),
            event.kind.into(),
            format!("sim-{}", event.signer).into(),
            event.signer_kind.into(),
            event.signer.into(),
            Value::Bytes(digest),
            Value::Bytes(signed),
            event.credit_code.into(),
            event.credential_no.into(),
            event.step.into(),
            Value::Int(event.ok.into()),
            event.at.into(),
            event.at.into(),
        ],
    )?;
    Ok(())
}

fn cbor(value: &impl serde::Serialize) -> Result<Vec<u8>, ServerError> {
    let mut out = Vec::new();
    ciborium::into_writer(value, &mut out).map_err(|_| ServerError::Decode)?;
    Ok(out)
}

pub(super) fn insert_feedback(tx: &mut dyn Tx, feedback: &Feedback) -> Result<(), ServerError> {
    tx.execute(
        "INSERT INTO sv_feedback (id, kind, body, district, officer, visit_id, score, text, on_day, verified)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1) ON CONFLICT (id) DO NOTHING",
        &[
            feedback.id.as_str().into(),
            if feedback.complaint { "complaint" } else { "rating" }.into(),
            feedback.body.as_str().into(),
            feedback.district.as_str().into(),
            feedback.officer.as_str().into(),
            feedback.visit_id.as_str().into(),
            feedback.score.map_or(Value::Null, Value::Int),
            feedback.text.as_str().into(),
            feedback.day.to_string().into(),
        ],
    )?;
    Ok(())
}
