//! `serve`: the API, optionally with the built-in demo catalogue published first.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::Args;
use zhifa_core::registry::{CatalogueData, KeyPurpose};
use zhifa_sync_server::blobs;
use zhifa_sync_server::server::{self, open_catalogue, Config};
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
    /// Publish the built-in demo catalogue (Chongqing, Yuzhong district) before serving.
    #[arg(long)]
    demo: bool,
    /// PostgreSQL URL (several replicas may share one database); SQLite in the data dir
    /// when absent.
    #[arg(long, env = "ZHIFA_DATABASE_URL")]
    database_url: Option<String>,
    /// Documents kept loaded in memory.
    #[arg(long, env = "ZHIFA_CACHE_DOCUMENTS", default_value_t = 2048)]
    cache_documents: usize,
    /// Bytes one device may hold in unfinished evidence uploads.
    #[arg(long, env = "ZHIFA_DEVICE_STAGED_BYTES", default_value_t = blobs::DEVICE_STAGED_BYTES)]
    device_staged_bytes: u64,
    /// Bytes of evidence one team may upload in 24 hours.
    #[arg(long, env = "ZHIFA_TEAM_EVIDENCE_BYTES_PER_DAY", default_value_t = blobs::TEAM_BYTES_PER_DAY)]
    team_evidence_bytes_per_day: u64,
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
            blob_limits: blobs::Limits {
                device_staged_bytes: self.device_staged_bytes,
                team_bytes_per_day: self.team_evidence_bytes_per_day,
                ..blobs::Limits::default()
            },
        };
        let state = server::state(&config)?;
        tracing::info!(storage = state.db.backend(), "storage open");
        serve(state, self.listen)
    }
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

fn serve(state: AppState, listen: SocketAddr) -> Result<(), ServerError> {
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen).await?;
        tracing::info!(address = %listener.local_addr()?, "zhifa sync server listening");
        server::serve(listener, state, server::termination()).await
    })
}
