//! The lawful procedure as guarded transitions. Each step checks the law before it changes
//! anything; a refused step says which rule and what is missing.
//!
//! Summary procedure (Art. 51–52, 68–69): DecideOnSpot → RecordPayment (if a fine) → Close.
//! Ordinary procedure (Art. 54–72), at most 12 steps: File (立案) → investigation (forms,
//! evidence) → PassLegalReview where required → Notify (事先告知) → CloseStatement, or
//! RequestHearing → HoldHearing → RecordCollectiveDecision where required → Decide → Serve →
//! RecordPayment (with Art. 72 late fees) → Close.

use chrono::{Duration, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::calendar::WorkingDays;
use super::document::{CaseEdit, DateField};
use super::model::{CaseFile, CaseKind, CaseStatus, Decision};
use crate::discretion::{Disposition, Outcome};

/// The 90 days of Art. 60, from filing to decision.
pub const DECISION_DAYS: i64 = 90;
/// Warn this many days before the decision deadline.
pub const DECISION_WARNING_DAYS: i64 = 15;
/// Art. 64: a hearing is asked for within five working days of the notice.
pub const HEARING_REQUEST_WORKING_DAYS: u32 = 5;
/// Art. 64: the party is told of the hearing seven days ahead.
pub const HEARING_NOTICE_WORKING_DAYS: u32 = 7;
/// Art. 61: an absent party is served within seven days.
pub const SERVICE_WORKING_DAYS: u32 = 7;
/// Art. 67: payment within fifteen days of receiving the decision.
pub const PAYMENT_DAYS: i64 = 15;
/// Art. 72: 3 % of the fine a day, never more than the fine.
pub const LATE_FEE_PERCENT_A_DAY: i64 = 3;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Step {
    DecideOnSpot,
    File,
    PassLegalReview,
    Notify,
    /// The party stated and defended, or waived it.
    CloseStatement,
    RequestHearing,
    HoldHearing,
    RecordCollectiveDecision,
    Decide,
    Serve,
    RecordPayment {
        amount: i64,
    },
    Close,
}

impl Step {
    pub fn name(&self) -> &'static str {
        match self {
            Step::DecideOnSpot => "decide_on_spot",
            Step::File => "file",
            Step::PassLegalReview => "pass_legal_review",
            Step::Notify => "notify",
            Step::CloseStatement => "close_statement",
            Step::RequestHearing => "request_hearing",
            Step::HoldHearing => "hold_hearing",
            Step::RecordCollectiveDecision => "record_collective_decision",
            Step::Decide => "decide",
            Step::Serve => "serve",
            Step::RecordPayment { .. } => "record_payment",
            Step::Close => "close",
        }
    }
}

/// Why a step was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum RefusalKind {
    /// The step does not follow from where the case stands.
    WrongStatus,
    UnresolvedConflicts,
    TwoOfficersRequired,
    NoParty,
    NoPenaltyChosen,
    SummaryNotAllowed,
    LimitationExpired,
    NotEnoughEvidence,
    NoHearingRight,
    HearingRequestLate,
    HearingNoticeTooShort,
    HearingPending,
    StatementPeriodOpen,
    LegalReviewRequired,
    CollectiveDecisionRequired,
    HeavierAfterDefence,
    Underpaid,
    NothingToClose,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Refusal {
    pub kind: RefusalKind,
    /// The article that requires it, e.g. 第四十二条.
    pub article: String,
    /// What is missing, for the officer (fields, amounts, dates).
    pub missing: Vec<String>,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} ({})", self.kind, self.article)
    }
}

fn refuse(kind: RefusalKind, article: &str, missing: Vec<String>) -> Refusal {
    Refusal {
        kind,
        article: article.into(),
        missing,
    }
}

/// What a step needs besides the case.
pub struct StepContext<'a> {
    pub today: NaiveDate,
    pub days: &'a WorkingDays,
    /// The engine's outcome for the case (routing: summary, hearing, review, collective).
    pub outcome: Option<&'a Outcome>,
    /// The acting officer's credential number, for the history.
    pub by: &'a str,
    pub now: String,
}

/// Checks `step` against the law and returns the edits that carry it out.
pub fn plan(
    case: &CaseFile,
    step: &Step,
    context: &StepContext<'_>,
) -> Result<Vec<CaseEdit>, Refusal> {
    use CaseStatus::*;
    if !case.conflicts.is_empty() {
        let fields = case.conflicts.iter().map(|c| c.field.clone()).collect();
        return Err(refuse(
            RefusalKind::UnresolvedConflicts,
            "第四十七条",
            fields,
        ));
    }
    let today = context.today;
    let status_is = |allowed: &[CaseStatus]| {
        if allowed.contains(&case.status) {
            Ok(())
        } else {
            Err(refuse(
                RefusalKind::WrongStatus,
                "",
                vec![case.status.as_str().into()],
            ))
        }
    };
    let two_officers = || {
        if case.acting_officers() >= 2 {
            Ok(())
        } else {
            Err(refuse(
                RefusalKind::TwoOfficersRequired,
                "第四十二条",
                vec![format!("{}", case.acting_officers())],
            ))
        }
    };
    let route = |outcome: &Outcome| outcome.route(case.chosen_fine);
    let transition = |status: CaseStatus| CaseEdit::Transition {
        status,
        step: step.name().into(),
        at: context.now.clone(),
        by: context.by.into(),
    };
    let outcome = context.outcome;

    let mut edits = Vec::new();
    match step {
        Step::DecideOnSpot => {
            if case.kind != CaseKind::Summary {
                return Err(refuse(
                    RefusalKind::WrongStatus,
                    "第五十一条",
                    vec!["ordinary".into()],
                ));
            }
            status_is(&[Draft])?;
            two_officers()?;
            if case.parties.is_empty() {
                return Err(refuse(
                    RefusalKind::NoParty,
                    "第五十二条",
                    vec!["parties".into()],
                ));
            }
            let outcome = outcome.ok_or_else(|| {
                refuse(
                    RefusalKind::NoPenaltyChosen,
                    "第五十一条",
                    vec!["suggestion".into()],
                )
            })?;
            if !route(outcome).summary_allowed {
                let limit = crate::discretion::statute::summary_limit(case.citizen_party());
                return Err(refuse(
                    RefusalKind::SummaryNotAllowed,
                    "第五十一条",
                    vec![format!("≤{limit}")],
                ));
            }
            edits.push(CaseEdit::SetDecision(decision(case, outcome, today)));
            edits.push(CaseEdit::SetDate {
                field: DateField::Served,
                date: today,
            });
            edits.push(transition(Decided));
        }
        Step::File => {
            if case.kind != CaseKind::Ordinary {
                return Err(refuse(
                    RefusalKind::WrongStatus,
                    "第五十四条",
                    vec!["summary".into()],
                ));
            }
            status_is(&[Draft])?;
            two_officers()?;
            if case.parties.is_empty() {
                return Err(refuse(
                    RefusalKind::NoParty,
                    "第五十四条",
                    vec!["parties".into()],
                ));
            }
            let years = if case.facts.bool("life_health_finance_harm") == Some(true) {
                5
            } else {
                2
            };
            let limit = case
                .act_date
                .checked_add_months(Months::new(12 * years))
                .unwrap_or(NaiveDate::MAX);
            if case.discovered_on > limit {
                return Err(refuse(
                    RefusalKind::LimitationExpired,
                    "第三十六条",
                    vec![limit.to_string()],
                ));
            }
            edits.push(CaseEdit::SetDate {
                field: DateField::Filed,
                date: today,
            });
            edits.push(transition(Filed));
        }
        Step::PassLegalReview => {
            status_is(&[Filed, Notified, HearingRequested, HearingHeld])?;
            edits.push(CaseEdit::SetDate {
                field: DateField::LegalReviewPassed,
                date: today,
            });
        }
        Step::RecordCollectiveDecision => {
            status_is(&[Filed, Notified, HearingHeld])?;
            edits.push(CaseEdit::SetDate {
                field: DateField::CollectiveDecided,
                date: today,
            });
        }
        Step::Notify => {
            status_is(&[Filed])?;
            two_officers()?;
            if outcome.is_none() {
                return Err(refuse(
                    RefusalKind::NoPenaltyChosen,
                    "第四十四条",
                    vec!["suggestion".into()],
                ));
            }
            if case.evidence.is_empty()
                && case.onsite.findings.trim().is_empty()
                && case.inquiries.is_empty()
            {
                return Err(refuse(
                    RefusalKind::NotEnoughEvidence,
                    "第四十条",
                    vec!["evidence".into()],
                ));
            }
            edits.push(CaseEdit::SetDate {
                field: DateField::Notified,
                date: today,
            });
            edits.push(CaseEdit::SetNotifiedFine(case.chosen_fine.unwrap_or(0)));
            edits.push(transition(Notified));
        }
        Step::CloseStatement => {
            status_is(&[Notified, HearingHeld])?;
            edits.push(CaseEdit::SetDate {
                field: DateField::StatementClosed,
                date: today,
            });
        }
        Step::RequestHearing => {
            status_is(&[Notified])?;
            let outcome =
                outcome.ok_or_else(|| refuse(RefusalKind::NoHearingRight, "第六十三条", vec![]))?;
            if !route(outcome).hearing_right {
                return Err(refuse(RefusalKind::NoHearingRight, "第六十三条", vec![]));
            }
            let notified = case.procedure.notified_on.unwrap_or(today);
            let last = context.days.add(notified, HEARING_REQUEST_WORKING_DAYS);
            if today > last {
                return Err(refuse(
                    RefusalKind::HearingRequestLate,
                    "第六十四条",
                    vec![last.to_string()],
                ));
            }
            edits.push(CaseEdit::SetDate {
                field: DateField::HearingRequested,
                date: today,
            });
            edits.push(transition(HearingRequested));
        }
        Step::HoldHearing => {
            status_is(&[HearingRequested])?;
            let requested = case.procedure.hearing_requested_on.unwrap_or(today);
            let earliest = context.days.add(requested, HEARING_NOTICE_WORKING_DAYS);
            if today < earliest {
                return Err(refuse(
                    RefusalKind::HearingNoticeTooShort,
                    "第六十四条",
                    vec![earliest.to_string()],
                ));
            }
            edits.push(CaseEdit::SetDate {
                field: DateField::HearingHeld,
                date: today,
            });
            edits.push(transition(HearingHeld));
        }
        Step::Decide => {
            if case.status == HearingRequested {
                return Err(refuse(RefusalKind::HearingPending, "第六十五条", vec![]));
            }
            status_is(&[Notified, HearingHeld])?;
            two_officers()?;
            let outcome = outcome
                .ok_or_else(|| refuse(RefusalKind::NoPenaltyChosen, "第五十七条", vec![]))?;
            if case.status == Notified && case.procedure.statement_closed_on.is_none() {
                let notified = case.procedure.notified_on.unwrap_or(today);
                let open_until = context.days.add(notified, HEARING_REQUEST_WORKING_DAYS);
                if today <= open_until {
                    return Err(refuse(
                        RefusalKind::StatementPeriodOpen,
                        "第四十五条",
                        vec![open_until.to_string()],
                    ));
                }
            }
            let routed = route(outcome);
            if routed.legal_review && case.procedure.legal_review_passed_on.is_none() {
                return Err(refuse(
                    RefusalKind::LegalReviewRequired,
                    "第五十八条",
                    vec!["legal_review".into()],
                ));
            }
            if routed.collective_decision && case.procedure.collective_decided_on.is_none() {
                return Err(refuse(
                    RefusalKind::CollectiveDecisionRequired,
                    "第五十七条",
                    vec!["collective".into()],
                ));
            }
            if let (Some(notified), Some(chosen)) = (case.procedure.notified_fine, case.chosen_fine)
            {
                if chosen > notified {
                    return Err(refuse(
                        RefusalKind::HeavierAfterDefence,
                        "第四十五条",
                        vec![notified.to_string()],
                    ));
                }
            }
            edits.push(CaseEdit::SetDecision(decision(case, outcome, today)));
            edits.push(transition(Decided));
        }
        Step::Serve => {
            if case.kind != CaseKind::Ordinary {
                return Err(refuse(RefusalKind::WrongStatus, "第六十一条", vec![]));
            }
            status_is(&[Decided])?;
            edits.push(CaseEdit::SetDate {
                field: DateField::Served,
                date: today,
            });
            edits.push(transition(Served));
        }
        Step::RecordPayment { amount } => {
            let payable = if case.kind == CaseKind::Summary {
                &[Decided][..]
            } else {
                &[Served][..]
            };
            status_is(payable)?;
            let due = amount_due(case, today);
            if *amount < due {
                return Err(refuse(
                    RefusalKind::Underpaid,
                    "第七十二条",
                    vec![due.to_string()],
                ));
            }
            edits.push(CaseEdit::SetDate {
                field: DateField::Paid,
                date: today,
            });
            edits.push(CaseEdit::SetPaidAmount(*amount));
            edits.push(transition(Executed));
        }
        Step::Close => {
            let nothing_to_pay = case
                .decision
                .as_ref()
                .is_some_and(|d| !d.penalty || d.fine == 0);
            let closable = case.status == Executed
                || (nothing_to_pay
                    && matches!(case.status, Served)
                    && case.kind == CaseKind::Ordinary)
                || (nothing_to_pay
                    && matches!(case.status, Decided)
                    && case.kind == CaseKind::Summary);
            if !closable {
                return Err(refuse(
                    RefusalKind::NothingToClose,
                    "第六十六条",
                    vec![case.status.as_str().into()],
                ));
            }
            edits.push(CaseEdit::SetDate {
                field: DateField::Closed,
                date: today,
            });
            edits.push(transition(Closed));
        }
    }
    Ok(edits)
}

fn decision(case: &CaseFile, outcome: &Outcome, today: NaiveDate) -> Decision {
    let penalty = matches!(outcome.disposition, Disposition::Penalty);
    Decision {
        penalty,
        warning: penalty && outcome.warning,
        fine: if penalty {
            case.chosen_fine.unwrap_or(0)
        } else {
            0
        },
        confiscated_gains: if penalty && outcome.confiscate_gains {
            case.facts.int("illegal_gains").unwrap_or(0)
        } else {
            0
        },
        confiscate_property: penalty && outcome.confiscate_property,
        other: outcome.other.iter().map(|k| format!("{k:?}")).collect(),
        decided_on: today,
    }
}

/// Fine plus the Art. 72 late fee as of `paid_on`: 3 % a day after the fifteenth day from
/// service, never more than the fine itself.
pub fn amount_due(case: &CaseFile, paid_on: NaiveDate) -> i64 {
    let Some(decision) = &case.decision else {
        return 0;
    };
    let served = case.procedure.served_on.unwrap_or(decision.decided_on);
    let due_by = served + Duration::days(PAYMENT_DAYS);
    let late_days = (paid_on - due_by).num_days().max(0);
    let late_fee = (decision.fine * LATE_FEE_PERCENT_A_DAY * late_days / 100).min(decision.fine);
    decision.fine + late_fee
}

/// A date the officer must keep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Deadline {
    /// decision (Art. 60), hearing_request (Art. 64), payment (Art. 67).
    pub what: String,
    pub due: NaiveDate,
    pub overdue: bool,
    /// Within the warning period before `due`.
    pub warning: bool,
    /// The holiday calendar of that year is unknown: weekends only were skipped.
    pub provisional: bool,
}

/// The deadlines that apply to the case now.
pub fn deadlines(case: &CaseFile, days: &WorkingDays, today: NaiveDate) -> Vec<Deadline> {
    let mut out = Vec::new();
    let mut push = |what: &str, due: NaiveDate, warn_days: i64, provisional: bool| {
        out.push(Deadline {
            what: what.into(),
            due,
            overdue: today > due,
            warning: today <= due && (due - today).num_days() <= warn_days,
            provisional,
        })
    };
    let open = !matches!(
        case.status,
        CaseStatus::Decided | CaseStatus::Served | CaseStatus::Executed | CaseStatus::Closed
    );
    if let (Some(filed), true) = (case.procedure.filed_on, open) {
        push(
            "decision",
            filed + Duration::days(DECISION_DAYS),
            DECISION_WARNING_DAYS,
            false,
        );
    }
    if let (Some(notified), CaseStatus::Notified) = (case.procedure.notified_on, case.status) {
        let due = days.add(notified, HEARING_REQUEST_WORKING_DAYS);
        push("hearing_request", due, 2, !days.knows(due));
    }
    if case.decision.as_ref().is_some_and(|d| d.fine > 0) && case.procedure.paid_on.is_none() {
        if let Some(served) = case.procedure.served_on {
            push("payment", served + Duration::days(PAYMENT_DAYS), 3, false);
        }
    }
    out
}
