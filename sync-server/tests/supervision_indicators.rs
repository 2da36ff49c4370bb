//! Every indicator of `supervision/indicators.toml` on a small hand-made index, on SQLite and
//! (with `ZHIFA_TEST_DATABASE_URL`) PostgreSQL: each expected figure is counted by hand in
//! the comment beside it. Also: scope never sees another district's rows, month and quarter
//! boundaries, drill-down under a parent, the cases behind a figure.

#[path = "supervision_indicators/rows.rs"]
mod rows;
mod support;

use rows::*;
use zhifa_sync_server::storage::transaction;
use zhifa_sync_server::supervision::indicators::{
    compute, compute_all, Indicators, Level, PeriodKind,
};
use zhifa_sync_server::supervision::Scope;

#[test]
fn the_definition_file_loads_with_unique_ids_and_known_dimensions() {
    let all = Indicators::builtin();
    let mut ids: Vec<&str> = all.list.iter().map(|i| i.id.as_str()).collect();
    assert!(ids.len() >= 50, "{}", ids.len());
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), all.list.len());
    for ind in &all.list {
        assert!(
            !ind.levels.is_empty() && !ind.periods.is_empty(),
            "{}",
            ind.id
        );
        assert!(ind
            .name
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
    }
    let twice = "[[indicator]]\nid='a'\nname='甲'\ndefinition='甲'\nunit='件'\ntable='sv_case'\n\
                 date='filed_on'\nlevels=['city']\nperiods=['year']\nkind='count'\n";
    assert!(Indicators::parse(&format!("{twice}{twice}")).is_err());
    assert!(Indicators::parse(twice).is_ok());
    assert!(Indicators::parse(&twice.replace("'city'", "'galaxy'")).is_err());
    assert!(Indicators::parse(&twice.replace("'year'", "'week'")).is_err());
    assert!(Indicators::parse(&twice.replace("sv_case", "device")).is_err());
    let sneaky = twice.replace(
        "kind='count'",
        "kind='count'\nfilter='1 = 1; DROP TABLE sv_case'",
    );
    assert!(Indicators::parse(&sneaky).is_err());
    // Inspections list their officers comma-joined: no officer level.
    let inspections = twice
        .replace("sv_case", "sv_inspection")
        .replace("'city'", "'officer'");
    assert!(Indicators::parse(&inspections).is_err());
}

/// Volume, speed, periods, procedure (indicators 1-5).
fn volume_rows() -> Vec<Rec> {
    vec![
        // Ordinary, 30 days, 10 steps, closed.
        case("c1")
            .on("filed_on=2025-01-10,decided_on=2025-02-09,closed_on=2025-03-05,due_on=2025-04-10")
            .set("steps", 10),
        // Ordinary, 120 days (past its due date), 14 steps.
        case("c2")
            .on("filed_on=2025-01-20,decided_on=2025-05-20,due_on=2025-04-20")
            .set("steps", 14),
        // Ordinary, 30 days, decided on the last day of Q1.
        case("c3")
            .on("filed_on=2025-03-01,decided_on=2025-03-31,due_on=2025-05-30")
            .set("steps", 12),
        // Summary, decided on the spot on the last day of Q1.
        case("c4")
            .set("kind", "summary")
            .on("act_on=2025-03-31,decided_on=2025-03-31,closed_on=2025-03-31"),
        // Ordinary, still open, due 2025-06-18.
        case("c5")
            .set("status", "filed")
            .on("filed_on=2025-03-20,due_on=2025-06-18"),
        // Summary, a day late, first day of Q2.
        case("c6")
            .set("kind", "summary")
            .on("act_on=2025-04-01,decided_on=2025-04-02"),
        officer("c1", "o1", 1),
        officer("c1", "o2", 1),
        officer("c2", "o1", 1),
        officer("c3", "o2", 1),
        officer("c3", "o3", 0),
    ]
}

#[test]
fn volume_speed_and_procedure_by_hand() {
    each_backend("ind_volume", volume_rows(), |db| {
        assert_eq!(city(db, "case.filed"), Some(4.0)); // c1 c2 c3 c5
        assert_eq!(city(db, "case.decided"), Some(5.0)); // all but c5
        assert_eq!(city(db, "case.closed"), Some(2.0)); // c1 c4
                                                        // Ordinary decided: 30, 120, 30 days.
        assert_eq!(city(db, "case.days_to_decision.median"), Some(30.0));
        assert_eq!(city(db, "case.days_to_decision.p90"), Some(120.0));
        assert_eq!(city(db, "case.summary.days"), Some(0.5)); // 0 and 1 day
        assert_eq!(city(db, "case.decided_within_90"), Some(66.667)); // 2 of 3
        assert_eq!(
            behind(db, "case.decided_within_90", &year(Level::City), "city"),
            ["c2"]
        );
        // Due in 2025, as of its end: c2 decided after its due date, c5 never decided.
        assert_eq!(city(db, "case.overdue"), Some(2.0));
        assert_eq!(city(db, "case.summary_share"), Some(40.0)); // c4 c6 of 5
        assert_eq!(city(db, "case.steps.mean"), Some(12.0)); // (10 + 14 + 12) / 3
        assert_eq!(city(db, "case.steps.over_12"), Some(33.333)); // c2
        let ratio = &figures(db, "case.steps.over_12", &year(Level::City))[0];
        assert_eq!((ratio.numerator, ratio.denominator), (Some(1.0), Some(3.0)));

        // A snapshot on 2025-06-10: c5 is open and due within ten days; c2 was decided.
        let june_10 = query(Level::City, PeriodKind::Day, "2025-06-10", "2025-06-10");
        assert_eq!(
            values(db, "case.near_limit", &june_10),
            expect(&[("city", "2025-06-10", 1.0)])
        );
        let june_1 = query(Level::City, PeriodKind::Day, "2025-06-01", "2025-06-01");
        // A snapshot is one figure even when nothing is near its limit.
        assert_eq!(
            values(db, "case.near_limit", &june_1),
            expect(&[("city", "2025-06-01", 0.0)])
        );
    });
}

#[test]
fn months_and_quarters_cut_at_their_boundaries() {
    each_backend("ind_periods", volume_rows(), |db| {
        let months = query(Level::City, PeriodKind::Month, "2025-01-01", "2025-12-31");
        assert_eq!(
            values(db, "case.decided", &months),
            expect(&[
                ("city", "2025-02", 1.0),
                ("city", "2025-03", 2.0),
                ("city", "2025-04", 1.0),
                ("city", "2025-05", 1.0),
            ])
        );
        let quarters = query(Level::City, PeriodKind::Quarter, "2025-01-01", "2025-12-31");
        assert_eq!(
            values(db, "case.decided", &quarters),
            expect(&[("city", "2025-Q1", 3.0), ("city", "2025-Q2", 2.0)])
        );
        let days = query(Level::City, PeriodKind::Day, "2025-03-31", "2025-04-02");
        assert_eq!(
            values(db, "case.decided", &days),
            expect(&[("city", "2025-03-31", 2.0), ("city", "2025-04-02", 1.0)])
        );
        // The period's dates bound the rows: Q1 only.
        let q1 = query(Level::City, PeriodKind::Quarter, "2025-01-01", "2025-03-31");
        assert_eq!(
            values(db, "case.filed", &q1),
            expect(&[("city", "2025-Q1", 4.0)])
        );
        // Acting officers only: o3 took part in c3 without acting.
        assert_eq!(
            values(db, "case.filed", &year(Level::Officer)),
            expect(&[("o1", "2025", 2.0), ("o2", "2025", 2.0)])
        );
        let mut of_b1 = year(Level::Officer);
        of_b1.parent = Some("b1".into());
        assert_eq!(values(db, "case.decided", &of_b1).len(), 2);
        of_b1.parent = Some("b9".into());
        assert!(values(db, "case.decided", &of_b1).is_empty());
    });
}

/// Discretion and money (indicators 6-13): two bodies in 500103, one in 500104.
fn discretion_rows() -> Vec<Rec> {
    let fined = |id: &str, body: &str, fine: i64| {
        case(id)
            .set("body", body)
            .on("decided_on=2025-06-10")
            .set("penalty", 1)
            .set("fine", fine)
            .set("band_min", 1000)
            .set("band_max", 3000)
            .set("statutory_max", 5000)
            .set("baseline_row", "r1")
    };
    vec![
        fined("d1", "b1", 2000)
            .set("confiscated", 300)
            .set("on_the_spot_paid", 1),
        fined("d2", "b1", 4000)
            .set("departure", 1)
            .set("departure_reason", "情节严重")
            .set("late_fee", 200),
        fined("d3", "b2", 5000).set("departure", 1),
        case("d4")
            .set("body", "b2")
            .on("decided_on=2025-06-11")
            .set("no_penalty", "discretionary")
            .set("measures", "education"),
        case("d5")
            .set("body", "b3")
            .set("district", "500104")
            .on("decided_on=2025-06-12")
            .set("no_penalty", "mandatory"),
        fined("d6", "b3", 1000).set("district", "500104"),
    ]
}

#[test]
fn discretion_and_money_by_hand() {
    each_backend("ind_discretion", discretion_rows(), |db| {
        // Fined with a band: d1 d2 d3 d6; inside: d1 d6.
        assert_eq!(city(db, "discretion.baseline_match"), Some(50.0));
        assert_eq!(
            behind(db, "discretion.baseline_match", &year(Level::City), "city"),
            ["d2", "d3"]
        );
        assert_eq!(city(db, "discretion.departures"), Some(2.0));
        assert_eq!(city(db, "discretion.departures_unexplained"), Some(1.0)); // d3
        assert_eq!(city(db, "discretion.departure_rate"), Some(50.0));
        // Class v1|r1: body medians b1 3000, b2 5000, b3 1000: (5000 - 1000) / 3000.
        assert_eq!(city(db, "discretion.spread"), Some(133.333));
        // 500103 alone: b1 3000, b2 5000: (5000 - 3000) / 4000.
        assert_eq!(
            values(db, "discretion.spread", &year(Level::District)),
            vec![
                ("500103".to_owned(), "2025".to_owned(), Some(50.0)),
                ("500104".to_owned(), "2025".to_owned(), None),
            ]
        );
        assert_eq!(city(db, "discretion.no_penalty.mandatory"), Some(1.0));
        assert_eq!(city(db, "discretion.no_penalty.discretionary"), Some(1.0));
        assert_eq!(city(db, "discretion.flexible_measures"), Some(1.0));
        assert_eq!(city(db, "discretion.at_statutory_max"), Some(25.0)); // d3
        assert_eq!(city(db, "money.fines"), Some(12000.0));
        assert_eq!(city(db, "money.confiscated"), Some(300.0));
        // Fines 2000 4000 5000 1000: mean 3000, population sd √2 500 000.
        assert_eq!(city(db, "money.amount_cv"), Some(52.705));
        assert_eq!(city(db, "money.on_the_spot"), Some(1.0));
        assert_eq!(city(db, "money.late_fees"), Some(1.0));
        assert_eq!(
            values(db, "discretion.departures", &year(Level::Body)),
            expect(&[("b1", "2025", 1.0), ("b2", "2025", 1.0)])
        );
    });
}

#[test]
fn a_scope_never_sees_another_districts_rows() {
    each_backend("ind_scope", discretion_rows(), |db| {
        let mut q = year(Level::District);
        q.scope = Scope::District("500104".into());
        assert_eq!(
            values(db, "discretion.baseline_match", &q),
            expect(&[("500104", "2025", 100.0)]) // d6 only
        );
        assert_eq!(
            values(db, "case.decided", &q),
            expect(&[("500104", "2025", 2.0)])
        );
        q.level = Level::Body;
        assert_eq!(
            values(db, "money.fines", &q),
            expect(&[("b3", "2025", 1000.0)])
        );
        // Drilling into the other district from inside this scope finds nothing.
        q.parent = Some("500103".into());
        assert!(values(db, "money.fines", &q).is_empty());
        let mut inside = year(Level::City);
        inside.scope = Scope::District("500104".into());
        assert!(behind(db, "discretion.baseline_match", &inside, "city").is_empty());
        inside.scope = Scope::Body("b2".into());
        assert_eq!(
            behind(db, "discretion.baseline_match", &inside, "city"),
            ["d3"]
        );
        // Drill-down from the city: the bodies of 500103 only.
        let mut drill = year(Level::Body);
        drill.parent = Some("500103".into());
        assert_eq!(
            values(db, "discretion.baseline_match", &drill),
            expect(&[("b1", "2025", 50.0), ("b2", "2025", 0.0)])
        );
        assert_eq!(
            behind(db, "discretion.baseline_match", &drill, "b1"),
            ["d2"]
        );
        let labels: Vec<String> = figures(db, "case.decided", &year(Level::District))
            .into_iter()
            .map(|f| f.label_zh)
            .collect();
        assert_eq!(labels, ["渝中区", "大渡口区"]);
    });
}

#[test]
fn monthly_regularity_counts_empty_months() {
    let mut rows = Vec::new();
    // b1: two 1000-yuan penalties every month of Q1; b2: three in January only.
    for (i, month) in ["01", "01", "02", "02", "03", "03"].iter().enumerate() {
        rows.push(
            case(&format!("r{i}"))
                .on(&format!("decided_on=2025-{month}-15"))
                .set("penalty", 1)
                .set("fine", 1000),
        );
    }
    for i in 0..3 {
        rows.push(
            case(&format!("s{i}"))
                .set("body", "b2")
                .on("decided_on=2025-01-20")
                .set("penalty", 1)
                .set("fine", 500 + 100 * i),
        );
    }
    each_backend("ind_regular", rows, |db| {
        let q1 = query(Level::Body, PeriodKind::Quarter, "2025-01-01", "2025-03-31");
        // b2: 3, 0, 0: mean 1, sd √2.
        assert_eq!(
            values(db, "money.monthly_count_cv", &q1),
            expect(&[("b1", "2025-Q1", 0.0), ("b2", "2025-Q1", 141.421)])
        );
        assert_eq!(
            values(db, "money.monthly_amount_cv", &q1),
            expect(&[("b1", "2025-Q1", 0.0), ("b2", "2025-Q1", 141.421)])
        );
        // b1's fines are all 1000: no spread at all.
        let b1 = values(db, "money.amount_cv", &q1);
        assert_eq!(b1[0], ("b1".to_owned(), "2025-Q1".to_owned(), Some(0.0)));
    });
}

#[test]
fn inspections_visits_and_feedback_by_hand() {
    let rows = vec![
        // E1: b1 then b2 nineteen days later (both repeats against 综合查一次); A grade.
        inspection("i1", "b1", "E1", "A", "2025-05-01"),
        inspection("i2", "b2", "E1", "A", "2025-05-20").set("planned", 0),
        // E2: b1 twice (the same body is no repeat), b2 66 days after.
        inspection("i3", "b1", "E2", "B", "2025-05-02"),
        inspection("i4", "b1", "E2", "B", "2025-05-25"),
        inspection("i6", "b2", "E2", "C", "2025-07-30"),
        inspection("i5", "b2", "E3", "", "2025-05-03").set("planned", 0),
        visit("v1", "o1", "b1", 1),
        visit("v2", "o1", "b1", 0).set("code_refused", 1),
        visit("v3", "o2", "b2", 0),
        visit("v4", "o2", "b2", 1),
        feedback("f1", "rating", "b1", Some(5)),
        feedback("f2", "rating", "b1", Some(2)),
        feedback("f3", "complaint", "b1", None),
        feedback("f4", "rating", "b2", Some(4)),
    ];
    each_backend("ind_inspections", rows, |db| {
        assert_eq!(city(db, "inspection.per_enterprise"), Some(2.0)); // 6 over E1 E2 E3
        assert_eq!(city(db, "inspection.a_grade_share"), Some(40.0)); // i1 i2 of 5 graded
        assert_eq!(city(db, "inspection.repeat_30d"), Some(2.0)); // i1 i2
        assert_eq!(
            values(db, "inspection.repeat_30d", &year(Level::Body)),
            expect(&[("b1", "2025", 1.0), ("b2", "2025", 1.0)])
        );
        assert_eq!(
            behind(db, "inspection.repeat_30d", &year(Level::Body), "b2"),
            ["i2"]
        );
        assert_eq!(city(db, "inspection.unplanned"), Some(2.0));
        assert_eq!(city(db, "inspection.unplanned_share"), Some(33.333));
        assert_eq!(city(db, "visit.verified_share"), Some(50.0));
        assert_eq!(
            values(db, "visit.verified_share", &year(Level::Officer)),
            expect(&[("o1", "2025", 50.0), ("o2", "2025", 50.0)])
        );
        assert_eq!(
            behind(db, "visit.verified_share", &year(Level::City), "city"),
            ["v2", "v3"]
        );
        assert_eq!(city(db, "visit.unverified"), Some(2.0));
        assert_eq!(city(db, "visit.code_refused"), Some(1.0));
        assert_eq!(city(db, "feedback.rating_mean"), Some(3.667)); // (5 + 2 + 4) / 3
        assert_eq!(
            values(db, "feedback.rating_mean", &year(Level::Body)),
            expect(&[("b1", "2025", 3.5), ("b2", "2025", 4.0)])
        );
        assert_eq!(city(db, "feedback.complaints"), Some(1.0));
        // Inspections have no officer level: refused in zh-CN.
        let ind = Indicators::builtin().get("inspection.unplanned").unwrap();
        let refused = transaction(db, |tx| compute(tx, ind, &year(Level::Officer)));
        assert!(refused.unwrap_err().to_string().contains("不支持"));
    });
}

/// Legality, reviews and outside outcomes (indicators 19-26), acts on 2025-07-01.
fn legality_rows() -> Vec<Rec> {
    let act =
        |id: &str, decided: &str| case(id).on(&format!("act_on=2025-07-01,decided_on={decided}"));
    vec![
        act("l1", "2025-08-05")
            .on("legal_review_on=2025-08-01,hearing_held_on=2025-07-20")
            .set("legal_review_required", 1)
            .set("collective_required", 1)
            .set("hearing_due", 1)
            .set("hearing_offered", 1)
            .set("acting_officers", 1)
            .set("evidence_missing", 2),
        act("l2", "2025-08-06")
            .set("legal_review_required", 1)
            .set("hearing_due", 1)
            .set("uncredentialed", 1)
            .set("party_kind", "person"),
        // Reviewed only after the decision: not done where it counts.
        act("l3", "2025-08-07")
            .on("legal_review_on=2025-08-10")
            .set("legal_review_required", 1)
            .set("out_of_jurisdiction", 1),
        act("l4", "2025-08-08")
            .set("transferred", 1)
            .set("party_kind", ""),
        review("l1", 90, r#"["a","b"]"#),
        review("l2", 70, r#"["c"]"#),
        review("l3", 100, "[]"),
        outcome("N-l1", "reconsideration", "corrected", "2025-09-01"),
        outcome("N-l2", "reconsideration", "upheld", "2025-09-02"),
        outcome("N-l3", "reconsideration", "withdrawn", "2025-09-03"),
        outcome("N-l4", "litigation", "revoked", "2025-10-01"),
        // No such case here: never counted.
        outcome("N-elsewhere", "reconsideration", "upheld", "2025-09-04"),
    ]
}

#[test]
fn legality_reviews_and_outcomes_by_hand() {
    each_backend("ind_legality", legality_rows(), |db| {
        assert_eq!(city(db, "legality.legal_review"), Some(33.333)); // l1 of l1 l2 l3
        assert_eq!(
            behind(db, "legality.legal_review", &year(Level::City), "city"),
            ["l2", "l3"]
        );
        assert_eq!(city(db, "legality.collective"), Some(0.0));
        assert_eq!(city(db, "legality.hearing_offered"), Some(50.0));
        assert_eq!(city(db, "legality.hearings_held"), Some(1.0));
        assert_eq!(city(db, "review.score_mean"), Some(86.667)); // 260 / 3
        assert_eq!(city(db, "review.defective_share"), Some(66.667));
        assert_eq!(city(db, "review.defects"), Some(3.0)); // a b c
                                                           // Corrected of corrected + upheld; withdrawn and unknown cases left out.
        assert_eq!(city(db, "outcome.reconsideration_correction"), Some(50.0));
        assert_eq!(city(db, "outcome.litigation_loss"), Some(100.0));
        assert_eq!(
            behind(
                db,
                "outcome.reconsideration_correction",
                &year(Level::City),
                "city"
            ),
            ["l1"]
        );
        assert_eq!(city(db, "evidence.incomplete"), Some(1.0));
        assert_eq!(city(db, "legality.few_officers"), Some(1.0));
        assert_eq!(city(db, "legality.uncredentialed"), Some(1.0));
        assert_eq!(city(db, "legality.out_of_jurisdiction"), Some(1.0));
        assert_eq!(city(db, "case.transferred"), Some(1.0));
        assert_eq!(city(db, "case.enterprise_share"), Some(66.667)); // l1 l3 of l1 l2 l3
        let mut other = year(Level::District);
        other.scope = Scope::District("500104".into());
        assert!(values(db, "outcome.reconsideration_correction", &other).is_empty());
        assert!(values(db, "review.score_mean", &other).is_empty());
    });
}

#[test]
fn capacity_and_freshness_by_hand() {
    // 2025-06-23 24:00 in Beijing, as Unix seconds: seven days before the end of June.
    let june_23_end = 1_750_694_400;
    let rows = vec![
        case("k1").on("act_on=2025-02-01").set("town", "T1"),
        case("k2").on("act_on=2025-02-01").set("town", "T1"),
        case("k3").on("act_on=2025-02-01").set("town", "T2"),
        officer("k1", "o1", 1),
        officer("k1", "o2", 1),
        officer("k2", "o1", 1),
        officer("k3", "o3", 1),
        device("stale", june_23_end - 1),
        device("fresh", june_23_end),
    ];
    each_backend("ind_capacity", rows, |db| {
        assert_eq!(city(db, "capacity.officers_per_town"), Some(1.5)); // o1 o2 o3 over T1 T2
        assert_eq!(city(db, "capacity.cases_per_officer"), Some(1.0)); // 3 cases, 3 officers
        let june = query(Level::Body, PeriodKind::Month, "2025-06-01", "2025-06-30");
        assert_eq!(
            values(db, "capacity.devices_stale", &june),
            expect(&[("b1", "2025-06-30", 1.0)])
        );
    });
}

#[test]
fn every_indicator_computes_at_every_level_on_both_backends() {
    let mut rows = volume_rows();
    rows.extend(discretion_rows());
    rows.extend(legality_rows());
    rows.push(inspection("i1", "b1", "E1", "A", "2025-05-01"));
    rows.push(inspection("i2", "b2", "E1", "A", "2025-05-20").set("district", "500104"));
    rows.push(visit("v1", "o1", "b1", 1));
    rows.push(feedback("f1", "rating", "b1", Some(5)));
    rows.push(device("d", 0));
    each_backend("ind_all", rows, |db| {
        let all = compute_all(db, 2025).unwrap();
        let expected: usize = Indicators::builtin()
            .list
            .iter()
            .map(|i| i.levels.len())
            .sum();
        assert_eq!(all.len(), expected);
        let case_filed = all
            .iter()
            .find(|(id, level, _)| id == "case.filed" && *level == Level::City)
            .unwrap();
        let total: f64 = case_filed.2.iter().filter_map(|f| f.value).sum();
        assert_eq!(total, 4.0);
        // Shared scans and roll-ups give exactly what each indicator alone gives.
        for (id, level, batched) in &all {
            let ind = Indicators::builtin().get(id).unwrap();
            let kind = [PeriodKind::Month, PeriodKind::Quarter, PeriodKind::Year]
                .into_iter()
                .find(|k| ind.periods.contains(k))
                .unwrap();
            let q = query(*level, kind, "2025-01-01", "2025-12-31");
            assert_eq!(&figures(db, id, &q), batched, "{id} by {level:?}");
        }
    });
}

#[test]
fn every_indicator_is_documented() {
    let docs = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/SUPERVISION.md"
    ))
    .unwrap();
    for ind in &Indicators::builtin().list {
        let row = format!("| `{}` | {} | {} |", ind.id, ind.name, ind.unit);
        assert!(docs.contains(&row), "docs/SUPERVISION.md lacks {row}");
    }
}
