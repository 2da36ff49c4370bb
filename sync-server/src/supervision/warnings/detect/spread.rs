//! Same facts, different penalties (同案不同罚): decisions on the same violation, under the
//! same baseline row and band (the same facts as far as the index knows them), fined far
//! from what the city fines for them. Departures from the band are the departure rules'
//! concern; this looks inside the band, where both ends are lawful and a body that keeps
//! choosing one end while the others choose the middle treats the same facts differently.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::json;

use super::{grouped, round2, Firing, Window, CASES_KEPT};
use crate::error::ServerError;
use crate::storage::Tx;
use crate::supervision::warnings::rules::Check;
use crate::supervision::warnings::stats::median;

/// One body's fines for one group of facts: (fine, doc id).
#[derive(Default)]
struct Fines {
    district: String,
    fines: Vec<(f64, String)>,
}

/// A body named: its id, its fines, those far from the city's median.
type Named<'a> = (&'a String, &'a Fines, Vec<&'a (f64, String)>);

/// (violation, baseline row, band) → body → fines.
type Groups = BTreeMap<(String, String, i64, i64), BTreeMap<String, Fines>>;

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
        min_outliers,
    } = check
    else {
        unreachable!("dispatched by family")
    };
    let window = Window::ending(as_of, *window_months);
    let mut groups = Groups::new();
    for row in tx.query(
        "SELECT violation, baseline_row, band_min, band_max, body, district, fine, doc_id FROM sv_case
         WHERE decided_on >= $1 AND decided_on <= $2 AND fine > 0 AND departure = 0
           AND violation <> '' AND baseline_row <> '' AND band_min IS NOT NULL AND band_max IS NOT NULL",
        &[window.from.as_str().into(), window.to.as_str().into()],
    )? {
        let key = (row.text(0)?, row.text(1)?, row.int(2)?, row.int(3)?);
        let body = groups.entry(key).or_default().entry(row.text(4)?).or_default();
        body.district = row.text(5)?;
        body.fines.push((row.int(6)? as f64, row.text(7)?));
    }
    let mut firings = Vec::new();
    for ((violation, baseline_row, band_min, band_max), bodies) in &groups {
        let compared = bodies
            .values()
            .filter(|f| f.fines.len() >= *min_cases_per_body as usize)
            .count();
        let all: Vec<f64> = bodies
            .values()
            .flat_map(|f| f.fines.iter().map(|(x, _)| *x))
            .collect();
        let Some(city) = median(&all).filter(|m| *m > 0.0) else {
            continue;
        };
        if compared < *min_bodies as usize {
            continue;
        }
        let far = |x: f64| x > city * max_ratio || x * max_ratio < city;
        // Bodies with at least `min_outliers` decisions far from the city's median.
        let named: Vec<Named> = bodies
            .iter()
            .map(|(b, f)| {
                (
                    b,
                    f,
                    f.fines.iter().filter(|(x, _)| far(*x)).collect::<Vec<_>>(),
                )
            })
            .filter(|(_, _, out)| out.len() >= *min_outliers as usize)
            .collect();
        if named.is_empty() {
            continue;
        }
        let listed: Vec<String> = named
            .iter()
            .map(|(b, f, out)| {
                let (low, high) = out
                    .iter()
                    .fold((f64::MAX, 0.0f64), |(l, h), (x, _)| (l.min(*x), h.max(*x)));
                let range = if low == high {
                    format!("{} 元", grouped(low))
                } else {
                    format!("{}–{} 元", grouped(low), grouped(high))
                };
                format!("{b} {} 件中 {} 件罚款 {range}", f.fines.len(), out.len())
            })
            .collect();
        let mut cases: Vec<String> = named
            .iter()
            .flat_map(|(_, _, out)| out.iter().map(|(_, id)| id.clone()))
            .collect();
        cases.sort();
        cases.truncate(CASES_KEPT);
        // One body named: its district's supervisors see the warning too.
        let (district, body) = match named.as_slice() {
            [(b, f, _)] => (f.district.clone(), (*b).clone()),
            _ => (String::new(), String::new()),
        };
        firings.push(Firing {
            scope_kind: "violation",
            scope: violation.clone(),
            key: format!("{baseline_row}|{band_min}|{band_max}"),
            district,
            body,
            period: window.period(),
            why: format!(
                "{}同一违法行为（{violation}）、同一裁量档次（{baseline_row}，基准 {}–{} 元）的 {} 件案件，\
                 {} 个执法主体的罚款中位数 {} 元；{} 个主体多次罚款超出中位数的 {max_ratio} 倍或不足其 1/{max_ratio}：{}",
                window.zh(),
                grouped(*band_min as f64),
                grouped(*band_max as f64),
                all.len(),
                bodies.len(),
                grouped(city),
                named.len(),
                listed.join("；"),
            ),
            figures: json!({
                "window": window.period(),
                "violation": violation,
                "baseline_row": baseline_row,
                "band": [band_min, band_max],
                "decisions": all.len(),
                "bodies": bodies.len(),
                "median": round2(city),
                "threshold": max_ratio,
                "named": named.iter().map(|(b, f, out)| json!({
                    "body": b,
                    "district": f.district,
                    "decisions": f.fines.len(),
                    "far": out.len(),
                    "body_median": round2(median(&f.fines.iter().map(|(x, _)| *x).collect::<Vec<_>>()).unwrap_or(0.0)),
                })).collect::<Vec<_>>(),
            }),
            cases,
        });
    }
    Ok(firings)
}
