//! `zhifa-sync-server supervision …`: the supervision administrator's commands, one file per
//! concern; this file only lists and dispatches them.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use zhifa_sync_server::ServerError;

mod evaluate;
mod index;
mod simulate;
pub mod warnings;

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
    /// Generate a simulated city-year with injected anomalies and load it (writes truth.json).
    Simulate(simulate::Simulate),
    /// Run the warning rules on a simulated city-year and score them against truth.json.
    Evaluate(evaluate::Evaluate),
    /// Warnings (预警): run the rules, list, take lifecycle steps, print an opinion.
    #[command(subcommand)]
    Warnings(warnings::Warnings),
}

impl Supervision {
    pub fn run(self) -> Result<(), ServerError> {
        match self {
            Supervision::RebuildIndex(command) => command.run(),
            Supervision::Simulate(command) => command.run(),
            Supervision::Evaluate(command) => command.run(),
            Supervision::Warnings(command) => command.run(),
        }
    }
}
