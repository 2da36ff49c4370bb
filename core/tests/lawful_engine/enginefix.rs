//! The legal reviewer's findings, each at its boundary: a mandatory ground lightens a fixed
//! amount and an aggravating row (never the statutory maximum, never 从重 beside 从轻处罚), the
//! statute's required kinds (并处, Art. 28) apart from its alternatives, and Art. 63 (2) on a
//! stated property value.

use super::*;
use zhifa_core::discretion::Fine;

/// An unauthorised toll (GL-74) on a county road that caused an accident: the 严重 row, 3× the
/// gains, fixed (6,900 on 2,300 yuan: the statutory maximum).
fn toll(age: i64, gains: i64) -> Outcome {
    let facts = ordinary("citizen")
        .with("age", age)
        .with("caused_accident", true)
        .with("road_level", "county")
        .with("illegal_gains", gains)
        .with("correction", "pending");
    outcome(
        &engine_of(demo_catalogue()),
        &request("GL-74", "500103", facts),
    )
}

fn range(min: i64, max: i64) -> Option<YuanRange> {
    Some(YuanRange { min, max })
}

fn has(o: &Outcome, reason: &ReviewReason) -> bool {
    o.review.contains(reason)
}

fn aggravating(row: &str) -> ReviewReason {
    ReviewReason::AggravatingWithMandatoryGround { row: row.into() }
}

#[test]
fn a_mandatory_ground_lightens_a_fixed_amount_below_the_general_tier() {
    // Eighteen: no ground, the row's fixed 3× is the statutory maximum, and no flag.
    let adult = toll(18, 2_300);
    assert_eq!(adult.tier, Tier::Heavier);
    assert_eq!(adult.fine, range(6_900, 6_900));
    assert_eq!(adult.statutory_fine, range(0, 6_900));
    assert!(!adult.mitigation_applied);
    // Seventeen (Art. 30): no heavier than the lowest 30 % of the general 1.5–2× (3,450–4,600).
    let minor = toll(17, 2_300);
    assert_eq!(minor.grounds, vec![MitigationGround::Minor]);
    assert_eq!(minor.tier, Tier::Lighter);
    assert_eq!(minor.fine, range(3_450, 3_795));
    assert!(minor.mitigation_applied);
    assert!(has(&minor, &aggravating("JT22-GL74-3")));
    assert!(
        minor.explanation.contains("第三十条"),
        "{}",
        minor.explanation
    );
    assert!(!minor.explanation.contains("6900"), "{}", minor.explanation);
    // No gains: the fixed 20,000 of the row against the general 5,000–10,000.
    let none = toll(16, 0);
    assert_eq!(toll(18, 0).fine, range(20_000, 20_000));
    assert_eq!(none.fine, range(5_000, 6_500));
    assert_eq!(none.tier, Tier::Lighter);
}

#[test]
fn a_fixed_general_row_goes_below_its_amount_within_the_statute() {
    let mut c = demo_catalogue();
    row(&mut c, "JT22-GL74-2").output.fine = Fine::Multiple {
        base: zhifa_core::discretion::BaseAmount::IllegalGains,
        min_milli: 2_000,
        max_milli: 2_000,
        if_no_base: None,
    };
    let facts = |age: i64| {
        ordinary("citizen")
            .with("age", age)
            .with("caused_accident", false)
            .with("road_level", "provincial")
            .with("illegal_gains", 2_300i64)
            .with("correction", "pending")
    };
    let engine = engine_of(c);
    let general = outcome(&engine, &request("GL-74", "500103", facts(35)));
    assert_eq!(general.fine, range(4_600, 4_600));
    let minor = outcome(&engine, &request("GL-74", "500103", facts(15)));
    assert_eq!(minor.fine, range(0, 1_380));
    assert_eq!(minor.tier, Tier::Lighter);
    assert!(minor.mitigation_applied);
    assert!(!has(&minor, &ReviewReason::MitigationByPerson));
}

#[test]
fn a_fixed_statutory_amount_goes_to_a_person_under_a_mandatory_ground() {
    let mut c = demo_catalogue();
    let dust = c
        .violations
        .iter_mut()
        .find(|v| v.code == "DQ-115")
        .unwrap();
    dust.statutory.fine = Fine::Fixed { amount: 10_000 };
    let engine = engine_of(c);
    let facts = ordinary("organisation")
        .with("harm", "general")
        .with("correction", "pending");
    // Sichuan has no dust baseline: the statute alone.
    let plain = outcome(&engine, &request("DQ-115", "510104", facts.clone()));
    assert_eq!(plain.fine, range(10_000, 10_000));
    assert!(!has(&plain, &ReviewReason::MitigationByPerson));
    let removed = outcome(
        &engine,
        &request("DQ-115", "510104", facts.with("removed_harm", true)),
    );
    assert_eq!(removed.fine, None, "the fixed maximum is not printed");
    assert!(has(&removed, &ReviewReason::MitigationByPerson));
    assert!(!removed.mitigation_applied);
    assert!(
        removed.explanation.contains("法制审核人员依法确定"),
        "{}",
        removed.explanation
    );
    assert!(!removed.explanation.contains("10000元"));
}

/// Sentences of a paragraph.
fn sentences(text: &str) -> Vec<&str> {
    text.split('。').collect()
}

#[test]
fn an_aggravating_row_under_a_mandatory_ground_is_lighter_than_the_general_tier_and_flagged() {
    let barbecue = |age: i64| {
        let facts = ordinary("citizen")
            .with("age", age)
            .with("correction", "refused")
            .with("pollution_alert", false)
            .with("illegal_gains", 0i64);
        outcome(
            &engine_of(demo_catalogue()),
            &request("DQ-118-3", "500103", facts),
        )
    };
    let adult = barbecue(18);
    assert_eq!(adult.tier, Tier::Heavier);
    assert_eq!(adult.fine, range(8_000, 20_000));
    assert!(!has(&adult, &aggravating("YZ24-DQ1183-2")));
    let minor = barbecue(16);
    // The district's general 500–3,000, its lowest 30 %; not a shaved 从重 band.
    assert_eq!(minor.fine, range(500, 1_250));
    assert_eq!(minor.tier, Tier::Lighter);
    assert_eq!(minor.source.as_ref().unwrap().row_id, "YZ24-DQ1183-2");
    assert!(has(&minor, &aggravating("YZ24-DQ1183-2")));
    for sentence in sentences(&minor.explanation) {
        assert!(
            !(sentence.contains("从重") && sentence.contains("从轻处罚")),
            "{sentence}"
        );
    }
    assert!(minor.explanation.contains("须经法制审核"));
    assert!(minor.explanation.contains("处500元以上1250元以下罚款"));
}

fn minor_barbecue(age: i64) -> Outcome {
    let facts = ordinary("citizen")
        .with("age", age)
        .with("correction", "pending")
        .with("pollution_alert", false)
        .with("illegal_gains", 0i64);
    outcome(
        &engine_of(demo_catalogue()),
        &request("DQ-118-3", "500103", facts),
    )
}

fn chosen(kinds: &[PenaltyKind], fine: Option<i64>, reason: &str) -> ChosenPenalty {
    ChosenPenalty {
        kinds: kinds.to_vec(),
        fine,
        reason: Some(reason.into()),
        ..ChosenPenalty::default()
    }
}

#[test]
fn the_statutes_required_kinds_are_below_the_minimum_when_dropped() {
    use PenaltyKind::{ConfiscateProperty as Property, Fine as Fined};
    let o = minor_barbecue(35);
    assert_eq!(
        o.required_kinds,
        vec![Fined, PenaltyKind::ConfiscateGains, Property]
    );
    let valued = |mut c: ChosenPenalty| {
        c.confiscated_property_value = Some(300);
        c
    };
    // 并处 500–20,000: the tools alone, without a 减轻 ground, whatever the reason.
    let tools = valued(chosen(&[Property], None, "当事人困难"));
    let refused = check_choice(&o, &tools).unwrap_err();
    assert!(matches!(
        refused,
        DiscretionError::RequiredKindMissing { kind: Fined, .. }
    ));
    assert!(refused.message_zh().contains("并处“罚款”"));
    assert!(refused.message_zh().contains("第三十条至第三十二条"));
    // The fine without the tools the statute orders confiscated.
    let fined = check_choice(&o, &fine(500, Some("x"))).unwrap_err();
    assert!(matches!(
        fined,
        DiscretionError::RequiredKindMissing { kind: Property, .. }
    ));
    // Both: lawful, inside the band.
    let both = valued(chosen(&[Fined, Property], Some(500), "x"));
    assert!(!check_choice(&o, &both).unwrap().outside_band);
    // Sixteen: a 减轻 ground lets the fine drop, with a reason recorded.
    let minor = minor_barbecue(16);
    let checked = check_choice(&minor, &tools).unwrap();
    assert!(checked.outside_band);
    let mut silent = tools.clone();
    silent.reason = None;
    assert_eq!(
        check_choice(&minor, &silent),
        Err(DiscretionError::OverrideWithoutReason)
    );
}

#[test]
fn a_choice_imposing_nothing_is_no_penalty() {
    let o = litter(ordinary("citizen"));
    let mut nothing = chosen(&[PenaltyKind::ConfiscateGains], None, "x");
    nothing.confiscated_gains = Some(0);
    assert_eq!(
        check_choice(&o, &nothing),
        Err(DiscretionError::NoGroundForNoPenalty)
    );
    // Gains the facts do not state cannot be confiscated beside the fine.
    let mut more = chosen(
        &[PenaltyKind::Fine, PenaltyKind::ConfiscateGains],
        Some(150),
        "x",
    );
    more.confiscated_gains = Some(100);
    let refused = check_choice(&o, &more).unwrap_err();
    assert_eq!(refused, DiscretionError::NoGainsToConfiscate);
    assert!(refused.message_zh().contains("第二十八条"));
}

/// An organisation's unauthorised toll on a county road, no accident: the 轻微 row, 1× gains.
fn company_toll(gains: i64) -> Outcome {
    let facts = ordinary("organisation")
        .with("caused_accident", false)
        .with("road_level", "county")
        .with("illegal_gains", gains)
        .with("correction", "pending");
    outcome(
        &engine_of(demo_catalogue()),
        &request("GL-74", "500103", facts),
    )
}

fn confiscating(gains: i64, fine: Option<i64>, reason: &str) -> ChosenPenalty {
    let mut kinds = vec![PenaltyKind::ConfiscateGains];
    kinds.extend(fine.map(|_| PenaltyKind::Fine));
    let mut c = chosen(&kinds, fine, reason);
    c.confiscated_gains = Some(gains);
    c
}

#[test]
fn art_28_confiscates_the_stated_gains_in_full_but_for_a_refund() {
    let o = company_toll(60_000);
    assert_eq!(o.required_kinds, vec![PenaltyKind::ConfiscateGains]);
    assert_eq!(o.illegal_gains, Some(60_000));
    // The fine without the confiscation: refused, and with it the hearing it would give.
    let dropped = check_choice(&o, &fine(40_000, Some("酌情"))).unwrap_err();
    assert_eq!(
        dropped,
        DiscretionError::GainsNotConfiscated {
            gains: 60_000,
            refunded: 0
        }
    );
    assert!(dropped.message_zh().contains("应没收60000元"));
    // One yuan of sixty thousand, or one yuan short: refused.
    for wrong in [1, 59_999, 60_001] {
        assert!(matches!(
            check_choice(&o, &confiscating(wrong, Some(40_000), "x")),
            Err(DiscretionError::GainsNotConfiscated { .. })
        ));
    }
    // In full: lawful, and 60,000 ≥ 50,000 gives the hearing (Art. 63 (2)).
    let full = check_choice(&o, &confiscating(60_000, Some(40_000), "酌情")).unwrap();
    assert!(full.route.hearing_right);
    // The highway law's fine is "may also": the confiscation alone is lawful.
    assert!(check_choice(&o, &confiscating(60_000, None, "酌情")).is_ok());
    // A refund (退赔) leaves its amount unconfiscated, with a reason.
    let mut refund = confiscating(50_000, None, "已退赔受害车主10000元");
    refund.refunded_gains = Some(10_000);
    assert!(check_choice(&o, &refund).is_ok());
    let mut silent = refund.clone();
    silent.reason = None;
    assert_eq!(
        check_choice(&o, &silent),
        Err(DiscretionError::RefundWithoutReason)
    );
    let mut over = refund.clone();
    over.refunded_gains = Some(60_001);
    assert!(matches!(
        check_choice(&o, &over),
        Err(DiscretionError::GainsNotConfiscated { .. })
    ));
    // At the threshold's boundary for an organisation's confiscated gains.
    let below = company_toll(49_999);
    let route = |o: &Outcome, g: i64| {
        check_choice(o, &confiscating(g, None, "x"))
            .unwrap()
            .route
            .hearing_right
    };
    assert!(!route(&below, 49_999));
    assert!(route(&company_toll(50_000), 50_000));
}

#[test]
fn art_63_confiscated_property_needs_its_value_stated() {
    let o = minor_barbecue(35);
    let mut chosen = chosen(
        &[PenaltyKind::Fine, PenaltyKind::ConfiscateProperty],
        Some(1_000),
        "x",
    );
    let refused = check_choice(&o, &chosen).unwrap_err();
    assert_eq!(refused, DiscretionError::PropertyValueUnstated);
    assert!(refused.message_zh().contains("第六十三条"));
    // A citizen's 5,000: 4,999 gives no hearing right, 5,000 does.
    chosen.confiscated_property_value = Some(4_999);
    assert!(!check_choice(&o, &chosen).unwrap().route.hearing_right);
    chosen.confiscated_property_value = Some(5_000);
    assert!(check_choice(&o, &chosen).unwrap().route.hearing_right);
    // The value the facts state is what the suggested choice carries.
    let facts = ordinary("citizen")
        .with("correction", "pending")
        .with("pollution_alert", false)
        .with("illegal_gains", 0i64)
        .with("property_value", 800i64);
    let stated = outcome(
        &engine_of(demo_catalogue()),
        &request("DQ-118-3", "500103", facts),
    );
    let suggested = ChosenPenalty::suggested(&stated, Some(1_000), Some(0));
    assert_eq!(suggested.confiscated_property_value, Some(800));
    assert!(check_choice(&stated, &suggested).is_ok());
}

#[test]
fn required_kinds_are_derived_where_the_catalogue_does_not_mark_them() {
    let frame = |code: &str| {
        let mut v = demo_catalogue()
            .violations
            .into_iter()
            .find(|v| v.code == code)
            .unwrap();
        v.statutory.required = None;
        v.statutory
    };
    use PenaltyKind::*;
    // "May also fine" beside a confiscation: only the confiscation.
    assert_eq!(frame("GL-74").required_kinds(), vec![ConfiscateGains]);
    // A fine alone is the penalty; a warning beside it is an alternative.
    assert_eq!(frame("GF-111-C").required_kinds(), vec![Fine]);
    assert_eq!(frame("GLAQ-64").required_kinds(), vec![Fine]);
    assert!(frame("WY-34").required_kinds().is_empty());
    // A statute's order to confiscate the tools is never guessed.
    assert_eq!(
        frame("DQ-118-3").required_kinds(),
        vec![Fine, ConfiscateGains]
    );
    // An older catalogue's frame without the field reads as derived.
    let old: Statutory =
        serde_json::from_str(r#"{"kinds":["Fine"],"fine":{"form":"range","min":100,"max":500}}"#)
            .unwrap();
    assert_eq!(old.required, None);
    assert_eq!(old.required_kinds(), vec![Fine]);
}
