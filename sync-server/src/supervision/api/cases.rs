//! `cases`, `cases/{id}` and the cases export: the index's case rows within the supervisor's
//! scope, filtered, sorted and paged; one case read whole from its stored document. A case
//! outside the scope is answered exactly like an absent one (404).

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{json, Value as Json_};
use zhifa_core::cases::document::CaseDoc;

use super::auth::Supervisor;
use super::columns::{self, CASE};
use super::export::{self, Cell, Format, Table};
use super::reply::{blocking, row_json, Refused, Reply};
use crate::docs;
use crate::state::AppState;
use crate::storage::{transaction, Tx, Value};
use crate::supervision::Scope;

/// Rows one page may hold.
pub const MAX_PAGE: i64 = 500;
const DEFAULT_PAGE: i64 = 100;

/// The filters of `cases` and its export (every one optional).
#[derive(Debug, Default, Deserialize)]
pub struct CaseFilter {
    pub body: Option<String>,
    pub district: Option<String>,
    pub sector: Option<String>,
    pub status: Option<String>,
    pub violation: Option<String>,
    pub kind: Option<String>,
    pub number: Option<String>,
    /// 0 or 1: the fine lies outside the baseline's band.
    pub departure: Option<i64>,
    /// Which date `from` and `to` bound: act, discovered (default), filed, decided, closed.
    pub date: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// discovered_on (default), filed_on, decided_on, closed_on, case_number, fine, updated_at.
    pub sort: Option<String>,
    /// asc or desc (default).
    pub order: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

fn date_column(name: Option<&str>) -> Result<&'static str, Refused> {
    Ok(match name.unwrap_or("discovered") {
        "act" => "act_on",
        "discovered" => "discovered_on",
        "filed" => "filed_on",
        "decided" => "decided_on",
        "closed" => "closed_on",
        _ => {
            return Err(Refused::bad_request(
                "date 只能是 act、discovered、filed、decided 或 closed",
            ))
        }
    })
}

fn sort_column(name: Option<&str>) -> Result<&'static str, Refused> {
    const SORTABLE: &[&str] = &[
        "discovered_on",
        "filed_on",
        "decided_on",
        "closed_on",
        "case_number",
        "fine",
        "updated_at",
    ];
    let name = name.unwrap_or("discovered_on");
    SORTABLE
        .iter()
        .find(|s| **s == name)
        .copied()
        .ok_or_else(|| Refused::bad_request(format!("不能按 {name} 排序")))
}

/// A date parameter, checked to be `YYYY-MM-DD`.
pub fn checked_date(text: &str) -> Result<String, Refused> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|_| text.to_owned())
        .map_err(|_| Refused::bad_request(format!("日期“{text}”格式应为 YYYY-MM-DD")))
}

/// The WHERE clause (scope first) and its parameters.
fn conditions(scope: &Scope, filter: &CaseFilter) -> Result<(String, Vec<Value>), Refused> {
    let mut clauses = Vec::new();
    let mut params: Vec<Value> = Vec::new();
    if let Some((clause, value)) = scope.condition("c", 1) {
        clauses.push(clause);
        params.push(value);
    }
    let equal = [
        ("body", &filter.body),
        ("district", &filter.district),
        ("sector", &filter.sector),
        ("status", &filter.status),
        ("violation", &filter.violation),
        ("kind", &filter.kind),
        ("case_number", &filter.number),
    ];
    for (column, wanted) in equal {
        if let Some(wanted) = wanted.as_deref().filter(|w| !w.is_empty()) {
            params.push(wanted.into());
            clauses.push(format!("c.{column} = ${}", params.len()));
        }
    }
    if let Some(departure) = filter.departure {
        params.push(i64::from(departure != 0).into());
        clauses.push(format!("c.departure = ${}", params.len()));
    }
    let date = date_column(filter.date.as_deref())?;
    for (bound, op) in [(&filter.from, ">="), (&filter.to, "<=")] {
        if let Some(day) = bound.as_deref().filter(|d| !d.is_empty()) {
            params.push(checked_date(day)?.into());
            clauses.push(format!("c.{date} {op} ${}", params.len()));
        }
    }
    let clause = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    Ok((clause, params))
}

fn order_by(filter: &CaseFilter) -> Result<String, Refused> {
    let column = sort_column(filter.sort.as_deref())?;
    let direction = match filter.order.as_deref().unwrap_or("desc") {
        "asc" => "ASC",
        "desc" => "DESC",
        _ => return Err(Refused::bad_request("order 只能是 asc 或 desc")),
    };
    // NULLs (a step not yet taken) sort last either way, the same on both backends.
    Ok(format!(
        "ORDER BY CASE WHEN c.{column} IS NULL THEN 1 ELSE 0 END, c.{column} {direction}, c.doc_id"
    ))
}

/// One page of the scope's cases matching `filter`, and how many match in all.
pub fn page(
    tx: &mut dyn Tx,
    scope: &Scope,
    filter: &CaseFilter,
) -> Result<(i64, Vec<Json_>), Refused> {
    let limit = filter.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(Refused::bad_request(format!(
            "limit 应在 1 到 {MAX_PAGE} 之间"
        )));
    }
    let offset = filter.offset.unwrap_or(0);
    if offset < 0 {
        return Err(Refused::bad_request("offset 不能为负"));
    }
    let (clause, mut params) = conditions(scope, filter)?;
    let total = tx
        .query_opt(&format!("SELECT COUNT(*) FROM sv_case c {clause}"), &params)?
        .map(|row| row.int(0))
        .transpose()?
        .unwrap_or(0);
    let order = order_by(filter)?;
    params.push(limit.into());
    params.push(offset.into());
    let sql = format!(
        "SELECT {} FROM sv_case c {clause} {order} LIMIT ${} OFFSET ${}",
        columns::select_list(CASE, "c"),
        params.len() - 1,
        params.len()
    );
    let names = columns::names(CASE);
    let rows = tx.query(&sql, &params)?;
    Ok((
        total,
        rows.iter().map(|row| row_json(&names, row)).collect(),
    ))
}

/// The index rows of `ids` inside the scope (the cases behind a figure), in `ids`' order,
/// each with its body's and district's names.
pub fn rows_of(state: &AppState, scope: &Scope, ids: &[String]) -> Result<Vec<Json_>, Refused> {
    // A bounded number of parameters per statement, whatever the sample's size.
    const CHUNK: usize = 500;
    let names = columns::names(CASE);
    let mut rows: Vec<Json_> = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let mut params: Vec<Value> = chunk.iter().map(|id| id.as_str().into()).collect();
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let mut sql = format!(
            "SELECT {} FROM sv_case c WHERE c.doc_id IN ({})",
            columns::select_list(CASE, "c"),
            marks.join(", ")
        );
        if let Some((clause, value)) = scope.condition("c", chunk.len() + 1) {
            sql.push_str(&format!(" AND {clause}"));
            params.push(value);
        }
        let found = transaction(state.db.as_ref(), |tx| tx.query(&sql, &params))?;
        rows.extend(found.iter().map(|row| row_json(&names, row)));
    }
    named(state, &mut rows)?;
    let order: std::collections::HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    rows.sort_by_key(|row| {
        order
            .get(row["doc_id"].as_str().unwrap_or_default())
            .copied()
    });
    Ok(rows)
}

/// Adds `body_zh` and `district_zh` to index rows.
fn named(state: &AppState, rows: &mut [Json_]) -> Result<(), Refused> {
    let mut lookup = super::names::Lookup::new(&state.catalogue);
    for row in rows {
        let body = lookup.body(row["body"].as_str().unwrap_or_default())?;
        row["body_zh"] = body.into();
        row["district_zh"] =
            super::names::district(row["district"].as_str().unwrap_or_default()).into();
    }
    Ok(())
}

/// `GET /v1/supervision/cases`.
pub async fn list(
    State(state): State<AppState>,
    Extension(who): Extension<Supervisor>,
    Query(filter): Query<CaseFilter>,
) -> Reply {
    let (total, cases) = blocking(move || {
        let (total, mut cases) =
            transaction(state.db.as_ref(), |tx| Ok(page(tx, &who.scope, &filter)))??;
        named(&state, &mut cases)?;
        Ok((total, cases))
    })
    .await?;
    Ok(Json(json!({ "total": total, "cases": cases })).into_response())
}

/// `GET /v1/supervision/cases/{id}`: the index row, the officers, outside outcomes and the
/// case file read from the stored document with its history and audit trail.
pub async fn get(
    State(state): State<AppState>,
    Extension(who): Extension<Supervisor>,
    Path(id): Path<String>,
) -> Reply {
    let found = blocking(move || {
        let detail = transaction(state.db.as_ref(), |tx| {
            let detail = case_detail(tx, &who.scope, &id)?;
            if detail.is_some() {
                super::auth::log_access(tx, &who, &id, "case")?;
            }
            Ok(detail)
        })?;
        let Some(mut detail) = detail else {
            return Ok(None);
        };
        named(&state, std::slice::from_mut(&mut detail["case"]))?;
        Ok(Some(detail))
    })
    .await?;
    found
        .map(|detail| Json(detail).into_response())
        .ok_or_else(Refused::not_found)
}

fn case_detail(
    tx: &mut dyn Tx,
    scope: &Scope,
    id: &str,
) -> Result<Option<Json_>, crate::error::ServerError> {
    let mut params: Vec<Value> = vec![id.into()];
    let mut sql = format!(
        "SELECT {} FROM sv_case c WHERE c.doc_id = $1",
        columns::select_list(CASE, "c")
    );
    if let Some((clause, value)) = scope.condition("c", 2) {
        sql.push_str(&format!(" AND {clause}"));
        params.push(value);
    }
    let Some(row) = tx.query_opt(&sql, &params)? else {
        return Ok(None);
    };
    let case = row_json(&columns::names(CASE), &row);
    let officers: Vec<Json_> = tx
        .query(
            "SELECT credential_no, name, acting, credentialed FROM sv_case_officer
             WHERE doc_id = $1 ORDER BY credential_no",
            &[id.into()],
        )?
        .iter()
        .map(|r| row_json(&["credential_no", "name", "acting", "credentialed"], r))
        .collect();
    let number = case["case_number"].as_str().unwrap_or_default().to_owned();
    let outcomes: Vec<Json_> = tx
        .query(
            "SELECT kind, result, decided_on, source FROM sv_outcome
             WHERE case_number = $1 AND case_number <> '' ORDER BY kind",
            &[number.into()],
        )?
        .iter()
        .map(|r| row_json(&["kind", "result", "decided_on", "source"], r))
        .collect();
    let (file, audit) = read_document(tx, id)?;
    Ok(Some(json!({
        "case": case,
        "officers": officers,
        "outcomes": outcomes,
        "file": file,
        "audit": audit,
    })))
}

/// The stored document as a case file and its audit trail; nulls when it does not read as a
/// case (a hostile or broken document never fails the request).
fn read_document(tx: &mut dyn Tx, id: &str) -> Result<(Json_, Json_), crate::error::ServerError> {
    let Some(stored) = docs::stored(tx, id)? else {
        return Ok((Json_::Null, Json_::Null));
    };
    let mut doc = stored.doc;
    let file = match CaseDoc::read_automerge(&mut doc) {
        Ok(file) => file,
        Err(error) => {
            tracing::warn!(doc = id, error = %error, "stored case does not read");
            return Ok((Json_::Null, Json_::Null));
        }
    };
    let audit = CaseDoc::from_automerge(doc)
        .map(|mut case| serde_json::to_value(case.audit()).unwrap_or_default())
        .unwrap_or_default();
    Ok((to(&file), audit))
}

fn to<T: serde::Serialize>(value: &T) -> Json_ {
    serde_json::to_value(value).unwrap_or_default()
}

/// Every case of the scope matching `filter` (paging ignored), as an export table.
pub fn table(tx: &mut dyn Tx, scope: &Scope, filter: &CaseFilter) -> Result<Table, Refused> {
    let (clause, params) = conditions(scope, filter)?;
    let total = tx
        .query_opt(&format!("SELECT COUNT(*) FROM sv_case c {clause}"), &params)?
        .map(|row| row.int(0))
        .transpose()?
        .unwrap_or(0);
    export::check_size(total as usize)?;
    let sql = format!(
        "SELECT {} FROM sv_case c {clause} {}",
        columns::select_list(CASE, "c"),
        order_by(filter)?
    );
    let rows = tx.query(&sql, &params)?;
    Ok(Table {
        sheet_zh: "案件".into(),
        headers: columns::headers(CASE),
        rows: rows
            .into_iter()
            .map(|row| row.0.into_iter().map(Cell::from).collect())
            .collect(),
    })
}

/// The cases export in `format`.
pub async fn export(
    state: AppState,
    who: Supervisor,
    filter: CaseFilter,
    format: Format,
) -> Result<Response, Refused> {
    blocking(move || {
        let table = transaction(state.db.as_ref(), |tx| Ok(table(tx, &who.scope, &filter)))??;
        export::download(&table, "cases", format)
    })
    .await
}
