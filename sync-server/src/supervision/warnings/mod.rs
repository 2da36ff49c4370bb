//! Warnings (预警): rules as data (`sync-server/supervision/warnings.toml`, read by `rules`)
//! run over the supervision index; each firing is an `sv_warning` row with its evidence (the
//! figures, the documents behind them, a zh-CN `why`) and its lifecycle (`lifecycle`):
//! open → acknowledged → assigned → resolved with a 监督意见书 (`opinion`), or dismissed
//! with a reason, every step recorded with who and when.
//!
//! A warning's id derives from its rule, scope and period, so a run repeated over the same
//! data changes nothing, and a warning a supervisor dismissed or resolved is never reopened.
//! The statistical rules (`stats`) use the median and MAD over a trailing window.

mod detect;
pub mod lifecycle;
pub mod opinion;
pub mod rules;
pub mod stats;
mod store;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use lifecycle::{transition, Action, WarningError};
pub use opinion::{opinion_html, opinion_html_with, Letterhead};
pub use rules::{Check, Rule, Rules};
pub use store::{get, list, steps};

use crate::error::ServerError;
use crate::storage::{transaction, Database};

/// A warning as a supervisor reads it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Warning {
    pub id: String,
    pub rule: String,
    /// city | district | body | officer | enterprise | case
    pub scope_kind: String,
    pub scope: String,
    pub district: String,
    pub body: String,
    pub period: String,
    pub severity: String,
    pub status: String,
    pub why: String,
    pub figures: serde_json::Value,
    pub cases: Vec<String>,
    pub assignee: String,
    pub fired_at: i64,
    pub updated_at: i64,
}

/// One recorded step of a warning's lifecycle (the first is its opening by the rules).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub seq: i64,
    pub from_status: String,
    pub to_status: String,
    pub by_whom: String,
    pub at_time: i64,
    pub note: String,
}

/// What `list` narrows to; every field optional.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Filter {
    pub status: Option<String>,
    pub rule: Option<String>,
    pub severity: Option<String>,
    pub scope_kind: Option<String>,
    /// Periods starting with this (`2026-11`, `2026`).
    pub period: Option<String>,
    /// At most this many (500 when not given).
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// What a run found, per rule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RunReport {
    pub as_of: String,
    pub rules: BTreeMap<String, RuleRun>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RuleRun {
    /// Firings that hold on the data.
    pub held: u64,
    /// Of those, warnings not stored before.
    pub new: u64,
    /// Open warnings whose evidence changed (more cases, new figures).
    pub refreshed: u64,
}

/// The name of the system in the steps it records (the opening of a warning).
pub const RULES_ACTOR: &str = "预警规则";

/// Runs every rule over the index as it stands for `as_of` (Beijing date), one transaction
/// per rule, and stores what fires.
pub fn run(db: &dyn Database, rules: &Rules, as_of: NaiveDate) -> Result<RunReport, ServerError> {
    let now = chrono::Utc::now().timestamp();
    let mut report = RunReport {
        as_of: as_of.to_string(),
        rules: BTreeMap::new(),
    };
    for rule in &rules.rules {
        let outcome = transaction(db, |tx| {
            let firings = detect::detect(tx, rule, as_of)?;
            let mut outcome = RuleRun::default();
            for firing in &firings {
                outcome.held += 1;
                match store::put(tx, rule, firing, now)? {
                    store::Put::New => outcome.new += 1,
                    store::Put::Refreshed => outcome.refreshed += 1,
                    store::Put::Unchanged => {}
                }
            }
            Ok(outcome)
        })?;
        tracing::info!(rule = %rule.id, held = outcome.held, new = outcome.new, "warning rule run");
        report.rules.insert(rule.id.clone(), outcome);
    }
    Ok(report)
}
