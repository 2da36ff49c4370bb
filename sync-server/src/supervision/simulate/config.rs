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
    /// The demo catalogue (`data/demo/catalogue.json`, 9 bodies) up to today, for `serve --demo`.
    Demo,
}

impl CityScale {
    pub fn parse(text: &str) -> Option<CityScale> {
        match text {
            "full" => Some(CityScale::Full),
            "small" => Some(CityScale::Small),
            "demo" => Some(CityScale::Demo),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CityScale::Full => "full",
            CityScale::Small => "small",
            CityScale::Demo => "demo",
        }
    }

    /// The generated catalogue's scale (the number of bodies sets every other count); `None`
    /// for the demo, whose catalogue is the shipped one.
    pub fn catalogue(self) -> Option<Scale> {
        match self {
            CityScale::Full => Some(Scale::FULL),
            CityScale::Small => Some(Scale::SMALL),
            CityScale::Demo => None,
        }
    }
}

/// What a city-year is made from: the same config always gives the same year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CityYear {
    pub scale: CityScale,
    pub seed: u64,
    /// The calendar year simulated (Beijing dates, 1 January to 31 December, or `until`).
    pub year: i32,
    /// The last day simulated when the year is not over (the demo runs to today).
    pub until: Option<NaiveDate>,
    /// A body's mean yearly cases and inspections.
    pub cases_per_body: f64,
    pub inspections_per_body: f64,
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
            until: None,
            cases_per_body: CASES_PER_BODY_YEAR,
            inspections_per_body: INSPECTIONS_PER_BODY_YEAR,
        }
    }

    pub fn first_day(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, 1, 1).expect("valid year")
    }

    /// The day the picture is taken: nothing after it has happened yet.
    pub fn as_of(&self) -> NaiveDate {
        self.until
            .unwrap_or_else(|| NaiveDate::from_ymd_opt(self.year, 12, 31).expect("valid year"))
    }

    /// What the generated documents' ids start with: the demo's never meet a city-year's
    /// loaded into the same database.
    pub fn id_prefix(&self) -> &'static str {
        match self.scale {
            CityScale::Demo => "demo",
            _ => "sim",
        }
    }

    /// The month the monthly anomalies sit in: November of a whole year, else the last month
    /// before the picture's (the month of `as_of` is still under way).
    pub fn anomaly_month(&self) -> u32 {
        match self.until {
            None => 11,
            Some(day) => day.month().saturating_sub(1).max(1),
        }
    }

    /// The share of `month`'s days (of `in_year`) that have happened by `as_of`: 1 for a month
    /// passed, 0 for one to come.
    pub(super) fn month_share(&self, in_year: i32, month: u32) -> f64 {
        let as_of = self.as_of();
        match (in_year, month).cmp(&(as_of.year(), as_of.month())) {
            std::cmp::Ordering::Less => 1.0,
            std::cmp::Ordering::Equal => {
                f64::from(as_of.day()) / f64::from(month_days(in_year, month))
            }
            std::cmp::Ordering::Greater => 0.0,
        }
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
