//! 送达回证 (Art. 61): proof that the decision reached the party. How and when it was served
//! and who received it are filled in by the officer serving it.

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
    let served_on = case
        .procedure
        .served_on
        .map_or_else(|| blank().to_owned(), written_date);
    Ok(format!(
        "{}{}",
        table(&[
            ("送达文书", format!("《{served_title}》{number}")),
            ("受送达人", esc(&party.name)),
            ("送达地点", or_blank(&party.address)),
            (
                "送达方式",
                format!(
                    "直接送达／留置送达／邮寄送达／电子送达（经当事人书面同意）：{}",
                    blank()
                )
            ),
            ("送达日期", served_on),
            (
                "受送达人签名",
                format!("{}　签收时间：{}", blank(), blank())
            ),
            ("代收人及代收理由", blank().into()),
            ("送达人", format!("{}　签名：{}", sheet.officers(), blank())),
            ("见证人", format!("{}（留置送达时注明拒收情况）", blank())),
        ]),
        sheet.seal(sheet.context.today),
    ))
}
