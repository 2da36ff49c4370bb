//! A figure's SQL from a definition and a `Query`. The definition's fragments are trusted
//! repository SQL over unqualified columns of the row `t`; everything from the query (scope,
//! period, parent, keys, the as-of date) is bound as a `$n` parameter.

use chrono::NaiveDate;

use super::definition::Indicator;
use super::fragment::{substitute, Params};
use super::source::{Officer, ACTING_JOIN};
use super::{Level, PeriodKind, Query};
use crate::error::ServerError;
use crate::supervision::Scope;

/// The rows one query of an indicator reads, and the keys they are grouped by.
#[derive(Clone)]
pub(super) struct Frame {
    pub from: String,
    pub wheres: Vec<String>,
    pub params: Params,
    /// The level's key; `None` for the city (one figure, keyed `city`).
    pub level_key: Option<String>,
    /// The period key; `None` for a snapshot (keyed by the as-of date).
    pub period_key: Option<String>,
    pub as_of: NaiveDate,
}

impl Frame {
    /// The key expressions selected first (and grouped by), in order. The level's column is
    /// selected as an expression (`|| ''`) so that SQLite groups a scan of the table in a
    /// sorter rather than walking a `(district, …)` index and fetching every row from it
    /// (three times slower on a city-year).
    pub fn keys(&self) -> Vec<String> {
        let level = self.level_key.as_ref().map(|k| format!("{k} || ''"));
        level.into_iter().chain(self.period_key.clone()).collect()
    }

    /// `SELECT keys, exprs FROM … WHERE …`, grouped by the keys when `group`, then `extra`.
    pub fn select(&self, exprs: &[String], group: bool, extra_group: usize) -> String {
        let keys = self.keys();
        let columns: Vec<&str> = keys
            .iter()
            .chain(exprs.iter())
            .map(String::as_str)
            .collect();
        let mut sql = format!("SELECT {} FROM {}", columns.join(", "), self.from);
        if !self.wheres.is_empty() {
            sql += &format!(" WHERE {}", self.wheres.join(" AND "));
        }
        let grouped = keys.len() + extra_group;
        if group && grouped > 0 {
            let positions: Vec<String> = (1..=grouped).map(|i| i.to_string()).collect();
            sql += &format!(" GROUP BY {}", positions.join(", "));
        }
        sql
    }

    /// The level and period keys of a row selected by `select`, and the index of its first
    /// expression.
    pub fn read_keys(
        &self,
        row: &crate::storage::Row,
    ) -> Result<(String, String, usize), ServerError> {
        let mut at = 0;
        let level = match self.level_key {
            Some(_) => {
                at += 1;
                row.text(0)?
            }
            None => "city".to_owned(),
        };
        let period = match self.period_key {
            Some(_) => {
                at += 1;
                row.text(at - 1)?
            }
            None => self.as_of.to_string(),
        };
        Ok((level, period, at))
    }
}

/// The frame of `ind` under `q`: its rows in the period, scope and parent, matching the
/// definition's `filter` when `filtered` (aggregates apply it themselves).
pub(super) fn frame(
    ind: &Indicator,
    q: &Query,
    as_of: NaiveDate,
    filtered: bool,
) -> Result<Frame, ServerError> {
    let mut params = Params::default();
    let mut wheres = Vec::new();
    let mut from = format!("{} t", ind.source.from);
    let join = ind.officers || q.level == Level::Officer;
    if join && ind.source.officer == Officer::Acting {
        from = format!("{from} {ACTING_JOIN}");
    }
    let period_key = match &ind.date {
        Some(date) => {
            let column = format!("t.{date}");
            let (from, to) = (params.bind(&q.period.from), params.bind(&q.period.to));
            // City-wide, a period reads most of the table: compared as an expression, the
            // date sends SQLite through the table rather than row by row through an index
            // (five times faster on a city-year); a district's or a body's rows keep theirs.
            let city_wide = q.parent.is_none() && matches!(q.scope, Scope::City);
            let compared = if city_wide {
                format!("{column} || ''")
            } else {
                column.clone()
            };
            wheres.push(format!("{compared} >= {from} AND {compared} <= {to}"));
            Some(period_key(&column, q.period.kind))
        }
        None => None,
    };
    if let Some((condition, value)) = q.scope.condition("t", params.0.len() + 1) {
        params.0.push(value);
        wheres.push(condition);
    }
    if let Some(parent) = &q.parent {
        let column = if is_district(parent) {
            "t.district"
        } else {
            "t.body"
        };
        wheres.push(format!("{column} = {}", params.bind(parent)));
    }
    if let Some(filter) = ind.filter.as_ref().filter(|_| filtered) {
        wheres.push(format!("({})", substitute(filter, as_of, &mut params)?));
    }
    let level_key = match q.level {
        Level::City => None,
        Level::District => Some("t.district".to_owned()),
        Level::Body => Some("t.body".to_owned()),
        Level::Sector => Some("t.sector".to_owned()),
        Level::Officer => Some(match ind.source.officer {
            Officer::Acting => "o.officer".to_owned(),
            _ => "t.officer".to_owned(),
        }),
    };
    Ok(Frame {
        from,
        wheres,
        params,
        level_key,
        period_key,
        as_of,
    })
}

fn is_district(key: &str) -> bool {
    key.len() == 6 && key.bytes().all(|b| b.is_ascii_digit())
}

/// The period key of a date column: the day, `YYYY-MM`, `YYYY-Qn`, `YYYY`.
pub(super) fn period_key(column: &str, kind: PeriodKind) -> String {
    match kind {
        PeriodKind::Day => column.to_owned(),
        PeriodKind::Month => format!("substr({column}, 1, 7)"),
        PeriodKind::Year => format!("substr({column}, 1, 4)"),
        PeriodKind::Quarter => format!(
            "substr({column}, 1, 5) || CASE WHEN substr({column}, 6, 2) <= '03' THEN 'Q1' \
             WHEN substr({column}, 6, 2) <= '06' THEN 'Q2' \
             WHEN substr({column}, 6, 2) <= '09' THEN 'Q3' ELSE 'Q4' END"
        ),
    }
}
