//! Reports for supervision, as JSON: `reconcile` (two-code visits against the enterprises'
//! verifications) and `incomplete-records` (records missing evidence files).

use std::path::PathBuf;

use chrono::{Duration, Utc};
use clap::Args;
use zhifa_sync_server::server;
use zhifa_sync_server::{citations, events, ServerError};

#[derive(Args)]
pub struct IncompleteRecords {
    #[arg(long, env = "ZHIFA_DATA_DIR", default_value = "zhifa-server-data")]
    data_dir: PathBuf,
    #[arg(long, env = "ZHIFA_DATABASE_URL")]
    database_url: Option<String>,
}

impl IncompleteRecords {
    pub fn run(self) -> Result<(), ServerError> {
        let db = server::open_database(&self.data_dir, self.database_url.as_deref())?;
        let records = citations::incomplete(db.as_ref())?;
        println!(
            "{}",
            serde_json::to_string_pretty(&records).expect("records serialise")
        );
        Ok(())
    }
}

#[derive(Args)]
pub struct Reconcile {
    #[arg(long, env = "ZHIFA_DATA_DIR", default_value = "zhifa-server-data")]
    data_dir: PathBuf,
    #[arg(long, env = "ZHIFA_DATABASE_URL")]
    database_url: Option<String>,
    /// Days back from now.
    #[arg(long, default_value_t = 30)]
    days: i64,
}

impl Reconcile {
    pub fn run(self) -> Result<(), ServerError> {
        let db = server::open_database(&self.data_dir, self.database_url.as_deref())?;
        let now = Utc::now();
        let report = events::reconcile(db.as_ref(), now - Duration::days(self.days), now)?;
        println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("report serialises")
        );
        Ok(())
    }
}
