//! Art. 33: 应当 and 可以, and the education record.

use super::*;

#[test]
fn minor_corrected_no_harm_is_never_punished_and_education_is_recorded() {
    let facts = ordinary("citizen")
        .with("minor_act", true)
        .with("harm", "none")
        .with("correction", "corrected");
    let o = outcome(
        &engine_of(demo_catalogue()),
        &request("GF-111-C", "500103", facts),
    );
    assert_eq!(
        o.disposition,
        Disposition::NoPenalty {
            reason: NoPenaltyReason::MinorCorrectedNoHarm
        }
    );
    assert!(o.education);
    assert_eq!(
        check_choice(&o, &ChosenPenalty::default()),
        Err(DiscretionError::NoPenaltyWithoutEducation)
    );
    assert_eq!(
        check_choice(&o, &educated()).unwrap().disposition,
        ChoiceDisposition::NoPenalty
    );
    let refused = check_choice(&o, &fine(100, Some("屡教不改"))).unwrap_err();
    assert!(matches!(refused, DiscretionError::PenaltyNotAllowed(_)));
    assert!(refused.message_zh().contains("第三十三条第一款"));
    // No fault proven (¶2): no penalty either.
    let facts = ordinary("citizen").with("no_fault_proven", true);
    let o = outcome(
        &engine_of(demo_catalogue()),
        &request("GF-111-C", "500103", facts),
    );
    assert!(matches!(
        o.disposition,
        Disposition::NoPenalty {
            reason: NoPenaltyReason::NoFault
        }
    ));
    // A penalty outcome cannot be turned into none.
    let o = litter(ordinary("citizen"));
    assert_eq!(
        check_choice(&o, &educated()),
        Err(DiscretionError::NoGroundForNoPenalty)
    );
}

#[test]
fn first_violation_may_go_unpunished_and_the_officer_confirms_or_declines() {
    let engine = engine_of(demo_catalogue());
    let first = |harm: &str| {
        let facts = ordinary("organisation")
            .with("first_offence", true)
            .with("harm", harm)
            .with("correction", "corrected");
        outcome(&engine, &request("DQ-116", "500103", facts))
    };
    let o = first("slight");
    assert_eq!(o.disposition, Disposition::MayNotPunish);
    assert!(o.education);
    // The penalty it would otherwise be stays stated.
    assert_eq!(
        o.fine,
        Some(YuanRange {
            min: 2_000,
            max: 5_000
        })
    );
    assert!(
        o.explanation.contains("可以不予行政处罚"),
        "{}",
        o.explanation
    );
    assert_eq!(
        check_choice(&o, &ChosenPenalty::default()),
        Err(DiscretionError::NoPenaltyWithoutEducation)
    );
    assert_eq!(
        check_choice(&o, &educated()).unwrap().disposition,
        ChoiceDisposition::FirstViolationConfirmed
    );
    assert_eq!(
        check_choice(&o, &fine(3_000, None)),
        Err(DiscretionError::DeclineWithoutReason)
    );
    let declined = check_choice(&o, &fine(3_000, Some("拒不配合调查"))).unwrap();
    assert_eq!(
        declined.disposition,
        ChoiceDisposition::FirstViolationDeclined
    );
    assert!(!declined.outside_band);
    // One step more harm: not a first-violation case.
    assert_eq!(first("general").disposition, Disposition::Penalty);
}

#[test]
fn a_declined_first_violation_is_decided_as_a_penalty() {
    use zhifa_core::cases::{CaseEdit, PartyKind, Step};
    let phone = Phone::demo();
    phone.on_duty("渝50010320021");
    let cases = phone.device.cases();
    let today = zhifa_core::testing::today();
    let case = cases
        .create(CaseKind::Summary, "DQ-116", "500103", today, today)
        .unwrap();
    let mut company = person();
    company.kind = PartyKind::Organisation;
    company.credit_code = Some("91500103MA5U1A0E5B".into());
    company.id_number = None;
    let mut edits = officers();
    edits.push(CaseEdit::AddParty(company));
    let facts = ordinary("organisation")
        .with("first_offence", true)
        .with("harm", "slight")
        .with("correction", "corrected");
    edits.extend(facts.to_list().into_iter().map(CaseEdit::SetFact));
    cases.edit(&case.id, &edits).unwrap();
    let Suggestion::Outcome(outcome) = cases.suggest(&case.id).unwrap() else {
        panic!("the facts are complete")
    };
    assert_eq!(outcome.disposition, Disposition::MayNotPunish);
    // Declining needs the reason; then the fine is decided on the spot as a penalty.
    assert!(cases.choose(&case.id, &fine(3_000, None)).is_err());
    cases
        .choose(&case.id, &fine(3_000, Some("曾被多次劝导仍未整改到位")))
        .unwrap();
    let decided = cases.step(&case.id, &Step::DecideOnSpot).unwrap();
    let decision = decided.decision.unwrap();
    assert!(decision.penalty);
    assert_eq!(decision.fine, 3_000);
}
