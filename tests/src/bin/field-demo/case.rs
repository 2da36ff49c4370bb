//! 4. A case opened from the non-compliant result: the discretion engine's questions answered
//!    and its suggestion, edits on both phones apart and the conflict they make settled, the
//!    penalty chosen and a case number given offline; then its documents (`documents`).

use chrono::Utc;
use zhifa_core::cases::CaseEdit;
use zhifa_core::discretion::facts::{spoken, FactType, SCHEMA};
use zhifa_core::discretion::{Fact, FactValue, Suggestion};
use zhifa_sync_server::ServerError;

use crate::codes::Visit;
use crate::field::{demo_error, Field, Story, ITEMS};

pub fn run(story: &mut Story, field: &Field, visit: &Visit, task: &str) -> Result<(), ServerError> {
    story.say("\n## 四、立案与裁量建议");
    let case = open(story, field, visit, task)?;
    edit_apart(story, field, visit, &case)?;
    decide(story, field, &case)
}

/// Officer B opens the case, adds a photo and answers what the engine asks, as the officer
/// would. Returns the case's id.
fn open(
    story: &mut Story,
    field: &Field,
    visit: &Visit,
    task: &str,
) -> Result<String, ServerError> {
    let b = &field.b;
    let case = b
        .inspections()
        .open_case(task, ITEMS[1])
        .map_err(demo_error)?;
    story.say(format!(
        "- 由不合格项立案：{}",
        b.discretion()
            .engine()
            .map_err(demo_error)?
            .violation(&case.violation)
            .map_or(case.violation.clone(), |v| v.name.clone())
    ));
    b.evidence()
        .add_to_case(
            &case.id,
            &visit.code_png,
            "视听资料",
            "后厨消毒柜现场照片",
            None,
        )
        .map_err(demo_error)?;
    let mut answered = Vec::new();
    let outcome = loop {
        match b.cases().suggest(&case.id).map_err(demo_error)? {
            Suggestion::Outcome(outcome) => break outcome,
            Suggestion::NeedFacts(questions) => {
                let mut edits = Vec::new();
                for question in questions {
                    let value = answer(&question.fact);
                    answered.push(format!(
                        "{} 答：{}",
                        question.question,
                        spoken(&question.fact, &value).unwrap_or_default()
                    ));
                    edits.push(CaseEdit::SetFact(Fact::new(question.fact, value)));
                }
                b.cases().edit(&case.id, &edits).map_err(demo_error)?;
                if answered.len() > 40 {
                    return Err(ServerError::BadRequest("the engine keeps asking".into()));
                }
            }
        }
    };
    for line in &answered {
        story.say(format!("  问：{line}"));
    }
    story.say(format!("- 裁量建议：{}", outcome.explanation));
    field.sync(b)?;
    field.sync(&field.a)?;
    Ok(case.id)
}

/// Apart again: A adds to the findings, B records the time and place, and both set the harm
/// differently (a legal fact: a conflict for a person to settle).
fn edit_apart(
    story: &mut Story,
    field: &Field,
    visit: &Visit,
    case: &str,
) -> Result<(), ServerError> {
    let (a, b) = (&field.a, &field.b);
    a.cases()
        .edit(
            case,
            &[
                CaseEdit::AppendFindings("现场检查时消毒柜未通电，餐具堆放于洗碗池旁。".into()),
                CaseEdit::SetFact(Fact::new("harm", FactValue::Text("slight".into()))),
            ],
        )
        .map_err(demo_error)?;
    b.cases()
        .edit(
            case,
            &[
                CaseEdit::SetOnsite {
                    time: Utc::now().to_rfc3339(),
                    place: format!("{}后厨", visit.enterprise.name),
                    party_signed: true,
                },
                CaseEdit::SetFact(Fact::new("harm", FactValue::Text("serious".into()))),
            ],
        )
        .map_err(demo_error)?;
    for device in [a, b, a] {
        field.sync(device)?;
    }
    let on_a = a.cases().get(case).map_err(demo_error)?;
    let on_b = b.cases().get(case).map_err(demo_error)?;
    story.say(format!(
        "- 同步后两部手机一致：{}；当事人 {} 个；证据 {} 项；冲突 {} 处",
        if on_a == on_b { "是" } else { "否" },
        on_a.parties.len(),
        on_a.evidence.len(),
        on_a.conflicts.len()
    ));
    for conflict in &on_a.conflicts {
        story.say(format!(
            "- ⚠ 冲突，需人工确认：{}，两部手机分别记为{}",
            conflict.label,
            conflict
                .values
                .iter()
                .map(|v| format!("“{}”", spoken_stored(&conflict.field, v)))
                .collect::<Vec<_>>()
                .join("、")
        ));
        // The two officers look at the photos again and agree the harm was slight.
        let value = conflict
            .values
            .iter()
            .find(|v| v.contains("slight"))
            .unwrap_or(&conflict.values[0])
            .clone();
        a.cases()
            .edit(
                case,
                &[CaseEdit::Resolve {
                    field: conflict.field.clone(),
                    value: value.clone(),
                }],
            )
            .map_err(demo_error)?;
        story.say(format!(
            "  两人复核照片后确认为“{}”",
            spoken_stored(&conflict.field, &value)
        ));
    }
    field.sync(a)?;
    field.sync(b)?;
    Ok(())
}

/// Officer A chooses the lowest fine suggested, numbers the case offline and renders the
/// documents.
fn decide(story: &mut Story, field: &Field, case: &str) -> Result<(), ServerError> {
    let a = &field.a;
    let chosen = match a.cases().suggest(case).map_err(demo_error)? {
        Suggestion::Outcome(outcome) => outcome.fine.map(|f| f.min),
        Suggestion::NeedFacts(_) => None,
    };
    a.cases()
        .choose_penalty(case, chosen, None)
        .map_err(demo_error)?;
    story.say(format!(
        "- 拟处罚款：{} 元（在建议幅度内）",
        chosen.unwrap_or(0)
    ));
    let numbered = a
        .cases()
        .assign_number(case, "渝中市监罚")
        .map_err(demo_error)?;
    story.say(format!(
        "- 案号（离线分配）：{}",
        numbered.number.unwrap_or_default()
    ));
    crate::documents::run(story, a, case)
}

/// A conflicting value as stored (`facts.harm`: `"slight"`), in the officer's words.
fn spoken_stored(field: &str, stored: &str) -> String {
    let fact = field.strip_prefix("facts.").unwrap_or(field);
    let value = FactValue::Text(stored.trim_matches('"').to_owned());
    spoken(fact, &value).unwrap_or_else(|| stored.trim_matches('"').to_owned())
}

/// The demo's answers to the engine's questions: a first offence, refused correction, no
/// vulnerable customers; every other yes/no question no.
fn answer(fact: &str) -> FactValue {
    let spec = SCHEMA.iter().find(|s| s.name == fact);
    match (fact, spec.map(|s| &s.kind)) {
        ("first_offence", _) => FactValue::Bool(true),
        ("correction", _) => FactValue::Text("refused".into()),
        ("harm", _) => FactValue::Text("general".into()),
        ("capacity", _) => FactValue::Text("full".into()),
        ("age", _) => FactValue::Int(40),
        (_, Some(FactType::Int)) => FactValue::Int(0),
        (_, Some(FactType::Enum(values))) => FactValue::Text(values[0].into()),
        _ => FactValue::Bool(false),
    }
}
