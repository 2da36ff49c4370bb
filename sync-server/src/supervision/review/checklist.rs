//! The case-file review checklist (案卷评查): one table of items, each with its code, zh-CN
//! name and points, and one check per item over a case file read from its stored document.
//! The checks ask the core, never restate it: a document is complete when the core renders
//! it (a `DocumentRefusal` names what is lacking), the decision period and the service days
//! are the procedure's, legal review, collective decision and the hearing right are the
//! engine's route for the penalty chosen. Score = 100 minus the points of the defects found.

use chrono::NaiveDate;
use serde::Serialize;
use zhifa_core::calendar::{beijing_date, WorkingDays};
use zhifa_core::cases::evidence::CaptureMetadata;
use zhifa_core::cases::procedure::{decision_deadline, service_deadline};
use zhifa_core::cases::{CaseFile, CaseKind, CaseStatus, EvidenceItem};
use zhifa_core::discretion::{Outcome, Violation};
use zhifa_core::documents::{self, DocumentContext, DocumentKind};
use zhifa_core::registry::EnforcementBody;

/// One item of the checklist.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Item {
    pub code: &'static str,
    pub name_zh: &'static str,
    /// Deducted for each defect of this item.
    pub points: i64,
}

pub const DOCUMENTS: &str = "documents";
pub const EVIDENCE_BEFORE_NOTICE: &str = "evidence_before_notice";
pub const DECISION_PERIOD: &str = "decision_period";
pub const SERVICE_PERIOD: &str = "service_period";
pub const LEGAL_BASIS: &str = "legal_basis";
pub const LEGAL_REVIEW: &str = "legal_review";
pub const COLLECTIVE_DECISION: &str = "collective_decision";
pub const HEARING_RIGHTS: &str = "hearing_rights";
pub const SERVICE_RECORD: &str = "service_record";
pub const TWO_OFFICERS: &str = "two_officers";

/// The checklist. A document missing or incomplete costs its points once per document.
pub const ITEMS: [Item; 10] = [
    item(DOCUMENTS, "案卷文书齐全完整", 5),
    item(EVIDENCE_BEFORE_NOTICE, "先取证后告知", 15),
    item(DECISION_PERIOD, "在办案期限内作出决定", 15),
    item(SERVICE_PERIOD, "在法定期限内送达", 10),
    item(LEGAL_BASIS, "适用依据和裁量基准明确", 10),
    item(LEGAL_REVIEW, "依法进行法制审核", 15),
    item(COLLECTIVE_DECISION, "依法集体讨论决定", 15),
    item(HEARING_RIGHTS, "依法告知听证权利", 10),
    item(SERVICE_RECORD, "送达回证齐全", 10),
    item(TWO_OFFICERS, "两名以上执法人员执法", 10),
];

const fn item(code: &'static str, name_zh: &'static str, points: i64) -> Item {
    Item {
        code,
        name_zh,
        points,
    }
}

/// The item of `code`.
pub fn item_of(code: &str) -> Option<&'static Item> {
    ITEMS.iter().find(|i| i.code == code)
}

/// A defect found: its item's code, what is wrong (zh-CN), the points it costs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Defect {
    pub code: String,
    pub text: String,
    pub points: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scorecard {
    pub score: i64,
    pub defects: Vec<Defect>,
}

/// What the checks need besides the case (`reference::Reference` fills it).
pub struct CaseContext<'a> {
    pub body: Option<&'a EnforcementBody>,
    pub violation: Option<&'a Violation>,
    pub outcome: Option<&'a Outcome>,
    pub days: &'a WorkingDays,
    /// The item's period from filing to decision (Art. 60 or the sector's own).
    pub decision_days: i64,
    pub today: NaiveDate,
}

/// Every item checked; the score never goes below zero.
pub fn score(case: &CaseFile, context: &CaseContext<'_>) -> Scorecard {
    let mut found: Vec<(&str, String)> = Vec::new();
    documents_complete(case, context, &mut found);
    evidence_before_notice(case, &mut found);
    periods(case, context, &mut found);
    legal_basis(case, context, &mut found);
    route_kept(case, context, &mut found);
    if case.decision.is_some() && case.services.is_empty() {
        found.push((
            SERVICE_RECORD,
            "已作出决定但未见送达记录（送达回证）".into(),
        ));
    }
    let acting = case.acting_officers();
    if acting < 2 {
        found.push((TWO_OFFICERS, format!("执法人员仅{acting}名")));
    }
    let defects: Vec<Defect> = found
        .into_iter()
        .map(|(code, text)| Defect {
            code: code.to_owned(),
            points: item_of(code).map_or(0, |i| i.points),
            text,
        })
        .collect();
    let lost: i64 = defects.iter().map(|d| d.points).sum();
    Scorecard {
        score: (100 - lost).max(0),
        defects,
    }
}

/// The documents the case's stage requires, in the order a case produces them.
fn required_documents(case: &CaseFile) -> Vec<DocumentKind> {
    use DocumentKind::*;
    let mut kinds = Vec::new();
    let decided = case.decision.as_ref();
    if case.kind == CaseKind::Ordinary {
        if case.procedure.filed_on.is_some() {
            kinds.push(FilingApproval);
        }
        if case.procedure.notified_on.is_some() {
            kinds.extend([EvidenceList, NoticeOfIntendedPenalty]);
        }
    }
    match (decided, case.kind) {
        (Some(d), _) if !d.penalty => kinds.push(NoPenaltyDecision),
        (Some(_), CaseKind::Ordinary) => kinds.push(PenaltyDecision),
        (Some(_), CaseKind::Summary) => kinds.push(SummaryDecision),
        (None, _) => {}
    }
    if case.kind == CaseKind::Ordinary && !case.services.is_empty() {
        kinds.push(ServiceReceipt);
    }
    if case.status == CaseStatus::Closed {
        kinds.push(ClosingReport);
    }
    kinds
}

/// Each required document renders; a refusal is a defect naming what it lacks.
fn documents_complete(case: &CaseFile, context: &CaseContext<'_>, found: &mut Vec<(&str, String)>) {
    let Some(violation) = context.violation else {
        return; // `legal_basis` reports the unknown violation; no document can be judged.
    };
    let rendering = DocumentContext {
        body: context.body,
        violation,
        outcome: context.outcome,
        days: context.days,
        today: context.today,
    };
    for kind in required_documents(case) {
        if let Err(error) = documents::render(kind, case, &rendering) {
            found.push((DOCUMENTS, error.message_zh()));
        }
    }
}

/// 先取证后告知: every evidence item was captured on or before the notice's day.
fn evidence_before_notice(case: &CaseFile, found: &mut Vec<(&str, String)>) {
    let Some(notified) = case.procedure.notified_on else {
        return;
    };
    for item in &case.evidence {
        match captured_on(item) {
            Some(day) if day > notified => found.push((
                EVIDENCE_BEFORE_NOTICE,
                format!(
                    "证据“{}”于{day}采集，晚于{notified}事先告知",
                    item.description
                ),
            )),
            Some(_) => {}
            None => found.push((
                EVIDENCE_BEFORE_NOTICE,
                format!(
                    "证据“{}”的采集信息无法读取，不能确认采集时间",
                    item.description
                ),
            )),
        }
    }
}

/// The capture day (Beijing) the evidence's signed metadata states. The signature itself is
/// the evidence path's to check; the review reads what the officer's device recorded.
fn captured_on(item: &EvidenceItem) -> Option<NaiveDate> {
    use ciborium::Value;
    let value: Value = ciborium::from_reader(item.signed_metadata.as_slice()).ok()?;
    let value = match value {
        Value::Tag(_, inner) => *inner,
        other => other,
    };
    let Value::Array(parts) = value else {
        return None;
    };
    let Some(Value::Bytes(payload)) = parts.get(2) else {
        return None;
    };
    let metadata: CaptureMetadata = ciborium::from_reader(payload.as_slice()).ok()?;
    (metadata.hash == item.hash).then(|| beijing_date(metadata.captured_at))
}

/// The decision within the period (with its extensions), service within the statutory days.
fn periods(case: &CaseFile, context: &CaseContext<'_>, found: &mut Vec<(&str, String)>) {
    let Some(decision) = &case.decision else {
        return;
    };
    if case.kind == CaseKind::Ordinary {
        if let Some(due) = decision_deadline(case, context.decision_days) {
            if decision.decided_on > due {
                found.push((
                    DECISION_PERIOD,
                    format!("{}作出决定，超过办案期限（至{due}）", decision.decided_on),
                ));
            }
        }
    }
    let due = service_deadline(decision.decided_on, context.days);
    let first = case.services.iter().map(|s| s.served_on).min();
    let late = case.services.iter().any(|s| s.late);
    match first {
        Some(served) if served > due || late => found.push((
            SERVICE_PERIOD,
            format!("{served}送达，超过法定送达期限（至{due}）"),
        )),
        _ => {}
    }
}

/// The violation is catalogued with its penalty basis, and the facts matched a baseline row.
fn legal_basis(case: &CaseFile, context: &CaseContext<'_>, found: &mut Vec<(&str, String)>) {
    let Some(violation) = context.violation else {
        found.push((
            LEGAL_BASIS,
            format!("违法行为“{}”不在执法目录中，无法确认依据", case.violation),
        ));
        return;
    };
    if violation.penalty_basis.is_empty() {
        found.push((
            LEGAL_BASIS,
            format!("违法行为“{}”未列明处罚依据", violation.name),
        ));
    }
    match context.outcome {
        None => found.push((LEGAL_BASIS, "案件事实不足以确定裁量结果".into())),
        Some(outcome) if outcome.source.is_none() => {
            found.push((LEGAL_BASIS, "未匹配行政处罚裁量基准".into()))
        }
        Some(_) => {}
    }
}

/// Legal review, collective decision and the hearing right, where the engine's route for
/// the chosen penalty requires them, before the decision.
fn route_kept(case: &CaseFile, context: &CaseContext<'_>, found: &mut Vec<(&str, String)>) {
    let (Some(outcome), Some(_), CaseKind::Ordinary) = (context.outcome, &case.decision, case.kind)
    else {
        return;
    };
    let route = outcome.route(&case.chosen_penalty_for(outcome));
    let p = &case.procedure;
    if route.legal_review && p.legal_review_passed_on.is_none() {
        found.push((LEGAL_REVIEW, "应当进行法制审核而未见法制审核".into()));
    }
    if route.collective_decision && p.collective_decided_on.is_none() {
        found.push((COLLECTIVE_DECISION, "应当集体讨论决定而未见集体讨论".into()));
    }
    if let Some(notice) = &p.notice {
        if route.hearing_right && !notice.hearing_offered {
            found.push((HEARING_RIGHTS, "当事人享有听证权利而告知书未告知".into()));
        }
    }
    if p.hearing_requested_on.is_some() && p.hearing_held_on.is_none() {
        found.push((
            HEARING_RIGHTS,
            "当事人申请听证而未举行听证即作出决定".into(),
        ));
    }
}
