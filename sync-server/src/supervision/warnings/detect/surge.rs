//! Monthly surges: a scope's figure in a month against its own trailing months, by robust z
//! (fine and confiscation income of a body; complaints about a body or an officer).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::json;

use super::{grouped, month_of_text, month_text, month_zh, round2, Firing, Month, Window};
use crate::error::ServerError;
use crate::storage::Tx;
use crate::supervision::warnings::rules::{Check, Scale, Series, Who};
use crate::supervision::warnings::stats::{mad, median, poisson_tail, robust_z};

/// One scope's monthly figures.
struct Scope {
    body: String,
    district: String,
    months: BTreeMap<Month, f64>,
    /// The number of documents behind each month's figure.
    counts: BTreeMap<Month, f64>,
}

pub(super) fn detect(
    tx: &mut dyn Tx,
    check: &Check,
    as_of: NaiveDate,
) -> Result<Vec<Firing>, ServerError> {
    let Check::MonthlySurge {
        series,
        by,
        scale,
        window_months,
        recent_months,
        min_history,
        z: threshold,
        mad_floor,
        mad_floor_share,
        min_value,
        count_alpha,
        min_per_decision_ratio,
    } = check
    else {
        unreachable!("dispatched by family")
    };
    let span = Window::ending(as_of, window_months + recent_months);
    let scopes = monthly(tx, *series, *by, &span)?;
    // Before the first month anything was recorded there is no history, only no data.
    let data_start = scopes
        .values()
        .filter_map(|s| s.months.keys().next().copied())
        .min()
        .unwrap_or(span.first);
    let mut firings = Vec::new();
    for (who, scope) in &scopes {
        // Income starts with a body's first decision (a new body has no zero history); a
        // month without complaints is a real zero, from the first month any were recorded.
        let first = match series {
            Series::FineIncome => match scope.months.keys().next() {
                Some(first) => *first,
                None => continue,
            },
            Series::Complaints => data_start,
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
            let on_scale = |v: f64| match scale {
                Scale::Linear => v,
                Scale::Log => v.max(0.0).ln_1p(),
            };
            let judged_history: Vec<f64> = history.iter().map(|v| on_scale(*v)).collect();
            let (centre, spread) = (
                median(&judged_history).unwrap_or(0.0),
                mad(&judged_history).unwrap_or(0.0),
            );
            let floor = mad_floor.max(mad_floor_share * centre);
            let z = robust_z(on_scale(x), centre, spread, floor);
            // What the supervisor reads is in yuan or complaints, whatever the scale.
            let typical = median(&history).unwrap_or(0.0);
            if z <= *threshold {
                continue;
            }
            let count = scope.counts.get(&month).copied().unwrap_or(0.0);
            let history_counts: Vec<f64> = ((month - *window_months as i32).max(first)..month)
                .map(|m| scope.counts.get(&m).copied().unwrap_or(0.0))
                .collect();
            let mean_count = history_counts.iter().sum::<f64>() / history_counts.len() as f64;
            let count_chance = poisson_tail(count as u64, mean_count);
            if count_alpha.is_some_and(|alpha| count_chance >= alpha) {
                continue;
            }
            let history_count: f64 = history_counts.iter().sum();
            let per_decision = x / count.max(1.0);
            let usual_per_decision = history.iter().sum::<f64>() / history_count.max(1.0);
            let per_decision_ratio = per_decision / usual_per_decision.max(1.0);
            if min_per_decision_ratio.is_some_and(|least| per_decision_ratio < least) {
                continue;
            }
            let mut why = why(*series, month, x, history.len(), typical, z, *threshold);
            if count_alpha.is_some() || min_per_decision_ratio.is_some() {
                why.push_str(&format!(
                    "；当月决定 {count} 件（过去平均每月 {mean_count:.1} 件），平均每件 {} 元，\
                     为过去的 {per_decision_ratio:.1} 倍",
                    grouped(per_decision)
                ));
            }
            let cases = behind(tx, *series, *by, who, &scope.body, month)?;
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
                why,
                figures: json!({
                    "month": month_text(month),
                    "value": x,
                    "history_months": history.len(),
                    "history": history,
                    "median": round2(typical),
                    "scale": scale,
                    "median_on_scale": round2(centre),
                    "mad_on_scale": round2(spread),
                    "mad_used": round2(spread.max(floor)),
                    "robust_z": round2(z),
                    "threshold": threshold,
                    "count": count,
                    "history_mean_count": round2(mean_count),
                    "count_chance": count_chance,
                    "per_decision": round2(per_decision),
                    "per_decision_ratio": round2(per_decision_ratio),
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
            "SELECT body, body, district, substr(decided_on, 1, 7), CAST(SUM(fine + confiscated) AS BIGINT),
                    CAST(SUM(CASE WHEN fine + confiscated > 0 THEN 1 ELSE 0 END) AS BIGINT)
             FROM sv_case WHERE decided_on >= $1 AND decided_on <= $2
             GROUP BY body, district, substr(decided_on, 1, 7)"
        }
        (Series::FineIncome, Who::Officer) => {
            "SELECT o.credential_no, c.body, c.district, substr(c.decided_on, 1, 7),
                    CAST(SUM(c.fine + c.confiscated) AS BIGINT),
                    CAST(SUM(CASE WHEN c.fine + c.confiscated > 0 THEN 1 ELSE 0 END) AS BIGINT)
             FROM sv_case c JOIN sv_case_officer o ON o.doc_id = c.doc_id AND o.acting = 1
             WHERE c.decided_on >= $1 AND c.decided_on <= $2
             GROUP BY o.credential_no, c.body, c.district, substr(c.decided_on, 1, 7)"
        }
        (Series::Complaints, Who::Body) => {
            "SELECT body, body, district, substr(on_day, 1, 7), COUNT(*), COUNT(*)
             FROM sv_feedback WHERE kind = 'complaint' AND on_day >= $1 AND on_day <= $2
             GROUP BY body, district, substr(on_day, 1, 7)"
        }
        (Series::Complaints, Who::Officer) => {
            "SELECT officer, body, district, substr(on_day, 1, 7), COUNT(*), COUNT(*)
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
            counts: BTreeMap::new(),
        });
        // An officer who moved keeps the body of the latest month.
        scope.body = row.text(1)?;
        scope.district = row.text(2)?;
        *scope.months.entry(month).or_insert(0.0) += row.int(4)? as f64;
        *scope.counts.entry(month).or_insert(0.0) += row.int(5)? as f64;
    }
    Ok(scopes)
}

/// The documents behind a month's figure, largest first.
fn behind(
    tx: &mut dyn Tx,
    series: Series,
    by: Who,
    who: &str,
    body: &str,
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
            // By the body's index, then the officer (`officer` has none).
            "SELECT id FROM sv_feedback
             WHERE kind = 'complaint' AND body = $4 AND officer = $1 AND on_day >= $2 AND on_day <= $3
             ORDER BY id"
        }
    };
    let month = month_text(month);
    let mut params = vec![
        who.into(),
        format!("{month}-01").into(),
        format!("{month}-31").into(),
    ];
    if matches!((series, by), (Series::Complaints, Who::Officer)) {
        params.push(body.into());
    }
    let rows = tx.query(sql, &params)?;
    rows.iter()
        .take(super::CASES_KEPT)
        .map(|r| r.text(0))
        .collect()
}
