//! One drawn case's scoring form (案卷评查表): `GET reviews/samples/{id}/cases/{doc}` gives
//! the checklist, the core's automatic findings for the case now and the review recorded;
//! `POST` the same path records the reviewer's own deductions and notes per item, replacing
//! the case's review in the sample. The sample must be visible to the supervisor and the case
//! drawn in it and inside the scope; only roles that review may record.

use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::{Extension, Json};
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;
use zhifa_core::calendar::beijing_date;

use super::auth::{require, Supervisor};
use super::reply::{blocking, parsed_json, Refused, Reply};
use super::reviews::visible_sample;
use crate::error::ServerError;
use crate::state::AppState;
use crate::storage::{transaction, Tx, Value};
use crate::supervision::review::{self, checklist, Defect, Reference};
use crate::supervision::Scope;

/// A reviewer's note on one item at most this many characters.
const MAX_NOTE: usize = 500;

/// The case's body when `doc` is drawn in the sample and inside the scope.
fn drawn_case(
    tx: &mut dyn Tx,
    scope: &Scope,
    sample: &str,
    doc: &str,
) -> Result<Option<String>, ServerError> {
    let mut sql = "SELECT c.body FROM sv_review_case s JOIN sv_case c ON c.doc_id = s.doc_id
         WHERE s.sample_id = $1 AND s.doc_id = $2"
        .to_owned();
    let mut params: Vec<Value> = vec![sample.into(), doc.into()];
    if let Some((clause, value)) = scope.condition("c", 3) {
        sql.push_str(&format!(" AND {clause}"));
        params.push(value);
    }
    tx.query_opt(&sql, &params)?
        .map(|row| row.text(0))
        .transpose()
}

fn recorded(tx: &mut dyn Tx, sample: &str, doc: &str) -> Result<serde_json::Value, ServerError> {
    let row = tx.query_opt(
        "SELECT score, details, reviewer, reviewed_at FROM sv_review
         WHERE sample_id = $1 AND doc_id = $2",
        &[sample.into(), doc.into()],
    )?;
    let Some(row) = row else {
        return Ok(serde_json::Value::Null);
    };
    Ok(json!({
        "score": row.int(0)?,
        "details": parsed_json(&row.text(1)?),
        "reviewer": row.text(2)?,
        "reviewed_at": row.int(3)?,
    }))
}

/// `GET /v1/supervision/reviews/samples/{id}/cases/{doc}`.
pub async fn form(
    State(state): State<AppState>,
    Extension(who): Extension<Supervisor>,
    Path((id, doc)): Path<(String, String)>,
) -> Reply {
    let found = blocking(move || {
        let mut reference = Reference::load(&state.catalogue)?;
        let today = beijing_date(Utc::now());
        Ok(transaction(state.db.as_ref(), |tx| {
            if visible_sample(tx, &state.catalogue, &who, &id)?.is_none()
                || drawn_case(tx, &who.scope, &id, &doc)?.is_none()
            {
                return Ok(None);
            }
            let automatic = match review::read_case(tx, &doc)? {
                Some(case) => {
                    serde_json::to_value(reference.review(&case, today)?).unwrap_or_default()
                }
                None => serde_json::Value::Null,
            };
            Ok(Some(json!({
                "items": checklist::ITEMS,
                "automatic": automatic,
                "review": recorded(tx, &id, &doc)?,
            })))
        })?)
    })
    .await?;
    found
        .map(|form| Json(form).into_response())
        .ok_or_else(Refused::not_found)
}

/// One item as the reviewer scored it: the points deducted and a note.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemScore {
    pub code: String,
    pub points: i64,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormBody {
    pub items: Vec<ItemScore>,
}

/// The deductions checked: known items, each once, points within 0 and 100, short notes.
fn defects(body: &FormBody) -> Result<Vec<Defect>, Refused> {
    if body.items.len() > checklist::ITEMS.len() {
        return Err(Refused::bad_request("评查项目过多"));
    }
    let mut found: Vec<Defect> = Vec::new();
    for item in &body.items {
        let Some(known) = checklist::item_of(&item.code) else {
            return Err(Refused::bad_request("评查项目不在评查表中"));
        };
        if found.iter().any(|d| d.code == item.code) {
            return Err(Refused::bad_request(format!(
                "评查项目“{}”重复",
                known.name_zh
            )));
        }
        if !(0..=100).contains(&item.points) {
            return Err(Refused::bad_request(format!(
                "“{}”的扣分应在 0 到 100 之间",
                known.name_zh
            )));
        }
        let note = item.note.trim();
        if note.chars().count() > MAX_NOTE {
            return Err(Refused::bad_request(format!(
                "“{}”的评查意见不能超过 {MAX_NOTE} 字",
                known.name_zh
            )));
        }
        if item.points > 0 || !note.is_empty() {
            found.push(Defect {
                code: item.code.clone(),
                text: note.to_owned(),
                points: item.points,
            });
        }
    }
    Ok(found)
}

/// `POST /v1/supervision/reviews/samples/{id}/cases/{doc}` `{items: [{code, points, note}]}`.
pub async fn record(
    State(state): State<AppState>,
    Extension(who): Extension<Supervisor>,
    Path((id, doc)): Path<(String, String)>,
    Json(body): Json<FormBody>,
) -> Reply {
    require(who.role.reviews(), "评查打分")?;
    let found = defects(&body)?;
    let lost: i64 = found.iter().map(|d| d.points).sum();
    let score = (100 - lost).max(0);
    let saved = blocking(move || {
        Ok(transaction(state.db.as_ref(), |tx| {
            if visible_sample(tx, &state.catalogue, &who, &id)?.is_none() {
                return Ok(None);
            }
            let Some(case_body) = drawn_case(tx, &who.scope, &id, &doc)? else {
                return Ok(None);
            };
            let codes: Vec<&str> = found
                .iter()
                .filter(|d| d.points > 0)
                .map(|d| d.code.as_str())
                .collect();
            let json_text = |v: serde_json::Value| v.to_string();
            tx.execute(
                "INSERT INTO sv_review (sample_id, doc_id, body, score, defects, reviewer, reviewed_at, details)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (sample_id, doc_id) DO UPDATE SET body = excluded.body,
                     score = excluded.score, defects = excluded.defects,
                     reviewer = excluded.reviewer, reviewed_at = excluded.reviewed_at,
                     details = excluded.details",
                &[
                    id.clone().into(),
                    doc.clone().into(),
                    case_body.into(),
                    score.into(),
                    json_text(json!(codes)).into(),
                    who.who().into(),
                    Utc::now().timestamp_millis().into(),
                    json_text(json!(found)).into(),
                ],
            )?;
            recorded(tx, &id, &doc).map(Some)
        })?)
    })
    .await?;
    saved
        .map(|review| Json(json!({ "review": review })).into_response())
        .ok_or_else(Refused::not_found)
}
