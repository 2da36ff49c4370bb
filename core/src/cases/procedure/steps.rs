//! The check of each procedure step: where the case must stand, what the law requires of it
//! then, and the edits that carry the step out. One method a step; `plan` dispatches.

use chrono::{Months, NaiveDate};

use super::{
    amount_due, decision, decision_deadline, refuse, service_deadline, Refusal, RefusalKind,
    Service, Step, StepContext, HEARING_NOTICE_WORKING_DAYS, HEARING_REQUEST_WORKING_DAYS,
};
use crate::cases::document::{DateField, RecordEdit};
use crate::cases::model::{
    Approval, CaseFile, CaseKind, CaseStatus, Decision, Extension, ServiceMethod, ServiceRecord,
};
use crate::discretion::{Outcome, ProcedureRoute};
use crate::registry::{Officer, OfficerRole};
use crate::texts::cases::{date_zh, lacking};

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

    /// Art. 42: the device's credentialed officer acts in this case and has not withdrawn.
    pub(super) fn acting_in_case(&self) -> Result<(), Refusal> {
        let acting = &self.context.acting.credential_no;
        let in_case = self
            .case
            .officers
            .iter()
            .any(|o| &o.credential_no == acting && o.verified && !o.withdrawn);
        if in_case {
            Ok(())
        } else {
            Err(refuse(
                RefusalKind::NotACaseOfficer,
                "第四十二条",
                vec![acting.clone()],
            ))
        }
    }

    /// The person the step names holds `role` in the acting officer's body (the case's
    /// agency) by the catalogue.
    fn approved_by(&self, role: OfficerRole, article: &str) -> Result<&Officer, Refusal> {
        let named = self.step.approver().unwrap_or_default();
        let lacks = |who: String| {
            refuse(
                RefusalKind::ApproverLacksRole,
                article,
                vec![who, role.name_zh().into()],
            )
        };
        let person = self
            .context
            .approver
            .filter(|p| p.credential_no == named)
            .ok_or_else(|| lacks(named.to_owned()))?;
        let who = format!("{}（{}）", person.name, person.credential_no);
        if !person.roles.contains(&role) {
            return Err(lacks(who));
        }
        if person.body_id != self.context.acting.body_id {
            return Err(refuse(RefusalKind::ApproverOfOtherBody, article, vec![who]));
        }
        Ok(person)
    }

    fn approval(&self, role: OfficerRole, person: &Officer) -> RecordEdit {
        RecordEdit::AddApproval(Approval {
            role,
            credential_no: person.credential_no.clone(),
            name: person.name.clone(),
            approved_on: self.today(),
            recorded_by: self.context.acting.credential_no.clone(),
        })
    }

    /// A particular the record cannot do without.
    fn given(&self, value: &str, what: &str, article: &str) -> Result<(), Refusal> {
        if value.trim().is_empty() {
            Err(refuse(
                RefusalKind::MissingParticulars,
                article,
                vec![what.into()],
            ))
        } else {
            Ok(())
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
            by: self.context.acting.credential_no.clone(),
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
        let chosen = decision::chosen(case, outcome, "第五十一条")?;
        decision::still_lawful(outcome, &chosen)?;
        let handed = ServiceRecord {
            method: ServiceMethod::OnTheSpot,
            served_on: self.today(),
            recipient: case.parties[0].name.clone(),
            served_by: self.context.acting.credential_no.clone(),
            served_by_name: self.context.acting.name.clone(),
            recorded_at: self.context.now.clone(),
            late: false,
            note: String::new(),
        };
        Ok(vec![
            RecordEdit::SetDecision(Decision::of_choice(&chosen, self.today())),
            self.dated(DateField::Served),
            RecordEdit::AddService(handed),
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
                vec![date_zh(limit)],
            ));
        }
        let approver = self.approved_by(OfficerRole::FilingApproval, "第五十四条")?;
        Ok(vec![
            self.dated(DateField::Filed),
            self.approval(OfficerRole::FilingApproval, approver),
            self.transition(Filed),
        ])
    }

    /// Art. 58: the legal review by the body's reviewer, once filed and before the decision.
    pub(super) fn pass_legal_review(&self) -> Edits {
        self.status_is(
            &[Filed, Notified, HearingRequested, HearingHeld],
            "第五十八条",
        )?;
        let reviewer = self.approved_by(OfficerRole::LegalReview, "第五十八条")?;
        Ok(vec![
            self.dated(DateField::LegalReviewPassed),
            self.approval(OfficerRole::LegalReview, reviewer),
        ])
    }

    /// Art. 57: the collective decision of the agency's heads.
    pub(super) fn record_collective_decision(&self) -> Edits {
        self.status_is(&[Filed, Notified, HearingHeld], "第五十七条")?;
        let chair = self.approved_by(OfficerRole::CollectiveDecision, "第五十七条")?;
        Ok(vec![
            self.dated(DateField::CollectiveDecided),
            self.approval(OfficerRole::CollectiveDecision, chair),
        ])
    }

    /// Art. 60: the decision period extended, approved while it still runs, to a later day.
    pub(super) fn extend(&self, until: NaiveDate, reason: &str) -> Edits {
        self.procedure_is(CaseKind::Ordinary, "第六十条")?;
        self.status_is(
            &[Filed, Notified, HearingRequested, HearingHeld],
            "第六十条",
        )?;
        let approver = self.approved_by(OfficerRole::ExtensionApproval, "第六十条")?;
        self.given(reason, lacking::EXTENSION_REASON, "第六十条")?;
        let deadline = decision_deadline(self.case, self.context.decision_days)
            .unwrap_or_else(|| self.today());
        if self.today() > deadline {
            return Err(refuse(
                RefusalKind::ExtensionTooLate,
                "第六十条",
                vec![date_zh(deadline)],
            ));
        }
        if until <= deadline {
            return Err(refuse(
                RefusalKind::ExtensionNotLater,
                "第六十条",
                vec![date_zh(deadline)],
            ));
        }
        Ok(vec![RecordEdit::AddExtension(Extension {
            approved_by: approver.credential_no.clone(),
            approver_name: approver.name.clone(),
            approved_on: self.today(),
            until,
            reason: reason.trim().to_owned(),
            recorded_by: self.context.acting.credential_no.clone(),
        })])
    }

    /// Art. 60: no decision after the period (or its approved extension).
    fn within_decision_period(&self) -> Result<(), Refusal> {
        let days = self.context.decision_days;
        match decision_deadline(self.case, days) {
            Some(deadline) if self.today() > deadline => Err(refuse(
                RefusalKind::DecisionPeriodExpired,
                "第六十条",
                vec![days.to_string(), date_zh(deadline)],
            )),
            _ => Ok(()),
        }
    }

    /// Art. 44: the notice of the intended penalty, only with an outcome and evidence.
    pub(super) fn notify(&self) -> Edits {
        let case = self.case;
        // A new notice replaces the last one (a changed choice or changed facts) until the
        // decision.
        self.status_is(&[Filed, Notified, HearingHeld], "第四十四条")?;
        self.two_officers()?;
        let outcome = self.outcome(
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
        let chosen = decision::chosen(case, outcome, "第四十四条")?;
        decision::still_lawful(outcome, &chosen)?;
        Ok(vec![
            self.dated(DateField::Notified),
            RecordEdit::SetNotifiedFine(chosen.fine.unwrap_or(0)),
            RecordEdit::SetNotice(decision::notice(case, outcome, chosen)),
            self.transition(Notified),
        ])
    }

    /// Art. 45: the party stated and defended, or waived it.
    pub(super) fn close_statement(&self) -> Edits {
        self.status_is(&[Notified, HearingHeld], "第四十五条")?;
        let mut edits = vec![self.dated(DateField::StatementClosed)];
        // Kept with the notice, so that a later notice opens its own period.
        if let Some(notice) = &self.case.procedure.notice {
            let closed = crate::cases::model::Notice {
                statement_closed: true,
                ..notice.clone()
            };
            edits.push(RecordEdit::SetNotice(closed));
        }
        Ok(edits)
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
                vec![date_zh(last)],
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
                vec![date_zh(earliest)],
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
        self.within_decision_period()?;
        let outcome = self.outcome(RefusalKind::NoPenaltyChosen, "第五十七条", &[])?;
        self.statement_period_over()?;
        let chosen = decision::chosen(case, outcome, "第五十七条")?;
        decision::as_notified(case, self.context, outcome, &chosen)?;
        decision::still_lawful(outcome, &chosen)?;
        let routed = outcome.route(&chosen);
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
        Ok(vec![
            RecordEdit::SetDecision(Decision::of_choice(&chosen, self.today())),
            self.transition(Decided),
        ])
    }

    /// Art. 45: no decision while the party may still state and defend.
    fn statement_period_over(&self) -> Result<(), Refusal> {
        let case = self.case;
        let today = self.today();
        let notified = case.procedure.notified_on.unwrap_or(today);
        // A statement closed under an earlier notice does not close a later one's period.
        let closed = match &case.procedure.notice {
            Some(notice) => notice.statement_closed,
            None => case.procedure.statement_closed_on.is_some(),
        };
        if case.status != Notified || closed {
            return Ok(());
        }
        let open_until = self
            .context
            .days
            .add(notified, HEARING_REQUEST_WORKING_DAYS);
        if today <= open_until {
            return Err(refuse(
                RefusalKind::StatementPeriodOpen,
                "第四十五条",
                vec![date_zh(open_until)],
            ));
        }
        Ok(())
    }

    /// Art. 61: an ordinary decision is served, by a way the Civil Procedure Law allows,
    /// electronically only with the party's signed consent; late service is recorded as such.
    pub(super) fn serve(&self, service: &Service) -> Edits {
        const ARTICLE: &str = "第六十一条";
        let case = self.case;
        self.procedure_is(CaseKind::Ordinary, ARTICLE)?;
        self.status_is(&[Decided], ARTICLE)?;
        self.given(&service.recipient, lacking::RECIPIENT, ARTICLE)?;
        let decided = case
            .decision
            .as_ref()
            .map_or(self.today(), |d| d.decided_on);
        let on = service.served_on;
        if on < decided || on > self.today() {
            return Err(refuse(
                RefusalKind::ServiceDateInvalid,
                ARTICLE,
                vec![date_zh(decided), date_zh(self.today())],
            ));
        }
        match service.method {
            ServiceMethod::OnTheSpot if on != decided => {
                return Err(refuse(RefusalKind::ServiceNotOnTheSpot, ARTICLE, vec![]));
            }
            ServiceMethod::Electronic if case.service_consents.is_empty() => {
                return Err(refuse(
                    RefusalKind::NoServiceConsent,
                    ARTICLE,
                    vec![lacking::SERVICE_CONSENT.into()],
                ));
            }
            ServiceMethod::Lodged | ServiceMethod::Entrusted | ServiceMethod::PublicNotice => {
                self.given(&service.note, lacking::SERVICE_NOTE, ARTICLE)?;
            }
            _ => {}
        }
        let record = ServiceRecord {
            method: service.method,
            served_on: on,
            recipient: service.recipient.trim().to_owned(),
            served_by: self.context.acting.credential_no.clone(),
            served_by_name: self.context.acting.name.clone(),
            recorded_at: self.context.now.clone(),
            late: on > service_deadline(decided, self.context.days),
            note: service.note.trim().to_owned(),
        };
        Ok(vec![
            RecordEdit::SetDate {
                field: DateField::Served,
                date: on,
            },
            RecordEdit::AddService(record),
            self.transition(Served),
        ])
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
