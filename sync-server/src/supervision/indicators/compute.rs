//! Figures from the index. Counts, sums and ratios are aggregated in SQL; medians,
//! percentiles, day counts, variation and spreads are computed here from the rows, where the
//! two backends would differ.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use super::aggregate::{self, ratio, Part, Parts};
use super::definition::{Indicator, Kind};
use super::fragment;
use super::labels::{label, Names};
use super::query::{self, Frame};
use super::{stats, Figure, Level, Period, PeriodKind, Query};
use crate::error::ServerError;
use crate::storage::{Row, Tx};

/// The figures of `ind` under `q`, labelled with district names only.
pub fn compute(tx: &mut dyn Tx, ind: &Indicator, q: &Query) -> Result<Vec<Figure>, ServerError> {
    compute_named(tx, ind, q, None)
}

/// `compute`, with body and officer names from `names` (the catalogue).
pub fn compute_named(
    tx: &mut dyn Tx,
    ind: &Indicator,
    q: &Query,
    names: Option<&dyn Names>,
) -> Result<Vec<Figure>, ServerError> {
    let aggregated = aggregate::aggregated(ind);
    let frame = prepare(ind, q, !aggregated)?;
    let parts = match ind.kind {
        _ if aggregated => aggregate::run(tx, &[ind], &frame)?
            .into_iter()
            .map(|g| ((g.level, g.period), aggregate::part(ind, g.sums[0])))
            .collect(),
        Kind::MonthlyCv => monthly_cv(tx, ind, q, &frame)?,
        Kind::Spread => spread(tx, ind, &frame)?,
        Kind::RepeatWithin => repeats(tx, ind, &frame)?,
        // Means of day counts, medians, p90s, variation, shares within a limit.
        _ => from_values(tx, ind, &frame)?,
    };
    Ok(figures(q.level, parts, names))
}

/// The figures of `parts` at `level`, labelled, in period then key order.
pub(super) fn figures(level: Level, parts: Parts, names: Option<&dyn Names>) -> Vec<Figure> {
    let mut figures: Vec<Figure> = parts
        .into_iter()
        .map(|((key, period), part)| Figure {
            label_zh: label(level, &key, names),
            key,
            period,
            value: part.value,
            numerator: part.has_numerator.then_some(part.numerator),
            denominator: part.has_denominator.then_some(part.denominator),
        })
        .collect();
    figures.sort_by(|a, b| (&a.period, &a.key).cmp(&(&b.period, &b.key)));
    figures
}

/// One unnamed figure at `level` (what `compute_all` gives).
pub(super) fn figure(level: Level, key: &str, period: &str, part: Part) -> Figure {
    Figure {
        label_zh: label(level, key, None),
        key: key.to_owned(),
        period: period.to_owned(),
        value: part.value,
        numerator: part.has_numerator.then_some(part.numerator),
        denominator: part.has_denominator.then_some(part.denominator),
    }
}

/// The frame of `ind` under `q` (filtered or not), refused in zh-CN where the indicator has
/// no such level or period.
pub(super) fn prepare(ind: &Indicator, q: &Query, filtered: bool) -> Result<Frame, ServerError> {
    if !ind.supports(q.level, q.period.kind) {
        return Err(ServerError::BadRequest(format!(
            "指标“{}”不支持按{}、{}统计",
            ind.name,
            q.level.name_zh(),
            period_name(q.period.kind)
        )));
    }
    query::frame(ind, q, as_of(&q.period), filtered)
}

fn period_name(kind: PeriodKind) -> &'static str {
    match kind {
        PeriodKind::Day => "日",
        PeriodKind::Month => "月",
        PeriodKind::Quarter => "季度",
        PeriodKind::Year => "年",
    }
}

/// A snapshot's date: the period's end, or today in Beijing when the period has not ended.
pub(super) fn as_of(period: &Period) -> NaiveDate {
    let today = zhifa_core::calendar::beijing_date(chrono::Utc::now());
    stats::date(&period.to).map_or(today, |to| to.min(today))
}

fn value_of(ind: &Indicator) -> &str {
    ind.value.as_deref().unwrap_or("1")
}

/// One row's keys, its number, and the `extra` columns asked for.
pub(super) struct Valued {
    pub level: String,
    pub period: String,
    pub value: f64,
    pub rest: Vec<String>,
}

/// The number each row contributes: its `value`, or its day count from `days[0]` to
/// `days[1]` (rows missing either date are left out).
pub(super) fn values(
    tx: &mut dyn Tx,
    ind: &Indicator,
    frame: &Frame,
    extra: &[String],
) -> Result<Vec<Valued>, ServerError> {
    let mut frame = frame.clone();
    let mut exprs: Vec<String> = match &ind.days {
        Some([from, to]) => {
            frame
                .wheres
                .push(format!("t.{from} IS NOT NULL AND t.{to} IS NOT NULL"));
            vec![format!("t.{from}"), format!("t.{to}")]
        }
        None => vec![format!("CAST(({}) AS BIGINT)", value_of(ind))],
    };
    let width = exprs.len();
    exprs.extend(extra.iter().cloned());
    let sql = frame.select(&exprs, false, 0);
    let mut out = Vec::new();
    for row in tx.query(&sql, &frame.params.0)? {
        let (level, period, at) = frame.read_keys(&row)?;
        let value = if width == 2 {
            match stats::days_between(&row.text(at)?, &row.text(at + 1)?) {
                Some(days) => days as f64,
                None => continue,
            }
        } else {
            row.int(at)? as f64
        };
        let rest = (0..extra.len())
            .map(|i| text_of(&row, at + width + i))
            .collect::<Result<_, _>>()?;
        out.push(Valued {
            level,
            period,
            value,
            rest,
        });
    }
    Ok(out)
}

fn text_of(row: &Row, i: usize) -> Result<String, ServerError> {
    row.text(i).or_else(|_| row.int(i).map(|v| v.to_string()))
}

/// Means of day counts, medians, p90s, variation and shares within a limit.
fn from_values(tx: &mut dyn Tx, ind: &Indicator, frame: &Frame) -> Result<Parts, ServerError> {
    let mut grouped: BTreeMap<(String, String), Vec<f64>> = BTreeMap::new();
    for row in values(tx, ind, frame, &[])? {
        grouped
            .entry((row.level, row.period))
            .or_default()
            .push(row.value);
    }
    Ok(value_parts(ind, grouped))
}

/// The figure parts of grouped values (`from_values`).
pub(super) fn value_parts(ind: &Indicator, grouped: BTreeMap<(String, String), Vec<f64>>) -> Parts {
    grouped
        .into_iter()
        .map(|(key, values)| {
            let n = values.len() as f64;
            let part = match ind.kind {
                Kind::ShareWithin => {
                    let limit = ind.at_most.unwrap_or(0) as f64;
                    let within = values.iter().filter(|v| **v <= limit).count() as f64;
                    ratio(within, n, ind.scale, false)
                }
                kind => Part {
                    value: match kind {
                        Kind::Median => stats::median(&values),
                        Kind::P90 => stats::percentile(&values, 90.0),
                        Kind::Cv => stats::cv(&values).map(|v| v * ind.scale),
                        _ => stats::mean(&values),
                    },
                    denominator: n,
                    has_denominator: true,
                    ..Part::default()
                },
            };
            (key, part)
        })
        .collect()
}

/// The variation of monthly totals over each period's months, empty months counted as 0.
fn monthly_cv(
    tx: &mut dyn Tx,
    ind: &Indicator,
    q: &Query,
    frame: &Frame,
) -> Result<Parts, ServerError> {
    let date = format!("t.{}", ind.date.as_deref().unwrap_or_default());
    let total = match &ind.value {
        Some(v) => format!("CAST(COALESCE(SUM({v}), 0) AS BIGINT)"),
        None => "COUNT(*)".to_owned(),
    };
    let sql = frame.select(&[format!("substr({date}, 1, 7)"), total], true, 1);
    let mut monthly: BTreeMap<(String, String), BTreeMap<String, f64>> = BTreeMap::new();
    for row in tx.query(&sql, &frame.params.0)? {
        let (level, period, at) = frame.read_keys(&row)?;
        let months = monthly.entry((level, period)).or_default();
        months.insert(row.text(at)?, row.int(at + 1)? as f64);
    }
    Ok(monthly_parts(ind, &q.period, monthly))
}

/// Monthly totals by (key, period key) and then month, to their variation.
pub(super) type Monthly = BTreeMap<(String, String), BTreeMap<String, f64>>;

pub(super) fn monthly_parts(ind: &Indicator, period: &Period, monthly: Monthly) -> Parts {
    monthly
        .into_iter()
        .map(|((level, key_period), months)| {
            let series: Vec<f64> = stats::months_in(&key_period, &period.from, &period.to)
                .iter()
                .map(|m| months.get(m).copied().unwrap_or(0.0))
                .collect();
            let part = Part {
                value: stats::cv(&series).map(|v| v * ind.scale),
                numerator: series.iter().sum(),
                denominator: series.len() as f64,
                has_numerator: true,
                has_denominator: true,
            };
            ((level, key_period), part)
        })
        .collect()
}

/// Same violation and facts, different penalties: per class, the bodies' median values; the
/// class's spread is (largest − smallest) over the median of those medians; the figure is
/// the median class spread, `numerator` the classes compared (seen at two bodies or more).
fn spread(tx: &mut dyn Tx, ind: &Indicator, frame: &Frame) -> Result<Parts, ServerError> {
    let class = ind.class.clone().unwrap_or_default();
    let extra = [class, "t.body".to_owned()];
    let mut grouped: BTreeMap<(String, String), Classes> = BTreeMap::new();
    for row in values(tx, ind, frame, &extra)? {
        let classes = grouped.entry((row.level, row.period)).or_default();
        let bodies = classes.entry(row.rest[0].clone()).or_default();
        bodies
            .entry(row.rest[1].clone())
            .or_default()
            .push(row.value);
    }
    Ok(spread_parts(ind, grouped))
}

/// Values by class, then body: what `spread` compares.
pub(super) type Classes = BTreeMap<String, BTreeMap<String, Vec<f64>>>;

/// The spread of each group's classes.
pub(super) fn spread_parts(ind: &Indicator, grouped: BTreeMap<(String, String), Classes>) -> Parts {
    grouped
        .into_iter()
        .map(|(key, classes)| {
            let spreads: Vec<f64> = classes
                .values()
                .filter(|bodies| bodies.len() >= 2)
                .filter_map(|bodies| {
                    let medians: Vec<f64> =
                        bodies.values().filter_map(|v| stats::median(v)).collect();
                    let middle = stats::median(&medians)?;
                    let (low, high) = medians
                        .iter()
                        .fold((f64::MAX, f64::MIN), |(l, h), m| (l.min(*m), h.max(*m)));
                    (middle > 0.0).then(|| (high - low) / middle * ind.scale)
                })
                .collect();
            let part = Part {
                value: stats::median(&spreads),
                numerator: spreads.len() as f64,
                has_numerator: true,
                ..Part::default()
            };
            (key, part)
        })
        .collect()
}

/// One row of a repeat count: whether another body's row of the same `by` lies within
/// `within` days of it.
pub(super) struct Repeat {
    pub level: String,
    pub period: String,
    pub district: String,
    pub doc: String,
    pub repeated: bool,
}

pub(super) fn repeat_rows(
    tx: &mut dyn Tx,
    ind: &Indicator,
    frame: &Frame,
) -> Result<Vec<Repeat>, ServerError> {
    let date = ind.date.as_deref().unwrap_or_default();
    let exprs = [
        format!("CAST(({}) AS TEXT)", ind.by.as_deref().unwrap_or_default()),
        "t.body".to_owned(),
        format!("t.{date}"),
        format!("t.{}", ind.source.doc),
        "t.district".to_owned(),
    ];
    let sql = frame.select(&exprs, false, 0);
    let mut rows = Vec::new();
    let mut by_entity: HashMap<String, Vec<(NaiveDate, String, usize)>> = HashMap::new();
    for row in tx.query(&sql, &frame.params.0)? {
        let (level, period, at) = frame.read_keys(&row)?;
        let Some(day) = stats::date(&row.text(at + 2)?) else {
            continue;
        };
        let entity = row.text(at)?;
        if !entity.is_empty() {
            by_entity
                .entry(entity)
                .or_default()
                .push((day, row.text(at + 1)?, rows.len()));
        }
        rows.push(Repeat {
            level,
            period,
            doc: row.text(at + 3)?,
            district: row.text(at + 4)?,
            repeated: false,
        });
    }
    let within = ind.within.unwrap_or(0);
    for visits in by_entity.values_mut() {
        visits.sort();
        for (i, (day, body, row)) in visits.iter().enumerate() {
            let near = |other: &(NaiveDate, String, usize)| {
                &other.1 != body && (other.0 - *day).num_days().abs() <= within
            };
            let before = visits[..i]
                .iter()
                .rev()
                .take_while(|o| (*day - o.0).num_days() <= within);
            let after = visits[i + 1..]
                .iter()
                .take_while(|o| (o.0 - *day).num_days() <= within);
            if before.chain(after).any(near) {
                rows[*row].repeated = true;
            }
        }
    }
    Ok(rows)
}

/// Rows of one enterprise with another body's row within the window: the figure counts them
/// (`denominator`: all rows of the figure).
fn repeats(tx: &mut dyn Tx, ind: &Indicator, frame: &Frame) -> Result<Parts, ServerError> {
    let mut parts = Parts::new();
    for row in repeat_rows(tx, ind, frame)? {
        let part = parts.entry((row.level, row.period)).or_default();
        part.has_numerator = true;
        part.has_denominator = true;
        part.denominator += 1.0;
        if row.repeated {
            part.numerator += 1.0;
        }
        part.value = Some(part.numerator);
    }
    Ok(parts)
}

/// The ids (case documents, inspections, visits…) behind the figure of `key` (and of the
/// period key `period` when given): for a ratio the rows counted above the line (or the
/// definition's `behind` rows, e.g. the cases outside the band), for a share within a limit
/// the rows beyond it, for a repeat count the repeated rows, otherwise every row counted. At
/// most `limit`, in id order.
pub fn cases_behind(
    tx: &mut dyn Tx,
    ind: &Indicator,
    q: &Query,
    key: &str,
    period: Option<&str>,
    limit: usize,
) -> Result<Vec<String>, ServerError> {
    let mut frame = prepare(ind, q, true)?;
    if ind.kind == Kind::RepeatWithin {
        let mut docs: Vec<String> = repeat_rows(tx, ind, &frame)?
            .into_iter()
            .filter(|r| r.repeated && r.level == key && period.is_none_or(|p| r.period == p))
            .map(|r| r.doc)
            .collect();
        docs.sort();
        docs.dedup();
        docs.truncate(limit);
        return Ok(docs);
    }
    if let Some(level_key) = frame.level_key.clone() {
        let bound = frame.params.bind(key);
        frame.wheres.push(format!("{level_key} = {bound}"));
    }
    if let (Some(period_key), Some(period)) = (frame.period_key.clone(), period) {
        let bound = frame.params.bind(period);
        frame.wheres.push(format!("{period_key} = {bound}"));
    }
    let rows_behind = match ind.kind {
        Kind::Ratio => ind.behind.as_ref().or(ind.numerator.as_ref()),
        _ => ind.behind.as_ref(),
    };
    if let Some(behind) = rows_behind {
        let condition = fragment::substitute(behind, frame.as_of, &mut frame.params)?;
        frame.wheres.push(format!("({condition})"));
    }
    let doc = format!("t.{}", ind.source.doc);
    if ind.kind == Kind::ShareWithin {
        let limit_days = ind.at_most.unwrap_or(0) as f64;
        let mut docs: Vec<String> = values(tx, ind, &frame, &[doc])?
            .into_iter()
            .filter(|row| row.value > limit_days)
            .map(|row| row.rest[0].clone())
            .collect();
        docs.sort();
        docs.dedup();
        docs.truncate(limit);
        return Ok(docs);
    }
    // Only the ids are selected: no keys, no grouping.
    frame.level_key = None;
    frame.period_key = None;
    let limit_param = frame.params.bind(limit as i64);
    let sql = format!(
        "{} ORDER BY 1 LIMIT {limit_param}",
        frame.select(&[format!("DISTINCT {doc}")], false, 0)
    );
    tx.query(&sql, &frame.params.0)?
        .iter()
        .map(|row| row.text(0))
        .collect()
}
