//! What the agency tells the party before deciding: 责令改正通知书 (Art. 28), 行政处罚事先
//! 告知书 (Art. 44–45), 听证告知书 (Art. 63–64) and 听证通知书 (Art. 64). Every deadline is a
//! date on the working-day calendar, counted as the procedure planner counts it.

use chrono::NaiveDate;

use super::kind::{DocumentError, Lacking};
use super::layout::{blank, esc, line, written_date};
use super::particulars::Sheet;
use crate::cases::procedure::{HEARING_NOTICE_WORKING_DAYS, HEARING_REQUEST_WORKING_DAYS};
use crate::discretion::statute;
use crate::numerals::chinese_number;
use crate::texts::documents as text;

/// The period an order to correct gives, in working days, until the engine's flexible
/// measures carry the agency's own period for the violation.
pub const CORRECTION_WORKING_DAYS: u32 = 7;

/// 责令改正通知书: the act, the rule broken, and the date by which to correct it.
pub fn order_to_correct(sheet: &Sheet<'_>) -> Result<String, DocumentError> {
    let party = sheet.party("第二十八条")?;
    let issued = sheet.context.today;
    let by = sheet.context.days.add(issued, CORRECTION_WORKING_DAYS);
    Ok(format!(
        "{}{}<p>经查，你（单位）存在{}的行为，违反了{}的规定。</p>\
         <p>依据《{law}》第二十八条第一款的规定，现责令你（单位）于{}前（{}个工作日内）改正上述违法行为，\
         并将改正情况书面报告本机关。逾期不改正的，本机关将依法处理。</p>{}",
        sheet.number(),
        sheet.party_block(party),
        esc(&sheet.context.violation.name),
        sheet.violated(),
        written_date(by),
        chinese_number(CORRECTION_WORKING_DAYS as usize),
        sheet.seal(issued),
        law = statute::LAW,
    ))
}

/// The day the notice reaches the party (the day it was served, or today while drafting),
/// and the last working day for statement, defence and a hearing request.
fn notice_period(sheet: &Sheet<'_>) -> (NaiveDate, NaiveDate) {
    let notified = sheet
        .case
        .procedure
        .notified_on
        .unwrap_or(sheet.context.today);
    let by = sheet
        .context
        .days
        .add(notified, HEARING_REQUEST_WORKING_DAYS);
    (notified, by)
}

/// Where the party submits a statement or a request (Art. 44: in practice, with the date).
fn where_to_submit(sheet: &Sheet<'_>) -> String {
    format!(
        "<p>陈述、申辩或者听证申请可以书面或者口头方式向本机关提出。受理机关：{}；地址：{}；联系人：{}；联系电话：{}。</p>",
        sheet.agency(),
        sheet.body_field(|b| &b.address),
        sheet.officers(),
        blank(),
    )
}

/// 行政处罚事先告知书 (Art. 44): the intended penalty, facts, reasons, basis and the rights,
/// with the hearing right where Art. 63 gives it.
pub fn notice_of_intended_penalty(sheet: &Sheet<'_>) -> Result<String, DocumentError> {
    let party = sheet.party("第四十四条")?;
    let findings = sheet.findings("第四十四条")?;
    let evidence = sheet.evidence_paragraph("第四十条")?;
    let penalty = sheet.intended_penalty("第四十四条")?;
    let (notified, by) = notice_period(sheet);
    let by = written_date(by);
    let hearing = if sheet.route().is_some_and(|r| r.hearing_right) {
        format!(
            "<p>{}</p>",
            text::hearing_rights(statute::LAW, HEARING_REQUEST_WORKING_DAYS, &by)
        )
    } else {
        String::new()
    };
    Ok(format!(
        "{}{}<h2>违法事实</h2><p>经查，{findings}</p>{evidence}\
         <h2>处罚理由和依据</h2><p>你（单位）的上述行为违反了{}的规定，构成{}的违法行为。依据{}的规定，\
         本机关拟对你（单位）作出如下行政处罚：{penalty}。</p>\
         <h2>你（单位）的权利</h2><p>{}</p>{hearing}{}{}",
        sheet.number(),
        sheet.party_block(party),
        sheet.violated(),
        esc(&sheet.context.violation.name),
        sheet.basis(),
        text::statement_rights(statute::LAW, HEARING_REQUEST_WORKING_DAYS, &by),
        where_to_submit(sheet),
        sheet.seal(notified),
    ))
}

/// 听证告知书 (Art. 63–64): only where the intended penalty gives the right to a hearing.
pub fn hearing_right_notice(sheet: &Sheet<'_>) -> Result<String, DocumentError> {
    let party = sheet.party("第六十三条")?;
    let penalty = sheet.intended_penalty("第六十三条")?;
    if !sheet.route().is_some_and(|r| r.hearing_right) {
        return Err(sheet.refuse("第六十三条", vec![Lacking::HearingRight]));
    }
    let (notified, by) = notice_period(sheet);
    Ok(format!(
        "{}{}<p>你（单位）{}一案，本机关依据{}的规定，拟对你（单位）作出如下行政处罚：{penalty}。</p>\
         <p>{}</p>{}{}",
        sheet.number(),
        sheet.party_block(party),
        esc(&sheet.context.violation.name),
        sheet.basis(),
        text::hearing_rights(statute::LAW, HEARING_REQUEST_WORKING_DAYS, &written_date(by)),
        where_to_submit(sheet),
        sheet.seal(notified),
    ))
}

/// 听证通知书 (Art. 64): once the party asked for a hearing, seven working days ahead.
pub fn hearing_notice(sheet: &Sheet<'_>) -> Result<String, DocumentError> {
    let party = sheet.party("第六十四条")?;
    let requested = sheet
        .case
        .procedure
        .hearing_requested_on
        .ok_or_else(|| sheet.refuse("第六十四条", vec![Lacking::HearingRequest]))?;
    let earliest = sheet
        .context
        .days
        .add(requested, HEARING_NOTICE_WORKING_DAYS);
    Ok(format!(
        "{}{}<p>你（单位）于{}对本机关拟作出的行政处罚提出听证申请。根据《{law}》第六十四条的规定，本机关决定举行听证，现将有关事项通知如下：</p>\
         {}{}{}{}{}<p>{}</p>{}",
        sheet.number(),
        sheet.party_block(party),
        written_date(requested),
        line("听证时间", &format!("{}（不早于{}）", blank(), written_date(earliest))),
        line("听证地点", blank()),
        line("听证主持人", blank()),
        line("听证员", blank()),
        line("书记员", blank()),
        text::hearing_conduct(statute::LAW),
        sheet.seal(sheet.context.today),
        law = statute::LAW,
    ))
}
