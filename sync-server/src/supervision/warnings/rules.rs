//! The warning rules as data: `sync-server/supervision/warnings.toml` names each rule (id,
//! zh-CN name and explanation, severity) and its check: a family of detection with the
//! thresholds that family takes. Changing a threshold is an edit of that file; a new rule
//! of an existing family is a new `[[rule]]` entry; a new family is a `Check` variant and
//! its detector in `detect/`.

use serde::{Deserialize, Serialize};

/// The rules shipped with the server.
const BUILTIN: &str = include_str!("../../../supervision/warnings.toml");

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rules {
    #[serde(rename = "rule")]
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rule {
    pub id: String,
    /// What a supervisor reads in a list (zh-CN).
    pub name: String,
    /// What the rule looks for and why it matters (zh-CN).
    pub explanation: String,
    /// low | medium | high
    pub severity: String,
    #[serde(flatten)]
    pub check: Check,
}

/// Whose monthly series a surge rule follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Series {
    /// Fines and confiscations decided in the month (Art. 74: never a target).
    FineIncome,
    /// Complaints received in the month (Art. 75).
    Complaints,
}

/// The scale a surge is judged on. Income is multiplicative (a few large decisions make a
/// month; growth is a ratio), so on `log` (ln(1 + x)) a jump is measured in typical
/// month-to-month ratios and one heavy month does not stretch the scale for the rest.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    #[default]
    Linear,
    Log,
}

/// An `alpha` of 1: every count passes the chance test.
fn no_chance_test() -> f64 {
    1.0
}

/// Who a rule holds to account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Who {
    Body,
    Officer,
}

/// Where a share is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    District,
    Body,
}

/// Which internal step a decision needed before it (Art. 58, 57).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Review {
    Legal,
    Collective,
}

/// How a rule detects, with its thresholds. Windows are counted in calendar months ending
/// with the month of the run's `as_of` date.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "family", rename_all = "snake_case")]
pub enum Check {
    /// A month's figure against the same scope's trailing months: robust z above `z` on
    /// `scale`, the MAD floored at `mad_floor` and at `mad_floor_share` of the median (both
    /// on that scale), at least `min_history` months of history and a figure of at least
    /// `min_value`. Each of the `recent_months` latest months is judged. With
    /// `count_alpha`, the month's number of decisions behind the figure must also have risen
    /// beyond chance (Poisson chance below it at the history's mean count): income is lumpy
    /// (a few fines from hundreds to hundreds of thousands of yuan), and one heavy decision
    /// is not income chased; more and heavier penalties are. With `min_per_decision_ratio`,
    /// the month's figure per decision must also be at least that many times the history's
    /// (its total over its decisions): heavier penalties, not only more.
    MonthlySurge {
        series: Series,
        by: Who,
        #[serde(default)]
        scale: Scale,
        window_months: u32,
        recent_months: u32,
        min_history: u32,
        z: f64,
        mad_floor: f64,
        mad_floor_share: f64,
        min_value: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        count_alpha: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_per_decision_ratio: Option<f64>,
    },
    /// A body's monthly penalty counts and amounts too regular to be natural (整齐化): over
    /// the window, at least `min_active_months` months with penalties and a mean of at
    /// least `min_mean_count`; counts with a robust CV at most `max_count_cv` and an index
    /// of dispersion at most `max_dispersion` (Poisson counts give about 1); monthly amounts
    /// whose P90/P10 is at most `max_amount_ratio`.
    QuotaRegularity {
        window_months: u32,
        min_active_months: u32,
        min_mean_count: f64,
        max_count_cv: f64,
        max_dispersion: f64,
        max_amount_ratio: f64,
    },
    /// Decided penalties outside the matched baseline band: more than `max_rate` of at least
    /// `min_decided` decisions, at least `min_departures` of them, and at least `min_lift`
    /// times the rate of the rest (for a body the other bodies, for an officer the body's
    /// decisions without them: the colleague who shares a departing officer's cases is not
    /// the one departing), and beyond chance: the binomial chance of so many departures at
    /// the rest's rate below `alpha` (at a 1 % natural rate a few officers of thousands reach
    /// 3 of 10 by luck alone; 1.0 turns the test off).
    DepartureRate {
        by: Who,
        window_months: u32,
        min_decided: u32,
        min_departures: u32,
        max_rate: f64,
        min_lift: f64,
        #[serde(default = "no_chance_test")]
        alpha: f64,
    },
    /// Same violation, baseline row and band, inside the band: bodies with at least
    /// `min_outliers` fines more than `max_ratio` times (or under 1/`max_ratio` of) the
    /// city's median for them, where at least `min_bodies` bodies decided at least
    /// `min_cases_per_body` each; one city-wide warning per violation, row and band, naming
    /// the bodies.
    SameFactsSpread {
        window_months: u32,
        min_cases_per_body: u32,
        min_bodies: u32,
        max_ratio: f64,
        min_outliers: u32,
    },
    /// An enterprise inspected by at least `min_bodies` bodies on separate days within
    /// `days` days (综合查一次 asks for one joint visit).
    SeveralBodies {
        window_months: u32,
        days: u32,
        min_bodies: u32,
    },
    /// A district's (or a body's) inspections of `grade` enterprises above `max_share` of at
    /// least `min_inspections` inspections of graded enterprises, and beyond chance: the
    /// binomial chance of so many at exactly `max_share` below `alpha`.
    GradeShare {
        by: Unit,
        grade: String,
        window_months: u32,
        min_inspections: u32,
        max_share: f64,
        alpha: f64,
    },
    /// An officer's visits without the enterprise's verification (两码互核) over the window:
    /// at least `min_count` and `min_share` of their visits, and beyond chance against the
    /// city's own rate (binomial chance below `alpha`), so a missed scan now and then never
    /// fires. Only visits older than `grace_days` count (the enterprise's side may arrive
    /// later).
    UnverifiedVisits {
        window_months: u32,
        grace_days: u32,
        min_count: u32,
        min_share: f64,
        alpha: f64,
    },
    /// An officer's code refused by enterprises at least `min_count` times over the window.
    RefusedCodes { window_months: u32, min_count: u32 },
    /// An ordinary case open past its decision deadline.
    Overdue {},
    /// An ordinary case open within `days` days of its deadline with no extension recorded.
    NearLimit { days: u32 },
    /// A decision that needed a legal review or a collective decision made without one
    /// (or before it).
    ReviewMissing { review: Review, window_months: u32 },
}

impl Rules {
    /// The rules in `sync-server/supervision/warnings.toml`.
    pub fn builtin() -> Rules {
        Rules::parse(BUILTIN).expect("the shipped warnings.toml is valid")
    }

    /// Reads and checks a rules file (TOML).
    pub fn parse(text: &str) -> Result<Rules, String> {
        let rules: Rules = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut seen = std::collections::BTreeSet::new();
        for rule in &rules.rules {
            if rule.id.is_empty() || !seen.insert(rule.id.as_str()) {
                return Err(format!("rule id `{}` is empty or repeated", rule.id));
            }
            if !["low", "medium", "high"].contains(&rule.severity.as_str()) {
                return Err(format!("rule `{}`: severity `{}`", rule.id, rule.severity));
            }
            if rule.name.is_empty() || rule.explanation.is_empty() {
                return Err(format!(
                    "rule `{}` needs a name and an explanation",
                    rule.id
                ));
            }
        }
        Ok(rules)
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Only the rules named (for a run of some rules).
    pub fn only(&self, ids: &[String]) -> Rules {
        Rules {
            rules: self
                .rules
                .iter()
                .filter(|r| ids.contains(&r.id))
                .cloned()
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_rules_read_and_cover_every_family() {
        let rules = Rules::builtin();
        assert!(rules.rules.len() >= 14);
        let families: std::collections::BTreeSet<String> = rules
            .rules
            .iter()
            .map(|r| {
                format!("{:?}", r.check)
                    .split([' ', '{'])
                    .next()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(families.len(), 11, "{families:?}");
    }

    #[test]
    fn a_repeated_id_or_an_unknown_severity_is_refused() {
        let rule = |id: &str, severity: &str| {
            format!(
                "[[rule]]\nid = \"{id}\"\nname = \"超期\"\nexplanation = \"x\"\nseverity = \"{severity}\"\nfamily = \"overdue\"\n"
            )
        };
        assert!(Rules::parse(&rule("a", "high")).is_ok());
        assert!(Rules::parse(&format!("{}{}", rule("a", "high"), rule("a", "low"))).is_err());
        assert!(Rules::parse(&rule("a", "urgent")).is_err());
    }
}
