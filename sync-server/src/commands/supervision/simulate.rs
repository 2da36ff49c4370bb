//! `supervision simulate`: generates a city-year (the catalogue of `--scale`, a year of
//! cases, inspections, visits and feedback with anomalies injected), publishes the catalogue,
//! loads the year through the supervision index and writes `truth.json` in the data dir.

use clap::Args;
use zhifa_sync_server::server;
use zhifa_sync_server::supervision::simulate::{simulate, CityScale, CityYear};
use zhifa_sync_server::ServerError;

use super::Storage;

#[derive(Args)]
pub struct Simulate {
    #[command(flatten)]
    storage: Storage,
    #[arg(long, default_value = "small", value_parser = ["full", "small"])]
    scale: String,
    #[arg(long, default_value_t = 2026)]
    seed: u64,
}

impl Simulate {
    pub fn run(self) -> Result<(), ServerError> {
        let scale = CityScale::parse(&self.scale).expect("clap checked the scale");
        std::fs::create_dir_all(&self.storage.data_dir)?;
        let db =
            server::open_database(&self.storage.data_dir, self.storage.database_url.as_deref())?;
        let (loaded, truth) = simulate(
            db.as_ref(),
            &self.storage.data_dir,
            CityYear::new(scale, self.seed),
        )?;
        println!(
            "{} bodies, {} cases, {} inspections, {} visits, {} feedback rows loaded in {:.1} s",
            loaded.bodies,
            loaded.cases,
            loaded.inspections,
            loaded.visits,
            loaded.feedback,
            loaded.millis as f64 / 1000.0
        );
        println!(
            "{} anomalies over {} rules recorded in {}",
            truth.count(),
            truth.rules.len(),
            self.storage.data_dir.join("truth.json").display()
        );
        Ok(())
    }
}
