//! Every indicator for a year at every level it supports: what the bench times. Indicators
//! aggregated in SQL by `compute` (counts, sums, ratios, means, distinct counts) that share a
//! table, a date, the officer join and a period are read together in one scan, summed in
//! Rust for every level (`scan`). What is computed from values (medians, percentiles,
//! variation, spreads, repeats) reads its rows once for all its levels (`regroup`).

use std::collections::BTreeMap;

use super::aggregate;
use super::compute::{compute, figures};
use super::definition::{Indicator, Indicators};
use super::regroup::{self, Shared};
use super::{scan, Figure, Level, Period, PeriodKind, Query};
use crate::error::ServerError;
use crate::storage::{transaction, Database};
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
        let mut shared = Shared::default();
        for ind in &Indicators::builtin().list {
            let kind = finest(ind);
            if aggregate::aggregated(ind) {
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
                for (level, parts) in regroup::regroup(tx, ind, &q, &mut shared)? {
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
            let q = query(Level::Body, year, finest(inds[0]));
            out.extend(scan::scan(tx, inds, &q, &mut shared)?);
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
