//! The HTTP server (axum): routes, shared state, metrics.
//! - `GET /healthz`; `GET /metrics` (Prometheus) on the internal listener, or here with the
//!   bearer token (`--metrics-token`)
//! - `GET /v1/catalogue/authority`: the authority public key, for provisioning apps
//! - `GET /v1/catalogue/bundle?scope=500103[,…]&since=N`: a signed bundle, full or delta;
//!   204 when the device is current.
//! - the device API in `api.rs`: enrol, sync, events, evidence, case numbers, credentials.
//! - `/v1/supervision/…`: the supervisors' API (`supervision::api`), by admin-issued key or
//!   the console's session.
//! - `/console`, `/v/…`, `/assets/…`: the pages browsers open (`web`).

use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use tower_http::timeout::TimeoutLayer;
use zhifa_core::crypto::{sha256, Signer};
use zhifa_core::registry::sign_bundle;
use zhifa_core::sync::protocol::{routes, ErrorCode};

use crate::api;
use crate::error::{ApiError, ServerError};
use crate::limits::{self, Gate};
use crate::state::AppState;

pub const COSE_CONTENT_TYPE: &str = "application/cose; cose-type=\"cose-sign1\"";
pub const VERSION_HEADER: &str = "x-zhifa-catalogue-version";

/// The public port. Each family of routes has its gate (`limits::gate`: rate per address,
/// declared body size); every request is bounded in time as a whole.
pub fn router(state: AppState) -> Router {
    let limiters = state.limiters.clone();
    let gate = |family| middleware::from_fn_with_state((limiters.clone(), family), limits::gate);
    let public = Router::new()
        .route(routes::HEALTH, get(healthz))
        .route(routes::CATALOGUE_AUTHORITY, get(authority))
        .route(routes::CATALOGUE_BUNDLE, get(bundle))
        .layer(gate(Gate::Public));
    let enrol = Router::new()
        .route(routes::ENROL, post(api::enrol))
        .layer(gate(Gate::Enrol));
    let device = Router::new()
        .route(routes::SYNC, post(api::sync))
        .route(routes::EVENTS, post(api::upload_events))
        .route(routes::CASE_NUMBERS, post(api::case_numbers))
        .route(routes::CREDENTIAL, post(api::credential))
        .route(routes::BLOB, get(api::blob_get).put(api::blob_put))
        .route(routes::BLOB_STATUS, get(api::blob_status))
        .layer(DefaultBodyLimit::max(zhifa_core::sync::protocol::MAX_BODY))
        .layer(gate(Gate::Signed));
    // Supervisors' keys, not device signatures (`supervision::api::auth`); the address gate
    // of the signed routes is the flood guard in front of the key check.
    let supervision = crate::supervision::api::router(&state)
        .layer(DefaultBodyLimit::max(zhifa_core::sync::protocol::MAX_BODY))
        .layer(gate(Gate::Signed));
    let mut app = Router::new()
        .merge(public)
        .merge(enrol)
        .merge(device)
        .merge(supervision)
        .merge(crate::web::router(&state));
    if state.metrics_token.is_some() {
        app = app.route(
            routes::METRICS,
            get(metrics_text).layer(middleware::from_fn_with_state(state.clone(), bearer_token)),
        );
    }
    bounded(app, &state).with_state(state)
}

/// `/metrics` alone, for the internal listener.
pub fn metrics_router(state: AppState) -> Router {
    let app = Router::new().route(routes::METRICS, get(metrics_text));
    bounded(app, &state).with_state(state)
}

/// Every request answered within the request timeout (408 past it), and counted.
fn bounded(app: Router<AppState>, state: &AppState) -> Router<AppState> {
    app.layer(TimeoutLayer::with_status_code(
        StatusCode::REQUEST_TIMEOUT,
        state.limiters.limits.request_timeout,
    ))
    .layer(middleware::from_fn(record))
}

/// The public port's `/metrics` asks for the configured bearer token.
async fn bearer_token(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let offered = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or_default();
    let expected = state.metrics_token.as_deref().unwrap_or_default();
    // Compared as hashes: how long the comparison takes says nothing about the token.
    let same = sha256(offered.as_bytes()) == sha256(expected.as_bytes()) && !expected.is_empty();
    if !same {
        return ApiError::new(ErrorCode::Unauthorized, "metrics need the bearer token")
            .into_response();
    }
    next.run(request).await
}

/// Counts and times every request by route and status.
async fn record(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("zhifa_http_requests_total", "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("zhifa_http_request_seconds", "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

async fn metrics_text(State(state): State<AppState>) -> Response {
    let cached = state.documents.cached();
    metrics::gauge!("zhifa_documents_cached").set(cached as f64);
    match &state.metrics {
        Some(handle) => handle.render().into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn healthz(State(state): State<AppState>) -> Result<Response, ApiError> {
    let backend = state.db.backend();
    let version = blocking(move || Ok(state.catalogue.version()?)).await?;
    Ok(Json(
        serde_json::json!({ "status": "ok", "catalogue_version": version, "storage": backend }),
    )
    .into_response())
}

async fn authority(State(state): State<AppState>) -> Response {
    let public = state.authority.0.public_key();
    Json(serde_json::json!({
        "key_id": public.key_id().to_string(),
        "algorithm": public.algorithm().as_str(),
        "public_key_spki": hex::encode(public.to_spki_der()),
    }))
    .into_response()
}

#[derive(Deserialize)]
struct BundleQuery {
    scope: String,
    since: Option<u64>,
}

async fn bundle(
    State(state): State<AppState>,
    Query(query): Query<BundleQuery>,
) -> Result<Response, ApiError> {
    let scope: Vec<String> = query
        .scope
        .split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    let signed = blocking(move || {
        let Some(body) = state.catalogue.bundle_for(&scope, query.since)? else {
            return Ok(None);
        };
        let bytes = sign_bundle(&body, &state.authority.0).map_err(ServerError::from)?;
        Ok(Some((body.version, bytes)))
    })
    .await?;
    Ok(match signed {
        None => StatusCode::NO_CONTENT.into_response(),
        Some((version, bytes)) => {
            let mut response = bytes.into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(COSE_CONTENT_TYPE),
            );
            headers.insert(VERSION_HEADER, HeaderValue::from(version));
            response
        }
    })
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work).await?
}
