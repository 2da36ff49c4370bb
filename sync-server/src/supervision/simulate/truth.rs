//! The ground truth of a city-year (`truth.json` in the data dir): for each warning rule, the
//! scopes the injected anomalies put there, which the rule must fire on (and nothing else).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::ServerError;

/// One scope a rule must fire on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Expected {
    /// What was injected (`quota`, `income_jump`, …), for the reader.
    pub anomaly: String,
    /// `body` | `officer` | `enterprise` | `case` | `district`, as `sv_warning.scope_kind`.
    pub scope_kind: String,
    pub scope: String,
    pub body: String,
    pub district: String,
    /// The month (`YYYY-MM`) the anomaly sits in, where it has one.
    pub period: String,
    /// Doc ids of the cases behind it, where there are cases.
    #[serde(default)]
    pub cases: Vec<String>,
}

/// The whole truth: per rule id, the scopes it must fire on, and the scopes it may fire on
/// because an anomaly touches them too (the body of an officer who departs often, the
/// officers of a body that departs as a whole): a firing there is right, but not required.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Truth {
    pub scale: String,
    pub seed: u64,
    pub year: i32,
    pub as_of: String,
    pub rules: BTreeMap<String, Vec<Expected>>,
    #[serde(default)]
    pub tolerated: BTreeMap<String, Vec<Expected>>,
}

pub const FILE: &str = "truth.json";

impl Truth {
    pub fn add(&mut self, rule: &str, expected: Expected) {
        let list = self.rules.entry(rule.to_owned()).or_default();
        if !list.contains(&expected) {
            list.push(expected);
        }
    }

    pub fn tolerate(&mut self, rule: &str, expected: Expected) {
        let list = self.tolerated.entry(rule.to_owned()).or_default();
        if !list.contains(&expected) {
            list.push(expected);
        }
    }

    pub fn count(&self) -> usize {
        self.rules.values().map(Vec::len).sum()
    }

    pub fn write(&self, dir: &Path) -> Result<(), ServerError> {
        let text = serde_json::to_string_pretty(self)
            .map_err(|e| ServerError::Config(format!("truth JSON: {e}")))?;
        std::fs::write(dir.join(FILE), text)?;
        Ok(())
    }

    pub fn read(dir: &Path) -> Result<Truth, ServerError> {
        let text = std::fs::read_to_string(dir.join(FILE))?;
        serde_json::from_str(&text).map_err(|e| ServerError::Config(format!("truth JSON: {e}")))
    }
}
