//! The pages a browser opens: the supervisors' console (`console`: login, logout and the
//! shell of the single-page app in `sync-server/web/console/`, which calls the same
//! `/v1/supervision/…` JSON API as a key does, by session cookie) and the enterprise's page
//! for an officer's code (`enterprise`). `assets` serves the static files from the binary;
//! nothing on any page comes from another server.
//!
//! `web` builds on `supervision` (accounts, sessions, the API) and the core; nothing below it
//! imports `web`.

pub mod assets;
pub mod console;
pub mod texts;

pub use crate::supervision::accounts;

use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware;
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::limits::{self, Gate};
use crate::state::AppState;

/// The pages are never framed by another site, never sniffed, and load only from here.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data: blob:; \
     style-src 'self' 'unsafe-inline'; script-src 'self'; frame-src 'self'; \
     frame-ancestors 'self'; form-action 'self'; base-uri 'none'; object-src 'none'";

/// Every browser route, each family behind its gate (rate per address, body size).
pub fn router(state: &AppState) -> Router<AppState> {
    let gate =
        |family| middleware::from_fn_with_state((state.limiters.clone(), family), limits::gate);
    let pages = Router::new()
        .merge(console::pages())
        .merge(assets::router())
        .layer(gate(Gate::Public));
    // Logins hash a password: the enrolment family's tighter rate bounds what one address
    // can make the server hash.
    let login = console::login_routes().layer(gate(Gate::Enrol));
    Router::new()
        .merge(pages)
        .merge(login)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("referrer-policy"),
            HeaderValue::from_static("same-origin"),
        ))
}
