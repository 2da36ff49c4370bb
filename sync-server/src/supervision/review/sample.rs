//! Drawing a review sample and scoring it. A sample is drawn from the decided or closed cases
//! of a scope and period (`sv_case`), at a rate or all of them, shuffled by a recorded seed
//! (`zhifa_core::random::SeededRng`): anyone holding the seed and the population re-draws the
//! same cases (`pick`). The sample (seed, rate, who, when) and the cases it drew are recorded
//! when drawn, so scoring later reads the same cases however the index moved since.

use chrono::{NaiveDate, Utc};
use serde::Serialize;
use sha2::{Digest as _, Sha256};
use zhifa_core::calendar::beijing_date;
use zhifa_core::cases::CaseDoc;
use zhifa_core::random::SeededRng;
use zhifa_core::sync::DocKind;

use super::reference::Reference;
use crate::catalogue::CatalogueStore;
use crate::docs;
use crate::error::ServerError;
use crate::storage::{transaction, Database, Tx, Value};
use crate::supervision::Scope;

/// How much of the population a sample takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rate {
    All,
    /// 1–100 % of the cases, rounded up (a non-empty population gives at least one).
    Percent(u32),
}

impl Rate {
    /// `all`, `10%` or `10`.
    pub fn parse(text: &str) -> Option<Rate> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("all") {
            return Some(Rate::All);
        }
        let percent: u32 = text.strip_suffix('%').unwrap_or(text).parse().ok()?;
        match percent {
            100 => Some(Rate::All),
            1..=99 => Some(Rate::Percent(percent)),
            _ => None,
        }
    }

    pub fn stored(self) -> String {
        match self {
            Rate::All => "all".into(),
            Rate::Percent(p) => format!("{p}%"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sample {
    pub id: String,
    /// `Scope::stored`.
    pub scope: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub seed: u64,
    pub rate: String,
    /// Case document ids, sorted.
    pub cases: Vec<String>,
    pub drawn_by: String,
    pub drawn_at: i64,
}

/// What scoring a sample did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScoreReport {
    pub sample_id: String,
    pub scored: usize,
    /// Drawn documents that are gone or do not read as a case (logged, never scored).
    pub skipped: Vec<String>,
}

/// The cases `seed` draws from `population` (any order) at `rate`, sorted.
pub fn pick(population: &[String], rate: Rate, seed: u64) -> Vec<String> {
    let mut cases = population.to_vec();
    cases.sort();
    let take = match rate {
        Rate::All => cases.len(),
        Rate::Percent(p) => (cases.len() * p as usize).div_ceil(100),
    };
    SeededRng::new(seed).shuffle(&mut cases);
    cases.truncate(take);
    cases.sort();
    cases
}

/// Draws and records a sample of the cases of `scope` decided from `from` to `to`.
pub fn draw(
    db: &dyn Database,
    scope: &Scope,
    (from, to): (NaiveDate, NaiveDate),
    rate: Rate,
    seed: u64,
    by: &str,
) -> Result<Sample, ServerError> {
    if from > to {
        return Err(ServerError::BadRequest(
            "评查期间的起始日期晚于截止日期".into(),
        ));
    }
    let drawn_at = Utc::now().timestamp_millis();
    transaction(db, |tx| {
        let population = population(tx, scope, from, to)?;
        let cases = pick(&population, rate, seed);
        let period = format!("{from}..{to}");
        let id = sample_id(&scope.stored(), &period, seed, rate, by, drawn_at);
        tx.execute(
            "INSERT INTO sv_review_sample (id, scope, period, seed, rate, drawn, drawn_by, drawn_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                id.clone().into(),
                scope.stored().into(),
                period.into(),
                (seed as i64).into(),
                rate.stored().into(),
                (cases.len() as i64).into(),
                by.into(),
                drawn_at.into(),
            ],
        )?;
        for doc_id in &cases {
            tx.execute(
                "INSERT INTO sv_review_case (sample_id, doc_id) VALUES ($1, $2)",
                &[id.clone().into(), doc_id.into()],
            )?;
        }
        Ok(Sample {
            id,
            scope: scope.stored(),
            from,
            to,
            seed,
            rate: rate.stored(),
            cases,
            drawn_by: by.to_owned(),
            drawn_at,
        })
    })
}

/// The decided or closed cases of `scope` decided in the period.
fn population(
    tx: &mut dyn Tx,
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<String>, ServerError> {
    let mut sql = "SELECT doc_id FROM sv_case
         WHERE status IN ('decided', 'served', 'executed', 'closed')
           AND decided_on >= $1 AND decided_on <= $2"
        .to_owned();
    let mut params: Vec<Value> = vec![from.to_string().into(), to.to_string().into()];
    if let Some((condition, value)) = scope.condition("", 3) {
        sql.push_str(" AND ");
        sql.push_str(&condition);
        params.push(value);
    }
    sql.push_str(" ORDER BY doc_id");
    tx.query(&sql, &params)?
        .iter()
        .map(|row| row.text(0))
        .collect()
}

fn sample_id(scope: &str, period: &str, seed: u64, rate: Rate, by: &str, at: i64) -> String {
    let mut hash = Sha256::new();
    for part in [
        scope,
        period,
        &seed.to_string(),
        &rate.stored(),
        by,
        &at.to_string(),
    ] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    format!("rs-{}", &hex::encode(hash.finalize())[..16])
}

/// The recorded sample `id`, with its cases; None when there is no such sample.
pub fn sample(tx: &mut dyn Tx, id: &str) -> Result<Option<Sample>, ServerError> {
    let Some(row) = tx.query_opt(
        "SELECT scope, period, seed, rate, drawn_by, drawn_at FROM sv_review_sample WHERE id = $1",
        &[id.into()],
    )?
    else {
        return Ok(None);
    };
    let period = row.text(1)?;
    let (from, to) = period.split_once("..").ok_or(ServerError::Decode)?;
    let date = |text: &str| text.parse::<NaiveDate>().map_err(|_| ServerError::Decode);
    let cases = tx
        .query(
            "SELECT doc_id FROM sv_review_case WHERE sample_id = $1 ORDER BY doc_id",
            &[id.into()],
        )?
        .iter()
        .map(|r| r.text(0))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(Sample {
        id: id.to_owned(),
        scope: row.text(0)?,
        from: date(from)?,
        to: date(to)?,
        seed: row.int(2)? as u64,
        rate: row.text(3)?,
        cases,
        drawn_by: row.text(4)?,
        drawn_at: row.int(5)?,
    }))
}

/// Scores each case the sample drew against the checklist and writes its `sv_review` row
/// (scoring again replaces the rows). A drawn document that is gone or does not read as a
/// case is skipped and logged.
pub fn score_sample(
    db: &dyn Database,
    catalogue: &CatalogueStore,
    sample_id: &str,
    reviewer: &str,
) -> Result<ScoreReport, ServerError> {
    let drawn = transaction(db, |tx| sample(tx, sample_id))?
        .ok_or_else(|| ServerError::BadRequest(format!("没有编号为{sample_id}的评查样本")))?;
    let mut reference = Reference::load(catalogue)?;
    let today = beijing_date(Utc::now());
    let mut report = ScoreReport {
        sample_id: sample_id.to_owned(),
        scored: 0,
        skipped: Vec::new(),
    };
    for doc_id in &drawn.cases {
        let scored = transaction(db, |tx| {
            let Some(case) = read_case(tx, doc_id)? else {
                return Ok(false);
            };
            let card = reference.review(&case, today)?;
            let body = tx
                .query_opt(
                    "SELECT body FROM sv_case WHERE doc_id = $1",
                    &[doc_id.into()],
                )?
                .map(|r| r.text(0))
                .transpose()?
                .unwrap_or_default();
            let codes: Vec<&str> = card.defects.iter().map(|d| d.code.as_str()).collect();
            tx.execute(
                "INSERT INTO sv_review (sample_id, doc_id, body, score, defects, reviewer, reviewed_at, details)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (sample_id, doc_id) DO UPDATE SET body = excluded.body,
                     score = excluded.score, defects = excluded.defects,
                     reviewer = excluded.reviewer, reviewed_at = excluded.reviewed_at,
                     details = excluded.details",
                &[
                    sample_id.into(),
                    doc_id.into(),
                    body.into(),
                    card.score.into(),
                    json(&codes).into(),
                    reviewer.into(),
                    Utc::now().timestamp_millis().into(),
                    json(&card.defects).into(),
                ],
            )?;
            Ok(true)
        })?;
        if scored {
            report.scored += 1;
        } else {
            tracing::warn!(doc = %doc_id, "review: drawn document is not a readable case, skipped");
            report.skipped.push(doc_id.clone());
        }
    }
    Ok(report)
}

/// The stored case document `id` read as a case file; None when it is gone, not a case, does
/// not read as one, or is another case's (a hostile or broken document never fails the
/// review; the index skips the same documents).
pub fn read_case(
    tx: &mut dyn Tx,
    id: &str,
) -> Result<Option<zhifa_core::cases::CaseFile>, ServerError> {
    let stored = match docs::stored(tx, id) {
        Ok(Some(stored)) if stored.kind == DocKind::Case => stored,
        Ok(_) | Err(ServerError::Decode) => return Ok(None),
        Err(error) => return Err(error),
    };
    Ok(CaseDoc::from_automerge(stored.doc)
        .and_then(|doc| doc.read())
        .ok()
        .filter(|case| case.id == id))
}

fn json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).expect("review records serialise")
}
