//! The warning rules on small hand-made indexes, on SQLite and PostgreSQL: each rule fires on
//! its anomaly and stays silent on normal data (natural variation included); runs are
//! idempotent; the lifecycle allows only its steps and records them; a district supervisor
//! neither sees nor acts on another district's warning; the 监督意见书 renders, escaped.

mod support;

use chrono::NaiveDate;
use zhifa_sync_server::server;
use zhifa_sync_server::storage::{transaction, Database, Tx, Value};
use zhifa_sync_server::supervision::warnings::{
    self, Action, Filter, Rules, Warning, WarningError,
};
use zhifa_sync_server::supervision::Scope;

fn each_backend(name: &str, test: impl Fn(&dyn Database)) {
    for scratch in support::backends(name) {
        let dir = tempfile::tempdir().unwrap();
        let db =
            server::open_database(dir.path(), scratch.as_ref().map(|s| s.url.as_str())).unwrap();
        test(db.as_ref());
    }
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

const AS_OF: &str = "2026-11-30";

/// The month `back` months before November 2026, as `YYYY-MM`.
fn month_back(back: i32) -> String {
    let index = 2026 * 12 + 10 - back;
    format!("{:04}-{:02}", index / 12, index % 12 + 1)
}

/// A small deterministic generator, for natural variation that is the same on every run.
struct Draws(u64);

impl Draws {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    fn between(&mut self, low: i64, high: i64) -> i64 {
        low + (self.next() * (high - low + 1) as f64) as i64
    }

    /// Poisson by Knuth's method.
    fn poisson(&mut self, mean: f64) -> i64 {
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
struct Case {
    doc_id: String,
    body: String,
    violation: String,
    baseline_row: String,
    case_number: String,
    kind: &'static str,
    filed_on: Option<String>,
    due_on: Option<String>,
    decided_on: Option<String>,
    closed_on: Option<String>,
    legal_review_on: Option<String>,
    collective_on: Option<String>,
    fine: i64,
    band: Option<(i64, i64)>,
    departure: i64,
    departure_reason: String,
    legal_review_required: i64,
    collective_required: i64,
    extended: i64,
    officer: Option<String>,
}

fn case(doc_id: &str, body: &str) -> Case {
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
        officer: None,
    }
}

impl Case {
    fn decided(mut self, on: &str, fine: i64) -> Case {
        self.decided_on = Some(on.into());
        self.fine = fine;
        self
    }

    fn insert(&self, tx: &mut dyn Tx) {
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
        if let Some(officer) = &self.officer {
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
fn insert(tx: &mut dyn Tx, table: &str, columns: Vec<(&str, Value)>) {
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

fn inspection(tx: &mut dyn Tx, doc_id: &str, body: &str, enterprise: &str, grade: &str, on: &str) {
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

fn visit(
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

fn complaint(tx: &mut dyn Tx, id: &str, body: &str, officer: &str, on: &str) {
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

fn fill(db: &dyn Database, work: impl Fn(&mut dyn Tx)) {
    transaction(db, |tx| {
        work(tx);
        Ok(())
    })
    .unwrap();
}

/// Runs one rule and returns its warnings (all of them, city scope).
fn fired(db: &dyn Database, rule: &str) -> Vec<Warning> {
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

fn scopes(found: &[Warning]) -> Vec<(String, String)> {
    found
        .iter()
        .map(|w| (w.scope.clone(), w.period.clone()))
        .collect()
}

// ---------------------------------------------------------------- money

#[test]
fn fine_income_surge_fires_on_the_jump_and_not_on_seasons_or_a_flat_series() {
    each_backend("sv_warn_income", |db| {
        fill(db, |tx| {
            let mut n = 0;
            for back in 0..24 {
                let month = month_back(back);
                // A seasonal body: ±30 % over the year, never a jump.
                let seasonal = 12_000.0 * (1.0 + 0.3 * ((back as f64) * 0.52).sin());
                let anomalous = if back == 0 { 86_000 } else { seasonal as i64 };
                for (body, amount) in [
                    ("500103-seasonal", seasonal as i64),
                    ("500103-jump", anomalous),
                    // Flat for two years (MAD 0), then a little higher: the floor holds.
                    ("500104-flat", if back == 0 { 13_000 } else { 12_000 }),
                ] {
                    // Each month's income in two decisions.
                    for half in [amount / 2, amount - amount / 2] {
                        n += 1;
                        case(&format!("c{n}"), body)
                            .decided(&format!("{month}-10"), half)
                            .insert(tx);
                    }
                }
            }
        });
        let found = fired(db, "fine_income_surge");
        assert_eq!(
            scopes(&found),
            vec![("500103-jump".to_owned(), "2026-11".to_owned())],
            "{}",
            db.backend()
        );
        let warning = &found[0];
        assert!(
            warning
                .why
                .starts_with("2026年11月罚没收入 86,000 元，过去12个月中位数"),
            "{}",
            warning.why
        );
        assert!(warning.why.ends_with("超过阈值 3.5"), "{}", warning.why);
        assert!(warning.figures["robust_z"].as_f64().unwrap() > 3.5);
        assert_eq!(warning.cases.len(), 2);
        assert_eq!(
            (warning.district.as_str(), warning.severity.as_str()),
            ("500103", "high")
        );
    });
}

#[test]
fn quota_regularity_fires_on_the_quota_town_not_on_poisson_bodies() {
    each_backend("sv_warn_quota", |db| {
        fill(db, |tx| {
            let mut draws = Draws(0x9e3779b97f4a7c15);
            let mut n = 0;
            let mut add = |tx: &mut dyn Tx, body: &str, month: &str, fine: i64| {
                n += 1;
                case(&format!("q{n}"), body)
                    .decided(&format!("{month}-{:02}", 1 + n % 27), fine)
                    .insert(tx);
            };
            for back in 0..12 {
                let month = month_back(back);
                // The quota town: 2–3 penalties, 2,000–2,500 yuan a month.
                let count = 2 + back % 2;
                let total = 2_000 + (back as i64 * 37) % 500;
                for i in 0..count {
                    add(tx, "500103-quota", &month, total / count as i64 + i as i64);
                }
                // A small ordinary body: Poisson(2.5) counts, fines as the facts come.
                for _ in 0..draws.poisson(2.5).max(0) {
                    add(tx, "500103-small", &month, draws.between(2, 50) * 100);
                }
                // A big steady body: Poisson(60) counts.
                for _ in 0..draws.poisson(60.0) {
                    add(tx, "500104-big", &month, draws.between(2, 50) * 100);
                }
                // Steady counts but amounts as the facts come: not a quota on money.
                for _ in 0..2 + back % 2 {
                    add(tx, "500104-counts", &month, draws.between(2, 50) * 100);
                }
            }
        });
        let found = fired(db, "quota_regularity");
        assert_eq!(
            scopes(&found),
            vec![("500103-quota".to_owned(), "2025-12..2026-11".to_owned())],
            "{}",
            db.backend()
        );
        let why = &found[0].why;
        assert!(why.contains("每月处罚 2–3 件"), "{why}");
        assert!(why.contains("疑似按指标执法"), "{why}");
        assert!(found[0].figures["dispersion_index"].as_f64().unwrap() < 0.35);
        assert_eq!(found[0].cases.len(), 30);
    });
}

// ---------------------------------------------------------------- discretion

#[test]
fn baseline_departures_fire_above_the_rate_with_enough_decisions() {
    each_backend("sv_warn_departure", |db| {
        fill(db, |tx| {
            let mut n = 0;
            // (body, officer, decided, departures)
            for (body, officer, decided, departed) in [
                ("500103-often", "渝often", 30, 6),
                ("500103-rare", "渝rare", 30, 1),
                ("500104-small", "渝small", 5, 3),
            ] {
                for i in 0..decided {
                    n += 1;
                    let mut c = case(&format!("d{n}"), body)
                        .decided(&format!("2026-{:02}-15", 1 + i % 11), 1_500);
                    c.band = Some((500, 2_000));
                    c.officer = Some(officer.into());
                    if i < departed {
                        c.departure = 1;
                        c.fine = 5_000;
                        c.departure_reason = if i == 0 {
                            "情节严重".into()
                        } else {
                            String::new()
                        };
                    }
                    c.insert(tx);
                }
            }
            // Without a matched band a case is no departure measure.
            let mut unmatched = case("d-unmatched", "500103-rare").decided("2026-06-01", 9_000);
            unmatched.departure = 1;
            unmatched.baseline_row = String::new();
            unmatched.insert(tx);
        });
        let bodies = fired(db, "baseline_departure_body");
        assert_eq!(bodies.len(), 1, "{}", db.backend());
        assert_eq!(bodies[0].scope, "500103-often");
        assert!(
            bodies[0].why.contains("超出基准幅度 6 件（20.0%）"),
            "{}",
            bodies[0].why
        );
        assert!(
            bodies[0].why.contains("其中 5 件未记录偏离理由"),
            "{}",
            bodies[0].why
        );
        assert_eq!(bodies[0].cases.len(), 6);
        let officers = fired(db, "baseline_departure_officer");
        assert_eq!(
            officers
                .iter()
                .map(|w| (w.scope.as_str(), w.body.as_str()))
                .collect::<Vec<_>>(),
            vec![("渝often", "500103-often")]
        );
        assert_eq!(officers[0].scope_kind, "officer");
    });
}

#[test]
fn same_facts_different_penalties_pick_out_the_body_far_from_the_others() {
    each_backend("sv_warn_spread", |db| {
        fill(db, |tx| {
            let mut n = 0;
            let mut add = |tx: &mut dyn Tx, body: &str, violation: &str, fine: i64| {
                n += 1;
                let mut c = case(&format!("s{n}"), body).decided("2026-08-08", fine);
                c.violation = violation.into();
                c.insert(tx);
            };
            for body in ["500103-a", "500103-b", "500104-c", "500104-d"] {
                for fine in [900, 1_000, 1_100, 1_200] {
                    add(tx, body, "V-噪声", fine);
                }
            }
            for fine in [3_000, 3_200, 2_900] {
                add(tx, "500105-heavy", "V-噪声", fine);
            }
            // Another violation: bodies within the band's ordinary spread (800–1,600).
            for (body, fines) in [
                ("500103-a", [800, 900, 1_000]),
                ("500103-b", [1_200, 1_300, 1_400]),
                ("500104-c", [1_400, 1_500, 1_600]),
            ] {
                for fine in fines {
                    add(tx, body, "V-渣土", fine);
                }
            }
        });
        let found = fired(db, "same_facts_different_penalty");
        assert_eq!(found.len(), 1, "{}", db.backend());
        assert_eq!(found[0].scope, "500105-heavy");
        assert_eq!(found[0].figures["violation"], "V-噪声");
        assert!(
            found[0].why.contains("本主体罚款中位数 3,000 元"),
            "{}",
            found[0].why
        );
        assert!(found[0].why.contains("高于全市"), "{}", found[0].why);
        assert_eq!(found[0].cases.len(), 3);
    });
}

// ---------------------------------------------------------------- inspections

#[test]
fn several_bodies_within_30_days_fire_but_a_joint_visit_does_not() {
    each_backend("sv_warn_several", |db| {
        fill(db, |tx| {
            // Two bodies on separate days, 18 days apart.
            inspection(tx, "i1", "500103-x", "E-twice", "B", "2026-11-02");
            inspection(tx, "i2", "500103-y", "E-twice", "B", "2026-11-20");
            // A joint inspection: both bodies on one day (综合查一次).
            inspection(tx, "i3", "500103-x", "E-joint", "B", "2026-11-05");
            inspection(tx, "i4", "500103-y", "E-joint", "B", "2026-11-05");
            // Two bodies 61 days apart.
            inspection(tx, "i5", "500103-x", "E-apart", "C", "2026-09-01");
            inspection(tx, "i6", "500103-y", "E-apart", "C", "2026-11-01");
            // One body twice (a follow-up).
            inspection(tx, "i7", "500103-x", "E-follow", "C", "2026-10-01");
            inspection(tx, "i8", "500103-x", "E-follow", "C", "2026-10-15");
        });
        let found = fired(db, "several_bodies_30_days");
        assert_eq!(
            scopes(&found),
            vec![("E-twice".to_owned(), "2026-11".to_owned())],
            "{}",
            db.backend()
        );
        assert_eq!(found[0].cases, vec!["i1".to_owned(), "i2".to_owned()]);
        assert_eq!(found[0].body, "500103-y");
        assert!(
            found[0].why.contains("被 2 个执法主体分别检查 2 次"),
            "{}",
            found[0].why
        );
    });
}

#[test]
fn a_grade_share_fires_above_three_percent_with_enough_inspections() {
    each_backend("sv_warn_grade", |db| {
        fill(db, |tx| {
            let mut n = 0;
            for (body, total, a_grade) in [
                ("500103-pesters", 40, 4),
                ("500103-fine", 40, 1),
                ("500104-few", 10, 2),
            ] {
                for i in 0..total {
                    n += 1;
                    let grade = if i < a_grade { "A" } else { "B" };
                    let on = format!("2026-{:02}-10", 1 + i % 11);
                    inspection(tx, &format!("g{n}"), body, &format!("E{n}"), grade, &on);
                }
            }
            // Ungraded enterprises do not count either way.
            inspection(tx, "g-ungraded", "500103-fine", "E-x", "", "2026-03-03");
        });
        let found = fired(db, "a_grade_share");
        assert_eq!(found.len(), 1, "{}", db.backend());
        assert_eq!(found[0].scope, "500103-pesters");
        assert!(
            found[0]
                .why
                .contains("其中A级企业 4 次，占 10.0%，超过上限 3.0%"),
            "{}",
            found[0].why
        );
        assert_eq!(found[0].cases.len(), 4);
    });
}

#[test]
fn visits_without_verification_and_refused_codes_fire_per_officer_and_month() {
    each_backend("sv_warn_visits", |db| {
        fill(db, |tx| {
            for i in 0..10 {
                let on = format!("2026-11-{:02}", 2 + i);
                visit(
                    tx,
                    &format!("va{i}"),
                    "渝careless",
                    "500103-x",
                    &on,
                    i64::from(i >= 5),
                    0,
                );
                visit(
                    tx,
                    &format!("vb{i}"),
                    "渝careful",
                    "500103-x",
                    &on,
                    i64::from(i >= 1),
                    0,
                );
                visit(
                    tx,
                    &format!("vc{i}"),
                    "渝refused",
                    "500104-y",
                    &on,
                    i64::from(i != 3),
                    i64::from(i == 3),
                );
            }
            inspection(tx, "insp-va0", "500103-x", "E1", "B", "2026-11-02");
            tx.execute(
                "UPDATE sv_inspection SET visit_id = 'va0' WHERE doc_id = 'insp-va0'",
                &[],
            )
            .unwrap();
            // Within the grace days: the enterprise may still verify.
            for i in 0..4 {
                visit(
                    tx,
                    &format!("vd{i}"),
                    "渝recent",
                    "500103-x",
                    "2026-11-29",
                    0,
                    0,
                );
            }
        });
        let unverified = fired(db, "visit_unverified");
        assert_eq!(
            scopes(&unverified),
            vec![("渝careless".to_owned(), "2026-11".to_owned())],
            "{}",
            db.backend()
        );
        assert!(
            unverified[0]
                .why
                .contains("其中 5 次（50.0%）未经企业扫码核验"),
            "{}",
            unverified[0].why
        );
        assert_eq!(unverified[0].cases, vec!["insp-va0".to_owned()]);
        assert_eq!(
            unverified[0].figures["visit_ids"].as_array().unwrap().len(),
            5
        );
        let refused = fired(db, "officer_code_refused");
        assert_eq!(
            scopes(&refused),
            vec![("渝refused".to_owned(), "2026-11".to_owned())]
        );
        assert_eq!(refused[0].district, "500104");
        assert_eq!(refused[0].severity, "high");
    });
}

// ---------------------------------------------------------------- cases

#[test]
fn deadlines_overdue_and_near_the_limit_without_an_extension() {
    each_backend("sv_warn_deadline", |db| {
        fill(db, |tx| {
            let open = |id: &str, filed: &str, due: &str, extended: i64| {
                let mut c = case(id, "500103-x");
                c.filed_on = Some(filed.into());
                c.due_on = Some(due.into());
                c.extended = extended;
                c
            };
            open("late", "2026-07-01", "2026-09-29", 0).insert(tx);
            open("late-extended", "2026-06-01", "2026-11-15", 1).insert(tx);
            open("decided-in-time", "2026-07-01", "2026-09-29", 0)
                .decided("2026-09-15", 1_000)
                .insert(tx);
            // Decided after the as-of day: still open on it.
            open("decided-later", "2026-07-01", "2026-10-01", 0)
                .decided("2026-12-05", 1_000)
                .insert(tx);
            open("near", "2026-09-07", "2026-12-06", 0).insert(tx);
            open("near-extended", "2026-09-07", "2026-12-06", 1).insert(tx);
            open("far", "2026-10-01", "2026-12-30", 0).insert(tx);
            let mut summary = open("summary", "2026-01-01", "2026-02-01", 0);
            summary.kind = "summary";
            summary.insert(tx);
            let mut closed = open("closed", "2026-01-01", "2026-04-01", 0);
            closed.closed_on = Some("2026-03-01".into());
            closed.insert(tx);
        });
        let overdue = fired(db, "case_overdue");
        let ids: Vec<&str> = overdue.iter().map(|w| w.scope.as_str()).collect();
        assert_eq!(
            ids,
            vec!["decided-later", "late", "late-extended"],
            "{}",
            db.backend()
        );
        let late = overdue.iter().find(|w| w.scope == "late").unwrap();
        assert!(
            late.why
                .contains("办案期限至 2026-09-29，截至 2026-11-30 仍未作出决定，已超期 62 天"),
            "{}",
            late.why
        );
        assert_eq!(late.cases, vec!["late".to_owned()]);
        let near = fired(db, "case_near_limit");
        assert_eq!(
            near.iter().map(|w| w.scope.as_str()).collect::<Vec<_>>(),
            vec!["near"]
        );
        assert!(near[0].why.contains("距期限仅剩 6 天"), "{}", near[0].why);
    });
}

#[test]
fn decisions_without_the_required_legal_review_or_collective_decision() {
    each_backend("sv_warn_review", |db| {
        fill(db, |tx| {
            let decided = |id: &str| case(id, "500103-x").decided("2026-10-10", 50_000);
            let mut missing = decided("no-review");
            missing.legal_review_required = 1;
            missing.insert(tx);
            let mut done = decided("reviewed");
            done.legal_review_required = 1;
            done.legal_review_on = Some("2026-10-08".into());
            done.insert(tx);
            let mut late = decided("reviewed-after");
            late.legal_review_required = 1;
            late.legal_review_on = Some("2026-10-12".into());
            late.insert(tx);
            decided("not-required").insert(tx);
            let mut no_collective = decided("no-collective");
            no_collective.collective_required = 1;
            no_collective.insert(tx);
            let mut collective = decided("collective");
            collective.collective_required = 1;
            collective.collective_on = Some("2026-10-09".into());
            collective.insert(tx);
        });
        let legal = fired(db, "legal_review_missing");
        let ids: Vec<&str> = legal.iter().map(|w| w.scope.as_str()).collect();
        assert_eq!(ids, vec!["no-review", "reviewed-after"], "{}", db.backend());
        assert!(
            legal[0].why.ends_with("没有法制审核记录"),
            "{}",
            legal[0].why
        );
        assert!(
            legal[1].why.contains("法制审核却在 2026-10-12，晚于决定"),
            "{}",
            legal[1].why
        );
        let collective = fired(db, "collective_decision_missing");
        assert_eq!(
            collective
                .iter()
                .map(|w| w.scope.as_str())
                .collect::<Vec<_>>(),
            vec!["no-collective"]
        );
    });
}

// ---------------------------------------------------------------- complaints

#[test]
fn complaints_above_the_usual_level_for_a_body_and_an_officer() {
    each_backend("sv_warn_complaints", |db| {
        fill(db, |tx| {
            let mut draws = Draws(0x2545f4914f6cdd1d);
            let mut n = 0;
            for back in 0..24 {
                let month = month_back(back);
                // Both bodies: the usual 0–2 complaints a month.
                for body in ["500103-calm", "500103-rough"] {
                    for _ in 0..draws.between(0, 2) {
                        n += 1;
                        complaint(tx, &format!("f{n}"), body, "", &format!("{month}-05"));
                    }
                }
            }
            // One officer of the rough body: nine complaints in November.
            for i in 0..9 {
                n += 1;
                complaint(
                    tx,
                    &format!("f{n}"),
                    "500103-rough",
                    "渝rough",
                    &format!("2026-11-{:02}", 10 + i),
                );
            }
            // Another officer with a steady 1–2 a month, 3 in November: within the usual.
            for back in 0..24 {
                for _ in 0..1 + back % 2 {
                    n += 1;
                    complaint(
                        tx,
                        &format!("f{n}"),
                        "500103-calm",
                        "渝steady",
                        &format!("{}-06", month_back(back)),
                    );
                }
            }
            n += 1;
            complaint(
                tx,
                &format!("f{n}"),
                "500103-calm",
                "渝steady",
                "2026-11-20",
            );
        });
        let bodies = fired(db, "complaints_body");
        assert_eq!(
            scopes(&bodies),
            vec![("500103-rough".to_owned(), "2026-11".to_owned())],
            "{}",
            db.backend()
        );
        assert!(
            bodies[0].why.starts_with("2026年11月收到投诉"),
            "{}",
            bodies[0].why
        );
        let officers = fired(db, "complaints_officer");
        assert_eq!(
            scopes(&officers),
            vec![("渝rough".to_owned(), "2026-11".to_owned())]
        );
        assert!(
            officers[0].why.contains("收到投诉 9 件"),
            "{}",
            officers[0].why
        );
    });
}

// ---------------------------------------------------------------- runs and lifecycle

/// Two overdue cases, one in each of two districts.
fn two_districts(db: &dyn Database) {
    fill(db, |tx| {
        for (id, body) in [("case-a", "500103-a"), ("case-b", "500104-<b>&")] {
            let mut c = case(id, body);
            c.filed_on = Some("2026-01-05".into());
            c.due_on = Some("2026-04-05".into());
            c.insert(tx);
        }
    });
}

fn warning_of(db: &dyn Database, case: &str) -> Warning {
    transaction(db, |tx| {
        warnings::list(tx, &Scope::City, &Filter::default())
    })
    .unwrap()
    .into_iter()
    .find(|w| w.scope == case)
    .unwrap()
}

fn count(db: &dyn Database, table: &str) -> i64 {
    transaction(db, |tx| {
        tx.query_opt(&format!("SELECT COUNT(*) FROM {table}"), &[])?
            .unwrap()
            .int(0)
    })
    .unwrap()
}

#[test]
fn every_rule_runs_and_a_second_run_changes_nothing_nor_reopens_a_dismissed_warning() {
    each_backend("sv_warn_idem", |db| {
        two_districts(db);
        let rules = Rules::builtin();
        let first = warnings::run(db, &rules, day(AS_OF)).unwrap();
        assert_eq!(first.rules.len(), rules.rules.len());
        assert_eq!(first.rules["case_overdue"].new, 2, "{}", db.backend());
        assert_eq!(count(db, "sv_warning"), 2);
        let again = warnings::run(db, &rules, day(AS_OF)).unwrap();
        assert!(
            again.rules.values().all(|r| r.new == 0 && r.refreshed == 0),
            "{again:?}"
        );
        assert_eq!(again.rules["case_overdue"].held, 2);
        let a = warning_of(db, "case-a");
        warnings::transition(
            db,
            &Scope::City,
            &a.id,
            Action::Dismiss("已于线下作出决定，数据未同步".into()),
            "张监督",
            "",
        )
        .unwrap();
        // A later day: the same case is still overdue; its warning stays dismissed.
        let later = warnings::run(db, &rules, day("2026-12-15")).unwrap();
        assert_eq!(later.rules["case_overdue"].new, 0);
        assert_eq!(
            later.rules["case_overdue"].refreshed, 1,
            "only the open one takes the new figures"
        );
        assert_eq!(count(db, "sv_warning"), 2);
        assert_eq!(warning_of(db, "case-a").status, "dismissed");
        assert!(warning_of(db, "case-b").why.contains("截至 2026-12-15"));
        assert_eq!(warning_of(db, "case-a").why, a.why);
    });
}

#[test]
fn the_lifecycle_allows_its_steps_only_and_records_each() {
    each_backend("sv_warn_life", |db| {
        two_districts(db);
        warnings::run(
            db,
            &Rules::builtin().only(&["case_overdue".into()]),
            day(AS_OF),
        )
        .unwrap();
        let id = warning_of(db, "case-a").id;
        let city = Scope::City;
        let refused = |action: Action, by: &str| {
            warnings::transition(db, &city, &id, action, by, "").unwrap_err()
        };
        // Not yet acknowledged: cannot be assigned or resolved.
        let error = refused(Action::Resolve("整改".into()), "张监督");
        assert!(matches!(error, WarningError::NotAllowed { .. }));
        assert_eq!(error.to_string(), "预警当前状态为“待处理”，不能办结");
        assert!(matches!(
            refused(Action::Assign("李科长".into()), "张监督"),
            WarningError::NotAllowed { .. }
        ));
        assert!(matches!(
            refused(Action::Dismiss("  ".into()), "张监督"),
            WarningError::ReasonRequired
        ));
        assert!(matches!(
            refused(Action::Acknowledge, " "),
            WarningError::ActorRequired
        ));
        let w =
            warnings::transition(db, &city, &id, Action::Acknowledge, "张监督", "已阅").unwrap();
        assert_eq!(w.status, "acknowledged");
        assert!(matches!(
            refused(Action::Acknowledge, "张监督"),
            WarningError::NotAllowed { .. }
        ));
        assert!(matches!(
            refused(Action::Assign("".into()), "张监督"),
            WarningError::AssigneeRequired
        ));
        let w = warnings::transition(
            db,
            &city,
            &id,
            Action::Assign("执法监督科 李科长".into()),
            "张监督",
            "",
        )
        .unwrap();
        assert_eq!(
            (w.status.as_str(), w.assignee.as_str()),
            ("assigned", "执法监督科 李科长")
        );
        assert!(matches!(
            refused(Action::Resolve("".into()), "李科长"),
            WarningError::OpinionRequired
        ));
        let w = warnings::transition(
            db,
            &city,
            &id,
            Action::Resolve("责令限期作出处理决定。".into()),
            "李科长",
            "",
        )
        .unwrap();
        assert_eq!(w.status, "resolved");
        let error = refused(Action::Dismiss("误报".into()), "张监督");
        assert_eq!(error.to_string(), "预警当前状态为“已办结”，不能排除");
        assert!(matches!(
            warnings::transition(db, &city, "w-nothing", Action::Acknowledge, "张监督", ""),
            Err(WarningError::NotFound)
        ));
        let steps = transaction(db, |tx| warnings::steps(tx, &city, &id)).unwrap();
        let walked: Vec<(i64, &str, &str, &str, &str)> = steps
            .iter()
            .map(|s| {
                (
                    s.seq,
                    s.from_status.as_str(),
                    s.to_status.as_str(),
                    s.by_whom.as_str(),
                    s.note.as_str(),
                )
            })
            .collect();
        assert_eq!(
            walked,
            vec![
                (0, "", "open", warnings::RULES_ACTOR, ""),
                (1, "open", "acknowledged", "张监督", "已阅"),
                (
                    2,
                    "acknowledged",
                    "assigned",
                    "张监督",
                    "交办给 执法监督科 李科长"
                ),
                (
                    3,
                    "assigned",
                    "resolved",
                    "李科长",
                    "责令限期作出处理决定。"
                ),
            ],
            "{}",
            db.backend()
        );
        assert!(steps.iter().all(|s| s.at_time > 1_700_000_000));
    });
}

#[test]
fn a_district_supervisor_neither_sees_nor_acts_on_another_district() {
    each_backend("sv_warn_scope", |db| {
        two_districts(db);
        warnings::run(db, &Rules::builtin(), day(AS_OF)).unwrap();
        let mine = Scope::District("500103".into());
        let seen = transaction(db, |tx| warnings::list(tx, &mine, &Filter::default())).unwrap();
        assert_eq!(
            seen.iter().map(|w| w.scope.as_str()).collect::<Vec<_>>(),
            vec!["case-a"]
        );
        let other = warning_of(db, "case-b");
        assert_eq!(
            transaction(db, |tx| warnings::get(tx, &mine, &other.id)).unwrap(),
            None
        );
        assert!(transaction(db, |tx| warnings::steps(tx, &mine, &other.id))
            .unwrap()
            .is_empty());
        assert!(matches!(
            warnings::transition(db, &mine, &other.id, Action::Acknowledge, "区监督员", ""),
            Err(WarningError::NotFound)
        ));
        assert_eq!(warning_of(db, "case-b").status, "open");
        let body = Scope::Body("500103-a".into());
        let filter = Filter {
            status: Some("open".into()),
            ..Filter::default()
        };
        assert_eq!(
            transaction(db, |tx| warnings::list(tx, &body, &filter))
                .unwrap()
                .len(),
            1
        );
        let filter = Filter {
            rule: Some("quota_regularity".into()),
            ..Filter::default()
        };
        assert!(
            transaction(db, |tx| warnings::list(tx, &Scope::City, &filter))
                .unwrap()
                .is_empty()
        );
    });
}

#[test]
fn the_supervision_opinion_renders_for_a_resolved_warning_escaped() {
    each_backend("sv_warn_opinion", |db| {
        two_districts(db);
        warnings::run(
            db,
            &Rules::builtin().only(&["case_overdue".into()]),
            day(AS_OF),
        )
        .unwrap();
        let id = warning_of(db, "case-b").id;
        let city = Scope::City;
        let not_yet = transaction(db, |tx| Ok(warnings::opinion_html(tx, &city, &id))).unwrap();
        assert!(matches!(not_yet, Err(WarningError::NotAllowed { .. })));
        for action in [
            Action::Acknowledge,
            Action::Assign("李科长".into()),
            Action::Resolve("请于十五日内作出决定。\n<script>alert(1)</script>".into()),
        ] {
            warnings::transition(db, &city, &id, action, "张监督", "").unwrap();
        }
        let letterhead = warnings::Letterhead {
            bureau: "重庆市渝中区司法局".into(),
            addressee: "重庆市<b>城管</b>局".into(),
        };
        let html = transaction(db, |tx| {
            Ok(warnings::opinion_html_with(tx, &city, &id, &letterhead).unwrap())
        })
        .unwrap();
        assert!(html.starts_with("<!DOCTYPE html><html lang=\"zh-CN\">"));
        assert!(html.contains("行政执法监督意见书"));
        assert!(html.contains("@page{size:A4"));
        assert!(html.contains("重庆市&lt;b&gt;城管&lt;/b&gt;局："), "{html}");
        assert!(html
            .contains("<p>请于十五日内作出决定。</p><p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"));
        assert!(!html.contains("<script>") && !html.contains("<b>"));
        assert!(html.contains("案件超期未决"));
        assert!(html.contains("已超期"));
        assert!(html.contains("重庆市渝中区司法局（印章）"));
        let year = zhifa_core::calendar::beijing_date(chrono::Utc::now())
            .format("%Y年")
            .to_string();
        assert!(html.contains(&format!("<p class=\"date\">{year}")));
        // Without names: the body's id (escaped) is the addressee.
        let plain =
            transaction(db, |tx| Ok(warnings::opinion_html(tx, &city, &id).unwrap())).unwrap();
        assert!(plain.contains("500104-&lt;b&gt;&amp;："), "{plain}");
        let elsewhere = Scope::District("500103".into());
        let hidden = transaction(db, |tx| Ok(warnings::opinion_html(tx, &elsewhere, &id))).unwrap();
        assert!(matches!(hidden, Err(WarningError::NotFound)));
    });
}
