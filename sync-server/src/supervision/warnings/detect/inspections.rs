//! Inspections: an enterprise visited by several bodies within days (against 综合查一次),
//! A-grade enterprises inspected too often, visits without the enterprise's verification and
//! officers' codes refused (两码互核).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate};
use serde_json::json;

use super::{month_of_text, month_text, percent, round2, Firing, Window, CASES_KEPT};
use crate::error::ServerError;
use crate::storage::Tx;
use crate::supervision::warnings::rules::{Check, Unit};
use crate::supervision::warnings::stats::binomial_tail;

struct Visit {
    day: NaiveDate,
    body: String,
    district: String,
    doc_id: String,
}

/// What accumulates for one enterprise and month.
#[derive(Default)]
struct Cluster {
    bodies: BTreeSet<String>,
    days: BTreeSet<NaiveDate>,
    docs: BTreeSet<String>,
    last_body: String,
    last_district: String,
}

pub(super) fn several_bodies(
    tx: &mut dyn Tx,
    check: &Check,
    as_of: NaiveDate,
) -> Result<Vec<Firing>, ServerError> {
    let Check::SeveralBodies {
        window_months,
        days,
        min_bodies,
    } = check
    else {
        unreachable!("dispatched by family")
    };
    let window = Window::ending(as_of, *window_months);
    let mut by_enterprise: BTreeMap<String, Vec<Visit>> = BTreeMap::new();
    for row in tx.query(
        "SELECT enterprise, visited_on, body, district, doc_id FROM sv_inspection
         WHERE enterprise <> '' AND visited_on >= $1 AND visited_on <= $2",
        &[window.from.as_str().into(), window.to.as_str().into()],
    )? {
        let Ok(day) = NaiveDate::parse_from_str(&row.text(1)?, "%Y-%m-%d") else {
            continue;
        };
        by_enterprise.entry(row.text(0)?).or_default().push(Visit {
            day,
            body: row.text(2)?,
            district: row.text(3)?,
            doc_id: row.text(4)?,
        });
    }
    let mut firings = Vec::new();
    for (enterprise, mut visits) in by_enterprise {
        visits.sort_by(|a, b| (a.day, &a.doc_id).cmp(&(b.day, &b.doc_id)));
        let mut clusters: BTreeMap<i32, Cluster> = BTreeMap::new();
        let mut start = 0;
        for end in 0..visits.len() {
            while visits[end].day - visits[start].day >= Duration::days(*days as i64) {
                start += 1;
            }
            let inside = &visits[start..=end];
            let bodies: BTreeSet<&str> = inside.iter().map(|v| v.body.as_str()).collect();
            let separate_days: BTreeSet<NaiveDate> = inside.iter().map(|v| v.day).collect();
            // Bodies on one day together are a joint inspection: what 综合查一次 asks for.
            if bodies.len() < *min_bodies as usize || separate_days.len() < 2 {
                continue;
            }
            let month = month_of_text(&visits[end].day.to_string()).unwrap_or_default();
            let cluster = clusters.entry(month).or_default();
            for visit in inside {
                cluster.bodies.insert(visit.body.clone());
                cluster.days.insert(visit.day);
                cluster.docs.insert(visit.doc_id.clone());
            }
            cluster.last_body = visits[end].body.clone();
            cluster.last_district = visits[end].district.clone();
        }
        for (month, cluster) in clusters {
            let (first, last) = (
                cluster.days.first().copied().unwrap_or(as_of),
                cluster.days.last().copied().unwrap_or(as_of),
            );
            let bodies: Vec<&String> = cluster.bodies.iter().collect();
            firings.push(Firing {
                scope_kind: "enterprise",
                scope: enterprise.clone(),
                key: String::new(),
                district: cluster.last_district,
                body: cluster.last_body,
                period: month_text(month),
                why: format!(
                    "企业 {enterprise} 在 {} 日内被 {} 个执法主体分别检查 {} 次（{first} 至 {last}：{}），\
                     未落实“综合查一次”",
                    days,
                    bodies.len(),
                    cluster.docs.len(),
                    bodies.iter().map(|b| b.as_str()).collect::<Vec<_>>().join("、"),
                ),
                figures: json!({
                    "enterprise": enterprise,
                    "days": days,
                    "bodies": bodies,
                    "inspections": cluster.docs.len(),
                    "visit_days": cluster.days.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
                    "threshold_bodies": min_bodies,
                }),
                cases: cluster.docs.into_iter().take(CASES_KEPT).collect(),
            });
        }
    }
    Ok(firings)
}

pub(super) fn grade_share(
    tx: &mut dyn Tx,
    check: &Check,
    as_of: NaiveDate,
) -> Result<Vec<Firing>, ServerError> {
    let Check::GradeShare {
        by,
        grade,
        window_months,
        min_inspections,
        max_share,
        alpha,
    } = check
    else {
        unreachable!("dispatched by family")
    };
    let window = Window::ending(as_of, *window_months);
    let (unit, scope_kind, whose) = match by {
        Unit::District => ("district", "district", "本区县各执法主体"),
        Unit::Body => ("body", "body", "本主体"),
    };
    let mut firings = Vec::new();
    for row in tx.query(
        &format!(
            "SELECT {unit}, MAX(district), COUNT(*), CAST(SUM(CASE WHEN grade = $3 THEN 1 ELSE 0 END) AS BIGINT)
             FROM sv_inspection WHERE visited_on >= $1 AND visited_on <= $2 AND grade <> ''
             GROUP BY {unit}"
        ),
        &[
            window.from.as_str().into(),
            window.to.as_str().into(),
            grade.as_str().into(),
        ],
    )? {
        let (who, total, graded) = (row.text(0)?, row.int(2)?, row.int(3)?);
        let share = graded as f64 / total.max(1) as f64;
        let chance = binomial_tail(graded as u64, total as u64, *max_share);
        if total < *min_inspections as i64 || share <= *max_share || chance >= *alpha {
            continue;
        }
        let cases = tx
            .query(
                &format!(
                    "SELECT doc_id FROM sv_inspection
                     WHERE {unit} = $1 AND grade = $2 AND visited_on >= $3 AND visited_on <= $4
                     ORDER BY visited_on, doc_id"
                ),
                &[
                    who.as_str().into(),
                    grade.as_str().into(),
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
            district: row.text(1)?,
            body: if matches!(by, Unit::Body) { who } else { String::new() },
            period: window.period(),
            why: format!(
                "{}{whose}检查已评信用等级的企业 {total} 次，其中{grade}级企业 {graded} 次，占 {}，超过上限 {}\
                 （按上限计出现这么多的概率 {chance:.1e}）",
                window.zh(),
                percent(share),
                percent(*max_share),
            ),
            figures: json!({
                "window": window.period(),
                "grade": grade,
                "inspections": total,
                "graded": graded,
                "share": (share * 10_000.0).round() / 10_000.0,
                "threshold": max_share,
                "chance_at_threshold": chance,
            }),
            cases,
        });
    }
    Ok(firings)
}

/// Visits without the enterprise's verification, or with the officer's code refused, by
/// officer over the window.
pub(super) fn visits(
    tx: &mut dyn Tx,
    check: &Check,
    as_of: NaiveDate,
) -> Result<Vec<Firing>, ServerError> {
    let (window_months, grace_days, min_count, min_share, alpha, refused) = match check {
        Check::UnverifiedVisits {
            window_months,
            grace_days,
            min_count,
            min_share,
            alpha,
        } => (
            *window_months,
            *grace_days,
            *min_count,
            *min_share,
            *alpha,
            false,
        ),
        Check::RefusedCodes {
            window_months,
            min_count,
        } => (*window_months, 0, *min_count, 0.0, 1.0, true),
        _ => unreachable!("dispatched by family"),
    };
    let window = Window::ending(as_of, window_months);
    let until = (as_of - Duration::days(grace_days as i64)).to_string();
    let flagged = if refused {
        "v.code_refused = 1"
    } else {
        "v.verified = 0 AND v.code_refused = 0"
    };
    let rows = tx.query(
        &format!(
            "SELECT v.officer, v.body, v.district, COUNT(*), CAST(SUM(CASE WHEN {flagged} THEN 1 ELSE 0 END) AS BIGINT)
             FROM sv_visit v WHERE v.visited_on >= $1 AND v.visited_on <= $2
             GROUP BY v.officer, v.body, v.district"
        ),
        &[window.from.as_str().into(), until.as_str().into()],
    )?;
    let (all, all_flagged) = rows.iter().try_fold((0i64, 0i64), |(n, k), row| {
        Ok::<_, ServerError>((n + row.int(3)?, k + row.int(4)?))
    })?;
    // The city's own rate; the rule never fires on what is usual here.
    let base = all_flagged as f64 / all.max(1) as f64;
    let mut firings = Vec::new();
    for row in &rows {
        let (officer, body, total, count) = (row.text(0)?, row.text(1)?, row.int(3)?, row.int(4)?);
        let share = count as f64 / total.max(1) as f64;
        let chance = if refused {
            0.0
        } else {
            binomial_tail(count as u64, total as u64, base)
        };
        if count < min_count.max(1) as i64 || share < min_share || chance >= alpha {
            continue;
        }
        let visit_ids: Vec<String> = tx
            .query(
                &format!(
                    "SELECT v.visit_id FROM sv_visit v
                     WHERE v.body = $2 AND v.officer = $1 AND v.visited_on >= $3 AND v.visited_on <= $4 AND {flagged}
                     ORDER BY v.visited_on, v.visit_id"
                ),
                &[
                    officer.as_str().into(),
                    body.as_str().into(),
                    window.from.as_str().into(),
                    until.as_str().into(),
                ],
            )?
            .iter()
            .map(|r| r.text(0))
            .collect::<Result<_, _>>()?;
        // The inspection documents of those visits, matched here: `visit_id` has no index,
        // the body's inspections over the window do.
        let wanted: BTreeSet<&str> = visit_ids.iter().map(String::as_str).collect();
        let mut cases = Vec::new();
        for row in tx.query(
            "SELECT doc_id, visit_id FROM sv_inspection
             WHERE body = $1 AND visited_on >= $2 AND visited_on <= $3 ORDER BY visited_on, doc_id",
            &[
                body.as_str().into(),
                window.from.as_str().into(),
                window.to.as_str().into(),
            ],
        )? {
            if cases.len() < CASES_KEPT && wanted.contains(row.text(1)?.as_str()) {
                cases.push(row.text(0)?);
            }
        }
        let why = if refused {
            format!(
                "执法人员 {officer} {}入企检查 {total} 次，其中 {count} 次执法码被企业核验拒绝，达到阈值 {min_count} 次",
                window.zh()
            )
        } else {
            format!(
                "执法人员 {officer} {}入企检查 {total} 次，其中 {count} 次（{}）未经企业扫码核验，\
                 超过阈值（{min_count} 次且 {}），全市一般水平为 {}",
                window.zh(),
                percent(share),
                percent(min_share),
                percent(base),
            )
        };
        firings.push(Firing {
            scope_kind: "officer",
            scope: officer,
            // An officer lent to two bodies is judged for each.
            key: body.clone(),
            district: row.text(2)?,
            body,
            period: window.period(),
            why,
            figures: json!({
                "window": window.period(),
                "visits": total,
                "flagged": count,
                "share": round2(share),
                "city_rate": (base * 10_000.0).round() / 10_000.0,
                "chance_at_city_rate": chance,
                "threshold_count": min_count,
                "threshold_share": min_share,
                "visit_ids": visit_ids.into_iter().take(CASES_KEPT).collect::<Vec<_>>(),
            }),
            cases,
        });
    }
    Ok(firings)
}
