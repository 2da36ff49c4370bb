//! The decisions: 行政处罚决定书 (Art. 59), 当场行政处罚决定书 (Art. 52) and 不予行政处罚
//! 决定书 (Art. 57 ¶1 (2), 33). Each states the facts and evidence itself, the basis, how and
//! by when to perform it, and the named reconsideration body and court with their periods.

use chrono::Duration;

use super::kind::{DocumentError, Lacking};
use super::layout::{beijing_time, blank, esc, line, or_blank, reading_time, written_date};
use super::particulars::{decided_penalty, Sheet, REVIEW_DAYS, SUIT_MONTHS};
use crate::cases::procedure::{LATE_FEE_PERCENT_A_DAY, PAYMENT_DAYS};
use crate::cases::Decision;
use crate::discretion::{statute, Disposition};
use crate::texts::documents as text;

/// Art. 67: pay within fifteen days of receipt, at the named bank into the named account;
/// Art. 72: the late fee. A warning alone takes effect on service.
fn performance(sheet: &Sheet<'_>, decision: &Decision) -> String {
    if decision.fine <= 0 && decision.confiscated_gains <= 0 {
        return "<p>本决定自送达之日起执行。</p>".into();
    }
    let by = sheet.case.procedure.served_on.map_or_else(
        || blank().to_owned(),
        |served| written_date(served + Duration::days(PAYMENT_DAYS)),
    );
    format!(
        "<p>{}</p>",
        text::payment(
            PAYMENT_DAYS,
            &by,
            &sheet.body_field(|b| &b.payment_bank),
            &sheet.body_field(|b| &b.payment_account),
            LATE_FEE_PERCENT_A_DAY,
        )
    )
}

/// The named reconsideration body and court, with their periods.
fn remedies(sheet: &Sheet<'_>) -> String {
    format!(
        "<h2>救济途径和期限</h2><p>{}</p>",
        text::remedies(
            &sheet.body_field(|b| &b.reconsideration_body),
            REVIEW_DAYS,
            &sheet.body_field(|b| &b.court),
            SUIT_MONTHS,
        )
    )
}

/// What the procedure gave the party before the decision (Art. 44, 45, 64).
fn procedure_followed(sheet: &Sheet<'_>) -> String {
    let dates = &sheet.case.procedure;
    let mut said = String::new();
    if let Some(notified) = dates.notified_on {
        said.push_str(&format!(
            "本机关于{}向你（单位）送达了《行政处罚事先告知书》，告知了拟作出行政处罚的内容、事实、理由、依据及你（单位）依法享有的陈述、申辩等权利。",
            written_date(notified)
        ));
    }
    if let Some(held) = dates.hearing_held_on {
        said.push_str(&format!(
            "应你（单位）的申请，本机关于{}依法举行了听证。",
            written_date(held)
        ));
    }
    if said.is_empty() {
        said
    } else {
        format!("<p>{said}</p>")
    }
}

/// 行政处罚决定书 (Art. 59).
pub fn penalty_decision(sheet: &Sheet<'_>) -> Result<String, DocumentError> {
    let party = sheet.party("第五十九条")?;
    let decision = sheet.decision("第五十九条")?;
    if !decision.penalty {
        return Err(sheet.refuse("第五十九条", vec![Lacking::PenaltyDecided]));
    }
    let findings = sheet.findings("第五十九条")?;
    let evidence = sheet.evidence_paragraph("第五十九条")?;
    Ok(format!(
        "{}{}<h2>违法事实和证据</h2><p>经查，{findings}</p>{evidence}\
         <h2>处罚理由和依据</h2><p>你（单位）的上述行为违反了{}的规定，构成{}的违法行为。</p>{}\
         <h2>行政处罚的种类和依据</h2><p>依据{}的规定，本机关决定对你（单位）作出如下行政处罚：{}。</p>\
         <h2>履行方式和期限</h2>{}{}{}",
        sheet.number(),
        sheet.party_block(party),
        sheet.violated(),
        esc(&sheet.context.violation.name),
        procedure_followed(sheet),
        sheet.basis(),
        decided_penalty(decision),
        performance(sheet, decision),
        remedies(sheet),
        sheet.seal(decision.decided_on),
    ))
}

/// 当场行政处罚决定书 (Art. 52): handed over on the spot, signed by the officers, a refusal
/// to sign noted.
pub fn summary_decision(sheet: &Sheet<'_>) -> Result<String, DocumentError> {
    let case = sheet.case;
    let party = sheet.party("第五十二条")?;
    let decision = sheet.decision("第五十二条")?;
    if !decision.penalty {
        return Err(sheet.refuse("第五十二条", vec![Lacking::PenaltyDecided]));
    }
    let findings = sheet.findings("第五十二条")?;
    let when = if case.onsite.time.trim().is_empty() {
        written_date(case.act_date)
    } else {
        reading_time(&case.onsite.time)
    };
    let collection = if decision.fine > 0 && decision.fine <= statute::ON_THE_SPOT_COLLECTION_LIMIT
    {
        "<p>依照《中华人民共和国行政处罚法》第六十八条当场收缴罚款的，执法人员当场出具财政部门统一制发的专用票据。</p>"
    } else {
        ""
    };
    Ok(format!(
        "{}{}{}{}<p>{}</p><h2>违法事实</h2><p>{findings}</p>\
         <p>你（单位）的上述行为违反了{}的规定，构成{}的违法行为。</p>\
         <h2>行政处罚的种类和依据</h2><p>依据{}和《{law}》第五十一条、第五十二条的规定，当场决定给予如下行政处罚：{}。</p>\
         <h2>履行方式和期限</h2>{}{collection}{}{}{}{}",
        sheet.number(),
        sheet.party_block(party),
        line("违法时间", &when),
        line("违法地点", &or_blank(&case.onsite.place)),
        text::CREDENTIALS_SHOWN,
        sheet.violated(),
        esc(&sheet.context.violation.name),
        sheet.basis(),
        decided_penalty(decision),
        performance(sheet, decision),
        remedies(sheet),
        sheet.officer_signatures(),
        sheet.party_signature("签收"),
        sheet.seal(decision.decided_on),
        law = statute::LAW,
    ))
}

/// Art. 33 ¶3: the education given (what, by whom, when) and the flexible measures applied,
/// from the chosen penalty; blanks where none is recorded.
fn education(sheet: &Sheet<'_>) -> String {
    let chosen = sheet.case.chosen_penalty.as_ref();
    let given = match chosen.and_then(|c| c.education.as_ref()) {
        Some(e) => {
            let by = sheet
                .case
                .officers
                .iter()
                .find(|o| o.credential_no == e.by)
                .map_or_else(
                    || esc(&e.by),
                    |o| format!("{}（执法证号：{}）", esc(&o.name), esc(&o.credential_no)),
                );
            format!(
                "{}{}{}",
                line("教育内容", &or_blank(&e.content)),
                line("教育人员", &by),
                line("教育时间", &beijing_time(e.at)),
            )
        }
        None => line("教育方式及内容", blank()),
    };
    let measures: Vec<String> = chosen
        .map(|c| c.flexible.iter().map(|m| m.name_zh().to_owned()).collect())
        .unwrap_or_default();
    let applied = if measures.is_empty() {
        String::new()
    } else {
        line("采取的柔性执法措施", &crate::texts::list(&measures))
    };
    format!("{given}{applied}")
}

/// 不予行政处罚决定书: the ground of the statute, the facts, the education given (Art. 33 ¶3).
pub fn no_penalty_decision(sheet: &Sheet<'_>) -> Result<String, DocumentError> {
    let party = sheet.party("第五十七条")?;
    let decision = sheet.decision("第五十七条")?;
    if decision.penalty {
        return Err(sheet.refuse("第五十七条", vec![Lacking::NoPenaltyDecided]));
    }
    let findings = sheet.findings("第五十七条")?;
    let evidence = sheet.evidence_paragraph("第五十七条")?;
    let ground = match sheet.context.outcome.map(|o| &o.disposition) {
        Some(Disposition::NoPenalty { reason }) => format!(
            "根据《{}》{}的规定（{}），",
            statute::LAW,
            reason.article(),
            esc(&reason.text_zh())
        ),
        _ => format!("根据{}的规定，", blank()),
    };
    let correct = if sheet.context.outcome.is_some_and(|o| o.order_correction) {
        "同时责令你（单位）立即改正违法行为。"
    } else {
        ""
    };
    Ok(format!(
        "{}{}<h2>违法事实和证据</h2><p>经查，{findings}</p>{evidence}\
         <p>你（单位）的上述行为违反了{}的规定。</p>{}\
         <h2>决定</h2><p>{ground}本机关决定对你（单位）不予行政处罚。{correct}</p>\
         <p>{}</p>{}{}{}",
        sheet.number(),
        sheet.party_block(party),
        sheet.violated(),
        procedure_followed(sheet),
        text::EDUCATION,
        education(sheet),
        remedies(sheet),
        sheet.seal(decision.decided_on),
    ))
}
