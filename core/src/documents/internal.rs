//! The agency's internal records: 法制审核意见书 (Art. 58), 集体讨论记录 (Art. 57 ¶2) and
//! 结案报告. Who signs them holds that role in the agency; their lines are left to sign.

use super::kind::{DocumentError, Lacking};
use super::layout::{blank, esc, line, table, written_date};
use super::particulars::{decided_penalty, Sheet};
use crate::cases::{CaseKind, CaseStatus};
use crate::registry::OfficerRole;

/// The case in one table: what every internal record opens with.
fn case_summary(sheet: &Sheet<'_>, penalty: String) -> Result<String, DocumentError> {
    let party = sheet.party("")?;
    Ok(table(&[
        ("案由", esc(&sheet.context.violation.name)),
        ("当事人", esc(&party.name)),
        ("承办人", sheet.officers()),
        ("违法依据", sheet.violated()),
        ("处罚依据", sheet.basis()),
        ("处罚内容", penalty),
    ]))
}

/// 法制审核意见书: recorded once the review passed, before the decision.
pub fn legal_review_opinion(sheet: &Sheet<'_>) -> Result<String, DocumentError> {
    let passed = sheet
        .case
        .procedure
        .legal_review_passed_on
        .ok_or_else(|| sheet.refuse("第五十八条", vec![Lacking::LegalReview]))?;
    let penalty = sheet.proposed_penalty("第五十八条")?;
    Ok(format!(
        "{}{}<h2>审核内容</h2><p>经审核：执法主体合法，未超越法定职权；执法人员具备执法资格；案件事实清楚，证据确实充分；\
         适用法律依据正确；程序合法；行政裁量适当，在法定范围和裁量基准之内；法律文书制作规范。</p>\
         <h2>审核意见</h2><p>同意拟作出的行政处罚决定。</p>\
         <p class=\"sign\">法制审核人员：{}</p>{}",
        sheet.number(),
        case_summary(sheet, penalty)?,
        sheet.approver(OfficerRole::LegalReview),
        sheet.seal(passed),
    ))
}

/// 集体讨论记录: the heads' collective decision (Art. 57 ¶2).
pub fn collective_discussion(sheet: &Sheet<'_>) -> Result<String, DocumentError> {
    let decided = sheet
        .case
        .procedure
        .collective_decided_on
        .ok_or_else(|| sheet.refuse("第五十七条", vec![Lacking::CollectiveDiscussion]))?;
    let penalty = sheet.proposed_penalty("第五十七条")?;
    let chair = match sheet.case.approval(OfficerRole::CollectiveDecision) {
        Some(a) => format!("{}（执法证号：{}）", esc(&a.name), esc(&a.credential_no)),
        None => blank().to_owned(),
    };
    Ok(format!(
        "{}{}{}{}{}{}<h2>讨论情况</h2><p>承办人汇报案件事实、证据、适用依据和拟处罚意见，法制审核人员说明审核意见，参加人员逐一发表意见。</p>\
         {}<h2>讨论决定</h2><p>同意给予{penalty}的行政处罚。</p>\
         <p class=\"sign\">主持人签名：{}　记录人签名：{}　参加人员签名：{}</p>",
        sheet.number(),
        line("讨论时间", &written_date(decided)),
        line("讨论地点", blank()),
        line("主持人", &chair),
        line("参加人员", blank()),
        case_summary(sheet, penalty.clone())?,
        line("参加人员意见", blank()),
        blank(),
        blank(),
        blank(),
    ))
}

/// Art. 60: each approved extension of the decision period (who, until, why), or "—".
fn extensions(sheet: &Sheet<'_>) -> String {
    let each: Vec<String> = sheet
        .case
        .extensions
        .iter()
        .map(|e| {
            format!(
                "经{}（执法证号：{}）于{}批准延长至{}，理由：{}",
                esc(&e.approver_name),
                esc(&e.approved_by),
                written_date(e.approved_on),
                written_date(e.until),
                esc(&e.reason)
            )
        })
        .collect();
    if each.is_empty() {
        "—".to_owned()
    } else {
        each.join("；")
    }
}

/// Whether the case has come as far as closing: executed, or a decision with nothing to
/// pay that was served (handed over, on the spot).
fn closable(sheet: &Sheet<'_>) -> bool {
    let case = sheet.case;
    let nothing_to_pay = case
        .decision
        .as_ref()
        .is_some_and(|d| !d.penalty || (d.fine == 0 && d.confiscated_gains == 0));
    matches!(case.status, CaseStatus::Executed | CaseStatus::Closed)
        || (nothing_to_pay && case.status == CaseStatus::Served)
        || (nothing_to_pay && case.status == CaseStatus::Decided && case.kind == CaseKind::Summary)
}

/// 结案报告: what was decided and how it was carried out, with every date the case kept.
pub fn closing_report(sheet: &Sheet<'_>) -> Result<String, DocumentError> {
    let case = sheet.case;
    let decision = sheet.decision("第六十六条")?;
    if !closable(sheet) {
        return Err(sheet.refuse("第六十六条", vec![Lacking::Execution]));
    }
    let penalty = if decision.penalty {
        decided_penalty(decision)
    } else {
        "不予行政处罚".to_owned()
    };
    let dates = &case.procedure;
    let date = |d: Option<chrono::NaiveDate>| d.map_or_else(|| "—".to_owned(), written_date);
    let paid = match (dates.paid_on, dates.paid_amount) {
        (Some(on), Some(amount)) => format!("当事人已于{}缴纳人民币{amount}元。", written_date(on)),
        _ => "无需缴纳罚没款。".to_owned(),
    };
    Ok(format!(
        "{}{}{}<h2>执行情况</h2><p>{paid}</p>\
         <p>本案已依法作出决定并执行完毕，案卷材料齐全，建议结案。</p>\
         <p class=\"sign\">承办人签名：{}　审批人意见：{}　签名：{}</p>{}",
        sheet.number(),
        case_summary(sheet, penalty)?,
        table(&[
            ("适用程序", case.kind.name_zh().into()),
            ("立案日期", date(dates.filed_on)),
            ("告知日期", date(dates.notified_on)),
            ("听证日期", date(dates.hearing_held_on)),
            ("决定期限延长", extensions(sheet)),
            ("决定日期", written_date(decision.decided_on)),
            ("送达日期", date(dates.served_on)),
            ("执行日期", date(dates.paid_on)),
            ("结案日期", date(dates.closed_on)),
        ]),
        blank(),
        blank(),
        blank(),
        sheet.seal(dates.closed_on.unwrap_or(sheet.context.today)),
    ))
}
