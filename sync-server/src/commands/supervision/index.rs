//! `supervision rebuild-index`: clears the supervision index and re-projects every stored
//! document and event under the catalogue as published; prints what it projected as JSON.

use clap::Args;
use zhifa_sync_server::server;
use zhifa_sync_server::supervision::index::{rebuild, Projector};
use zhifa_sync_server::ServerError;

use super::Storage;

#[derive(Args)]
pub struct RebuildIndex {
    #[command(flatten)]
    storage: Storage,
}

impl RebuildIndex {
    pub fn run(self) -> Result<(), ServerError> {
        let db =
            server::open_database(&self.storage.data_dir, self.storage.database_url.as_deref())?;
        let projector = Projector::from_store(&server::open_catalogue(&self.storage.data_dir)?)?;
        let rebuilt = rebuild(db.as_ref(), &projector)?;
        println!(
            "{}",
            serde_json::to_string_pretty(&rebuilt).expect("counts serialise")
        );
        Ok(())
    }
}
