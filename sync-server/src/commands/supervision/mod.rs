//! `zhifa-sync-server supervision …`: the supervision administrator's commands, one file per
//! concern; this file only lists and dispatches them.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use zhifa_sync_server::supervision::api::Role;
use zhifa_sync_server::supervision::Scope;
use zhifa_sync_server::ServerError;

mod accounts;
mod evaluate;
mod index;
mod indicators;
pub mod keys;
mod outcomes;
mod review;
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
    /// Issue a supervisor's API key (printed once): --name, --role city|district|body|reviewer, --scope.
    IssueKey(keys::IssueKey),
    /// Revoke a supervisor's API key, by the key or its key id.
    RevokeKey(keys::RevokeKey),
    /// List supervisors' keys (JSON; ids, never the keys).
    ListKeys(keys::ListKeys),
    /// Create a console account or reset it (password from stdin): --username, --name, --role, --scope.
    AddAccount(accounts::AddAccount),
    /// Disable a console account and end its sessions.
    DisableAccount(accounts::DisableAccount),
    /// List console accounts (JSON; never a password hash).
    ListAccounts(accounts::ListAccounts),
    /// Who looked at which case (JSON, newest first).
    AccessLog(accounts::AccessLog),
    /// Clear the supervision index and project every stored document and event again.
    RebuildIndex(index::RebuildIndex),
    /// Case-file review (案卷评查): draw a sample, score it, summarise (JSON).
    Review(review::Review),
    /// Import reconsideration and litigation results (复议/诉讼) from CSV (JSON report).
    ImportOutcomes(outcomes::ImportOutcomes),
    /// Warnings (预警): run the rules, list, take lifecycle steps, print an opinion.
    #[command(subcommand)]
    Warnings(warnings::Warnings),
    /// List the indicators, print one's figures as CSV, or recompute all for a year (--all).
    Indicators(indicators::Indicators),
    /// Generate a simulated city-year with injected anomalies and load it (writes truth.json).
    Simulate(simulate::Simulate),
    /// Run the warning rules on a simulated city-year and score them against truth.json.
    Evaluate(evaluate::Evaluate),
}

impl Supervision {
    pub fn run(self) -> Result<(), ServerError> {
        match self {
            Supervision::IssueKey(command) => command.run(),
            Supervision::RevokeKey(command) => command.run(),
            Supervision::ListKeys(command) => command.run(),
            Supervision::AddAccount(command) => command.run(),
            Supervision::DisableAccount(command) => command.run(),
            Supervision::ListAccounts(command) => command.run(),
            Supervision::AccessLog(command) => command.run(),
            Supervision::RebuildIndex(command) => command.run(),
            Supervision::Review(command) => command.run(),
            Supervision::ImportOutcomes(command) => command.run(),
            Supervision::Warnings(command) => command.run(),
            Supervision::Indicators(command) => command.run(),
            Supervision::Simulate(command) => command.run(),
            Supervision::Evaluate(command) => command.run(),
        }
    }
}

/// A command's `--role` and `--scope`, as keys and console accounts both take them.
fn role_and_scope(role: &str, scope: &str) -> Result<(Role, Scope), ServerError> {
    let role = Role::parse(role).ok_or_else(|| {
        ServerError::BadRequest("role is one of city, district, body, reviewer".into())
    })?;
    let scope = Scope::parse(scope).ok_or_else(|| {
        ServerError::BadRequest("scope is '', a six-digit district code or body:<id>".into())
    })?;
    Ok((role, scope))
}
