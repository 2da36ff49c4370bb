//! Inspections on the demo catalogue: a random plan, its tasks on two phones, a combined
//! checklist merged (with a conflict), and a case opened from a non-compliant result.

use chrono::NaiveDate;
use zhifa_core::inspections::{
    plan, Candidate, CheckResult, GradeRates, InspectionEdit, PlanRequest, TaskIdKey,
};
use zhifa_core::registry::CatalogueData;
use zhifa_core::testing::{yuzhong_catalogue as demo_catalogue, Phone, YUZHONG};

fn phone(data: &CatalogueData) -> Phone {
    Phone::with_catalogue(&[YUZHONG], data.clone())
}

fn food_plan(data: &CatalogueData) -> zhifa_core::inspections::Plan {
    let candidates: Vec<Candidate> = data
        .enterprises
        .iter()
        .map(Candidate::never_inspected)
        .collect();
    plan(&PlanRequest {
        plan_id: "YZ-2026-食品-01".into(),
        task_ids: &TaskIdKey([1; 32]),
        items: vec!["YZ-SC-002".into(), "YZ-SC-003".into(), "YZ-SC-006".into()],
        candidates: &candidates,
        officers: &data.officers,
        start: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
        window_days: 180,
        rates: GradeRates {
            a: 1_000_000,
            b: 1_000_000,
            c: 1_000_000,
            d: 1_000_000,
        },
        seed: 2026,
    })
}

#[test]
fn a_plan_pairs_authorised_officers_for_every_drawn_enterprise() {
    let data = demo_catalogue();
    let plan = food_plan(&data);
    assert_eq!(plan.tasks.len(), data.enterprises.len());
    let market: Vec<&str> = data
        .officers
        .iter()
        .filter(|o| o.body_id == "B500103001")
        .map(|o| o.credential_no.as_str())
        .collect();
    for task in &plan.tasks {
        assert_eq!(task.items.len(), 3, "one visit checks every item");
        assert!(
            task.officers.iter().all(|o| market.contains(&o.as_str())),
            "{:?}",
            task.officers
        );
    }
}

#[test]
fn two_phones_fill_one_checklist_and_a_finding_opens_a_case() {
    let data = demo_catalogue();
    let task = food_plan(&data)
        .tasks
        .into_iter()
        .find(|t| t.credit_code == "91500103MA5U1A0E5B")
        .unwrap();
    let a = phone(&data);
    let b = phone(&data);
    a.device.inspections().receive_task(&task).unwrap();
    assert_eq!(
        a.device
            .inspections()
            .receive_task(&task)
            .unwrap()
            .checklist
            .len(),
        3,
        "receiving twice changes nothing"
    );
    b.device
        .inspections()
        .merge(&a.device.inspections().snapshot(&task.id).unwrap())
        .unwrap();

    a.device
        .inspections()
        .edit(
            &task.id,
            &[InspectionEdit::Record {
                item: "YZ-SC-006".into(),
                result: CheckResult::Compliant,
                note: "证照齐全".into(),
            }],
        )
        .unwrap();
    b.device
        .inspections()
        .edit(
            &task.id,
            &[
                InspectionEdit::Record {
                    item: "YZ-SC-002".into(),
                    result: CheckResult::NonCompliant,
                    note: "后厨餐具未经消毒即使用。".into(),
                },
                InspectionEdit::AddEvidence {
                    item: "YZ-SC-002".into(),
                    hash: "ab".repeat(32),
                },
            ],
        )
        .unwrap();
    let merged = a
        .device
        .inspections()
        .merge(&b.device.inspections().snapshot(&task.id).unwrap())
        .unwrap();
    let result = |item: &str| {
        merged
            .checklist
            .iter()
            .find(|e| e.item == item)
            .unwrap()
            .result
    };
    assert_eq!(result("YZ-SC-006"), Some(CheckResult::Compliant));
    assert_eq!(result("YZ-SC-002"), Some(CheckResult::NonCompliant));
    assert!(merged.conflicts.is_empty());

    let case = a
        .device
        .inspections()
        .open_case(&task.id, "YZ-SC-002")
        .unwrap();
    assert_eq!(case.violation, "SP-126-5");
    assert_eq!(case.parties[0].name, "重庆渝中大坪山城烧烤店");
    assert_eq!(
        case.parties[0].credit_code.as_deref(),
        Some("91500103MA5U1A0E5B")
    );
    assert_eq!(case.officers.len(), 2);
    assert!(case
        .officers
        .iter()
        .all(|o| o.verified && !o.name.is_empty()));
    assert!(case.onsite.findings.contains("未经消毒"));
    let linked = a.device.inspections().get(&task.id).unwrap();
    assert_eq!(
        linked
            .checklist
            .iter()
            .find(|e| e.item == "YZ-SC-002")
            .unwrap()
            .case_id
            .as_deref(),
        Some(case.id.as_str())
    );
    assert_eq!(
        a.device
            .inspections()
            .open_case(&task.id, "YZ-SC-002")
            .unwrap()
            .id,
        case.id,
        "one case per finding"
    );
    // A compliant item opens nothing.
    assert!(a
        .device
        .inspections()
        .open_case(&task.id, "YZ-SC-006")
        .is_err());
}

#[test]
fn results_recorded_differently_on_two_phones_are_a_conflict() {
    let data = demo_catalogue();
    let task = food_plan(&data).tasks.remove(0);
    let a = phone(&data);
    let b = phone(&data);
    a.device.inspections().receive_task(&task).unwrap();
    b.device.inspections().receive_task(&task).unwrap();
    // Both phones created the task apart: merging two separate creations must still converge.
    b.device
        .inspections()
        .merge(&a.device.inspections().snapshot(&task.id).unwrap())
        .unwrap();
    a.device
        .inspections()
        .merge(&b.device.inspections().snapshot(&task.id).unwrap())
        .unwrap();
    a.device
        .inspections()
        .edit(
            &task.id,
            &[InspectionEdit::Record {
                item: "YZ-SC-003".into(),
                result: CheckResult::Compliant,
                note: String::new(),
            }],
        )
        .unwrap();
    b.device
        .inspections()
        .edit(
            &task.id,
            &[InspectionEdit::Record {
                item: "YZ-SC-003".into(),
                result: CheckResult::NonCompliant,
                note: String::new(),
            }],
        )
        .unwrap();
    let merged = a
        .device
        .inspections()
        .merge(&b.device.inspections().snapshot(&task.id).unwrap())
        .unwrap();
    assert_eq!(merged.conflicts.len(), 1);
    assert_eq!(merged.conflicts[0].field, "checklist.YZ-SC-003.result");
}
