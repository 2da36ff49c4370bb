//! `compute_all`'s path for what is computed in Rust (medians, percentiles, day counts,
//! variation, spreads, repeats): each indicator's rows are read once, by body with their
//! district, sector and document, then grouped for every level it supports, officers from one
//! read of the cases' acting officers. `compute` gives the same figures one level at a time.

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use super::aggregate::{Part, Parts};
use super::compute::{
    monthly_parts, repeat_rows, spread_parts, value_parts, values, Classes, Monthly, Valued,
};
use super::definition::{Indicator, Kind};
use super::query::{self, Frame};
use super::source::Officer;
use super::{Level, Query};
use crate::error::ServerError;
use crate::storage::Tx;

/// What several indicators read alike, read once: the acting officers of every case (when an
/// indicator needs them), and the rows of indicators that share their table, date, filter and
/// value (a median, a p90 and a share within 90 days of the same cases).
#[derive(Default)]
pub(super) struct Shared {
    officers: Option<HashMap<String, Vec<String>>>,
    rows: HashMap<String, Rc<Vec<Valued>>>,
}

impl Shared {
    pub(super) fn officers(
        &mut self,
        tx: &mut dyn Tx,
    ) -> Result<&HashMap<String, Vec<String>>, ServerError> {
        if self.officers.is_none() {
            let mut map: HashMap<String, Vec<String>> = HashMap::new();
            for row in tx.query(
                "SELECT doc_id, credential_no FROM sv_case_officer WHERE acting = 1",
                &[],
            )? {
                map.entry(row.text(0)?).or_default().push(row.text(1)?);
            }
            self.officers = Some(map);
        }
        Ok(self.officers.as_ref().expect("just read"))
    }

    fn rows(
        &mut self,
        tx: &mut dyn Tx,
        ind: &Indicator,
        frame: &Frame,
        extra: &[String],
    ) -> Result<Rc<Vec<Valued>>, ServerError> {
        let key = format!(
            "{}|{:?}|{:?}|{:?}|{:?}|{extra:?}|{:?}",
            ind.table, ind.date, ind.filter, ind.days, ind.value, frame.period_key
        );
        if let Some(rows) = self.rows.get(&key) {
            return Ok(rows.clone());
        }
        let rows = Rc::new(values(tx, ind, frame, extra)?);
        self.rows.insert(key, rows.clone());
        Ok(rows)
    }
}

/// Whether `regroup` computes `ind` (an officer level it can only take from acting officers).
pub(super) fn handles(ind: &Indicator) -> bool {
    let officers_ok =
        !ind.levels.contains(&Level::Officer) || ind.source.officer == Officer::Acting;
    !ind.officers && officers_ok
}

/// Values by class, then body, borrowed from the rows while grouping.
type BorrowedClasses<'a> = BTreeMap<&'a str, BTreeMap<&'a str, Vec<f64>>>;

/// The keys of `row` at `level`: one, or one per acting officer of its document.
fn keys<'a>(
    level: Level,
    row: &'a Valued,
    officers: &'a HashMap<String, Vec<String>>,
) -> Vec<&'a str> {
    match level {
        Level::City => vec!["city"],
        Level::District => vec![&row.rest[0]],
        Level::Body => vec![&row.level],
        Level::Sector => vec![&row.rest[1]],
        Level::Officer => officers
            .get(&row.rest[2])
            .map(|o| o.iter().map(String::as_str).collect())
            .unwrap_or_default(),
    }
}

/// The figure parts of `ind` at each of its levels; `q` is its query at body level.
pub(super) fn regroup(
    tx: &mut dyn Tx,
    ind: &Indicator,
    q: &Query,
    shared: &mut Shared,
) -> Result<Vec<(Level, Parts)>, ServerError> {
    let frame = query::frame(ind, q, super::compute::as_of(&q.period), true)?;
    let no_officers = HashMap::new();
    let needs_officers = ind.levels.contains(&Level::Officer);
    if ind.kind == Kind::RepeatWithin {
        return repeats(tx, ind, &frame);
    }
    if ind.kind == Kind::MonthlyCv {
        return monthly(tx, ind, q, &frame);
    }
    let sector = if ind.source.sector { "t.sector" } else { "''" };
    let mut extra = vec![
        "t.district".to_owned(),
        sector.to_owned(),
        format!("t.{}", ind.source.doc),
    ];
    let spread = ind.kind == Kind::Spread;
    if spread {
        extra.push(ind.class.clone().unwrap_or_default());
    }
    let rows = shared.rows(tx, ind, &frame, &extra)?;
    let officers = if needs_officers {
        shared.officers(tx)?
    } else {
        &no_officers
    };
    let mut out = Vec::new();
    for level in &ind.levels {
        // Borrowed keys while grouping: a city-year has ~200k (officer, month) groups.
        let mut grouped: HashMap<(&str, &str), Vec<f64>> = HashMap::new();
        let mut classes: HashMap<(&str, &str), BorrowedClasses> = HashMap::new();
        for row in rows.iter() {
            for key in keys(*level, row, officers) {
                let slot = (key, row.period.as_str());
                if spread {
                    let by_class = classes.entry(slot).or_default();
                    let by_body = by_class.entry(&row.rest[3]).or_default();
                    by_body.entry(&row.level).or_default().push(row.value);
                } else {
                    grouped.entry(slot).or_default().push(row.value);
                }
            }
        }
        let owned = |(k, p): (&str, &str)| (k.to_owned(), p.to_owned());
        let grouped: BTreeMap<(String, String), Vec<f64>> = grouped
            .into_iter()
            .map(|(slot, v)| (owned(slot), v))
            .collect();
        let classes: BTreeMap<(String, String), Classes> = classes
            .into_iter()
            .map(|(slot, by_class)| {
                let by_class = by_class
                    .into_iter()
                    .map(|(class, bodies)| {
                        let bodies = bodies.into_iter().map(|(b, v)| (b.to_owned(), v)).collect();
                        (class.to_owned(), bodies)
                    })
                    .collect();
                (owned(slot), by_class)
            })
            .collect();
        let parts = if spread {
            spread_parts(ind, classes)
        } else {
            value_parts(ind, grouped)
        };
        out.push((*level, parts));
    }
    Ok(out)
}

/// Repeat counts by body, rolled up (each row is repeated or not, whoever counts it).
fn repeats(
    tx: &mut dyn Tx,
    ind: &Indicator,
    frame: &Frame,
) -> Result<Vec<(Level, Parts)>, ServerError> {
    let rows = repeat_rows(tx, ind, frame)?;
    let mut out = Vec::new();
    for level in &ind.levels {
        let mut counts: HashMap<(&str, &str), (f64, f64)> = HashMap::new();
        for row in &rows {
            let key = match level {
                Level::City => "city",
                Level::District => &row.district,
                _ => &row.level,
            };
            let (repeated, all) = counts.entry((key, &row.period)).or_default();
            *all += 1.0;
            *repeated += if row.repeated { 1.0 } else { 0.0 };
        }
        let parts: Parts = counts
            .into_iter()
            .map(|((key, period), (repeated, all))| {
                let part = Part {
                    value: Some(repeated),
                    numerator: repeated,
                    denominator: all,
                    has_numerator: true,
                    has_denominator: true,
                };
                ((key.to_owned(), period.to_owned()), part)
            })
            .collect();
        out.push((*level, parts));
    }
    Ok(out)
}

/// Monthly totals by body, district and sector, summed for each level.
fn monthly(
    tx: &mut dyn Tx,
    ind: &Indicator,
    q: &Query,
    frame: &Frame,
) -> Result<Vec<(Level, Parts)>, ServerError> {
    let date = format!("t.{}", ind.date.as_deref().unwrap_or_default());
    let total = match &ind.value {
        Some(v) => format!("CAST(COALESCE(SUM({v}), 0) AS BIGINT)"),
        None => "COUNT(*)".to_owned(),
    };
    let sector = if ind.source.sector { "t.sector" } else { "''" };
    let columns = [
        "t.district".to_owned(),
        sector.to_owned(),
        format!("substr({date}, 1, 7)"),
        total,
    ];
    let sql = frame.select(&columns, true, 3);
    let rows = tx.query(&sql, &frame.params.0)?;
    let mut out = Vec::new();
    for level in &ind.levels {
        let mut totals = Monthly::new();
        for row in &rows {
            let (body, period, at) = frame.read_keys(row)?;
            let key = match level {
                Level::City => "city".to_owned(),
                Level::District => row.text(at)?,
                Level::Sector => row.text(at + 1)?,
                _ => body,
            };
            let month = totals.entry((key, period)).or_default();
            *month.entry(row.text(at + 2)?).or_default() += row.int(at + 3)? as f64;
        }
        out.push((*level, monthly_parts(ind, &q.period, totals)));
    }
    Ok(out)
}
