//! Monthly surges: a scope's figure in a month against its own trailing months, by robust z
//! (fine and confiscation income of a body; complaints about a body or an officer).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::json;

use super::{grouped, month_of_text, month_text, month_zh, round2, Firing, Month, Window};
use crate::error::ServerError;
use crate::storage::Tx;
use crate::supervision::warnings::rules::{Check, Series, Who};
use crate::supervision::warnings::stats::{mad, median, robust_z};

/// One scope's monthly figures.
struct Scope {
    body: String,
    district: String,
    months: BTreeMap<Month, f64>,
}

pub(super) fn detect(
    tx: &mut dyn Tx,
    check: &Check,
    as_of: NaiveDate,
) -> Result<Vec<Firing>, ServerError> {
    let Check::MonthlySurge {
        series,
        by,
        window_months,
        recent_months,
        min_history,
        z: threshold,
        mad_floor,
        mad_floor_share,
        min_value,
    } = check
    else {
        unreachable!("dispatched by family")
    };
    let span = Window::ending(as_of, window_months + recent_months);
    let scopes = monthly(tx, *series, *by, &span)?;
    let mut firings = Vec::new();
    for (who, scope) in &scopes {
        // Income starts with a body's first decision (a new body has no zero history);
        // a month without complaints is a real zero, so their history is the whole span.
        let first = match series {
            Series::FineIncome => match scope.months.keys().next() {
                Some(first) => *first,
                None => continue,
            },
            Series::Complaints => span.first,
        };
        let judged = (span.last - *recent_months as i32 + 1).max(first);
        for month in judged..=span.last {
            let history: Vec<f64> = ((month - *window_months as i32).max(first)..month)
                .map(|m| scope.months.get(&m).copied().unwrap_or(0.0))
                .collect();
            let x = scope.months.get(&month).copied().unwrap_or(0.0);
            if history.len() < *min_history as usize || x < *min_value {
                continue;
            }
            let (centre, spread) = (
                median(&history).unwrap_or(0.0),
                mad(&history).unwrap_or(0.0),
            );
            let floor = mad_floor.max(mad_floor_share * centre);
            let z = robust_z(x, centre, spread, floor);
            if z <= *threshold {
                continue;
            }
            let cases = behind(tx, *series, *by, who, month)?;
            firings.push(Firing {
                scope_kind: match by {
                    Who::Body => "body",
                    Who::Officer => "officer",
                },
                scope: who.clone(),
                key: String::new(),
                district: scope.district.clone(),
                body: scope.body.clone(),
                period: month_text(month),
                why: why(*series, month, x, history.len(), centre, z, *threshold),
                figures: json!({
                    "month": month_text(month),
                    "value": x,
                    "history_months": history.len(),
                    "history": history,
                    "median": round2(centre),
                    "mad": round2(spread),
                    "mad_used": round2(spread.max(floor)),
                    "robust_z": round2(z),
                    "threshold": threshold,
                }),
                cases,
            });
        }
    }
    Ok(firings)
}

fn why(series: Series, month: Month, x: f64, n: usize, centre: f64, z: f64, at: f64) -> String {
    let (what, unit) = match series {
        Series::FineIncome => ("罚没收入", "元"),
        Series::Complaints => ("收到投诉", "件"),
    };
    format!(
        "{}{what} {} {unit}，过去{n}个月中位数 {} {unit}，稳健 z 值 {z:.1}，超过阈值 {at}",
        month_zh(month),
        grouped(x),
        grouped(centre),
    )
}

/// Each scope's figures by month over `span`.
fn monthly(
    tx: &mut dyn Tx,
    series: Series,
    by: Who,
    span: &Window,
) -> Result<BTreeMap<String, Scope>, ServerError> {
    let sql = match (series, by) {
        (Series::FineIncome, Who::Body) => {
            "SELECT body, body, district, substr(decided_on, 1, 7), CAST(SUM(fine + confiscated) AS BIGINT)
             FROM sv_case WHERE decided_on >= $1 AND decided_on <= $2
             GROUP BY body, district, substr(decided_on, 1, 7)"
        }
        (Series::FineIncome, Who::Officer) => {
            "SELECT o.credential_no, c.body, c.district, substr(c.decided_on, 1, 7),
                    CAST(SUM(c.fine + c.confiscated) AS BIGINT)
             FROM sv_case c JOIN sv_case_officer o ON o.doc_id = c.doc_id AND o.acting = 1
             WHERE c.decided_on >= $1 AND c.decided_on <= $2
             GROUP BY o.credential_no, c.body, c.district, substr(c.decided_on, 1, 7)"
        }
        (Series::Complaints, Who::Body) => {
            "SELECT body, body, district, substr(on_day, 1, 7), COUNT(*)
             FROM sv_feedback WHERE kind = 'complaint' AND on_day >= $1 AND on_day <= $2
             GROUP BY body, district, substr(on_day, 1, 7)"
        }
        (Series::Complaints, Who::Officer) => {
            "SELECT officer, body, district, substr(on_day, 1, 7), COUNT(*)
             FROM sv_feedback
             WHERE kind = 'complaint' AND officer <> '' AND on_day >= $1 AND on_day <= $2
             GROUP BY officer, body, district, substr(on_day, 1, 7)"
        }
    };
    let mut scopes: BTreeMap<String, Scope> = BTreeMap::new();
    for row in tx.query(sql, &[span.from.as_str().into(), span.to.as_str().into()])? {
        let Some(month) = month_of_text(&row.text(3)?) else {
            continue;
        };
        let scope = scopes.entry(row.text(0)?).or_insert_with(|| Scope {
            body: String::new(),
            district: String::new(),
            months: BTreeMap::new(),
        });
        // An officer who moved keeps the body of the latest month.
        scope.body = row.text(1)?;
        scope.district = row.text(2)?;
        *scope.months.entry(month).or_insert(0.0) += row.int(4)? as f64;
    }
    Ok(scopes)
}

/// The documents behind a month's figure, largest first.
fn behind(
    tx: &mut dyn Tx,
    series: Series,
    by: Who,
    who: &str,
    month: Month,
) -> Result<Vec<String>, ServerError> {
    let sql = match (series, by) {
        (Series::FineIncome, Who::Body) => {
            "SELECT doc_id FROM sv_case
             WHERE body = $1 AND decided_on >= $2 AND decided_on <= $3 AND fine + confiscated > 0
             ORDER BY fine + confiscated DESC, doc_id"
        }
        (Series::FineIncome, Who::Officer) => {
            "SELECT c.doc_id FROM sv_case c
             JOIN sv_case_officer o ON o.doc_id = c.doc_id AND o.acting = 1
             WHERE o.credential_no = $1 AND c.decided_on >= $2 AND c.decided_on <= $3
               AND c.fine + c.confiscated > 0
             ORDER BY c.fine + c.confiscated DESC, c.doc_id"
        }
        (Series::Complaints, Who::Body) => {
            "SELECT id FROM sv_feedback
             WHERE kind = 'complaint' AND body = $1 AND on_day >= $2 AND on_day <= $3 ORDER BY id"
        }
        (Series::Complaints, Who::Officer) => {
            "SELECT id FROM sv_feedback
             WHERE kind = 'complaint' AND officer = $1 AND on_day >= $2 AND on_day <= $3 ORDER BY id"
        }
    };
    let month = month_text(month);
    let rows = tx.query(
        sql,
        &[
            who.into(),
            format!("{month}-01").into(),
            format!("{month}-31").into(),
        ],
    )?;
    rows.iter()
        .take(super::CASES_KEPT)
        .map(|r| r.text(0))
        .collect()
}
