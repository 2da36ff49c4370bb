//! The hand-made index: row builders for the supervision tables, a deterministic generator
//! for natural variation, and running one rule.

use chrono::NaiveDate;
use zhifa_sync_server::server;
use zhifa_sync_server::storage::{transaction, Database, Tx, Value};
use zhifa_sync_server::supervision::warnings::{self, Filter, Rules, Warning};
use zhifa_sync_server::supervision::Scope;

use super::support;

pub fn each_backend(name: &str, test: impl Fn(&dyn Database)) {
    for scratch in support::backends(name) {
        let dir = tempfile::tempdir().unwrap();
        let db =
            server::open_database(dir.path(), scratch.as_ref().map(|s| s.url.as_str())).unwrap();
        test(db.as_ref());
    }
}

pub fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

pub const AS_OF: &str = "2026-11-30";

/// The month `back` months before November 2026, as `YYYY-MM`.
pub fn month_back(back: i32) -> String {
    let index = 2026 * 12 + 10 - back;
    format!("{:04}-{:02}", index / 12, index % 12 + 1)
}

/// A small deterministic generator, for natural variation that is the same on every run.
pub struct Draws(pub u64);

impl Draws {
    pub fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn between(&mut self, low: i64, high: i64) -> i64 {
        low + (self.next() * (high - low + 1) as f64) as i64
    }

    /// Poisson by Knuth's method.
    pub fn poisson(&mut self, mean: f64) -> i64 {
        let (limit, mut product, mut count) = ((-mean).exp(), 1.0, -1);
        while product > limit {
            product *= self.next();
            count += 1;
        }
        count
    }
}

/// One `sv_case` row; what a test does not set is a plain decided ordinary case.
#[derive(Clone)]
pub struct Case {
    pub doc_id: String,
    pub body: String,
    pub violation: String,
    pub baseline_row: String,
    pub case_number: String,
    pub kind: &'static str,
    pub filed_on: Option<String>,
    pub due_on: Option<String>,
    pub decided_on: Option<String>,
    pub closed_on: Option<String>,
    pub legal_review_on: Option<String>,
    pub collective_on: Option<String>,
    pub fine: i64,
    pub band: Option<(i64, i64)>,
    pub departure: i64,
    pub departure_reason: String,
    pub legal_review_required: i64,
    pub collective_required: i64,
    pub extended: i64,
    pub officers: Vec<String>,
}

pub fn case(doc_id: &str, body: &str) -> Case {
    Case {
        doc_id: doc_id.into(),
        body: body.into(),
        violation: "V-占道经营".into(),
        baseline_row: "R1".into(),
        case_number: format!("渝({body})罚〔2026〕{doc_id}号"),
        kind: "ordinary",
        filed_on: None,
        due_on: None,
        decided_on: None,
        closed_on: None,
        legal_review_on: None,
        collective_on: None,
        fine: 0,
        band: None,
        departure: 0,
        departure_reason: String::new(),
        legal_review_required: 0,
        collective_required: 0,
        extended: 0,
        officers: Vec::new(),
    }
}

impl Case {
    pub fn decided(mut self, on: &str, fine: i64) -> Case {
        self.decided_on = Some(on.into());
        self.fine = fine;
        self
    }

    pub fn insert(&self, tx: &mut dyn Tx) {
        let text = |v: &Option<String>| v.clone().map(Value::Text).unwrap_or(Value::Null);
        let int = |v: Option<i64>| v.map(Value::Int).unwrap_or(Value::Null);
        let district = self.body[..6].to_owned();
        let columns: Vec<(&str, Value)> = vec![
            ("doc_id", self.doc_id.clone().into()),
            ("body", self.body.clone().into()),
            ("district", district.into()),
            ("place", "".into()),
            ("town", "".into()),
            ("sector", "城管".into()),
            ("item", "item-1".into()),
            ("violation", self.violation.clone().into()),
            ("case_number", self.case_number.clone().into()),
            ("kind", self.kind.into()),
            ("status", "decided".into()),
            ("party_kind", "person".into()),
            ("enterprise", "".into()),
            ("filed_on", text(&self.filed_on)),
            ("legal_review_on", text(&self.legal_review_on)),
            ("collective_on", text(&self.collective_on)),
            ("decided_on", text(&self.decided_on)),
            ("closed_on", text(&self.closed_on)),
            ("due_on", text(&self.due_on)),
            ("extended", self.extended.into()),
            ("steps", 8.into()),
            ("outcome", "penalty".into()),
            ("baseline_row", self.baseline_row.clone().into()),
            ("band_min", int(self.band.map(|b| b.0))),
            ("band_max", int(self.band.map(|b| b.1))),
            ("statutory_max", int(Some(10_000))),
            ("penalty", i64::from(self.fine > 0).into()),
            ("fine", self.fine.into()),
            ("confiscated", 0.into()),
            ("departure", self.departure.into()),
            ("departure_reason", self.departure_reason.clone().into()),
            ("no_penalty", "".into()),
            ("measures", "".into()),
            ("legal_review_required", self.legal_review_required.into()),
            ("collective_required", self.collective_required.into()),
            ("hearing_due", 0.into()),
            ("hearing_offered", 0.into()),
            ("on_the_spot_paid", 0.into()),
            ("late_fee", 0.into()),
            ("transferred", 0.into()),
            ("services", 1.into()),
            ("evidence", 3.into()),
            ("evidence_missing", 0.into()),
            ("acting_officers", 2.into()),
            ("uncredentialed", 0.into()),
            ("out_of_jurisdiction", 0.into()),
            ("updated_at", 0.into()),
        ];
        insert(tx, "sv_case", columns);
        for officer in &self.officers {
            insert(
                tx,
                "sv_case_officer",
                vec![
                    ("doc_id", self.doc_id.clone().into()),
                    ("credential_no", officer.clone().into()),
                    ("name", "执法员".into()),
                    ("acting", 1.into()),
                    ("credentialed", 1.into()),
                ],
            );
        }
    }
}

/// An INSERT of the columns given, a NULL written as such (PostgreSQL binds no untyped NULL).
pub fn insert(tx: &mut dyn Tx, table: &str, columns: Vec<(&str, Value)>) {
    let names: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
    let mut params = Vec::new();
    let values: Vec<String> = columns
        .into_iter()
        .map(|(_, v)| {
            if v == Value::Null {
                "NULL".to_owned()
            } else {
                params.push(v);
                format!("${}", params.len())
            }
        })
        .collect();
    tx.execute(
        &format!(
            "INSERT INTO {table} ({}) VALUES ({})",
            names.join(", "),
            values.join(", ")
        ),
        &params,
    )
    .unwrap();
}

pub fn inspection(
    tx: &mut dyn Tx,
    doc_id: &str,
    body: &str,
    enterprise: &str,
    grade: &str,
    on: &str,
) {
    insert(
        tx,
        "sv_inspection",
        vec![
            ("doc_id", doc_id.into()),
            ("body", body.into()),
            ("district", body[..6].into()),
            ("plan_id", "plan-1".into()),
            ("planned", 1.into()),
            ("enterprise", enterprise.into()),
            ("grade", grade.into()),
            ("division", body[..6].into()),
            ("officers", "渝1,渝2".into()),
            ("items", 5.into()),
            ("checked", 5.into()),
            ("findings", 0.into()),
            ("visit_id", format!("visit-{doc_id}").into()),
            ("visited_on", on.into()),
            ("updated_at", 0.into()),
        ],
    );
}

pub fn visit(
    tx: &mut dyn Tx,
    id: &str,
    officer: &str,
    body: &str,
    on: &str,
    verified: i64,
    refused: i64,
) {
    insert(
        tx,
        "sv_visit",
        vec![
            ("visit_id", id.into()),
            ("officer", officer.into()),
            ("body", body.into()),
            ("district", body[..6].into()),
            ("enterprise", "91500000MA000000XX".into()),
            ("visited_on", on.into()),
            ("verified", verified.into()),
            ("code_refused", refused.into()),
        ],
    );
}

pub fn complaint(tx: &mut dyn Tx, id: &str, body: &str, officer: &str, on: &str) {
    insert(
        tx,
        "sv_feedback",
        vec![
            ("id", id.into()),
            ("kind", "complaint".into()),
            ("body", body.into()),
            ("district", body[..6].into()),
            ("officer", officer.into()),
            ("visit_id", "".into()),
            ("text", "态度粗暴".into()),
            ("on_day", on.into()),
            ("verified", 1.into()),
        ],
    );
}

pub fn fill(db: &dyn Database, work: impl Fn(&mut dyn Tx)) {
    transaction(db, |tx| {
        work(tx);
        Ok(())
    })
    .unwrap();
}

/// Runs one rule and returns its warnings (all of them, city scope).
pub fn fired(db: &dyn Database, rule: &str) -> Vec<Warning> {
    let rules = Rules::builtin().only(&[rule.to_owned()]);
    assert_eq!(rules.rules.len(), 1, "rule {rule} is shipped");
    warnings::run(db, &rules, day(AS_OF)).unwrap();
    let filter = Filter {
        rule: Some(rule.into()),
        ..Filter::default()
    };
    let mut found = transaction(db, |tx| warnings::list(tx, &Scope::City, &filter)).unwrap();
    found.sort_by(|a, b| (&a.scope, &a.period).cmp(&(&b.scope, &b.period)));
    found
}

pub fn scopes(found: &[Warning]) -> Vec<(String, String)> {
    found
        .iter()
        .map(|w| (w.scope.clone(), w.period.clone()))
        .collect()
}
