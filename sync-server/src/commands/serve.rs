//! `serve`: the API, optionally with the built-in demo catalogue published first.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;
use zhifa_core::registry::{CatalogueData, KeyPurpose};
use zhifa_sync_server::limits::{Limits, Rate};
use zhifa_sync_server::server::{self, open_catalogue, Config};
use zhifa_sync_server::supervision::index::ensure_built;
use zhifa_sync_server::{blobs, demo};
use zhifa_sync_server::{AgencyKeys, AppState, ServerError};

use super::catalogue::{parse_catalogue, publish};

#[derive(Args)]
pub struct Serve {
    #[arg(long, env = "ZHIFA_DATA_DIR", default_value = "zhifa-server-data")]
    data_dir: PathBuf,
    #[arg(long, env = "ZHIFA_LISTEN", default_value = "127.0.0.1:8480")]
    listen: SocketAddr,
    /// Authority key file; default `<data-dir>/authority.key`, created if missing.
    #[arg(long, env = "ZHIFA_AUTHORITY_KEY")]
    authority_key: Option<PathBuf>,
    /// Publish the built-in demo catalogue (Chongqing, Yuzhong district), load its demo year
    /// (once) and reset the demo accounts, printing their passwords, before serving.
    #[arg(long)]
    demo: bool,
    /// PostgreSQL URL (several replicas may share one database); SQLite in the data dir
    /// when absent.
    #[arg(long, env = "ZHIFA_DATABASE_URL")]
    database_url: Option<String>,
    /// Documents kept loaded in memory.
    #[arg(long, env = "ZHIFA_CACHE_DOCUMENTS", default_value_t = 2048)]
    cache_documents: usize,
    /// Serve `/metrics` on this internal address (e.g. 127.0.0.1:9480); it is never on the
    /// public port without `--metrics-token`.
    #[arg(long, env = "ZHIFA_METRICS_ADDR")]
    metrics_addr: Option<SocketAddr>,
    /// Also serve `/metrics` on the public port, to `Authorization: Bearer <token>`.
    #[arg(long, env = "ZHIFA_METRICS_TOKEN", hide_env_values = true)]
    metrics_token: Option<String>,
    /// Bytes one device may hold in unfinished evidence uploads.
    #[arg(long, env = "ZHIFA_DEVICE_STAGED_BYTES", default_value_t = blobs::DEVICE_STAGED_BYTES)]
    device_staged_bytes: u64,
    /// Bytes of evidence one team may upload in 24 hours.
    #[arg(long, env = "ZHIFA_TEAM_EVIDENCE_BYTES_PER_DAY", default_value_t = blobs::TEAM_BYTES_PER_DAY)]
    team_evidence_bytes_per_day: u64,
    /// Seconds a computed indicator figure serves the console before it is computed again
    /// (sooner when this server's index changes); 0 computes every request.
    #[arg(long, env = "ZHIFA_FIGURE_CACHE_SECONDS", default_value_t = 300)]
    figure_cache_seconds: u64,
    #[command(flatten)]
    limits: LimitArgs,
}

/// The transport limits (`docs/PROTOCOL.md` §Limits); the defaults suit phones on slow
/// networks (`Limits::default` says why).
#[derive(Args)]
struct LimitArgs {
    /// Seconds for a client to send its whole request headers (also the keep-alive time).
    #[arg(long, env = "ZHIFA_HEADER_TIMEOUT", default_value_t = 20)]
    header_timeout: u64,
    /// Seconds to read a request's body and answer it.
    #[arg(long, env = "ZHIFA_REQUEST_TIMEOUT", default_value_t = 120)]
    request_timeout: u64,
    /// Seconds a request body may stall before the request fails.
    #[arg(long, env = "ZHIFA_BODY_TIMEOUT", default_value_t = 30)]
    body_timeout: u64,
    /// Seconds a connection may sit with nothing moving and no request handled.
    #[arg(long, env = "ZHIFA_IDLE_TIMEOUT", default_value_t = 60)]
    idle_timeout: u64,
    /// Open connections at most.
    #[arg(long, env = "ZHIFA_MAX_CONNECTIONS", default_value_t = 4096)]
    max_connections: usize,
    /// Open connections from one client address at most (not applied behind a proxy).
    #[arg(long, env = "ZHIFA_MAX_CONNECTIONS_PER_ADDRESS", default_value_t = 256)]
    max_connections_per_address: usize,
    /// Enrolment attempts a minute per client address (burst the same); 0: unlimited.
    #[arg(long, env = "ZHIFA_ENROL_PER_MINUTE", default_value_t = 30)]
    enrol_per_minute: u32,
    /// Catalogue and health requests a minute per client address; 0: unlimited.
    #[arg(long, env = "ZHIFA_PUBLIC_PER_MINUTE", default_value_t = 600)]
    public_per_minute: u32,
    /// Signed requests a minute per client address, before signatures are checked.
    #[arg(long, env = "ZHIFA_SIGNED_PER_MINUTE", default_value_t = 12000)]
    signed_per_minute: u32,
    /// Signed requests a minute per device (burst half that); 0: unlimited.
    #[arg(long, env = "ZHIFA_DEVICE_PER_MINUTE", default_value_t = 600)]
    device_per_minute: u32,
    /// Enterprise-page requests (`/v/...`) a minute per client address; 0: unlimited.
    #[arg(long, env = "ZHIFA_WEB_PER_MINUTE", default_value_t = 60)]
    web_per_minute: u32,
    /// Header naming the client address, set by the one reverse proxy in front (e.g.
    /// `x-forwarded-for`; its last entry is taken). Unset: the peer address.
    #[arg(long, env = "ZHIFA_CLIENT_ADDRESS_HEADER")]
    client_address_header: Option<String>,
}

impl LimitArgs {
    fn limits(self) -> Limits {
        let defaults = Limits::default();
        let scaled = |per_minute: u32, default: Rate| Rate {
            per_minute,
            // The default's burst, in proportion.
            burst: (u64::from(per_minute) * u64::from(default.burst)
                / u64::from(default.per_minute.max(1)))
            .clamp(1, u64::from(u32::MAX)) as u32,
        };
        Limits {
            header_timeout: Duration::from_secs(self.header_timeout),
            request_timeout: Duration::from_secs(self.request_timeout),
            body_timeout: Duration::from_secs(self.body_timeout),
            idle_timeout: Duration::from_secs(self.idle_timeout),
            max_connections: self.max_connections,
            max_connections_per_address: self.max_connections_per_address,
            enrol_body: defaults.enrol_body,
            enrol_per_address: scaled(self.enrol_per_minute, defaults.enrol_per_address),
            public_per_address: scaled(self.public_per_minute, defaults.public_per_address),
            signed_per_address: scaled(self.signed_per_minute, defaults.signed_per_address),
            per_device: scaled(self.device_per_minute, defaults.per_device),
            web_per_address: scaled(self.web_per_minute, defaults.web_per_address),
            web_feedback_per_address: match self.web_per_minute {
                0 => Rate::UNLIMITED,
                _ => defaults.web_feedback_per_address,
            },
            web_body: defaults.web_body,
            client_address_header: self.client_address_header,
        }
    }
}

impl Serve {
    pub fn run(self) -> Result<(), ServerError> {
        if self.demo {
            let data = parse_catalogue("demo")?;
            ensure_demo_agency_keys(&self.data_dir, &data)?;
            let version = publish(&open_catalogue(&self.data_dir)?, &self.data_dir, data)?;
            tracing::info!(version, "demo catalogue published");
        }
        let config = Config {
            data_dir: self.data_dir,
            database_url: self.database_url,
            authority_key: self.authority_key,
            cache_documents: self.cache_documents,
            limits: self.limits.limits(),
            metrics_token: self.metrics_token,
            blob_limits: blobs::Limits {
                device_staged_bytes: self.device_staged_bytes,
                team_bytes_per_day: self.team_evidence_bytes_per_day,
                ..blobs::Limits::default()
            },
            figure_cache: Duration::from_secs(self.figure_cache_seconds),
        };
        let state = server::state(&config)?;
        tracing::info!(storage = state.db.backend(), "storage open");
        // A database from before the supervision index (schema 2) has its tables empty.
        if let Some(rebuilt) = ensure_built(state.db.as_ref(), &*state.projection.current()?)? {
            tracing::info!(?rebuilt, "supervision index was never built: built it");
        }
        if self.demo {
            prepare_demo(&state, self.listen)?;
        }
        serve(state, self.listen, self.metrics_addr)
    }
}

/// The demo year (loaded once), today's warnings, and the demo accounts with fresh
/// passwords, printed with the console's address (stdout, not the log: a password is never
/// logged).
fn prepare_demo(state: &AppState, listen: SocketAddr) -> Result<(), ServerError> {
    let started = std::time::Instant::now();
    let prepared = demo::prepare(state.db.as_ref(), &state.catalogue)?;
    match &prepared.loaded {
        Some(loaded) => tracing::info!(?loaded, "demo year loaded"),
        None => tracing::info!("demo year already loaded"),
    }
    tracing::info!(
        open_warnings = prepared.open_warnings,
        millis = started.elapsed().as_millis() as u64,
        "demo ready"
    );
    let accounts = demo::reset_accounts(state.db.as_ref())?;
    println!("{}", demo::banner(&prepared, &accounts, listen));
    Ok(())
}

/// The demo's agencies sign credentials for their district; the market regulator also signs
/// enterprise codes.
fn ensure_demo_agency_keys(data_dir: &Path, data: &CatalogueData) -> Result<(), ServerError> {
    const MARKET_REGULATOR: &str = "B500103001";
    let keys = AgencyKeys::open(data_dir);
    for body in &data.bodies {
        let mut purposes = vec![KeyPurpose::DutyCredential];
        if body.id == MARKET_REGULATOR {
            purposes.push(KeyPurpose::EnterpriseCode);
        }
        for purpose in purposes {
            if !keys.exists(&body.id, purpose) {
                keys.create(&body.id, purpose, vec![body.division.clone()])?;
            }
        }
    }
    Ok(())
}

fn serve(
    state: AppState,
    listen: SocketAddr,
    metrics: Option<SocketAddr>,
) -> Result<(), ServerError> {
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen).await?;
        tracing::info!(address = %listener.local_addr()?, "zhifa sync server listening");
        if let Some(address) = metrics {
            let internal = tokio::net::TcpListener::bind(address).await?;
            tracing::info!(address = %internal.local_addr()?, "metrics listening");
            let state = state.clone();
            tokio::spawn(async move {
                if let Err(error) =
                    server::serve_metrics(internal, state, server::termination()).await
                {
                    tracing::error!(%error, "metrics listener failed");
                }
            });
        }
        server::serve(listener, state, server::termination()).await
    })
}
