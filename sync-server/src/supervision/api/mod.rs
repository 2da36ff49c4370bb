//! `/v1/supervision/…`: the JSON API the justice bureaus' supervisors use, with an
//! admin-issued key (`auth`), every query inside the key's scope. One file per resource;
//! `export` turns any of their tables into CSV or .xlsx; `openapi` serves the document that
//! describes every route listed here.
//!
//! Roles (`auth::Role`): every role reads within its scope; city and district supervisors
//! handle warnings; city, district and reviewer keys draw and score case-file reviews; only
//! the city imports reconsideration and litigation outcomes.

pub mod auth;
mod case_files;
mod cases;
mod columns;
pub mod export;
mod exports;
mod feedback;
mod indicators;
mod names;
pub mod openapi;
mod outcomes;
mod reply;
mod review_form;
mod reviews;
mod warnings;

use axum::handler::Handler;
use axum::middleware;
use axum::routing::{get, post, MethodRouter};
use axum::Router;

use crate::state::AppState;

pub use auth::{issue_key, list_keys, revoke_key, Role, Supervisor};

/// The one supervision route served without a key.
pub const OPENAPI: &str = "/v1/supervision/openapi.json";

/// The router under construction and the (method, path) of each route it was given.
struct Routes {
    router: Router<AppState>,
    listed: Vec<(&'static str, &'static str)>,
}

impl Routes {
    fn add(
        mut self,
        method: &'static str,
        path: &'static str,
        route: MethodRouter<AppState>,
    ) -> Routes {
        self.router = self.router.route(path, route);
        self.listed.push((method, path));
        self
    }

    fn get<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Routes {
        self.add("get", path, get(handler))
    }

    fn post<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Routes {
        self.add("post", path, post(handler))
    }
}

fn routes() -> Routes {
    Routes {
        router: Router::new(),
        listed: Vec::new(),
    }
    .get("/v1/supervision/me", auth::me)
    .get("/v1/supervision/cases", cases::list)
    .get("/v1/supervision/cases/{id}", cases::get)
    .get("/v1/supervision/cases/{id}/documents", case_files::list)
    .get(
        "/v1/supervision/cases/{id}/documents/{kind}",
        case_files::document,
    )
    .get(
        "/v1/supervision/cases/{id}/evidence/{hash}",
        case_files::evidence,
    )
    .get("/v1/supervision/indicators", indicators::definitions)
    .get("/v1/supervision/indicators/{id}", indicators::figures)
    .get("/v1/supervision/indicators/{id}/cases", indicators::cases)
    .get("/v1/supervision/warnings", warnings::list)
    .get("/v1/supervision/warnings/{id}", warnings::get)
    .post(
        "/v1/supervision/warnings/{id}/acknowledge",
        warnings::acknowledge,
    )
    .post("/v1/supervision/warnings/{id}/assign", warnings::assign)
    .post("/v1/supervision/warnings/{id}/resolve", warnings::resolve)
    .post("/v1/supervision/warnings/{id}/dismiss", warnings::dismiss)
    .get("/v1/supervision/warnings/{id}/opinion", warnings::opinion)
    .post("/v1/supervision/reviews/samples", reviews::draw)
    .get("/v1/supervision/reviews/samples/{id}", reviews::sample)
    .post("/v1/supervision/reviews/samples/{id}/score", reviews::score)
    .get(
        "/v1/supervision/reviews/samples/{id}/cases/{doc}",
        review_form::form,
    )
    .post(
        "/v1/supervision/reviews/samples/{id}/cases/{doc}",
        review_form::record,
    )
    .get("/v1/supervision/reviews/summary", reviews::summary)
    .post("/v1/supervision/outcomes", outcomes::import)
    .get("/v1/supervision/export/{file}", exports::download)
    .get("/v1/supervision/feedback", feedback::list)
}

/// Every supervision route as (method, path), the OpenAPI document's included: what the
/// document must describe.
pub fn route_table() -> Vec<(&'static str, &'static str)> {
    let mut listed = routes().listed;
    listed.push(("get", OPENAPI));
    listed
}

/// The supervision routes: all but the OpenAPI document behind `auth::authenticate`.
pub fn router(state: &AppState) -> Router<AppState> {
    let gate = auth::Gatekeeper::new(state);
    routes()
        .router
        .route_layer(middleware::from_fn_with_state(gate, auth::authenticate))
        .route(OPENAPI, get(openapi::document))
        // A body-level figure list of the city is half a megabyte of JSON; gzip makes it a
        // tenth (images and small answers go as they are).
        .layer(tower_http::compression::CompressionLayer::new())
}
