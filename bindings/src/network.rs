//! How a store reaches the server: the core's reqwest client (rustls) by default, or the
//! platform's own HTTP stack (OkHttp or `HttpURLConnection` on Android, `URLSession` on iOS)
//! where an agency needs the platform's trust store, proxies or its own CAs, supplied through
//! the foreign async trait `HttpClient`, as application-services' viaduct routes its requests
//! through the platform. Either way the core signs, retries and limits every request; a
//! platform client only carries bytes.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use zhifa_core::sync::http::HttpTransport;
use zhifa_core::sync::{Request, Response, Transport};

use crate::error::ZhifaError;
use crate::runtime::{wait_for, Cancel};

/// One header of a request.
#[derive(Debug, Clone, uniffi::Record)]
pub struct HttpHeader {
    pub name: String,
    pub value: String,
}

/// A request the core asks the platform's client to send as it is.
#[derive(Debug, Clone, uniffi::Record)]
pub struct HttpRequest {
    /// `GET`, `POST` or `PUT`.
    pub method: String,
    pub url: String,
    pub headers: Vec<HttpHeader>,
    pub body: Vec<u8>,
    /// The whole exchange's limit; the core gives up a little after it regardless.
    pub timeout_millis: i64,
    /// Read no more of the answer's body than this and one byte: the core refuses a longer
    /// answer, and a client that reads it all first lets a hostile server fill the phone.
    pub max_response_bytes: i64,
}

/// The server's answer, whatever its status.
#[derive(Debug, Clone, uniffi::Record)]
pub struct HttpResponse {
    pub status: i32,
    pub body: Vec<u8>,
}

/// No complete answer arrived (offline, timeout, TLS refused, cut off). The core retries
/// with backoff and tells the officer nothing was lost.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum HttpError {
    #[error("{reason}")]
    Failed { reason: String },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for HttpError {
    fn from(error: uniffi::UnexpectedUniFFICallbackError) -> Self {
        HttpError::Failed {
            reason: error.reason,
        }
    }
}

/// The platform's HTTP client, implemented by the shell.
#[uniffi::export(with_foreign)]
#[async_trait::async_trait]
pub trait HttpClient: Send + Sync {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, HttpError>;
}

/// What every request of one store goes through: the client chosen, and the turn a sync
/// waits for (a sync cancelled mid-request still holds the device's sync lock until that
/// request ends; the next one waits for it instead of failing as busy).
#[derive(Default)]
pub(crate) struct Network {
    client: RwLock<Option<Arc<dyn HttpClient>>>,
    pub(crate) sync_turn: Arc<tokio::sync::Mutex<()>>,
}

/// The built-in client's limit for one exchange.
const TIMEOUT: Duration = Duration::from_secs(60);

impl Network {
    pub(crate) fn use_client(&self, client: Option<Arc<dyn HttpClient>>) {
        *self.client.write().unwrap_or_else(|p| p.into_inner()) = client;
    }

    /// A transport to `server_url` over the chosen client; `cancel` cuts a platform
    /// request short (the built-in client's request runs to its timeout).
    pub(crate) fn transport(
        &self,
        server_url: &str,
        cancel: Cancel,
    ) -> Result<Box<dyn Transport>, ZhifaError> {
        let bad_url = || ZhifaError::Validation {
            user_message: zhifa_core::texts::sync::BAD_SERVER_URL.into(),
        };
        let base = server_url.trim_end_matches('/');
        if !(base.starts_with("https://") || base.starts_with("http://")) || base.contains(' ') {
            return Err(bad_url());
        }
        let client = self
            .client
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        Ok(match client {
            None => Box::new(HttpTransport::with_timeout(base, TIMEOUT).map_err(|_| bad_url())?),
            Some(client) => Box::new(PlatformTransport {
                client,
                base: base.to_owned(),
                cancel,
            }),
        })
    }
}

struct PlatformTransport {
    client: Arc<dyn HttpClient>,
    base: String,
    cancel: Cancel,
}

impl Transport for PlatformTransport {
    fn send(&self, request: &Request) -> Result<Response, String> {
        let limit = request.answer_limit();
        let asked = HttpRequest {
            method: request.method.to_owned(),
            url: format!("{}{}", self.base, request.path),
            headers: request
                .headers
                .iter()
                .map(|(name, value)| HttpHeader {
                    name: (*name).to_owned(),
                    value: value.clone(),
                })
                .collect(),
            body: request.body.clone(),
            timeout_millis: TIMEOUT.as_millis() as i64,
            max_response_bytes: limit as i64,
        };
        let answer = wait_for(async {
            tokio::select! {
                answer = tokio::time::timeout(TIMEOUT + Duration::from_secs(5), self.client.send(asked)) => {
                    answer.map_err(|_| "the platform client did not answer in time".to_owned())
                }
                _ = self.cancel.cancelled() => Err("cancelled".to_owned()),
            }
        })?;
        let answer = answer.map_err(|e| e.to_string())?;
        let status = u16::try_from(answer.status)
            .ok()
            .filter(|s| (100..600).contains(s))
            .ok_or_else(|| format!("the platform client gave status {}", answer.status))?;
        if answer.body.len() as u64 > limit {
            return Err(format!("answer over {limit} bytes"));
        }
        Ok(Response {
            status,
            body: answer.body,
        })
    }
}
