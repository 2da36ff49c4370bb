//! Index rows for the indicator tests: each table's defaults, so that a test states only
//! what matters, and the helpers that load them into each backend and read figures back.
#![allow(dead_code)]

use std::sync::Arc;

use zhifa_sync_server::server::open_database;
use zhifa_sync_server::storage::{transaction, Database, Value};
use zhifa_sync_server::supervision::indicators::{
    cases_behind, compute, Figure, Indicators, Level, Period, PeriodKind, Query,
};
use zhifa_sync_server::supervision::Scope;

use crate::support;

/// One index row: the table's defaults, then what a test sets.
pub struct Rec {
    pub table: &'static str,
    pub columns: Vec<(&'static str, Value)>,
}

impl Rec {
    pub fn new(table: &'static str, defaults: &[(&'static str, Value)]) -> Rec {
        Rec {
            table,
            columns: defaults.to_vec(),
        }
    }

    pub fn set(mut self, column: &'static str, value: impl Into<Value>) -> Rec {
        match self.columns.iter_mut().find(|(c, _)| *c == column) {
            Some(slot) => slot.1 = value.into(),
            None => self.columns.push((column, value.into())),
        }
        self
    }

    /// Sets the date columns `columns` (`decided_on=2025-03-31,filed_on=…`).
    pub fn on(mut self, dates: &str) -> Rec {
        for pair in dates.split(',') {
            let (column, day) = pair.split_once('=').unwrap();
            let column: &'static str = Box::leak(column.trim().to_owned().into_boxed_str());
            self = self.set(column, day.trim());
        }
        self
    }
}

pub fn case(id: &str) -> Rec {
    let mut defaults: Vec<(&'static str, Value)> = vec![
        ("doc_id", id.into()),
        ("body", "b1".into()),
        ("district", "500103".into()),
        ("sector", "市场监管".into()),
        ("violation", "v1".into()),
        ("case_number", format!("N-{id}").into()),
        ("kind", "ordinary".into()),
        ("status", "decided".into()),
        ("party_kind", "organisation".into()),
        ("outcome", "penalty".into()),
        ("acting_officers", 2.into()),
    ];
    for text in [
        "place",
        "town",
        "item",
        "enterprise",
        "baseline_row",
        "departure_reason",
        "no_penalty",
        "measures",
    ] {
        defaults.push((text, "".into()));
    }
    for int in [
        "extended",
        "steps",
        "penalty",
        "fine",
        "confiscated",
        "departure",
        "legal_review_required",
        "collective_required",
        "hearing_due",
        "hearing_offered",
        "on_the_spot_paid",
        "late_fee",
        "transferred",
        "services",
        "evidence",
        "evidence_missing",
        "uncredentialed",
        "out_of_jurisdiction",
        "updated_at",
    ] {
        defaults.push((int, 0.into()));
    }
    Rec::new("sv_case", &defaults)
}

pub fn officer(doc: &str, credential: &str, acting: i64) -> Rec {
    Rec::new(
        "sv_case_officer",
        &[
            ("doc_id", doc.into()),
            ("credential_no", credential.into()),
            ("name", format!("执法员{credential}").into()),
            ("acting", acting.into()),
            ("credentialed", 1.into()),
        ],
    )
}

pub fn inspection(id: &str, body: &str, enterprise: &str, grade: &str, day: &str) -> Rec {
    Rec::new(
        "sv_inspection",
        &[
            ("doc_id", id.into()),
            ("body", body.into()),
            ("district", "500103".into()),
            ("plan_id", "p1".into()),
            ("planned", 1.into()),
            ("enterprise", enterprise.into()),
            ("grade", grade.into()),
            ("division", "500103".into()),
            ("officers", "o1,o2".into()),
            ("items", 5.into()),
            ("checked", 5.into()),
            ("findings", 0.into()),
            ("visit_id", "".into()),
            ("visited_on", day.into()),
            ("updated_at", 0.into()),
        ],
    )
}

pub fn visit(id: &str, officer: &str, body: &str, verified: i64) -> Rec {
    Rec::new(
        "sv_visit",
        &[
            ("visit_id", id.into()),
            ("officer", officer.into()),
            ("body", body.into()),
            ("district", "500103".into()),
            ("enterprise", "E1".into()),
            ("visited_on", "2025-05-01".into()),
            ("verified", verified.into()),
            ("code_refused", 0.into()),
        ],
    )
}

pub fn feedback(id: &str, kind: &str, body: &str, score: Option<i64>) -> Rec {
    Rec::new(
        "sv_feedback",
        &[
            ("id", id.into()),
            ("kind", kind.into()),
            ("body", body.into()),
            ("district", "500103".into()),
            ("officer", "o1".into()),
            ("visit_id", "".into()),
            ("score", score.map_or(Value::Null, Value::Int)),
            ("text", "".into()),
            ("on_day", "2025-05-02".into()),
            ("verified", 1.into()),
        ],
    )
}

pub fn review(doc: &str, score: i64, defects: &str) -> Rec {
    Rec::new(
        "sv_review",
        &[
            ("sample_id", "s1".into()),
            ("doc_id", doc.into()),
            ("body", "b1".into()),
            ("score", score.into()),
            ("defects", defects.into()),
            ("reviewer", "评查员".into()),
            ("reviewed_at", 0.into()),
        ],
    )
}

pub fn outcome(case_number: &str, kind: &str, result: &str, day: &str) -> Rec {
    Rec::new(
        "sv_outcome",
        &[
            ("case_number", case_number.into()),
            ("kind", kind.into()),
            ("result", result.into()),
            ("decided_on", day.into()),
            ("source", "复议机关".into()),
            ("imported_at", 0.into()),
        ],
    )
}

pub fn device(key: &str, last_sync: i64) -> Rec {
    Rec::new(
        "sv_device_seen",
        &[
            ("key_id", key.into()),
            ("body", "b1".into()),
            ("district", "500103".into()),
            ("last_sync", last_sync.into()),
        ],
    )
}

/// Each backend with `rows` inserted, in turn.
pub fn each_backend(test: &str, rows: Vec<Rec>, check: impl Fn(&dyn Database)) {
    for scratch in support::backends(test) {
        let dir = tempfile::tempdir().unwrap();
        let db: Arc<dyn Database> =
            open_database(dir.path(), scratch.as_ref().map(|s| s.url.as_str())).unwrap();
        transaction(db.as_ref(), |tx| {
            for row in &rows {
                // NULL is each column's default: left out rather than bound untyped.
                let set: Vec<&(&str, Value)> = row
                    .columns
                    .iter()
                    .filter(|(_, v)| *v != Value::Null)
                    .collect();
                let names: Vec<&str> = set.iter().map(|(c, _)| *c).collect();
                let marks: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
                let values: Vec<Value> = set.iter().map(|(_, v)| v.clone()).collect();
                let sql = format!(
                    "INSERT INTO {} ({}) VALUES ({})",
                    row.table,
                    names.join(", "),
                    marks.join(", ")
                );
                tx.execute(&sql, &values)?;
            }
            Ok(())
        })
        .unwrap();
        check(db.as_ref());
    }
}

pub fn query(level: Level, kind: PeriodKind, from: &str, to: &str) -> Query {
    Query {
        level,
        period: Period::new(kind, from, to).unwrap(),
        scope: Scope::City,
        parent: None,
    }
}

pub fn year(level: Level) -> Query {
    query(level, PeriodKind::Year, "2025-01-01", "2025-12-31")
}

pub fn figures(db: &dyn Database, id: &str, q: &Query) -> Vec<Figure> {
    let ind = Indicators::builtin()
        .get(id)
        .unwrap_or_else(|| panic!("{id}"));
    transaction(db, |tx| compute(tx, ind, q)).unwrap_or_else(|e| panic!("{id}: {e}"))
}

/// The figures of `id` as (key, period, value), values rounded to 1/1000.
pub fn values(db: &dyn Database, id: &str, q: &Query) -> Vec<(String, String, Option<f64>)> {
    figures(db, id, q)
        .into_iter()
        .map(|f| {
            let value = f.value.map(|v| (v * 1000.0).round() / 1000.0);
            (f.key, f.period, value)
        })
        .collect()
}

/// The one city-wide yearly figure of `id` for 2025.
pub fn city(db: &dyn Database, id: &str) -> Option<f64> {
    let all = values(db, id, &year(Level::City));
    assert!(all.len() <= 1, "{id}: {all:?}");
    all.first().and_then(|(_, _, v)| *v)
}

pub fn expect(rows: &[(&str, &str, f64)]) -> Vec<(String, String, Option<f64>)> {
    rows.iter()
        .map(|(k, p, v)| ((*k).to_owned(), (*p).to_owned(), Some(*v)))
        .collect()
}

pub fn behind(db: &dyn Database, id: &str, q: &Query, key: &str) -> Vec<String> {
    let ind = Indicators::builtin().get(id).unwrap();
    transaction(db, |tx| cases_behind(tx, ind, q, key, None, 100)).unwrap()
}
