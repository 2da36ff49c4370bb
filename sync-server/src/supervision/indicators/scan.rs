//! `compute_all`'s path for counts, sums, ratios, means and distinct counts: the rows of a
//! batch of indicators sharing their table, date, officer join and period are read once,
//! without grouping, each row carrying its body, district, sector, officer (or document) and,
//! computed in SQL, each indicator's flags (packed into bit masks), values and distinct
//! values; Rust then sums them by every level the batch supports, officers from one read of
//! the cases' acting officers. Grouping in SQL instead costs one statement per level, and
//! the officer join's ~200k groups cost seconds each on a city-year.

use std::collections::{HashMap, HashSet};

use super::aggregate::{self, Sums};
use super::compute::{as_of, figure};
use super::definition::{Indicator, Kind};
use super::fragment;
use super::query::{self, Frame};
use super::regroup::Shared;
use super::source::Officer;
use super::{Figure, Level, Query};
use crate::error::ServerError;
use crate::storage::{Row, Tx, Value};

/// Flags packed into one mask column (below the sign bit).
const BITS: usize = 60;

/// Where one of an indicator's numbers comes from in a scanned row.
#[derive(Clone, Copy)]
enum Take {
    Zero,
    /// The indicator's own row flag.
    Rows,
    Bit(usize),
    Value(usize),
    Distinct(usize),
}

/// One indicator's place in the scanned row.
struct Spec {
    rows: usize,
    first: Take,
    second: Take,
}

/// The expressions a scan selects after its keys, and what each indicator reads of them.
#[derive(Default)]
struct Columns {
    flags: Vec<String>,
    values: Vec<String>,
    distinct: Vec<String>,
}

impl Columns {
    fn flag(&mut self, condition: String) -> usize {
        self.flags.push(condition);
        self.flags.len() - 1
    }

    fn spec(&mut self, ind: &Indicator, frame: &mut Frame) -> Result<Spec, ServerError> {
        let mut condition = |fragment: Option<&String>| -> Result<String, ServerError> {
            match fragment {
                Some(f) => fragment::substitute(f, frame.as_of, &mut frame.params),
                None => Ok("1 = 1".to_owned()),
            }
        };
        let filter = condition(ind.filter.as_ref())?;
        let rows = self.flag(filter.clone());
        let value = ind.value.as_deref().unwrap_or("1");
        let mut sum = || {
            self.values.push(format!(
                "CAST(COALESCE(CASE WHEN ({filter}) THEN ({value}) END, 0) AS BIGINT)"
            ));
            Take::Value(self.values.len() - 1)
        };
        let (first, second) = match ind.kind {
            Kind::Count => (Take::Rows, Take::Zero),
            Kind::Sum => (sum(), Take::Zero),
            Kind::Mean => {
                let total = sum();
                let counted = self.flag(format!("({filter}) AND ({value}) IS NOT NULL"));
                (total, Take::Bit(counted))
            }
            Kind::Ratio => {
                let numerator = condition(ind.numerator.as_ref())?;
                let first = Take::Bit(self.flag(format!("({filter}) AND ({numerator})")));
                let second = match &ind.denominator {
                    Some(d) => {
                        let denominator = condition(Some(d))?;
                        Take::Bit(self.flag(format!("({filter}) AND ({denominator})")))
                    }
                    None => Take::Rows,
                };
                (first, second)
            }
            _ => {
                let mut distinct = |i: usize| {
                    self.distinct.push(format!(
                        "CASE WHEN ({filter}) THEN ({}) END",
                        ind.distinct[i]
                    ));
                    Take::Distinct(self.distinct.len() - 1)
                };
                let first = distinct(0);
                let second = match ind.kind {
                    Kind::DistinctRatio => distinct(1),
                    _ => Take::Zero,
                };
                (first, second)
            }
        };
        Ok(Spec {
            rows,
            first,
            second,
        })
    }

    /// The selected expressions: masks of up to `BITS` flags, then values, then distincts.
    fn exprs(&self) -> Vec<String> {
        let masks = self.flags.chunks(BITS).map(|chunk| {
            let terms: Vec<String> = chunk
                .iter()
                .enumerate()
                .map(|(bit, c)| format!("CASE WHEN ({c}) THEN {} ELSE 0 END", 1i64 << bit))
                .collect();
            format!("CAST({} AS BIGINT)", terms.join(" + "))
        });
        masks
            .chain(self.values.iter().cloned())
            .chain(self.distinct.iter().cloned())
            .collect()
    }
}

/// What one group (a key and a period at one level) has summed.
#[derive(Default)]
struct Acc {
    sums: Vec<Sums>,
    sets: Vec<HashSet<u32>>,
}

/// One scanned row's numbers.
struct Numbers {
    masks: Vec<i64>,
    values: Vec<i64>,
    distinct: Vec<Option<u32>>,
}

impl Numbers {
    fn flag(&self, bit: usize) -> bool {
        self.masks[bit / BITS] >> (bit % BITS) & 1 == 1
    }

    fn number(&self, from: Take, rows: i64) -> i64 {
        match from {
            Take::Rows => rows,
            Take::Bit(b) => i64::from(self.flag(b)),
            Take::Value(v) => self.values[v],
            Take::Zero | Take::Distinct(_) => 0,
        }
    }
}

fn int(row: &Row, i: usize) -> Result<i64, ServerError> {
    match row.0.get(i) {
        Some(Value::Null) => Ok(0),
        _ => row.int(i),
    }
}

/// Distinct values numbered as they are first seen, so that each level's sets hold numbers.
#[derive(Default)]
struct Numbering {
    texts: HashMap<String, u32>,
    ints: HashMap<i64, u32>,
}

impl Numbering {
    fn number(&mut self, row: &Row, i: usize) -> Option<u32> {
        let next = (self.texts.len() + self.ints.len()) as u32;
        match row.0.get(i) {
            Some(Value::Text(t)) => Some(match self.texts.get(t.as_str()) {
                Some(n) => *n,
                None => *self.texts.entry(t.clone()).or_insert(next),
            }),
            Some(Value::Int(v)) => Some(*self.ints.entry(*v).or_insert(next)),
            _ => None,
        }
    }
}

/// The figures of every indicator of `inds` at each of its levels; `q` is the query at body
/// level they share.
pub(super) fn scan(
    tx: &mut dyn Tx,
    inds: &[&Indicator],
    q: &Query,
    shared: &mut Shared,
) -> Result<Vec<(String, Level, Vec<Figure>)>, ServerError> {
    let mut frame = query::frame(inds[0], q, as_of(&q.period), false)?;
    let mut columns = Columns::default();
    let specs: Vec<Spec> = inds
        .iter()
        .map(|ind| columns.spec(ind, &mut frame))
        .collect::<Result<_, _>>()?;
    let source = &inds[0].source;
    let levels: Vec<Level> = Level::ALL
        .into_iter()
        .filter(|l| inds.iter().any(|i| i.levels.contains(l)))
        .collect();
    let joined = inds[0].officers && source.officer == Officer::Acting;
    let officer = match source.officer {
        _ if !levels.contains(&Level::Officer) => "''".to_owned(),
        Officer::Acting if joined => "o.officer".to_owned(),
        Officer::Acting => format!("t.{}", source.doc),
        Officer::Column => "t.officer".to_owned(),
        Officer::None => "''".to_owned(),
    };
    let sector = if source.sector { "t.sector" } else { "''" };
    let mut exprs = vec!["t.district".to_owned(), sector.to_owned(), officer];
    exprs.extend(columns.exprs());
    let sql = frame.select(&exprs, false, 0);
    let rows = tx.query(&sql, &frame.params.0)?;
    let no_officers = HashMap::new();
    let officers =
        if levels.contains(&Level::Officer) && source.officer == Officer::Acting && !joined {
            shared.officers(tx)?
        } else {
            &no_officers
        };
    let masks = columns.flags.len().div_ceil(BITS);
    let empty = || Acc {
        sums: vec![Sums::default(); inds.len()],
        sets: vec![HashSet::new(); columns.distinct.len()],
    };
    let as_of = frame.as_of.to_string();
    let mut numbering = Numbering::default();
    // Keys borrowed from the rows while grouping: ~200k (officer, month) groups a city-year.
    let mut groups: HashMap<Level, HashMap<(&str, &str), Acc>> = HashMap::new();
    for row in &rows {
        let text = |i: usize| match row.0.get(i) {
            Some(Value::Text(t)) => Ok(t.as_str()),
            _ => Err(ServerError::Decode),
        };
        let body = text(0)?;
        let (period, at) = match frame.period_key {
            Some(_) => (text(1)?, 2),
            None => (as_of.as_str(), 1),
        };
        let place = [text(at)?, text(at + 1)?, text(at + 2)?];
        let first = at + 3;
        let numbers = Numbers {
            masks: (0..masks)
                .map(|i| int(row, first + i))
                .collect::<Result<_, _>>()?,
            values: (0..columns.values.len())
                .map(|i| int(row, first + masks + i))
                .collect::<Result<_, _>>()?,
            distinct: (0..columns.distinct.len())
                .map(|i| numbering.number(row, first + masks + columns.values.len() + i))
                .collect(),
        };
        if !specs.iter().any(|s| numbers.flag(s.rows)) {
            continue;
        }
        for level in &levels {
            let keys: Vec<&str> = match level {
                Level::City => vec!["city"],
                Level::District => vec![place[0]],
                Level::Body => vec![body],
                Level::Sector => vec![place[1]],
                Level::Officer if source.officer == Officer::Acting && !joined => officers
                    .get(place[2])
                    .map(|o| o.iter().map(String::as_str).collect())
                    .unwrap_or_default(),
                Level::Officer => vec![place[2]],
            };
            let by_key = groups.entry(*level).or_default();
            for key in keys {
                let acc = by_key.entry((key, period)).or_insert_with(empty);
                add(acc, &specs, &numbers);
            }
        }
    }
    let snapshot = frame.period_key.is_none();
    let mut out = Vec::new();
    for level in &levels {
        // Slots in figure order (period, then key), sorted once for every indicator.
        let mut slots: Vec<(&(&str, &str), &Acc)> =
            groups.get(level).into_iter().flatten().collect();
        slots.sort_unstable_by_key(|((key, period), _)| (*period, *key));
        for (i, ind) in inds.iter().enumerate() {
            if !ind.levels.contains(level) {
                continue;
            }
            let mut list = Vec::new();
            for ((key, period), acc) in &slots {
                let sums = acc.sums[i];
                if sums.rows == 0 {
                    continue;
                }
                let count = |from: Take, value: i64| match from {
                    Take::Distinct(d) => acc.sets[d].len() as i64,
                    _ => value,
                };
                let sums = Sums {
                    rows: sums.rows,
                    first: count(specs[i].first, sums.first),
                    second: count(specs[i].second, sums.second),
                };
                list.push(figure(*level, key, period, aggregate::part(ind, sums)));
            }
            if snapshot && *level == Level::City && list.is_empty() {
                // A snapshot has its one city figure even when no row is counted.
                let part = aggregate::part(ind, Sums::default());
                list.push(figure(*level, "city", &as_of, part));
            }
            out.push((ind.id.clone(), *level, list));
        }
    }
    Ok(out)
}

/// A row's numbers added to a group, for each indicator whose filter keeps the row.
fn add(acc: &mut Acc, specs: &[Spec], numbers: &Numbers) {
    for (i, spec) in specs.iter().enumerate() {
        if !numbers.flag(spec.rows) {
            continue;
        }
        let sums = &mut acc.sums[i];
        sums.rows += 1;
        sums.first += numbers.number(spec.first, 1);
        sums.second += numbers.number(spec.second, 1);
        for from in [spec.first, spec.second] {
            if let Take::Distinct(d) = from {
                if let Some(v) = numbers.distinct[d] {
                    acc.sets[d].insert(v);
                }
            }
        }
    }
}
