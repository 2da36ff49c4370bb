//! Legal documents rendered from a case, in zh-CN, as HTML ready to print or share. Each
//! template carries every element the law requires of that document (decision: Art. 59;
//! summary decision: Art. 52; notice: Art. 44, 63). The templates are this module's; every
//! value from the case is escaped.

use chrono::{Duration, NaiveDate};

use crate::cases::{CaseFile, PartyKind};
use crate::discretion::Violation;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum DocumentKind {
    /// 现场检查笔录
    OnsiteRecord,
    /// 责令改正通知书
    OrderToCorrect,
    /// 行政处罚事先告知书
    NoticeOfIntendedPenalty,
    /// 当场行政处罚决定书
    SummaryDecision,
    /// 行政处罚决定书
    PenaltyDecision,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    /// The case lacks what the document must state.
    #[error("the case lacks {0}")]
    Missing(&'static str),
}

impl DocumentError {
    /// What to tell an officer.
    pub fn message_zh(&self) -> String {
        match self {
            DocumentError::Missing(what) => crate::texts::documents::missing(what),
        }
    }
}

/// What the document needs besides the case.
pub struct DocumentContext<'a> {
    /// The issuing agency; a case whose officers the catalogue does not know is printed with
    /// a blank for the agency to fill in by hand.
    pub agency_name: Option<&'a str>,
    pub violation: &'a Violation,
    pub today: NaiveDate,
}

/// A date as a person writes it on a document: 2026年12月1日, without padding zeros.
pub fn written_date(date: NaiveDate) -> String {
    date.format("%Y年%-m月%-d日").to_string()
}

pub fn render(
    kind: DocumentKind,
    case: &CaseFile,
    context: &DocumentContext<'_>,
) -> Result<String, DocumentError> {
    let party = case
        .parties
        .first()
        .ok_or(DocumentError::Missing("party"))?;
    let party_lines = party_block(party);
    let violation = context.violation;
    let basis = violation
        .penalty_basis
        .iter()
        .map(|p| p.cite())
        .collect::<Vec<_>>()
        .join("、");
    let violated = violation
        .violated
        .iter()
        .map(|p| p.cite())
        .collect::<Vec<_>>()
        .join("、");
    let number = case.number.as_deref().unwrap_or("（案号待编）");
    let officers = case
        .officers
        .iter()
        .filter(|o| !o.withdrawn)
        .map(|o| format!("{}（执法证号：{}）", esc(&o.name), esc(&o.credential_no)))
        .collect::<Vec<_>>()
        .join("、");
    let facts = if case.onsite.findings.trim().is_empty() {
        "（见现场检查笔录）".to_owned()
    } else {
        esc(&case.onsite.findings)
    };
    let evidence = evidence_list(case);
    let date = written_date;
    let (title, body) = match kind {
        DocumentKind::OnsiteRecord => (
            "现场检查笔录",
            format!(
                "<p>检查时间：{}</p><p>检查地点：{}</p>{party_lines}<p>执法人员：{officers}，已出示执法证件。</p>\
                 <h2>现场检查情况</h2><p>{facts}</p>{evidence}\
                 <p>当事人{}。</p><p>执法人员签名：________　当事人签名：________</p>",
                esc(&case.onsite.time),
                esc(&case.onsite.place),
                if case.onsite.party_signed { "已核对并签名" } else { "拒绝签名，执法人员已在笔录上注明" },
            ),
        ),
        DocumentKind::OrderToCorrect => (
            "责令改正通知书",
            format!(
                "{party_lines}<p>经查，你（单位）存在{}的行为，违反了{violated}的规定。</p>\
                 <p>依据《中华人民共和国行政处罚法》第二十八条第一款和{basis}，现责令你（单位）立即改正（或于{}前改正）上述违法行为。</p>\
                 <p>逾期不改正的，本机关将依法处理。</p>",
                esc(&violation.name),
                date(context.today + Duration::days(7)),
            ),
        ),
        DocumentKind::NoticeOfIntendedPenalty => {
            let fine = case.chosen_fine.ok_or(DocumentError::Missing("intended penalty"))?;
            (
                "行政处罚事先告知书",
                format!(
                    "<p>{number}</p>{party_lines}<p>经查，你（单位）{facts}</p>{evidence}\
                     <p>上述行为违反了{violated}的规定。依据{basis}，本机关拟对你（单位）作出如下行政处罚：罚款人民币{fine}元。</p>\
                     <p>根据《中华人民共和国行政处罚法》第四十四条、第四十五条的规定，你（单位）有权进行陈述和申辩；\
                     本机关不因你（单位）陈述、申辩而给予更重的处罚。根据第六十三条、第六十四条的规定，拟作出的处罚属于听证范围的，\
                     你（单位）有权在收到本告知书之日起五个工作日内要求举行听证；逾期视为放弃。</p>"
                ),
            )
        }
        DocumentKind::SummaryDecision | DocumentKind::PenaltyDecision => {
            let decision = case.decision.as_ref().ok_or(DocumentError::Missing("decision"))?;
            let mut penalty = Vec::new();
            if decision.warning {
                penalty.push("警告".to_owned());
            }
            if decision.fine > 0 {
                penalty.push(format!("罚款人民币{}元", decision.fine));
            }
            if decision.confiscated_gains > 0 {
                penalty.push(format!("没收违法所得人民币{}元", decision.confiscated_gains));
            }
            if decision.confiscate_property {
                penalty.push("没收非法财物".into());
            }
            let penalty = if decision.penalty { penalty.join("，") } else { "不予行政处罚".into() };
            let pay_by = case.procedure.served_on.unwrap_or(decision.decided_on) + Duration::days(15);
            let payment = if decision.fine > 0 || decision.confiscated_gains > 0 {
                format!(
                    "<p>履行方式和期限：请于{}前（收到本决定书之日起十五日内）到指定银行或者通过电子支付系统缴纳罚没款。\
                     到期不缴纳罚款的，依据《中华人民共和国行政处罚法》第七十二条，每日按罚款数额的百分之三加处罚款，\
                     加处罚款的数额不超过罚款的数额。</p>",
                    date(pay_by)
                )
            } else {
                String::new()
            };
            let title =
                if kind == DocumentKind::SummaryDecision { "当场行政处罚决定书" } else { "行政处罚决定书" };
            (
                title,
                format!(
                    "<p>{number}</p>{party_lines}<h2>违法事实和证据</h2><p>{facts}</p>{evidence}\
                     <p>上述行为违反了{violated}的规定。</p>\
                     <h2>处罚依据和内容</h2><p>依据{basis}，决定给予如下行政处罚：{penalty}。</p>{payment}\
                     <h2>救济途径和期限</h2><p>如不服本决定，可以在收到本决定书之日起六十日内依法申请行政复议，\
                     或者在六个月内依法向人民法院提起行政诉讼。行政复议和行政诉讼期间，本决定不停止执行，法律另有规定的除外。</p>\
                     <p>执法人员：{officers}</p>{}",
                    if kind == DocumentKind::SummaryDecision {
                        "<p>当事人签收：________（拒绝签收的，执法人员在此注明）</p>"
                    } else {
                        ""
                    }
                ),
            )
        }
    };
    Ok(format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>body{{font-family:'SimSun','Songti SC',serif;max-width:42em;margin:2em auto;line-height:1.8}}\
         h1{{text-align:center}}.seal{{text-align:right;margin-top:3em}}</style></head><body>\
         <h1>{agency}<br>{title}</h1>{body}<p class=\"seal\">{agency}（印章）<br>{date}</p></body></html>",
        agency = esc(context.agency_name.unwrap_or("（执法机关）")),
        date = date(case.decision.as_ref().map_or(context.today, |d| d.decided_on)),
    ))
}

fn party_block(party: &crate::cases::Party) -> String {
    match party.kind {
        PartyKind::Organisation => format!(
            "<p>当事人：{}</p><p>统一社会信用代码：{}</p><p>住所：{}</p><p>法定代表人（负责人）：{}</p>",
            esc(&party.name),
            esc(party.credit_code.as_deref().unwrap_or("")),
            esc(&party.address),
            esc(party.representative.as_deref().unwrap_or("")),
        ),
        PartyKind::Person => format!(
            "<p>当事人：{}</p><p>身份证件号码：{}</p><p>住址：{}</p>",
            esc(&party.name),
            esc(party.id_number.as_deref().unwrap_or("")),
            esc(&party.address),
        ),
    }
}

fn evidence_list(case: &CaseFile) -> String {
    if case.evidence.is_empty() && case.inquiries.is_empty() {
        return String::new();
    }
    let mut items: Vec<String> = case
        .evidence
        .iter()
        .map(|e| {
            format!(
                "<li>{}：{}（校验值 {}）</li>",
                esc(&e.kind),
                esc(&e.description),
                &e.hash[..12.min(e.hash.len())]
            )
        })
        .collect();
    items.extend(
        case.inquiries
            .iter()
            .map(|i| format!("<li>询问笔录：{}（{}）</li>", esc(&i.person), esc(&i.time))),
    );
    format!("<p>以上事实有下列证据证明：</p><ol>{}</ol>", items.join(""))
}

/// HTML-escapes text from the case.
fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_without_padding_zeros() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(written_date(day(2026, 12, 1)), "2026年12月1日");
        assert_eq!(written_date(day(2027, 1, 9)), "2027年1月9日");
        assert_eq!(written_date(day(2026, 10, 31)), "2026年10月31日");
    }
}
