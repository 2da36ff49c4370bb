//! The definition file's form and its validation. The file is repository data (trusted: its
//! filters are SQL), read once; anything wrong in it is a configuration error naming the
//! indicator, found by the test that loads it.

use std::collections::HashSet;
use std::sync::OnceLock;

use serde::Deserialize;

use super::source::{self, Source};
use super::{fragment, Level, PeriodKind};
use crate::error::ServerError;

const BUILTIN: &str = include_str!("../../../supervision/indicators.toml");

/// How an indicator's value is made from its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Rows matching `filter`.
    Count,
    /// The sum of `value` over the rows.
    Sum,
    /// Rows matching `numerator` over rows matching `denominator` (all rows when absent).
    Ratio,
    /// The mean of `value` or of the day counts `days`.
    Mean,
    Median,
    P90,
    /// The share of rows whose day count `days` is at most `at_most`.
    ShareWithin,
    /// Distinct values of `distinct[0]`.
    CountDistinct,
    /// Distinct values of `distinct[0]` per distinct value of `distinct[1]`.
    DistinctRatio,
    /// Coefficient of variation of `value` over the rows.
    Cv,
    /// Coefficient of variation of the monthly totals (rows, or sums of `value`) over the
    /// months of each period, empty months included: low means too regular (整齐化).
    MonthlyCv,
    /// For each `class` (same violation, same facts) seen at two bodies or more, the spread of
    /// the bodies' median `value` relative to their middle; the figure is the median class's.
    Spread,
    /// Rows of one `by` (an enterprise) with another body's row within `within` days.
    RepeatWithin,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    indicator: Vec<Raw>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    id: String,
    name: String,
    definition: String,
    unit: String,
    table: String,
    date: Option<String>,
    levels: Vec<String>,
    periods: Vec<String>,
    kind: Kind,
    filter: Option<String>,
    numerator: Option<String>,
    denominator: Option<String>,
    behind: Option<String>,
    value: Option<String>,
    days: Option<[String; 2]>,
    at_most: Option<i64>,
    #[serde(default)]
    distinct: Vec<String>,
    class: Option<String>,
    by: Option<String>,
    within: Option<i64>,
    #[serde(default)]
    officers: bool,
    scale: Option<f64>,
}

/// One validated indicator.
#[derive(Debug, Clone)]
pub struct Indicator {
    pub id: String,
    pub name: String,
    pub definition: String,
    pub unit: String,
    pub table: String,
    /// The column the period applies to; `None`: a snapshot as of the period's end (or today).
    pub date: Option<String>,
    pub levels: Vec<Level>,
    pub periods: Vec<PeriodKind>,
    pub kind: Kind,
    pub filter: Option<String>,
    pub numerator: Option<String>,
    pub denominator: Option<String>,
    /// The rows `cases_behind` lists when not the counted ones (e.g. the cases outside the band).
    pub behind: Option<String>,
    pub value: Option<String>,
    pub days: Option<[String; 2]>,
    pub at_most: Option<i64>,
    pub distinct: Vec<String>,
    pub class: Option<String>,
    pub by: Option<String>,
    pub within: Option<i64>,
    /// Always join the acting officers (an officer count at any level).
    pub officers: bool,
    /// Multiplies ratios and spreads: 100 for a percentage.
    pub scale: f64,
    pub(super) source: &'static Source,
}

impl Indicator {
    pub fn supports(&self, level: Level, period: PeriodKind) -> bool {
        self.levels.contains(&level) && self.periods.contains(&period)
    }
}

/// Every indicator of a definition file, in the file's order.
#[derive(Debug, Clone)]
pub struct Indicators {
    pub list: Vec<Indicator>,
}

impl Indicators {
    /// The repository's file, parsed and validated once.
    pub fn builtin() -> &'static Indicators {
        static BUILT: OnceLock<Indicators> = OnceLock::new();
        BUILT.get_or_init(|| {
            Indicators::parse(BUILTIN).unwrap_or_else(|e| panic!("indicators.toml: {e}"))
        })
    }

    pub fn parse(text: &str) -> Result<Indicators, ServerError> {
        let file: File = toml::from_str(text).map_err(|e| ServerError::Config(e.to_string()))?;
        let mut seen = HashSet::new();
        let mut list = Vec::new();
        for raw in file.indicator {
            if !seen.insert(raw.id.clone()) {
                return Err(ServerError::Config(format!("indicator {} twice", raw.id)));
            }
            let id = raw.id.clone();
            list.push(validate(raw).map_err(|e| ServerError::Config(format!("{id}: {e}")))?);
        }
        Ok(Indicators { list })
    }

    pub fn get(&self, id: &str) -> Option<&Indicator> {
        self.list.iter().find(|i| i.id == id)
    }
}

fn validate(raw: Raw) -> Result<Indicator, String> {
    if raw.id.is_empty() || raw.name.is_empty() || raw.definition.is_empty() || raw.unit.is_empty()
    {
        return Err("id, name, definition and unit are required".into());
    }
    let source = source::find(&raw.table).ok_or(format!("unknown table {}", raw.table))?;
    let levels = raw
        .levels
        .iter()
        .map(|l| Level::parse(l).ok_or(format!("unknown level {l}")))
        .collect::<Result<Vec<_>, _>>()?;
    let periods = raw
        .periods
        .iter()
        .map(|p| PeriodKind::parse(p).ok_or(format!("unknown period {p}")))
        .collect::<Result<Vec<_>, _>>()?;
    if levels.is_empty() || periods.is_empty() {
        return Err("at least one level and one period".into());
    }
    for level in &levels {
        if !source.offers(*level) {
            return Err(format!("{} has no {} level", raw.table, level.as_str()));
        }
    }
    let fragments = [&raw.filter, &raw.numerator, &raw.denominator, &raw.behind]
        .into_iter()
        .chain([&raw.value, &raw.class, &raw.by, &raw.date])
        .flatten()
        .chain(&raw.distinct)
        .chain(raw.days.iter().flatten());
    for fragment in fragments {
        fragment::check_fragment(fragment)?;
    }
    check_kind(&raw, &periods)?;
    let scale = raw
        .scale
        .unwrap_or(if raw.unit == "%" { 100.0 } else { 1.0 });
    Ok(Indicator {
        id: raw.id,
        name: raw.name,
        definition: raw.definition,
        unit: raw.unit,
        table: raw.table,
        date: raw.date,
        levels,
        periods,
        kind: raw.kind,
        filter: raw.filter,
        numerator: raw.numerator,
        denominator: raw.denominator,
        behind: raw.behind,
        value: raw.value,
        days: raw.days,
        at_most: raw.at_most,
        distinct: raw.distinct,
        class: raw.class,
        by: raw.by,
        within: raw.within,
        officers: raw.officers,
        scale,
        source,
    })
}

/// What each kind needs from the definition.
fn check_kind(raw: &Raw, periods: &[PeriodKind]) -> Result<(), String> {
    let one_value = raw.value.is_some() != raw.days.is_some();
    let ok = match raw.kind {
        Kind::Count => true,
        Kind::Sum => raw.value.is_some(),
        Kind::Ratio => raw.numerator.is_some(),
        Kind::Mean | Kind::Median | Kind::P90 | Kind::Cv => one_value,
        Kind::ShareWithin => raw.days.is_some() && raw.at_most.is_some(),
        Kind::CountDistinct => raw.distinct.len() == 1,
        Kind::DistinctRatio => raw.distinct.len() == 2,
        Kind::MonthlyCv => {
            raw.date.is_some()
                && periods
                    .iter()
                    .all(|p| matches!(p, PeriodKind::Quarter | PeriodKind::Year))
        }
        Kind::Spread => raw.value.is_some() && raw.class.is_some(),
        Kind::RepeatWithin => raw.by.is_some() && raw.within.is_some() && raw.date.is_some(),
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "kind {:?} lacks what it needs (see docs/SUPERVISION.md)",
            raw.kind
        ))
    }
}
