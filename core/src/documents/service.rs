//! 送达回证 (Art. 61): proof that the decision reached the party: each recorded service (how,
//! when, to whom, by whom, the note), or lines for the officer serving it to fill in.

use super::kind::DocumentError;
use super::layout::{blank, esc, or_blank, table, written_date};
use super::particulars::Sheet;
use crate::texts::documents::title;

/// 送达回证 for the case's decision.
pub fn service_receipt(sheet: &Sheet<'_>) -> Result<String, DocumentError> {
    let case = sheet.case;
    let party = sheet.party("第六十一条")?;
    let decision = sheet.decision("第六十一条")?;
    let served_title = if !decision.penalty {
        title::NO_PENALTY_DECISION
    } else if case.kind == crate::cases::CaseKind::Summary {
        title::SUMMARY_DECISION
    } else {
        title::PENALTY_DECISION
    };
    let number = case.number.as_deref().map(esc).unwrap_or_default();
    let mut rows = vec![
        ("送达文书", format!("《{served_title}》{number}")),
        ("受送达人", esc(&party.name)),
        ("送达地点", or_blank(&party.address)),
    ];
    if case.services.is_empty() {
        // Not served yet: the officer serving it fills the lines in by hand.
        rows.extend([
            (
                "送达方式",
                format!(
                    "直接送达／留置送达／邮寄送达／电子送达（经当事人书面同意）：{}",
                    blank()
                ),
            ),
            ("送达日期", blank().to_owned()),
            ("签收人", blank().to_owned()),
            ("送达人", format!("{}　签名：{}", sheet.officers(), blank())),
            ("备注", format!("{}（留置送达时注明见证人）", blank())),
        ]);
    }
    for (index, service) in case.services.iter().enumerate() {
        let late = if service.late {
            "（逾期送达）"
        } else {
            ""
        };
        let ordinal = if case.services.len() > 1 {
            format!("第{}次", crate::numerals::chinese_number(index + 1))
        } else {
            String::new()
        };
        rows.extend([
            ("送达方式", format!("{ordinal}{}", service.method.name_zh())),
            (
                "送达日期",
                format!("{}{late}", written_date(service.served_on)),
            ),
            (
                "签收人",
                format!("{}　签名：{}", esc(&service.recipient), blank()),
            ),
            (
                "送达人",
                format!(
                    "{}（执法证号：{}）　签名：{}",
                    esc(&service.served_by_name),
                    esc(&service.served_by),
                    blank()
                ),
            ),
            ("备注", or_blank(&service.note)),
        ]);
    }
    Ok(format!(
        "{}{}",
        table(&rows),
        sheet.seal(sheet.context.today)
    ))
}
