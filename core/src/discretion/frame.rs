//! The statutory frame of a violation across amendments (Art. 37): the frame in force at the
//! act applies, unless at the decision a lighter frame is in force or the act is no longer a
//! violation. A catalogue without `amendments` has one frame, as before.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::apply::{base_amount, cite_all};
use super::burden::Burden;
use super::facts::Facts;
use super::model::{Amendment, Provision, Statutory, Violation};
use super::outcome::TraceStep;
use crate::texts::discretion as text;

/// One version of the frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame<'v> {
    /// `None`: not a violation in this version.
    pub statutory: Option<&'v Statutory>,
    pub basis: &'v [Provision],
    /// From when this version is in force (`None`: the first, undated version).
    pub effective: Option<NaiveDate>,
    /// Which amendment made it (`None`: the first version).
    pub amendment: Option<usize>,
}

impl Violation {
    /// The version of the frame in force on `date`.
    pub fn frame_at(&self, date: NaiveDate) -> Frame<'_> {
        let mut frame = Frame {
            statutory: Some(&self.statutory),
            basis: &self.penalty_basis,
            effective: self
                .penalty_basis
                .iter()
                .filter_map(|p| p.in_force_from)
                .max(),
            amendment: None,
        };
        let mut ordered: Vec<(usize, &Amendment)> = self.amendments.iter().enumerate().collect();
        ordered.sort_by_key(|(_, a)| a.effective);
        for (index, amendment) in ordered {
            if amendment.effective > date {
                break;
            }
            frame.statutory = amendment.statutory.as_ref();
            if !amendment.penalty_basis.is_empty() {
                frame.basis = &amendment.penalty_basis;
            }
            frame.effective = Some(amendment.effective);
            frame.amendment = Some(index);
        }
        frame
    }

    /// The violation as it reads under `frame`.
    pub fn under(&self, frame: &Frame<'_>) -> Violation {
        Violation {
            statutory: frame
                .statutory
                .cloned()
                .unwrap_or_else(|| self.statutory.clone()),
            penalty_basis: frame.basis.to_vec(),
            ..self.clone()
        }
    }
}

/// The frame the engine applies, with its trace; `frame: None` when at the decision (or at
/// the act) the act is not a violation.
pub(super) struct Selected<'v> {
    pub frame: Option<Frame<'v>>,
    pub trace: Vec<TraceStep>,
    /// The two versions could not be ranked; the act's applies and a person checks.
    pub unclear: bool,
}

/// Art. 37: the act's version, or the decision's when it is lighter for the party (the
/// frames' burdens: the kinds they provide by Art. 9 group, then the fine range on the
/// case's base amount) or the act is no longer a violation.
pub(super) fn select<'v>(
    violation: &'v Violation,
    act: NaiveDate,
    decision: NaiveDate,
    facts: &Facts,
    missing: &mut BTreeSet<String>,
) -> Selected<'v> {
    let at_act = violation.frame_at(act);
    if violation.amendments.is_empty() {
        return Selected {
            frame: Some(at_act),
            trace: Vec::new(),
            unclear: false,
        };
    }
    let at_decision = violation.frame_at(decision);
    let step = |frame: &Frame<'_>, finding: &str| TraceStep {
        rule: text::RULE_STATUTE_VERSION.into(),
        finding: finding.into(),
        citation: Some(text::statute_version(
            &cite_all(frame.basis),
            frame.effective,
        )),
    };
    let (Some(old), Some(new)) = (at_act.statutory, at_decision.statutory) else {
        return Selected {
            frame: None,
            trace: vec![step(&at_decision, text::FRAME_REPEALED)],
            unclear: false,
        };
    };
    if at_act.amendment == at_decision.amendment {
        return Selected {
            frame: Some(at_act),
            trace: vec![step(&at_act, text::FRAME_AT_ACT)],
            unclear: false,
        };
    }
    let mut burden = |s: &Statutory| {
        let base = base_amount(&s.fine, facts, missing);
        Burden::of_frame(s, s.fine.resolve(base))
    };
    let (old_burden, new_burden) = (burden(old), burden(new));
    let (frame, finding, unclear) = match new_burden.compare_frames(&old_burden) {
        Some(Ordering::Less) => (at_decision, text::FRAME_AT_DECISION_LIGHTER, false),
        Some(_) => (at_act, text::FRAME_AT_ACT_NOT_LIGHTER, false),
        None => (at_act, text::FRAME_UNCLEAR, true),
    };
    Selected {
        frame: Some(frame),
        trace: vec![step(&frame, finding)],
        unclear,
    }
}
