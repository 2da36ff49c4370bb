//! Putting a server together from its configuration, and serving until told to stop.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use crate::agencies::AgencyKeys;
use crate::authority::AuthorityKey;
use crate::catalogue::CatalogueStore;
use crate::docs::Documents;
use crate::error::ServerError;
use crate::http::router;
use crate::state::AppState;
use crate::storage::{Database, PostgresDatabase, SqliteDatabase};

/// What a server needs; every field has a flag and an environment variable in `serve`.
#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    /// `postgres://…` for the shared PostgreSQL store; SQLite in the data dir otherwise.
    pub database_url: Option<String>,
    pub authority_key: Option<PathBuf>,
    /// Documents kept loaded; the least recently used leave first.
    pub cache_documents: usize,
    /// Evidence quotas (per device staged, per team per day).
    pub blob_limits: crate::blobs::Limits,
}

impl Config {
    pub fn new(data_dir: impl Into<PathBuf>) -> Config {
        Config {
            data_dir: data_dir.into(),
            database_url: None,
            authority_key: None,
            cache_documents: 2_048,
            blob_limits: crate::blobs::Limits::default(),
        }
    }
}

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
    Ok(AppState {
        catalogue: Arc::new(open_catalogue(&config.data_dir)?),
        authority: Arc::new(AuthorityKey::load_or_create(&key_path)?),
        agencies: Arc::new(AgencyKeys::open(&config.data_dir)),
        db: open_database(&config.data_dir, config.database_url.as_deref())?,
        documents: Arc::new(Documents::new(config.cache_documents)),
        metrics: metrics_handle(),
        blob_limits: config.blob_limits,
    })
}

/// Serves on `listener` until `shutdown` completes; requests in flight finish first.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
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
