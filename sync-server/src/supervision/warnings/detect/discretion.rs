//! Discretion (裁量): decided penalties outside their baseline band too often, and the same
//! facts fined differently across bodies (同案不同罚).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::json;

use super::{grouped, percent, round2, Firing, Window, CASES_KEPT};
use crate::error::ServerError;
use crate::storage::Tx;
use crate::supervision::warnings::rules::{Check, Who};
use crate::supervision::warnings::stats::median;

pub(super) fn departures(
    tx: &mut dyn Tx,
    check: &Check,
    as_of: NaiveDate,
) -> Result<Vec<Firing>, ServerError> {
    let Check::DepartureRate {
        by,
        window_months,
        min_decided,
        min_departures,
        max_rate,
    } = check
    else {
        unreachable!("dispatched by family")
    };
    let window = Window::ending(as_of, *window_months);
    // Decisions with a matched baseline band: the only ones a departure is measured on.
    let (grouped_sql, cases_sql, scope_kind) = match by {
        Who::Body => (
            "SELECT c.body, c.body, c.district, COUNT(*), CAST(SUM(c.departure) AS BIGINT),
                    CAST(SUM(CASE WHEN c.departure = 1 AND c.departure_reason = '' THEN 1 ELSE 0 END) AS BIGINT)
             FROM sv_case c
             WHERE c.decided_on >= $1 AND c.decided_on <= $2 AND c.baseline_row <> '' AND c.band_min IS NOT NULL
             GROUP BY c.body, c.district",
            "SELECT c.doc_id FROM sv_case c
             WHERE c.body = $1 AND c.decided_on >= $2 AND c.decided_on <= $3 AND c.departure = 1
             ORDER BY c.decided_on, c.doc_id",
            "body",
        ),
        Who::Officer => (
            "SELECT o.credential_no, MAX(c.body), MAX(c.district), COUNT(*), CAST(SUM(c.departure) AS BIGINT),
                    CAST(SUM(CASE WHEN c.departure = 1 AND c.departure_reason = '' THEN 1 ELSE 0 END) AS BIGINT)
             FROM sv_case c JOIN sv_case_officer o ON o.doc_id = c.doc_id AND o.acting = 1
             WHERE c.decided_on >= $1 AND c.decided_on <= $2 AND c.baseline_row <> '' AND c.band_min IS NOT NULL
             GROUP BY o.credential_no",
            "SELECT c.doc_id FROM sv_case c
             JOIN sv_case_officer o ON o.doc_id = c.doc_id AND o.acting = 1
             WHERE o.credential_no = $1 AND c.decided_on >= $2 AND c.decided_on <= $3 AND c.departure = 1
             ORDER BY c.decided_on, c.doc_id",
            "officer",
        ),
    };
    let mut firings = Vec::new();
    let bounds = [window.from.as_str().into(), window.to.as_str().into()];
    for row in tx.query(grouped_sql, &bounds)? {
        let (who, decided, departed, unexplained) =
            (row.text(0)?, row.int(3)?, row.int(4)?, row.int(5)?);
        let rate = departed as f64 / decided.max(1) as f64;
        if decided < *min_decided as i64 || departed < *min_departures as i64 || rate <= *max_rate {
            continue;
        }
        let cases = tx
            .query(
                cases_sql,
                &[
                    who.as_str().into(),
                    window.from.as_str().into(),
                    window.to.as_str().into(),
                ],
            )?
            .iter()
            .take(CASES_KEPT)
            .map(|r| r.text(0))
            .collect::<Result<Vec<_>, _>>()?;
        firings.push(Firing {
            scope_kind,
            scope: who.clone(),
            key: String::new(),
            district: row.text(2)?,
            body: row.text(1)?,
            period: window.period(),
            why: format!(
                "{}适用裁量基准的罚款决定 {decided} 件，其中超出基准幅度 {departed} 件（{}），\
                 超过阈值 {}；其中 {unexplained} 件未记录偏离理由",
                window.zh(),
                percent(rate),
                percent(*max_rate),
            ),
            figures: json!({
                "window": window.period(),
                "decided": decided,
                "departures": departed,
                "without_reason": unexplained,
                "rate": round2(rate),
                "threshold": max_rate,
            }),
            cases,
        });
    }
    Ok(firings)
}

/// One body's fines for one violation and baseline row.
struct Fines {
    district: String,
    amounts: Vec<f64>,
    cases: Vec<String>,
}

pub(super) fn spread(
    tx: &mut dyn Tx,
    check: &Check,
    as_of: NaiveDate,
) -> Result<Vec<Firing>, ServerError> {
    let Check::SameFactsSpread {
        window_months,
        min_cases_per_body,
        min_bodies,
        max_ratio,
    } = check
    else {
        unreachable!("dispatched by family")
    };
    let window = Window::ending(as_of, *window_months);
    let mut facts: BTreeMap<(String, String), BTreeMap<String, Fines>> = BTreeMap::new();
    for row in tx.query(
        "SELECT violation, baseline_row, body, district, fine, doc_id FROM sv_case
         WHERE decided_on >= $1 AND decided_on <= $2 AND fine > 0 AND violation <> '' AND baseline_row <> ''",
        &[window.from.as_str().into(), window.to.as_str().into()],
    )? {
        let fines = facts
            .entry((row.text(0)?, row.text(1)?))
            .or_default()
            .entry(row.text(2)?)
            .or_insert_with(|| Fines {
                district: String::new(),
                amounts: Vec::new(),
                cases: Vec::new(),
            });
        fines.district = row.text(3)?;
        fines.amounts.push(row.int(4)? as f64);
        fines.cases.push(row.text(5)?);
    }
    let mut firings = Vec::new();
    for ((violation, baseline_row), bodies) in &facts {
        let medians: BTreeMap<&String, (f64, &Fines)> = bodies
            .iter()
            .filter(|(_, f)| f.amounts.len() >= *min_cases_per_body as usize)
            .filter_map(|(b, f)| Some((b, (median(&f.amounts)?, f))))
            .collect();
        if medians.len() < *min_bodies as usize {
            continue;
        }
        let values: Vec<f64> = medians.values().map(|(m, _)| *m).collect();
        let Some(city) = median(&values).filter(|m| *m > 0.0) else {
            continue;
        };
        for (body, (own, fines)) in &medians {
            let ratio = if *own >= city {
                own / city
            } else {
                city / own.max(1.0)
            };
            if ratio <= *max_ratio {
                continue;
            }
            let mut cases = fines.cases.clone();
            cases.sort();
            cases.truncate(CASES_KEPT);
            let direction = if *own >= city { "高于" } else { "低于" };
            firings.push(Firing {
                scope_kind: "body",
                scope: (*body).clone(),
                key: format!("{violation}|{baseline_row}"),
                district: fines.district.clone(),
                body: (*body).clone(),
                period: window.period(),
                why: format!(
                    "{}同一违法行为（{violation}）、同一裁量档次（{baseline_row}）的 {} 件案件，\
                     本主体罚款中位数 {} 元，{} 个主体的中位数 {} 元，{direction}全市 {ratio:.1} 倍，超过阈值 {max_ratio} 倍",
                    window.zh(),
                    fines.amounts.len(),
                    grouped(*own),
                    medians.len(),
                    grouped(city),
                    ratio = ratio,
                ),
                figures: json!({
                    "window": window.period(),
                    "violation": violation,
                    "baseline_row": baseline_row,
                    "cases": fines.amounts.len(),
                    "body_median": round2(*own),
                    "bodies": medians.len(),
                    "median_across_bodies": round2(city),
                    "ratio": round2(ratio),
                    "threshold": max_ratio,
                    "body_medians": medians.iter().map(|(b, (m, _))| ((*b).clone(), round2(*m))).collect::<BTreeMap<_, _>>(),
                }),
                cases,
            });
        }
    }
    Ok(firings)
}
