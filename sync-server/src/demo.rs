//! `serve --demo`'s data: the demo year (`supervision::simulate::demo`) stored once as the
//! documents a sync would have left, the warning rules run as of today, one case-file review
//! sample drawn and scored, and the demo accounts created or reset with fresh passwords.
//! Loading is marked by a `counter` row, so a second start on the same data changes nothing
//! but the passwords (and warnings the day's run finds).

use chrono::{NaiveDate, Utc};
use zhifa_core::calendar::beijing_date;

use crate::catalogue::CatalogueStore;
use crate::error::ServerError;
use crate::storage::{transaction, Database, Tx};
use crate::supervision::review::{self, Rate};
use crate::supervision::simulate::{demo, load::Loaded, synced, year::Generator};
use crate::supervision::warnings::{self, Rules};
use crate::supervision::Scope;

/// The `counter` row marking the demo year loaded; its value is the year's last day
/// (days since 1970-01-01).
pub const LOADED: &str = "demo_year_loaded";

/// Who the demo's records name as having drawn its review sample.
pub const REVIEWER: &str = "演示评查员";

/// What a demo start did.
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    /// The load, when this start made it (`None`: it was there).
    pub loaded: Option<Loaded>,
    /// The demo year's last day.
    pub as_of: Option<NaiveDate>,
    /// Warnings open after today's run.
    pub open_warnings: i64,
    /// Cases and inspections in the index.
    pub cases: i64,
    pub inspections: i64,
    /// The review sample drawn by this start.
    pub sample: Option<String>,
}

/// The demo year's last day, when it is loaded.
pub fn loaded_until(db: &dyn Database) -> Result<Option<NaiveDate>, ServerError> {
    let row = transaction(db, |tx| {
        tx.query_opt(
            "SELECT value FROM counter WHERE name = $1",
            &[LOADED.into()],
        )
    })?;
    row.map(|r| r.int(0))
        .transpose()
        .map(|days| days.and_then(day_of))
}

fn day_of(days: i64) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(1970, 1, 1)?.checked_add_signed(chrono::Duration::days(days))
}

fn days_of(day: NaiveDate) -> i64 {
    (day - NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid")).num_days()
}

/// Loads the demo year as of `today` unless it is loaded; what it loaded.
pub fn ensure_year(db: &dyn Database, today: NaiveDate) -> Result<Option<Loaded>, ServerError> {
    if loaded_until(db)?.is_some() {
        return Ok(None);
    }
    let generator = Generator::new(demo::config(today)).map_err(ServerError::Config)?;
    let as_of = generator.config.as_of();
    let mark = move |tx: &mut dyn Tx| {
        // A load raced by another replica's fails here, whole, on the marker's key.
        tx.execute(
            "INSERT INTO counter (name, value) VALUES ($1, $2)",
            &[LOADED.into(), days_of(as_of).into()],
        )?;
        Ok(())
    };
    synced::load(db, &generator, &demo::extras, &mark).map(Some)
}

/// Everything `serve --demo` prepares before serving, over a published demo catalogue.
pub fn prepare(db: &dyn Database, catalogue: &CatalogueStore) -> Result<Prepared, ServerError> {
    let today = beijing_date(Utc::now());
    let loaded = ensure_year(db, today)?;
    let as_of = loaded_until(db)?;
    warnings::run(db, &Rules::builtin(), today)?;
    let sample = match (&loaded, as_of) {
        (Some(_), Some(until)) => Some(draw_sample(db, catalogue, until)?),
        _ => None,
    };
    let count =
        |sql: &str| transaction(db, |tx| tx.query_opt(sql, &[])?.map_or(Ok(0), |r| r.int(0)));
    Ok(Prepared {
        loaded,
        as_of,
        open_warnings: count("SELECT COUNT(*) FROM sv_warning WHERE status = 'open'")?,
        cases: count("SELECT COUNT(*) FROM sv_case")?,
        inspections: count("SELECT COUNT(*) FROM sv_inspection")?,
        sample,
    })
}

/// One city-wide sample of a tenth of the year's decided cases, scored by the checklist.
fn draw_sample(
    db: &dyn Database,
    catalogue: &CatalogueStore,
    until: NaiveDate,
) -> Result<String, ServerError> {
    let from = NaiveDate::from_ymd_opt(chrono::Datelike::year(&until), 1, 1).expect("valid");
    let sample = review::draw(
        db,
        &Scope::City,
        (from, until),
        Rate::Percent(10),
        demo::SEED,
        REVIEWER,
    )?;
    review::score_sample(db, catalogue, &sample.id, REVIEWER)?;
    Ok(sample.id)
}

/// What `serve --demo` prints at start, in zh-CN: the demo year, the console's address.
pub fn banner(prepared: &Prepared, listen: std::net::SocketAddr) -> String {
    let mut out = String::new();
    if let Some(until) = prepared.as_of {
        let from = NaiveDate::from_ymd_opt(chrono::Datelike::year(&until), 1, 1).expect("valid");
        out.push_str(&format!(
            "演示数据：{}至{}，渝中区、渝北区、邻水县9个执法主体，案件{}件，入企检查{}次，未处理预警{}条。\n",
            date_zh(from),
            date_zh(until),
            prepared.cases,
            prepared.inspections,
            prepared.open_warnings,
        ));
    }
    out.push_str(&format!("监督控制台：http://{listen}/console"));
    out
}

fn date_zh(day: NaiveDate) -> String {
    zhifa_core::texts::cases::date_zh(day)
}
