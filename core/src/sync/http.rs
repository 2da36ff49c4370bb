//! The reqwest transport (rustls): what the shells use unless they bring their own.

use std::io::Read;
use std::time::Duration;

use super::{Request, Response, Transport};

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
        let limit = request.answer_limit();
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
