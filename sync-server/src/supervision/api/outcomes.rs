//! `POST /v1/supervision/outcomes`: a CSV of reconsideration (复议) and litigation (诉讼)
//! results by case number, imported by `supervision::outcomes`. City supervisors only: the
//! results feed every district's correction rate.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::{Extension, Json};
use serde_json::json;
use zhifa_core::sync::protocol::ErrorCode;

use super::auth::{require, Supervisor};
use super::reply::{blocking, Refused, Reply};
use crate::state::AppState;
use crate::supervision::outcomes::{self, ImportError};

pub async fn import(
    State(state): State<AppState>,
    Extension(who): Extension<Supervisor>,
    body: Bytes,
) -> Reply {
    require(who.role.imports_outcomes(), "导入复议诉讼结果")?;
    let report = blocking(move || {
        state.figures.invalidate();
        outcomes::import(state.db.as_ref(), &body).map_err(|error| match error {
            ImportError::Server(error) => Refused::from(error),
            ImportError::TooLarge { .. } => Refused::new(ErrorCode::TooLarge, error.message_zh()),
            refused => Refused::bad_request(refused.message_zh()),
        })
    })
    .await?;
    Ok(Json(json!({ "report": report })).into_response())
}
