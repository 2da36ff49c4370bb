//! The detectors, one module per family of checks. Each reads the index tables with SQL
//! (grouping where the database does it well), judges in Rust, and returns its firings; the
//! caller (`warnings::run`) stores them. A detector never writes.

mod cases;
mod discretion;
mod inspections;
mod regularity;
mod surge;

use chrono::{Datelike, NaiveDate};
use serde_json::Value as Json;

use super::rules::{Check, Rule};
use crate::error::ServerError;
use crate::storage::Tx;

/// The doc ids kept as a warning's evidence at most (the figures say how many there were).
pub(crate) const CASES_KEPT: usize = 200;

/// What holds for a rule on one scope and period: a warning's content before it is stored.
#[derive(Debug, Clone)]
pub(crate) struct Firing {
    pub scope_kind: &'static str,
    pub scope: String,
    /// What else tells two firings of one rule, scope and period apart (the violation and
    /// baseline row of 同案不同罚); empty for most rules.
    pub key: String,
    pub district: String,
    pub body: String,
    pub period: String,
    pub why: String,
    pub figures: Json,
    pub cases: Vec<String>,
}

/// Everything `rule` finds on the index as of `as_of`.
pub(crate) fn detect(
    tx: &mut dyn Tx,
    rule: &Rule,
    as_of: NaiveDate,
) -> Result<Vec<Firing>, ServerError> {
    match &rule.check {
        Check::MonthlySurge { .. } => surge::detect(tx, &rule.check, as_of),
        Check::QuotaRegularity { .. } => regularity::detect(tx, &rule.check, as_of),
        Check::DepartureRate { .. } => discretion::departures(tx, &rule.check, as_of),
        Check::SameFactsSpread { .. } => discretion::spread(tx, &rule.check, as_of),
        Check::SeveralBodies { .. } => inspections::several_bodies(tx, &rule.check, as_of),
        Check::GradeShare { .. } => inspections::grade_share(tx, &rule.check, as_of),
        Check::UnverifiedVisits { .. } | Check::RefusedCodes { .. } => {
            inspections::visits(tx, &rule.check, as_of)
        }
        Check::Overdue {} | Check::NearLimit { .. } => cases::deadlines(tx, &rule.check, as_of),
        Check::ReviewMissing { .. } => cases::reviews(tx, &rule.check, as_of),
    }
}

/// A calendar month as one number (year·12 + month − 1), so windows are ranges.
pub(crate) type Month = i32;

pub(crate) fn month_of(date: NaiveDate) -> Month {
    date.year() * 12 + date.month0() as i32
}

/// The month of an ISO date text (`YYYY-MM…`).
pub(crate) fn month_of_text(date: &str) -> Option<Month> {
    let year: i32 = date.get(0..4)?.parse().ok()?;
    let month: i32 = date.get(5..7)?.parse().ok()?;
    (1..=12).contains(&month).then_some(year * 12 + month - 1)
}

/// `2026-11`
pub(crate) fn month_text(month: Month) -> String {
    format!(
        "{:04}-{:02}",
        month.div_euclid(12),
        month.rem_euclid(12) + 1
    )
}

/// `2026年11月`
pub(crate) fn month_zh(month: Month) -> String {
    format!("{}年{}月", month.div_euclid(12), month.rem_euclid(12) + 1)
}

/// The months `months` long ending with the month of `as_of`, as the first day of the first
/// month and the day itself, the bounds ISO date texts compare between.
pub(crate) struct Window {
    pub first: Month,
    pub last: Month,
    pub from: String,
    pub to: String,
}

impl Window {
    pub fn ending(as_of: NaiveDate, months: u32) -> Window {
        let last = month_of(as_of);
        let first = last - months.max(1) as i32 + 1;
        Window {
            first,
            last,
            from: format!("{}-01", month_text(first)),
            to: as_of.format("%Y-%m-%d").to_string(),
        }
    }

    /// `2025-12..2026-11`, the period a window's warning is filed under.
    pub fn period(&self) -> String {
        format!("{}..{}", month_text(self.first), month_text(self.last))
    }

    /// `2025年12月至2026年11月`
    pub fn zh(&self) -> String {
        format!("{}至{}", month_zh(self.first), month_zh(self.last))
    }
}

/// A whole number with thousands separators, as figures are printed: 86,000.
pub(crate) fn grouped(value: f64) -> String {
    let rounded = value.round() as i64;
    let digits = rounded.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if rounded < 0 {
        out.insert(0, '-');
    }
    out
}

/// A share as a percentage with one decimal: 12.5%.
pub(crate) fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// Rounds a figure for the `figures` JSON (two decimals).
pub(crate) fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_windows_and_figures_print_as_a_person_reads_them() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let window = Window::ending(day, 12);
        assert_eq!(window.period(), "2025-12..2026-11");
        assert_eq!(window.zh(), "2025年12月至2026年11月");
        assert_eq!(
            (window.from.as_str(), window.to.as_str()),
            ("2025-12-01", "2026-11-30")
        );
        assert_eq!(month_of_text("2026-01-15"), Some(month_of(day) - 10));
        assert_eq!(month_of_text("2026-13-01"), None);
        assert_eq!(grouped(86000.0), "86,000");
        assert_eq!(grouped(1234567.4), "1,234,567");
        assert_eq!(grouped(-999.0), "-999");
        assert_eq!(percent(0.125), "12.5%");
    }
}
