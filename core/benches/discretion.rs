//! One discretion match with the full-scale baselines loaded (11,273 violations, three tiers
//! each, plus a district baseline): DESIGN.md §6 budget ≤ 50 µs median. Also a violation whose
//! statute was amended between the act and the decision (Art. 37: both frames compared), and
//! the check of a chosen penalty against the statute.
//!
//! cargo bench -p zhifa-core --bench discretion

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use zhifa_core::discretion::{
    check_choice, Amendment, ChosenPenalty, DiscretionEngine, Facts, Fine, PenaltyKind, Suggestion,
    SuggestionRequest,
};
use zhifa_core::registry::generate::{generate, Scale};

fn request(violation: &str, harm: &str) -> SuggestionRequest {
    let facts = Facts::new()
        .with("party_type", "organisation")
        .with("criminal_referral", false)
        .with("no_fault_proven", false)
        .with("minor_act", false)
        .with("removed_harm", false)
        .with("coerced", false)
        .with("confessed", false)
        .with("meritorious", false)
        .with("first_offence", false)
        .with("harm", harm)
        .with("priors_12m", 1i64)
        .with("illegal_gains", 12_000i64);
    SuggestionRequest {
        violation: violation.into(),
        place_division: "500103".into(),
        act_date: NaiveDate::from_ymd_opt(2024, 5, 1).unwrap(),
        act_ended: None,
        discovered_on: NaiveDate::from_ymd_opt(2024, 5, 1).unwrap(),
        decision_date: NaiveDate::from_ymd_opt(2024, 5, 20).unwrap(),
        facts,
    }
}

fn benches(c: &mut Criterion) {
    let mut data = generate(Scale::FULL, 2026);
    // V05002's statute is amended (a lighter fine) between the act and the decision.
    let amended = data
        .violations
        .iter_mut()
        .find(|v| v.code == "V05002")
        .expect("the generator makes V05002");
    let mut lighter = amended.statutory.clone();
    lighter.fine = match lighter.fine {
        Fine::Range { min, max } => Fine::Range {
            min: min / 2,
            max: max / 2,
        },
        other => other,
    };
    amended.amendments.push(Amendment {
        effective: NaiveDate::from_ymd_opt(2024, 5, 10).unwrap(),
        statutory: Some(lighter),
        penalty_basis: Vec::new(),
        enacted_by: "修改决定".into(),
    });
    let rows: usize = data.baseline_documents.iter().map(|d| d.rows.len()).sum();
    let started = std::time::Instant::now();
    let engine = DiscretionEngine::new(
        data.violations,
        data.baseline_documents,
        data.hearing_thresholds,
    )
    .unwrap();
    eprintln!("loaded {rows} baseline rows in {:?}", started.elapsed());

    // V05000: a violation with a district row too (two candidates); V05001: city only.
    for (name, violation) in [
        ("two_baselines", "V05000"),
        ("one_baseline", "V05001"),
        ("amended_statute", "V05002"),
    ] {
        let request = request(violation, "general");
        assert!(matches!(
            engine.suggest(&request).unwrap(),
            Suggestion::Outcome(_)
        ));
        c.bench_function(&format!("discretion/suggest_full_scale_{name}"), |b| {
            b.iter(|| engine.suggest(&request).unwrap())
        });
    }

    let Suggestion::Outcome(outcome) = engine.suggest(&request("V05000", "general")).unwrap()
    else {
        unreachable!("asserted above")
    };
    let chosen = ChosenPenalty {
        kinds: outcome.kinds(),
        fine: outcome.fine.map(|f| f.min.max(1)),
        confiscated_gains: Some(12_000),
        reason: Some("依法裁量".into()),
        ..ChosenPenalty::default()
    };
    assert!(chosen.kinds.contains(&PenaltyKind::Fine));
    check_choice(&outcome, &chosen).expect("a lawful choice");
    c.bench_function("discretion/check_choice", |b| {
        b.iter(|| check_choice(&outcome, &chosen).unwrap())
    });
}

criterion_group!(discretion, benches);
criterion_main!(discretion);
