//! The matcher: from a violation, its facts and dates to the lawful outcome, in the statutory
//! order (gates, no-penalty rules, mandatory mitigation, baseline tier, clamp to the statutory
//! range, procedure), with every step traced and cited.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;

use super::condition::{Condition, Truth};
use super::facts::{spec, Facts};
use super::model::{
    BaselineDocument, BaselineRow, Fine, HearingThreshold, PenaltyKind, Tier, Violation, Yuan,
    YuanRange,
};
use super::statute::{self, Gate, GateInput, NoPenaltyReason};
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

/// A fact still needed, with the question to ask.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Question {
    pub fact: String,
    pub question: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Suggestion {
    /// Unknown facts decide the outcome: ask these, never guess.
    NeedFacts(Vec<Question>),
    Outcome(Box<Outcome>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Disposition {
    Penalty,
    NoPenalty {
        reason: NoPenaltyReason,
    },
    /// Art. 27: transfer to the judicial authorities.
    Transfer,
}

/// Why a person must look at the suggestion before it is used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ReviewReason {
    /// No baseline in force covers this place and date: the statutory range is shown.
    NoBaseline,
    /// The baseline has no row for these facts (a gap).
    BaselineGap { document: String },
    /// Several rows of one baseline match (an overlap); the most favourable was taken.
    BaselineOverlap { document: String },
    /// The applicable baselines disagree on more than one dimension.
    CandidatesDisagree,
    /// The row's band lies outside the statutory range and was clamped.
    BandClamped { row: String },
    /// No 较大数额 is configured for this jurisdiction: the hearing right must be judged.
    NoHearingThreshold,
}

/// Where the suggestion came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Source {
    pub document_id: String,
    pub document_number: String,
    pub document_title: String,
    pub row_id: String,
    pub row_label: String,
    pub condition: String,
    /// Whether the document is the one in force at the act, at the decision, or both (Art. 37).
    pub in_force_at_act: bool,
    pub in_force_at_decision: bool,
}

/// Another applicable baseline's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Alternative {
    pub source: Option<Source>,
    pub disposition: Disposition,
    pub tier: Tier,
    pub fine: Option<YuanRange>,
}

/// One step of the reasoning, for the record and the decision document.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct TraceStep {
    pub rule: String,
    pub finding: String,
    pub citation: Option<String>,
}

/// The lawful outcome.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Outcome {
    pub violation: String,
    pub citizen: bool,
    pub disposition: Disposition,
    pub tier: Tier,
    pub warning: bool,
    pub fine: Option<YuanRange>,
    pub statutory_fine: Option<YuanRange>,
    pub confiscate_gains: bool,
    pub confiscate_property: bool,
    pub other: Vec<PenaltyKind>,
    /// Art. 28: correction is always ordered; Art. 33: education when there is no penalty.
    pub order_correction: bool,
    pub education: bool,
    pub legal_review: bool,
    pub collective_decision: bool,
    /// The 较大数额 from which a fine gives a hearing right (Art. 63), if configured.
    pub hearing_threshold: Option<Yuan>,
    pub source: Option<Source>,
    pub citations: Vec<String>,
    pub trace: Vec<TraceStep>,
    pub review: Vec<ReviewReason>,
    /// The other baselines' outcomes, considered and found no more favourable (Art. 37,
    /// several jurisdictions).
    pub alternatives: Vec<Alternative>,
    pub explanation: String,
}

impl Outcome {
    /// The favourable-to-the-party order: no penalty < mitigated < lighter < general <
    /// heavier, then by the penalty itself.
    pub fn severity(&self) -> (u8, Tier, Yuan, Yuan, u8, Option<PenaltyKind>, u8) {
        let disposition = match self.disposition {
            Disposition::NoPenalty { .. } => 0,
            Disposition::Penalty => 1,
            Disposition::Transfer => 2,
        };
        let (min, max) = self.fine.map_or((0, 0), |f| (f.min, f.max));
        let confiscation = u8::from(self.confiscate_gains) + u8::from(self.confiscate_property);
        (
            disposition,
            self.tier,
            max,
            min,
            confiscation,
            self.other.iter().max().copied(),
            u8::from(self.warning),
        )
    }

    fn dimensions(&self) -> [String; 4] {
        [
            format!("{:?}", self.tier),
            format!("{:?}", self.fine),
            format!("{}{}", self.confiscate_gains, self.confiscate_property),
            format!("{:?}{}", self.other, self.warning),
        ]
    }

    /// The procedure for the penalty the officer actually chooses (a fine in yuan, or none).
    pub fn route(&self, chosen_fine: Option<Yuan>) -> ProcedureRoute {
        let penalty = matches!(self.disposition, Disposition::Penalty);
        let confiscation = self.confiscate_gains || self.confiscate_property;
        let fine = chosen_fine.unwrap_or(0);
        let summary_allowed = penalty
            && !confiscation
            && self.other.is_empty()
            && (self.warning || fine > 0)
            && fine <= statute::summary_limit(self.citizen);
        let hearing_right = penalty
            && (self.other.iter().any(|k| k.needs_hearing())
                || self
                    .hearing_threshold
                    .is_some_and(|threshold| fine >= threshold));
        ProcedureRoute {
            summary_allowed,
            hearing_right,
            // Art. 58: a hearing on major rights needs a legal review before the decision.
            legal_review: penalty && !summary_allowed && (self.legal_review || hearing_right),
            collective_decision: penalty && self.collective_decision,
            collect_on_the_spot: summary_allowed && fine <= statute::ON_THE_SPOT_COLLECTION_LIMIT,
        }
    }
}

/// How a chosen penalty must be decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ProcedureRoute {
    /// Art. 51: may be decided on the spot (简易程序).
    pub summary_allowed: bool,
    /// Art. 63: the party may ask for a hearing.
    pub hearing_right: bool,
    /// Art. 58: legal review before the decision.
    pub legal_review: bool,
    /// Art. 57: collective decision by the agency's heads.
    pub collective_decision: bool,
    /// Art. 68: the fine may be collected on the spot.
    pub collect_on_the_spot: bool,
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
        let mandatory_lighter = match gate {
            Gate::NoPenalty(reason) => {
                return Ok(self.finish(
                    request,
                    violation,
                    citizen,
                    statutory_no_penalty(violation, citizen, reason),
                    trace,
                    Vec::new(),
                ));
            }
            Gate::Transfer => {
                let mut outcome =
                    bare_outcome(violation, citizen, Disposition::Transfer, Tier::General);
                outcome.order_correction = false;
                return Ok(self.finish(request, violation, citizen, outcome, trace, Vec::new()));
            }
            Gate::Proceed { mandatory_lighter } => mandatory_lighter,
        };
        if let Some(article) = mandatory_lighter {
            trace.push(TraceStep {
                rule: text::RULE_MANDATORY_MITIGATION.into(),
                finding: text::MUST_BE_LIGHTER.into(),
                citation: Some(format!("《{}》{article}", statute::LAW)),
            });
        }

        // Baselines in force at the act and at the decision (Art. 37), in this place.
        let at_act = self.in_force(&request.place_division, request.act_date);
        let at_decision = self.in_force(&request.place_division, request.decision_date);
        let mut documents: Vec<&LoadedDocument> = at_act.clone();
        for d in &at_decision {
            if !documents.iter().any(|x| x.document.id == d.document.id) {
                documents.push(d);
            }
        }

        let mut candidates = Vec::new();
        let mut gaps = Vec::new();
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
            let source = |row: &LoadedRow| Source {
                document_id: document.document.id.clone(),
                document_number: document.document.number.clone(),
                document_title: document.document.title.clone(),
                row_id: row.row.id.clone(),
                row_label: row.row.label.clone(),
                condition: row.row.condition.clone(),
                in_force_at_act: at_act.iter().any(|d| d.document.id == document.document.id),
                in_force_at_decision: at_decision
                    .iter()
                    .any(|d| d.document.id == document.document.id),
            };
            if !undecided.is_empty() && matched.is_empty() {
                missing.extend(undecided);
                continue;
            }
            let mut review = Vec::new();
            if matched.is_empty() {
                // A document with no row for these facts contributes no candidate: a
                // no-penalty list says nothing about the cases it does not list.
                gaps.push(document.document.id.clone());
                continue;
            }
            if matched.len() > 1 {
                review.push(ReviewReason::BaselineOverlap {
                    document: document.document.id.clone(),
                });
            }
            let mut outcomes = Vec::new();
            for row in matched {
                let mut outcome = row_outcome(
                    violation,
                    citizen,
                    row,
                    &request.facts,
                    mandatory_lighter,
                    &mut missing,
                );
                outcome.source = Some(source(row));
                outcome.review.extend(review.iter().cloned());
                outcomes.push(outcome);
            }
            candidates.push(most_favourable(outcomes));
        }
        if !missing.is_empty() {
            return Ok(ask(missing));
        }
        if candidates.is_empty() {
            let mut outcome = statutory_outcome(violation, citizen, &request.facts, &mut missing);
            if !missing.is_empty() {
                return Ok(ask(missing));
            }
            if gaps.is_empty() {
                outcome.review.push(ReviewReason::NoBaseline);
            }
            outcome.review.extend(
                gaps.into_iter()
                    .map(|document| ReviewReason::BaselineGap { document }),
            );
            return Ok(self.finish(request, violation, citizen, outcome, trace, Vec::new()));
        }
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
        Ok(self.finish(request, violation, citizen, chosen, trace, alternatives))
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
        outcome.explanation = text::explanation(violation, &outcome);
        Suggestion::Outcome(Box::new(outcome))
    }
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

fn cite_all(provisions: &[super::model::Provision]) -> String {
    provisions
        .iter()
        .map(|p| p.cite())
        .collect::<Vec<_>>()
        .join("、")
}

fn bare_outcome(
    violation: &Violation,
    citizen: bool,
    disposition: Disposition,
    tier: Tier,
) -> Outcome {
    Outcome {
        violation: violation.code.clone(),
        citizen,
        disposition,
        tier,
        warning: false,
        fine: None,
        statutory_fine: None,
        confiscate_gains: false,
        confiscate_property: false,
        other: Vec::new(),
        order_correction: true,
        education: false,
        legal_review: false,
        collective_decision: false,
        hearing_threshold: None,
        source: None,
        citations: Vec::new(),
        trace: Vec::new(),
        review: Vec::new(),
        alternatives: Vec::new(),
        explanation: String::new(),
    }
}

fn statutory_no_penalty(violation: &Violation, citizen: bool, reason: NoPenaltyReason) -> Outcome {
    let mut outcome = bare_outcome(
        violation,
        citizen,
        Disposition::NoPenalty { reason },
        Tier::NoPenalty,
    );
    outcome.education = true;
    // Past the limitation period nothing is ordered any more.
    outcome.order_correction = reason != NoPenaltyReason::LimitationExpired;
    outcome.trace.push(TraceStep {
        rule: text::RULE_NO_PENALTY.into(),
        finding: text::no_penalty_reason(reason).into(),
        citation: Some(format!("《{}》{}", statute::LAW, reason.article())),
    });
    outcome
}

/// The base amount a fine needs, or the fact to ask for.
fn base_amount(fine: &Fine, facts: &Facts, missing: &mut BTreeSet<String>) -> Option<Yuan> {
    let base = fine.base()?;
    let value = facts.int(base.fact());
    if value.is_none() {
        missing.insert(base.fact().to_owned());
    }
    value
}

/// Art. 28: illegal gains are confiscated when there are any; the amount must be known.
fn has_gains(facts: &Facts, missing: &mut BTreeSet<String>) -> bool {
    match facts.int("illegal_gains") {
        Some(gains) => gains > 0,
        None => {
            missing.insert("illegal_gains".to_owned());
            false
        }
    }
}

/// The statutory range alone, when no baseline row applies.
fn statutory_outcome(
    violation: &Violation,
    citizen: bool,
    facts: &Facts,
    missing: &mut BTreeSet<String>,
) -> Outcome {
    let statutory = &violation.statutory;
    let base = base_amount(&statutory.fine, facts, missing);
    let mut outcome = bare_outcome(violation, citizen, Disposition::Penalty, Tier::General);
    outcome.fine = statutory.fine.resolve(base);
    outcome.statutory_fine = outcome.fine;
    outcome.warning = statutory.kinds.contains(&PenaltyKind::Warning);
    outcome.confiscate_gains = statutory.confiscate_gains && has_gains(facts, missing);
    outcome.trace.push(TraceStep {
        rule: text::RULE_STATUTORY_RANGE.into(),
        finding: text::NO_BASELINE_ROW.into(),
        citation: Some(cite_all(&violation.penalty_basis)),
    });
    outcome
}

fn row_outcome(
    violation: &Violation,
    citizen: bool,
    row: &LoadedRow,
    facts: &Facts,
    mandatory_lighter: Option<&'static str>,
    missing: &mut BTreeSet<String>,
) -> Outcome {
    let output = &row.row.output;
    if row.row.tier == Tier::NoPenalty {
        let mut outcome = bare_outcome(
            violation,
            citizen,
            Disposition::NoPenalty {
                reason: NoPenaltyReason::BaselineRow,
            },
            Tier::NoPenalty,
        );
        outcome.education = true;
        outcome.trace.push(TraceStep {
            rule: text::RULE_BASELINE.into(),
            finding: format!("{}：{}", row.row.label, row.row.condition),
            citation: Some(format!(
                "《{}》{}",
                statute::LAW,
                NoPenaltyReason::BaselineRow.article()
            )),
        });
        return outcome;
    }
    let mut outcome = bare_outcome(violation, citizen, Disposition::Penalty, row.row.tier);
    outcome.warning = output.warning;
    outcome.confiscate_gains = (output.confiscate_gains || violation.statutory.confiscate_gains)
        && has_gains(facts, missing);
    outcome.confiscate_property = output.confiscate_property;
    outcome.other = output.other.clone();
    outcome.legal_review = row.row.legal_review;
    outcome.collective_decision = row.row.collective_decision;
    outcome.trace.push(TraceStep {
        rule: text::RULE_BASELINE.into(),
        finding: format!("{}：{}", row.row.label, row.row.condition),
        citation: None,
    });

    let statutory_base = base_amount(&violation.statutory.fine, facts, missing);
    let row_base = base_amount(&output.fine, facts, missing);
    let statutory_range = violation.statutory.fine.resolve(statutory_base);
    outcome.statutory_fine = statutory_range;
    let mut band = output.fine.resolve(row_base);

    if let (Some(article), Some(range)) = (mandatory_lighter, band) {
        if outcome.tier > Tier::Lighter {
            let top = range.min
                + (range.max - range.min) * statute::MANDATORY_LIGHTER_SHARE_PERCENT / 100;
            band = Some(YuanRange {
                min: range.min,
                max: top,
            });
            outcome.tier = Tier::Lighter;
            outcome.trace.push(TraceStep {
                rule: text::RULE_MANDATORY_LIGHTER.into(),
                finding: text::lighter_share(statute::MANDATORY_LIGHTER_SHARE_PERCENT),
                citation: Some(format!("《{}》{article}", statute::LAW)),
            });
        }
    }
    // Clamp to the statutory range; only mitigation may go below its minimum (Art. 30–32).
    if let (Some(range), Some(law)) = (band, statutory_range) {
        let min = if outcome.tier == Tier::Mitigated {
            range.min.max(0)
        } else {
            range.min.max(law.min)
        };
        let max = range.max.min(law.max);
        let clamped = YuanRange {
            min: min.min(max),
            max,
        };
        if clamped != range {
            outcome.review.push(ReviewReason::BandClamped {
                row: row.row.id.clone(),
            });
            outcome.trace.push(TraceStep {
                rule: text::RULE_CLAMP.into(),
                finding: text::clamped(clamped.min, clamped.max),
                citation: Some(cite_all(&violation.penalty_basis)),
            });
        }
        band = Some(clamped);
    }
    outcome.fine = band;
    outcome
}

fn most_favourable(mut outcomes: Vec<Outcome>) -> Outcome {
    outcomes.sort_by_key(|o| o.severity());
    outcomes.swap_remove(0)
}
