//! `GET /v1/supervision/openapi.json`: the hand-written OpenAPI 3.1 document of every
//! supervision route (`sync-server/supervision/openapi.json`). Served without a key: it
//! describes the API and holds no data. A test checks it names every route of the router
//! and nothing else.

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

pub const DOCUMENT: &str = include_str!("../../../supervision/openapi.json");

pub async fn document() -> Response {
    let mut response = DOCUMENT.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
