//! `supervision issue-key | revoke-key | list-keys`: supervisors' API keys until the web
//! console has accounts. A key is printed once; the server keeps only its hash.

use clap::Args;
use zhifa_sync_server::server::open_database;
use zhifa_sync_server::supervision::api::{issue_key, list_keys, revoke_key};
use zhifa_sync_server::ServerError;

use super::Storage;

#[derive(Args)]
pub struct IssueKey {
    /// The supervisor's name, recorded with every warning transition and review they make.
    #[arg(long)]
    pub name: String,
    /// city, district, body or reviewer.
    #[arg(long)]
    pub role: String,
    /// '' (the city), a six-digit district code, or body:<id>.
    #[arg(long, default_value = "")]
    pub scope: String,
    #[command(flatten)]
    pub storage: Storage,
}

impl IssueKey {
    pub fn run(self) -> Result<(), ServerError> {
        let (role, scope) = super::role_and_scope(&self.role, &self.scope)?;
        let db = open_database(&self.storage.data_dir, self.storage.database_url.as_deref())?;
        let issued = issue_key(
            db.as_ref(),
            &self.name,
            role,
            &scope,
            chrono::Utc::now().timestamp(),
        )?;
        println!("{}", issued.key);
        eprintln!(
            "key id {} for {} ({}, scope '{}'): shown once, keep it safe",
            &issued.key_hash[..12],
            self.name,
            role.as_str(),
            scope.stored()
        );
        Ok(())
    }
}

#[derive(Args)]
pub struct RevokeKey {
    /// The key itself, or its key id (12 or more hex digits of its hash, as list-keys prints).
    pub key: String,
    #[command(flatten)]
    pub storage: Storage,
}

impl RevokeKey {
    pub fn run(self) -> Result<(), ServerError> {
        let db = open_database(&self.storage.data_dir, self.storage.database_url.as_deref())?;
        match revoke_key(db.as_ref(), &self.key)? {
            0 => Err(ServerError::BadRequest(
                "no such key, or already revoked".into(),
            )),
            revoked => {
                eprintln!("revoked {revoked} key(s)");
                Ok(())
            }
        }
    }
}

#[derive(Args)]
pub struct ListKeys {
    #[command(flatten)]
    pub storage: Storage,
}

impl ListKeys {
    pub fn run(self) -> Result<(), ServerError> {
        let db = open_database(&self.storage.data_dir, self.storage.database_url.as_deref())?;
        let keys = list_keys(db.as_ref())?;
        println!(
            "{}",
            serde_json::to_string_pretty(&keys).map_err(|e| ServerError::Config(e.to_string()))?
        );
        Ok(())
    }
}
