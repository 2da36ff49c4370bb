//! The enterprise's page for an officer's code, no app needed: `/v/<code>` (the URL form of
//! the enforcement code, `codes::enforcement::url_form`, which any phone camera opens; `/V/`
//! too, as the QR prints it). The server checks the code with the app's own checks
//! (`check`), shows the verdict in plain words (`page`), asks for the enterprise's credit
//! code when the code is bound to one (remembered in a cookie), and takes a rating or a
//! complaint tied to that check (`feedback`).
//!
//! A web check is recorded as supervision data, marked as such (`sv_web_check`); it is
//! weaker evidence than the app's signed verification and never counts as the enterprise's
//! side of 两码互核 (docs/CODES.md, "The enterprise page").

pub mod check;
pub mod feedback;
mod form;
pub mod page;
mod registry;
pub(crate) mod schema;
pub mod texts;

use std::net::IpAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use chrono::Utc;
use zhifa_core::ids::CreditCode;
use zhifa_core::registry::Enterprise;

use crate::limits::{self, Gate, Limiters};
use crate::state::AppState;
use check::Outcome;
use texts::refused;

pub use registry::WebRegistry;

/// Cookies: the enterprise's credit code (a year) and the browser's recent checks (a day).
pub const ENTERPRISE_COOKIE: &str = "zhifa_enterprise";
pub const CHECKS_COOKIE: &str = "zhifa_checks";
/// Checks a browser remembers (newest first).
const CHECKS_KEPT: usize = 8;

/// What the page's handlers share beyond the server's state.
pub struct WebState {
    pub registry: WebRegistry,
    limiters: Arc<Limiters>,
}

/// The page's routes behind the web gate (rate per address, body size).
pub fn router(state: &AppState) -> Router<AppState> {
    let web = Arc::new(WebState {
        registry: WebRegistry::default(),
        limiters: state.limiters.clone(),
    });
    // The registry copy is cut from a full bundle on first use: made now, off the request
    // path, so the first person to scan a code does not wait for it.
    let (warm, warm_state) = (web.clone(), state.clone());
    std::thread::spawn(move || {
        if let Err(error) = warm.registry.current(&warm_state) {
            tracing::warn!(%error, "enterprise page: registry not prepared at start");
        }
    });
    let gate = middleware::from_fn_with_state((state.limiters.clone(), Gate::Web), limits::gate);
    Router::new()
        .route("/v/{*code}", get(show).post(send))
        .route("/V/{*code}", get(show).post(send))
        .layer(Extension(web))
        .layer(gate)
}

fn html(status: StatusCode, body: String, cookies: &[String]) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    // A verdict belongs to the browser that asked; nothing may keep it.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    for cookie in cookies {
        if let Ok(value) = HeaderValue::from_str(cookie) {
            headers.append(header::SET_COOKIE, value);
        }
    }
    response
}

fn set_cookie(name: &str, value: &str, max_age: i64) -> String {
    format!("{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax; Secure")
}

/// The browser's recent check ids, as its cookie lists them (hex only, at most `CHECKS_KEPT`).
fn seen_checks(headers: &HeaderMap) -> Vec<String> {
    form::cookie(headers, CHECKS_COOKIE)
        .unwrap_or_default()
        .split('.')
        .filter(|id| id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()))
        .take(CHECKS_KEPT)
        .map(str::to_owned)
        .collect()
}

fn checks_cookie(first: &str, seen: &[String]) -> String {
    let ids: Vec<&str> = std::iter::once(first)
        .chain(seen.iter().map(String::as_str).filter(|id| *id != first))
        .take(CHECKS_KEPT)
        .collect();
    set_cookie(CHECKS_COOKIE, &ids.join("."), 86_400)
}

/// The enterprise a request names, or the page to show instead.
enum Named {
    Known(Enterprise, Option<String>),
    Unnamed,
    Refused(String, String),
}

/// The credit code from the form (checked, then remembered) or else the cookie.
fn named(state: &AppState, asked: Option<&str>, headers: &HeaderMap) -> Named {
    let (text, from_form) = match asked {
        Some(text) => (text.trim().to_ascii_uppercase(), true),
        None => match form::cookie(headers, ENTERPRISE_COOKIE) {
            Some(text) => (text, false),
            None => return Named::Unnamed,
        },
    };
    let refused = |why: String| {
        if from_form {
            Named::Refused(why, text.clone())
        } else {
            Named::Unnamed
        }
    };
    if let Err(error) = CreditCode::parse(&text) {
        return refused(error.message_zh());
    }
    match state.catalogue.enterprise(&text) {
        Ok(Some(enterprise)) => {
            let cookie = from_form.then(|| set_cookie(ENTERPRISE_COOKIE, &text, 31_536_000));
            Named::Known(enterprise, cookie)
        }
        _ => refused(texts::UNKNOWN_ENTERPRISE.to_owned()),
    }
}

/// `GET /v/<code>`: the verdict, or the credit-code question first.
async fn show(
    State(state): State<AppState>,
    Extension(web): Extension<Arc<WebState>>,
    request: Request,
) -> Response {
    let path = request.uri().path().to_owned();
    let Some(query) = form::fields(request.uri().query().unwrap_or_default()) else {
        return html(
            StatusCode::BAD_REQUEST,
            page::message(refused::BAD_FORM),
            &[],
        );
    };
    let headers = request.headers().clone();
    if form::get(&query, "change").is_some() {
        return html(StatusCode::OK, page::ask_credit_code(&path, None, ""), &[]);
    }
    let notice = match form::get(&query, "sent") {
        Some("rating") => Some(texts::RATED),
        Some("complaint") => Some(texts::COMPLAINED),
        _ => None,
    };
    let asked = form::get(&query, "enterprise").map(str::to_owned);
    let outcome = tokio::task::spawn_blocking(move || {
        let (enterprise, cookie) = match named(&state, asked.as_deref(), &headers) {
            Named::Known(enterprise, cookie) => (Some(enterprise), cookie),
            Named::Unnamed => (None, None),
            Named::Refused(why, text) => return Ok((None, Err((why, text)), headers)),
        };
        let seen = seen_checks(&headers);
        let outcome = check::run(&state, &web, &path, enterprise.as_ref(), &seen, Utc::now())?;
        Ok::<_, crate::error::ServerError>((cookie, Ok(outcome), headers))
    })
    .await;
    let path = request.uri().path();
    let (cookie, outcome, headers) = match outcome {
        Ok(Ok(done)) => done,
        failed => {
            tracing::error!(?failed, "enterprise page check failed");
            return html(
                StatusCode::INTERNAL_SERVER_ERROR,
                page::message(refused::INTERNAL),
                &[],
            );
        }
    };
    let mut cookies: Vec<String> = cookie.into_iter().collect();
    match outcome {
        Err((why, text)) => html(
            StatusCode::BAD_REQUEST,
            page::ask_credit_code(path, Some(&why), &text),
            &[],
        ),
        Ok(Outcome::Unreadable(refusal)) => html(
            StatusCode::BAD_REQUEST,
            page::unreadable(&refusal),
            &cookies,
        ),
        Ok(Outcome::NeedCreditCode) => html(
            StatusCode::OK,
            page::ask_credit_code(path, None, ""),
            &cookies,
        ),
        Ok(Outcome::Checked(checked)) => {
            cookies.push(checks_cookie(&checked.id, &seen_checks(&headers)));
            let body = page::verdict(path, &checked, notice);
            html(StatusCode::OK, body, &cookies)
        }
    }
}

/// Largest feedback form accepted (a complaint of `MAX_COMPLAINT` characters, escaped).
pub const MAX_FORM: usize = 32 * 1024;

/// `POST /v/<code>`: a rating or complaint about the check the browser made of that code.
async fn send(
    State(state): State<AppState>,
    Extension(web): Extension<Arc<WebState>>,
    request: Request,
) -> Response {
    let address = web.limiters.client_address(&request);
    let (parts, body) = request.into_parts();
    let refuse = |status: StatusCode, text: &str| html(status, page::message(text), &[]);
    if !form::same_origin(&parts.headers) {
        return refuse(StatusCode::FORBIDDEN, refused::FORM_EXPIRED);
    }
    let Ok(bytes) = axum::body::to_bytes(Body::new(body), MAX_FORM).await else {
        return refuse(StatusCode::PAYLOAD_TOO_LARGE, refused::BAD_FORM);
    };
    let Some(fields) = std::str::from_utf8(&bytes).ok().and_then(form::fields) else {
        return refuse(StatusCode::BAD_REQUEST, refused::BAD_FORM);
    };
    let field = |name| form::get(&fields, name).unwrap_or_default();
    let path = parts.uri.path().to_owned();
    let Some(hash) = check::code_hash(&path) else {
        return refuse(StatusCode::BAD_REQUEST, refused::BAD_FORM);
    };
    let check_id = field("check").to_owned();
    if !seen_checks(&parts.headers).contains(&check_id) {
        return refuse(StatusCode::FORBIDDEN, refused::FORM_EXPIRED);
    }
    let sent = match feedback::read(
        field("kind"),
        form::get(&fields, "score"),
        field("text"),
        field("contact"),
    ) {
        Ok(sent) => sent,
        Err(why) => return refuse(status(why.status), &why.text),
    };
    if !feedback_allowed(&web, address) {
        return refuse(StatusCode::TOO_MANY_REQUESTS, refused::TOO_FAST);
    }
    let csrf = field("csrf").to_owned();
    let kind = sent.kind();
    let state_figures = state.figures.clone();
    let recorded = tokio::task::spawn_blocking(move || {
        crate::storage::transaction(state.db.as_ref(), |tx| {
            feedback::record(tx, &check_id, &hash, &csrf, &sent, Utc::now())
        })
    })
    .await;
    match recorded {
        Ok(Ok(Ok(_))) => {
            // Ratings and complaints are figures of the feedback indicators.
            state_figures.invalidate();
            let mut response = StatusCode::SEE_OTHER.into_response();
            let location = format!("{path}?sent={kind}");
            if let Ok(value) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            response
        }
        Ok(Ok(Err(why))) => refuse(status(why.status), &why.text),
        failed => {
            tracing::error!(?failed, "enterprise feedback failed");
            refuse(StatusCode::INTERNAL_SERVER_ERROR, refused::INTERNAL)
        }
    }
}

fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST)
}

/// The per-address feedback rate (`Limits::web_feedback_per_address`).
fn feedback_allowed(web: &WebState, address: IpAddr) -> bool {
    web.limiters.check_web_feedback(address).is_ok()
}
