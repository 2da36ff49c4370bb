//! The HTTP API (axum). Catalogue only for now:
//! - `GET /healthz`
//! - `GET /v1/catalogue/authority`: the authority public key, for provisioning apps
//! - `GET /v1/catalogue/bundle?scope=500103[,…]&since=N`: a signed bundle, full or delta;
//!   204 when the device is current.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use zhifa_core::crypto::Signer;
use zhifa_core::registry::sign_bundle;

use crate::{AuthorityKey, CatalogueStore, ServerError};

pub const COSE_CONTENT_TYPE: &str = "application/cose; cose-type=\"cose-sign1\"";
pub const VERSION_HEADER: &str = "x-zhifa-catalogue-version";

#[derive(Clone)]
pub struct AppState {
    pub catalogue: Arc<CatalogueStore>,
    pub authority: Arc<AuthorityKey>,
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/v1/catalogue/authority", get(authority))
        .route("/v1/catalogue/bundle", get(bundle))
        .with_state(state)
}

async fn healthz(State(state): State<AppState>) -> Result<Response, ServerError> {
    let version = blocking(move || state.catalogue.version()).await?;
    Ok(Json(serde_json::json!({ "status": "ok", "catalogue_version": version })).into_response())
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
) -> Result<Response, ServerError> {
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
        let bytes = sign_bundle(&body, &state.authority.0)?;
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
    work: impl FnOnce() -> Result<T, ServerError> + Send + 'static,
) -> Result<T, ServerError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| ServerError::Config("worker task failed".into()))?
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        match self {
            ServerError::BadRequest(reason) => (StatusCode::BAD_REQUEST, reason).into_response(),
            other => {
                tracing::error!(error = %other, "request failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
            }
        }
    }
}
