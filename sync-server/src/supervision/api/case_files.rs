//! A case's file as a supervisor reads it in the console: `cases/{id}/documents` (each legal
//! document the case's procedure produces, ready or what the case lacks for it, and the
//! evidence the case cites), `cases/{id}/documents/{kind}` (one document as the HTML the
//! phone prints, from the core's renderer) and `cases/{id}/evidence/{hash}` (one cited
//! evidence file, streamed part by part). A case outside the scope is 404 like an absent one;
//! every answer that shows the case is written to the access log first.

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::Utc;
use serde_json::json;
use zhifa_core::calendar::beijing_date;
use zhifa_core::cases::CaseFile;
use zhifa_core::documents::DocumentKind;
use zhifa_core::sync::protocol::ErrorCode;

use super::auth::{log_access, Supervisor};
use super::names;
use super::reply::{blocking, Refused, Reply};
use crate::blobs;
use crate::error::ServerError;
use crate::state::AppState;
use crate::storage::{transaction, Database, Tx, Value};
use crate::supervision::review::{self, Reference};
use crate::supervision::Scope;

/// Each document kind with the name its route takes, in the order a case produces them.
const KINDS: [(DocumentKind, &str); 15] = [
    (DocumentKind::FilingApproval, "filing_approval"),
    (DocumentKind::OnsiteRecord, "onsite_record"),
    (DocumentKind::InquiryRecord, "inquiry_record"),
    (DocumentKind::EvidenceList, "evidence_list"),
    (DocumentKind::OrderToCorrect, "order_to_correct"),
    (
        DocumentKind::NoticeOfIntendedPenalty,
        "notice_of_intended_penalty",
    ),
    (DocumentKind::HearingRightNotice, "hearing_right_notice"),
    (DocumentKind::HearingNotice, "hearing_notice"),
    (DocumentKind::LegalReviewOpinion, "legal_review_opinion"),
    (DocumentKind::CollectiveDiscussion, "collective_discussion"),
    (DocumentKind::PenaltyDecision, "penalty_decision"),
    (DocumentKind::SummaryDecision, "summary_decision"),
    (DocumentKind::NoPenaltyDecision, "no_penalty_decision"),
    (DocumentKind::ServiceReceipt, "service_receipt"),
    (DocumentKind::ClosingReport, "closing_report"),
];

/// The index row's codes a case file does not name: its district, body and violation.
struct Codes {
    district: String,
    body: String,
    violation: String,
}

/// The index row's codes when the case lies inside the scope.
fn in_scope(tx: &mut dyn Tx, scope: &Scope, id: &str) -> Result<Option<Codes>, ServerError> {
    let mut params: Vec<Value> = vec![id.into()];
    let mut sql =
        "SELECT c.district, c.body, c.violation FROM sv_case c WHERE c.doc_id = $1".to_owned();
    if let Some((clause, value)) = scope.condition("c", 2) {
        sql.push_str(&format!(" AND {clause}"));
        params.push(value);
    }
    tx.query_opt(&sql, &params)?
        .map(|row| {
            Ok(Codes {
                district: row.text(0)?,
                body: row.text(1)?,
                violation: row.text(2)?,
            })
        })
        .transpose()
}

/// The case file when the case is in scope and its stored document reads as it.
fn visible_case(
    tx: &mut dyn Tx,
    scope: &Scope,
    id: &str,
) -> Result<Option<(CaseFile, Codes)>, ServerError> {
    let Some(row) = in_scope(tx, scope, id)? else {
        return Ok(None);
    };
    Ok(review::read_case(tx, id)?.map(|case| (case, row)))
}

/// What a file's first bytes say it is; only these are shown as images.
fn sniff(head: &[u8]) -> &'static str {
    match head {
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [0x89, b'P', b'N', b'G', ..] => "image/png",
        [b'G', b'I', b'F', b'8', ..] => "image/gif",
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => "image/webp",
        [b'%', b'P', b'D', b'F', ..] => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// The stored file's size and content type; None when the server does not hold it.
fn stored_blob(tx: &mut dyn Tx, hash: &str) -> Result<Option<(i64, &'static str)>, ServerError> {
    let Some(size) = tx
        .query_opt(
            "SELECT size FROM blob_content WHERE hash = $1",
            &[hash.into()],
        )?
        .map(|row| row.int(0))
        .transpose()?
    else {
        return Ok(None);
    };
    let head = tx
        .query_opt(
            "SELECT substr(bytes, 1, 16) FROM blob_content_part WHERE hash = $1 AND offset_ = 0",
            &[hash.into()],
        )?
        .map(|row| row.bytes(0))
        .transpose()?
        .unwrap_or_default();
    Ok(Some((size, sniff(&head))))
}

/// `GET /v1/supervision/cases/{id}/documents`.
pub async fn list(
    State(state): State<AppState>,
    Extension(who): Extension<Supervisor>,
    Path(id): Path<String>,
) -> Reply {
    let found = blocking(move || {
        let mut reference = Reference::load(&state.catalogue)?;
        let today = beijing_date(Utc::now());
        let catalogue = state.catalogue.clone();
        Ok(transaction(state.db.as_ref(), |tx| {
            let Some(codes) = in_scope(tx, &who.scope, &id)? else {
                return Ok(None);
            };
            log_access(tx, &who, &id, "documents")?;
            let body_name = names::Lookup::new(&catalogue).body(&codes.body)?;
            let names = json!({
                "district": names::district(&codes.district),
                "body": body_name,
                "violation": reference
                    .violation_name(&codes.violation)
                    .unwrap_or_else(|| codes.violation.clone()),
            });
            // Indexed, but its document does not read as a case here: nothing to render.
            let Some(case) = review::read_case(tx, &id)? else {
                return Ok(Some(json!({
                    "names": names,
                    "readable": false,
                    "documents": [],
                    "evidence": [],
                })));
            };
            let mut documents = Vec::new();
            for (kind, name) in KINDS.iter().filter(|(k, _)| k.belongs_to(case.kind)) {
                let rendered = reference.document(&case, *kind, today)?;
                documents.push(json!({
                    "kind": name,
                    "title_zh": kind.title_zh(),
                    "ready": rendered.is_ok(),
                    "lacking_zh": rendered.err(),
                }));
            }
            let mut evidence = Vec::new();
            for item in &case.evidence {
                let stored = blobs::parse_hash(&item.hash)
                    .ok()
                    .map(|hash| stored_blob(tx, &hash))
                    .transpose()?
                    .flatten();
                evidence.push(json!({
                    "hash": item.hash,
                    "kind": item.kind,
                    "description": item.description,
                    "size": item.size,
                    "stored": stored.is_some(),
                    "content_type": stored.map(|(_, t)| t),
                }));
            }
            Ok(Some(json!({
                "names": names,
                "readable": true,
                "documents": documents,
                "evidence": evidence,
            })))
        })?)
    })
    .await?;
    found
        .map(|listing| Json(listing).into_response())
        .ok_or_else(Refused::not_found)
}

/// Headers for HTML a supervisor's browser shows in a sandboxed frame: nothing it holds may
/// run or load anything.
fn framed_html(html: String) -> Response {
    let mut response = html.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'",
        ),
    );
    headers.insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `GET /v1/supervision/cases/{id}/documents/{kind}`: the document's HTML, or why the case
/// cannot produce it yet (400, zh-CN).
pub async fn document(
    State(state): State<AppState>,
    Extension(who): Extension<Supervisor>,
    Path((id, kind)): Path<(String, String)>,
) -> Reply {
    let Some((kind, name)) = KINDS.iter().find(|(_, name)| *name == kind).copied() else {
        return Err(Refused::new(ErrorCode::NotFound, "没有这种法律文书"));
    };
    let rendered = blocking(move || {
        let mut reference = Reference::load(&state.catalogue)?;
        let today = beijing_date(Utc::now());
        Ok(transaction(state.db.as_ref(), |tx| {
            let Some((case, _)) = visible_case(tx, &who.scope, &id)? else {
                return Ok(None);
            };
            if !kind.belongs_to(case.kind) {
                return Ok(Some(Err(format!(
                    "本案为{}，不制作{}",
                    case.kind.name_zh(),
                    kind.title_zh()
                ))));
            }
            let rendered = reference.document(&case, kind, today)?;
            if rendered.is_ok() {
                log_access(tx, &who, &id, &format!("document:{name}"))?;
            }
            Ok(Some(rendered))
        })?)
    })
    .await?;
    match rendered {
        None => Err(Refused::not_found()),
        Some(Ok(html)) => Ok(framed_html(html)),
        Some(Err(lacking_zh)) => Err(Refused::bad_request(lacking_zh)),
    }
}

/// `GET /v1/supervision/cases/{id}/evidence/{hash}`: a file the case cites and the server
/// holds, with the content type its bytes show; images inline, anything else as a download.
pub async fn evidence(
    State(state): State<AppState>,
    Extension(who): Extension<Supervisor>,
    Path((id, hash)): Path<(String, String)>,
) -> Reply {
    let hash = blobs::parse_hash(&hash)
        .map_err(|_| Refused::bad_request("证据文件编号应为64位小写十六进制"))?;
    let db = state.db.clone();
    let lookup = hash.clone();
    let found = blocking(move || {
        Ok(transaction(state.db.as_ref(), |tx| {
            if in_scope(tx, &who.scope, &id)?.is_none() {
                return Ok(None);
            }
            let cited = tx.query_opt(
                "SELECT 1 FROM doc_blob WHERE doc_id = $1 AND hash = $2",
                &[id.clone().into(), lookup.clone().into()],
            )?;
            if cited.is_none() {
                return Ok(None);
            }
            let stored = stored_blob(tx, &lookup)?;
            if stored.is_some() {
                log_access(tx, &who, &id, &format!("evidence:{lookup}"))?;
            }
            Ok(Some(stored))
        })?)
    })
    .await?;
    let (size, content_type) = match found {
        None => return Err(Refused::not_found()),
        Some(None) => {
            return Err(Refused::new(
                ErrorCode::NotFound,
                "该证据文件尚未从执法终端上传到服务器",
            ))
        }
        Some(Some(stored)) => stored,
    };
    let disposition = if content_type.starts_with("image/") {
        "inline"
    } else {
        "attachment"
    };
    let mut response = Response::new(stream(db, hash.clone(), size as u64));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&format!(
        "{disposition}; filename=\"evidence-{}\"",
        &hash[..12]
    )) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// The file's parts read one at a time, so a download never holds the whole file.
fn stream(db: std::sync::Arc<dyn Database>, hash: String, size: u64) -> Body {
    let parts = (0..size).step_by(zhifa_core::sync::protocol::BLOB_PART);
    let stream = futures_util::stream::unfold(Some((db, parts)), move |next| {
        let hash = hash.clone();
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
                Ok(Err(error)) => Some((Err(std::io::Error::other(error.to_string())), None)),
                Err(error) => Some((Err(std::io::Error::other(error)), None)),
            }
        }
    });
    Body::from_stream(stream)
}
