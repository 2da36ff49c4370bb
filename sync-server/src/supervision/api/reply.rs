//! What every supervision handler shares: the zh-CN error (in the server's `ErrorBody`
//! shape), running storage work off the async threads, and rows as JSON.

use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value as Json};
use zhifa_core::sync::protocol::ErrorCode;

use crate::error::{ApiError, ServerError};
use crate::storage::{Row, Value};

/// A supervision request that did not succeed; its `detail` is what a supervisor reads.
#[derive(Debug)]
pub struct Refused(pub ApiError);

impl Refused {
    pub fn new(code: ErrorCode, detail_zh: impl Into<String>) -> Refused {
        Refused(ApiError::new(code, detail_zh))
    }

    pub fn bad_request(detail_zh: impl Into<String>) -> Refused {
        Refused::new(ErrorCode::BadRequest, detail_zh)
    }

    /// Outside the supervisor's scope or absent: the same answer, so ids are not confirmed.
    pub fn not_found() -> Refused {
        Refused::new(ErrorCode::NotFound, "未找到，或不在您的监督范围内")
    }

    pub fn forbidden(detail_zh: impl Into<String>) -> Refused {
        Refused::new(ErrorCode::Forbidden, detail_zh)
    }
}

impl From<ServerError> for Refused {
    fn from(error: ServerError) -> Refused {
        match error {
            ServerError::BadRequest(detail) => {
                Refused::bad_request(format!("请求无法处理：{detail}"))
            }
            other => {
                tracing::error!(error = %other, "supervision request failed");
                Refused::new(ErrorCode::Internal, "服务器内部错误，请稍后重试")
            }
        }
    }
}

impl From<tokio::task::JoinError> for Refused {
    fn from(error: tokio::task::JoinError) -> Refused {
        tracing::error!(error = %error, "supervision worker failed");
        Refused::new(ErrorCode::Internal, "服务器内部错误，请稍后重试")
    }
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        self.0.into_response()
    }
}

pub type Reply = Result<Response, Refused>;

/// Storage work on the blocking pool.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, Refused> + Send + 'static,
) -> Result<T, Refused> {
    tokio::task::spawn_blocking(work).await?
}

/// One stored value as JSON.
pub fn value_json(value: &Value) -> Json {
    match value {
        Value::Int(v) => Json::from(*v),
        Value::Text(v) => Json::from(v.as_str()),
        Value::Bytes(v) => Json::from(hex::encode(v)),
        Value::Null => Json::Null,
    }
}

/// A row as a JSON object keyed by `columns` (the row's columns, in order).
pub fn row_json(columns: &[&str], row: &Row) -> Json {
    let object: Map<String, Json> = columns
        .iter()
        .zip(&row.0)
        .map(|(name, value)| ((*name).to_owned(), value_json(value)))
        .collect();
    Json::Object(object)
}

/// A JSON text column (figures, defects) as JSON; anything unreadable as a string.
pub fn parsed_json(text: &str) -> Json {
    serde_json::from_str(text).unwrap_or_else(|_| Json::from(text))
}
