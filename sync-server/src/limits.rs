//! What a client may cost the server: request rates per client address and per device key
//! (governor's keyed GCRA buckets), and request-body sizes refused from the declared length
//! before a byte of the body is read. The transport's timeouts and connection cap are applied
//! by `server.rs`; their values live here with the rates, in `Limits`.
//!
//! Who is charged where (`docs/PROTOCOL.md` §Limits):
//! - enrolment and the public catalogue routes: the client address, before anything else;
//! - signed routes: the client address first (a flood guard, generous because phones share
//!   carrier NAT addresses), then the device key, but only once the request's signature and
//!   time have been checked, so a forged `x-zhifa-key` can never spend a victim's bucket.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use zhifa_core::sync::protocol::ErrorCode;

use crate::error::{ApiError, Refusal};

/// A rate: `per_minute` requests on average, up to `burst` at once. `per_minute == 0` is no
/// limit at all (a test or a bench that must not be limited).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub per_minute: u32,
    pub burst: u32,
}

impl Rate {
    pub const UNLIMITED: Rate = Rate {
        per_minute: 0,
        burst: 0,
    };

    fn quota(self) -> Option<Quota> {
        let per_minute = NonZeroU32::new(self.per_minute)?;
        let period = Duration::from_secs(60) / per_minute.get();
        let burst = NonZeroU32::new(self.burst).unwrap_or(NonZeroU32::MIN);
        Some(Quota::with_period(period.max(Duration::from_nanos(1)))?.allow_burst(burst))
    }
}

/// Every limit the server applies to its clients; each has a `serve` flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Whole request headers must arrive within this (slow-header connections are closed);
    /// a kept-alive connection that sends no next request within it is closed too.
    pub header_timeout: Duration,
    /// Reading the body and answering, end to end; past it the answer is 408.
    pub request_timeout: Duration,
    /// A request body on which nothing arrives for this long fails at once.
    pub body_timeout: Duration,
    /// A connection on which no byte moves while no request is being handled (e.g. a client
    /// that stopped reading its answer) is closed.
    pub idle_timeout: Duration,
    /// Open connections at most; one over it is accepted and closed at once.
    pub max_connections: usize,
    /// Open connections from one client address at most, so that one address cannot hold
    /// the whole cap (not applied behind a proxy, `client_address_header`, whose address
    /// every connection has).
    pub max_connections_per_address: usize,
    /// Bodies of the enrolment route (a code, a key and a proof: well under a kilobyte) and
    /// of the public routes (which take none).
    pub enrol_body: usize,
    pub enrol_per_address: Rate,
    /// The catalogue and health routes (a bundle is signed on each request).
    pub public_per_address: Rate,
    /// Every signed route, by client address, before the signature is checked.
    pub signed_per_address: Rate,
    /// Every signed route, by device key, once the signature is checked.
    pub per_device: Rate,
    /// The enterprise page (`/v/...`, `web::enterprise`), by client address: public, so
    /// tighter than a device's; its forms are bounded by `web_body`.
    pub web_per_address: Rate,
    /// Ratings and complaints sent from that page, by client address.
    pub web_feedback_per_address: Rate,
    pub web_body: usize,
    /// Take the client address from this header's last entry (set by the one reverse proxy in
    /// front of the server) instead of the peer address. Off unless such a proxy exists:
    /// otherwise any client could choose its own address.
    pub client_address_header: Option<String>,
}

impl Default for Limits {
    /// Sized for phones on slow rural networks: headers are a few hundred bytes, so 20 s is
    /// ample even at 2G rates; a body of `MAX_BODY` (8 MiB) at 1 Mbit/s takes about 70 s,
    /// hence 120 s end to end. A sync uploads evidence in 512 KiB parts, so a phone with a day
    /// of photos sends a few hundred requests in one sync: 600 a minute with a burst of 300
    /// never slows it, and bounds a hostile device to 10 requests a second.
    fn default() -> Limits {
        Limits {
            header_timeout: Duration::from_secs(20),
            request_timeout: Duration::from_secs(120),
            // Mobile networks pause for seconds when a phone changes cells.
            body_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
            max_connections: 4_096,
            // A phone syncs over one connection; a district's officers behind one carrier
            // address do not sync all at once.
            max_connections_per_address: 256,
            enrol_body: 16 * 1024,
            // Thirty officers enrolling at a training session behind one address: 30 at once,
            // then one every two seconds. Codes are 80 random bits; this is defence in depth.
            enrol_per_address: Rate {
                per_minute: 30,
                burst: 30,
            },
            public_per_address: Rate {
                per_minute: 600,
                burst: 120,
            },
            signed_per_address: Rate {
                per_minute: 12_000,
                burst: 2_000,
            },
            per_device: Rate {
                per_minute: 600,
                burst: 300,
            },
            // A person checks one code in a minute or two; an office's reception behind one
            // address may check several officers at once.
            web_per_address: Rate {
                per_minute: 60,
                burst: 30,
            },
            // A few forms an hour from one address: ten at once, then one a minute.
            web_feedback_per_address: Rate {
                per_minute: 1,
                burst: 10,
            },
            web_body: 32 * 1024,
            client_address_header: None,
        }
    }
}

impl Limits {
    /// No rate limits (benches and tests that play many devices from one address); the
    /// timeouts and caps stay.
    pub fn without_rates(mut self) -> Limits {
        self.enrol_per_address = Rate::UNLIMITED;
        self.public_per_address = Rate::UNLIMITED;
        self.signed_per_address = Rate::UNLIMITED;
        self.per_device = Rate::UNLIMITED;
        self.web_per_address = Rate::UNLIMITED;
        self.web_feedback_per_address = Rate::UNLIMITED;
        self
    }
}

/// A request refused for its rate; the client may try again after `retry_after`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("rate limited ({scope}); retry after {retry_after:?}")]
pub struct RateLimited {
    pub scope: &'static str,
    pub retry_after: Duration,
}

impl Refusal for RateLimited {
    fn code(&self) -> ErrorCode {
        ErrorCode::RateLimited
    }

    fn retry_after(&self) -> Option<Duration> {
        Some(self.retry_after)
    }
}

/// Keys are forgotten once their bucket is full again; this often a sweep runs.
const SWEEP_EVERY: u64 = 4_096;

/// One keyed bucket set, or none when the rate is unlimited.
struct Buckets<K: std::hash::Hash + Eq + Clone> {
    limiter: Option<DefaultKeyedRateLimiter<K>>,
    scope: &'static str,
    checks: AtomicU64,
}

impl<K: std::hash::Hash + Eq + Clone> Buckets<K> {
    fn new(rate: Rate, scope: &'static str) -> Buckets<K> {
        Buckets {
            limiter: rate.quota().map(RateLimiter::keyed),
            scope,
            checks: AtomicU64::new(0),
        }
    }

    fn check(&self, key: &K) -> Result<(), RateLimited> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        // Bounded memory: keys whose bucket refilled are indistinguishable from new ones.
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        limiter.check_key(key).map_err(|not_until| RateLimited {
            scope: self.scope,
            retry_after: not_until.wait_time_from(DefaultClock::default().now()),
        })
    }
}

/// The server's rate limiters, shared by every request.
pub struct Limiters {
    pub limits: Limits,
    enrol: Buckets<IpAddr>,
    public: Buckets<IpAddr>,
    signed: Buckets<IpAddr>,
    device: Buckets<String>,
    web: Buckets<IpAddr>,
    web_feedback: Buckets<IpAddr>,
}

impl Limiters {
    pub fn new(limits: Limits) -> Limiters {
        Limiters {
            enrol: Buckets::new(limits.enrol_per_address, "enrolment, per address"),
            public: Buckets::new(limits.public_per_address, "public routes, per address"),
            signed: Buckets::new(limits.signed_per_address, "signed routes, per address"),
            device: Buckets::new(limits.per_device, "per device"),
            web: Buckets::new(limits.web_per_address, "enterprise page, per address"),
            web_feedback: Buckets::new(
                limits.web_feedback_per_address,
                "enterprise page feedback, per address",
            ),
            limits,
        }
    }

    /// Charged once the request's signature and time were checked (`api::SignedRequest`).
    pub fn check_device(&self, key_id: &str) -> Result<(), RateLimited> {
        self.device.check(&key_id.to_owned())
    }

    /// Charged for each rating or complaint sent from the enterprise page.
    pub fn check_web_feedback(&self, address: IpAddr) -> Result<(), RateLimited> {
        self.web_feedback.check(&bucket_address(address))
    }

    /// The client's address: the trusted proxy's header if configured, else the peer.
    pub fn client_address(&self, request: &Request) -> IpAddr {
        let forwarded = self
            .limits
            .client_address_header
            .as_deref()
            .and_then(|name| request.headers().get(name))
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.rsplit(',').next())
            .and_then(|last| last.trim().parse::<IpAddr>().ok());
        // Set by `server`'s accept loop; a router driven without it (in-process) has one
        // client, the unspecified address.
        let peer = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip());
        bucket_address(forwarded.or(peer).unwrap_or(IpAddr::from([0u8, 0, 0, 0])))
    }
}

/// IPv6 clients are charged per /64, the block one subscriber holds: otherwise one phone
/// could take a fresh bucket for every request.
pub(crate) fn bucket_address(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let bits = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(bits.into())
            }
        },
        v4 => v4,
    }
}

/// Which family of routes a gate stands in front of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    Enrol,
    Public,
    Signed,
    /// The enterprise page: refused in zh-CN text, since a person reads it.
    Web,
}

/// A gate before a family of routes: the per-address rate, then the declared body length
/// against the route's limit, before the handler (and the body) is touched.
pub async fn gate(
    State((limiters, gate)): State<(Arc<Limiters>, Gate)>,
    request: Request,
    next: Next,
) -> Response {
    let address = limiters.client_address(&request);
    let (buckets, max_body) = match gate {
        Gate::Enrol => (&limiters.enrol, limiters.limits.enrol_body),
        Gate::Public => (&limiters.public, limiters.limits.enrol_body),
        Gate::Signed => (&limiters.signed, zhifa_core::sync::protocol::MAX_BODY),
        Gate::Web => (&limiters.web, limiters.limits.web_body),
    };
    if let Err(limited) = buckets.check(&address) {
        metrics::counter!("zhifa_rate_limited_total", "scope" => limited.scope).increment(1);
        if gate == Gate::Web {
            return person_refused(
                StatusCode::TOO_MANY_REQUESTS,
                "请求过于频繁，请稍后再试。",
                Some(limited.retry_after),
            );
        }
        return ApiError::from(limited).into_response();
    }
    if let Some(declared) = declared_length(&request) {
        if declared > max_body as u64 && gate == Gate::Web {
            return person_refused(
                StatusCode::PAYLOAD_TOO_LARGE,
                "提交的内容过长，请删减后重试。",
                None,
            );
        }
        if declared > max_body as u64 {
            return ApiError::new(
                ErrorCode::TooLarge,
                format!("declared body of {declared} bytes is over the limit of {max_body}"),
            )
            .into_response();
        }
    }
    next.run(request).await
}

/// A refusal a person reads in a browser: zh-CN text, with when to try again.
fn person_refused(status: StatusCode, text: &'static str, retry: Option<Duration>) -> Response {
    let mut response = (status, text).into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    if let Some(retry) = retry {
        headers.insert(RETRY_AFTER, HeaderValue::from(retry.as_secs().max(1)));
    }
    response
}

fn declared_length(request: &Request) -> Option<u64> {
    request
        .headers()
        .get(CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_refuses_past_its_burst_and_says_when_to_return() {
        let buckets = Buckets::new(
            Rate {
                per_minute: 60,
                burst: 3,
            },
            "test",
        );
        let key = IpAddr::from([10, 0, 0, 1]);
        for _ in 0..3 {
            buckets.check(&key).expect("within the burst");
        }
        let limited = buckets.check(&key).expect_err("over the burst");
        assert!(limited.retry_after > Duration::ZERO);
        assert!(limited.retry_after <= Duration::from_secs(1));
        // Another address has its own bucket.
        buckets
            .check(&IpAddr::from([10, 0, 0, 2]))
            .expect("another address");
    }

    #[test]
    fn unlimited_rates_never_refuse() {
        let buckets = Buckets::new(Rate::UNLIMITED, "test");
        for _ in 0..10_000 {
            buckets.check(&"key".to_owned()).expect("unlimited");
        }
    }

    #[test]
    fn ipv6_clients_share_a_bucket_per_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(bucket_address(a), bucket_address(b));
        assert_ne!(bucket_address(a), bucket_address(other));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(bucket_address(mapped), IpAddr::from([192, 0, 2, 7]));
    }
}
