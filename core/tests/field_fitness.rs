//! Field fitness (issue 11 §4): a summary case from the scanned enterprise code to the
//! printed decision in a handful of core calls, and a cross-province zone (川渝高竹新区) whose
//! phone works both sides with the zone's unified baseline and each province's hearing
//! thresholds.

use chrono::Datelike;
use zhifa_core::cases::numbers::CaseNumberBlock;
use zhifa_core::cases::{CaseKind, CaseStatus, PartyKind};
use zhifa_core::device::OnTheSpot;
use zhifa_core::discretion::{Fact, Suggestion};
use zhifa_core::documents::DocumentKind;
use zhifa_core::testing::{demo_catalogue, OnDuty, YUZHONG};
use zhifa_core::Error;

const MARKET_OFFICER: &str = "渝50010320001"; // 李建华, market regulation
const MARKET_PARTNER: &str = "渝50010320002";
const HOTPOT: &str = "91500103MA5U1A0B2Y"; // 重庆渝中解放碑老码头火锅餐饮有限公司

const ZONE: [&str; 2] = ["500112", "511623"];
const SICHUAN_OFFICER: &str = "川51162320001"; // 刘洋, 邻水县综合行政执法局
const SICHUAN_PARTNER: &str = "川51162320002";
const CHONGQING_OFFICER: &str = "渝50011220001"; // 王志强, 渝北区城市管理局

fn zone_enterprise(division: &str) -> String {
    demo_catalogue()
        .enterprises
        .into_iter()
        .find(|e| e.division == division)
        .expect("the zone has an enterprise on each side")
        .credit_code
}

/// What the statute's gates ask of an organisation (Arts. 27, 32, 33): nothing that stops or
/// lightens the penalty.
fn no_statutory_grounds() -> Vec<Fact> {
    [
        "criminal_referral",
        "no_fault_proven",
        "minor_act",
        "removed_harm",
        "coerced",
        "confessed",
        "meritorious",
    ]
    .into_iter()
    .map(|name| Fact::new(name, false))
    .collect()
}

/// The facts of a price-tagging violation not yet corrected: the general tier.
fn price_tag_facts() -> Vec<Fact> {
    let mut facts = no_statutory_grounds();
    facts.extend([
        Fact::new("first_offence", false),
        Fact::new("harm", "slight"),
        Fact::new("correction", "pending"),
        Fact::new("illegal_gains", 0i64),
    ]);
    facts
}

fn outcome(suggestion: Suggestion) -> zhifa_core::discretion::Outcome {
    match suggestion {
        Suggestion::Outcome(outcome) => *outcome,
        Suggestion::NeedFacts(questions) => panic!("facts still needed: {questions:?}"),
    }
}

#[test]
fn a_summary_case_goes_from_the_scanned_code_to_the_printed_decision_in_five_calls() {
    let duty = OnDuty::new(&[YUZHONG], demo_catalogue(), MARKET_OFFICER);
    let d = &duty.phone.device;
    let year = chrono::Utc::now().year();
    // Before the shift: the numbered pre-printed forms reserved for this device (Art. 52).
    d.cases()
        .add_number_block(&CaseNumberBlock {
            prefix: "渝中市监简罚".into(),
            year,
            first: 1,
            last: 50,
        })
        .unwrap();
    let scanned = duty.enterprise_code(HOTPOT);

    // 1. At the door: scan the enterprise code.
    let visit = d
        .codes()
        .open_visit(&scanned, None, vec![MARKET_PARTNER.into()], None)
        .unwrap();
    // 2. The visit carries the party, the officers and the place into the case.
    let case = d
        .cases()
        .open_from_visit(&visit.visit.id, CaseKind::Summary, "JG-13")
        .unwrap();
    let party = &case.parties[0];
    assert_eq!(party.kind, PartyKind::Organisation);
    assert_eq!(party.name, "重庆渝中解放碑老码头火锅餐饮有限公司");
    assert_eq!(party.credit_code.as_deref(), Some(HOTPOT));
    assert!(
        party.address.starts_with("重庆市渝中区"),
        "{}",
        party.address
    );
    assert!(party.representative.is_some());
    let officers: Vec<(&str, bool)> = case
        .officers
        .iter()
        .map(|o| (o.credential_no.as_str(), o.verified))
        .collect();
    assert_eq!(officers, [(MARKET_OFFICER, true), (MARKET_PARTNER, true)]);
    assert_eq!(case.place_division, YUZHONG);
    assert_eq!(
        case.act_date,
        zhifa_core::calendar::beijing_date(visit.visit.opened_at)
    );

    // 3. While the facts are filled in, the band shows; nothing is stored yet.
    let facts = price_tag_facts();
    let preview = outcome(d.cases().preview(&case.id, &facts).unwrap());
    assert_eq!(preview.fine.map(|f| (f.min, f.max)), Some((500, 2_000)));
    assert!(d.cases().get(&case.id).unwrap().facts.to_list().is_empty());

    // 4. Facts and penalty go in together; the decision is numbered from the forms.
    let decided = d
        .cases()
        .decide_on_spot(
            &case.id,
            &OnTheSpot {
                findings: "经现场检查，当事人经营场所内所售菜品未按规定标示价格。".into(),
                facts,
                fine: Some(800),
                reason: None,
                number_prefix: Some("渝中市监简罚".into()),
            },
        )
        .unwrap();
    assert_eq!(decided.status, CaseStatus::Decided);
    assert!(
        decided.onsite.findings.contains("未按规定标示价格"),
        "{:?}",
        decided.onsite
    );
    assert_eq!(decided.decision.as_ref().unwrap().fine, 800);
    let number = format!("渝中市监简罚〔{year}〕1号");
    assert_eq!(decided.number.as_deref(), Some(number.as_str()));

    // 5. The decision to hand over.
    let printed = d
        .cases()
        .render_document(&case.id, DocumentKind::SummaryDecision)
        .unwrap();
    for particular in [
        number.as_str(),
        "重庆渝中解放碑老码头火锅餐饮有限公司",
        HOTPOT,
        "800",
    ] {
        assert!(
            printed.contains(particular),
            "the decision lacks {particular}"
        );
    }
}

#[test]
fn a_refused_on_the_spot_decision_keeps_what_the_officer_typed() {
    let duty = OnDuty::new(&[YUZHONG], demo_catalogue(), MARKET_OFFICER);
    let d = &duty.phone.device;
    let visit = d
        .codes()
        .open_visit(&duty.enterprise_code(HOTPOT), None, vec![], None)
        .unwrap();
    let case = d
        .cases()
        .open_from_visit(&visit.visit.id, CaseKind::Summary, "JG-13")
        .unwrap();
    // One officer only: Art. 42 refuses the decision, the facts and the choice stay.
    let result = d.cases().decide_on_spot(
        &case.id,
        &OnTheSpot {
            findings: "当事人所售菜品未标示价格。".into(),
            facts: price_tag_facts(),
            fine: Some(800),
            reason: None,
            number_prefix: None,
        },
    );
    assert!(matches!(result, Err(Error::Case(_))), "{result:?}");
    let kept = d.cases().get(&case.id).unwrap();
    assert_eq!(kept.status, CaseStatus::Draft);
    assert_eq!(kept.facts.to_list().len(), price_tag_facts().len());
    assert_eq!(kept.chosen_fine, Some(800));
    // An unknown visit is refused in words, not a panic.
    let unknown = d
        .cases()
        .open_from_visit("no-such-visit", CaseKind::Summary, "JG-13")
        .unwrap_err();
    assert!(
        unknown.message_zh().contains("企业码"),
        "{}",
        unknown.message_zh()
    );
}

/// A zone case: the zone's baseline applies on both sides; where a province's own baseline
/// also applies, the one lighter for the party is taken; hearings follow each province's
/// 较大数额.
#[test]
fn a_zone_phone_works_both_sides_of_the_provincial_border() {
    let duty = OnDuty::new(&ZONE, demo_catalogue(), SICHUAN_OFFICER);
    let d = &duty.phone.device;
    let mut general = no_statutory_grounds();
    general.extend([
        Fact::new("first_offence", false),
        Fact::new("harm", "general"),
        Fact::new("correction", "pending"),
        Fact::new("priors_12m", 0i64),
        Fact::new("pollution_alert", false),
        Fact::new("illegal_gains", 0i64),
    ]);
    let mut thresholds = Vec::new();
    for (division, baselines) in [
        ("511623", vec!["D-GZ-2025"]),
        ("500112", vec!["D-CQ-CG-2022", "D-GZ-2025"]),
    ] {
        let visit = d
            .codes()
            .open_visit(
                &duty.enterprise_code(&zone_enterprise(division)),
                None,
                vec![SICHUAN_PARTNER.into()],
                None,
            )
            .unwrap();
        let case = d
            .cases()
            .open_from_visit(&visit.visit.id, CaseKind::Ordinary, "DQ-118-3")
            .unwrap();
        assert_eq!(case.place_division, division);
        let outcome = outcome(d.cases().preview(&case.id, &general).unwrap());
        let mut considered: Vec<String> = outcome
            .alternatives
            .iter()
            .filter_map(|a| a.source.as_ref().map(|s| s.document_id.clone()))
            .chain(outcome.source.iter().map(|s| s.document_id.clone()))
            .collect();
        considered.sort();
        assert_eq!(considered, baselines, "baselines considered in {division}");
        thresholds.push((division, outcome.hearing_threshold, outcome.fine));
    }
    assert_eq!(
        thresholds,
        [
            // Sichuan side: the zone's band and Sichuan's threshold for an organisation.
            (
                "511623",
                Some(30_000),
                Some(zhifa_core::discretion::YuanRange {
                    min: 2_000,
                    max: 8_000
                })
            ),
            // Chongqing side: Chongqing's own band is lighter for the party than the zone's.
            (
                "500112",
                Some(50_000),
                Some(zhifa_core::discretion::YuanRange {
                    min: 500,
                    max: 5_000
                })
            ),
        ]
    );
}

#[test]
fn a_zone_officer_is_verified_by_enterprises_on_both_sides() {
    let duty = OnDuty::new(&ZONE, demo_catalogue(), CHONGQING_OFFICER);
    for division in ZONE {
        // The enterprise's own phone on that side of the border.
        let enterprise = OnDuty::new(&ZONE, duty.data.clone(), SICHUAN_OFFICER);
        let credit_code = zone_enterprise(division);
        let shown = duty
            .phone
            .device
            .codes()
            .enforcement_code(Some(&credit_code))
            .unwrap();
        let officer = enterprise
            .phone
            .device
            .codes()
            .verify_enforcement_code(&shown.payload, Some(&credit_code), division)
            .unwrap();
        assert_eq!(officer.name, "王志强", "verified in {division}");
    }
}
