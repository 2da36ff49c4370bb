//! What a city-year is made from: its scale, seed and year, and the city's mean rates.

use chrono::{Datelike, NaiveDate};
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

/// The body's seasonal wiggle: a little busier in spring and autumn.
pub(super) fn seasonal(month: u32) -> f64 {
    1.0 + 0.15 * (std::f64::consts::TAU * (month as f64 - 4.0) / 12.0).sin()
}

/// The days of `month` in `year`.
pub(super) fn month_days(year: i32, month: u32) -> u32 {
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    next.expect("valid").pred_opt().expect("valid").day()
}
