//! `sv_inspection` from an inspection: planned or not, the enterprise's credit grade, how far
//! the checklist went, and the day of its visit once the visit event is here.

use zhifa_core::inspections::task::{CheckResult, Inspection};

use super::sql::{count, date_param, flag};
use super::Projector;
use crate::error::ServerError;
use crate::storage::Tx;

impl Projector {
    /// Upserts the inspection's `sv_inspection` row.
    pub fn inspection(
        &self,
        tx: &mut dyn Tx,
        body: &str,
        inspection: &Inspection,
        now: i64,
    ) -> Result<(), ServerError> {
        let visit_id = inspection.visit_id.clone().unwrap_or_default();
        // The visit event may come before or after the document (`events` fills it in then).
        let visited_on = match visit_id.is_empty() {
            true => None,
            false => tx
                .query_opt(
                    "SELECT visited_on FROM sv_visit WHERE visit_id = $1",
                    &[visit_id.as_str().into()],
                )?
                .map(|r| r.text(0))
                .transpose()?,
        };
        let grade = (self.grades.get(&inspection.credit_code)).map_or("", |g| g.as_str());
        let checked = (inspection.checklist.iter())
            .filter(|e| e.result.is_some())
            .count();
        let findings = (inspection.checklist.iter())
            .filter(|e| e.result == Some(CheckResult::NonCompliant))
            .count();
        tx.execute(
            &format!(
                "INSERT INTO sv_inspection (doc_id, body, district, plan_id, planned, enterprise, grade,
                 division, officers, items, checked, findings, visit_id, visited_on, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, {}, $15)
                 ON CONFLICT (doc_id) DO UPDATE SET body = excluded.body, district = excluded.district,
                 plan_id = excluded.plan_id, planned = excluded.planned, enterprise = excluded.enterprise,
                 grade = excluded.grade, division = excluded.division, officers = excluded.officers,
                 items = excluded.items, checked = excluded.checked, findings = excluded.findings,
                 visit_id = excluded.visit_id, visited_on = excluded.visited_on,
                 updated_at = excluded.updated_at",
                date_param(14)
            ),
            &[
                inspection.id.as_str().into(),
                body.into(),
                self.district(body).into(),
                inspection.plan_id.as_str().into(),
                flag(!inspection.plan_id.trim().is_empty()),
                inspection.credit_code.as_str().into(),
                grade.into(),
                inspection.division.as_str().into(),
                inspection.officers.join(",").into(),
                count(inspection.checklist.len()),
                count(checked),
                count(findings),
                visit_id.as_str().into(),
                visited_on.unwrap_or_default().into(),
                now.into(),
            ],
        )?;
        Ok(())
    }
}

/// Drops a document's inspection row (it no longer reads as an inspection).
pub(super) fn forget(tx: &mut dyn Tx, id: &str) -> Result<(), ServerError> {
    tx.execute("DELETE FROM sv_inspection WHERE doc_id = $1", &[id.into()])?;
    Ok(())
}
