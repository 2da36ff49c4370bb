//! Inspections: an enterprise visited by several bodies within days (against 综合查一次),
//! A-grade enterprises inspected too often, visits without the enterprise's verification and
//! officers' codes refused (两码互核).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate};
use serde_json::json;

use super::{month_of_text, month_text, month_zh, percent, round2, Firing, Window, CASES_KEPT};
use crate::error::ServerError;
use crate::storage::Tx;
use crate::supervision::warnings::rules::Check;

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
        grade,
        window_months,
        min_inspections,
        max_share,
    } = check
    else {
        unreachable!("dispatched by family")
    };
    let window = Window::ending(as_of, *window_months);
    let mut firings = Vec::new();
    for row in tx.query(
        "SELECT body, district, COUNT(*), CAST(SUM(CASE WHEN grade = $3 THEN 1 ELSE 0 END) AS BIGINT)
         FROM sv_inspection WHERE visited_on >= $1 AND visited_on <= $2 AND grade <> ''
         GROUP BY body, district",
        &[
            window.from.as_str().into(),
            window.to.as_str().into(),
            grade.as_str().into(),
        ],
    )? {
        let (body, total, graded) = (row.text(0)?, row.int(2)?, row.int(3)?);
        let share = graded as f64 / total.max(1) as f64;
        if total < *min_inspections as i64 || share <= *max_share {
            continue;
        }
        let cases = tx
            .query(
                "SELECT doc_id FROM sv_inspection
                 WHERE body = $1 AND grade = $2 AND visited_on >= $3 AND visited_on <= $4
                 ORDER BY visited_on, doc_id",
                &[
                    body.as_str().into(),
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
            scope_kind: "body",
            scope: body.clone(),
            key: String::new(),
            district: row.text(1)?,
            body,
            period: window.period(),
            why: format!(
                "{}检查已评信用等级的企业 {total} 次，其中{grade}级企业 {graded} 次，占 {}，超过上限 {}",
                window.zh(),
                percent(share),
                percent(*max_share),
            ),
            figures: json!({
                "window": window.period(),
                "grade": grade,
                "inspections": total,
                "graded": graded,
                "share": round2(share * 100.0) / 100.0,
                "threshold": max_share,
            }),
            cases,
        });
    }
    Ok(firings)
}

/// Visits without the enterprise's verification, or with the officer's code refused, by
/// officer and month.
pub(super) fn visits(
    tx: &mut dyn Tx,
    check: &Check,
    as_of: NaiveDate,
) -> Result<Vec<Firing>, ServerError> {
    let (window_months, grace_days, min_count, min_share, refused) = match check {
        Check::UnverifiedVisits {
            window_months,
            grace_days,
            min_count,
            min_share,
        } => (*window_months, *grace_days, *min_count, *min_share, false),
        Check::RefusedCodes {
            window_months,
            min_count,
        } => (*window_months, 0, *min_count, 0.0, true),
        _ => unreachable!("dispatched by family"),
    };
    let window = Window::ending(as_of, window_months);
    let until = (as_of - Duration::days(grace_days as i64)).to_string();
    let flagged = if refused {
        "v.code_refused = 1"
    } else {
        "v.verified = 0 AND v.code_refused = 0"
    };
    let sql = format!(
        "SELECT v.officer, v.body, v.district, substr(v.visited_on, 1, 7), COUNT(*),
                CAST(SUM(CASE WHEN {flagged} THEN 1 ELSE 0 END) AS BIGINT)
         FROM sv_visit v WHERE v.visited_on >= $1 AND v.visited_on <= $2
         GROUP BY v.officer, v.body, v.district, substr(v.visited_on, 1, 7)"
    );
    let mut firings = Vec::new();
    for row in tx.query(&sql, &[window.from.as_str().into(), until.as_str().into()])? {
        let (officer, month_text_, total, count) =
            (row.text(0)?, row.text(3)?, row.int(4)?, row.int(5)?);
        let share = count as f64 / total.max(1) as f64;
        let Some(month) = month_of_text(&month_text_) else {
            continue;
        };
        if count < min_count as i64 || count == 0 || share < min_share {
            continue;
        }
        let listed = tx.query(
            &format!(
                "SELECT v.visit_id, COALESCE(i.doc_id, '') FROM sv_visit v
                 LEFT JOIN sv_inspection i ON i.visit_id = v.visit_id
                 WHERE v.officer = $1 AND v.body = $2 AND v.visited_on >= $3 AND v.visited_on <= $4 AND {flagged}
                 ORDER BY v.visited_on, v.visit_id"
            ),
            &[
                officer.as_str().into(),
                row.text(1)?.into(),
                format!("{month_text_}-01").into(),
                format!("{month_text_}-31").min(until.clone()).into(),
            ],
        )?;
        let visit_ids: Vec<String> = listed.iter().map(|r| r.text(0)).collect::<Result<_, _>>()?;
        let cases: Vec<String> = listed
            .iter()
            .map(|r| r.text(1))
            .filter(|d| d.as_ref().map_or(true, |d| !d.is_empty()))
            .take(CASES_KEPT)
            .collect::<Result<_, _>>()?;
        let why = if refused {
            format!(
                "执法人员 {officer} {}入企检查 {total} 次，其中 {count} 次执法码被企业核验拒绝，达到阈值 {min_count} 次",
                month_zh(month)
            )
        } else {
            format!(
                "执法人员 {officer} {}入企检查 {total} 次，其中 {count} 次（{}）未经企业扫码核验，\
                 超过阈值（{min_count} 次且 {}）",
                month_zh(month),
                percent(share),
                percent(min_share),
            )
        };
        firings.push(Firing {
            scope_kind: "officer",
            scope: officer,
            // An officer lent to two bodies in a month is judged for each.
            key: row.text(1)?,
            district: row.text(2)?,
            body: row.text(1)?,
            period: month_text(month),
            why,
            figures: json!({
                "month": month_text(month),
                "visits": total,
                "flagged": count,
                "share": round2(share),
                "threshold_count": min_count,
                "threshold_share": min_share,
                "visit_ids": visit_ids.into_iter().take(CASES_KEPT).collect::<Vec<_>>(),
            }),
            cases,
        });
    }
    Ok(firings)
}
