//! The simulated city-year: a deterministic year of enforcement over the full-scale generated
//! catalogue (3,508 bodies, 54,186 officers), with anomalies injected at known scopes and
//! recorded as ground truth, loaded through the real projection and scored against the
//! warning rules.
//!
//! - `world`: what the generator needs of the catalogue (bodies, officers, towns, the
//!   enterprises each body regulates, the discretion engine's outcomes, cached).
//! - `cases`, `inspections`: one case file, one inspection with its visit, built as real
//!   core values.
//! - `anomalies`: the plan of injected anomalies, by body, and their truth.
//! - `year`: the generator, streaming one body's year at a time.
//! - `truth`: `truth.json`, the scopes each warning rule must fire on.
//! - `load`: writing a year into a server's database through the real projection.
//! - `evaluate`: the warning rules' precision and recall against the truth.

pub mod anomalies;
pub mod cases;
pub mod evaluate;
pub mod inspections;
pub mod load;
pub mod truth;
pub mod world;
pub mod year;

use std::path::Path;

use chrono::NaiveDate;
use zhifa_core::registry::generate::Scale;

/// How large a city-year to simulate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CityScale {
    /// The real platform: ~350,000 cases and ~1,000,000 inspections.
    Full,
    /// A hundredth, for tests.
    Small,
}

impl CityScale {
    pub fn parse(text: &str) -> Option<CityScale> {
        match text {
            "full" => Some(CityScale::Full),
            "small" => Some(CityScale::Small),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CityScale::Full => "full",
            CityScale::Small => "small",
        }
    }

    /// The catalogue's scale: the number of bodies sets every other count.
    pub fn catalogue(self) -> Scale {
        match self {
            CityScale::Full => Scale::FULL,
            CityScale::Small => Scale::SMALL,
        }
    }
}

/// What a city-year is made from: the same config always gives the same year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CityYear {
    pub scale: CityScale,
    pub seed: u64,
    /// The calendar year simulated (Beijing dates, 1 January to 31 December).
    pub year: i32,
}

/// A body's mean yearly counts: 350,000 cases and 1,000,000 inspections over 3,508 bodies.
pub const CASES_PER_BODY_YEAR: f64 = 100.0;
pub const INSPECTIONS_PER_BODY_YEAR: f64 = 285.0;

impl CityYear {
    pub fn new(scale: CityScale, seed: u64) -> CityYear {
        CityYear {
            scale,
            seed,
            year: 2026,
        }
    }

    pub fn first_day(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, 1, 1).expect("valid year")
    }

    /// The day the picture is taken: nothing after it has happened yet.
    pub fn as_of(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, 12, 31).expect("valid year")
    }
}

/// Generates the city-year of `config`, publishes its catalogue into `data_dir` (so the server
/// serves it), loads the year into `db` and writes `truth.json` beside it.
pub fn simulate(
    db: &dyn crate::storage::Database,
    data_dir: &Path,
    config: CityYear,
) -> Result<(load::Loaded, truth::Truth), crate::ServerError> {
    let generator = year::Generator::new(config).map_err(crate::ServerError::Config)?;
    crate::server::open_catalogue(data_dir)?.publish(&generator.world.data)?;
    let (loaded, truth) = load::load(db, &generator)?;
    truth.write(data_dir)?;
    Ok((loaded, truth))
}
