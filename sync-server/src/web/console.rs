//! The console's server side: the login form (its own CSRF cookie, then a session), logout,
//! and the shell page that loads the single-page app with the session's CSRF token. Everything
//! the app shows comes from `/v1/supervision/…`, scoped by the session's account.

use std::sync::{Arc, OnceLock};

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use tokio::sync::Semaphore;

use super::{assets, texts};
use crate::state::AppState;
use crate::storage::transaction;
use crate::supervision::accounts::sessions::{self, Session};
use crate::supervision::accounts::{self, LoginRefused};

pub const CONSOLE: &str = "/console";
pub const LOGIN: &str = "/console/login";
pub const LOGOUT: &str = "/console/logout";
/// The login form's own CSRF cookie (double submit: the form's hidden field must match it).
const LOGIN_COOKIE: &str = "zhifa_login";

/// The pages read without a password: the shell (which sends the unknown to the login) and
/// the login form itself.
pub fn pages() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to(CONSOLE) }))
        .route(CONSOLE, get(shell))
        .route(LOGIN, get(login_form))
}

/// What takes a password or ends a session.
pub fn login_routes() -> Router<AppState> {
    Router::new()
        .route(LOGIN, axum::routing::post(login))
        .route(LOGOUT, axum::routing::post(logout))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// An embedded page with its `{{name}}` slots filled (values escaped unless `raw`).
fn page(template: &str, slots: &[(&str, String)]) -> Html<String> {
    let mut html = assets::text(template).unwrap_or_default();
    for (name, value) in slots {
        html = html.replace(&format!("{{{{{name}}}}}"), value);
    }
    Html(html)
}

fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The session of a request's cookie, if live.
async fn session_of(state: &AppState, headers: &HeaderMap) -> Option<Session> {
    let token = sessions::cookie(headers, sessions::COOKIE)?.to_owned();
    let db = state.db.clone();
    let now = Utc::now().timestamp();
    tokio::task::spawn_blocking(move || {
        transaction(db.as_ref(), |tx| sessions::find(tx, &token, now))
    })
    .await
    .ok()?
    .ok()?
}

async fn shell(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(session) = session_of(&state, &headers).await else {
        return Redirect::to(LOGIN).into_response();
    };
    no_store(
        page(
            "pages/console.html",
            &[
                ("title", texts::CONSOLE_TITLE.to_owned()),
                ("csrf", escape(&session.csrf)),
                ("noscript", texts::NO_SCRIPT.to_owned()),
            ],
        )
        .into_response(),
    )
}

fn login_page(status: StatusCode, message: Option<&str>, username: &str) -> Response {
    let csrf = sessions::random_token();
    let message = message.map_or_else(String::new, |text| {
        format!(
            "<p class=\"message error\" role=\"alert\">{}</p>",
            escape(text)
        )
    });
    let mut response = (
        status,
        page(
            "pages/login.html",
            &[
                ("title", texts::LOGIN_TITLE.to_owned()),
                ("heading", texts::CONSOLE_TITLE.to_owned()),
                ("message", message),
                ("csrf", csrf.clone()),
                ("username", escape(username)),
            ],
        ),
    )
        .into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        sessions::set_cookie(LOGIN_COOKIE, &csrf, LOGIN, 3600),
    );
    no_store(response)
}

async fn login_form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if session_of(&state, &headers).await.is_some() {
        return Redirect::to(CONSOLE).into_response();
    }
    login_page(StatusCode::OK, None, "")
}

/// Passwords hashed at once, at most.
const CONCURRENT_HASHES: usize = 4;

fn hashing() -> Arc<Semaphore> {
    static PERMITS: OnceLock<Arc<Semaphore>> = OnceLock::new();
    PERMITS
        .get_or_init(|| Arc::new(Semaphore::new(CONCURRENT_HASHES)))
        .clone()
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
}

async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let expected = sessions::cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    let username: String = form.username.trim().chars().take(64).collect();
    if !sessions::same_secret(&form.csrf, expected) {
        return login_page(StatusCode::FORBIDDEN, Some(texts::FORM_EXPIRED), &username);
    }
    // Each hash takes 19 MiB: a flood of logins waits its turn or is refused, never
    // multiplies the server's memory.
    let Ok(permit) = hashing().try_acquire_owned() else {
        return login_page(
            StatusCode::SERVICE_UNAVAILABLE,
            Some(texts::BUSY),
            &username,
        );
    };
    let db = state.db.clone();
    let now = Utc::now().timestamp();
    let name = username.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let verdict = accounts::verify(db.as_ref(), &name, &form.password, now)?;
        match verdict {
            Ok(supervisor) => {
                let started = transaction(db.as_ref(), |tx| {
                    sessions::start(tx, &supervisor.key_id, now)
                })?;
                Ok(Ok(started))
            }
            Err(refused) => Ok(Err(refused)),
        }
    })
    .await;
    let outcome: Result<_, crate::error::ServerError> = match outcome {
        Ok(outcome) => outcome,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    match outcome {
        Ok(Ok((token, _csrf))) => {
            tracing::info!(username = %username, "console login");
            let mut response = Redirect::to(CONSOLE).into_response();
            let cookies = response.headers_mut();
            cookies.append(
                header::SET_COOKIE,
                sessions::set_cookie(sessions::COOKIE, &token, "/", sessions::MAX_SECONDS),
            );
            cookies.append(
                header::SET_COOKIE,
                sessions::set_cookie(LOGIN_COOKIE, "", LOGIN, 0),
            );
            no_store(response)
        }
        Ok(Err(LoginRefused::Wrong)) => {
            tracing::warn!(username = %username, "console login refused");
            login_page(StatusCode::UNAUTHORIZED, Some(texts::WRONG), &username)
        }
        Ok(Err(LoginRefused::Locked { until })) => {
            tracing::warn!(username = %username, until, "console login: account locked");
            let until = DateTime::from_timestamp(until, 0).unwrap_or_default();
            login_page(
                StatusCode::TOO_MANY_REQUESTS,
                Some(&texts::locked(until)),
                &username,
            )
        }
        Err(error) => {
            tracing::error!(%error, "console login failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[derive(Deserialize)]
struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

/// Ends the session: from the app (`X-CSRF-Token`) or a form (`csrf` field).
async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<LogoutForm>, FormRejection>,
) -> Response {
    let offered = headers
        .get(crate::supervision::api::auth::CSRF_HEADER)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
        .or_else(|| form.ok().map(|Form(form)| form.csrf))
        .unwrap_or_default();
    if let Some(session) = session_of(&state, &headers).await {
        if !sessions::same_secret(&offered, &session.csrf) {
            return (StatusCode::FORBIDDEN, texts::FORM_EXPIRED).into_response();
        }
        let db = state.db.clone();
        let ended = tokio::task::spawn_blocking(move || {
            transaction(db.as_ref(), |tx| sessions::end(tx, &session))
        })
        .await;
        if !matches!(ended, Ok(Ok(()))) {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    }
    let mut response = Redirect::to(LOGIN).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        sessions::set_cookie(sessions::COOKIE, "", "/", 0),
    );
    no_store(response)
}
