//! Putting a server together from its configuration, and serving until told to stop.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context as TaskContext, Poll};
use std::time::{Duration, Instant};

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::Semaphore;
use tower_http::timeout::TimeoutBody;
use tower_service::Service;

use crate::agencies::AgencyKeys;
use crate::authority::AuthorityKey;
use crate::catalogue::CatalogueStore;
use crate::docs::Documents;
use crate::error::ServerError;
use crate::http::{metrics_router, router};
use crate::limits::{bucket_address, Limiters, Limits};
use crate::state::AppState;
use crate::storage::{Database, PostgresDatabase, SqliteDatabase};
use crate::supervision::index::Projection;

/// What a server needs; every field has a flag and an environment variable in `serve`.
#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    /// `postgres://…` for the shared PostgreSQL store; SQLite in the data dir otherwise.
    pub database_url: Option<String>,
    pub authority_key: Option<PathBuf>,
    /// Documents kept loaded; the least recently used leave first.
    pub cache_documents: usize,
    /// Timeouts, caps and rates (`limits`).
    pub limits: Limits,
    /// `/metrics` on the public port only with `Authorization: Bearer <token>`; without a
    /// token it is served on the internal listener alone (`serve_metrics`).
    pub metrics_token: Option<String>,
    /// Evidence quotas (per device staged, per team per day).
    pub blob_limits: crate::blobs::Limits,
    /// How long a computed indicator figure serves (zero: computed each time).
    pub figure_cache: std::time::Duration,
}

impl Config {
    pub fn new(data_dir: impl Into<PathBuf>) -> Config {
        Config {
            data_dir: data_dir.into(),
            database_url: None,
            authority_key: None,
            cache_documents: 2_048,
            limits: Limits::default(),
            metrics_token: None,
            blob_limits: crate::blobs::Limits::default(),
            figure_cache: std::time::Duration::ZERO,
        }
    }
}

/// `url` may ask for TLS as libpq does (`sslmode=require|verify-full`, `sslrootcert=PATH`):
/// `storage::postgres`.
pub fn open_database(data_dir: &Path, url: Option<&str>) -> Result<Arc<dyn Database>, ServerError> {
    Ok(match url {
        Some(url) if !url.is_empty() => Arc::new(PostgresDatabase::open(url)?),
        _ => Arc::new(SqliteDatabase::open(&data_dir.join("sync.sqlite3"))?),
    })
}

pub fn open_catalogue(data_dir: &Path) -> Result<CatalogueStore, ServerError> {
    CatalogueStore::open(&data_dir.join("server.sqlite3"))
}

/// The process-wide Prometheus recorder (installed once, shared by every server in a process).
fn metrics_handle() -> Option<PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| PrometheusBuilder::new().install_recorder().ok())
        .clone()
}

pub fn state(config: &Config) -> Result<AppState, ServerError> {
    let key_path = config
        .authority_key
        .clone()
        .unwrap_or_else(|| config.data_dir.join("authority.key"));
    let catalogue = Arc::new(open_catalogue(&config.data_dir)?);
    Ok(AppState {
        projection: Arc::new(Projection::new(catalogue.clone())),
        catalogue,
        authority: Arc::new(AuthorityKey::load_or_create(&key_path)?),
        agencies: Arc::new(AgencyKeys::open(&config.data_dir)),
        db: open_database(&config.data_dir, config.database_url.as_deref())?,
        documents: Arc::new(Documents::new(config.cache_documents)),
        metrics: metrics_handle(),
        metrics_token: config.metrics_token.clone().filter(|t| !t.is_empty()),
        limiters: Arc::new(Limiters::new(config.limits.clone())),
        blob_limits: config.blob_limits,
        figures: Arc::new(crate::supervision::indicators::FigureCache::new(
            config.figure_cache,
        )),
    })
}

/// Serves the device API on `listener` until `shutdown` completes; requests in flight finish
/// first. The transport limits are the state's (`Limits`).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let limits = state.limiters.limits.clone();
    accept(listener, router(state), &limits, shutdown).await
}

/// Serves `/metrics` alone, unauthenticated, on an internal listener (`--metrics-addr`).
pub async fn serve_metrics(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let limits = state.limiters.limits.clone();
    accept(listener, metrics_router(state), &limits, shutdown).await
}

/// Our own accept loop, because `axum::serve` hides hyper's knobs: HTTP/1.1 only, a header
/// read timeout (which also closes a kept-alive connection that sends nothing more), a cap
/// on open connections (one over it is closed at once), a stall timeout on request bodies,
/// and the idle watch (`Activity`).
async fn accept(
    listener: tokio::net::TcpListener,
    app: Router,
    limits: &Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let open = Arc::new(Semaphore::new(limits.max_connections));
    let per_address = Arc::new(PerAddress {
        open: Mutex::new(HashMap::new()),
        // Behind a proxy every connection has the proxy's address.
        max: match limits.client_address_header {
            Some(_) => usize::MAX,
            None => limits.max_connections_per_address,
        },
    });
    let graceful = GracefulShutdown::new();
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let shutdown = std::pin::pin!(shutdown);
    let mut shutdown = shutdown;
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, most likely: let connections close first.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let (Ok(permit), Some(slot)) = (open.clone().try_acquire_owned(), per_address.admit(peer))
        else {
            metrics::counter!("zhifa_connections_refused_total").increment(1);
            drop(stream);
            continue;
        };
        let activity = Arc::new(Activity::new());
        let io = TokioIo::new(Watched {
            inner: stream,
            activity: activity.clone(),
        });
        let service = connection_service(app.clone(), peer, activity.clone(), limits.body_timeout);
        let connection = graceful.watch(http.serve_connection(io, service));
        let idle = limits.idle_timeout;
        tokio::spawn(async move {
            tokio::select! {
                ended = connection => {
                    if let Err(error) = ended {
                        tracing::debug!(%error, "connection ended");
                    }
                }
                () = activity.idle(idle) => tracing::debug!("idle connection closed"),
            }
            drop((permit, slot));
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// The router as one connection's hyper service: the peer address for the rate limits, the
/// body stall timeout, and the count of requests being handled for the idle watch.
fn connection_service(
    app: Router,
    peer: SocketAddr,
    activity: Arc<Activity>,
    body_timeout: Duration,
) -> impl hyper::service::Service<
    hyper::Request<hyper::body::Incoming>,
    Response = axum::response::Response,
    Error = std::convert::Infallible,
    Future = impl Future + Send,
> + Clone {
    hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
        let mut request = request.map(|body| TimeoutBody::new(body_timeout, body));
        request.extensions_mut().insert(ConnectInfo(peer));
        let handling = activity.handling();
        let answer = app.clone().call(request);
        async move {
            let response = answer.await;
            drop(handling);
            response
        }
    })
}

/// Open connections per client address (IPv6 per /64, as the rate limits count).
struct PerAddress {
    open: Mutex<HashMap<IpAddr, usize>>,
    max: usize,
}

/// One open connection of an address, until dropped.
struct AddressSlot(Arc<PerAddress>, IpAddr);

impl PerAddress {
    fn admit(self: &Arc<Self>, peer: SocketAddr) -> Option<AddressSlot> {
        let address = bucket_address(peer.ip());
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let count = open.entry(address).or_insert(0);
        if *count >= self.max {
            return None;
        }
        *count += 1;
        Some(AddressSlot(self.clone(), address))
    }
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut open = self.0.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = open.get_mut(&self.1) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.1);
            }
        }
    }
}

/// What moves on one connection: when a byte last did, and how many requests are being
/// handled. A connection idle for `idle_timeout` with none being handled is closed.
struct Activity {
    started: Instant,
    last_ms: AtomicU64,
    handling: AtomicUsize,
}

/// One request being handled, until dropped.
struct Handling(Arc<Activity>);

impl Drop for Handling {
    fn drop(&mut self) {
        self.0.touch();
        self.0.handling.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Activity {
    fn new() -> Activity {
        Activity {
            started: Instant::now(),
            last_ms: AtomicU64::new(0),
            handling: AtomicUsize::new(0),
        }
    }

    fn touch(&self) {
        let now = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_ms.store(now, Ordering::Relaxed);
    }

    fn handling(self: &Arc<Self>) -> Handling {
        self.handling.fetch_add(1, Ordering::Relaxed);
        Handling(self.clone())
    }

    /// Completes once the connection has been idle for `limit`.
    async fn idle(&self, limit: Duration) {
        loop {
            let last = Duration::from_millis(self.last_ms.load(Ordering::Relaxed));
            let quiet = self.started.elapsed().saturating_sub(last);
            if self.handling.load(Ordering::Relaxed) > 0 {
                // The handler is bounded by the request timeout.
                tokio::time::sleep(limit).await;
            } else if quiet >= limit {
                return;
            } else {
                tokio::time::sleep(limit - quiet).await;
            }
        }
    }
}

/// A connection's socket, noting every byte that moves.
struct Watched {
    inner: tokio::net::TcpStream,
    activity: Arc<Activity>,
}

impl Watched {
    fn moved<T>(&self, result: Poll<std::io::Result<T>>) -> Poll<std::io::Result<T>> {
        if matches!(result, Poll::Ready(Ok(_))) {
            self.activity.touch();
        }
        result
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        self.moved(result)
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.moved(result)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.moved(result)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// Ctrl-C or SIGTERM.
pub async fn termination() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
