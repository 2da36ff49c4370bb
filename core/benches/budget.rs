//! The work budget's own cost (`sync::budget`): measuring a realistic message before it is
//! applied, beside what applying the same message costs.
//!
//! cargo bench -p zhifa-core --bench budget

use automerge::sync::{Message, State, SyncDoc};
use automerge::{AutoCommit, ReadDoc};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use zhifa_core::cases::{CaseDoc, CaseEdit, CaseKind};
use zhifa_core::discretion::{Fact, FactValue};
use zhifa_core::sync::budget;

/// A long-lived case file: 300 edits of findings and facts, each its own change.
fn case_file() -> AutoCommit {
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let id = "01890f3c-0000-7000-8000-000000000001";
    let mut doc = CaseDoc::create(id, CaseKind::Ordinary, "DQ-116", "500103", day, day).unwrap();
    for i in 0..300 {
        let line = CaseEdit::AppendFindings(format!("第{i}项：现场检查发现问题，已拍照记录。"));
        let fact = CaseEdit::SetFact(Fact::new("priors_12m", FactValue::Int(i % 3)));
        doc.apply(&[line, fact]).unwrap();
    }
    doc.automerge().clone()
}

/// The message that carries the whole document to a replica holding none of it, with its
/// changes as change chunks (V1) or as one document chunk (V2).
fn messages(doc: &mut AutoCommit) -> (Message, Message) {
    let mut v1 = doc.sync().generate_sync_message(&mut State::new()).unwrap();
    let mut v2 = v1.clone();
    v1.changes = doc
        .get_changes(&[])
        .into_iter()
        .map(|mut c| c.bytes().into_owned())
        .collect::<Vec<_>>()
        .into();
    v2.changes = doc.save().into();
    (v1, v2)
}

fn benches(c: &mut Criterion) {
    let mut doc = case_file();
    let (v1, v2) = messages(&mut doc);
    let ops = doc.stats().num_ops;
    // One more edit, as a device sends it to a server that holds the rest.
    let mut edited = CaseDoc::load(&doc.save()).unwrap();
    let before = edited.automerge().get_heads();
    edited
        .apply(&[CaseEdit::AppendFindings("补充：当事人到场。".into())])
        .unwrap();
    let mut one_edit = v1.clone();
    one_edit.changes = edited
        .automerge()
        .get_changes(&before)
        .into_iter()
        .map(|c| c.raw_bytes().to_vec())
        .collect::<Vec<_>>()
        .into();
    let mut group = c.benchmark_group("budget");
    group.bench_function("measure_one_edit", |b| {
        b.iter(|| budget::check(&one_edit, budget::Held { ops, changes: 0 }).unwrap())
    });
    group.bench_function(format!("measure_changes_{ops}_ops"), |b| {
        b.iter(|| budget::check(&v1, budget::Held::default()).unwrap())
    });
    group.bench_function(format!("measure_document_{ops}_ops"), |b| {
        b.iter(|| budget::check(&v2, budget::Held::default()).unwrap())
    });
    group.bench_function(format!("apply_changes_{ops}_ops"), |b| {
        b.iter_batched(
            || (AutoCommit::new(), State::new(), v1.clone()),
            |(mut replica, mut state, message)| {
                replica
                    .sync()
                    .receive_sync_message(&mut state, message)
                    .unwrap()
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group!(budget_benches, benches);
criterion_main!(budget_benches);
