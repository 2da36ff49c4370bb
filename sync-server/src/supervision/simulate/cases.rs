//! One generated case file: the facts of a profile, the engine's outcome for them, a fine
//! chosen the way the officer does (inside the band, or departing with a reason), and the
//! procedure's dates laid out so the periods are respected (or, for an injected flaw, not),
//! cut at the day the picture is taken.

use chrono::{Duration, NaiveDate};
use zhifa_core::cases::{
    Approval, CaseFile, CaseKind, CaseOfficer, CaseStatus, Decision, Extension, HistoryEntry,
    Notice, OnsiteRecord, Party, ProcedureDates, ServiceMethod, ServiceRecord,
};
use zhifa_core::discretion::{
    check_choice, ChosenPenalty, Disposition, Outcome, PenaltyKind, YuanRange,
};
use zhifa_core::registry::{Officer, OfficerRole};

use super::world::{Profile, Random, World};

/// How the officer sets the fine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FinePick {
    /// Near the middle of the band, as officers usually do.
    Typical,
    /// Outside the band (above it where the statute leaves room, else below), with a reason.
    Depart,
    /// At the band's bottom or top: same facts, different penalties.
    Lowest,
    Highest,
    /// A set amount (quota bodies: 2,000–2,500), kept inside the statute.
    Fixed(i64),
}

/// How the case runs in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timing {
    /// From the act, at the usual pace; summary when the law allows and the officer prefers.
    Natural { prefer_summary: bool },
    /// An ordinary case decided on that day.
    DecidedOn(NaiveDate),
    /// Filed this many days before the picture and still undecided.
    Open { filed_days_ago: i64, extended: bool },
}

/// What one case is made of.
pub struct CaseSpec<'a> {
    pub id: String,
    pub number: String,
    pub place: String,
    pub profile: Profile,
    pub party: Party,
    pub officers: [&'a Officer; 2],
    pub act_on: NaiveDate,
    pub fine: FinePick,
    pub timing: Timing,
    /// Decide without the legal review the route requires (an injected flaw).
    pub skip_legal_review: bool,
}

/// Builds the case, or `None` when the engine gives no penalty for the profile's facts.
pub fn build(
    world: &World,
    spec: &CaseSpec<'_>,
    as_of: NaiveDate,
    rng: &mut Random,
) -> Option<CaseFile> {
    let (outcome, facts) = world.outcome(&spec.profile, &spec.place)?;
    if outcome.disposition != Disposition::Penalty {
        return None;
    }
    let gains = spec.profile.gains;
    let (fine, reason) = pick_fine(&outcome, spec.fine, rng);
    let mut chosen = ChosenPenalty::suggested(&outcome, fine, Some(gains));
    chosen.reason = reason.clone();
    if chosen.kinds.contains(&PenaltyKind::ConfiscateProperty) {
        chosen.confiscated_property_value = world.property_value;
    }
    let route = check_choice(&outcome, &chosen).ok()?.route;
    // An unreviewed decision is a flaw only where the route required the review.
    if spec.skip_legal_review && (route.summary_allowed || !route.legal_review) {
        return None;
    }
    let summary = matches!(
        spec.timing,
        Timing::Natural {
            prefer_summary: true
        }
    ) && route.summary_allowed;
    let officers: Vec<CaseOfficer> = spec
        .officers
        .iter()
        .map(|o| CaseOfficer {
            credential_no: o.credential_no.clone(),
            name: o.name.clone(),
            verified: true,
            withdrawn: false,
        })
        .collect();
    let mut case = CaseFile {
        id: spec.id.clone(),
        number: Some(spec.number.clone()),
        kind: if summary {
            CaseKind::Summary
        } else {
            CaseKind::Ordinary
        },
        status: CaseStatus::Draft,
        violation: world.data.violations[spec.profile.violation].code.clone(),
        place_division: spec.place.clone(),
        act_date: spec.act_on,
        discovered_on: spec.act_on,
        parties: vec![spec.party.clone()],
        officers,
        facts: facts.clone(),
        onsite: OnsiteRecord {
            time: format!("{}T10:00:00+08:00", spec.act_on),
            place: spec.party.address.clone(),
            findings: "现场检查发现当事人存在违法行为".into(),
            party_signed: true,
        },
        inquiries: Vec::new(),
        evidence: Vec::new(),
        suggestion: None,
        chosen_fine: chosen.fine,
        override_reason: reason,
        chosen_penalty: Some(chosen.clone()),
        decision: None,
        procedure: ProcedureDates::default(),
        history: Vec::new(),
        approvals: Vec::new(),
        extensions: Vec::new(),
        services: Vec::new(),
        service_consents: Vec::new(),
        conflicts: Vec::new(),
    };
    let mut days = Days {
        case: &mut case,
        as_of,
        by: spec.officers[0],
        second: spec.officers[1],
    };
    if summary {
        days.summary(&chosen, rng);
    } else {
        let notice = Notice {
            penalty: chosen.clone(),
            facts,
            hearing_offered: route.hearing_right,
            statement_closed: true,
        };
        let review = route.legal_review && !spec.skip_legal_review;
        // The heads' collective decision (Art. 57), where the world's bodies record it.
        let collective = route.collective_decision && world.collective_decisions;
        days.ordinary(spec.timing, notice, &chosen, (review, collective), rng);
    }
    Some(case)
}

/// The fine and, for a departure, the reason recorded with it.
fn pick_fine(outcome: &Outcome, pick: FinePick, rng: &mut Random) -> (Option<i64>, Option<String>) {
    let Some(band) = outcome.fine.filter(|b| b.max > 0) else {
        return (None, None);
    };
    let statute = outcome.statutory_fine.unwrap_or(band);
    let round = |x: f64| ((x / 100.0).round() as i64 * 100).max(band.min.min(100));
    let within = |x: i64, r: YuanRange| x.clamp(r.min, r.max);
    let span = (band.max - band.min) as f64;
    match pick {
        FinePick::Typical => {
            let x = band.min as f64 + span * rng.between(0.35, 0.65);
            (Some(within(round(x), band)), None)
        }
        FinePick::Lowest => (Some(band.min), None),
        FinePick::Highest => (Some(band.max), None),
        FinePick::Fixed(amount) => (Some(within(amount, statute)), None),
        FinePick::Depart => {
            let fine = if statute.max > band.max {
                band.max + 1 + ((statute.max - band.max - 1) as f64 * rng.between(0.2, 0.8)) as i64
            } else if statute.min < band.min {
                statute.min + ((band.min - statute.min - 1) as f64 * rng.between(0.2, 0.8)) as i64
            } else {
                return pick_fine(outcome, FinePick::Typical, rng);
            };
            let reason = "当事人经营规模较大，社会影响恶劣，依法调整罚款数额".to_owned();
            (Some(fine), Some(reason))
        }
    }
}

/// Lays out a case's dates, dropping what falls after the picture's day.
struct Days<'c, 'o> {
    case: &'c mut CaseFile,
    as_of: NaiveDate,
    by: &'o Officer,
    second: &'o Officer,
}

impl Days<'_, '_> {
    /// Records the step if its day has come; false once the picture's day is passed.
    fn step(&mut self, day: NaiveDate, step: &str, status: CaseStatus) -> bool {
        if day > self.as_of {
            return false;
        }
        self.case.status = status;
        self.case.history.push(HistoryEntry {
            step: step.into(),
            status: status.as_str().into(),
            at: format!("{day}T15:00:00+08:00"),
            by: self.by.credential_no.clone(),
            step_zh: String::new(),
            status_zh: String::new(),
        });
        true
    }

    fn summary(&mut self, chosen: &ChosenPenalty, rng: &mut Random) {
        let day = self.case.act_date;
        if !self.step(day, "decide_on_spot", CaseStatus::Decided) {
            return;
        }
        self.case.decision = Some(Decision::of_choice(chosen, day));
        self.serve(day, ServiceMethod::OnTheSpot);
        let paid = day + Duration::days(if rng.chance(0.6) { 0 } else { rng.days(1, 10) });
        self.pay_and_close(paid, chosen, paid);
    }

    fn ordinary(
        &mut self,
        timing: Timing,
        notice: Notice,
        chosen: &ChosenPenalty,
        (review, collective): (bool, bool),
        rng: &mut Random,
    ) {
        let act = self.case.act_date;
        let (filed, decided, extended) = match timing {
            Timing::Natural { .. } => {
                let filed = act + Duration::days(rng.days(1, 6));
                (filed, Some(filed + Duration::days(rng.days(20, 70))), false)
            }
            Timing::DecidedOn(day) => (day - Duration::days(rng.days(25, 45)), Some(day), false),
            Timing::Open {
                filed_days_ago,
                extended,
            } => (self.as_of - Duration::days(filed_days_ago), None, extended),
        };
        self.case.discovered_on = act.min(filed);
        self.case.act_date = self.case.discovered_on;
        if !self.step(filed, "file", CaseStatus::Filed) {
            return;
        }
        self.case.procedure.filed_on = Some(filed);
        self.approve(OfficerRole::FilingApproval, filed);
        let notified = filed + Duration::days(rng.days(5, 12));
        if self.step(notified, "notify", CaseStatus::Notified) {
            self.case.procedure.notified_on = Some(notified);
            self.case.procedure.notified_fine = chosen.fine;
            self.case.procedure.notice = Some(notice);
            let closed = notified + Duration::days(4);
            if self.step(closed, "close_statement", CaseStatus::Notified) {
                self.case.procedure.statement_closed_on = Some(closed);
            }
        }
        if extended {
            let approved = filed + Duration::days(80);
            let until = filed + Duration::days(150);
            if approved <= self.as_of {
                self.step(approved, "extend_decision_period", self.case.status);
                self.case.extensions.push(Extension {
                    approved_by: self.second.credential_no.clone(),
                    approver_name: self.second.name.clone(),
                    approved_on: approved,
                    until,
                    reason: "案情复杂，需进一步调查取证".into(),
                    recorded_by: self.by.credential_no.clone(),
                });
            }
        }
        let Some(decided) = decided else { return };
        if review {
            let day = decided - Duration::days(2);
            if self.step(day, "pass_legal_review", self.case.status) {
                self.case.procedure.legal_review_passed_on = Some(day);
                self.approve(OfficerRole::LegalReview, day);
            }
        }
        if collective {
            let day = decided - Duration::days(1);
            if self.step(day, "record_collective_decision", self.case.status) {
                self.case.procedure.collective_decided_on = Some(day);
                self.approve(OfficerRole::CollectiveDecision, day);
            }
        }
        if !self.step(decided, "decide", CaseStatus::Decided) {
            return;
        }
        self.case.decision = Some(Decision::of_choice(chosen, decided));
        let served = decided + Duration::days(rng.days(1, 5));
        if !self.serve(served, ServiceMethod::Direct) {
            return;
        }
        let paid = served + Duration::days(rng.days(2, 14));
        self.pay_and_close(paid, chosen, paid + Duration::days(rng.days(1, 5)));
    }

    fn approve(&mut self, role: OfficerRole, day: NaiveDate) {
        self.case.approvals.push(Approval {
            role,
            credential_no: self.second.credential_no.clone(),
            name: self.second.name.clone(),
            approved_on: day,
            recorded_by: self.by.credential_no.clone(),
        });
    }

    fn serve(&mut self, day: NaiveDate, method: ServiceMethod) -> bool {
        if !self.step(day, "serve", CaseStatus::Served) {
            return false;
        }
        self.case.procedure.served_on = Some(day);
        self.case.services.push(ServiceRecord {
            method,
            served_on: day,
            recipient: self.case.parties[0].name.clone(),
            served_by: self.by.credential_no.clone(),
            served_by_name: self.by.name.clone(),
            recorded_at: format!("{day}T16:00:00+08:00"),
            late: false,
            note: String::new(),
        });
        true
    }

    fn pay_and_close(&mut self, paid: NaiveDate, chosen: &ChosenPenalty, closed: NaiveDate) {
        let due = chosen.fine.unwrap_or(0) + chosen.confiscated_gains.unwrap_or(0);
        if due > 0 {
            if !self.step(paid, "record_payment", CaseStatus::Executed) {
                return;
            }
            self.case.procedure.paid_on = Some(paid);
            self.case.procedure.paid_amount = Some(due);
        }
        if self.step(closed.max(paid), "close", CaseStatus::Closed) {
            self.case.procedure.closed_on = Some(closed.max(paid));
        }
    }
}
