//! One case at a time: open past its deadline, near it without an extension, or decided
//! without the legal review or collective decision the law required.

use chrono::{Duration, NaiveDate};
use serde_json::json;

use super::{Firing, Window};
use crate::error::ServerError;
use crate::storage::Tx;
use crate::supervision::warnings::rules::{Check, Review};

/// Ordinary cases filed by `as_of` and still open on it (decided or closed later counts as
/// open then, so a run for a past day sees that day).
const OPEN_ON: &str =
    "kind = 'ordinary' AND filed_on IS NOT NULL AND filed_on <= $1 AND due_on IS NOT NULL
     AND (decided_on IS NULL OR decided_on > $1) AND (closed_on IS NULL OR closed_on > $1)";

pub(super) fn deadlines(
    tx: &mut dyn Tx,
    check: &Check,
    as_of: NaiveDate,
) -> Result<Vec<Firing>, ServerError> {
    let day = as_of.to_string();
    let (condition, params) = match check {
        Check::Overdue {} => ("due_on < $1", vec![day.as_str().into()]),
        Check::NearLimit { days } => (
            "due_on >= $1 AND due_on <= $2 AND extended = 0",
            vec![
                day.as_str().into(),
                (as_of + Duration::days(*days as i64)).to_string().into(),
            ],
        ),
        _ => unreachable!("dispatched by family"),
    };
    let overdue = matches!(check, Check::Overdue {});
    let sql = format!(
        "SELECT doc_id, body, district, case_number, filed_on, due_on, extended FROM sv_case
         WHERE {OPEN_ON} AND {condition}"
    );
    let mut firings = Vec::new();
    for row in tx.query(&sql, &params)? {
        let (doc_id, number, filed, due) = (row.text(0)?, row.text(3)?, row.text(4)?, row.text(5)?);
        let Ok(due_day) = NaiveDate::parse_from_str(&due, "%Y-%m-%d") else {
            continue;
        };
        let days = (as_of - due_day).num_days();
        let number_shown = if number.is_empty() {
            "（未编号）".to_owned()
        } else {
            number.clone()
        };
        let extended = row.int(6)? != 0;
        let why = if overdue {
            format!(
                "案件 {number_shown} 于 {filed} 立案，办案期限至 {due}{}，截至 {day} 仍未作出决定，已超期 {days} 天",
                if extended { "（已延长）" } else { "" }
            )
        } else {
            format!(
                "案件 {number_shown} 于 {filed} 立案，办案期限至 {due}，截至 {day} 距期限仅剩 {} 天，\
                 仍未作出决定且未记录延长审批",
                -days
            )
        };
        firings.push(Firing {
            scope_kind: "case",
            scope: doc_id.clone(),
            key: String::new(),
            district: row.text(2)?,
            body: row.text(1)?,
            period: due.clone(),
            why,
            figures: json!({
                "case_number": number,
                "filed_on": filed,
                "due_on": due,
                "as_of": day,
                "days_past_due": days.max(0),
                "days_left": (-days).max(0),
                "extended": extended,
            }),
            cases: vec![doc_id],
        });
    }
    Ok(firings)
}

pub(super) fn reviews(
    tx: &mut dyn Tx,
    check: &Check,
    as_of: NaiveDate,
) -> Result<Vec<Firing>, ServerError> {
    let Check::ReviewMissing {
        review,
        window_months,
    } = check
    else {
        unreachable!("dispatched by family")
    };
    let window = Window::ending(as_of, *window_months);
    let (required, done, what) = match review {
        Review::Legal => ("legal_review_required", "legal_review_on", "法制审核"),
        Review::Collective => ("collective_required", "collective_on", "集体讨论"),
    };
    let sql = format!(
        "SELECT doc_id, body, district, case_number, decided_on, {done} FROM sv_case
         WHERE {required} = 1 AND decided_on >= $1 AND decided_on <= $2
           AND ({done} IS NULL OR {done} > decided_on)"
    );
    let mut firings = Vec::new();
    for row in tx.query(
        &sql,
        &[window.from.as_str().into(), window.to.as_str().into()],
    )? {
        let (doc_id, number, decided) = (row.text(0)?, row.text(3)?, row.text(4)?);
        let done_on = row.text(5).ok();
        let number_shown = if number.is_empty() {
            "（未编号）".to_owned()
        } else {
            number.clone()
        };
        let why = match &done_on {
            Some(on) => format!(
                "案件 {number_shown} 依法应当{what}，于 {decided} 作出处罚决定，{what}却在 {on}，晚于决定"
            ),
            None => format!(
                "案件 {number_shown} 依法应当{what}，于 {decided} 作出处罚决定，没有{what}记录"
            ),
        };
        firings.push(Firing {
            scope_kind: "case",
            scope: doc_id.clone(),
            key: String::new(),
            district: row.text(2)?,
            body: row.text(1)?,
            period: decided.clone(),
            why,
            figures: json!({
                "case_number": number,
                "decided_on": decided,
                "review": what,
                "done_on": done_on,
            }),
            cases: vec![doc_id],
        });
    }
    Ok(firings)
}
