//! Scoring the warning rules on a city-year: run every rule as of a day, list what fired, and
//! compare with `truth.json`. Per rule: precision (of the warnings fired, those on an injected
//! anomaly, required or tolerated) and recall (of the required scopes, those a warning
//! fired on). A warning matches a scope by its kind and id (`body` and its id, `officer`
//! and the credential number, …); its period does not matter, since a month-by-month rule
//! may fire on an anomaly in more than one month.

use chrono::NaiveDate;
use serde::Serialize;

use super::truth::{Expected, Truth};
use crate::error::ServerError;
use crate::storage::{transaction, Database};
use crate::supervision::warnings::{self, Filter, Rules, Warning};
use crate::supervision::Scope;

/// Warnings listed per page (the list's own cap).
const PAGE: i64 = 10_000;
/// Scopes named in a score's samples of misses and false alarms.
const SAMPLES: usize = 5;

/// One rule's score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleScore {
    pub rule: String,
    pub name: String,
    pub fired: usize,
    pub true_positives: usize,
    pub expected: usize,
    pub found: usize,
    /// `None` when the rule fired nothing (or, for recall, nothing was expected).
    pub precision: Option<f64>,
    pub recall: Option<f64>,
    /// A few required scopes no warning fired on, and warnings on no anomaly.
    pub missed: Vec<String>,
    pub false_alarms: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    pub as_of: String,
    pub rules: Vec<RuleScore>,
}

/// Runs the built-in rules on `db` as of `as_of` and scores them against `truth`.
pub fn evaluate(
    db: &dyn Database,
    truth: &Truth,
    as_of: NaiveDate,
) -> Result<Evaluation, ServerError> {
    let rules = Rules::builtin();
    warnings::run(db, &rules, as_of)?;
    let mut scores = Vec::new();
    for rule in &rules.rules {
        let fired = fired(db, &rule.id)?;
        let required = truth.rules.get(&rule.id).map_or(&[][..], Vec::as_slice);
        let tolerated = truth.tolerated.get(&rule.id).map_or(&[][..], Vec::as_slice);
        scores.push(score(&rule.id, &rule.name, &fired, required, tolerated));
    }
    Ok(Evaluation {
        as_of: as_of.to_string(),
        rules: scores,
    })
}

/// Every warning of `rule`, page by page.
fn fired(db: &dyn Database, rule: &str) -> Result<Vec<Warning>, ServerError> {
    let mut all = Vec::new();
    loop {
        let filter = Filter {
            rule: Some(rule.to_owned()),
            limit: Some(PAGE),
            offset: Some(all.len() as i64),
            ..Filter::default()
        };
        let page = transaction(db, |tx| warnings::list(tx, &Scope::City, &filter))?;
        let done = (page.len() as i64) < PAGE;
        all.extend(page);
        if done {
            return Ok(all);
        }
    }
}

fn matches(warning: &Warning, expected: &Expected) -> bool {
    warning.scope_kind == expected.scope_kind && warning.scope == expected.scope
}

pub fn score(
    rule: &str,
    name: &str,
    fired: &[Warning],
    required: &[Expected],
    tolerated: &[Expected],
) -> RuleScore {
    let right = |w: &Warning| required.iter().chain(tolerated).any(|e| matches(w, e));
    let true_positives = fired.iter().filter(|w| right(w)).count();
    let found = required
        .iter()
        .filter(|e| fired.iter().any(|w| matches(w, e)))
        .count();
    let ratio = |n: usize, of: usize| (of > 0).then(|| n as f64 / of as f64);
    RuleScore {
        rule: rule.to_owned(),
        name: name.to_owned(),
        fired: fired.len(),
        true_positives,
        expected: required.len(),
        found,
        precision: ratio(true_positives, fired.len()),
        recall: ratio(found, required.len()),
        missed: required
            .iter()
            .filter(|e| !fired.iter().any(|w| matches(w, e)))
            .take(SAMPLES)
            .map(|e| format!("{} {}", e.scope_kind, e.scope))
            .collect(),
        false_alarms: fired
            .iter()
            .filter(|w| !right(w))
            .take(SAMPLES)
            .map(|w| format!("{} {} {}", w.scope_kind, w.scope, w.period))
            .collect(),
    }
}

impl Evaluation {
    /// The scores as a plain-text table.
    pub fn table(&self) -> String {
        let figure = |v: Option<f64>| v.map_or("—".to_owned(), |v| format!("{v:.3}"));
        let mut out = format!(
            "{:<30} {:>6} {:>6} {:>8} {:>6} {:>9} {:>7}  名称\n",
            "rule", "fired", "TP", "expected", "found", "precision", "recall"
        );
        for s in &self.rules {
            out.push_str(&format!(
                "{:<30} {:>6} {:>6} {:>8} {:>6} {:>9} {:>7}  {}\n",
                s.rule,
                s.fired,
                s.true_positives,
                s.expected,
                s.found,
                figure(s.precision),
                figure(s.recall),
                s.name
            ));
        }
        out
    }
}
