//! `supervision review draw|score|summary`: case-file review (案卷评查) samples, as JSON.

use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use rand_core::RngCore as _;
use zhifa_sync_server::server;
use zhifa_sync_server::storage::transaction;
use zhifa_sync_server::supervision::review::{self, By, Over, Rate};
use zhifa_sync_server::supervision::Scope;
use zhifa_sync_server::ServerError;

use super::Storage;

#[derive(Args)]
pub struct Review {
    #[command(subcommand)]
    action: Action,
}

#[derive(Subcommand)]
enum Action {
    /// Draw and record a sample of the decided or closed cases of a scope and period.
    Draw(Draw),
    /// Score every case of a sample against the checklist.
    Score(Score),
    /// Scores and defects by body or officer, over a sample or a period.
    Summary(Summary),
}

#[derive(Args)]
struct Draw {
    #[command(flatten)]
    storage: Storage,
    /// '' (the city), a district code, or body:<id>.
    #[arg(long, default_value = "")]
    scope: String,
    #[arg(long)]
    from: NaiveDate,
    #[arg(long)]
    to: NaiveDate,
    /// `all` or a percentage (`10%`).
    #[arg(long, default_value = "all")]
    rate: String,
    /// The seed that draws the sample (printed with it); a random one when absent.
    #[arg(long)]
    seed: Option<u64>,
    /// Who draws it.
    #[arg(long)]
    by: String,
}

#[derive(Args)]
struct Score {
    #[command(flatten)]
    storage: Storage,
    #[arg(long)]
    sample: String,
    #[arg(long)]
    reviewer: String,
}

#[derive(Clone, Copy, ValueEnum)]
enum Key {
    Body,
    Officer,
}

#[derive(Args)]
struct Summary {
    #[command(flatten)]
    storage: Storage,
    #[arg(long, default_value = "")]
    scope: String,
    #[arg(long, value_enum, default_value = "body")]
    by: Key,
    /// One sample; otherwise every review of the cases decided from --from to --to.
    #[arg(long)]
    sample: Option<String>,
    #[arg(long, required_unless_present = "sample")]
    from: Option<NaiveDate>,
    #[arg(long, required_unless_present = "sample")]
    to: Option<NaiveDate>,
}

fn scope(stored: &str) -> Result<Scope, ServerError> {
    Scope::parse(stored).ok_or_else(|| {
        ServerError::BadRequest(format!(
            "范围“{stored}”应为空（全市）、区县代码或 body:<主体编号>"
        ))
    })
}

fn print(value: &impl serde::Serialize) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).expect("review output serialises")
    );
}

impl Review {
    pub fn run(self) -> Result<(), ServerError> {
        match self.action {
            Action::Draw(draw) => {
                let db = server::open_database(
                    &draw.storage.data_dir,
                    draw.storage.database_url.as_deref(),
                )?;
                let rate = Rate::parse(&draw.rate).ok_or_else(|| {
                    ServerError::BadRequest(format!("抽查比例“{}”应为 all 或 1%–100%", draw.rate))
                })?;
                let seed = draw.seed.unwrap_or_else(|| rand_core::OsRng.next_u64());
                let sample = review::draw(
                    db.as_ref(),
                    &scope(&draw.scope)?,
                    (draw.from, draw.to),
                    rate,
                    seed,
                    &draw.by,
                )?;
                print(&sample);
            }
            Action::Score(score) => {
                let storage = &score.storage;
                let db = server::open_database(&storage.data_dir, storage.database_url.as_deref())?;
                let catalogue = server::open_catalogue(&storage.data_dir)?;
                print(&review::score_sample(
                    db.as_ref(),
                    &catalogue,
                    &score.sample,
                    &score.reviewer,
                )?);
            }
            Action::Summary(summary) => {
                let storage = &summary.storage;
                let db = server::open_database(&storage.data_dir, storage.database_url.as_deref())?;
                let over = match (summary.sample, summary.from, summary.to) {
                    (Some(id), _, _) => Over::Sample(id),
                    (None, Some(from), Some(to)) => Over::Period(from, to),
                    _ => {
                        return Err(ServerError::BadRequest(
                            "需要 --sample 或 --from 与 --to".into(),
                        ))
                    }
                };
                let by = match summary.by {
                    Key::Body => By::Body,
                    Key::Officer => By::Officer,
                };
                let scope = scope(&summary.scope)?;
                let figures =
                    transaction(db.as_ref(), |tx| review::summary(tx, &scope, by, &over))?;
                print(&figures);
            }
        }
        Ok(())
    }
}
