//! The facts of a case as the engine sees them: typed, and three-valued: a fact not given is
//! unknown, and the engine asks for it instead of guessing. The schema lists every fact a
//! baseline condition may name, with its type and the question an officer is asked.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::texts::discretion::{question as q, unit};

/// The type of a fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactType {
    Bool,
    /// A whole number: yuan, a count, days, years.
    Int,
    /// One of the listed values, in increasing order (comparisons follow it).
    Enum(&'static [&'static str]),
}

/// One fact the engine knows about.
#[derive(Debug, Clone, Copy)]
pub struct FactSpec {
    pub name: &'static str,
    pub kind: FactType,
    /// What a number counts (元, 岁, 次, 天); `None` for a flag or a choice.
    pub unit: Option<&'static str>,
    /// Asked when the fact is needed and unknown.
    pub question: &'static str,
}

pub const PARTY_TYPES: &[&str] = &["citizen", "organisation"];
pub const HARM_LEVELS: &[&str] = &["none", "slight", "general", "serious"];
pub const CORRECTION: &[&str] = &["corrected", "pending", "refused"];
pub const CAPACITY: &[&str] = &["none", "partial", "full"];
pub const ROAD_LEVELS: &[&str] = &["township", "county", "provincial", "national"];
/// Art. 31 of the EIA Law concerns projects needing an approved report form or report book.
pub const EIA_DOCUMENTS: &[&str] = &["report_form", "report_book"];

/// An answer as an officer reads it: a choice fact's value in zh-CN words (`harm` =
/// `slight` is 轻微), a flag as 是/否, a number as written; `None` for a value the schema does
/// not allow.
pub fn spoken(fact: &str, value: &FactValue) -> Option<String> {
    use crate::texts::discretion::fact_value as word;
    let text = match value {
        FactValue::Bool(true) => word::YES,
        FactValue::Bool(false) => word::NO,
        FactValue::Int(n) => return Some(n.to_string()),
        FactValue::Text(text) => match (fact, text.as_str()) {
            ("party_type", "citizen") => word::CITIZEN,
            ("party_type", "organisation") => word::ORGANISATION,
            ("capacity", "none") => word::NO_CAPACITY,
            ("capacity", "partial") => word::PARTIAL_CAPACITY,
            ("capacity", "full") => word::FULL_CAPACITY,
            ("harm", "none") => word::NO_HARM,
            ("harm", "slight") => word::SLIGHT,
            ("harm", "general") => word::GENERAL,
            ("harm", "serious") => word::SERIOUS,
            ("correction", "corrected") => word::CORRECTED,
            ("correction", "pending") => word::PENDING,
            ("correction", "refused") => word::REFUSED,
            ("road_level", "township") => word::TOWNSHIP,
            ("road_level", "county") => word::COUNTY,
            ("road_level", "provincial") => word::PROVINCIAL,
            ("road_level", "national") => word::NATIONAL,
            ("eia_document", "report_form") => word::REPORT_FORM,
            ("eia_document", "report_book") => word::REPORT_BOOK,
            _ => return None,
        },
    };
    Some(text.to_owned())
}

/// Every fact a condition may use. Adding a fact is adding a line here.
pub const SCHEMA: &[FactSpec] = &[
    choice("party_type", PARTY_TYPES, q::PARTY_TYPE),
    number("age", unit::YEARS, q::AGE),
    choice("capacity", CAPACITY, q::CAPACITY),
    flag("no_fault_proven", q::NO_FAULT_PROVEN),
    flag("criminal_referral", q::CRIMINAL_REFERRAL),
    flag("life_health_finance_harm", q::LIFE_HEALTH_FINANCE_HARM),
    flag("minor_act", q::MINOR_ACT),
    choice("harm", HARM_LEVELS, q::HARM),
    flag("first_offence", q::FIRST_OFFENCE),
    number("priors_12m", unit::TIMES, q::PRIORS_12M),
    choice("correction", CORRECTION, q::CORRECTION),
    flag("removed_harm", q::REMOVED_HARM),
    flag("coerced", q::COERCED),
    flag("confessed", q::CONFESSED),
    flag("meritorious", q::MERITORIOUS),
    number("illegal_gains", unit::YUAN, q::ILLEGAL_GAINS),
    number("property_value", unit::YUAN, q::PROPERTY_VALUE),
    number("goods_value", unit::YUAN, q::GOODS_VALUE),
    number("investment_total", unit::YUAN, q::INVESTMENT_TOTAL),
    number("ad_spend", unit::YUAN, q::AD_SPEND),
    flag("removed_before_filing", q::REMOVED_BEFORE_FILING),
    flag("pollution_alert", q::POLLUTION_ALERT),
    flag("serves_vulnerable", q::SERVES_VULNERABLE),
    choice("road_level", ROAD_LEVELS, q::ROAD_LEVEL),
    flag("caused_accident", q::CAUSED_ACCIDENT),
    choice("eia_document", EIA_DOCUMENTS, q::EIA_DOCUMENT),
    flag("in_operation", q::IN_OPERATION),
    number("duration_days", unit::DAYS, q::DURATION_DAYS),
];

const fn flag(name: &'static str, question: &'static str) -> FactSpec {
    FactSpec {
        name,
        kind: FactType::Bool,
        unit: None,
        question,
    }
}

/// A whole number of `unit`, never negative (`Facts::validate`).
const fn number(name: &'static str, unit: &'static str, question: &'static str) -> FactSpec {
    FactSpec {
        name,
        kind: FactType::Int,
        unit: Some(unit),
        question,
    }
}

const fn choice(
    name: &'static str,
    values: &'static [&'static str],
    question: &'static str,
) -> FactSpec {
    FactSpec {
        name,
        kind: FactType::Enum(values),
        unit: None,
        question,
    }
}

pub fn spec(name: &str) -> Option<&'static FactSpec> {
    SCHEMA.iter().find(|spec| spec.name == name)
}

/// A known value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(untagged)]
pub enum FactValue {
    Bool(bool),
    Int(i64),
    /// An enum value's name.
    Text(String),
}

/// The facts known so far. Absent = unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts(pub BTreeMap<String, FactValue>);

/// A fact value that does not fit the schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FactError {
    #[error("unknown fact {0}")]
    Unknown(String),
    #[error("fact {0} has a value of the wrong type")]
    WrongType(String),
    #[error("facts contradict each other: {0}")]
    Inconsistent(&'static str),
}

impl Facts {
    pub fn new() -> Facts {
        Facts::default()
    }

    pub fn with(mut self, name: &str, value: impl Into<FactValue>) -> Facts {
        self.0.insert(name.to_owned(), value.into());
        self
    }

    pub fn set(&mut self, name: &str, value: impl Into<FactValue>) {
        self.0.insert(name.to_owned(), value.into());
    }

    pub fn get(&self, name: &str) -> Option<&FactValue> {
        self.0.get(name)
    }

    pub fn bool(&self, name: &str) -> Option<bool> {
        match self.0.get(name) {
            Some(FactValue::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    pub fn int(&self, name: &str) -> Option<i64> {
        match self.0.get(name) {
            Some(FactValue::Int(i)) => Some(*i),
            _ => None,
        }
    }

    pub fn text(&self, name: &str) -> Option<&str> {
        match self.0.get(name) {
            Some(FactValue::Text(t)) => Some(t),
            _ => None,
        }
    }

    /// Checks every value against the schema and the facts against each other.
    pub fn validate(&self) -> Result<(), FactError> {
        for (name, value) in &self.0 {
            let spec = spec(name).ok_or_else(|| FactError::Unknown(name.clone()))?;
            let fits = match (spec.kind, value) {
                (FactType::Bool, FactValue::Bool(_)) => true,
                (FactType::Int, FactValue::Int(i)) => *i >= 0,
                (FactType::Enum(values), FactValue::Text(t)) => values.contains(&t.as_str()),
                _ => false,
            };
            if !fits {
                return Err(FactError::WrongType(name.clone()));
            }
        }
        if !consistent(self) {
            return Err(FactError::Inconsistent(
                "a first offence has no prior violations",
            ));
        }
        Ok(())
    }
}

/// Facts that cannot hold together; the linter skips such combinations too.
pub fn consistent(facts: &Facts) -> bool {
    !(facts.bool("first_offence") == Some(true) && facts.int("priors_12m").is_some_and(|n| n > 0))
}

/// One fact as the app sets it and reads it back: a flag, a number or a choice (names and
/// values: the table above). Across the FFI, `Facts` travel as a list of these.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Fact {
    Flag { name: String, value: bool },
    Number { name: String, value: i64 },
    Choice { name: String, value: String },
}

impl Fact {
    pub fn new(name: impl Into<String>, value: impl Into<FactValue>) -> Fact {
        Fact::from((name.into(), value.into()))
    }

    pub fn name(&self) -> &str {
        match self {
            Fact::Flag { name, .. } | Fact::Number { name, .. } | Fact::Choice { name, .. } => name,
        }
    }
}

impl From<Fact> for (String, FactValue) {
    fn from(fact: Fact) -> Self {
        match fact {
            Fact::Flag { name, value } => (name, FactValue::Bool(value)),
            Fact::Number { name, value } => (name, FactValue::Int(value)),
            Fact::Choice { name, value } => (name, FactValue::Text(value)),
        }
    }
}

impl From<(String, FactValue)> for Fact {
    fn from((name, value): (String, FactValue)) -> Self {
        match value {
            FactValue::Bool(value) => Fact::Flag { name, value },
            FactValue::Int(value) => Fact::Number { name, value },
            FactValue::Text(value) => Fact::Choice { name, value },
        }
    }
}

impl FromIterator<Fact> for Facts {
    fn from_iter<I: IntoIterator<Item = Fact>>(facts: I) -> Self {
        Facts(facts.into_iter().map(<(String, FactValue)>::from).collect())
    }
}

impl Facts {
    /// The facts as the app reads them, by name.
    pub fn to_list(&self) -> Vec<Fact> {
        self.0
            .iter()
            .map(|(name, value)| Fact::from((name.clone(), value.clone())))
            .collect()
    }
}

impl From<bool> for FactValue {
    fn from(value: bool) -> Self {
        FactValue::Bool(value)
    }
}

impl From<i64> for FactValue {
    fn from(value: i64) -> Self {
        FactValue::Int(value)
    }
}

impl From<&str> for FactValue {
    fn from(value: &str) -> Self {
        FactValue::Text(value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_allowed_choice_has_words() {
        for spec in SCHEMA {
            if let FactType::Enum(values) = spec.kind {
                for value in values {
                    let value = FactValue::Text((*value).to_owned());
                    assert!(
                        spoken(spec.name, &value).is_some(),
                        "{}: {value:?}",
                        spec.name
                    );
                }
            }
        }
    }
}
