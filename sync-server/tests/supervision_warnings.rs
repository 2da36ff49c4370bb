//! The warning rules on small hand-made indexes, on SQLite and PostgreSQL: each rule fires on
//! its anomaly and stays silent on normal data (natural variation included); runs are
//! idempotent; the lifecycle allows only its steps and records them; a district supervisor
//! neither sees nor acts on another district's warning; the 监督意见书 renders, escaped.

mod support;

#[path = "supervision_warnings/case_rules.rs"]
mod case_rules;
#[path = "supervision_warnings/lifecycle.rs"]
mod lifecycle;
#[path = "supervision_warnings/rows.rs"]
mod rows;

use zhifa_sync_server::storage::{transaction, Tx};
use zhifa_sync_server::supervision::warnings::{self, Filter, Rules};
use zhifa_sync_server::supervision::Scope;

use rows::*;

// ---------------------------------------------------------------- money

#[test]
fn income_growth_fires_on_more_and_heavier_decisions_not_lumpy_busy_seasonal_or_flat() {
    each_backend("sv_warn_income", |db| {
        fill(db, |tx| {
            let mut n = 0;
            for back in 0..24 {
                let month = month_back(back);
                // A seasonal body: ±30 % over the year, never a jump.
                let seasonal = 12_000.0 * (1.0 + 0.3 * ((back as f64) * 0.52).sin());
                let anomalous = if back == 0 { 300_000 } else { seasonal as i64 };
                for (body, amount) in [
                    ("500103-seasonal", seasonal as i64),
                    ("500103-jump", anomalous),
                    // Flat for two years (MAD 0), then a little higher: the floor holds.
                    ("500104-flat", if back == 0 { 13_000 } else { 12_000 }),
                    // Lumpy income: the same jump from one heavy fine among the month's
                    // usual two decisions. Not income chased.
                    ("500104-lumpy", anomalous),
                    // More decisions, none heavier: busier, not income chased.
                    ("500104-busy", if back == 0 { 60_000 } else { 12_000 }),
                    // A new body: five months, then the same jump; too short a history.
                    (
                        "500105-new",
                        if back == 0 {
                            86_000
                        } else if back <= 5 {
                            12_000
                        } else {
                            0
                        },
                    ),
                ] {
                    if amount == 0 {
                        continue;
                    }
                    // Each month's income in two decisions; the jump in twelve (more and
                    // heavier penalties), the lumpy month in the usual two.
                    let surge = back == 0 && (body == "500103-jump" || body == "500104-busy");
                    let parts = if surge { 12 } else { 2 };
                    for part in 0..parts {
                        let share = amount / parts + if part == 0 { amount % parts } else { 0 };
                        n += 1;
                        case(&format!("c{n}"), body)
                            .decided(&format!("{month}-10"), share)
                            .insert(tx);
                    }
                }
            }
        });
        let found = fired(db, "income_growth");
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
                .starts_with("2026年11月罚没收入 300,000 元，过去12个月中位数"),
            "{}",
            warning.why
        );
        assert!(
            warning
                .why
                .contains("；当月决定 12 件（过去平均每月 2.0 件），平均每件 25,000 元"),
            "{}",
            warning.why
        );
        assert!(warning.figures["robust_z"].as_f64().unwrap() > 1.0);
        assert!(warning.figures["per_decision_ratio"].as_f64().unwrap() >= 3.0);
        assert_eq!(warning.figures["count"].as_f64(), Some(12.0));
        assert!(warning.figures["count_chance"].as_f64().unwrap() < 1e-5);
        assert_eq!(warning.cases.len(), 12);
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
            let mut add =
                |tx: &mut dyn Tx, body: &str, officers: &[&str], departs: bool, i: usize| {
                    n += 1;
                    let mut c = case(&format!("d{n}"), body)
                        .decided(&format!("2026-{:02}-15", 1 + i % 11), 1_500);
                    c.band = Some((500, 2_000));
                    c.officers = officers.iter().map(|o| o.to_string()).collect();
                    if departs {
                        c.departure = 1;
                        c.fine = 5_000;
                        c.departure_reason = if i == 0 {
                            "情节严重".into()
                        } else {
                            String::new()
                        };
                    }
                    c.insert(tx);
                };
            // (body, decided, departures): the city around them departs about 1 %. 3 of 20
            // is 15 %, but reached by chance at the city's rate: no warning.
            for (body, decided, departed) in [
                ("500103-often", 60, 12),
                ("500103-rare", 30, 1),
                ("500104-small", 5, 3),
                ("500104-n1", 40, 0),
                ("500104-n2", 40, 1),
                ("500105-n3", 40, 0),
                ("500105-luck", 20, 3),
            ] {
                for i in 0..decided {
                    add(tx, body, &[&format!("渝{body}")], i < departed, i);
                }
            }
            // Ordinary bodies at 1 %; in one, an officer with 3 of 10 (30 %), which chance
            // gives a few of a city's officers at that rate.
            for b in 0..10 {
                let body = format!("500107-n{b}");
                for i in 0..100 {
                    add(tx, &body, &[&format!("渝{body}")], i == 0, i);
                }
            }
            for i in 0..10 {
                add(tx, "500107-n0", &["渝luck"], i < 3, i);
            }
            // One body's officers in pairs: 渝d departs in 6 of each 10 cases they lead; the
            // colleagues who share them depart no more than the body does without them.
            for (pair, departing) in [
                (["渝d", "渝p"], true),
                (["渝d", "渝q"], true),
                (["渝d", "渝r"], true),
                (["渝p", "渝q"], false),
                (["渝q", "渝r"], false),
                (["渝p", "渝r"], false),
            ] {
                for i in 0..10 {
                    add(tx, "500106-pairs", &pair, departing && i < 6, i);
                }
            }
            // Without a matched band a case is no departure measure.
            let mut unmatched = case("d-unmatched", "500103-rare").decided("2026-06-01", 9_000);
            unmatched.departure = 1;
            unmatched.baseline_row = String::new();
            unmatched.insert(tx);
        });
        let bodies = fired(db, "baseline_departures_body");
        assert_eq!(
            bodies.iter().map(|w| w.scope.as_str()).collect::<Vec<_>>(),
            vec!["500103-often", "500106-pairs"],
            "{}",
            db.backend()
        );
        assert!(
            bodies[0].why.contains("超出基准幅度 12 件（20.0%）"),
            "{}",
            bodies[0].why
        );
        assert!(
            bodies[0].why.contains("其中 11 件未记录偏离理由"),
            "{}",
            bodies[0].why
        );
        assert_eq!(bodies[0].cases.len(), 12);
        assert!(bodies[0].figures["chance"].as_f64().unwrap() < 1e-4);
        let officers = fired(db, "baseline_departures");
        assert_eq!(
            officers
                .iter()
                .map(|w| (w.scope.as_str(), w.body.as_str()))
                .collect::<Vec<_>>(),
            vec![("渝500103-often", "500103-often"), ("渝d", "500106-pairs")],
            "{}",
            db.backend()
        );
        assert_eq!(officers[1].scope_kind, "officer");
        assert!(
            officers[1].why.contains("超出基准幅度 18 件（60.0%）"),
            "{}",
            officers[1].why
        );
        assert!(
            officers[1].why.contains("本单位其他案件为 0.0%"),
            "{}",
            officers[1].why
        );
    });
}

#[test]
fn same_facts_spread_names_the_body_far_from_the_others() {
    each_backend("sv_warn_spread", |db| {
        fill(db, |tx| {
            let mut n = 0;
            let mut add = |body: &str, violation: &str, band: (i64, i64), fine: i64| {
                n += 1;
                let mut c = case(&format!("s{n}"), body).decided("2026-08-08", fine);
                c.violation = violation.into();
                c.band = Some(band);
                c
            };
            let usual = (500, 5_000);
            for body in ["500103-a", "500103-b", "500104-c", "500104-d"] {
                for fine in [900, 1_000, 1_100, 1_200] {
                    add(body, "V-噪声", usual, fine).insert(tx);
                }
            }
            // Three decisions at the band's far end: named.
            for fine in [3_000, 3_200, 2_900] {
                add("500105-heavy", "V-噪声", usual, fine).insert(tx);
            }
            // One far decision alone: not a pattern.
            add("500104-c", "V-噪声", usual, 3_000).insert(tx);
            // A departure from the band is the departure rules' concern.
            let mut departed = add("500103-b", "V-噪声", usual, 9_000);
            departed.departure = 1;
            departed.insert(tx);
            add("500103-b", "V-噪声", usual, 9_000).insert(tx);
            // The same row under another band (fines by illegal gains): compared on its own.
            for body in ["500103-a", "500103-b", "500104-d"] {
                for fine in [20_000, 25_000, 30_000] {
                    add(body, "V-噪声", (10_000, 50_000), fine).insert(tx);
                }
            }
            // Another violation: bodies within the band's ordinary spread (800–1,600).
            for (body, fines) in [
                ("500103-a", [800, 900, 1_000]),
                ("500103-b", [1_200, 1_300, 1_400]),
                ("500104-c", [1_400, 1_500, 1_600]),
            ] {
                for fine in fines {
                    add(body, "V-渣土", usual, fine).insert(tx);
                }
            }
        });
        let found = fired(db, "same_facts_spread");
        assert_eq!(found.len(), 1, "{}", db.backend());
        let warning = &found[0];
        assert_eq!(
            (warning.scope_kind.as_str(), warning.scope.as_str()),
            ("violation", "V-噪声")
        );
        assert_eq!(
            (warning.body.as_str(), warning.district.as_str()),
            ("500105-heavy", "500105")
        );
        assert_eq!(warning.figures["named"][0]["body"], "500105-heavy");
        assert!(
            warning.why.contains(
                "（R1，基准 500–5,000 元）的 21 件案件，5 个执法主体的罚款中位数 1,100 元"
            ),
            "{}",
            warning.why
        );
        assert!(
            warning.why.ends_with("1 个主体多次罚款超出中位数的 2 倍或不足其 1/2：500105-heavy 3 件中 3 件罚款 2,900–3,200 元"),
            "{}",
            warning.why
        );
        assert_eq!(warning.cases.len(), 3);
    });
}

// ---------------------------------------------------------------- inspections

#[test]
fn several_bodies_within_30_days_fire_but_a_joint_visit_does_not() {
    each_backend("sv_warn_several", |db| {
        fill(db, |tx| {
            // Three bodies on separate days within 18 days.
            inspection(tx, "i1", "500103-x", "E-thrice", "B", "2026-11-02");
            inspection(tx, "i2", "500103-y", "E-thrice", "B", "2026-11-10");
            inspection(tx, "i3", "500104-z", "E-thrice", "B", "2026-11-20");
            // A joint inspection: three bodies on one day (综合查一次).
            for (id, body) in [("i4", "500103-x"), ("i5", "500103-y"), ("i6", "500104-z")] {
                inspection(tx, id, body, "E-joint", "B", "2026-11-05");
            }
            // Three bodies over 61 days.
            inspection(tx, "i7", "500103-x", "E-apart", "C", "2026-09-01");
            inspection(tx, "i8", "500103-y", "E-apart", "C", "2026-10-01");
            inspection(tx, "i9", "500104-z", "E-apart", "C", "2026-11-01");
            // Two bodies and a follow-up.
            inspection(tx, "i10", "500103-x", "E-two", "C", "2026-10-01");
            inspection(tx, "i11", "500103-x", "E-two", "C", "2026-10-15");
            inspection(tx, "i12", "500103-y", "E-two", "C", "2026-10-20");
        });
        let found = fired(db, "multi_body_inspection");
        assert_eq!(
            scopes(&found),
            vec![("E-thrice".to_owned(), "2026-11".to_owned())],
            "{}",
            db.backend()
        );
        assert_eq!(
            found[0].cases,
            vec!["i1".to_owned(), "i2".to_owned(), "i3".to_owned()]
        );
        assert_eq!(
            (found[0].body.as_str(), found[0].district.as_str()),
            ("500104-z", "500104")
        );
        assert!(
            found[0].why.contains("被 3 个执法主体分别检查 3 次"),
            "{}",
            found[0].why
        );
    });
}

#[test]
fn a_grade_share_fires_above_three_percent_beyond_chance() {
    each_backend("sv_warn_grade", |db| {
        fill(db, |tx| {
            let mut n = 0;
            // (body, inspections, of A-grade enterprises)
            for (body, total, a_grade) in [
                ("500103-pesters", 120, 14),
                ("500103-also", 80, 6),
                ("500104-fine", 200, 5),
                // Above 3 %, but five in a hundred happen by chance at 3 %.
                ("500105-chance", 100, 5),
            ] {
                for i in 0..total {
                    n += 1;
                    let grade = if i < a_grade { "A" } else { "B" };
                    let on = format!("2026-{:02}-10", 1 + i % 11);
                    inspection(tx, &format!("g{n}"), body, &format!("E{n}"), grade, &on);
                }
            }
            // Ungraded enterprises do not count either way.
            inspection(tx, "g-ungraded", "500104-fine", "E-x", "", "2026-03-03");
        });
        let found = fired(db, "a_grade_share");
        assert_eq!(
            found
                .iter()
                .map(|w| (w.scope_kind.as_str(), w.scope.as_str()))
                .collect::<Vec<_>>(),
            vec![("district", "500103")],
            "{}",
            db.backend()
        );
        assert!(
            found[0].why.contains(
                "检查已评信用等级的企业 200 次，其中A级企业 20 次，占 10.0%，超过上限 3.0%"
            ),
            "{}",
            found[0].why
        );
        assert_eq!(
            (found[0].district.as_str(), found[0].body.as_str()),
            ("500103", "")
        );
        assert_eq!(found[0].cases.len(), 20);
        // The same check by body, from a rules file.
        let by_body = Rules::parse(
            "[[rule]]\nid = \"a_body\"\nname = \"A级\"\nexplanation = \"x\"\nseverity = \"low\"\n\
             family = \"grade_share\"\nby = \"body\"\ngrade = \"A\"\nwindow_months = 12\n\
             min_inspections = 50\nmax_share = 0.03\nalpha = 0.001\n",
        )
        .unwrap();
        warnings::run(db, &by_body, day(AS_OF)).unwrap();
        let filter = Filter {
            rule: Some("a_body".into()),
            ..Filter::default()
        };
        let bodies = transaction(db, |tx| warnings::list(tx, &Scope::City, &filter)).unwrap();
        assert_eq!(
            bodies.iter().map(|w| w.scope.as_str()).collect::<Vec<_>>(),
            vec!["500103-pesters"]
        );
    });
}

#[test]
fn visits_without_verification_beyond_the_usual_and_refused_codes_fire_per_officer() {
    each_backend("sv_warn_visits", |db| {
        fill(db, |tx| {
            let mut n = 0;
            let mut add = |tx: &mut dyn Tx,
                           officer: &str,
                           body: &str,
                           on: &str,
                           verified: bool,
                           refused: bool| {
                n += 1;
                visit(
                    tx,
                    &format!("v{n}"),
                    officer,
                    body,
                    on,
                    i64::from(verified),
                    i64::from(refused),
                );
                format!("v{n}")
            };
            // Ten ordinary officers: one missed scan in twenty (5 %).
            for o in 0..10 {
                for i in 0..20 {
                    let on = format!("2026-{:02}-{:02}", 1 + i % 11, 2 + o);
                    add(tx, &format!("渝normal{o}"), "500103-x", &on, i != 7, false);
                }
            }
            // One who mostly skips it: 20 of 30.
            let mut first = String::new();
            for i in 0..30 {
                let on = format!("2026-{:02}-15", 1 + i % 11);
                let id = add(tx, "渝careless", "500103-x", &on, i >= 20, false);
                if i == 0 {
                    first = id;
                }
            }
            // A small officer with 2 of 4: not beyond chance.
            for i in 0..4 {
                add(tx, "渝few", "500104-y", "2026-06-06", i >= 2, false);
            }
            // A refused code.
            for i in 0..10 {
                add(tx, "渝refused", "500104-y", "2026-11-03", i != 3, i == 3);
            }
            // Within the grace days: the enterprise may still verify.
            for _ in 0..6 {
                add(tx, "渝recent", "500103-x", "2026-11-29", false, false);
            }
            inspection(tx, "insp-first", "500103-x", "E1", "B", "2026-01-15");
            tx.execute(
                "UPDATE sv_inspection SET visit_id = $1 WHERE doc_id = 'insp-first'",
                &[first.as_str().into()],
            )
            .unwrap();
        });
        let unverified = fired(db, "visit_unverified");
        assert_eq!(
            scopes(&unverified),
            vec![("渝careless".to_owned(), "2025-12..2026-11".to_owned())],
            "{}",
            db.backend()
        );
        let why = &unverified[0].why;
        assert!(
            why.contains("入企检查 30 次，其中 20 次（66.7%）未经企业扫码核验"),
            "{why}"
        );
        assert!(why.contains("全市一般水平为 13.1%"), "{why}");
        assert_eq!(unverified[0].cases, vec!["insp-first".to_owned()]);
        assert_eq!(
            unverified[0].figures["visit_ids"].as_array().unwrap().len(),
            20
        );
        let refused = fired(db, "code_refused");
        assert_eq!(
            scopes(&refused),
            vec![("渝refused".to_owned(), "2025-12..2026-11".to_owned())]
        );
        assert_eq!(refused[0].district, "500104");
        assert_eq!(refused[0].severity, "high");
    });
}
