//! Issue 11 §1, the discretion engine's lawful outcomes, each rule at its boundaries: the
//! statute as a hard frame for the chosen penalty, mitigation with or without a baseline row,
//! the party's burden as the order of "favourable", Art. 33's 应当 and 可以 with the education
//! record, Art. 37 across statute amendments, Art. 63 for every listed kind, and the flexible
//! measures of the catalogue, on the demo catalogue (changed where a rule needs other data).
//! Art. 33 in `art33.rs`; Art. 37, Art. 63, flexible measures and the case file in
//! `frames_hearings.rs`.

use chrono::{NaiveDate, Utc};
use zhifa_core::cases::CaseKind;
use zhifa_core::discretion::{
    check_choice, ChoiceDisposition, ChosenPenalty, DiscretionEngine, DiscretionError, Disposition,
    EducationRecord, Facts, FlexibleMeasure, MitigationGround, NoPenaltyReason, Outcome,
    PenaltyKind, ReviewReason, Statutory, Suggestion, SuggestionRequest, Tier, Violation,
    YuanRange,
};
use zhifa_core::registry::CatalogueData;
use zhifa_core::testing::{demo_catalogue, officers, person, Phone};
use zhifa_core::texts::discretion as text;

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn engine_of(c: CatalogueData) -> DiscretionEngine {
    DiscretionEngine::new(c.violations, c.baseline_documents, c.hearing_thresholds).unwrap()
}

/// The answers an officer gives unless the case says otherwise: no gate, no ground, and not a
/// first violation.
fn ordinary(party: &str) -> Facts {
    let mut facts = Facts::new()
        .with("party_type", party)
        .with("criminal_referral", false)
        .with("no_fault_proven", false)
        .with("minor_act", false)
        .with("removed_harm", false)
        .with("coerced", false)
        .with("confessed", false)
        .with("meritorious", false)
        .with("first_offence", false)
        .with("priors_12m", 0i64);
    if party == "citizen" {
        facts = facts.with("age", 35i64).with("capacity", "full");
    }
    facts
}

fn request(violation: &str, place: &str, facts: Facts) -> SuggestionRequest {
    SuggestionRequest {
        violation: violation.into(),
        place_division: place.into(),
        act_date: date("2024-05-01"),
        act_ended: None,
        discovered_on: date("2024-05-01"),
        decision_date: date("2024-05-20"),
        facts,
    }
}

fn outcome(engine: &DiscretionEngine, request: &SuggestionRequest) -> Outcome {
    match engine.suggest(request).unwrap() {
        Suggestion::Outcome(outcome) => *outcome,
        Suggestion::NeedFacts(q) => panic!("asked {q:?}"),
    }
}

fn fine(amount: i64, reason: Option<&str>) -> ChosenPenalty {
    ChosenPenalty {
        kinds: vec![PenaltyKind::Fine],
        fine: Some(amount),
        reason: reason.map(str::to_owned),
        ..ChosenPenalty::default()
    }
}

fn educated() -> ChosenPenalty {
    ChosenPenalty {
        education: Some(EducationRecord {
            content: "讲解了相关规定及合法经营的要求".into(),
            by: "渝50010320021".into(),
            at: Utc::now(),
        }),
        ..ChosenPenalty::default()
    }
}

/// A citizen littering (GF-111-C): statute 100–500 yuan, fine only; the band 100–200.
fn litter(facts: Facts) -> Outcome {
    let facts = facts.with("correction", "pending");
    outcome(
        &engine_of(demo_catalogue()),
        &request("GF-111-C", "500103", facts),
    )
}

#[test]
fn the_statute_is_a_hard_frame_whatever_the_reason() {
    let o = litter(ordinary("citizen"));
    assert_eq!(o.fine, Some(YuanRange { min: 100, max: 200 }));
    let reason = Some("情节特殊，经集体讨论");
    // Inside the band: the officer's discretion, no reason.
    assert!(!check_choice(&o, &fine(150, None)).unwrap().outside_band);
    // The statutory maximum: lawful, outside the band, so a reason is required and recorded.
    assert_eq!(
        check_choice(&o, &fine(500, None)),
        Err(DiscretionError::OverrideWithoutReason)
    );
    assert!(check_choice(&o, &fine(500, reason)).unwrap().outside_band);
    // One yuan above it: refused with the article, whatever the reason.
    let above = check_choice(&o, &fine(501, reason)).unwrap_err();
    assert!(matches!(
        above,
        DiscretionError::FineAboveStatute { max: 500, .. }
    ));
    let said = above.message_zh();
    assert!(
        said.contains("500元") && said.contains("第一百一十一条"),
        "{said}"
    );
    // One yuan below the minimum: refused without a 减轻 ground.
    let below = check_choice(&o, &fine(99, reason)).unwrap_err();
    assert!(matches!(
        below,
        DiscretionError::FineBelowStatute { min: 100, .. }
    ));
    assert!(below.message_zh().contains("第三十条至第三十二条"));
    // With a recorded ground (Art. 32 (3)) it may go below, with a reason.
    let confessed = litter(ordinary("citizen").with("confessed", true));
    assert_eq!(confessed.grounds, vec![MitigationGround::Confessed]);
    assert!(check_choice(&confessed, &fine(99, reason)).is_ok());
    // A kind the statute does not provide: refused by name and article.
    let warning = ChosenPenalty {
        kinds: vec![PenaltyKind::Warning],
        reason: reason.map(str::to_owned),
        ..ChosenPenalty::default()
    };
    let refused = check_choice(&o, &warning).unwrap_err();
    assert!(matches!(
        refused,
        DiscretionError::KindNotProvided {
            kind: PenaltyKind::Warning,
            ..
        }
    ));
    assert!(refused.message_zh().contains("警告"));
    // Amounts go with their kinds.
    let loose = ChosenPenalty {
        kinds: vec![],
        fine: Some(150),
        ..ChosenPenalty::default()
    };
    assert_eq!(
        check_choice(&o, &loose),
        Err(DiscretionError::AmountWithoutKind(PenaltyKind::Fine))
    );
}

#[test]
fn mandatory_mitigation_lightens_the_statutory_range_when_no_row_matches() {
    let engine = engine_of(demo_catalogue());
    // Sichuan has no baseline for dust: the statutory 10,000–100,000 is all there is.
    let facts = ordinary("organisation")
        .with("harm", "general")
        .with("correction", "pending");
    let plain = outcome(&engine, &request("DQ-115", "510104", facts.clone()));
    assert_eq!(
        plain.fine,
        Some(YuanRange {
            min: 10_000,
            max: 100_000
        })
    );
    assert!(!plain.mitigation_applied);
    assert!(!plain.explanation.contains("从轻"));
    assert!(plain
        .trace
        .iter()
        .all(|s| s.rule != text::RULE_MANDATORY_MITIGATION));

    let removed = outcome(
        &engine,
        &request("DQ-115", "510104", facts.with("removed_harm", true)),
    );
    assert_eq!(removed.tier, Tier::Lighter);
    assert_eq!(
        removed.fine,
        Some(YuanRange {
            min: 10_000,
            max: 37_000
        })
    );
    assert!(removed.mitigation_applied);
    let step = removed
        .trace
        .iter()
        .find(|s| s.rule == text::RULE_MANDATORY_MITIGATION)
        .unwrap();
    assert!(step
        .citation
        .as_deref()
        .unwrap()
        .contains("第三十二条第（一）项"));
    assert!(removed.explanation.contains("应当从轻或者减轻处罚"));
}

#[test]
fn a_warning_only_row_is_the_floor_and_the_trace_claims_no_mitigation() {
    let engine = engine_of(demo_catalogue());
    let facts = ordinary("organisation")
        .with("correction", "pending")
        .with("coerced", true);
    let o = outcome(&engine, &request("SP-126-5", "500103", facts));
    assert!(o.warning && o.fine.is_none());
    assert_eq!(o.tier, Tier::General);
    assert!(!o.mitigation_applied);
    let step = o
        .trace
        .iter()
        .find(|s| s.rule == text::RULE_MANDATORY_MITIGATION)
        .unwrap();
    assert!(
        step.finding.contains("已是最轻的处罚种类"),
        "{}",
        step.finding
    );
    assert!(!o.explanation.contains("应当从轻"), "{}", o.explanation);
}

#[test]
fn a_band_less_row_drops_the_heavier_kinds_under_a_mandatory_ground() {
    let mut c = demo_catalogue();
    let row = c
        .baseline_documents
        .iter_mut()
        .flat_map(|d| d.rows.iter_mut())
        .find(|r| r.id == "SC23-SCZT43-3")
        .unwrap();
    row.output.fine = zhifa_core::discretion::Fine::None;
    let engine = engine_of(c);
    let facts = ordinary("organisation")
        .with("correction", "refused")
        .with("harm", "serious")
        .with("illegal_gains", 1_000i64);
    let plain = outcome(&engine, &request("SCZT-43", "500103", facts.clone()));
    assert_eq!(plain.other, vec![PenaltyKind::OrderClosure]);
    let o = outcome(
        &engine,
        &request("SCZT-43", "500103", facts.with("meritorious", true)),
    );
    assert!(o.other.is_empty() && o.confiscate_gains && o.mitigation_applied);
    assert_eq!(o.tier, Tier::Lighter);
}

#[test]
fn partial_capacity_offers_a_lighter_band_and_does_not_force_it() {
    let o = litter(ordinary("citizen").with("capacity", "partial"));
    assert_eq!(o.tier, Tier::General);
    assert_eq!(o.fine, Some(YuanRange { min: 100, max: 200 }));
    assert_eq!(o.optional_fine, Some(YuanRange { min: 100, max: 130 }));
    assert!(!o.mitigation_applied);
    assert!(o
        .trace
        .iter()
        .any(|s| s.rule == text::RULE_OPTIONAL_MITIGATION));
    // Either is the officer's discretion; the ground also opens the range downwards.
    assert!(!check_choice(&o, &fine(180, None)).unwrap().outside_band);
    assert!(!check_choice(&o, &fine(120, None)).unwrap().outside_band);
    assert!(check_choice(&o, &fine(90, Some("部分丧失辨认能力，减轻处罚"))).is_ok());
}

/// The demo barbecue (DQ-118-3) in Yuzhong: the city's row and the district's row both match.
fn barbecue(c: CatalogueData) -> Outcome {
    let facts = ordinary("citizen")
        .with("correction", "pending")
        .with("pollution_alert", false)
        .with("illegal_gains", 0i64);
    outcome(&engine_of(c), &request("DQ-118-3", "500103", facts))
}

fn row<'c>(c: &'c mut CatalogueData, id: &str) -> &'c mut zhifa_core::discretion::BaselineRow {
    c.baseline_documents
        .iter_mut()
        .flat_map(|d| d.rows.iter_mut())
        .find(|r| r.id == id)
        .unwrap()
}

#[test]
fn favourable_is_the_burden_not_the_tier_label() {
    // As published: the district's 500–3,000 is lighter than the city's 500–5,000.
    let o = barbecue(demo_catalogue());
    assert_eq!(o.source.as_ref().unwrap().row_id, "YZ24-DQ1183-1");
    assert!(!o.review.contains(&ReviewReason::CandidatesDisagree));
    // A 从轻 row with a heavier fine is not lighter than a general one.
    let mut c = demo_catalogue();
    let district = row(&mut c, "YZ24-DQ1183-1");
    district.tier = Tier::Lighter;
    district.output.fine = zhifa_core::discretion::Fine::Range {
        min: 1_000,
        max: 5_000,
    };
    let o = barbecue(c);
    assert_eq!(o.source.as_ref().unwrap().row_id, "CG22-DQ1183-2");
    assert_eq!(o.tier, Tier::General);
    assert_eq!(o.alternatives[0].tier, Tier::Lighter);
    // A lower group beats any outcome adding a higher one, whatever the amounts.
    let mut c = demo_catalogue();
    row(&mut c, "YZ24-DQ1183-1").output.other = vec![PenaltyKind::OrderSuspension];
    assert_eq!(barbecue(c).source.unwrap().row_id, "CG22-DQ1183-2");
}

#[test]
fn candidates_the_order_cannot_settle_go_to_a_person() {
    // A lower maximum but a higher minimum than the city's 500–5,000.
    let mut c = demo_catalogue();
    row(&mut c, "YZ24-DQ1183-1").output.fine = zhifa_core::discretion::Fine::Range {
        min: 600,
        max: 4_000,
    };
    assert!(barbecue(c)
        .review
        .contains(&ReviewReason::CandidatesDisagree));
    // Different kinds in the same group: property confiscated against a higher fine.
    let mut c = demo_catalogue();
    let district = row(&mut c, "YZ24-DQ1183-1");
    district.output.confiscate_property = false;
    district.output.fine = zhifa_core::discretion::Fine::Range {
        min: 500,
        max: 6_000,
    };
    assert!(barbecue(c)
        .review
        .contains(&ReviewReason::CandidatesDisagree));
    // Within one document: two overlapping rows, the dominated one is taken, no flag.
    let mut c = demo_catalogue();
    let mut overlap = row(&mut c, "CG22-DQ1183-2").clone();
    overlap.id = "CG22-DQ1183-2b".into();
    overlap.output.fine = zhifa_core::discretion::Fine::Range {
        min: 500,
        max: 2_000,
    };
    let city = c
        .baseline_documents
        .iter_mut()
        .find(|d| d.id == "D-CQ-CG-2022")
        .unwrap();
    city.rows.push(overlap);
    let o = barbecue(c);
    assert_eq!(o.source.as_ref().unwrap().row_id, "CG22-DQ1183-2b");
    assert!(o
        .review
        .iter()
        .any(|r| matches!(r, ReviewReason::BaselineOverlap { .. })));
    assert!(!o.review.contains(&ReviewReason::CandidatesDisagree));
}

mod art33;
mod enginefix;
mod frames_hearings;
