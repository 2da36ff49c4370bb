//! The statistics figures need, over plain numbers: computed here rather than in SQL, where
//! the two backends differ.

use chrono::{Datelike as _, NaiveDate};

pub(super) fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// Days from `from` to `to` (both ISO dates); `None` when either is not a date.
pub(super) fn days_between(from: &str, to: &str) -> Option<i64> {
    Some((date(to)? - date(from)?).num_days())
}

/// The middle value (the mean of the two middle ones for an even count).
pub fn median(values: &[f64]) -> Option<f64> {
    let sorted = sorted(values);
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

/// The nearest-rank percentile: the smallest value with at least `p` % of the values at or
/// below it (p90 of 1..=10 is 9).
pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
    let sorted = sorted(values);
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    Some(sorted[rank.min(sorted.len()) - 1])
}

pub fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// Coefficient of variation: the population standard deviation over the mean; `None` for
/// no values or a zero mean.
pub fn cv(values: &[f64]) -> Option<f64> {
    let m = mean(values)?;
    if m == 0.0 {
        return None;
    }
    let variance = values.iter().map(|v| (v - m).powi(2)).sum::<f64>() / values.len() as f64;
    Some(variance.sqrt() / m)
}

fn sorted(values: &[f64]) -> Vec<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted
}

/// The months (`YYYY-MM`) from `from` to `to` (ISO dates) that fall in the period key
/// `bucket` (`YYYY`, `YYYY-Qn`; a month or day key is its own month).
pub(super) fn months_in(bucket: &str, from: &str, to: &str) -> Vec<String> {
    let (Some(start), Some(end)) = (date(from), date(to)) else {
        return Vec::new();
    };
    let mut months = Vec::new();
    let mut day = start.with_day0(0).expect("first of month");
    while day <= end {
        let month = day.format("%Y-%m").to_string();
        if in_bucket(&month, bucket) {
            months.push(month);
        }
        match day.checked_add_months(chrono::Months::new(1)) {
            Some(next) => day = next,
            None => break,
        }
    }
    months
}

fn in_bucket(month: &str, bucket: &str) -> bool {
    match bucket.len() {
        4 => month.starts_with(bucket),
        7 if bucket.as_bytes()[5] == b'Q' => {
            let quarter = month[5..7].parse::<u32>().unwrap_or(0).div_ceil(3);
            month.starts_with(&bucket[..4]) && bucket[6..].parse() == Ok(quarter)
        }
        _ => bucket.starts_with(month),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_percentiles_and_spreads_by_hand() {
        let values: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(median(&values), Some(5.5));
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(percentile(&values, 90.0), Some(9.0));
        assert_eq!(percentile(&[7.0], 90.0), Some(7.0));
        assert_eq!(cv(&[2.0, 2.0, 2.0]), Some(0.0));
        assert_eq!(cv(&[1.0, 3.0]), Some(0.5));
        assert_eq!(days_between("2025-02-27", "2025-03-01"), Some(2));
    }

    #[test]
    fn the_months_of_a_bucket_within_the_period() {
        assert_eq!(
            months_in("2025-Q2", "2025-01-01", "2025-12-31"),
            ["2025-04", "2025-05", "2025-06"]
        );
        assert_eq!(months_in("2025", "2025-11-15", "2026-02-01").len(), 2);
    }
}
