//! Every indicator for a year at every level it supports: what the bench times. Additive
//! indicators (counts, sums, ratios, means) that share a table, a date, the officer join and a
//! period are computed together: one scan at body level, rolled up to districts and the city
//! in Rust, one scan by officer, one by sector. What is computed in Rust reads its rows once
//! for all its levels (`regroup`); distinct counts are computed level by level.

use std::collections::BTreeMap;

use super::aggregate::{self, Part, Parts, Sums};
use super::compute::{as_of, compute, figures};
use super::definition::{Indicator, Indicators};
use super::regroup::{self, Officers};
use super::{query, Figure, Level, Period, PeriodKind, Query};
use crate::error::ServerError;
use crate::storage::{transaction, Database, Tx};
use crate::supervision::Scope;

/// Every indicator of the file for `year`, city-wide, by month (or the finest period it
/// supports above that), at each level it supports: (indicator id, level, figures).
pub fn compute_all(
    db: &dyn Database,
    year: i32,
) -> Result<Vec<(String, Level, Vec<Figure>)>, ServerError> {
    transaction(db, |tx| {
        let mut out = Vec::new();
        let mut batches: BTreeMap<_, Vec<&Indicator>> = BTreeMap::new();
        let mut officers = Officers::default();
        for ind in &Indicators::builtin().list {
            let kind = finest(ind);
            if aggregate::additive(ind) {
                let key = (
                    ind.table.as_str(),
                    ind.date.as_deref(),
                    ind.officers,
                    kind.as_str(),
                );
                batches.entry(key).or_default().push(ind);
                continue;
            }
            if !aggregate::aggregated(ind) && regroup::handles(ind) {
                let q = query(Level::Body, year, kind);
                for (level, parts) in regroup::regroup(tx, ind, &q, &mut officers)? {
                    out.push((ind.id.clone(), level, figures(level, parts, None)));
                }
                continue;
            }
            for level in &ind.levels {
                out.push((
                    ind.id.clone(),
                    *level,
                    compute(tx, ind, &query(*level, year, kind))?,
                ));
            }
        }
        for inds in batches.values() {
            out.extend(batch(tx, inds, year, finest(inds[0]))?);
        }
        Ok(out)
    })
}

fn finest(ind: &Indicator) -> PeriodKind {
    [PeriodKind::Month, PeriodKind::Quarter, PeriodKind::Year]
        .into_iter()
        .find(|k| ind.periods.contains(k))
        .unwrap_or(PeriodKind::Day)
}

fn query(level: Level, year: i32, kind: PeriodKind) -> Query {
    Query {
        level,
        period: Period::year(year, kind),
        scope: Scope::City,
        parent: None,
    }
}

/// The sums of one indicator by level, then by (key, period).
type ByLevel = BTreeMap<Level, BTreeMap<(String, String), Sums>>;

/// One batch of indicators sharing their rows: the figures of each at each of its levels.
fn batch(
    tx: &mut dyn Tx,
    inds: &[&Indicator],
    year: i32,
    kind: PeriodKind,
) -> Result<Vec<(String, Level, Vec<Figure>)>, ServerError> {
    let mut sums: Vec<ByLevel> = vec![ByLevel::new(); inds.len()];
    let wants = |level: Level| inds.iter().any(|i| i.levels.contains(&level));
    if wants(Level::City) || wants(Level::District) || wants(Level::Body) {
        let q = query(Level::Body, year, kind);
        let frame = query::frame(inds[0], &q, as_of(&q.period), false)?;
        for group in aggregate::run(tx, inds, &frame, true)? {
            for (i, s) in group.sums.iter().enumerate().filter(|(_, s)| s.rows > 0) {
                let period = &group.period;
                for (level, key) in [
                    (Level::Body, &group.level),
                    (Level::District, &group.district),
                    (Level::City, &"city".to_owned()),
                ] {
                    let slot = (key.clone(), period.clone());
                    *sums[i].entry(level).or_default().entry(slot).or_default() += *s;
                }
            }
        }
        if frame.period_key.is_none() {
            // A snapshot has its one city figure even when no row is counted.
            let slot = ("city".to_owned(), frame.as_of.to_string());
            for by_level in &mut sums {
                by_level
                    .entry(Level::City)
                    .or_default()
                    .entry(slot.clone())
                    .or_default();
            }
        }
    }
    for level in [Level::Officer, Level::Sector] {
        let at_level: Vec<usize> = (0..inds.len())
            .filter(|i| inds[*i].levels.contains(&level))
            .collect();
        if at_level.is_empty() {
            continue;
        }
        let chosen: Vec<&Indicator> = at_level.iter().map(|i| inds[*i]).collect();
        let q = query(level, year, kind);
        let frame = query::frame(chosen[0], &q, as_of(&q.period), false)?;
        for group in aggregate::run(tx, &chosen, &frame, false)? {
            for (j, s) in group.sums.iter().enumerate().filter(|(_, s)| s.rows > 0) {
                let slot = (group.level.clone(), group.period.clone());
                sums[at_level[j]].entry(level).or_default().insert(slot, *s);
            }
        }
    }
    let mut out = Vec::new();
    for (ind, mut by_level) in inds.iter().zip(sums) {
        for level in &ind.levels {
            let parts: Parts = by_level
                .remove(level)
                .unwrap_or_default()
                .into_iter()
                .map(|(slot, s)| (slot, aggregate::part(ind, s)))
                .collect::<BTreeMap<_, Part>>();
            out.push((ind.id.clone(), *level, figures(*level, parts, None)));
        }
    }
    Ok(out)
}
