//! The device API (`docs/PROTOCOL.md`). Every handler reads the raw body, authenticates the
//! signed request, then works on the blocking pool; errors are JSON with a stable code.

use axum::body::Bytes;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;
use zhifa_core::sync::auth::RequestSignature;
use zhifa_core::sync::protocol::{
    from_cbor, to_cbor, CaseNumberRequest, CredentialRequest, EnrolRequest, ErrorCode, EventUpload,
    SyncRequest, SyncResponse, CBOR, EVENT_BATCH, MAX_BODY,
};

use crate::devices::{self, DeviceRecord};
use crate::error::ApiError;
use crate::state::AppState;
use crate::storage::Database;
use crate::{blobs, credentials, events, numbers};

fn cbor<T: serde::Serialize>(value: &T) -> Response {
    ([(axum::http::header::CONTENT_TYPE, CBOR)], to_cbor(value)).into_response()
}

fn decode<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, ApiError> {
    from_cbor(body).ok_or_else(|| ApiError::bad_request("body is not the expected CBOR"))
}

/// A request to the device API as it arrived: authenticated by `run`, on the blocking pool,
/// before any work is done.
pub struct SignedRequest {
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
}

impl<S: Send + Sync> FromRequest<S> for SignedRequest {
    type Rejection = ApiError;

    async fn from_request(request: Request, _: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = request.into_parts();
        let body = read_body(body, MAX_BODY).await?;
        Ok(SignedRequest {
            method: parts.method,
            uri: parts.uri,
            headers: parts.headers,
            body,
        })
    }
}

impl SignedRequest {
    /// Authenticates the request, then runs `work` with the device that sent it and a
    /// database whose first transaction also records the request's nonce.
    async fn run<T: Send + 'static>(
        self,
        state: AppState,
        work: impl FnOnce(&dyn Database, AppState, DeviceRecord, Bytes) -> Result<T, ApiError>
            + Send
            + 'static,
    ) -> Result<T, ApiError> {
        tokio::task::spawn_blocking(move || {
            let headers = &self.headers;
            let signature = RequestSignature::from_headers(|name| {
                headers.get(name).and_then(|v| v.to_str().ok())
            });
            let path = self
                .uri
                .path_and_query()
                .map_or(self.uri.path(), |p| p.as_str());
            let (device, nonce) = devices::authenticate(
                state.db.as_ref(),
                signature,
                self.method.as_str(),
                path,
                &self.body,
                Utc::now(),
            )?;
            // Only now, with the signature checked, is the key's bucket charged: a forged
            // key id spends nothing of its owner's rate.
            state.limiters.check_device(&device.key_id)?;
            let db = state.db.clone();
            let once = devices::OnceOnly::new(db.as_ref(), nonce);
            let out = work(&once, state, device, self.body)?;
            once.finish()?;
            Ok(out)
        })
        .await?
    }
}

/// A request body, whole: over `limit` (when no length was declared) it is `too_large`; one
/// that stopped arriving (the body timeout) is a bad request.
async fn read_body(body: axum::body::Body, limit: usize) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, limit).await.map_err(|error| {
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&error);
        while let Some(current) = cause {
            if current.is::<tower_http::timeout::TimeoutError>() {
                return ApiError::bad_request("request body stalled");
            }
            cause = current.source();
        }
        ApiError::new(ErrorCode::TooLarge, "request body over the limit")
    })
}

pub async fn enrol(State(state): State<AppState>, request: Request) -> Result<Response, ApiError> {
    let body = read_body(request.into_body(), state.limiters.limits.enrol_body).await?;
    let request: EnrolRequest = decode(&body)?;
    let enrolment = tokio::task::spawn_blocking(move || {
        devices::enrol(state.db.as_ref(), &state.catalogue, &request, Utc::now())
    })
    .await??;
    Ok(cbor(&enrolment))
}

pub async fn sync(
    State(state): State<AppState>,
    request: SignedRequest,
) -> Result<Response, ApiError> {
    let response = request
        .run(state, |db, state, device, body| {
            let request: SyncRequest = decode(&body)?;
            let index = state.projection.for_round();
            let round = state
                .documents
                .round(db, &device, &request, index.as_deref())?;
            metrics::counter!("zhifa_sync_messages_received_total")
                .increment(request.messages.len() as u64);
            metrics::counter!("zhifa_sync_messages_sent_total")
                .increment(round.messages.len() as u64);
            metrics::counter!("zhifa_documents_changed_total").increment(round.applied.into());
            if round.applied > 0 {
                state.figures.invalidate();
            }
            Ok(SyncResponse {
                changed: round.changed,
                cursor: round.cursor,
                more: round.more,
                messages: round.messages,
                refused: round.refused,
                catalogue_version: state.catalogue.version()?,
                server_time: Some(Utc::now()),
            })
        })
        .await?;
    Ok(cbor(&response))
}

pub async fn upload_events(
    State(state): State<AppState>,
    request: SignedRequest,
) -> Result<Response, ApiError> {
    let ack = request
        .run(state, |db, state, device, body| {
            let upload: EventUpload = decode(&body)?;
            if upload.events.len() > EVENT_BATCH as usize {
                return Err(ApiError::bad_request(
                    "more events than one request may carry",
                ));
            }
            let index = state.projection.for_round();
            let ack = events::receive(db, &device, &upload, index.as_deref())?;
            metrics::counter!("zhifa_events_stored_total").increment(ack.acked.len() as u64);
            if !ack.acked.is_empty() {
                state.figures.invalidate();
            }
            Ok(ack)
        })
        .await?;
    Ok(cbor(&ack))
}

pub async fn case_numbers(
    State(state): State<AppState>,
    request: SignedRequest,
) -> Result<Response, ApiError> {
    let block = request
        .run(state, |db, state, device, body| {
            numbers::may_reserve(&device)?;
            let request: CaseNumberRequest = decode(&body)?;
            Ok(numbers::reserve(
                db,
                &state.catalogue,
                &device,
                &request,
                Utc::now(),
            )?)
        })
        .await?;
    Ok(cbor(&block))
}

pub async fn credential(
    State(state): State<AppState>,
    request: SignedRequest,
) -> Result<Response, ApiError> {
    let credential = request
        .run(state, |_db, state, device, body| {
            credentials::may_hold(&device)?;
            let request: CredentialRequest = decode(&body)?;
            Ok(credentials::issue(
                &state.catalogue,
                &state.agencies,
                &device,
                &request,
                Utc::now(),
            )?)
        })
        .await?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/cose")],
        credential,
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct PartQuery {
    offset: u64,
    size: u64,
}

pub async fn blob_status(
    State(state): State<AppState>,
    Path(hash): Path<String>,
    request: SignedRequest,
) -> Result<Response, ApiError> {
    let hash = blobs::parse_hash(&hash)?;
    let status = request
        .run(state, move |db, _state, device, _| {
            Ok(blobs::status(db, &device, &hash)?)
        })
        .await?;
    Ok(cbor(&status))
}

pub async fn blob_put(
    State(state): State<AppState>,
    Path(hash): Path<String>,
    Query(part): Query<PartQuery>,
    request: SignedRequest,
) -> Result<Response, ApiError> {
    let hash = blobs::parse_hash(&hash)?;
    let status = request
        .run(state, move |db, state, device, body| {
            // A file that completes may be the evidence a case was missing.
            state.figures.invalidate();
            Ok(blobs::put_part(
                db,
                &state.blob_limits,
                &device,
                &hash,
                part.offset,
                part.size,
                &body,
                Utc::now().timestamp(),
            )?)
        })
        .await?;
    Ok(cbor(&status))
}

/// Streams the file part by part, each read on the blocking pool when the connection is
/// ready for it: a download never holds more than one part in memory.
pub async fn blob_get(
    State(state): State<AppState>,
    Path(hash): Path<String>,
    request: SignedRequest,
) -> Result<Response, ApiError> {
    let hash = blobs::parse_hash(&hash)?;
    let db = state.db.clone();
    let download = request
        .run(state, move |db, _state, device, _| {
            Ok(blobs::open_download(db, &device, &hash)?)
        })
        .await?;
    let parts = download.offsets.into_iter();
    let stream = futures_util::stream::unfold(Some((db, parts)), move |next| {
        let hash = download.hash.clone();
        async move {
            let (db, mut parts) = next?;
            let offset = parts.next()?;
            let reader = db.clone();
            let read = tokio::task::spawn_blocking(move || {
                blobs::read_part(reader.as_ref(), &hash, offset)
            })
            .await;
            match read {
                Ok(Ok(bytes)) => Some((Ok(Bytes::from(bytes)), Some((db, parts)))),
                // The connection is cut short; the device's hash check refuses what came.
                Ok(Err(error)) => Some((Err(std::io::Error::other(error.to_string())), None)),
                Err(error) => Some((Err(std::io::Error::other(error)), None)),
            }
        }
    });
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/octet-stream")],
        axum::body::Body::from_stream(stream),
    )
        .into_response())
}
