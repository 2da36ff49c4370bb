//! `zhifa-sync-server supervision …`: the supervision administrator's commands, one file per
//! concern; this file only lists and dispatches them.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use zhifa_sync_server::ServerError;

mod index;
mod outcomes;
mod review;

/// Where the server keeps its data, as `serve` takes it.
#[derive(Args, Clone)]
pub struct Storage {
    #[arg(long, env = "ZHIFA_DATA_DIR", default_value = "zhifa-server-data")]
    pub data_dir: PathBuf,
    #[arg(long, env = "ZHIFA_DATABASE_URL")]
    pub database_url: Option<String>,
}

#[derive(Subcommand)]
pub enum Supervision {
    /// Clear the supervision index and project every stored document and event again.
    RebuildIndex(index::RebuildIndex),
    /// Case-file review (案卷评查): draw a sample, score it, summarise (JSON).
    Review(review::Review),
    /// Import reconsideration and litigation results (复议/诉讼) from CSV (JSON report).
    ImportOutcomes(outcomes::ImportOutcomes),
}

impl Supervision {
    pub fn run(self) -> Result<(), ServerError> {
        match self {
            Supervision::RebuildIndex(command) => command.run(),
            Supervision::Review(command) => command.run(),
            Supervision::ImportOutcomes(command) => command.run(),
        }
    }
}
