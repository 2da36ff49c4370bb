//! The matcher: from a violation, its facts and dates to the lawful outcome, in the statutory
//! order (gates, no-penalty rules, mandatory mitigation, baseline tier, clamp to the statutory
//! range, procedure), with every step traced and cited.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;

use super::apply::{self, cite_all};
use super::condition::{Condition, Truth};
use super::explain;
use super::facts::{spec, Facts};
use super::model::{BaselineDocument, BaselineRow, HearingThreshold, Violation, Yuan};
use super::outcome::{
    Alternative, Disposition, Outcome, Question, ReviewReason, Source, Suggestion, TraceStep,
};
use super::statute::{self, Gate, GateInput};
use super::DiscretionError;
use crate::texts::discretion as text;

/// What the officer asks about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuggestionRequest {
    pub violation: String,
    /// GB/T 2260 code of where the act happened.
    pub place_division: String,
    pub act_date: NaiveDate,
    /// For a continuing act, when it ended (Art. 36 counts from then).
    pub act_ended: Option<NaiveDate>,
    pub discovered_on: NaiveDate,
    pub decision_date: NaiveDate,
    pub facts: Facts,
}

struct LoadedRow {
    row: BaselineRow,
    condition: Condition,
}

struct LoadedDocument {
    document: BaselineDocument,
    rows: HashMap<String, Vec<LoadedRow>>,
}

/// Baselines loaded for matching: conditions parsed once, rows indexed by violation.
pub struct DiscretionEngine {
    violations: HashMap<String, Violation>,
    documents: Vec<LoadedDocument>,
    hearing: Vec<HearingThreshold>,
}

/// What the baselines in force give: each document's most favourable matching row, and the
/// documents that have rows for the violation but none for these facts.
struct Candidates {
    outcomes: Vec<Outcome>,
    gaps: Vec<String>,
}

impl DiscretionEngine {
    pub fn new(
        violations: Vec<Violation>,
        documents: Vec<BaselineDocument>,
        hearing: Vec<HearingThreshold>,
    ) -> Result<DiscretionEngine, DiscretionError> {
        let violations: HashMap<String, Violation> = violations
            .into_iter()
            .map(|v| (v.code.clone(), v))
            .collect();
        let mut loaded = Vec::with_capacity(documents.len());
        for document in documents {
            let mut rows: HashMap<String, Vec<LoadedRow>> = HashMap::new();
            for row in &document.rows {
                let condition = Condition::parse(&row.condition).map_err(|error| {
                    DiscretionError::BadCondition {
                        row: row.id.clone(),
                        error,
                    }
                })?;
                rows.entry(row.violation.clone())
                    .or_default()
                    .push(LoadedRow {
                        row: row.clone(),
                        condition,
                    });
            }
            loaded.push(LoadedDocument { document, rows });
        }
        Ok(DiscretionEngine {
            violations,
            documents: loaded,
            hearing,
        })
    }

    pub fn violation(&self, code: &str) -> Option<&Violation> {
        self.violations.get(code)
    }

    pub fn violations(&self) -> impl Iterator<Item = &Violation> {
        self.violations.values()
    }

    pub fn documents(&self) -> impl Iterator<Item = &BaselineDocument> {
        self.documents.iter().map(|d| &d.document)
    }

    /// Documents in force at `date` for `division`, with supersession applied.
    fn in_force(&self, division: &str, date: NaiveDate) -> Vec<&LoadedDocument> {
        let candidates: Vec<&LoadedDocument> = self
            .documents
            .iter()
            .filter(|d| d.document.covers(division) && d.document.in_force_on(date))
            .collect();
        candidates
            .iter()
            .filter(|d| {
                !candidates
                    .iter()
                    .any(|other| other.document.supersedes.contains(&d.document.id))
            })
            .copied()
            .collect()
    }

    fn hearing_threshold(&self, division: &str, date: NaiveDate, citizen: bool) -> Option<Yuan> {
        self.hearing
            .iter()
            .filter(|h| h.effective <= date)
            .filter_map(|h| {
                let prefix = h
                    .jurisdictions
                    .iter()
                    .filter(|p| division.starts_with(p.as_str()))
                    .max_by_key(|p| p.len())?;
                Some((prefix.len(), h.effective, h))
            })
            .max_by_key(|(len, effective, _)| (*len, *effective))
            .map(|(_, _, h)| if citizen { h.citizen } else { h.organisation })
    }

    pub fn suggest(&self, request: &SuggestionRequest) -> Result<Suggestion, DiscretionError> {
        let violation = self
            .violations
            .get(&request.violation)
            .ok_or_else(|| DiscretionError::UnknownViolation(request.violation.clone()))?;
        request.facts.validate().map_err(DiscretionError::Facts)?;
        if request.decision_date < request.act_date || request.discovered_on < request.act_date {
            return Err(DiscretionError::Dates);
        }
        let mut missing = BTreeSet::new();
        let Some(party) = request.facts.text("party_type") else {
            return Ok(ask(BTreeSet::from(["party_type".to_owned()])));
        };
        if !violation.party_types.iter().any(|p| p == party) {
            return Err(DiscretionError::PartyTypeNotCovered);
        }
        let citizen = party == "citizen";
        let mut trace = vec![TraceStep {
            rule: text::RULE_VIOLATION.into(),
            finding: violation.name.clone(),
            citation: Some(cite_all(&violation.violated)),
        }];

        let gate = statute::gates(
            &GateInput {
                facts: &request.facts,
                citizen,
                act_end: request.act_ended.unwrap_or(request.act_date),
                discovered_on: request.discovered_on,
            },
            &mut missing,
        );
        let finish = |outcome, trace, alternatives| {
            Ok(self.finish(request, violation, citizen, outcome, trace, alternatives))
        };
        let mandatory_lighter = match gate {
            Gate::NoPenalty(reason) => {
                let outcome = apply::statutory_no_penalty(violation, citizen, reason);
                return finish(outcome, trace, Vec::new());
            }
            Gate::Transfer => {
                return finish(apply::transfer(violation, citizen), trace, Vec::new());
            }
            Gate::Proceed { mandatory_lighter } => mandatory_lighter,
        };
        if let Some(article) = mandatory_lighter {
            trace.push(TraceStep {
                rule: text::RULE_MANDATORY_MITIGATION.into(),
                finding: text::MUST_BE_LIGHTER.into(),
                citation: Some(text::cite_article(statute::LAW, article)),
            });
        }

        let candidates =
            self.candidates(request, violation, citizen, mandatory_lighter, &mut missing);
        if !missing.is_empty() {
            return Ok(ask(missing));
        }
        if candidates.outcomes.is_empty() {
            let mut outcome =
                apply::statutory_outcome(violation, citizen, &request.facts, &mut missing);
            if !missing.is_empty() {
                return Ok(ask(missing));
            }
            if candidates.gaps.is_empty() {
                outcome.review.push(ReviewReason::NoBaseline);
            }
            outcome.review.extend(
                candidates
                    .gaps
                    .into_iter()
                    .map(|document| ReviewReason::BaselineGap { document }),
            );
            return finish(outcome, trace, Vec::new());
        }
        let (chosen, alternatives) = choose(candidates.outcomes);
        finish(chosen, trace, alternatives)
    }

    /// Matches the rows of every baseline in force at the act or at the decision (Art. 37), in
    /// this place. Facts that would decide a document with no matching row yet go to `missing`.
    fn candidates(
        &self,
        request: &SuggestionRequest,
        violation: &Violation,
        citizen: bool,
        mandatory_lighter: Option<&'static str>,
        missing: &mut BTreeSet<String>,
    ) -> Candidates {
        let at_act = self.in_force(&request.place_division, request.act_date);
        let at_decision = self.in_force(&request.place_division, request.decision_date);
        let mut documents: Vec<&LoadedDocument> = at_act.clone();
        for d in &at_decision {
            if !documents.iter().any(|x| x.document.id == d.document.id) {
                documents.push(d);
            }
        }
        let listed = |list: &[&LoadedDocument], id: &str| list.iter().any(|d| d.document.id == id);

        let mut candidates = Candidates {
            outcomes: Vec::new(),
            gaps: Vec::new(),
        };
        for document in &documents {
            let rows = document
                .rows
                .get(&violation.code)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            if rows.is_empty() {
                continue;
            }
            let mut matched: Vec<&LoadedRow> = Vec::new();
            let mut undecided = BTreeSet::new();
            for row in rows {
                match row.condition.evaluate(&request.facts) {
                    Truth::True => matched.push(row),
                    Truth::Unknown(facts) => undecided.extend(facts),
                    Truth::False => {}
                }
            }
            if !undecided.is_empty() && matched.is_empty() {
                missing.extend(undecided);
                continue;
            }
            let document = &document.document;
            if matched.is_empty() {
                // A document with no row for these facts contributes no candidate: a
                // no-penalty list says nothing about the cases it does not list.
                candidates.gaps.push(document.id.clone());
                continue;
            }
            let overlap = matched.len() > 1;
            let outcomes = matched
                .into_iter()
                .map(|row| {
                    let mut outcome = apply::row_outcome(
                        violation,
                        citizen,
                        &row.row,
                        &request.facts,
                        mandatory_lighter,
                        missing,
                    );
                    outcome.source = Some(Source {
                        document_id: document.id.clone(),
                        document_number: document.number.clone(),
                        document_title: document.title.clone(),
                        row_id: row.row.id.clone(),
                        row_label: row.row.label.clone(),
                        condition: row.row.condition.clone(),
                        in_force_at_act: listed(&at_act, &document.id),
                        in_force_at_decision: listed(&at_decision, &document.id),
                    });
                    if overlap {
                        outcome.review.push(ReviewReason::BaselineOverlap {
                            document: document.id.clone(),
                        });
                    }
                    outcome
                })
                .collect();
            candidates.outcomes.push(apply::most_favourable(outcomes));
        }
        candidates
    }

    /// Adds what every outcome carries: hearing threshold, citations, trace, explanation.
    fn finish(
        &self,
        request: &SuggestionRequest,
        violation: &Violation,
        citizen: bool,
        mut outcome: Outcome,
        mut trace: Vec<TraceStep>,
        alternatives: Vec<Alternative>,
    ) -> Suggestion {
        outcome.hearing_threshold =
            self.hearing_threshold(&request.place_division, request.decision_date, citizen);
        if outcome.hearing_threshold.is_none()
            && matches!(outcome.disposition, Disposition::Penalty)
        {
            outcome.review.push(ReviewReason::NoHearingThreshold);
        }
        outcome.citations = violation.penalty_basis.iter().map(|p| p.cite()).collect();
        outcome.alternatives = alternatives;
        trace.append(&mut outcome.trace);
        outcome.trace = trace;
        outcome.explanation = explain::explanation(violation, &outcome);
        Suggestion::Outcome(Box::new(outcome))
    }
}

/// The most favourable of the documents' outcomes (Art. 37); the others are kept as
/// alternatives, and a person must look when they disagree on more than one dimension.
fn choose(mut candidates: Vec<Outcome>) -> (Outcome, Vec<Alternative>) {
    let disagree = candidates.iter().any(|a| {
        candidates.iter().any(|b| {
            a.dimensions()
                .iter()
                .zip(b.dimensions().iter())
                .filter(|(x, y)| x != y)
                .count()
                > 1
        })
    });
    candidates.sort_by_key(|a| a.severity());
    let mut chosen = candidates.remove(0);
    if disagree {
        chosen.review.push(ReviewReason::CandidatesDisagree);
    }
    let alternatives = candidates
        .into_iter()
        .map(|c| Alternative {
            source: c.source,
            disposition: c.disposition,
            tier: c.tier,
            fine: c.fine,
        })
        .collect();
    (chosen, alternatives)
}

fn ask(missing: BTreeSet<String>) -> Suggestion {
    Suggestion::NeedFacts(
        missing
            .into_iter()
            .map(|fact| Question {
                question: spec(&fact)
                    .map(|s| s.question.to_owned())
                    .unwrap_or_default(),
                fact,
            })
            .collect(),
    )
}
