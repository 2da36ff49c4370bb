//! `reviews/samples` (draw), `reviews/samples/{id}` (the sample and its scores),
//! `reviews/samples/{id}/score`, `reviews/summary` and the review export, over
//! `supervision::review`. A sample is seen only by supervisors whose scope holds the sample's
//! scope; city, district and reviewer keys draw and score, and the draw is recorded with
//! `Supervisor::who`.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;

use super::auth::{require, Supervisor};
use super::cases::checked_date;
use super::columns::millis_zh;
use super::export::{self, Cell, Format, Table};
use super::reply::{blocking, parsed_json, row_json, Refused, Reply};
use crate::catalogue::CatalogueStore;
use crate::error::ServerError;
use crate::state::AppState;
use crate::storage::{transaction, Tx, Value};
use crate::supervision::review::{self, checklist, By, Over, Rate, Sample};
use crate::supervision::Scope;

/// Whether `inner` lies inside `outer`: the city holds all, a district its own bodies.
fn holds(catalogue: &CatalogueStore, outer: &Scope, inner: &Scope) -> Result<bool, ServerError> {
    Ok(match (outer, inner) {
        (Scope::City, _) => true,
        (Scope::District(d), Scope::District(e)) => d == e,
        (Scope::District(d), Scope::Body(b)) => catalogue
            .body(b)?
            .is_some_and(|body| body.division.starts_with(d.as_str())),
        (Scope::Body(b), Scope::Body(c)) => b == c,
        _ => false,
    })
}

/// The sample `id` if the supervisor may see it.
pub(super) fn visible_sample(
    tx: &mut dyn Tx,
    catalogue: &CatalogueStore,
    who: &Supervisor,
    id: &str,
) -> Result<Option<Sample>, ServerError> {
    let Some(sample) = review::sample::sample(tx, id)? else {
        return Ok(None);
    };
    let inside = Scope::parse(&sample.scope)
        .is_some_and(|scope| holds(catalogue, &who.scope, &scope).unwrap_or(false));
    Ok(inside.then_some(sample))
}

#[derive(Debug, Deserialize)]
pub struct DrawBody {
    pub from: String,
    pub to: String,
    /// `all`, `10%` or `10`.
    pub rate: String,
    /// Recorded with the sample; random when not given.
    pub seed: Option<u64>,
    /// A narrower scope than the key's (`Scope::stored`); the key's when not given.
    pub scope: Option<String>,
}

fn date(text: &str) -> Result<NaiveDate, Refused> {
    checked_date(text)?
        .parse()
        .map_err(|_| Refused::bad_request(format!("日期“{text}”格式应为 YYYY-MM-DD")))
}

/// `POST /v1/supervision/reviews/samples`: draws and records a sample.
pub async fn draw(
    State(state): State<AppState>,
    Extension(who): Extension<Supervisor>,
    Json(body): Json<DrawBody>,
) -> Reply {
    require(who.role.reviews(), "抽取评查样本")?;
    let rate = Rate::parse(&body.rate)
        .ok_or_else(|| Refused::bad_request("抽样比例应为 all 或 1–100 的百分数"))?;
    let period = (date(&body.from)?, date(&body.to)?);
    let scope = match body.scope.as_deref() {
        None => who.scope.clone(),
        Some(text) => {
            Scope::parse(text).ok_or_else(|| Refused::bad_request(format!("范围“{text}”无效")))?
        }
    };
    let seed = body
        .seed
        .unwrap_or_else(|| rand_core::RngCore::next_u64(&mut rand_core::OsRng) >> 1);
    let sample = blocking(move || {
        if !holds(&state.catalogue, &who.scope, &scope)? {
            return Err(Refused::forbidden("只能在您的监督范围内抽取评查样本"));
        }
        Ok(review::draw(
            state.db.as_ref(),
            &scope,
            period,
            rate,
            seed,
            &who.who(),
        )?)
    })
    .await?;
    Ok(Json(json!({ "sample": sample })).into_response())
}

/// The reviews recorded for a sample, within the scope.
fn scores(tx: &mut dyn Tx, scope: &Scope, id: &str) -> Result<Vec<serde_json::Value>, ServerError> {
    let mut sql = "SELECT r.doc_id, c.case_number, r.body, r.score, r.defects, r.details, r.reviewer, r.reviewed_at
         FROM sv_review r JOIN sv_case c ON c.doc_id = r.doc_id WHERE r.sample_id = $1"
        .to_owned();
    let mut params: Vec<Value> = vec![id.into()];
    if let Some((clause, value)) = scope.condition("c", 2) {
        sql.push_str(&format!(" AND {clause}"));
        params.push(value);
    }
    sql.push_str(" ORDER BY r.doc_id");
    let names = [
        "doc_id",
        "case_number",
        "body",
        "score",
        "defects",
        "details",
        "reviewer",
        "reviewed_at",
    ];
    Ok(tx
        .query(&sql, &params)?
        .iter()
        .map(|row| {
            let mut review = row_json(&names, row);
            for field in ["defects", "details"] {
                let parsed = parsed_json(review[field].as_str().unwrap_or("[]"));
                review[field] = parsed;
            }
            review
        })
        .collect())
}

/// `GET /v1/supervision/reviews/samples/{id}`: the sample and each case's score.
pub async fn sample(
    State(state): State<AppState>,
    Extension(who): Extension<Supervisor>,
    Path(id): Path<String>,
) -> Reply {
    let found = blocking(move || {
        let found = transaction(state.db.as_ref(), |tx| {
            let Some(sample) = visible_sample(tx, &state.catalogue, &who, &id)? else {
                return Ok(None);
            };
            let reviews = scores(tx, &who.scope, &id)?;
            Ok(Some((sample, reviews)))
        })?;
        let Some((sample, reviews)) = found else {
            return Ok(None);
        };
        // The drawn cases' index rows, named, so the sample reads as a list of cases.
        let cases = super::cases::rows_of(&state, &who.scope, &sample.cases)?;
        Ok(Some(
            json!({ "sample": sample, "reviews": reviews, "cases": cases }),
        ))
    })
    .await?;
    found
        .map(|detail| Json(detail).into_response())
        .ok_or_else(Refused::not_found)
}

/// `POST /v1/supervision/reviews/samples/{id}/score`: scores every drawn case.
pub async fn score(
    State(state): State<AppState>,
    Extension(who): Extension<Supervisor>,
    Path(id): Path<String>,
) -> Reply {
    require(who.role.reviews(), "评查打分")?;
    let report = blocking(move || {
        let visible = transaction(state.db.as_ref(), |tx| {
            visible_sample(tx, &state.catalogue, &who, &id)
        })?;
        if visible.is_none() {
            return Err(Refused::not_found());
        }
        Ok(review::score_sample(
            state.db.as_ref(),
            &state.catalogue,
            &id,
            &who.who(),
        )?)
    })
    .await?;
    Ok(Json(json!({ "report": report })).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct SummaryParams {
    /// body (default) or officer.
    pub by: Option<String>,
    pub sample: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

fn over_of(params: &SummaryParams) -> Result<Over, Refused> {
    match (&params.sample, &params.from, &params.to) {
        (Some(sample), _, _) => Ok(Over::Sample(sample.clone())),
        (None, Some(from), Some(to)) => Ok(Over::Period(date(from)?, date(to)?)),
        _ => Err(Refused::bad_request("请指明 sample，或 from 与 to")),
    }
}

/// `GET /v1/supervision/reviews/summary?by=body|officer&sample=…` (or `from`/`to`).
pub async fn summary(
    State(state): State<AppState>,
    Extension(who): Extension<Supervisor>,
    Query(params): Query<SummaryParams>,
) -> Reply {
    let by = match params.by.as_deref().unwrap_or("body") {
        "body" => By::Body,
        "officer" => By::Officer,
        _ => return Err(Refused::bad_request("by 只能是 body 或 officer")),
    };
    let over = over_of(&params)?;
    let figures = blocking(move || {
        let figures = transaction(state.db.as_ref(), |tx| {
            review::summary(tx, &who.scope, by, &over)
        })?;
        // Each key's name beside it, as the console shows it.
        let mut names = super::names::Lookup::new(&state.catalogue);
        figures
            .into_iter()
            .map(|figure| {
                let label_zh = match by {
                    By::Body => names.body(&figure.key)?,
                    By::Officer => names.officer(&figure.key)?,
                };
                let mut json = serde_json::to_value(figure).unwrap_or_default();
                json["label_zh"] = label_zh.into();
                Ok(json)
            })
            .collect::<Result<Vec<_>, Refused>>()
    })
    .await?;
    let items: Vec<_> = checklist::ITEMS
        .iter()
        .map(|i| json!({ "code": i.code, "name_zh": i.name_zh, "points": i.points }))
        .collect();
    Ok(Json(json!({ "figures": figures, "items": items })).into_response())
}

/// The defects' item names, joined, from the stored JSON array of codes.
fn defects_zh(stored: &str) -> String {
    let codes: Vec<String> = serde_json::from_str(stored).unwrap_or_default();
    codes
        .iter()
        .map(|code| checklist::item_of(code).map_or(code.as_str(), |item| item.name_zh))
        .collect::<Vec<_>>()
        .join("；")
}

/// Every review of one sample (`sample=`) within the scope, as an export table.
fn table(state: &AppState, who: &Supervisor, params: &SummaryParams) -> Result<Table, Refused> {
    let Some(id) = params.sample.clone() else {
        return Err(Refused::bad_request("导出评查结果请指明 sample"));
    };
    let reviews = transaction(state.db.as_ref(), |tx| {
        if visible_sample(tx, &state.catalogue, who, &id)?.is_none() {
            return Ok(None);
        }
        scores(tx, &who.scope, &id).map(Some)
    })?
    .ok_or_else(Refused::not_found)?;
    export::check_size(reviews.len())?;
    let text = |v: &serde_json::Value| Cell::from(v.as_str().unwrap_or_default());
    let rows = reviews
        .iter()
        .map(|r| {
            vec![
                Cell::from(id.as_str()),
                text(&r["doc_id"]),
                text(&r["case_number"]),
                text(&r["body"]),
                Cell::Int(r["score"].as_i64().unwrap_or(0)),
                Cell::from(defects_zh(&r["defects"].to_string())),
                text(&r["reviewer"]),
                Cell::from(millis_zh(r["reviewed_at"].as_i64().unwrap_or(0))),
            ]
        })
        .collect();
    let headers = [
        "评查样本",
        "案件文档编号",
        "案号",
        "执法机关",
        "得分",
        "问题",
        "评查人",
        "评查时间",
    ];
    Ok(Table {
        sheet_zh: "案卷评查".into(),
        headers: headers.iter().map(|h| (*h).to_owned()).collect(),
        rows,
    })
}

/// The review export in `format`.
pub async fn export(
    state: AppState,
    who: Supervisor,
    params: SummaryParams,
    format: Format,
) -> Result<Response, Refused> {
    blocking(move || export::download(&table(&state, &who, &params)?, "reviews", format)).await
}
