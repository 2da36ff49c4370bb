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

/// Decisions with a matched baseline band (the only ones a departure is measured on): how
/// many, how many departed, how many of those without a recorded reason.
#[derive(Clone, Copy, Default)]
struct Tally {
    decided: i64,
    departed: i64,
    unexplained: i64,
}

impl Tally {
    fn rate(self) -> f64 {
        self.departed as f64 / self.decided.max(1) as f64
    }

    fn minus(self, part: Tally) -> Tally {
        Tally {
            decided: self.decided - part.decided,
            departed: self.departed - part.departed,
            unexplained: self.unexplained - part.unexplained,
        }
    }
}

const TALLY: &str = "COUNT(*), CAST(SUM(c.departure) AS BIGINT),
    CAST(SUM(CASE WHEN c.departure = 1 AND c.departure_reason = '' THEN 1 ELSE 0 END) AS BIGINT)";
const MEASURED: &str =
    "c.decided_on >= $1 AND c.decided_on <= $2 AND c.baseline_row <> '' AND c.band_min IS NOT NULL";

/// Per body: its district and tally; each row of `sql` is (id, body, district, tally…).
fn tallies(
    tx: &mut dyn Tx,
    sql: &str,
    window: &Window,
) -> Result<Vec<(String, String, String, Tally)>, ServerError> {
    tx.query(
        sql,
        &[window.from.as_str().into(), window.to.as_str().into()],
    )?
    .iter()
    .map(|row| {
        Ok((
            row.text(0)?,
            row.text(1)?,
            row.text(2)?,
            Tally {
                decided: row.int(3)?,
                departed: row.int(4)?,
                unexplained: row.int(5)?,
            },
        ))
    })
    .collect()
}

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
        min_lift,
    } = check
    else {
        unreachable!("dispatched by family")
    };
    let window = Window::ending(as_of, *window_months);
    let bodies = tallies(
        tx,
        &format!("SELECT c.body, c.body, c.district, {TALLY} FROM sv_case c WHERE {MEASURED} GROUP BY c.body, c.district"),
        &window,
    )?;
    let city = bodies.iter().fold(Tally::default(), |sum, (.., t)| Tally {
        decided: sum.decided + t.decided,
        departed: sum.departed + t.departed,
        unexplained: sum.unexplained + t.unexplained,
    });
    let (judged, scope_kind, cases_sql) = match by {
        Who::Body => (
            bodies.clone(),
            "body",
            "SELECT c.doc_id FROM sv_case c
             WHERE c.body = $1 AND c.body = $2 AND c.decided_on >= $3 AND c.decided_on <= $4 AND c.departure = 1
             ORDER BY c.decided_on, c.doc_id",
        ),
        Who::Officer => (
            tallies(
                tx,
                &format!(
                    "SELECT o.credential_no, c.body, c.district, {TALLY}
                     FROM sv_case c JOIN sv_case_officer o ON o.doc_id = c.doc_id AND o.acting = 1
                     WHERE {MEASURED} GROUP BY o.credential_no, c.body, c.district"
                ),
                &window,
            )?,
            "officer",
            "SELECT c.doc_id FROM sv_case c
             JOIN sv_case_officer o ON o.doc_id = c.doc_id AND o.acting = 1
             WHERE o.credential_no = $1 AND c.body = $2 AND c.decided_on >= $3 AND c.decided_on <= $4
               AND c.departure = 1
             ORDER BY c.decided_on, c.doc_id",
        ),
    };
    let mut firings = Vec::new();
    for (who, body, district, own) in judged {
        // The rest: the other bodies of the city, or the officer's body without them.
        let whole = match by {
            Who::Body => city,
            Who::Officer => bodies
                .iter()
                .find(|(id, ..)| *id == body)
                .map(|(.., t)| *t)
                .unwrap_or(own),
        };
        let rest = whole.minus(own);
        let (rate, rest_rate) = (own.rate(), rest.rate());
        if own.decided < *min_decided as i64
            || own.departed < *min_departures as i64
            || rate <= *max_rate
            || rate < min_lift * rest_rate
        {
            continue;
        }
        let cases = tx
            .query(
                cases_sql,
                &[
                    who.as_str().into(),
                    body.as_str().into(),
                    window.from.as_str().into(),
                    window.to.as_str().into(),
                ],
            )?
            .iter()
            .take(CASES_KEPT)
            .map(|r| r.text(0))
            .collect::<Result<Vec<_>, _>>()?;
        let rest_name = match by {
            Who::Body => "全市其他主体",
            Who::Officer => "本单位其他案件",
        };
        firings.push(Firing {
            scope_kind,
            scope: who.clone(),
            key: if matches!(by, Who::Officer) {
                body.clone()
            } else {
                String::new()
            },
            district,
            body,
            period: window.period(),
            why: format!(
                "{}适用裁量基准的罚款决定 {} 件，其中超出基准幅度 {} 件（{}），超过阈值 {}，\
                 {rest_name}为 {}；其中 {} 件未记录偏离理由",
                window.zh(),
                own.decided,
                own.departed,
                percent(rate),
                percent(*max_rate),
                percent(rest_rate),
                own.unexplained,
            ),
            figures: json!({
                "window": window.period(),
                "decided": own.decided,
                "departures": own.departed,
                "without_reason": own.unexplained,
                "rate": round2(rate),
                "rest_rate": round2(rest_rate),
                "threshold": max_rate,
                "min_lift": min_lift,
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
        let outliers: Vec<(&String, f64, &Fines)> = medians
            .iter()
            .filter(|(_, (own, _))| {
                let ratio = if *own >= city {
                    own / city
                } else {
                    city / own.max(1.0)
                };
                ratio > *max_ratio
            })
            .map(|(b, (own, f))| (*b, *own, *f))
            .collect();
        if outliers.is_empty() {
            continue;
        }
        let (low, high) = values
            .iter()
            .fold((f64::MAX, 0.0f64), |(l, h), v| (l.min(*v), h.max(*v)));
        let named: Vec<String> = outliers
            .iter()
            .map(|(b, own, _)| format!("{b} {} 元", grouped(*own)))
            .collect();
        let mut cases: Vec<String> = outliers
            .iter()
            .flat_map(|(_, _, f)| f.cases.iter().cloned())
            .collect();
        cases.sort();
        cases.truncate(CASES_KEPT);
        // One body alone: its district's supervisors see the warning too.
        let (district, body) = match outliers.as_slice() {
            [(b, _, f)] => (f.district.clone(), (*b).clone()),
            _ => (String::new(), String::new()),
        };
        firings.push(Firing {
            scope_kind: "violation",
            scope: violation.clone(),
            key: baseline_row.clone(),
            district,
            body,
            period: window.period(),
            why: format!(
                "{}同一违法行为（{violation}）、同一裁量档次（{baseline_row}）的案件，{} 个执法主体的罚款中位数\
                 在 {}–{} 元之间，全市中位数 {} 元；{} 个主体偏离超过 {max_ratio} 倍：{}",
                window.zh(),
                medians.len(),
                grouped(low),
                grouped(high),
                grouped(city),
                outliers.len(),
                named.join("，"),
            ),
            figures: json!({
                "window": window.period(),
                "violation": violation,
                "baseline_row": baseline_row,
                "bodies": medians.len(),
                "median_across_bodies": round2(city),
                "spread": round2(high / low.max(1.0)),
                "threshold": max_ratio,
                "outliers": outliers.iter().map(|(b, own, f)| json!({
                    "body": b, "district": f.district, "median": round2(*own), "cases": f.amounts.len(),
                })).collect::<Vec<_>>(),
                "body_medians": medians.iter().map(|(b, (m, _))| ((*b).clone(), round2(*m))).collect::<BTreeMap<_, _>>(),
            }),
            cases,
        });
    }
    Ok(firings)
}
