//! The matcher: from a violation, its facts and dates to the lawful outcome, in the statutory
//! order (gates, no-penalty rules, mandatory mitigation, baseline tier, clamp to the statutory
//! range, procedure), with every step traced and cited.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;

use super::apply::{self, cite_all};
use super::burden::{self, Burden};
use super::condition::{Condition, Truth};
use super::explain;
use super::facts::{spec, Facts};
use super::frame;
use super::model::{BaselineDocument, BaselineRow, HearingThreshold, Tier, Violation, YuanRange};
use super::outcome::{
    Alternative, Disposition, Outcome, Question, ReviewReason, Source, Suggestion, TraceStep,
};
use super::statute::{self, Gate, GateInput, MitigationGround, NoPenaltyReason};
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

    fn hearing_threshold(&self, division: &str, date: NaiveDate) -> Option<&HearingThreshold> {
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
            .map(|(_, _, h)| h)
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

        // Art. 37: the frame in force at the act, or the lighter one at the decision.
        let selected = frame::select(
            violation,
            request.act_date,
            request.decision_date,
            &request.facts,
            &mut missing,
        );
        let applied: Cow<'_, Violation> = match &selected.frame {
            Some(frame) if frame.amendment.is_some() => Cow::Owned(violation.under(frame)),
            _ => Cow::Borrowed(violation),
        };
        let violation = applied.as_ref();
        trace.extend(selected.trace.clone());
        let dated = |mut outcome: Outcome| {
            outcome.statute_in_force_from = selected.frame.and_then(|f| f.effective);
            if selected.unclear {
                outcome.review.push(ReviewReason::StatuteVersionsDisagree);
            }
            outcome
        };
        let finish = |outcome, trace, alternatives| {
            Ok(self.finish(
                request,
                violation,
                citizen,
                dated(outcome),
                trace,
                alternatives,
            ))
        };
        if selected.frame.is_none() {
            let reason = NoPenaltyReason::NoLongerViolation;
            let outcome = apply::statutory_no_penalty(violation, citizen, reason);
            return finish(outcome, trace, Vec::new());
        }

        let gate = statute::gates(
            &GateInput {
                facts: &request.facts,
                citizen,
                act_end: request.act_ended.unwrap_or(request.act_date),
                discovered_on: request.discovered_on,
            },
            &mut missing,
        );
        let (grounds, first_violation) = match gate {
            Gate::NoPenalty(reason) => {
                let outcome = apply::statutory_no_penalty(violation, citizen, reason);
                return finish(outcome, trace, Vec::new());
            }
            Gate::Transfer => {
                return finish(apply::transfer(violation, citizen), trace, Vec::new());
            }
            Gate::Proceed {
                grounds,
                first_violation,
            } => (grounds, first_violation),
        };

        let candidates = self.candidates(request, violation, citizen, &grounds, &mut missing);
        if !missing.is_empty() {
            return Ok(ask(missing));
        }
        let (mut chosen, alternatives) = if candidates.outcomes.is_empty() {
            let mut outcome = apply::statutory_outcome(
                violation,
                citizen,
                &request.facts,
                &grounds,
                &mut missing,
            );
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
            (outcome, Vec::new())
        } else {
            choose(candidates.outcomes)
        };
        if first_violation && chosen.disposition == Disposition::Penalty {
            // Art. 33 ¶1: the penalty stays stated, for the officer who declines.
            chosen.disposition = Disposition::MayNotPunish;
            chosen.education = true;
            chosen.trace.push(TraceStep {
                rule: text::RULE_FIRST_VIOLATION.into(),
                finding: text::FIRST_VIOLATION.into(),
                citation: Some(text::cite_article(
                    statute::LAW,
                    statute::FIRST_VIOLATION_ARTICLE,
                )),
            });
        }
        finish(chosen, trace, alternatives)
    }

    /// Matches the rows of every baseline in force at the act or at the decision (Art. 37), in
    /// this place. Facts that would decide a document with no matching row yet go to `missing`.
    fn candidates(
        &self,
        request: &SuggestionRequest,
        violation: &Violation,
        citizen: bool,
        grounds: &[MitigationGround],
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
            let general = grounds
                .iter()
                .any(|g| g.mandatory())
                .then(|| general_band(rows, &request.facts, missing))
                .flatten();
            let overlap = matched.len() > 1;
            let outcomes = matched
                .into_iter()
                .map(|row| {
                    let mut outcome = apply::row_outcome(
                        violation,
                        citizen,
                        &row.row,
                        &request.facts,
                        grounds,
                        general,
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
            // Overlapping rows of one document are not alternatives across documents.
            candidates.outcomes.push(choose(outcomes).0);
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
        let threshold = self.hearing_threshold(&request.place_division, request.decision_date);
        outcome.hearing_threshold = threshold.map(|h| h.fine(citizen));
        outcome.confiscation_threshold = threshold.map(|h| h.confiscation(citizen));
        if outcome.hearing_threshold.is_none()
            && matches!(
                outcome.disposition,
                Disposition::Penalty | Disposition::MayNotPunish
            )
        {
            outcome.review.push(ReviewReason::NoHearingThreshold);
        }
        outcome.citations = violation.penalty_basis.iter().map(|p| p.cite()).collect();
        outcome.statutory_kinds = violation.statutory.kinds.clone();
        outcome.required_kinds = violation.statutory.required_kinds();
        outcome.illegal_gains = request.facts.int("illegal_gains");
        outcome.property_value = request.facts.int("property_value");
        outcome.alternatives = alternatives;
        trace.append(&mut outcome.trace);
        outcome.trace = trace;
        outcome.explanation = explain::explanation(violation, &outcome);
        Suggestion::Outcome(Box::new(outcome))
    }
}

/// The lightest general band of a document's rows for the violation, on the case's bases: what
/// a mandatory ground of Arts. 30–32 makes the outcome no heavier than.
fn general_band(
    rows: &[LoadedRow],
    facts: &Facts,
    missing: &mut BTreeSet<String>,
) -> Option<YuanRange> {
    rows.iter()
        .filter(|r| r.row.tier == Tier::General)
        .filter_map(|r| {
            let fine = &r.row.output.fine;
            fine.resolve(apply::base_amount(fine, facts, missing))
        })
        .filter(|band| band.max > 0)
        .min_by_key(|band| (band.max, band.min))
}

/// The most favourable of the outcomes by the party's burden (Art. 9 order, then amounts;
/// never the tier label); the others are kept as alternatives. When the order cannot settle
/// it, a person must look.
fn choose(mut candidates: Vec<Outcome>) -> (Outcome, Vec<Alternative>) {
    let burdens: Vec<(u8, Burden)> = candidates
        .iter()
        .map(|c| (c.disposition_rank(), c.burden()))
        .collect();
    let best_rank = burdens.iter().map(|(rank, _)| *rank).min().unwrap_or(0);
    let lightest_rank: Vec<usize> = (0..burdens.len())
        .filter(|&i| burdens[i].0 == best_rank)
        .collect();
    let (index, settled) = if best_rank == 0 || lightest_rank.len() == 1 {
        (lightest_rank[0], true)
    } else {
        let ranked: Vec<Burden> = lightest_rank.iter().map(|&i| burdens[i].1).collect();
        let (i, settled) = burden::lightest(&ranked);
        (lightest_rank[i], settled)
    };
    let mut chosen = candidates.remove(index);
    if !settled {
        chosen.review.push(ReviewReason::CandidatesDisagree);
    }
    let alternatives = candidates
        .into_iter()
        .map(|c| Alternative {
            kinds: c.kinds(),
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
