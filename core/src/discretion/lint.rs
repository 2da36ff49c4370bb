//! Checks for baseline authors, DMN-style: rows of one document that overlap (two rows for
//! the same facts) or leave gaps (no row), bands outside the statutory range, documents
//! expired or superseded, and missing citations. Overlaps and gaps are found by enumerating
//! every combination of the facts the rows mention (integers at and around each threshold).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::condition::{Condition, Truth};
use super::facts::{consistent, spec, FactType, FactValue, Facts};
use super::model::{BaselineDocument, BaselineRow, Fine, PenaltyKind, Tier, Violation};

/// Combinations beyond this are not enumerated; the finding says so.
const MAX_COMBINATIONS: usize = 200_000;
/// Examples listed per overlap or gap finding.
const MAX_EXAMPLES: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LintKind {
    Overlap,
    Gap,
    BandOutsideStatute,
    UnknownViolation,
    BadCondition,
    ExpiredDocument,
    SupersededStillInForce,
    UnknownSuperseded,
    MissingCitation,
    TooManyCombinations,
    /// A row imposes a kind of penalty the law does not provide for the violation.
    KindOutsideStatute,
}

impl LintKind {
    /// A finding that makes the baseline unfit to publish (it could lead an officer to an
    /// unlawful or ambiguous outcome), as opposed to one an author should look at: a gap
    /// (the statutory range applies there), an expired document, a check cut short.
    pub fn is_error(self) -> bool {
        !matches!(
            self,
            LintKind::Gap | LintKind::ExpiredDocument | LintKind::TooManyCombinations
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: LintKind,
    pub document: Option<String>,
    pub violation: Option<String>,
    pub rows: Vec<String>,
    /// Fact combinations (overlaps, gaps) or what is wrong, for the author.
    pub detail: String,
}

pub fn lint(
    violations: &[Violation],
    documents: &[BaselineDocument],
    today: NaiveDate,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let known: BTreeMap<&str, &Violation> =
        violations.iter().map(|v| (v.code.as_str(), v)).collect();

    for violation in violations {
        if violation.violated.is_empty() || violation.penalty_basis.is_empty() {
            findings.push(Finding {
                kind: LintKind::MissingCitation,
                document: None,
                violation: Some(violation.code.clone()),
                rows: Vec::new(),
                detail: "violation lacks its 违法依据 or 处罚依据".into(),
            });
        }
    }

    for document in documents {
        let doc = Some(document.id.clone());
        if document.number.trim().is_empty() || document.published_in.trim().is_empty() {
            findings.push(Finding {
                kind: LintKind::MissingCitation,
                document: doc.clone(),
                violation: None,
                rows: Vec::new(),
                detail: "document lacks its number (文号) or where it was published".into(),
            });
        }
        if document.sunset.is_some_and(|sunset| sunset <= today) {
            findings.push(Finding {
                kind: LintKind::ExpiredDocument,
                document: doc.clone(),
                violation: None,
                rows: Vec::new(),
                detail: format!(
                    "expired on {}; it still applies to acts before then",
                    document.sunset.unwrap_or(today)
                ),
            });
        }
        for superseded in &document.supersedes {
            match documents.iter().find(|d| &d.id == superseded) {
                None => findings.push(Finding {
                    kind: LintKind::UnknownSuperseded,
                    document: doc.clone(),
                    violation: None,
                    rows: Vec::new(),
                    detail: format!("supersedes {superseded}, which is not loaded"),
                }),
                Some(old) if old.sunset.is_none() && document.effective <= today => {
                    findings.push(Finding {
                        kind: LintKind::SupersededStillInForce,
                        document: Some(old.id.clone()),
                        violation: None,
                        rows: Vec::new(),
                        detail: format!(
                            "superseded by {} since {} but has no sunset date",
                            document.id, document.effective
                        ),
                    })
                }
                Some(_) => {}
            }
        }

        let mut by_violation: BTreeMap<&str, Vec<&BaselineRow>> = BTreeMap::new();
        for row in &document.rows {
            by_violation
                .entry(row.violation.as_str())
                .or_default()
                .push(row);
        }
        for (code, rows) in by_violation {
            let Some(violation) = known.get(code) else {
                findings.push(Finding {
                    kind: LintKind::UnknownViolation,
                    document: doc.clone(),
                    violation: Some(code.to_owned()),
                    rows: rows.iter().map(|r| r.id.clone()).collect(),
                    detail: "rows name a violation that is not in the catalogue".into(),
                });
                continue;
            };
            let mut parsed = Vec::new();
            for row in &rows {
                match Condition::parse(&row.condition) {
                    Ok(condition) => parsed.push((*row, condition)),
                    Err(error) => findings.push(Finding {
                        kind: LintKind::BadCondition,
                        document: doc.clone(),
                        violation: Some(code.to_owned()),
                        rows: vec![row.id.clone()],
                        detail: error.to_string(),
                    }),
                }
            }
            for (row, condition) in &parsed {
                let outside = kinds_outside_statute(row, violation);
                if !outside.is_empty() {
                    findings.push(Finding {
                        kind: LintKind::KindOutsideStatute,
                        document: doc.clone(),
                        violation: Some(code.to_owned()),
                        rows: vec![row.id.clone()],
                        detail: format!("the law provides no {outside:?} for this violation"),
                    });
                }
                if let Some(detail) = band_outside_statute(row, condition, violation) {
                    findings.push(Finding {
                        kind: LintKind::BandOutsideStatute,
                        document: doc.clone(),
                        violation: Some(code.to_owned()),
                        rows: vec![row.id.clone()],
                        detail,
                    });
                }
            }
            // A no-penalty list names only the cases it exempts; gaps are its nature.
            if parsed.iter().any(|(row, _)| row.tier != Tier::NoPenalty) {
                coverage(document, code, &parsed, &mut findings);
            }
        }
    }
    findings
}

/// Every value worth trying for a fact, given the thresholds the conditions compare it with.
fn test_values(fact: &str, conditions: &[&Condition]) -> Vec<FactValue> {
    match spec(fact).map(|s| s.kind) {
        Some(FactType::Bool) => vec![FactValue::Bool(false), FactValue::Bool(true)],
        Some(FactType::Enum(values)) => values
            .iter()
            .map(|v| FactValue::Text((*v).to_owned()))
            .collect(),
        _ => {
            let mut thresholds = BTreeSet::new();
            for condition in conditions {
                condition.thresholds(fact, &mut thresholds);
            }
            let mut points = BTreeSet::from([0i64]);
            for t in thresholds {
                points.extend([t - 1, t, t + 1].into_iter().filter(|p| *p >= 0));
            }
            points.into_iter().map(FactValue::Int).collect()
        }
    }
}

fn coverage(
    document: &BaselineDocument,
    code: &str,
    rows: &[(&BaselineRow, Condition)],
    findings: &mut Vec<Finding>,
) {
    let conditions: Vec<&Condition> = rows.iter().map(|(_, c)| c).collect();
    let facts: Vec<String> = conditions
        .iter()
        .flat_map(|c| c.facts())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let domains: Vec<Vec<FactValue>> = facts.iter().map(|f| test_values(f, &conditions)).collect();
    let total = domains
        .iter()
        .try_fold(1usize, |acc, d| acc.checked_mul(d.len().max(1)));
    if total.is_none_or(|t| t > MAX_COMBINATIONS) {
        findings.push(Finding {
            kind: LintKind::TooManyCombinations,
            document: Some(document.id.clone()),
            violation: Some(code.to_owned()),
            rows: Vec::new(),
            detail: format!(
                "{} facts are too many to check every combination",
                facts.len()
            ),
        });
        return;
    }
    let total = total.unwrap_or(0);
    let mut gaps = Vec::new();
    let mut overlaps: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
    for index in 0..total {
        let mut assignment = Facts::new();
        let mut rest = index;
        for (fact, domain) in facts.iter().zip(&domains) {
            assignment.set(fact, domain[rest % domain.len()].clone());
            rest /= domain.len();
        }
        if !consistent(&assignment) {
            continue;
        }
        let matched: Vec<String> = rows
            .iter()
            .filter(|(_, c)| c.evaluate(&assignment) == Truth::True)
            .map(|(row, _)| row.id.clone())
            .collect();
        match matched.len() {
            0 => gaps.push(describe(&assignment)),
            1 => {}
            _ => overlaps
                .entry(matched)
                .or_default()
                .push(describe(&assignment)),
        }
    }
    if !gaps.is_empty() {
        findings.push(Finding {
            kind: LintKind::Gap,
            document: Some(document.id.clone()),
            violation: Some(code.to_owned()),
            rows: Vec::new(),
            detail: examples(&gaps),
        });
    }
    for (matched, cases) in overlaps {
        findings.push(Finding {
            kind: LintKind::Overlap,
            document: Some(document.id.clone()),
            violation: Some(code.to_owned()),
            rows: matched,
            detail: examples(&cases),
        });
    }
}

fn describe(facts: &Facts) -> String {
    facts
        .0
        .iter()
        .map(|(name, value)| match value {
            FactValue::Bool(b) => format!("{name}={b}"),
            FactValue::Int(i) => format!("{name}={i}"),
            FactValue::Text(t) => format!("{name}={t}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn examples(cases: &[String]) -> String {
    let mut text = cases
        .iter()
        .take(MAX_EXAMPLES)
        .cloned()
        .collect::<Vec<_>>()
        .join(" | ");
    if cases.len() > MAX_EXAMPLES {
        text.push_str(&format!(" | … {} combinations in all", cases.len()));
    }
    text
}

/// Compares a row's band with the statute at base amounts where the row can apply.
/// The kinds of penalty a row imposes that the law does not provide for its violation.
/// Confiscating illegal gains is always provided (Art. 28 ¶2).
fn kinds_outside_statute(row: &BaselineRow, violation: &Violation) -> Vec<PenaltyKind> {
    if row.tier == Tier::NoPenalty {
        return Vec::new();
    }
    let output = &row.output;
    let mut imposed = output.other.clone();
    if output.warning {
        imposed.push(PenaltyKind::Warning);
    }
    if output.fine != Fine::None {
        imposed.push(PenaltyKind::Fine);
    }
    if output.confiscate_property {
        imposed.push(PenaltyKind::ConfiscateProperty);
    }
    imposed.retain(|kind| !violation.statutory.kinds.contains(kind));
    imposed.sort();
    imposed.dedup();
    imposed
}

fn band_outside_statute(
    row: &BaselineRow,
    condition: &Condition,
    violation: &Violation,
) -> Option<String> {
    let fine = row.output.fine;
    if fine == Fine::None || row.tier == Tier::NoPenalty {
        return None;
    }
    if violation.statutory.fine == Fine::None {
        return Some("the row fines, but the law gives no fine for this violation".into());
    }
    let base = fine.base().or(violation.statutory.fine.base());
    let probes: Vec<Option<i64>> = match base {
        None => vec![None],
        Some(base) => [
            0, 1, 999, 1_000, 5_000, 9_999, 10_000, 19_999, 20_000, 50_000, 100_000, 1_000_000,
            10_000_000,
        ]
        .into_iter()
        .filter(|value| {
            let facts = Facts::new().with(base.fact(), *value);
            condition.evaluate(&facts) != Truth::False
        })
        .map(Some)
        .collect(),
    };
    for probe in probes {
        let (Some(band), Some(law)) =
            (fine.resolve(probe), violation.statutory.fine.resolve(probe))
        else {
            continue;
        };
        let too_low = band.min < law.min && row.tier != Tier::Mitigated;
        if too_low || band.max > law.max {
            let at = probe
                .map(|p| format!(" at a base of {p} yuan"))
                .unwrap_or_default();
            return Some(format!(
                "band {}–{} lies outside the statutory {}–{}{at}",
                band.min, band.max, law.min, law.max
            ));
        }
    }
    None
}
