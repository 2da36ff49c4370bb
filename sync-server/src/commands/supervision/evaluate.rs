//! `supervision evaluate`: runs the warning rules on a simulated city-year and prints, per
//! rule, what fired and its precision and recall against the `truth.json` the simulation
//! wrote (a table, or `--json`).

use chrono::NaiveDate;
use clap::Args;
use zhifa_sync_server::server;
use zhifa_sync_server::supervision::simulate::evaluate::evaluate;
use zhifa_sync_server::supervision::simulate::truth::Truth;
use zhifa_sync_server::ServerError;

use super::Storage;

#[derive(Args)]
pub struct Evaluate {
    #[command(flatten)]
    storage: Storage,
    /// The day the rules look from (default: the simulated year's last day).
    #[arg(long)]
    as_of: Option<NaiveDate>,
    #[arg(long)]
    json: bool,
}

impl Evaluate {
    pub fn run(self) -> Result<(), ServerError> {
        let truth = Truth::read(&self.storage.data_dir)?;
        let as_of = match self.as_of {
            Some(day) => day,
            None => truth
                .as_of
                .parse()
                .map_err(|_| ServerError::Config("truth.json: bad as_of".into()))?,
        };
        let db =
            server::open_database(&self.storage.data_dir, self.storage.database_url.as_deref())?;
        let started = std::time::Instant::now();
        let evaluation = evaluate(db.as_ref(), &truth, as_of)?;
        if self.json {
            let text = serde_json::to_string_pretty(&evaluation).expect("scores serialise");
            println!("{text}");
            return Ok(());
        }
        print!("{}", evaluation.table());
        for score in &evaluation.rules {
            if !score.missed.is_empty() || !score.false_alarms.is_empty() {
                println!(
                    "{}: missed {:?}; false alarms {:?}",
                    score.rule, score.missed, score.false_alarms
                );
            }
        }
        println!(
            "as of {as_of}, rules run and scored in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        Ok(())
    }
}
