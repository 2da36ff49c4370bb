//! The check of each procedure step: where the case must stand, what the law requires of it
//! then, and the edits that carry the step out. One method a step; `plan` dispatches.

use chrono::{Months, NaiveDate};

use super::{
    amount_due, refuse, Refusal, RefusalKind, Step, StepContext, HEARING_NOTICE_WORKING_DAYS,
    HEARING_REQUEST_WORKING_DAYS,
};
use crate::cases::document::{DateField, RecordEdit};
use crate::cases::model::{CaseFile, CaseKind, CaseStatus, Decision};
use crate::discretion::{Disposition, Outcome, ProcedureRoute};
use crate::texts::cases::lacking;

use CaseStatus::*;

type Edits = Result<Vec<RecordEdit>, Refusal>;

pub(super) struct Check<'a> {
    pub(super) case: &'a CaseFile,
    pub(super) step: &'a Step,
    pub(super) context: &'a StepContext<'a>,
}

impl Check<'_> {
    fn today(&self) -> NaiveDate {
        self.context.today
    }

    /// The step is taken only where the case stands at one of `allowed`; `article` is the
    /// one that orders the procedure at this step.
    fn status_is(&self, allowed: &[CaseStatus], article: &str) -> Result<(), Refusal> {
        if allowed.contains(&self.case.status) {
            return Ok(());
        }
        let mut stands = vec![self.case.status.name_zh().to_owned()];
        stands.extend(allowed.iter().map(|s| s.name_zh().to_owned()));
        Err(refuse(RefusalKind::WrongStatus, article, stands))
    }

    /// The step belongs to `kind`'s procedure.
    fn procedure_is(&self, kind: CaseKind, article: &str) -> Result<(), Refusal> {
        if self.case.kind == kind {
            Ok(())
        } else {
            let this = self.case.kind.name_zh().to_owned();
            Err(refuse(RefusalKind::WrongProcedure, article, vec![this]))
        }
    }

    /// Art. 42: two officers holding credentials act in every case.
    fn two_officers(&self) -> Result<(), Refusal> {
        let acting = self.case.acting_officers();
        if acting >= 2 {
            Ok(())
        } else {
            Err(refuse(
                RefusalKind::TwoOfficersRequired,
                "第四十二条",
                vec![format!("{acting}")],
            ))
        }
    }

    fn has_party(&self, article: &str) -> Result<(), Refusal> {
        if self.case.parties.is_empty() {
            Err(refuse(
                RefusalKind::NoParty,
                article,
                vec![lacking::PARTY.into()],
            ))
        } else {
            Ok(())
        }
    }

    fn outcome(
        &self,
        kind: RefusalKind,
        article: &str,
        missing: &[&str],
    ) -> Result<&Outcome, Refusal> {
        self.context
            .outcome
            .ok_or_else(|| refuse(kind, article, missing.iter().map(|m| (*m).into()).collect()))
    }

    fn route(&self, outcome: &Outcome) -> ProcedureRoute {
        outcome.route(&self.case.chosen_penalty_for(outcome))
    }

    fn transition(&self, status: CaseStatus) -> RecordEdit {
        RecordEdit::Transition {
            status,
            step: self.step.name().into(),
            at: self.context.now.clone(),
            by: self.context.by.into(),
        }
    }

    fn dated(&self, field: DateField) -> RecordEdit {
        RecordEdit::SetDate {
            field,
            date: self.today(),
        }
    }

    /// Art. 51–52: a summary decision on the spot, within the summary limits.
    pub(super) fn decide_on_spot(&self) -> Edits {
        let case = self.case;
        self.procedure_is(CaseKind::Summary, "第五十一条")?;
        self.status_is(&[Draft], "第五十一条")?;
        self.two_officers()?;
        self.has_party("第五十二条")?;
        let outcome = self.outcome(
            RefusalKind::NoPenaltyChosen,
            "第五十一条",
            &[lacking::SUGGESTION],
        )?;
        if !self.route(outcome).summary_allowed {
            let limit = crate::discretion::statute::summary_limit(case.citizen_party());
            return Err(refuse(
                RefusalKind::SummaryNotAllowed,
                "第五十一条",
                vec![format!("≤{limit}")],
            ));
        }
        Ok(vec![
            RecordEdit::SetDecision(decision(case, outcome, self.today())),
            self.dated(DateField::Served),
            self.transition(Decided),
        ])
    }

    /// Art. 54 and 36: an ordinary case is filed within the limitation period.
    pub(super) fn file(&self) -> Edits {
        let case = self.case;
        self.procedure_is(CaseKind::Ordinary, "第五十四条")?;
        self.status_is(&[Draft], "第五十四条")?;
        self.two_officers()?;
        self.has_party("第五十四条")?;
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
        Ok(vec![self.dated(DateField::Filed), self.transition(Filed)])
    }

    /// Art. 58: the legal review, once filed and before the decision.
    pub(super) fn pass_legal_review(&self) -> Edits {
        self.status_is(
            &[Filed, Notified, HearingRequested, HearingHeld],
            "第五十八条",
        )?;
        Ok(vec![self.dated(DateField::LegalReviewPassed)])
    }

    /// Art. 57: the collective decision of the agency's heads.
    pub(super) fn record_collective_decision(&self) -> Edits {
        self.status_is(&[Filed, Notified, HearingHeld], "第五十七条")?;
        Ok(vec![self.dated(DateField::CollectiveDecided)])
    }

    /// Art. 44: the notice of the intended penalty, only with an outcome and evidence.
    pub(super) fn notify(&self) -> Edits {
        let case = self.case;
        self.status_is(&[Filed], "第四十四条")?;
        self.two_officers()?;
        self.outcome(
            RefusalKind::NoPenaltyChosen,
            "第四十四条",
            &[lacking::SUGGESTION],
        )?;
        if case.evidence.is_empty()
            && case.onsite.findings.trim().is_empty()
            && case.inquiries.is_empty()
        {
            return Err(refuse(
                RefusalKind::NotEnoughEvidence,
                "第四十条",
                vec![lacking::EVIDENCE.into()],
            ));
        }
        Ok(vec![
            self.dated(DateField::Notified),
            RecordEdit::SetNotifiedFine(case.chosen_fine.unwrap_or(0)),
            self.transition(Notified),
        ])
    }

    /// Art. 45: the party stated and defended, or waived it.
    pub(super) fn close_statement(&self) -> Edits {
        self.status_is(&[Notified, HearingHeld], "第四十五条")?;
        Ok(vec![self.dated(DateField::StatementClosed)])
    }

    /// Art. 63–64: a hearing, where the outcome gives the right, asked for in time.
    pub(super) fn request_hearing(&self) -> Edits {
        self.status_is(&[Notified], "第六十四条")?;
        let outcome = self.outcome(RefusalKind::NoHearingRight, "第六十三条", &[])?;
        if !self.route(outcome).hearing_right {
            return Err(refuse(RefusalKind::NoHearingRight, "第六十三条", vec![]));
        }
        let today = self.today();
        let notified = self.case.procedure.notified_on.unwrap_or(today);
        let last = self
            .context
            .days
            .add(notified, HEARING_REQUEST_WORKING_DAYS);
        if today > last {
            return Err(refuse(
                RefusalKind::HearingRequestLate,
                "第六十四条",
                vec![last.to_string()],
            ));
        }
        Ok(vec![
            self.dated(DateField::HearingRequested),
            self.transition(HearingRequested),
        ])
    }

    /// Art. 64: the hearing, no sooner than seven working days after the request.
    pub(super) fn hold_hearing(&self) -> Edits {
        self.status_is(&[HearingRequested], "第六十四条")?;
        let today = self.today();
        let requested = self.case.procedure.hearing_requested_on.unwrap_or(today);
        let earliest = self
            .context
            .days
            .add(requested, HEARING_NOTICE_WORKING_DAYS);
        if today < earliest {
            return Err(refuse(
                RefusalKind::HearingNoticeTooShort,
                "第六十四条",
                vec![earliest.to_string()],
            ));
        }
        Ok(vec![
            self.dated(DateField::HearingHeld),
            self.transition(HearingHeld),
        ])
    }

    /// Art. 57–58, 45, 65: the decision, after the statement period, with the legal review
    /// and collective decision where required, never heavier than the notice.
    pub(super) fn decide(&self) -> Edits {
        let case = self.case;
        if case.status == HearingRequested {
            return Err(refuse(RefusalKind::HearingPending, "第六十五条", vec![]));
        }
        self.status_is(&[Notified, HearingHeld], "第五十七条")?;
        self.two_officers()?;
        let outcome = self.outcome(RefusalKind::NoPenaltyChosen, "第五十七条", &[])?;
        self.statement_period_over()?;
        let routed = self.route(outcome);
        if routed.legal_review && case.procedure.legal_review_passed_on.is_none() {
            return Err(refuse(
                RefusalKind::LegalReviewRequired,
                "第五十八条",
                vec![lacking::LEGAL_REVIEW.into()],
            ));
        }
        if routed.collective_decision && case.procedure.collective_decided_on.is_none() {
            return Err(refuse(
                RefusalKind::CollectiveDecisionRequired,
                "第五十七条",
                vec![lacking::COLLECTIVE_DECISION.into()],
            ));
        }
        if let (Some(notified), Some(chosen)) = (case.procedure.notified_fine, case.chosen_fine) {
            if chosen > notified {
                return Err(refuse(
                    RefusalKind::HeavierAfterDefence,
                    "第四十五条",
                    vec![notified.to_string()],
                ));
            }
        }
        Ok(vec![
            RecordEdit::SetDecision(decision(case, outcome, self.today())),
            self.transition(Decided),
        ])
    }

    /// Art. 45: no decision while the party may still state and defend.
    fn statement_period_over(&self) -> Result<(), Refusal> {
        let case = self.case;
        if case.status != Notified || case.procedure.statement_closed_on.is_some() {
            return Ok(());
        }
        let today = self.today();
        let notified = case.procedure.notified_on.unwrap_or(today);
        let open_until = self
            .context
            .days
            .add(notified, HEARING_REQUEST_WORKING_DAYS);
        if today <= open_until {
            return Err(refuse(
                RefusalKind::StatementPeriodOpen,
                "第四十五条",
                vec![open_until.to_string()],
            ));
        }
        Ok(())
    }

    /// Art. 61: an ordinary decision is served.
    pub(super) fn serve(&self) -> Edits {
        self.procedure_is(CaseKind::Ordinary, "第六十一条")?;
        self.status_is(&[Decided], "第六十一条")?;
        Ok(vec![self.dated(DateField::Served), self.transition(Served)])
    }

    /// Art. 67, 72: payment of the fine with any late fee.
    pub(super) fn record_payment(&self, amount: i64) -> Edits {
        let payable = if self.case.kind == CaseKind::Summary {
            &[Decided][..]
        } else {
            &[Served][..]
        };
        self.status_is(payable, "第六十七条")?;
        let due = amount_due(self.case, self.today());
        if amount < due {
            return Err(refuse(
                RefusalKind::Underpaid,
                "第七十二条",
                vec![due.to_string()],
            ));
        }
        Ok(vec![
            self.dated(DateField::Paid),
            RecordEdit::SetPaidAmount(amount),
            self.transition(Executed),
        ])
    }

    /// Art. 66: a case closes once executed, or once decided with nothing to pay.
    pub(super) fn close(&self) -> Edits {
        let case = self.case;
        let nothing_to_pay = case
            .decision
            .as_ref()
            .is_some_and(|d| !d.penalty || d.fine == 0);
        let closable = case.status == Executed
            || (nothing_to_pay && case.status == Served && case.kind == CaseKind::Ordinary)
            || (nothing_to_pay && case.status == Decided && case.kind == CaseKind::Summary);
        if !closable {
            return Err(refuse(
                RefusalKind::NothingToClose,
                "第六十六条",
                vec![case.status.name_zh().into()],
            ));
        }
        Ok(vec![self.dated(DateField::Closed), self.transition(Closed)])
    }
}

fn decision(case: &CaseFile, outcome: &Outcome, today: NaiveDate) -> Decision {
    // A declined 首违不罚 (Art. 33 ¶1) is a penalty; a confirmed one is not.
    let penalty = matches!(
        outcome.disposition,
        Disposition::Penalty | Disposition::MayNotPunish
    ) && !case.chosen_penalty_for(outcome).is_no_penalty();
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
