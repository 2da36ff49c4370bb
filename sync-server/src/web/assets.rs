//! The static files of the pages (`sync-server/web/`), embedded in the binary and served at
//! `/assets/…`: with their type, an ETag (a browser's second visit costs a 304), and gzip
//! when the browser takes it (compressed once per file, then kept).

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use rust_embed::RustEmbed;

use crate::state::AppState;

#[derive(RustEmbed)]
#[folder = "web/"]
#[exclude = "package*.json"]
#[exclude = "node_modules/*"]
struct Files;

pub const PREFIX: &str = "/assets/";

pub fn router() -> Router<AppState> {
    Router::new().route("/assets/{*path}", get(serve))
}

/// Whether `path` (under `sync-server/web/`) is embedded.
pub fn exists(path: &str) -> bool {
    Files::get(path).is_some()
}

/// An embedded file's text (templates of the server-rendered pages).
pub fn text(path: &str) -> Option<String> {
    Files::get(path).map(|file| String::from_utf8_lossy(&file.data).into_owned())
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "html" => "text/html; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "json" => "application/json",
        "woff2" => "font/woff2",
        _ => "text/plain; charset=utf-8",
    }
}

fn compressible(path: &str) -> bool {
    !path.ends_with(".png") && !path.ends_with(".woff2")
}

/// Each file gzipped at most once.
fn gzipped(path: &str, data: &[u8]) -> Arc<Vec<u8>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Vec<u8>>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(done) = cache.lock().expect("asset cache").get(path) {
        return done.clone();
    }
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data).expect("gzip into memory");
    let done = Arc::new(encoder.finish().expect("gzip into memory"));
    cache
        .lock()
        .expect("asset cache")
        .insert(path.to_owned(), done.clone());
    done
}

fn takes_gzip(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.split(',').any(|e| e.trim().starts_with("gzip")))
}

async fn serve(Path(path): Path<String>, headers: HeaderMap) -> Response {
    let Some(file) = Files::get(&path) else {
        return (StatusCode::NOT_FOUND, "未找到该文件").into_response();
    };
    let etag = format!("\"{}\"", hex::encode(&file.metadata.sha256_hash()[..12]));
    let cached = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value == etag);
    let mut response = if cached {
        StatusCode::NOT_MODIFIED.into_response()
    } else if compressible(&path) && takes_gzip(&headers) {
        let mut response = gzipped(&path, &file.data).as_ref().clone().into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        response
    } else {
        file.data.into_owned().into_response()
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(&path)),
    );
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    // Revalidated after five minutes: a new server version shows within minutes.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    headers.insert(
        header::ETAG,
        HeaderValue::from_str(&etag).expect("hex etag"),
    );
    response
}
