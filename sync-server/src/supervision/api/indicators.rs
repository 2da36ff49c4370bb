//! `indicators` (the definitions), `indicators/{id}` (figures at a level and period, within
//! the supervisor's scope, drilling down under `parent`) and `indicators/{id}/cases` (the
//! documents behind one figure), over `supervision::indicators`; and the indicator export.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::{Datelike, Utc};
use serde::Deserialize;
use serde_json::json;
use zhifa_core::calendar::beijing_date;

use super::auth::Supervisor;
use super::export::{self, Cell, Format, Table};
use super::reply::{blocking, Refused, Reply};
use crate::state::AppState;
use crate::storage::transaction;
use crate::supervision::indicators::{self, Indicator, Indicators, Level, Period, PeriodKind};

/// Documents one `cases` answer lists at most.
const MAX_BEHIND: usize = 500;

/// `GET /v1/supervision/indicators`: every indicator's id, name, definition, unit, levels
/// and periods.
pub async fn definitions(Extension(_who): Extension<Supervisor>) -> Reply {
    let list: Vec<_> = Indicators::builtin()
        .list
        .iter()
        .map(|ind| {
            json!({
                "id": ind.id,
                "name": ind.name,
                "definition": ind.definition,
                "unit": ind.unit,
                "table": ind.table,
                "levels": ind.levels.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
                "periods": ind.periods.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(Json(json!({ "indicators": list })).into_response())
}

/// The figure parameters: level (default district), period (default month), from and to
/// (default this year in Beijing), parent (a district code or a body id to drill into).
#[derive(Debug, Default, Deserialize)]
pub struct FigureParams {
    pub id: Option<String>,
    pub level: Option<String>,
    pub period: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub parent: Option<String>,
    /// For `cases`: the figure's key and, optionally, its period key.
    pub key: Option<String>,
    pub period_key: Option<String>,
    pub limit: Option<usize>,
}

fn indicator(id: &str) -> Result<&'static Indicator, Refused> {
    Indicators::builtin().get(id).ok_or_else(|| {
        Refused::new(
            zhifa_core::sync::protocol::ErrorCode::NotFound,
            format!("没有编号为“{id}”的指标"),
        )
    })
}

/// The query the parameters ask for, refused in zh-CN when the indicator does not offer it.
fn query_of(
    ind: &Indicator,
    who: &Supervisor,
    params: &FigureParams,
) -> Result<indicators::Query, Refused> {
    let level_text = params.level.as_deref().unwrap_or("district");
    let level = Level::parse(level_text).ok_or_else(|| {
        Refused::bad_request(format!(
            "层级“{level_text}”无效（city、district、body、officer、sector）"
        ))
    })?;
    let period_text = params.period.as_deref().unwrap_or("month");
    let kind = PeriodKind::parse(period_text).ok_or_else(|| {
        Refused::bad_request(format!(
            "周期“{period_text}”无效（day、month、quarter、year）"
        ))
    })?;
    if !ind.supports(level, kind) {
        return Err(Refused::bad_request(format!(
            "指标“{}”不提供按{}、按{}的统计",
            ind.name,
            level.name_zh(),
            period_text
        )));
    }
    let year = beijing_date(Utc::now()).year();
    let from = params
        .from
        .clone()
        .unwrap_or_else(|| format!("{year:04}-01-01"));
    let to = params
        .to
        .clone()
        .unwrap_or_else(|| format!("{year:04}-12-31"));
    Ok(indicators::Query {
        level,
        period: Period::new(kind, &from, &to)?,
        scope: who.scope.clone(),
        parent: params.parent.clone().filter(|p| !p.is_empty()),
    })
}

/// `GET /v1/supervision/indicators/{id}`.
pub async fn figures(
    State(state): State<AppState>,
    Extension(who): Extension<Supervisor>,
    Path(id): Path<String>,
    Query(params): Query<FigureParams>,
) -> Reply {
    let ind = indicator(&id)?;
    let q = query_of(ind, &who, &params)?;
    let (level, period) = (q.level, q.period.clone());
    let (figures, scope_zh) = blocking(move || {
        let names: &dyn indicators::Names = state.catalogue.as_ref();
        let figures = state.figures.get_or_compute(ind.id.as_str(), &q, || {
            transaction(state.db.as_ref(), |tx| {
                indicators::compute_named(tx, ind, &q, Some(names))
            })
        })?;
        Ok((figures, super::auth::scope_zh(&state, &who.scope)?))
    })
    .await?;
    // The top level is the supervisor's whole scope: a district's total is its own, never
    // labelled 全市.
    let figures: Vec<_> = figures
        .iter()
        .cloned()
        .map(|mut figure| {
            if figure.key == "city" {
                figure.label_zh = scope_zh.clone();
            }
            figure
        })
        .collect();
    Ok(Json(json!({
        "indicator": { "id": ind.id, "name": ind.name, "unit": ind.unit, "definition": ind.definition },
        "level": level.as_str(),
        "period": period.kind.as_str(),
        "from": period.from,
        "to": period.to,
        "figures": figures,
    }))
    .into_response())
}

/// `GET /v1/supervision/indicators/{id}/cases?key=…`: the documents behind one figure.
pub async fn cases(
    State(state): State<AppState>,
    Extension(who): Extension<Supervisor>,
    Path(id): Path<String>,
    Query(params): Query<FigureParams>,
) -> Reply {
    let ind = indicator(&id)?;
    let q = query_of(ind, &who, &params)?;
    let Some(key) = params.key.clone().filter(|k| !k.is_empty()) else {
        return Err(Refused::bad_request(
            "请指明 key（区县代码、机关编号、执法证号或领域）",
        ));
    };
    let limit = params.limit.unwrap_or(100).clamp(1, MAX_BEHIND);
    let period_key = params.period_key.clone();
    let (state_for_rows, who_for_rows) = (state.clone(), who.clone());
    let docs = blocking(move || {
        Ok(transaction(state.db.as_ref(), |tx| {
            indicators::cases_behind(tx, ind, &q, &key, period_key.as_deref(), limit)
        })?)
    })
    .await?;
    // Behind a case indicator: the cases' index rows too, so the list reads without a
    // request per case.
    let rows = match ind.table.as_str() {
        "sv_case" => {
            let ids = docs.clone();
            blocking(move || super::cases::rows_of(&state_for_rows, &who_for_rows.scope, &ids))
                .await?
        }
        _ => Vec::new(),
    };
    Ok(Json(json!({ "indicator": ind.id, "documents": docs, "cases": rows })).into_response())
}

/// One indicator's figures as an export table.
fn table(state: &AppState, who: &Supervisor, params: &FigureParams) -> Result<Table, Refused> {
    let id = params
        .id
        .as_deref()
        .ok_or_else(|| Refused::bad_request("导出指标请指明 id"))?;
    let ind = indicator(id)?;
    let q = query_of(ind, who, params)?;
    let names: &dyn indicators::Names = state.catalogue.as_ref();
    let figures = transaction(state.db.as_ref(), |tx| {
        indicators::compute_named(tx, ind, &q, Some(names))
    })?;
    export::check_size(figures.len())?;
    let rows = figures
        .into_iter()
        .map(|f| {
            vec![
                Cell::from(ind.name.as_str()),
                f.key.into(),
                f.label_zh.into(),
                f.period.into(),
                f.value.into(),
                f.numerator.into(),
                f.denominator.into(),
            ]
        })
        .collect();
    let level = q.level.name_zh();
    Ok(Table {
        sheet_zh: ind.name.clone(),
        headers: [
            "指标",
            level,
            "名称",
            "期间",
            &format!("数值（{}）", ind.unit),
            "分子",
            "分母",
        ]
        .iter()
        .map(|h| (*h).to_owned())
        .collect(),
        rows,
    })
}

/// The indicator export (`export/indicator.csv?id=…&level=…`) in `format`.
pub async fn export(
    state: AppState,
    who: Supervisor,
    params: FigureParams,
    format: Format,
) -> Result<Response, Refused> {
    blocking(move || export::download(&table(&state, &who, &params)?, "indicator", format)).await
}
