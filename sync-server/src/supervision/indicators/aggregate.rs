//! Counts, sums, ratios, means of a column and distinct counts, aggregated in SQL with each
//! indicator's filter inside its aggregates (`CASE WHEN filter …`): what `compute` runs for
//! one indicator at one level (`compute_all` sums the same figures in Rust, `scan`).

use super::definition::{Indicator, Kind};
use super::fragment;
use super::query::{self, Frame};
use crate::error::ServerError;
use crate::storage::Tx;

/// The value of one figure and what it is made of.
#[derive(Default, Debug, Clone)]
pub(super) struct Part {
    pub value: Option<f64>,
    pub numerator: f64,
    pub denominator: f64,
    pub has_numerator: bool,
    pub has_denominator: bool,
}

pub(super) type Parts = std::collections::BTreeMap<(String, String), Part>;

/// `numerator / denominator`, times `scale` unless a mean.
pub(super) fn ratio(numerator: f64, denominator: f64, scale: f64, mean: bool) -> Part {
    let scale = if mean { 1.0 } else { scale };
    Part {
        value: (denominator > 0.0).then(|| numerator / denominator * scale),
        numerator,
        denominator,
        has_numerator: true,
        has_denominator: true,
    }
}

/// Whether `kind` is aggregated here.
pub(super) fn aggregated(ind: &Indicator) -> bool {
    match ind.kind {
        Kind::Count | Kind::Sum | Kind::Ratio | Kind::CountDistinct | Kind::DistinctRatio => true,
        Kind::Mean => ind.value.is_some(),
        _ => false,
    }
}

/// What one indicator's aggregates count in one group: the rows its filter keeps, and the
/// two numbers its value is made of.
#[derive(Default, Debug, Clone, Copy)]
pub(super) struct Sums {
    pub rows: i64,
    pub first: i64,
    pub second: i64,
}

impl std::ops::AddAssign for Sums {
    fn add_assign(&mut self, other: Sums) {
        self.rows += other.rows;
        self.first += other.first;
        self.second += other.second;
    }
}

/// The figure part from an indicator's sums.
pub(super) fn part(ind: &Indicator, sums: Sums) -> Part {
    let first = sums.first as f64;
    match ind.kind {
        Kind::Count | Kind::Sum | Kind::CountDistinct => Part {
            value: Some(first),
            numerator: first,
            has_numerator: true,
            ..Part::default()
        },
        _ => ratio(first, sums.second as f64, ind.scale, ind.kind == Kind::Mean),
    }
}

/// The three aggregates of `ind` over a frame without its filter.
fn exprs(ind: &Indicator, frame: &mut Frame) -> Result<[String; 3], ServerError> {
    let mut condition = |fragment: Option<&String>| -> Result<String, ServerError> {
        let own = match fragment {
            Some(f) => fragment::substitute(f, frame.as_of, &mut frame.params)?,
            None => "1 = 1".to_owned(),
        };
        Ok(own)
    };
    let filter = condition(ind.filter.as_ref())?;
    let rows = format!("COUNT(CASE WHEN ({filter}) THEN 1 END)");
    let count_if = |c: &str| {
        format!(
            "CAST(COALESCE(SUM(CASE WHEN ({filter}) AND ({c}) THEN 1 ELSE 0 END), 0) AS BIGINT)"
        )
    };
    let value = ind.value.as_deref().unwrap_or("1");
    let sum = format!("CAST(COALESCE(SUM(CASE WHEN ({filter}) THEN ({value}) END), 0) AS BIGINT)");
    let distinct = |i: usize| {
        format!(
            "COUNT(DISTINCT CASE WHEN ({filter}) THEN ({}) END)",
            ind.distinct[i]
        )
    };
    Ok(match ind.kind {
        // A repeated aggregate is computed once: `read` copies `rows`.
        Kind::Count => [rows, "0".into(), "0".into()],
        Kind::Sum => [rows, sum, "0".into()],
        Kind::Ratio => {
            let numerator = count_if(&condition(ind.numerator.as_ref())?);
            let denominator = match &ind.denominator {
                Some(_) => count_if(&condition(ind.denominator.as_ref())?),
                None => "0".into(),
            };
            [rows, numerator, denominator]
        }
        Kind::Mean => {
            let counted = format!("COUNT(CASE WHEN ({filter}) THEN ({value}) END)");
            [rows, sum, counted]
        }
        Kind::CountDistinct => [rows, distinct(0), "0".into()],
        _ => [rows, distinct(0), distinct(1)],
    })
}

/// One group's keys and each indicator's sums.
pub(super) struct Group {
    pub level: String,
    pub period: String,
    pub sums: Vec<Sums>,
}

/// Every indicator of `inds` (sharing the frame's rows) over `frame`, in one statement. A group no indicator's
/// filter keeps is left out, unless the frame has no keys (one snapshot figure for the city).
pub(super) fn run(
    tx: &mut dyn Tx,
    inds: &[&Indicator],
    frame: &Frame,
) -> Result<Vec<Group>, ServerError> {
    let mut frame = query::Frame::clone(frame);
    let mut columns = Vec::new();
    for ind in inds {
        columns.extend(exprs(ind, &mut frame)?);
    }
    let sql = frame.select(&columns, true, 0);
    let keyless = frame.keys().is_empty();
    let mut groups = Vec::new();
    for row in tx.query(&sql, &frame.params.0)? {
        let (level, period, at) = frame.read_keys(&row)?;
        let sums: Vec<Sums> = (0..inds.len())
            .map(|i| {
                let int = |j: usize| row.int(at + 3 * i + j);
                let rows = int(0)?;
                let ind = inds[i];
                Ok(Sums {
                    rows,
                    first: if ind.kind == Kind::Count {
                        rows
                    } else {
                        int(1)?
                    },
                    second: match ind.kind {
                        Kind::Ratio if ind.denominator.is_none() => rows,
                        _ => int(2)?,
                    },
                })
            })
            .collect::<Result<_, ServerError>>()?;
        if keyless || sums.iter().any(|s| s.rows > 0) {
            groups.push(Group {
                level,
                period,
                sums,
            });
        }
    }
    Ok(groups)
}
