//! `GET /v1/supervision/feedback`: enterprises' ratings and complaints within the scope,
//! newest first, paged: from the app's signed side (`verified = 1`) and from the web page
//! (`verified = 0`, with the web check they follow and the contact the enterprise left). The
//! enterprise is the web check's, or else the matched visit's.

use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{json, Value as Json_};

use super::auth::Supervisor;
use super::cases::checked_date;
use super::reply::{blocking, Refused, Reply};
use crate::error::ServerError;
use crate::state::AppState;
use crate::storage::{transaction, Row, Tx, Value};
use crate::supervision::Scope;

const MAX_PAGE: i64 = 500;
const DEFAULT_PAGE: i64 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct FeedbackFilter {
    /// rating | complaint
    pub kind: Option<String>,
    /// web | app
    pub source: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

fn conditions(scope: &Scope, filter: &FeedbackFilter) -> Result<(String, Vec<Value>), Refused> {
    let mut clauses = Vec::new();
    let mut params: Vec<Value> = Vec::new();
    if let Some((clause, value)) = scope.condition("f", 1) {
        clauses.push(clause);
        params.push(value);
    }
    match filter.kind.as_deref() {
        None | Some("") => {}
        Some(kind @ ("rating" | "complaint")) => {
            params.push(kind.into());
            clauses.push(format!("f.kind = ${}", params.len()));
        }
        Some(_) => return Err(Refused::bad_request("kind 只能是 rating 或 complaint")),
    }
    match filter.source.as_deref() {
        None | Some("") => {}
        Some("web") => clauses.push("f.verified = 0".into()),
        Some("app") => clauses.push("f.verified = 1".into()),
        Some(_) => return Err(Refused::bad_request("source 只能是 web 或 app")),
    }
    for (bound, op) in [(&filter.from, ">="), (&filter.to, "<=")] {
        if let Some(day) = bound.as_deref().filter(|d| !d.is_empty()) {
            params.push(checked_date(day)?.into());
            clauses.push(format!("f.on_day {op} ${}", params.len()));
        }
    }
    let clause = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    Ok((clause, params))
}

/// `GET /v1/supervision/feedback`.
pub async fn list(
    State(state): State<AppState>,
    Extension(who): Extension<Supervisor>,
    Query(filter): Query<FeedbackFilter>,
) -> Reply {
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
    let (clause, params) = conditions(&who.scope, &filter)?;
    // A complainant's contact is for the bureaus that handle complaints, never for the body
    // whose officer the complaint is about (nor for a reviewer reading case files).
    let sees_contact = who.role.handles_warnings();
    let (total, mut rows) = blocking(move || {
        let catalogue = state.catalogue.clone();
        Ok(transaction(state.db.as_ref(), |tx| {
            page(tx, &clause, &params, limit, offset)
        })
        .and_then(|(total, rows)| {
            let rows = rows
                .iter()
                .map(|row| item(&catalogue, row))
                .collect::<Result<Vec<_>, ServerError>>()?;
            Ok((total, rows))
        })?)
    })
    .await?;
    if !sees_contact {
        for row in &mut rows {
            row["contact"] = Json_::from("");
        }
    }
    Ok(Json(json!({ "total": total, "feedback": rows })).into_response())
}

fn page(
    tx: &mut dyn Tx,
    clause: &str,
    params: &[Value],
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<Row>), ServerError> {
    let total = tx
        .query_opt(
            &format!("SELECT COUNT(*) FROM sv_feedback f {clause}"),
            params,
        )?
        .map_or(Ok(0), |row| row.int(0))?;
    let mut params = params.to_vec();
    params.push(limit.into());
    params.push(offset.into());
    let sql = format!(
        "SELECT f.id, f.kind, f.body, f.district, f.officer, f.visit_id, f.score, f.text, f.on_day,
                f.verified, w.contact, w.created_at, COALESCE(c.credit_code, v.enterprise),
                c.officer_name, c.refusal, c.checked_at
         FROM sv_feedback f
         LEFT JOIN sv_web_feedback w ON w.id = f.id
         LEFT JOIN sv_web_check c ON c.id = w.check_id
         LEFT JOIN sv_visit v ON v.visit_id = f.visit_id AND f.visit_id <> ''
         {clause}
         ORDER BY f.on_day DESC, COALESCE(w.created_at, 0) DESC, f.id DESC
         LIMIT ${} OFFSET ${}",
        params.len() - 1,
        params.len()
    );
    Ok((total, tx.query(&sql, &params)?))
}

fn text_or_empty(row: &Row, i: usize) -> String {
    match row.0.get(i) {
        Some(Value::Text(v)) => v.clone(),
        _ => String::new(),
    }
}

fn int_or_null(row: &Row, i: usize) -> Json_ {
    match row.0.get(i) {
        Some(Value::Int(v)) => Json_::from(*v),
        _ => Json_::Null,
    }
}

/// One row as the console shows it, names from the catalogue, times in Beijing.
fn item(catalogue: &crate::catalogue::CatalogueStore, row: &Row) -> Result<Json_, ServerError> {
    let body = row.text(2)?;
    let officer = row.text(4)?;
    let kind = row.text(1)?;
    let verified = row.int(9)? != 0;
    let credit_code = text_or_empty(row, 12);
    let enterprise_name = match credit_code.as_str() {
        "" => String::new(),
        code => catalogue
            .enterprise(code)?
            .map(|e| e.name)
            .unwrap_or_default(),
    };
    let officer_name = match text_or_empty(row, 13) {
        name if !name.is_empty() => name,
        _ => catalogue
            .officer(&officer)?
            .map(|o| o.name)
            .unwrap_or_default(),
    };
    let refusal = text_or_empty(row, 14);
    let at = |i: usize| match row.0.get(i) {
        Some(Value::Int(t)) => Json_::from(beijing(*t)),
        _ => Json_::Null,
    };
    Ok(json!({
        "id": row.text(0)?,
        "kind": kind,
        "kind_zh": if kind == "complaint" { "投诉举报" } else { "评价" },
        "source": if verified { "app" } else { "web" },
        "source_zh": if verified { "执法App（签名核验）" } else { "网页核验（证明力较弱）" },
        "verified": verified,
        "body": body,
        "body_name": catalogue.body(&body)?.map(|b| b.name).unwrap_or_default(),
        "district": row.text(3)?,
        "officer": officer,
        "officer_name": officer_name,
        "visit_id": row.text(5)?,
        "score": int_or_null(row, 6),
        "text": row.text(7)?,
        "on_day": row.text(8)?,
        "contact": text_or_empty(row, 10),
        "created_at": at(11),
        "enterprise": credit_code,
        "enterprise_name": enterprise_name,
        "check_refusal": refusal,
        "check_refusal_zh": match refusal.as_str() {
            "" => "",
            "Replayed" => zhifa_core::texts::codes::refusal::REPLAYED,
            _ => "核验未通过",
        },
        "checked_at": at(15),
    }))
}

/// `2026年12月1日 14:05`, Beijing time.
fn beijing(at: i64) -> String {
    let at = chrono::DateTime::<chrono::Utc>::from_timestamp(at, 0).unwrap_or_default();
    let local = at.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8"));
    format!(
        "{} {}",
        zhifa_core::texts::cases::date_zh(local.date_naive()),
        local.format("%H:%M")
    )
}
