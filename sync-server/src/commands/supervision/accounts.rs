//! `supervision add-account | disable-account | list-accounts | access-log`: the console's
//! accounts, made by an admin (a password is read from stdin, never from the command line,
//! where `ps` and the shell history would keep it), and who looked at which case.

use std::io::Read;

use clap::Args;
use zhifa_sync_server::server::open_database;
use zhifa_sync_server::storage::transaction;
use zhifa_sync_server::supervision::accounts;
use zhifa_sync_server::supervision::api::auth::access_log;
use zhifa_sync_server::ServerError;

use super::Storage;

#[derive(Args)]
pub struct AddAccount {
    /// The login name: letters, digits, '-', '_' or '.'.
    #[arg(long)]
    pub username: String,
    /// The supervisor's name, recorded with every step they take.
    #[arg(long)]
    pub name: String,
    /// city, district, body or reviewer.
    #[arg(long)]
    pub role: String,
    /// '' (the city), a six-digit district code, or body:<id>.
    #[arg(long, default_value = "")]
    pub scope: String,
    /// Read the password from the first line of stdin (required: never on the command line).
    #[arg(long, required = true)]
    pub password_stdin: bool,
    #[command(flatten)]
    pub storage: Storage,
}

impl AddAccount {
    pub fn run(self) -> Result<(), ServerError> {
        let (role, scope) = super::role_and_scope(&self.role, &self.scope)?;
        let mut input = String::new();
        std::io::stdin().take(4096).read_to_string(&mut input)?;
        let password = input.lines().next().unwrap_or_default();
        let db = open_database(&self.storage.data_dir, self.storage.database_url.as_deref())?;
        accounts::create(
            db.as_ref(),
            &self.username,
            &self.name,
            role,
            &scope,
            password,
            chrono::Utc::now().timestamp(),
        )?;
        eprintln!(
            "account {} for {} ({}, scope '{}') ready; its sessions, if any, ended",
            self.username,
            self.name,
            role.as_str(),
            scope.stored()
        );
        Ok(())
    }
}

#[derive(Args)]
pub struct DisableAccount {
    pub username: String,
    #[command(flatten)]
    pub storage: Storage,
}

impl DisableAccount {
    pub fn run(self) -> Result<(), ServerError> {
        let db = open_database(&self.storage.data_dir, self.storage.database_url.as_deref())?;
        if !accounts::disable(db.as_ref(), &self.username)? {
            return Err(ServerError::BadRequest(format!(
                "no account {}",
                self.username
            )));
        }
        eprintln!("account {} disabled; its sessions ended", self.username);
        Ok(())
    }
}

#[derive(Args)]
pub struct ListAccounts {
    #[command(flatten)]
    pub storage: Storage,
}

impl ListAccounts {
    pub fn run(self) -> Result<(), ServerError> {
        let db = open_database(&self.storage.data_dir, self.storage.database_url.as_deref())?;
        println!(
            "{}",
            serde_json::to_string_pretty(&accounts::list(db.as_ref())?)
                .map_err(|e| ServerError::Config(e.to_string()))?
        );
        Ok(())
    }
}

#[derive(Args)]
pub struct AccessLog {
    /// One case's log; every case's when absent.
    #[arg(long)]
    pub case: Option<String>,
    #[arg(long, default_value_t = 200)]
    pub limit: i64,
    #[command(flatten)]
    pub storage: Storage,
}

impl AccessLog {
    pub fn run(self) -> Result<(), ServerError> {
        let db = open_database(&self.storage.data_dir, self.storage.database_url.as_deref())?;
        let limit = self.limit.clamp(1, 100_000);
        let log = transaction(db.as_ref(), |tx| {
            access_log(tx, self.case.as_deref(), limit)
        })?;
        println!(
            "{}",
            serde_json::to_string_pretty(&log).map_err(|e| ServerError::Config(e.to_string()))?
        );
        Ok(())
    }
}
