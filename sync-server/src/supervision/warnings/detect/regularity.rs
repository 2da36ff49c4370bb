//! Quota regularity (整齐化): a body's monthly penalty counts and amounts too regular to be
//! natural. Violations found in the field arrive like independent events: monthly counts
//! scatter about as much as their mean (Poisson: variance ≈ mean) and monthly amounts swing
//! with them. A quota ("at least 2 penalties and 2,000 yuan a month") leaves counts that
//! barely move and amounts held in a narrow band. Both must hold, so a small body's ordinary
//! variation, or a big body's steady volume, never fires alone.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::json;

use super::{grouped, month_of_text, round2, Firing, Window};
use crate::error::ServerError;
use crate::storage::Tx;
use crate::supervision::warnings::rules::Check;
use crate::supervision::warnings::stats::{dispersion, quantile, robust_cv};

#[derive(Default)]
struct Body {
    district: String,
    counts: BTreeMap<i32, f64>,
    amounts: BTreeMap<i32, f64>,
}

pub(super) fn detect(
    tx: &mut dyn Tx,
    check: &Check,
    as_of: NaiveDate,
) -> Result<Vec<Firing>, ServerError> {
    let Check::QuotaRegularity {
        window_months,
        min_active_months,
        min_mean_count,
        max_count_cv,
        max_dispersion,
        max_amount_ratio,
    } = check
    else {
        unreachable!("dispatched by family")
    };
    let window = Window::ending(as_of, *window_months);
    let mut bodies: BTreeMap<String, Body> = BTreeMap::new();
    for row in tx.query(
        "SELECT body, district, substr(decided_on, 1, 7), COUNT(*), CAST(SUM(fine) AS BIGINT)
         FROM sv_case WHERE decided_on >= $1 AND decided_on <= $2 AND fine > 0
         GROUP BY body, district, substr(decided_on, 1, 7)",
        &[window.from.as_str().into(), window.to.as_str().into()],
    )? {
        let Some(month) = month_of_text(&row.text(2)?) else {
            continue;
        };
        let body = bodies.entry(row.text(0)?).or_default();
        body.district = row.text(1)?;
        *body.counts.entry(month).or_insert(0.0) += row.int(3)? as f64;
        *body.amounts.entry(month).or_insert(0.0) += row.int(4)? as f64;
    }
    let mut firings = Vec::new();
    for (id, body) in &bodies {
        // Every month of the window counts, a month without penalties as 0.
        let counts: Vec<f64> = (window.first..=window.last)
            .map(|m| body.counts.get(&m).copied().unwrap_or(0.0))
            .collect();
        let amounts: Vec<f64> = body.amounts.values().copied().collect();
        let active = amounts.len();
        let mean = counts.iter().sum::<f64>() / counts.len() as f64;
        if active < *min_active_months as usize || mean < *min_mean_count {
            continue;
        }
        let (Some(count_cv), Some(index), Some(p10), Some(p90)) = (
            robust_cv(&counts),
            dispersion(&counts),
            quantile(&amounts, 0.1),
            quantile(&amounts, 0.9),
        ) else {
            continue;
        };
        let ratio = if p10 > 0.0 { p90 / p10 } else { f64::INFINITY };
        if count_cv > *max_count_cv || index > *max_dispersion || ratio > *max_amount_ratio {
            continue;
        }
        let (low, high) = counts
            .iter()
            .filter(|c| **c > 0.0)
            .fold((f64::MAX, 0.0f64), |(l, h), c| (l.min(*c), h.max(*c)));
        let cases = tx
            .query(
                "SELECT doc_id FROM sv_case
                 WHERE body = $1 AND decided_on >= $2 AND decided_on <= $3 AND fine > 0
                 ORDER BY decided_on, doc_id",
                &[
                    id.into(),
                    window.from.as_str().into(),
                    window.to.as_str().into(),
                ],
            )?
            .iter()
            .take(super::CASES_KEPT)
            .map(|r| r.text(0))
            .collect::<Result<Vec<_>, _>>()?;
        firings.push(Firing {
            scope_kind: "body",
            scope: id.clone(),
            key: String::new(),
            district: body.district.clone(),
            body: id.clone(),
            period: window.period(),
            why: format!(
                "{}共 {active} 个月有处罚，每月处罚 {}–{} 件（离散指数 {index:.2}，自然发生的案件约为 1；\
                 稳健变异系数 {count_cv:.2}，阈值 {max_count_cv}），每月罚款金额集中在 {}–{} 元\
                 （P90/P10 = {ratio:.2}，阈值 {max_amount_ratio}），数据过于整齐，疑似按指标执法",
                window.zh(),
                grouped(low),
                grouped(high),
                grouped(p10),
                grouped(p90),
            ),
            figures: json!({
                "window": window.period(),
                "monthly_counts": counts,
                "monthly_amounts": amounts,
                "active_months": active,
                "mean_count": round2(mean),
                "count_robust_cv": round2(count_cv),
                "dispersion_index": round2(index),
                "amount_p10": round2(p10),
                "amount_p90": round2(p90),
                "amount_ratio": round2(ratio),
                "thresholds": {
                    "max_count_cv": max_count_cv,
                    "max_dispersion": max_dispersion,
                    "max_amount_ratio": max_amount_ratio,
                },
            }),
            cases,
        });
    }
    Ok(firings)
}
