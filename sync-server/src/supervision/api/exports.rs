//! `GET /v1/supervision/export/{what}.csv|.xlsx`: one route for every export, each taking the
//! filters of the listing it exports.

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::Extension;
use serde::de::DeserializeOwned;

use super::auth::Supervisor;
use super::export::Format;
use super::reply::{Refused, Reply};
use super::{cases, indicators, reviews, warnings};
use crate::state::AppState;

fn filter<T: DeserializeOwned>(uri: &Uri) -> Result<T, Refused> {
    axum::extract::Query::<T>::try_from_uri(uri)
        .map(|query| query.0)
        .map_err(|error| Refused::bad_request(format!("查询参数有误：{error}")))
}

pub async fn download(
    State(state): State<AppState>,
    Extension(who): Extension<Supervisor>,
    Path(file): Path<String>,
    uri: Uri,
) -> Reply {
    let Some((what, format)) = Format::split(&file) else {
        return Err(Refused::not_found());
    };
    match what {
        "cases" => cases::export(state, who, filter(&uri)?, format).await,
        "reviews" => reviews::export(state, who, filter(&uri)?, format).await,
        "warnings" => warnings::export(state, who, filter(&uri)?, format).await,
        "indicator" => indicators::export(state, who, filter(&uri)?, format).await,
        _ => Err(Refused::not_found()),
    }
}
