//! Review figures by body or by acting officer: cases reviewed, mean score, defects by item,
//! over one sample or over every review of the cases decided in a period (a case reviewed in
//! several samples counts once, by its latest review), and one sample's reviews case by case.
//! Scoped in SQL through `sv_case`.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::Serialize;

use super::checklist::Defect;
use crate::error::ServerError;
use crate::storage::{Tx, Value};
use crate::supervision::Scope;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Body,
    /// Each acting officer of the case (a case counts for each of them).
    Officer,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Over {
    Sample(String),
    /// Cases decided from, to (inclusive).
    Period(NaiveDate, NaiveDate),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewFigure {
    /// The body id or the officer's credential number.
    pub key: String,
    pub cases: i64,
    pub mean_score: f64,
    /// Defects found, by checklist item code.
    pub defects_by_code: BTreeMap<String, i64>,
}

/// One reviewed case for one key.
struct Reviewed {
    score: i64,
    defects: Vec<String>,
    reviewed_at: i64,
}

pub fn summary(
    tx: &mut dyn Tx,
    scope: &Scope,
    by: By,
    over: &Over,
) -> Result<Vec<ReviewFigure>, ServerError> {
    let (key, join) = match by {
        By::Body => ("r.body", ""),
        By::Officer => (
            "o.credential_no",
            " JOIN sv_case_officer o ON o.doc_id = r.doc_id AND o.acting = 1",
        ),
    };
    let mut sql = format!(
        "SELECT {key}, r.doc_id, r.score, r.defects, r.reviewed_at
         FROM sv_review r JOIN sv_case c ON c.doc_id = r.doc_id{join} WHERE "
    );
    let mut params: Vec<Value> = Vec::new();
    match over {
        Over::Sample(id) => {
            sql.push_str("r.sample_id = $1");
            params.push(id.into());
        }
        Over::Period(from, to) => {
            sql.push_str("c.decided_on >= $1 AND c.decided_on <= $2");
            params.extend([from.to_string().into(), to.to_string().into()]);
        }
    }
    if let Some((condition, value)) = scope.condition("c", params.len() + 1) {
        sql.push_str(" AND ");
        sql.push_str(&condition);
        params.push(value);
    }
    // The latest review of each case, per key.
    let mut latest: HashMap<(String, String), Reviewed> = HashMap::new();
    for row in tx.query(&sql, &params)? {
        let reviewed = Reviewed {
            score: row.int(2)?,
            defects: serde_json::from_str(&row.text(3)?).map_err(|_| ServerError::Decode)?,
            reviewed_at: row.int(4)?,
        };
        let slot = (row.text(0)?, row.text(1)?);
        match latest.get(&slot) {
            Some(kept) if kept.reviewed_at >= reviewed.reviewed_at => {}
            _ => {
                latest.insert(slot, reviewed);
            }
        }
    }
    let mut figures: BTreeMap<String, (i64, i64, BTreeMap<String, i64>)> = BTreeMap::new();
    for ((key, _), reviewed) in latest {
        let (cases, total, defects) = figures.entry(key).or_default();
        *cases += 1;
        *total += reviewed.score;
        for code in reviewed.defects {
            *defects.entry(code).or_default() += 1;
        }
    }
    Ok(figures
        .into_iter()
        .map(|(key, (cases, total, defects_by_code))| ReviewFigure {
            key,
            cases,
            mean_score: total as f64 / cases as f64,
            defects_by_code,
        })
        .collect())
}

/// One case's review, as a supervisor drills down to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseReview {
    pub doc_id: String,
    pub case_number: String,
    pub body: String,
    pub score: i64,
    pub defects: Vec<Defect>,
    pub reviewer: String,
    pub reviewed_at: i64,
}

/// The reviews of sample `sample_id` inside `scope`, lowest score first.
pub fn reviews(
    tx: &mut dyn Tx,
    scope: &Scope,
    sample_id: &str,
) -> Result<Vec<CaseReview>, ServerError> {
    let mut sql = "SELECT r.doc_id, c.case_number, r.body, r.score, r.details, r.reviewer,
                r.reviewed_at
         FROM sv_review r JOIN sv_case c ON c.doc_id = r.doc_id WHERE r.sample_id = $1"
        .to_owned();
    let mut params: Vec<Value> = vec![sample_id.into()];
    if let Some((condition, value)) = scope.condition("c", 2) {
        sql.push_str(" AND ");
        sql.push_str(&condition);
        params.push(value);
    }
    sql.push_str(" ORDER BY r.score, r.doc_id");
    tx.query(&sql, &params)?
        .iter()
        .map(|row| {
            Ok(CaseReview {
                doc_id: row.text(0)?,
                case_number: row.text(1)?,
                body: row.text(2)?,
                score: row.int(3)?,
                defects: serde_json::from_str(&row.text(4)?).map_err(|_| ServerError::Decode)?,
                reviewer: row.text(5)?,
                reviewed_at: row.int(6)?,
            })
        })
        .collect()
}
