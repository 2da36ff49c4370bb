//! The investigation's records: 立案审批表 (Art. 54), 现场检查（勘验）笔录 and 询问笔录
//! (Art. 55), 证据清单 (Art. 46).

use super::kind::{DocumentError, Lacking};
use super::layout::{
    blank, esc, line, or_blank, reading_time, table, typed_paragraphs, written_date,
};
use super::particulars::Sheet;
use crate::registry::OfficerRole::FilingApproval;
use crate::texts::documents as text;

/// 立案审批表: what the case is, the officers' proposal and the approver's lines.
pub fn filing_approval(sheet: &Sheet<'_>) -> Result<String, DocumentError> {
    let case = sheet.case;
    let party = sheet.party("第五十四条")?;
    let findings = if case.onsite.findings.trim().is_empty() {
        blank().to_owned()
    } else {
        esc(case.onsite.findings.trim())
    };
    let source = if case.onsite.place.trim().is_empty() && case.onsite.findings.trim().is_empty() {
        blank().to_owned()
    } else {
        "执法检查中发现".to_owned()
    };
    let filed = case
        .procedure
        .filed_on
        .map_or_else(|| blank().to_owned(), written_date);
    let party_name = match &party.credit_code {
        Some(code) => format!("{}（统一社会信用代码：{}）", esc(&party.name), esc(code)),
        None => esc(&party.name),
    };
    Ok(format!(
        "{}{}",
        sheet.number(),
        table(&[
            ("案由", esc(&sheet.context.violation.name)),
            ("案件来源", source),
            ("当事人", party_name),
            ("住所（住址）", or_blank(&party.address)),
            ("违法行为发生日期", written_date(case.act_date)),
            ("发现日期", written_date(case.discovered_on)),
            ("简要案情", findings),
            ("涉嫌违反", sheet.violated()),
            ("立案依据", "《中华人民共和国行政处罚法》第五十四条".into()),
            ("承办人", sheet.officers()),
            (
                "承办人意见",
                format!(
                    "符合立案条件，建议立案调查。　签名：{}　日期：{}",
                    blank(),
                    blank()
                ),
            ),
            (
                "审核意见",
                format!("{}　签名：{}　日期：{}", blank(), blank(), blank())
            ),
            (
                "审批意见",
                match case.procedure.filed_on {
                    Some(_) => format!("同意立案。　审批人：{}", sheet.approver(FilingApproval)),
                    None => format!("{}　签名：{}　日期：{}", blank(), blank(), blank()),
                }
            ),
            ("立案日期", filed),
        ])
    ))
}

/// 现场检查（勘验）笔录: when, where, who, credentials shown, what was found, signatures.
pub fn onsite_record(sheet: &Sheet<'_>) -> Result<String, DocumentError> {
    let case = sheet.case;
    let party = sheet.party("第五十五条")?;
    let findings = sheet.findings("第五十五条")?;
    let time = if case.onsite.time.trim().is_empty() {
        blank().to_owned()
    } else {
        reading_time(&case.onsite.time)
    };
    let signed = if case.onsite.party_signed {
        text::PARTY_SIGNED
    } else {
        text::PARTY_REFUSED
    };
    Ok(format!(
        "{}{}{}{}<p>{}</p><h2>现场检查（勘验）情况</h2><p>{findings}</p><p>{signed}</p>\
         {}<p class=\"sign\">记录人：{}</p>{}",
        line("检查（勘验）时间", &time),
        line("检查（勘验）地点", &or_blank(&case.onsite.place)),
        sheet.party_block(party),
        line("检查人员", &sheet.officers()),
        text::CREDENTIALS_SHOWN,
        sheet.party_signature(text::SIGNATURE),
        blank(),
        sheet.officer_signatures(),
    ))
}

/// 询问笔录: one record for each person questioned, as recorded.
pub fn inquiry_record(sheet: &Sheet<'_>) -> Result<String, DocumentError> {
    let case = sheet.case;
    if case.inquiries.is_empty() {
        return Err(sheet.refuse("第五十五条", vec![Lacking::Inquiry]));
    }
    let records: String = case
        .inquiries
        .iter()
        .map(|inquiry| {
            format!(
                "{}{}{}{}<p>{}</p><h2>询问内容</h2>{}\
                 <p>以上笔录我已看过（已向我宣读），与我所说的相符。</p>\
                 <p class=\"sign\">被询问人签名：{}　日期：{}</p>{}<p class=\"sign\">记录人：{}</p>",
                line("询问时间", &reading_time(&inquiry.time)),
                line("询问地点", blank()),
                line("被询问人", &or_blank(&inquiry.person)),
                line("询问人", &sheet.officers()),
                text::CREDENTIALS_SHOWN,
                typed_paragraphs(&inquiry.record),
                blank(),
                blank(),
                sheet.officer_signatures(),
                blank(),
            )
        })
        .collect();
    Ok(format!("{}{records}", sheet.number()))
}

/// 证据清单: every item the case holds, by kind, with what it proves.
pub fn evidence_list(sheet: &Sheet<'_>) -> Result<String, DocumentError> {
    let items = sheet.evidence_items();
    if items.is_empty() {
        return Err(sheet.refuse("第四十六条", vec![Lacking::Evidence]));
    }
    let proves = esc(&sheet.context.violation.name);
    let rows: String = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            format!(
                "<tr><td>{}</td><td>{item}</td><td>{proves}</td></tr>",
                i + 1
            )
        })
        .collect();
    Ok(format!(
        "{}<p class=\"flat\">案由：{proves}</p>\
         <table><tr><th>序号</th><th>证据名称及内容</th><th>证明对象</th></tr>{rows}</table>\
         <p class=\"sign\">提供人（当事人）签名：{}　收集人：{}</p>",
        sheet.number(),
        blank(),
        sheet.officers(),
    ))
}
