//! `supervision import-outcomes FILE`: reconsideration and litigation results from CSV
//! (`supervision::outcomes`); prints the counts, the refused lines and the unknown case
//! numbers as JSON.

use std::io::Read as _;
use std::path::PathBuf;

use clap::Args;
use zhifa_sync_server::server;
use zhifa_sync_server::supervision::outcomes::{self, ImportError};
use zhifa_sync_server::ServerError;

use super::Storage;

#[derive(Args)]
pub struct ImportOutcomes {
    #[command(flatten)]
    storage: Storage,
    /// CSV with the header 案号,类别,结果,决定日期,机关.
    file: PathBuf,
}

impl ImportOutcomes {
    pub fn run(self) -> Result<(), ServerError> {
        let db =
            server::open_database(&self.storage.data_dir, self.storage.database_url.as_deref())?;
        // Read one byte past the cap, so an oversized file is refused without reading it all.
        let mut bytes = Vec::new();
        std::fs::File::open(&self.file)?
            .take(outcomes::MAX_BYTES as u64 + 1)
            .read_to_end(&mut bytes)?;
        let report = outcomes::import(db.as_ref(), &bytes).map_err(|error| match error {
            ImportError::Server(error) => error,
            refused => ServerError::BadRequest(refused.message_zh()),
        })?;
        println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("the report serialises")
        );
        Ok(())
    }
}
