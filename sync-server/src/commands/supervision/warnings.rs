//! `zhifa-sync-server supervision warnings …`: run the warning rules over the index, list
//! the warnings, take a lifecycle step, print a resolved warning's 监督意见书.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use zhifa_sync_server::server;
use zhifa_sync_server::storage::transaction;
use zhifa_sync_server::supervision::warnings::{self, Action, Filter, Rules};
use zhifa_sync_server::supervision::Scope;
use zhifa_sync_server::ServerError;

use super::Storage;

#[derive(Subcommand)]
pub enum Warnings {
    /// Run every rule as of a day (Beijing) and store what fires; prints counts per rule.
    Run(Run),
    /// List stored warnings (JSON), newest first.
    List(List),
    /// Take a lifecycle step: acknowledge, assign, resolve (with the opinion) or dismiss
    /// (with the reason).
    Act(Act),
    /// Write a resolved warning's 监督意见书 (HTML) to stdout.
    Opinion(Opinion),
}

#[derive(Args)]
pub struct Run {
    #[command(flatten)]
    storage: Storage,
    /// The day the rules judge the data as of (YYYY-MM-DD); today in Beijing when omitted.
    #[arg(long)]
    as_of: Option<NaiveDate>,
    /// A rules file instead of the shipped `warnings.toml`.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Only these rule ids (comma-separated).
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
}

#[derive(Args)]
pub struct List {
    #[command(flatten)]
    storage: Storage,
    /// '' for the city, a six-digit district code, or body:<id>.
    #[arg(long, default_value = "")]
    scope: String,
    #[arg(long)]
    status: Option<String>,
    #[arg(long)]
    rule: Option<String>,
    #[arg(long)]
    period: Option<String>,
    #[arg(long, default_value_t = 100)]
    limit: i64,
}

#[derive(Args)]
pub struct Act {
    #[command(flatten)]
    storage: Storage,
    #[arg(long)]
    id: String,
    /// acknowledge | assign | resolve | dismiss
    #[arg(long)]
    action: String,
    /// The assignee, the opinion, or the reason (as the action needs).
    #[arg(long, default_value = "")]
    text: String,
    /// Who takes the step.
    #[arg(long)]
    by: String,
    #[arg(long, default_value = "")]
    note: String,
    #[arg(long, default_value = "")]
    scope: String,
}

#[derive(Args)]
pub struct Opinion {
    #[command(flatten)]
    storage: Storage,
    #[arg(long)]
    id: String,
    #[arg(long, default_value = "")]
    scope: String,
}

fn scope(stored: &str) -> Result<Scope, ServerError> {
    Scope::parse(stored).ok_or_else(|| ServerError::BadRequest(format!("scope `{stored}`")))
}

impl Warnings {
    pub fn run(self) -> Result<(), ServerError> {
        match self {
            Warnings::Run(command) => {
                let db = server::open_database(
                    &command.storage.data_dir,
                    command.storage.database_url.as_deref(),
                )?;
                let mut rules = match &command.rules {
                    Some(path) => Rules::parse(&std::fs::read_to_string(path)?)
                        .map_err(ServerError::Config)?,
                    None => Rules::builtin(),
                };
                if !command.only.is_empty() {
                    rules = rules.only(&command.only);
                }
                let as_of = command
                    .as_of
                    .unwrap_or_else(|| zhifa_core::calendar::beijing_date(chrono::Utc::now()));
                let started = std::time::Instant::now();
                let report = warnings::run(db.as_ref(), &rules, as_of)?;
                for (rule, outcome) in &report.rules {
                    println!(
                        "{rule:32} held {:7} new {:7} refreshed {:7}",
                        outcome.held, outcome.new, outcome.refreshed
                    );
                }
                println!("as of {as_of}: {:.2} s", started.elapsed().as_secs_f64());
                Ok(())
            }
            Warnings::List(command) => {
                let db = server::open_database(
                    &command.storage.data_dir,
                    command.storage.database_url.as_deref(),
                )?;
                let scope = scope(&command.scope)?;
                let filter = Filter {
                    status: command.status,
                    rule: command.rule,
                    period: command.period,
                    limit: Some(command.limit),
                    ..Filter::default()
                };
                let found = transaction(db.as_ref(), |tx| warnings::list(tx, &scope, &filter))?;
                println!(
                    "{}",
                    serde_json::to_string_pretty(&found).expect("warnings serialise")
                );
                Ok(())
            }
            Warnings::Act(command) => {
                let db = server::open_database(
                    &command.storage.data_dir,
                    command.storage.database_url.as_deref(),
                )?;
                let action = match command.action.as_str() {
                    "acknowledge" => Action::Acknowledge,
                    "assign" => Action::Assign(command.text),
                    "resolve" => Action::Resolve(command.text),
                    "dismiss" => Action::Dismiss(command.text),
                    other => return Err(ServerError::BadRequest(format!("action `{other}`"))),
                };
                let warning = warnings::transition(
                    db.as_ref(),
                    &scope(&command.scope)?,
                    &command.id,
                    action,
                    &command.by,
                    &command.note,
                )
                .map_err(|e| match e {
                    warnings::WarningError::Server(e) => e,
                    refused => ServerError::BadRequest(refused.to_string()),
                })?;
                println!("{} {}", warning.id, warning.status);
                Ok(())
            }
            Warnings::Opinion(command) => {
                let db = server::open_database(
                    &command.storage.data_dir,
                    command.storage.database_url.as_deref(),
                )?;
                let scope = scope(&command.scope)?;
                let html = transaction(db.as_ref(), |tx| {
                    Ok(warnings::opinion_html(tx, &scope, &command.id))
                })?
                .map_err(|e| ServerError::BadRequest(e.to_string()))?;
                println!("{html}");
                Ok(())
            }
        }
    }
}
