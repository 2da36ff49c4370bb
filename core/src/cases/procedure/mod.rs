//! The lawful procedure as guarded transitions. Each step checks the law before it changes
//! anything; a refused step says which rule and what is missing.
//!
//! Summary procedure (Art. 51–52, 68–69): DecideOnSpot → RecordPayment (if a fine) → Close.
//! Ordinary procedure (Art. 54–72), at most 12 steps: File (立案) → investigation (forms,
//! evidence) → PassLegalReview where required → Notify (事先告知) → CloseStatement, or
//! RequestHearing → HoldHearing → RecordCollectiveDecision where required → Decide → Serve →
//! RecordPayment (with Art. 72 late fees) → Close; ExtendDecisionPeriod before the Art. 60
//! period runs out.
//!
//! Every step is taken by the device's credentialed officer (verified by the device layer),
//! who must act in the case (Art. 42); approvals name a person holding that role in the
//! acting officer's body in the catalogue.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

mod decision;
mod steps;

use super::document::RecordEdit;
use super::model::{CaseFile, CaseStatus, PartyKind, ServiceMethod};
use crate::calendar::WorkingDays;
use crate::discretion::{statute, Outcome, SuggestionRequest};
use crate::registry::Officer;
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

/// A procedure step. Approvers are named by credential number and must hold the role in
/// the catalogue, in the acting officer's body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Step {
    DecideOnSpot,
    /// 立案, approved by a person holding `FilingApproval`.
    File {
        approver: String,
    },
    /// Art. 58, by a person holding `LegalReview`.
    PassLegalReview {
        reviewer: String,
    },
    Notify,
    /// The party stated and defended, or waived it.
    CloseStatement,
    RequestHearing,
    HoldHearing,
    /// Art. 57 ¶2, chaired by a person holding `CollectiveDecision`.
    RecordCollectiveDecision {
        chair: String,
    },
    /// Art. 60: the decision period extended to `until`, approved by a person holding
    /// `ExtensionApproval`, for `reason`.
    ExtendDecisionPeriod {
        approver: String,
        until: NaiveDate,
        reason: String,
    },
    Decide,
    /// Art. 61: how, when and to whom the decision was served.
    Serve {
        service: Service,
    },
    RecordPayment {
        amount: i64,
    },
    Close,
}

/// What the officer records of a service (the serving officer is the acting one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Service {
    pub method: ServiceMethod,
    /// The day the party received it; for post, the day on the return receipt.
    pub served_on: NaiveDate,
    pub recipient: String,
    /// The witness of a lodged service, the entrusted agency, why a public notice.
    pub note: String,
}

impl Step {
    pub fn name(&self) -> &'static str {
        match self {
            Step::DecideOnSpot => "decide_on_spot",
            Step::File { .. } => "file",
            Step::PassLegalReview { .. } => "pass_legal_review",
            Step::Notify => "notify",
            Step::CloseStatement => "close_statement",
            Step::RequestHearing => "request_hearing",
            Step::HoldHearing => "hold_hearing",
            Step::RecordCollectiveDecision { .. } => "record_collective_decision",
            Step::ExtendDecisionPeriod { .. } => "extend_decision_period",
            Step::Decide => "decide",
            Step::Serve { .. } => "serve",
            Step::RecordPayment { .. } => "record_payment",
            Step::Close => "close",
        }
    }

    /// The person the step names as approver, by credential number.
    pub fn approver(&self) -> Option<&str> {
        match self {
            Step::File { approver }
            | Step::PassLegalReview { reviewer: approver }
            | Step::RecordCollectiveDecision { chair: approver }
            | Step::ExtendDecisionPeriod { approver, .. } => Some(approver),
            _ => None,
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
    /// Art. 45: the decision adds a kind or an amount to the notice. `missing`: the
    /// notified penalty, the decided one.
    HeavierAfterDefence,
    /// Art. 44: facts changed after the notice change the outcome: notify again.
    FactsChangedAfterNotice,
    /// Art. 64: the decided penalty gives a hearing right the notice did not offer.
    HearingNotOffered,
    /// Art. 37: the choice is outside the frame on the decision date. `missing`: why.
    ChoiceNoLongerLawful,
    Underpaid,
    NothingToClose,
    /// The device holds no valid duty credential (Art. 42, 55).
    NoDutyCredential,
    /// The credentialed officer does not act in this case. `missing`: their number.
    NotACaseOfficer,
    /// The approver is not in the catalogue or lacks the role. `missing`: who, the role.
    ApproverLacksRole,
    /// The approver belongs to another body. `missing`: who.
    ApproverOfOtherBody,
    /// Art. 60: the period ran out. `missing`: its days, its last day.
    DecisionPeriodExpired,
    /// Art. 60: an extension after the period ran out. `missing`: its last day.
    ExtensionTooLate,
    /// Art. 60: an extension no later than the period. `missing`: its last day.
    ExtensionNotLater,
    /// A particular the record needs is empty. `missing`: which.
    MissingParticulars,
    /// Art. 61: electronic service without the party's signed consent.
    NoServiceConsent,
    /// Art. 61: served before the decision or in the future. `missing`: decided, today.
    ServiceDateInvalid,
    /// Art. 61: handed over on the spot on another day than the decision.
    ServiceNotOnTheSpot,
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
            NoPenaltyChosen if refusal.missing.is_empty() => text::NO_PENALTY_CHOSEN.into(),
            NoPenaltyChosen => text::nothing_chosen(&missing),
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
            HeavierAfterDefence => {
                text::heavier_than_notice(nth(&refusal.missing, 0), nth(&refusal.missing, 1))
            }
            FactsChangedAfterNotice => text::FACTS_CHANGED_AFTER_NOTICE.into(),
            HearingNotOffered => text::HEARING_NOT_OFFERED.into(),
            ChoiceNoLongerLawful => text::choice_no_longer_lawful(&missing),
            Underpaid => text::underpaid(&missing),
            NothingToClose => text::nothing_to_close(&missing),
            NoDutyCredential => text::NO_DUTY_CREDENTIAL.into(),
            NotACaseOfficer => text::not_a_case_officer(&missing),
            ApproverLacksRole => {
                let (who, role) = (nth(&refusal.missing, 0), nth(&refusal.missing, 1));
                text::lacks_role(who, role)
            }
            ApproverOfOtherBody => text::other_body(&missing),
            DecisionPeriodExpired => {
                let days = nth(&refusal.missing, 0).parse().unwrap_or(DECISION_DAYS);
                text::decision_period_expired(days, nth(&refusal.missing, 1))
            }
            ExtensionTooLate => text::extension_too_late(&missing),
            ExtensionNotLater => text::extension_not_later(&missing),
            MissingParticulars => text::missing_particulars(&missing),
            NoServiceConsent => text::NO_SERVICE_CONSENT.into(),
            ServiceDateInvalid => {
                text::service_date(nth(&refusal.missing, 0), nth(&refusal.missing, 1))
            }
            ServiceNotOnTheSpot => text::ON_THE_SPOT_SAME_DAY.into(),
        };
        texts::cases::refused(statute::LAW, &refusal.article, &reason)
    }
}

fn nth(items: &[String], index: usize) -> &str {
    items.get(index).map(String::as_str).unwrap_or_default()
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
            NUMBER_ARTICLE,
            vec![existing.clone()],
        )),
        None => Ok(()),
    }
}

/// One case, one number on every record of it: the whole-process record of Art. 47.
const NUMBER_ARTICLE: &str = "第四十七条";

/// Art. 42, 55: only a credentialed officer acts; the device holds no valid credential.
pub fn no_duty_credential() -> Refusal {
    refuse(RefusalKind::NoDutyCredential, "第四十二条", vec![])
}

/// The last day of the decision period: `decision_days` (Art. 60, or the sector's own) from
/// filing, or the latest approved extension.
pub fn decision_deadline(case: &CaseFile, decision_days: i64) -> Option<NaiveDate> {
    let filed = case.procedure.filed_on?;
    let period = filed + Duration::days(decision_days);
    Some(
        case.extensions
            .iter()
            .map(|e| e.until)
            .fold(period, NaiveDate::max),
    )
}

/// Art. 61: the last day to serve an absent party.
pub fn service_deadline(decided_on: NaiveDate, days: &WorkingDays) -> NaiveDate {
    days.add(decided_on, SERVICE_WORKING_DAYS)
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
    /// The outcome on the same day for the facts the notice stated, when they differ from
    /// the case's now (Art. 44: did the change change the outcome?).
    pub notified_outcome: Option<&'a Outcome>,
    /// The device's credentialed officer, verified, as the catalogue lists them.
    pub acting: &'a Officer,
    /// The catalogue's record of the person the step names as approver, if listed.
    pub approver: Option<&'a Officer>,
    /// Days from filing to decision: Art. 60's 90, or the sector's own.
    pub decision_days: i64,
    pub now: String,
}

/// Checks `step` against the law and returns the edits that carry it out.
pub fn plan(
    case: &CaseFile,
    step: &Step,
    context: &StepContext<'_>,
) -> Result<Vec<RecordEdit>, Refusal> {
    if !case.conflicts.is_empty() {
        let fields = case.conflicts.iter().map(|c| c.label.clone()).collect();
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
    check.acting_in_case()?;
    match step {
        Step::DecideOnSpot => check.decide_on_spot(),
        Step::File { .. } => check.file(),
        Step::PassLegalReview { .. } => check.pass_legal_review(),
        Step::RecordCollectiveDecision { .. } => check.record_collective_decision(),
        Step::ExtendDecisionPeriod { until, reason, .. } => check.extend(*until, reason),
        Step::Notify => check.notify(),
        Step::CloseStatement => check.close_statement(),
        Step::RequestHearing => check.request_hearing(),
        Step::HoldHearing => check.hold_hearing(),
        Step::Decide => check.decide(),
        Step::Serve { service } => check.serve(service),
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
    /// decision (Art. 60), hearing_request (Art. 64), service (Art. 61), payment (Art. 67).
    pub what: String,
    /// The same, as the officer reads it.
    pub label: String,
    pub due: NaiveDate,
    /// Passed and not kept; a service made late stays overdue, so it stays visible.
    pub overdue: bool,
    /// Within the warning period before `due`.
    pub warning: bool,
    /// The holiday calendar of that year is unknown: weekends only were skipped.
    pub provisional: bool,
}

/// The deadlines that apply to the case now; `decision_days` is Art. 60's period or the
/// sector's own.
pub fn deadlines(
    case: &CaseFile,
    days: &WorkingDays,
    today: NaiveDate,
    decision_days: i64,
) -> Vec<Deadline> {
    use texts::cases::deadline as label;
    let mut out = Vec::new();
    let mut push = |what: &str, text: &str, due: NaiveDate, warn_days: i64, provisional: bool| {
        out.push(Deadline {
            what: what.into(),
            label: text.into(),
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
    if let (Some(due), true) = (decision_deadline(case, decision_days), open) {
        push(
            "decision",
            label::DECISION,
            due,
            DECISION_WARNING_DAYS,
            false,
        );
    }
    if let (Some(notified), CaseStatus::Notified) = (case.procedure.notified_on, case.status) {
        let due = days.add(notified, HEARING_REQUEST_WORKING_DAYS);
        push(
            "hearing_request",
            label::HEARING_REQUEST,
            due,
            2,
            !days.knows(due),
        );
    }
    if let (Some(decision), super::CaseKind::Ordinary) = (&case.decision, case.kind) {
        let due = service_deadline(decision.decided_on, days);
        let served_late = case.services.iter().any(|s| s.late);
        if case.status == CaseStatus::Decided || served_late {
            push("service", label::SERVICE, due, 2, !days.knows(due));
        }
    }
    if case.decision.as_ref().is_some_and(|d| d.fine > 0) && case.procedure.paid_on.is_none() {
        if let Some(served) = case.procedure.served_on {
            let due = served + Duration::days(PAYMENT_DAYS);
            push("payment", label::PAYMENT, due, 3, false);
        }
    }
    out
}
