//! The simulated city-year at small scale: deterministic for a seed, realistic in shape
//! (cases the engine can decide, summary and ordinary, inspections weighted by grade), every
//! anomaly recorded as truth.

use std::collections::BTreeMap;

use zhifa_core::cases::CaseKind;
use zhifa_sync_server::supervision::simulate::year::Generator;
use zhifa_sync_server::supervision::simulate::{CityScale, CityYear};

fn small(seed: u64) -> Generator {
    Generator::new(CityYear::new(CityScale::Small, seed)).unwrap()
}

#[test]
fn the_small_city_year_is_deterministic_for_a_seed() {
    let (a, b, c) = (small(7), small(7), small(8));
    assert_eq!(a.plan.truth, b.plan.truth);
    for body in [0, 5, 17] {
        let (x, y) = (a.body_year(body), b.body_year(body));
        assert_eq!(x.cases, y.cases);
        assert_eq!(x.inspections, y.inspections);
        assert_eq!(x.feedback, y.feedback);
    }
    assert_ne!(a.body_year(3).cases, c.body_year(3).cases);
}

#[test]
fn the_small_city_year_has_the_shape_of_a_real_one() {
    let generator = small(2026);
    let (mut cases, mut summary, mut decided, mut departures, mut inspections) = (0, 0, 0, 0, 0);
    let (mut a_grade, mut unverified) = (0, 0);
    let mut truth: BTreeMap<String, usize> = BTreeMap::new();
    for b in 0..generator.body_count() {
        let year = generator.body_year(b);
        cases += year.cases.len();
        summary += year
            .cases
            .iter()
            .filter(|c| c.kind == CaseKind::Summary)
            .count();
        decided += year.cases.iter().filter(|c| c.decision.is_some()).count();
        departures += year
            .cases
            .iter()
            .filter(|c| c.override_reason.is_some())
            .count();
        inspections += year.inspections.len();
        unverified += year.visits.iter().filter(|v| !v.verified()).count();
        a_grade += year
            .inspections
            .iter()
            .filter(|i| {
                generator.world.data.enterprises.iter().any(|e| {
                    e.credit_code == i.credit_code
                        && e.credit_grade == zhifa_core::registry::CreditGrade::A
                })
            })
            .count();
        for (rule, _) in year.truth {
            *truth.entry(rule).or_default() += 1;
        }
    }
    for (rule, expected) in &generator.plan.truth.rules {
        *truth.entry(rule.clone()).or_default() += expected.len();
    }
    eprintln!(
        "cases {cases} summary {summary} decided {decided} departures {departures} \
         inspections {inspections} A {a_grade} unverified {unverified} truth {truth:?}"
    );
    assert!((3_500..5_000).contains(&cases), "{cases} cases");
    assert!(
        (8_000..12_500).contains(&inspections),
        "{inspections} inspections"
    );
    assert!(
        summary * 10 > cases && summary * 10 < cases * 6,
        "{summary} summary"
    );
    assert!(decided * 10 > cases * 8, "{decided} decided");
    assert!(departures * 100 < cases * 8, "{departures} departures");
    assert!(
        a_grade * 100 < inspections * 3,
        "{a_grade} A-grade inspections"
    );
    for rule in [
        "income_growth",
        "quota_regularity",
        "baseline_departures_body",
        "baseline_departures",
        "same_facts_spread",
        "multi_body_inspection",
        "a_grade_share",
        "visit_unverified",
        "code_refused",
        "case_overdue",
        "case_near_limit",
        "legal_review_missing",
        "complaints_spike",
        "complaints_officer",
    ] {
        assert!(
            truth.get(rule).is_some_and(|n| *n > 0),
            "no truth for {rule}"
        );
    }
}

/// The small city-year loads through the projection into SQLite, and the evaluation scores
/// every warning rule against its truth.
#[test]
fn the_small_city_year_loads_and_every_rule_is_scored() {
    use zhifa_sync_server::supervision::simulate::{evaluate::evaluate, simulate, truth::Truth};
    use zhifa_sync_server::supervision::warnings::Rules;

    let dir = tempfile::tempdir().unwrap();
    let db = zhifa_sync_server::server::open_database(dir.path(), None).unwrap();
    let config = CityYear::new(CityScale::Small, 2026);
    let (loaded, truth) = simulate(db.as_ref(), dir.path(), config).unwrap();
    assert_eq!(Truth::read(dir.path()).unwrap(), truth);
    let counted = zhifa_sync_server::storage::transaction(db.as_ref(), |tx| {
        let count = |tx: &mut dyn zhifa_sync_server::storage::Tx, table: &str| {
            tx.query(&format!("SELECT COUNT(*) FROM {table}"), &[])
                .map(|rows| rows[0].int(0).unwrap() as usize)
        };
        Ok((
            count(tx, "sv_case")?,
            count(tx, "sv_inspection")?,
            count(tx, "sv_visit")?,
        ))
    })
    .unwrap();
    assert_eq!(counted, (loaded.cases, loaded.inspections, loaded.visits));

    let evaluation = evaluate(db.as_ref(), &truth, config.as_of()).unwrap();
    eprintln!("{}", evaluation.table());
    let rules = Rules::builtin();
    assert_eq!(evaluation.rules.len(), rules.rules.len());
    for score in &evaluation.rules {
        assert_eq!(score.precision.is_some(), score.fired > 0, "{}", score.rule);
        if score.expected > 0 {
            assert!(
                score.recall.unwrap() >= 0.9,
                "{} recall {:?}",
                score.rule,
                score.recall
            );
        }
        // Two rules also fire on the natural year, for reasons of the rules (see SUPERVISION.md,
        // "The city-year"): fine income, whose monthly sums are lumpy; same facts, which
        // compares amounts even where the fine is a multiple of different illegal gains.
        // Every other rule is silent on the natural year.
        let noisy = ["income_growth", "same_facts_spread"];
        if !noisy.contains(&score.rule.as_str()) && score.fired > 0 {
            assert!(
                score.precision.unwrap() >= 0.9,
                "{} precision {:?}: false alarms {:?}",
                score.rule,
                score.precision,
                score.false_alarms
            );
        }
    }
}
