//! What an app shows before it asks for a suggestion: each violation of the catalogue with its
//! basis, and the facts the engine may ask about it, typed with their allowed values. The
//! facts are read from the data the engine decides by (the statute's gates, the conditions of
//! the violation's baseline rows, the bases of its fines), never listed by hand.

use std::collections::BTreeSet;

use super::condition::Condition;
use super::engine::DiscretionEngine;
use super::facts::{spec, spoken, FactType, FactValue, SCHEMA};
use super::model::{Fine, Violation};
use super::statute;

/// A violation as an app lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ViolationInfo {
    /// The violation's code, as `SuggestionRequest::violation` takes it.
    pub id: String,
    pub title: String,
    /// The catalogue's enforcement item (执法事项).
    pub item_code: String,
    /// The provisions violated, then those that set the penalty, as cited.
    pub legal_basis: Vec<String>,
    /// In the order of the fact schema (the party type first).
    pub questions: Vec<FactQuestion>,
}

/// One fact the engine may ask about.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct FactQuestion {
    /// The fact's name, as a `Fact` carries it.
    pub key: String,
    /// The question put to the officer.
    pub label: String,
    pub kind: FactKind,
    /// Asked of every case of the violation: the party type, and what the statute's gates
    /// ask of every party the violation covers. The others matter only for some parties or
    /// for some answers; `suggest` says which are still needed.
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum FactKind {
    /// A `Fact::Flag`.
    YesNo,
    /// A `Fact::Number` of `unit`, from `min` (no upper bound).
    Number { unit: String, min: i64 },
    /// A `Fact::Choice` of one of `values`, in increasing order.
    OneOf { values: Vec<AllowedValue> },
}

/// An allowed value of a choice, with its words.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AllowedValue {
    pub value: String,
    pub label: String,
}

/// Every violation of the engine's catalogue, by code.
pub fn violations(engine: &DiscretionEngine) -> Vec<ViolationInfo> {
    let mut all: Vec<ViolationInfo> = engine
        .violations()
        .map(|violation| info(engine, violation))
        .collect();
    all.sort_by(|a, b| a.id.cmp(&b.id));
    all
}

/// One violation with its questions.
pub fn info(engine: &DiscretionEngine, violation: &Violation) -> ViolationInfo {
    let mut legal_basis: Vec<String> = Vec::new();
    for provision in violation.violated.iter().chain(&violation.penalty_basis) {
        let cited = provision.cite();
        if !legal_basis.contains(&cited) {
            legal_basis.push(cited);
        }
    }
    let asked = asked(engine, violation);
    let required = required(violation);
    let questions = SCHEMA
        .iter()
        .filter(|spec| asked.contains(spec.name))
        .map(|spec| FactQuestion {
            key: spec.name.to_owned(),
            label: spec.question.to_owned(),
            kind: kind(spec.name),
            required: required.contains(spec.name),
        })
        .collect();
    ViolationInfo {
        id: violation.code.clone(),
        title: violation.name.clone(),
        item_code: violation.item_code.clone(),
        legal_basis,
        questions,
    }
}

/// The facts the engine may ask about the violation: the party type, the gates' for each
/// party it covers, its baseline rows' conditions, and the bases of its fines (every frame's,
/// every row's) with the illegal gains wherever they are confiscated.
fn asked(engine: &DiscretionEngine, violation: &Violation) -> BTreeSet<String> {
    let mut facts = BTreeSet::from(["party_type".to_owned()]);
    for party in &violation.party_types {
        facts.extend(statute::gate_facts(party == "citizen"));
    }
    let mut fines: Vec<&Fine> = vec![&violation.statutory.fine];
    let mut gains = violation.statutory.confiscate_gains;
    for amended in violation
        .amendments
        .iter()
        .filter_map(|a| a.statutory.as_ref())
    {
        fines.push(&amended.fine);
        gains |= amended.confiscate_gains;
    }
    let rows = engine
        .documents()
        .flat_map(|document| &document.rows)
        .filter(|row| row.violation == violation.code);
    for row in rows {
        // The engine parsed every condition when it loaded them.
        if let Ok(condition) = Condition::parse(&row.condition) {
            facts.extend(condition.facts());
        }
        fines.push(&row.output.fine);
        gains |= row.output.confiscate_gains;
    }
    facts.extend(
        fines
            .iter()
            .filter_map(|fine| fine.base())
            .map(|base| base.fact().to_owned()),
    );
    if gains {
        facts.insert("illegal_gains".to_owned());
    }
    facts
}

/// The party type, and the gates' facts common to every party the violation covers.
fn required(violation: &Violation) -> BTreeSet<String> {
    let mut parties = violation.party_types.iter();
    let mut common = parties
        .next()
        .map(|party| statute::gate_facts(party == "citizen"))
        .unwrap_or_default();
    for party in parties {
        let theirs = statute::gate_facts(party == "citizen");
        common.retain(|fact| theirs.contains(fact));
    }
    common.insert("party_type".to_owned());
    common
}

fn kind(fact: &str) -> FactKind {
    let spec = spec(fact).expect("asked facts are in the schema");
    match spec.kind {
        FactType::Bool => FactKind::YesNo,
        FactType::Int => FactKind::Number {
            unit: spec.unit.unwrap_or_default().to_owned(),
            min: 0,
        },
        FactType::Enum(values) => FactKind::OneOf {
            values: values
                .iter()
                .map(|value| AllowedValue {
                    value: (*value).to_owned(),
                    label: spoken(fact, &FactValue::Text((*value).to_owned()))
                        .unwrap_or_else(|| (*value).to_owned()),
                })
                .collect(),
        },
    }
}
