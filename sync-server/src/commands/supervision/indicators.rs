//! `zhifa-sync-server supervision indicators`: the indicators of the definition file, one
//! indicator's figures as CSV with zh-CN headers, or every indicator for a year recomputed and
//! timed (`--all`): what an administrator checks the index with before supervisors do.

use std::time::Instant;

use clap::Args;
use zhifa_sync_server::server::{open_catalogue, open_database};
use zhifa_sync_server::storage::transaction;
use zhifa_sync_server::supervision::indicators::{
    compute_all, compute_named, Indicators as Definitions, Level, Period, PeriodKind, Query,
};
use zhifa_sync_server::supervision::Scope;
use zhifa_sync_server::ServerError;

use super::Storage;

#[derive(Args)]
pub struct Indicators {
    #[command(flatten)]
    pub storage: Storage,
    /// The indicator (`case.filed`); without it, the list of indicators.
    #[arg(long)]
    pub id: Option<String>,
    /// city | district | body | officer | sector
    #[arg(long, default_value = "city")]
    pub level: String,
    /// day | month | quarter | year
    #[arg(long, default_value = "month")]
    pub period: String,
    /// The calendar year (instead of --from and --to).
    #[arg(long)]
    pub year: Option<i32>,
    #[arg(long)]
    pub from: Option<String>,
    #[arg(long)]
    pub to: Option<String>,
    /// '' (the city), a district code, or body:<id>.
    #[arg(long, default_value = "")]
    pub scope: String,
    /// Drill down: a district code (its bodies) or a body id (its officers).
    #[arg(long)]
    pub parent: Option<String>,
    /// Recompute every indicator for --year at every level and print how long it took.
    #[arg(long)]
    pub all: bool,
}

impl Indicators {
    pub fn run(self) -> Result<(), ServerError> {
        let definitions = Definitions::builtin();
        let db = open_database(&self.storage.data_dir, self.storage.database_url.as_deref())?;
        if self.all {
            let year = self.year.ok_or_else(|| bad("--all needs --year"))?;
            let started = Instant::now();
            let all = compute_all(db.as_ref(), year)?;
            let figures: usize = all.iter().map(|(_, _, f)| f.len()).sum();
            println!(
                "{} indicators, {} (indicator, level) sets, {figures} figures for {year} in {:.2} s",
                definitions.list.len(),
                all.len(),
                started.elapsed().as_secs_f64()
            );
            return Ok(());
        }
        let Some(id) = &self.id else {
            for ind in &definitions.list {
                println!("{}\t{}\t{}", ind.id, ind.name, ind.unit);
            }
            return Ok(());
        };
        let ind = definitions
            .get(id)
            .ok_or_else(|| bad(&format!("no indicator {id}")))?;
        let q = self.query()?;
        let catalogue = open_catalogue(&self.storage.data_dir)?;
        let figures = transaction(db.as_ref(), |tx| {
            compute_named(tx, ind, &q, Some(&catalogue))
        })?;
        println!(
            "{},名称,期间,{}（{}）,分子,分母",
            q.level.name_zh(),
            ind.name,
            ind.unit
        );
        let number = |v: Option<f64>| v.map(|v| format!("{v:.2}")).unwrap_or_default();
        for f in figures {
            println!(
                "{},{},{},{},{},{}",
                csv_field(&f.key),
                csv_field(&f.label_zh),
                f.period,
                number(f.value),
                number(f.numerator),
                number(f.denominator)
            );
        }
        Ok(())
    }

    fn query(&self) -> Result<Query, ServerError> {
        let level = Level::parse(&self.level).ok_or_else(|| bad("unknown --level"))?;
        let kind = PeriodKind::parse(&self.period).ok_or_else(|| bad("unknown --period"))?;
        let period = match (self.year, &self.from, &self.to) {
            (Some(year), _, _) => Period::year(year, kind),
            (None, Some(from), Some(to)) => Period::new(kind, from, to)?,
            _ => return Err(bad("give --year, or --from and --to")),
        };
        let scope = Scope::parse(&self.scope).ok_or_else(|| bad("unknown --scope"))?;
        Ok(Query {
            level,
            period,
            scope,
            parent: self.parent.clone(),
        })
    }
}

fn bad(message: &str) -> ServerError {
    ServerError::BadRequest(message.to_owned())
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}
