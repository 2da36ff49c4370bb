//! The lawful procedure as guarded transitions. Each step checks the law before it changes
//! anything; a refused step says which rule and what is missing.
//!
//! Summary procedure (Art. 51–52, 68–69): DecideOnSpot → RecordPayment (if a fine) → Close.
//! Ordinary procedure (Art. 54–72), at most 12 steps: File (立案) → investigation (forms,
//! evidence) → PassLegalReview where required → Notify (事先告知) → CloseStatement, or
//! RequestHearing → HoldHearing → RecordCollectiveDecision where required → Decide → Serve →
//! RecordPayment (with Art. 72 late fees) → Close.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

mod steps;

use super::document::RecordEdit;
use super::model::{CaseFile, CaseStatus, PartyKind};
use crate::calendar::WorkingDays;
use crate::discretion::{statute, Outcome, SuggestionRequest};
use crate::texts;

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
    /// The step does not follow from where the case stands. `missing`: where it stands, then
    /// where it would have to stand (the officer's words).
    WrongStatus,
    /// The step belongs to the other procedure (summary or ordinary). `missing`: this case's.
    WrongProcedure,
    /// The case has its number already. `missing`: that number.
    AlreadyNumbered,
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

impl Refusal {
    /// What to tell an officer: the rule, and what is missing.
    pub fn message_zh(&self) -> String {
        let refusal = self;
        use texts::cases::refusal as text;
        use RefusalKind::*;
        let missing = texts::list(&refusal.missing);
        let reason = match refusal.kind {
            WrongStatus => match refusal.missing.split_first() {
                Some((current, allowed)) => text::wrong_status(current, allowed),
                None => text::wrong_status("", &[]),
            },
            WrongProcedure => text::wrong_procedure(&missing),
            AlreadyNumbered => text::already_numbered(&missing),
            UnresolvedConflicts => text::unresolved_conflicts(&missing),
            TwoOfficersRequired => text::two_officers_required(&missing),
            NoParty => text::NO_PARTY.into(),
            NoPenaltyChosen => text::NO_PENALTY_CHOSEN.into(),
            SummaryNotAllowed => text::summary_not_allowed(
                statute::SUMMARY_LIMIT_CITIZEN,
                statute::SUMMARY_LIMIT_ORGANISATION,
                &missing,
            ),
            LimitationExpired => text::limitation_expired(&missing),
            NotEnoughEvidence => text::NOT_ENOUGH_EVIDENCE.into(),
            NoHearingRight => text::NO_HEARING_RIGHT.into(),
            HearingRequestLate => {
                text::hearing_request_late(HEARING_REQUEST_WORKING_DAYS, &missing)
            }
            HearingNoticeTooShort => {
                text::hearing_notice_too_short(HEARING_NOTICE_WORKING_DAYS, &missing)
            }
            HearingPending => text::HEARING_PENDING.into(),
            StatementPeriodOpen => text::statement_period_open(&missing),
            LegalReviewRequired => text::LEGAL_REVIEW_REQUIRED.into(),
            CollectiveDecisionRequired => text::COLLECTIVE_DECISION_REQUIRED.into(),
            HeavierAfterDefence => text::heavier_after_defence(&missing),
            Underpaid => text::underpaid(&missing),
            NothingToClose => text::NOTHING_TO_CLOSE.into(),
        };
        if refusal.article.is_empty() {
            reason
        } else {
            texts::cases::refused(statute::LAW, &refusal.article, &reason)
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} ({})", self.kind, self.article)
    }
}

/// The engine's request for the case as it stands, decided `today` (never before the act).
/// The party's kind is a fact the baselines read (`party_type`).
pub fn suggestion_request(case: &CaseFile, today: NaiveDate) -> SuggestionRequest {
    let mut facts = case.facts.clone();
    if let Some(party) = case.parties.first() {
        let party_type = match party.kind {
            PartyKind::Person => "citizen",
            PartyKind::Organisation => "organisation",
        };
        facts.set("party_type", party_type);
    }
    SuggestionRequest {
        violation: case.violation.clone(),
        place_division: case.place_division.clone(),
        act_date: case.act_date,
        act_ended: None,
        discovered_on: case.discovered_on,
        decision_date: today.max(case.act_date),
        facts,
    }
}

/// Art. 40: a penalty is chosen only once the facts establish the lawful outcome.
pub fn require_outcome(outcome: Option<Outcome>) -> Result<Outcome, Refusal> {
    outcome.ok_or_else(|| {
        refuse(
            RefusalKind::NoPenaltyChosen,
            "第四十条",
            vec![texts::cases::lacking::FACTS.into()],
        )
    })
}

/// A case keeps the number (案号) it was given; a second one is refused, naming the first.
pub fn check_unnumbered(case: &CaseFile) -> Result<(), Refusal> {
    match &case.number {
        Some(existing) => Err(refuse(
            RefusalKind::AlreadyNumbered,
            "",
            vec![existing.clone()],
        )),
        None => Ok(()),
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
) -> Result<Vec<RecordEdit>, Refusal> {
    if !case.conflicts.is_empty() {
        let fields = case.conflicts.iter().map(|c| c.field.clone()).collect();
        return Err(refuse(
            RefusalKind::UnresolvedConflicts,
            "第四十七条",
            fields,
        ));
    }
    let check = steps::Check {
        case,
        step,
        context,
    };
    match step {
        Step::DecideOnSpot => check.decide_on_spot(),
        Step::File => check.file(),
        Step::PassLegalReview => check.pass_legal_review(),
        Step::RecordCollectiveDecision => check.record_collective_decision(),
        Step::Notify => check.notify(),
        Step::CloseStatement => check.close_statement(),
        Step::RequestHearing => check.request_hearing(),
        Step::HoldHearing => check.hold_hearing(),
        Step::Decide => check.decide(),
        Step::Serve => check.serve(),
        Step::RecordPayment { amount } => check.record_payment(*amount),
        Step::Close => check.close(),
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
