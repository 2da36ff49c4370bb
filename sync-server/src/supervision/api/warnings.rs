//! `warnings`, `warnings/{id}`, the four lifecycle steps and the opinion (监督意见书), over
//! `supervision::warnings`, every call inside the supervisor's scope. Only city and district
//! supervisors take steps; each is recorded with `Supervisor::who` and the time.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::json;
use zhifa_core::sync::protocol::ErrorCode;

use super::auth::{require, Supervisor};
use super::cases::MAX_PAGE;
use super::export::{self, Cell, Format, Table};
use super::names;
use super::reply::{blocking, Refused, Reply};
use crate::state::AppState;
use crate::storage::transaction;
use crate::supervision::warnings::{self, Action, Filter, Letterhead, Warning, WarningError};

impl From<WarningError> for Refused {
    fn from(error: WarningError) -> Refused {
        match error {
            WarningError::NotFound => Refused::not_found(),
            WarningError::Server(error) => error.into(),
            refusal => Refused::new(ErrorCode::BadRequest, refusal.to_string()),
        }
    }
}

/// `GET /v1/supervision/warnings?status=&rule=&severity=&scope_kind=&period=&limit=&offset=`.
pub async fn list(
    State(state): State<AppState>,
    Extension(who): Extension<Supervisor>,
    Query(filter): Query<Filter>,
) -> Reply {
    if filter
        .limit
        .is_some_and(|limit| !(1..=MAX_PAGE).contains(&limit))
    {
        return Err(Refused::bad_request(format!(
            "limit 应在 1 到 {MAX_PAGE} 之间"
        )));
    }
    let found = blocking(move || {
        let found = transaction(state.db.as_ref(), |tx| {
            warnings::list(tx, &who.scope, &filter)
        })?;
        let mut lookup = names::Lookup::new(&state.catalogue);
        found
            .iter()
            .map(|w| named(&mut lookup, w))
            .collect::<Result<Vec<_>, Refused>>()
    })
    .await?;
    Ok(Json(json!({ "warnings": found })).into_response())
}

/// `GET /v1/supervision/warnings/{id}`: the warning, its evidence and every step taken.
pub async fn get(
    State(state): State<AppState>,
    Extension(who): Extension<Supervisor>,
    Path(id): Path<String>,
) -> Reply {
    let found = blocking(move || {
        let found = transaction(state.db.as_ref(), |tx| {
            let Some(warning) = warnings::get(tx, &who.scope, &id)? else {
                return Ok(None);
            };
            let steps = warnings::steps(tx, &who.scope, &id)?;
            Ok(Some((warning, steps)))
        })?;
        let Some((warning, steps)) = found else {
            return Ok(None);
        };
        let mut lookup = names::Lookup::new(&state.catalogue);
        let cases = super::cases::rows_of(&state, &who.scope, &warning.cases)?;
        Ok(Some(json!({
            "warning": named(&mut lookup, &warning)?,
            "status_zh": warnings::lifecycle::status_zh(&warning.status),
            "steps": steps,
            "case_rows": cases,
        })))
    })
    .await?;
    found
        .map(|detail| Json(detail).into_response())
        .ok_or_else(Refused::not_found)
}

/// A warning with the names of what its codes point at (`*_zh`), as the console shows it.
fn named(lookup: &mut names::Lookup<'_>, warning: &Warning) -> Result<serde_json::Value, Refused> {
    let scope_zh = match warning.scope_kind.as_str() {
        "district" => names::district(&warning.scope),
        "body" => lookup.body(&warning.scope)?,
        "officer" => lookup.officer(&warning.scope)?,
        "enterprise" => lookup.enterprise(&warning.scope)?,
        "city" => "全市".to_owned(),
        _ => String::new(),
    };
    let mut json = serde_json::to_value(warning).unwrap_or_default();
    json["scope_zh"] = scope_zh.into();
    json["district_zh"] = names::district(&warning.district).into();
    json["body_zh"] = if warning.body.is_empty() {
        String::new()
    } else {
        lookup.body(&warning.body)?
    }
    .into();
    json["status_zh"] = warnings::lifecycle::status_zh(&warning.status).into();
    Ok(json)
}

/// The body of a step: who it is assigned to, the opinion, the reason, a note.
#[derive(Debug, Default, Deserialize)]
pub struct StepBody {
    pub assignee: Option<String>,
    pub opinion: Option<String>,
    pub reason: Option<String>,
    pub note: Option<String>,
}

async fn step(
    state: AppState,
    who: Supervisor,
    id: String,
    body: StepBody,
    action: fn(&StepBody) -> Action,
) -> Reply {
    require(who.role.handles_warnings(), "处理预警")?;
    let warning = blocking(move || {
        let note = body.note.clone().unwrap_or_default();
        Ok(warnings::transition(
            state.db.as_ref(),
            &who.scope,
            &id,
            action(&body),
            &who.who(),
            &note,
        )?)
    })
    .await?;
    Ok(Json(json!({ "warning": warning })).into_response())
}

fn text(field: &Option<String>) -> String {
    field.clone().unwrap_or_default()
}

/// `POST /v1/supervision/warnings/{id}/acknowledge` `{note?}`.
pub async fn acknowledge(
    State(state): State<AppState>,
    Extension(who): Extension<Supervisor>,
    Path(id): Path<String>,
    body: Option<Json<StepBody>>,
) -> Reply {
    let body = body.map(|b| b.0).unwrap_or_default();
    step(state, who, id, body, |_| Action::Acknowledge).await
}

/// `POST /v1/supervision/warnings/{id}/assign` `{assignee, note?}`.
pub async fn assign(
    State(state): State<AppState>,
    Extension(who): Extension<Supervisor>,
    Path(id): Path<String>,
    Json(body): Json<StepBody>,
) -> Reply {
    step(state, who, id, body, |b| Action::Assign(text(&b.assignee))).await
}

/// `POST /v1/supervision/warnings/{id}/resolve` `{opinion, note?}`.
pub async fn resolve(
    State(state): State<AppState>,
    Extension(who): Extension<Supervisor>,
    Path(id): Path<String>,
    Json(body): Json<StepBody>,
) -> Reply {
    step(state, who, id, body, |b| Action::Resolve(text(&b.opinion))).await
}

/// `POST /v1/supervision/warnings/{id}/dismiss` `{reason, note?}`.
pub async fn dismiss(
    State(state): State<AppState>,
    Extension(who): Extension<Supervisor>,
    Path(id): Path<String>,
    Json(body): Json<StepBody>,
) -> Reply {
    step(state, who, id, body, |b| Action::Dismiss(text(&b.reason))).await
}

/// Who signs an opinion: the bureau of the supervisor's level.
fn bureau(who: &Supervisor) -> &'static str {
    match who.scope {
        crate::supervision::Scope::City => "市司法局（行政执法监督）",
        _ => "区县司法局（行政执法监督）",
    }
}

/// `GET /v1/supervision/warnings/{id}/opinion`: the 监督意见书 of a resolved warning, as
/// print-ready HTML addressed to the body by its catalogue name.
pub async fn opinion(
    State(state): State<AppState>,
    Extension(who): Extension<Supervisor>,
    Path(id): Path<String>,
) -> Reply {
    let html = blocking(move || {
        let catalogue = state.catalogue.clone();
        let html = transaction(state.db.as_ref(), |tx| {
            let Some(warning) = warnings::get(tx, &who.scope, &id)? else {
                return Ok(Err(WarningError::NotFound));
            };
            let letterhead = Letterhead::for_warning(&catalogue, &warning, bureau(&who))?;
            Ok(warnings::opinion_html_with(
                tx,
                &who.scope,
                &id,
                &letterhead,
            ))
        })??;
        Ok(html)
    })
    .await?;
    let mut response = html.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    Ok(response)
}

/// The scope's warnings matching `filter` as an export table.
fn table(state: &AppState, who: &Supervisor, mut filter: Filter) -> Result<Table, Refused> {
    // The store pages at most 10,000 at a time: read page after page up to the bound.
    const PAGE: usize = 10_000;
    let mut found = Vec::new();
    loop {
        filter.limit = Some(PAGE as i64);
        filter.offset = Some(found.len() as i64);
        let page = transaction(state.db.as_ref(), |tx| {
            warnings::list(tx, &who.scope, &filter)
        })?;
        let last = page.len() < PAGE;
        found.extend(page);
        if last || found.len() > export::MAX_ROWS {
            break;
        }
    }
    export::check_size(found.len())?;
    let headers = [
        "预警编号",
        "规则",
        "对象类型",
        "对象",
        "区县",
        "执法机关",
        "期间",
        "严重程度",
        "状态",
        "预警原因",
        "涉及案件数",
        "承办人",
        "触发时间",
        "更新时间",
    ];
    let rows = found
        .into_iter()
        .map(|w| {
            vec![
                Cell::from(w.id),
                Cell::from(w.rule),
                Cell::from(w.scope_kind),
                Cell::from(w.scope),
                Cell::from(w.district),
                Cell::from(w.body),
                Cell::from(w.period),
                Cell::from(w.severity),
                Cell::from(warnings::lifecycle::status_zh(&w.status)),
                Cell::from(w.why),
                Cell::Int(w.cases.len() as i64),
                Cell::from(w.assignee),
                Cell::from(super::columns::time_zh(w.fired_at)),
                Cell::from(super::columns::time_zh(w.updated_at)),
            ]
        })
        .collect();
    Ok(Table {
        sheet_zh: "预警".into(),
        headers: headers.iter().map(|h| (*h).to_owned()).collect(),
        rows,
    })
}

/// The warnings export in `format`.
pub async fn export(
    state: AppState,
    who: Supervisor,
    filter: Filter,
    format: Format,
) -> Result<Response, Refused> {
    blocking(move || export::download(&table(&state, &who, filter)?, "warnings", format)).await
}
