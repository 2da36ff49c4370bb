//! Indicators as data. `sync-server/supervision/indicators.toml` defines each indicator (its
//! zh-CN name and definition, the table of the index it reads, the levels and periods it
//! supports, the date its period applies to, its formula); this module validates the file
//! once and computes any indicator at any level and period, within a supervisor's scope.
//!
//! - `definition`: the file's form, parsed and validated into `Indicator`s.
//! - `source`: what each index table offers (its document id, officer and sector columns).
//! - `aggregate`: counts, sums, ratios in SQL, several indicators in one scan.
//! - `batch`: every indicator for a year at every level, sharing scans (`compute_all`).
//! - `scan`: for `compute_all`, counts, sums, ratios and distinct counts from one read of
//!   a batch's rows, summed in Rust for every level.
//! - `regroup`: for `compute_all`, rows computed in Rust read once for every level.
//! - `query`: a figure's SQL built from a definition and a `Query`, user input only as `$n`.
//! - `compute`: the figures, with medians, percentiles and spreads computed here in Rust.
//! - `stats`: the small statistics `compute` needs.
//! - `labels`: zh-CN labels for figure keys (district names, body and officer names).

mod aggregate;
mod batch;
pub mod cache;
mod compute;
mod definition;
mod fragment;
mod labels;
mod query;
mod regroup;
mod scan;
mod source;
mod stats;

use chrono::Datelike;
use serde::Serialize;

use crate::error::ServerError;
use crate::supervision::Scope;

pub use batch::compute_all;
pub use cache::FigureCache;
pub use compute::{cases_behind, compute, compute_named};
pub use definition::{Indicator, Indicators, Kind};
pub use labels::Names;

/// Where a figure is counted: the whole city, a district, a body, an officer or a sector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    City,
    District,
    Body,
    Officer,
    Sector,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::City,
        Level::District,
        Level::Body,
        Level::Officer,
        Level::Sector,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::City => "city",
            Level::District => "district",
            Level::Body => "body",
            Level::Officer => "officer",
            Level::Sector => "sector",
        }
    }

    pub fn parse(text: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == text)
    }

    /// The zh-CN name of the level, for headers.
    pub fn name_zh(self) -> &'static str {
        match self {
            Level::City => "全市",
            Level::District => "区县",
            Level::Body => "执法主体",
            Level::Officer => "执法人员",
            Level::Sector => "领域",
        }
    }
}

/// How a period is cut into figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Day,
    Month,
    Quarter,
    Year,
}

impl PeriodKind {
    pub const ALL: [PeriodKind; 4] = [
        PeriodKind::Day,
        PeriodKind::Month,
        PeriodKind::Quarter,
        PeriodKind::Year,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Day => "day",
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Year => "year",
        }
    }

    pub fn parse(text: &str) -> Option<PeriodKind> {
        PeriodKind::ALL.into_iter().find(|p| p.as_str() == text)
    }
}

/// The years a period may fall in.
const MIN_YEAR: i32 = 2000;
const MAX_YEAR: i32 = 2100;

/// The dates a query covers (both inclusive, ISO `YYYY-MM-DD` in Beijing) and how they are cut.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub kind: PeriodKind,
    pub from: String,
    pub to: String,
}

impl Period {
    /// The period, refused (in zh-CN: a supervisor reads it) unless both dates are real
    /// dates and `from` is not after `to`.
    pub fn new(kind: PeriodKind, from: &str, to: &str) -> Result<Period, ServerError> {
        let (Some(start), Some(end)) = (stats::date(from), stats::date(to)) else {
            return Err(ServerError::BadRequest(format!(
                "期间日期无效：{from} 至 {to}（应为 YYYY-MM-DD）"
            )));
        };
        if start > end {
            return Err(ServerError::BadRequest(format!(
                "期间起始日 {from} 晚于截止日 {to}"
            )));
        }
        // A request's period bounds the work it causes (figures are cut month by month):
        // years the platform can hold, at most ten of them, a day cut at most a year.
        let (years, span_days) = (MIN_YEAR..=MAX_YEAR, (end - start).num_days());
        if !years.contains(&start.year()) || !years.contains(&end.year()) {
            return Err(ServerError::BadRequest(format!(
                "期间须在 {MIN_YEAR} 年至 {MAX_YEAR} 年之间：{from} 至 {to}"
            )));
        }
        let longest = if kind == PeriodKind::Day { 366 } else { 3_660 };
        if span_days > longest {
            return Err(ServerError::BadRequest(format!(
                "期间过长：{from} 至 {to}（按日统计不超过一年，其他不超过十年）"
            )));
        }
        Ok(Period {
            kind,
            from: start.to_string(),
            to: end.to_string(),
        })
    }

    /// A calendar year cut by `kind`.
    pub fn year(year: i32, kind: PeriodKind) -> Period {
        Period {
            kind,
            from: format!("{year:04}-01-01"),
            to: format!("{year:04}-12-31"),
        }
    }
}

/// What to compute: at which level, over which period, within whose scope, and (drilling
/// down) under which parent: a district code (six digits) keeps that district's rows, any
/// other key that body's rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub level: Level,
    pub period: Period,
    pub scope: Scope,
    pub parent: Option<String>,
}

/// One figure: the value of an indicator for one key (district code, body id, credential
/// number, sector; `city` for the whole city) and one period key (`2025-03-14`, `2025-03`,
/// `2025-Q1`, `2025`; the as-of date for a snapshot indicator). `numerator` and
/// `denominator` are the counts a ratio or a mean is made of (for a median: the values).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    pub key: String,
    pub label_zh: String,
    pub period: String,
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_bounds_the_work_a_request_causes() {
        let ok = |kind, from, to| Period::new(kind, from, to).is_ok();
        assert!(ok(PeriodKind::Month, "2016-01-01", "2025-12-31"));
        assert!(ok(PeriodKind::Day, "2025-01-01", "2025-12-31"));
        // Centuries (the request a hostile key would send), a day cut over a year, dates
        // outside the years the platform holds, and the last date chrono knows.
        assert!(!ok(PeriodKind::Year, "2001-01-01", "2099-12-31"));
        assert!(!ok(PeriodKind::Day, "2024-01-01", "2025-12-31"));
        assert!(!ok(PeriodKind::Month, "1999-12-01", "2000-01-31"));
        assert!(!ok(PeriodKind::Month, "2100-12-01", "+262142-12-31"));
        assert!(stats::months_in("2025", "2025-11-01", "2025-12-31").len() == 2);
    }
}
