//! Projecting one case document change into the supervision index (budget ≤ 1 ms): the case
//! read from its Automerge document, the discretion engine run over its facts, the `sv_case`
//! and `sv_case_officer` rows written on SQLite. `in_round` is what the projection adds to a
//! device's round (inside its open transaction); `committed` includes a commit of its own.
//!
//! cargo bench -p zhifa-sync-server --bench projection

use std::time::Duration;

use automerge::AutoCommit;
use chrono::Datelike;
use criterion::{criterion_group, criterion_main, Criterion};
use zhifa_core::cases::numbers::CaseNumberBlock;
use zhifa_core::cases::{CaseEdit, CaseKind, Step};
use zhifa_core::discretion::{Fact, FactValue};
use zhifa_core::sync::DocKind;
use zhifa_core::testing::{demo_catalogue, officers, person, today, Phone};
use zhifa_sync_server::storage::{transaction, Database, SqliteDatabase};
use zhifa_sync_server::supervision::index::Projector;

const HEAD: &str = "渝50010320029";

fn fact(name: &str, value: impl Into<FactValue>) -> CaseEdit {
    CaseEdit::SetFact(Fact::new(name, value))
}

/// A filed and notified ordinary case with its facts, parties, officers and a penalty chosen:
/// the document as the server holds it mid-procedure.
fn notified_case() -> (String, AutoCommit) {
    let phone = Phone::demo();
    phone.on_duty("渝50010320021");
    let cases = phone.device.cases();
    let day = today();
    let id = cases
        .create(CaseKind::Ordinary, "DQ-118-3", "500103", day, day)
        .unwrap()
        .id;
    let mut edits = officers();
    edits.push(CaseEdit::AddParty(person()));
    for (name, value) in [
        ("criminal_referral", FactValue::from(false)),
        ("no_fault_proven", false.into()),
        ("minor_act", false.into()),
        ("removed_harm", false.into()),
        ("coerced", false.into()),
        ("confessed", false.into()),
        ("meritorious", false.into()),
        ("age", 40i64.into()),
        ("capacity", "full".into()),
        ("first_offence", false.into()),
        ("harm", "general".into()),
        ("correction", "refused".into()),
        ("priors_12m", 0i64.into()),
        ("pollution_alert", false.into()),
        ("property_value", 300i64.into()),
        ("illegal_gains", 0i64.into()),
    ] {
        edits.push(fact(name, value));
    }
    edits.push(CaseEdit::AppendFindings(
        "当事人在禁止区域内露天烧烤食品。".into(),
    ));
    cases.edit(&id, &edits).unwrap();
    cases
        .add_number_block(&CaseNumberBlock {
            prefix: "渝中城管罚".into(),
            year: day.year(),
            first: 1,
            last: 9,
        })
        .unwrap();
    cases.assign_number(&id, "渝中城管罚").unwrap();
    cases
        .step(
            &id,
            &Step::File {
                approver: HEAD.into(),
            },
        )
        .unwrap();
    cases.choose_penalty(&id, Some(12_000), None).unwrap();
    cases.step(&id, &Step::Notify).unwrap();
    let doc = AutoCommit::load(&cases.snapshot(&id).unwrap()).unwrap();
    (id, doc)
}

fn benches(c: &mut Criterion) {
    let (id, doc) = notified_case();
    let projector = Projector::new(&demo_catalogue());
    let dir = tempfile::tempdir().unwrap();
    let db = SqliteDatabase::open(&dir.path().join("sync.sqlite3")).unwrap();
    let now = chrono::Utc::now().timestamp();
    let change = (DocKind::Case, id.as_str(), "B500103003");

    let mut group = c.benchmark_group("projection");
    group.measurement_time(Duration::from_secs(5));
    transaction(&db, |tx| {
        group.bench_function("case_change_in_round", |b| {
            b.iter(|| {
                let mut held = doc.clone();
                assert!(projector.document(tx, change, &mut held, now).unwrap());
            })
        });
        Ok(())
    })
    .unwrap();
    group.bench_function("case_change_committed", |b| {
        b.iter(|| {
            let mut held = doc.clone();
            let db: &dyn Database = &db;
            transaction(db, |tx| projector.document(tx, change, &mut held, now)).unwrap()
        })
    });
    // What reading the document alone costs, for comparison.
    group.bench_function("case_read_only", |b| {
        b.iter(|| {
            let mut held = doc.clone();
            zhifa_core::cases::CaseDoc::read_automerge(&mut held).unwrap()
        })
    });
    group.finish();
}

criterion_group!(projection, benches);
criterion_main!(projection);
