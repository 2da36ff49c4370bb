//! The server's errors, and the one place they become HTTP. `ServerError` is the server
//! failing (storage, files, configuration); a domain refuses a device's request with an enum
//! of its own that names the wire code it stands for (`Refusal`); `ApiError` is what the
//! device is answered: the HTTP status of its code (`status`) and a JSON `ErrorBody`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use zhifa_core::sync::protocol::{ErrorBody, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
    #[error("configuration: {0}")]
    Config(String),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("stored record cannot be decoded")]
    Decode,
    #[error("signing failed: {0}")]
    Signing(#[from] zhifa_core::crypto::CryptoError),
    #[error("storage: {0}")]
    Storage(String),
    /// Found in the transaction that records a request's nonce (`devices::OnceOnly`).
    #[error("replayed request")]
    Replayed,
}

/// A domain's refusal of a device's request, in its own terms; `code` is what the device is
/// told. Its text (English, for logs) goes in the body's `detail`.
pub trait Refusal: std::fmt::Display {
    fn code(&self) -> ErrorCode;

    /// The server's time, for a device whose clock is off.
    fn server_time(&self) -> Option<DateTime<Utc>> {
        None
    }

    /// When the device may try again (a rate limit).
    fn retry_after(&self) -> Option<std::time::Duration> {
        None
    }
}

/// How a domain operation on a device's request fails: refused, or the server failed.
#[derive(Debug, thiserror::Error)]
pub enum Failure<R> {
    #[error("{0}")]
    Refused(R),
    #[error(transparent)]
    Server(#[from] ServerError),
}

impl<R: Refusal> From<R> for Failure<R> {
    fn from(refusal: R) -> Failure<R> {
        Failure::Refused(refusal)
    }
}

/// Administrators' commands report a refusal as a bad request, like their own.
impl<R: Refusal> From<Failure<R>> for ServerError {
    fn from(failure: Failure<R>) -> ServerError {
        match failure {
            Failure::Refused(refusal) => ServerError::BadRequest(refusal.to_string()),
            Failure::Server(error) => error,
        }
    }
}

/// What the server answers when a request does not succeed.
#[derive(Debug)]
pub struct ApiError {
    pub code: ErrorCode,
    pub detail: String,
    pub server_time: Option<DateTime<Utc>>,
    pub retry_after: Option<std::time::Duration>,
}

impl ApiError {
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> ApiError {
        ApiError {
            code,
            detail: detail.into(),
            server_time: None,
            retry_after: None,
        }
    }

    pub fn bad_request(detail: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::BadRequest, detail)
    }

    /// The server failed; the device is told no more than that.
    fn internal(error: &dyn std::fmt::Display) -> ApiError {
        tracing::error!(error = %error, "request failed");
        ApiError::new(ErrorCode::Internal, "internal error")
    }
}

/// The HTTP status of each code.
pub fn status(code: &ErrorCode) -> StatusCode {
    match code {
        ErrorCode::BadRequest => StatusCode::BAD_REQUEST,
        ErrorCode::Unauthorized | ErrorCode::ClockSkew => StatusCode::UNAUTHORIZED,
        ErrorCode::Forbidden
        | ErrorCode::EnrolmentRefused
        | ErrorCode::PrefixNotOwned
        | ErrorCode::QuotaExceeded => StatusCode::FORBIDDEN,
        ErrorCode::NumbersQuota => StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::NumbersExhausted | ErrorCode::KeyEnrolled => StatusCode::CONFLICT,
        ErrorCode::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::HashMismatch => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::NoAgencyKey => StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::Internal | ErrorCode::Other(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl<R: Refusal> From<R> for ApiError {
    fn from(refusal: R) -> ApiError {
        ApiError {
            code: refusal.code(),
            detail: refusal.to_string(),
            server_time: refusal.server_time(),
            retry_after: refusal.retry_after(),
        }
    }
}

impl From<ServerError> for ApiError {
    fn from(error: ServerError) -> ApiError {
        match error {
            ServerError::BadRequest(detail) => ApiError::bad_request(detail),
            ServerError::Replayed => ApiError::new(ErrorCode::Unauthorized, "replayed request"),
            other => ApiError::internal(&other),
        }
    }
}

impl<R: Refusal> From<Failure<R>> for ApiError {
    fn from(failure: Failure<R>) -> ApiError {
        match failure {
            Failure::Refused(refusal) => refusal.into(),
            Failure::Server(error) => error.into(),
        }
    }
}

/// A blocking task that panicked or was cancelled.
impl From<tokio::task::JoinError> for ApiError {
    fn from(error: tokio::task::JoinError) -> ApiError {
        tracing::error!(error = %error, "worker failed");
        ApiError::new(ErrorCode::Internal, "worker failed")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        // Whole seconds, rounded up: a client that waits exactly this long is let through.
        let retry_after = self
            .retry_after
            .map(|wait| wait.as_secs() + u64::from(wait.subsec_nanos() > 0));
        let body = ErrorBody {
            error: self.code,
            detail: self.detail,
            server_time: self.server_time,
            retry_after,
        };
        let mut response = (status(&body.error), Json(body)).into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_the_status_the_device_expects() {
        let statuses: Vec<(ErrorCode, u16)> = ErrorCode::KNOWN
            .into_iter()
            .map(|code| {
                let status = status(&code).as_u16();
                (code, status)
            })
            .collect();
        assert_eq!(
            statuses,
            vec![
                (ErrorCode::BadRequest, 400),
                (ErrorCode::Unauthorized, 401),
                (ErrorCode::ClockSkew, 401),
                (ErrorCode::Forbidden, 403),
                (ErrorCode::NotFound, 404),
                (ErrorCode::TooLarge, 413),
                (ErrorCode::HashMismatch, 422),
                (ErrorCode::NumbersExhausted, 409),
                (ErrorCode::PrefixNotOwned, 403),
                (ErrorCode::NumbersQuota, 429),
                (ErrorCode::QuotaExceeded, 403),
                (ErrorCode::EnrolmentRefused, 403),
                (ErrorCode::KeyEnrolled, 409),
                (ErrorCode::NoAgencyKey, 503),
                (ErrorCode::RateLimited, 429),
                (ErrorCode::Internal, 500),
            ]
        );
    }
}
