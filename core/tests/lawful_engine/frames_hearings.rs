//! Art. 37 across statute amendments, Art. 63 for every listed kind, flexible measures, and the
//! whole choice kept in the case file.

use super::*;

/// The demo's amended violation SR-HW-32: 1,000–10,000 yuan, from 2026-03-01 500–5,000.
fn signboard(c: CatalogueData, act: &str, decision: &str) -> Outcome {
    let mut r = request(
        "SR-HW-32",
        "500103",
        ordinary("organisation").with("correction", "pending"),
    );
    r.act_date = date(act);
    r.discovered_on = date(act);
    r.decision_date = date(decision);
    outcome(&engine_of(c), &r)
}

fn amended(c: &mut CatalogueData) -> &mut Violation {
    c.violations
        .iter_mut()
        .find(|v| v.code == "SR-HW-32")
        .unwrap()
}

#[test]
fn the_lighter_statute_at_the_decision_applies_from_its_effective_date() {
    let before = signboard(demo_catalogue(), "2026-01-15", "2026-02-28");
    assert_eq!(
        before.fine,
        Some(YuanRange {
            min: 1_000,
            max: 10_000
        })
    );
    assert_eq!(before.statute_in_force_from, Some(date("2021-01-01")));
    let on = signboard(demo_catalogue(), "2026-01-15", "2026-03-01");
    assert_eq!(
        on.fine,
        Some(YuanRange {
            min: 500,
            max: 5_000
        })
    );
    assert_eq!(on.statute_in_force_from, Some(date("2026-03-01")));
    let step = on
        .trace
        .iter()
        .find(|s| s.rule == text::RULE_STATUTE_VERSION)
        .unwrap();
    assert_eq!(step.finding, text::FRAME_AT_DECISION_LIGHTER);
    assert!(step
        .citation
        .as_deref()
        .unwrap()
        .contains("2026年3月1日起施行"));
    // The applied frame is the hard frame of the choice.
    assert!(matches!(
        check_choice(&on, &fine(6_000, Some("情节严重"))),
        Err(DiscretionError::FineAboveStatute { max: 5_000, .. })
    ));
    // A heavier amendment never applies to an earlier act.
    let mut c = demo_catalogue();
    amended(&mut c).amendments[0].statutory = Some(Statutory {
        kinds: vec![PenaltyKind::Fine],
        fine: zhifa_core::discretion::Fine::Range {
            min: 2_000,
            max: 20_000,
        },
        confiscate_gains: false,
        required: None,
    });
    let heavier = signboard(c, "2026-01-15", "2026-03-01");
    assert_eq!(
        heavier.statutory_fine,
        Some(YuanRange {
            min: 1_000,
            max: 10_000
        })
    );
    assert!(heavier
        .trace
        .iter()
        .any(|s| s.finding == text::FRAME_AT_ACT_NOT_LIGHTER));
}

#[test]
fn an_act_no_longer_a_violation_at_the_decision_is_not_punished() {
    let mut c = demo_catalogue();
    amended(&mut c).amendments[0].statutory = None;
    let before = signboard(c.clone(), "2026-01-15", "2026-02-28");
    assert_eq!(before.disposition, Disposition::Penalty);
    let on = signboard(c, "2026-01-15", "2026-03-01");
    assert_eq!(
        on.disposition,
        Disposition::NoPenalty {
            reason: NoPenaltyReason::NoLongerViolation
        }
    );
    assert!(on.explanation.contains("第三十七条"));
    // A catalogue written before versions existed still loads: one unversioned frame.
    let old: Violation = serde_json::from_str(
        r#"{"code":"X","item_code":"I","name":"n","violated":[],"penalty_basis":[],
            "party_types":["citizen"],"statutory":{"kinds":["Fine"]}}"#,
    )
    .unwrap();
    assert!(old.amendments.is_empty() && old.flexible.is_empty());
}

fn chosen(kinds: Vec<PenaltyKind>, fine: Option<i64>, gains: Option<i64>) -> ChosenPenalty {
    ChosenPenalty {
        kinds,
        fine,
        confiscated_gains: gains,
        ..ChosenPenalty::default()
    }
}

#[test]
fn hearing_rights_for_large_fines_and_confiscations_at_the_chongqing_figures() {
    let engine = engine_of(demo_catalogue());
    let facts = |party: &str| {
        ordinary(party)
            .with("correction", "refused")
            .with("pollution_alert", false)
            .with("illegal_gains", 0i64)
            .with("harm", "general")
    };
    let citizen = outcome(&engine, &request("DQ-118-3", "500103", facts("citizen")));
    let organisation = outcome(&engine, &request("DQ-115", "500103", facts("organisation")));
    for (o, below, at) in [(&citizen, 4_999, 5_000), (&organisation, 49_999, 50_000)] {
        let fine = |f| {
            o.route(&chosen(vec![PenaltyKind::Fine], Some(f), None))
                .hearing_right
        };
        assert!(!fine(below) && fine(at), "fine at {at}");
        let gains = |g| {
            o.route(&chosen(vec![PenaltyKind::ConfiscateGains], None, Some(g)))
                .hearing_right
        };
        assert!(!gains(below) && gains(at), "gains at {at}");
    }
    // Every heavier kind, whatever the amounts.
    for kind in [
        PenaltyKind::DowngradeQualification,
        PenaltyKind::RevokeLicence,
        PenaltyKind::OrderSuspension,
        PenaltyKind::OrderClosure,
        PenaltyKind::OccupationalBan,
    ] {
        let route = organisation.route(&chosen(vec![PenaltyKind::Fine, kind], Some(100), None));
        assert!(route.hearing_right && route.legal_review && !route.summary_allowed);
    }
    // Through the choice: revoking the licence the food statute provides.
    let food = outcome(
        &engine,
        &request(
            "SP-126-5",
            "500103",
            ordinary("organisation").with("correction", "pending"),
        ),
    );
    let revoke = ChosenPenalty {
        kinds: vec![PenaltyKind::RevokeLicence],
        reason: Some("多次违法，情节严重".into()),
        ..ChosenPenalty::default()
    };
    assert!(check_choice(&food, &revoke).unwrap().route.hearing_right);
}

#[test]
fn a_province_s_own_confiscation_figure_replaces_the_fine_figure() {
    let mut c = demo_catalogue();
    c.hearing_thresholds[0].confiscation_citizen = Some(10_000);
    let facts = ordinary("citizen")
        .with("correction", "refused")
        .with("pollution_alert", false)
        .with("illegal_gains", 0i64);
    let o = outcome(&engine_of(c), &request("DQ-118-3", "500103", facts));
    assert_eq!(
        (o.hearing_threshold, o.confiscation_threshold),
        (Some(5_000), Some(10_000))
    );
    let gains = |g| {
        o.route(&chosen(vec![PenaltyKind::ConfiscateGains], None, Some(g)))
            .hearing_right
    };
    assert!(!gains(9_999) && gains(10_000));
    let property = |v| {
        let mut c = chosen(vec![PenaltyKind::ConfiscateProperty], None, None);
        c.confiscated_property_value = Some(v);
        o.route(&c).hearing_right
    };
    assert!(!property(9_999) && property(10_000));
}

#[test]
fn flexible_measures_come_from_the_catalogue_and_are_recorded_typed() {
    let o = litter(ordinary("citizen"));
    assert_eq!(
        o.flexible,
        vec![FlexibleMeasure::Persuasion, FlexibleMeasure::Reminder]
    );
    let mut with = fine(150, None);
    with.flexible = vec![FlexibleMeasure::Reminder];
    assert!(check_choice(&o, &with).is_ok());
    with.flexible = vec![FlexibleMeasure::OrderCorrection];
    let refused = check_choice(&o, &with).unwrap_err();
    assert_eq!(
        refused,
        DiscretionError::MeasureNotProvided(FlexibleMeasure::OrderCorrection)
    );
    assert!(refused.message_zh().contains("责令改正"));
    // A baseline row adds its own: the price-tagging no-penalty row lists a reminder.
    let facts = ordinary("organisation")
        .with("first_offence", true)
        .with("harm", "slight")
        .with("correction", "corrected");
    let o = outcome(
        &engine_of(demo_catalogue()),
        &request("JG-13", "500103", facts),
    );
    assert!(o.flexible.contains(&FlexibleMeasure::Reminder));
}

#[test]
fn the_case_keeps_the_whole_choice_and_the_procedure_routes_it() {
    let phone = Phone::demo();
    let cases = phone.device.cases();
    let today = zhifa_core::testing::today();
    let case = cases
        .create(CaseKind::Ordinary, "GF-111-C", "500103", today, today)
        .unwrap();
    let mut edits = officers();
    edits.push(zhifa_core::cases::CaseEdit::AddParty(person()));
    for fact in ordinary("citizen").with("correction", "pending").to_list() {
        edits.push(zhifa_core::cases::CaseEdit::SetFact(fact));
    }
    cases.edit(&case.id, &edits).unwrap();
    let refused = cases
        .choose(&case.id, &fine(600, Some("情节严重")))
        .unwrap_err();
    assert!(refused.message_zh().contains("500元"));
    let mut choice = fine(300, Some("多次随意倾倒"));
    choice.flexible = vec![FlexibleMeasure::Persuasion];
    let kept = cases.choose(&case.id, &choice).unwrap();
    assert_eq!(kept.chosen_penalty, Some(choice));
    assert_eq!(kept.chosen_fine, Some(300));
    assert_eq!(kept.override_reason.as_deref(), Some("多次随意倾倒"));
}
