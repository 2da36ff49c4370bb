//! 3. A random-inspection task reaches both officers' phones; each fills the combined
//!    checklist offline, and the sync merges them, conflicts shown.

use zhifa_core::device::Device;
use zhifa_core::inspections::{CheckResult, InspectionEdit, Plan, Task, TaskIdKey};
use zhifa_sync_server::plans;
use zhifa_sync_server::ServerError;

use crate::codes::Visit;
use crate::field::{demo_error, Field, Story, ENTERPRISE, ITEMS, OFFICER_A, OFFICER_B};

/// Returns the task's id.
pub fn run(story: &mut Story, field: &Field, visit: &Visit) -> Result<String, ServerError> {
    story.say("\n## 三、双随机检查任务，两部手机离线填写");
    let task = put_task(field, visit)?;
    story.say(format!("- 任务 {} 下发到两部手机", task.id));
    fill_checklist(field, &task.id, &visit.id)?;
    let merged = field.a.inspections().get(&task.id).map_err(demo_error)?;
    for entry in &merged.checklist {
        let result = match entry.result {
            Some(CheckResult::Compliant) => "合格",
            Some(CheckResult::NonCompliant) => "不合格",
            Some(CheckResult::NotApplicable) => "不适用",
            None => "未检查",
        };
        story.say(format!("- {}：{result} {}", entry.item, entry.note));
    }
    for conflict in &merged.conflicts {
        story.say(format!(
            "- ⚠ 冲突，需人工确认：{}，两部手机分别记为{}",
            checklist_field(&conflict.field),
            conflict
                .values
                .iter()
                .map(|v| check_result(v))
                .collect::<Vec<_>>()
                .join("、")
        ));
    }
    Ok(task.id)
}

/// The task, put on the server for the team (as `plan-inspections --publish` does, its id
/// derived under a secret key), and received by both phones.
fn put_task(field: &Field, visit: &Visit) -> Result<Task, ServerError> {
    let mut key = [0u8; 32];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut key);
    let plan_id = "YZ-2026-食品-01";
    let task = Task {
        id: TaskIdKey(key).task_id(plan_id, ENTERPRISE),
        plan_id: plan_id.into(),
        credit_code: ENTERPRISE.into(),
        enterprise_name: visit.enterprise.name.clone(),
        division: visit.enterprise.division.clone(),
        officers: vec![OFFICER_A.into(), OFFICER_B.into()],
        items: ITEMS.iter().map(|s| s.to_string()).collect(),
    };
    let mut officers = Vec::new();
    for no in &task.officers {
        officers.extend(field.state.catalogue.officer(no)?);
    }
    let plan = Plan {
        id: plan_id.into(),
        seed: 0,
        tasks: vec![task.clone()],
        skipped: Vec::new(),
    };
    plans::publish(field.state.db.as_ref(), &officers, &plan)
        .map_err(|e| ServerError::Config(e.to_string()))?;
    field.sync(&field.a)?;
    field.sync(&field.b)?;
    Ok(task)
}

/// No signal: each phone records what it saw (the first item differently), then they sync.
fn fill_checklist(field: &Field, task_id: &str, visit_id: &str) -> Result<(), ServerError> {
    let record = |device: &Device, item: &str, result, note: &str| {
        device
            .inspections()
            .edit(
                task_id,
                &[InspectionEdit::Record {
                    item: item.into(),
                    result,
                    note: note.into(),
                }],
            )
            .map_err(demo_error)
    };
    let (a, b) = (&field.a, &field.b);
    record(
        a,
        ITEMS[0],
        CheckResult::Compliant,
        "许可证在有效期内，公示规范",
    )?;
    record(
        b,
        ITEMS[0],
        CheckResult::NonCompliant,
        "许可证公示位置不明显",
    )?;
    record(
        b,
        ITEMS[1],
        CheckResult::NonCompliant,
        "后厨餐具未经消毒即重复使用，消毒柜未通电",
    )?;
    record(a, ITEMS[2], CheckResult::Compliant, "")?;
    a.inspections()
        .edit(
            task_id,
            &[InspectionEdit::AttachVisit {
                visit_id: visit_id.to_owned(),
            }],
        )
        .map_err(demo_error)?;
    for device in [a, b, a] {
        field.sync(device)?;
    }
    Ok(())
}

/// A checklist field as the officer names it: `checklist.YZ-SC-001.result` is 检查项
/// YZ-SC-001 的检查结果.
fn checklist_field(path: &str) -> String {
    match path.split('.').collect::<Vec<_>>().as_slice() {
        ["checklist", item, "result"] => format!("检查项 {item} 的检查结果"),
        ["checklist", item, "note"] => format!("检查项 {item} 的检查情况"),
        _ => "检查记录".into(),
    }
}

/// A stored check result in words.
fn check_result(value: &str) -> &'static str {
    match value.trim_matches('"') {
        "compliant" => "“合格”",
        "non_compliant" => "“不合格”",
        "not_applicable" => "“不适用”",
        _ => "“其他”",
    }
}
