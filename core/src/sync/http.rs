//! The reqwest transport (rustls): what the shells use unless they bring their own.

use std::io::Read;
use std::time::Duration;

use super::protocol::{routes, MAX_BLOB, MAX_BODY};
use super::{Request, Response, Transport};
use crate::registry::MAX_BUNDLE_BYTES;

/// The most of an answer read, by what was asked: a catalogue bundle, an evidence file, or
/// the device API's `MAX_BODY`. A server that sends more (compromised, or a proxy gone wrong)
/// is cut off before the phone holds it, not after.
fn answer_limit(request: &Request) -> u64 {
    let path = request.path.split('?').next().unwrap_or_default();
    if path == routes::CATALOGUE_BUNDLE {
        MAX_BUNDLE_BYTES as u64
    } else if request.method == "GET"
        && path.starts_with("/v1/blobs/")
        && !path.ends_with("/status")
    {
        MAX_BLOB
    } else {
        MAX_BODY as u64
    }
}

pub struct HttpTransport {
    base: String,
    client: reqwest::blocking::Client,
}

impl HttpTransport {
    /// `base` is the server's address, e.g. `https://zhifa.example.gov.cn`.
    pub fn new(base: &str) -> Result<HttpTransport, String> {
        HttpTransport::with_timeout(base, Duration::from_secs(60))
    }

    pub fn with_timeout(base: &str, timeout: Duration) -> Result<HttpTransport, String> {
        let client = reqwest::blocking::Client::builder()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(10))
            // A connection the network dropped is not reused for the retry.
            .pool_idle_timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(HttpTransport {
            base: base.trim_end_matches('/').to_owned(),
            client,
        })
    }
}

impl Transport for HttpTransport {
    fn send(&self, request: &Request) -> Result<Response, String> {
        let method =
            reqwest::Method::from_bytes(request.method.as_bytes()).map_err(|e| e.to_string())?;
        let mut builder = self
            .client
            .request(method, format!("{}{}", self.base, request.path))
            .body(request.body.clone());
        for (name, value) in &request.headers {
            builder = builder.header(*name, value);
        }
        let limit = answer_limit(request);
        let response = builder.send().map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        if response.content_length().is_some_and(|n| n > limit) {
            return Err(format!("answer over {limit} bytes"));
        }
        let mut body = Vec::new();
        response
            .take(limit + 1)
            .read_to_end(&mut body)
            .map_err(|e| e.to_string())?;
        if body.len() as u64 > limit {
            return Err(format!("answer over {limit} bytes"));
        }
        Ok(Response { status, body })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(method: &'static str, path: &str) -> u64 {
        answer_limit(&Request {
            method,
            path: path.into(),
            headers: Vec::new(),
            body: Vec::new(),
        })
    }

    #[test]
    fn each_answer_is_read_only_up_to_what_it_may_hold() {
        assert_eq!(asked("POST", routes::SYNC), MAX_BODY as u64);
        assert_eq!(asked("GET", &routes::blob(&"a".repeat(64))), MAX_BLOB);
        assert_eq!(
            asked("GET", &routes::blob_status(&"a".repeat(64))),
            MAX_BODY as u64
        );
        assert_eq!(
            asked(
                "GET",
                &format!("{}?scope=500103&since=3", routes::CATALOGUE_BUNDLE)
            ),
            MAX_BUNDLE_BYTES as u64
        );
    }
}
