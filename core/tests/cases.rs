//! Case files end to end on real devices: a summary case and an ordinary case through the
//! procedure, every guarded step refused and allowed, two replicas merged (with the conflicts a
//! person must settle), evidence, case numbers, queries, and a SIGKILL crash test.

use chrono::{Datelike, Duration, NaiveDate};
use zhifa_core::cases::document::{CaseDoc, CaseEdit, RecordEdit};
use zhifa_core::cases::numbers::CaseNumberBlock;
use zhifa_core::cases::procedure::{self, amount_due, Service, StepContext};
use zhifa_core::cases::repository::CaseQuery;
use zhifa_core::cases::{
    evidence, CaseError, CaseFile, CaseKind, CaseStatus, PartyKind, RefusalKind, ServiceMethod,
    Step, WorkingDays,
};
use zhifa_core::crypto::{Algorithm, Signer, SigningKey};
use zhifa_core::device::Device;
use zhifa_core::discretion::{Fact, FactValue, Outcome, Suggestion};
use zhifa_core::documents::DocumentKind;
use zhifa_core::registry::Officer;
use zhifa_core::testing::{demo_catalogue, officers, person, Phone};
use zhifa_core::Error;

/// A phone whose duty credential is 周强's, who works the demo cases.
fn phone() -> Phone {
    let phone = Phone::with_catalogue(&["50"], demo_catalogue());
    phone.on_duty(BY);
    phone
}

/// The city-management body's head (立案审批, 集体讨论, 延期) and legal reviewer.
const HEAD: &str = "渝50010320029";
const REVIEWER: &str = "渝50010320028";

fn file() -> Step {
    Step::File {
        approver: HEAD.into(),
    }
}

fn review() -> Step {
    Step::PassLegalReview {
        reviewer: REVIEWER.into(),
    }
}

fn collective() -> Step {
    Step::RecordCollectiveDecision { chair: HEAD.into() }
}

fn serve() -> Step {
    Step::Serve {
        service: Service {
            method: ServiceMethod::Direct,
            served_on: today(),
            recipient: "张某".into(),
            note: String::new(),
        },
    }
}

fn catalogued(credential_no: &str) -> &'static Officer {
    let officer = demo_catalogue()
        .officers
        .into_iter()
        .find(|o| o.credential_no == credential_no)
        .unwrap();
    Box::leak(Box::new(officer))
}

fn today() -> NaiveDate {
    zhifa_core::testing::today()
}

/// The people every case needs: two officers and a citizen as party.
fn staffed() -> Vec<CaseEdit> {
    let mut edits = officers();
    edits.push(CaseEdit::AddParty(person()));
    edits
}

fn ordinary_facts() -> Vec<CaseEdit> {
    [
        ("criminal_referral", FactValue::Bool(false)),
        ("no_fault_proven", FactValue::Bool(false)),
        ("minor_act", FactValue::Bool(false)),
        ("removed_harm", FactValue::Bool(false)),
        ("coerced", FactValue::Bool(false)),
        ("confessed", FactValue::Bool(false)),
        ("meritorious", FactValue::Bool(false)),
        ("age", FactValue::Int(40)),
        ("capacity", FactValue::Text("full".into())),
    ]
    .into_iter()
    .map(|(name, value)| CaseEdit::SetFact(Fact::new(name, value)))
    .collect()
}

fn fact(name: &str, value: impl Into<FactValue>) -> CaseEdit {
    CaseEdit::SetFact(Fact::new(name, value))
}

/// Two officers, a citizen, and the facts of a barbecue whose owner refused to stop.
fn refused_barbecue(illegal_gains: i64) -> Vec<CaseEdit> {
    let mut edits = staffed();
    edits.extend(ordinary_facts());
    edits.extend([
        fact("first_offence", false),
        fact("harm", "general"),
        fact("correction", "refused"),
        fact("priors_12m", 0i64),
        fact("pollution_alert", false),
        fact("property_value", 300i64),
        fact("illegal_gains", illegal_gains),
    ]);
    edits
}

fn refusal(result: Result<CaseFile, Error>) -> RefusalKind {
    refused(result).kind
}

const BY: &str = "渝50010320021";

#[test]
fn a_summary_case_is_decided_paid_and_closed_in_a_handful_of_steps() {
    let phone = phone();
    let d = &phone.device;
    let case = d
        .cases()
        .create(
            CaseKind::Summary,
            "GF-111-C",
            "500103",
            today() - Duration::days(1),
            today(),
        )
        .unwrap();
    let mut edits = staffed();
    edits.extend(ordinary_facts());
    edits.extend([fact("correction", "pending"), fact("priors_12m", 0i64)]);
    d.cases().edit(&case.id, &edits).unwrap();

    let Suggestion::Outcome(outcome) = d.cases().suggest(&case.id).unwrap() else {
        panic!("facts are complete")
    };
    assert_eq!(outcome.fine.map(|f| (f.min, f.max)), Some((100, 200)));
    d.cases().choose_penalty(&case.id, Some(150), None).unwrap();
    let decided = d.cases().step(&case.id, &Step::DecideOnSpot).unwrap();
    assert_eq!(decided.status, CaseStatus::Decided);
    assert_eq!(decided.decision.as_ref().unwrap().fine, 150);

    assert_eq!(
        refusal(
            d.cases()
                .step(&case.id, &Step::RecordPayment { amount: 100 })
        ),
        RefusalKind::Underpaid
    );
    d.cases()
        .step(&case.id, &Step::RecordPayment { amount: 150 })
        .unwrap();
    let closed = d.cases().step(&case.id, &Step::Close).unwrap();
    assert_eq!(closed.status, CaseStatus::Closed);
    let steps: Vec<&str> = closed.history.iter().map(|h| h.step.as_str()).collect();
    assert_eq!(steps, ["decide_on_spot", "record_payment", "close"]);
    // The choice was recorded for supervision.
    assert!(d
        .sync()
        .pending_events(10)
        .unwrap()
        .iter()
        .any(|e| e.kind == "penalty_choice"));
}

#[test]
fn summary_procedure_is_refused_beyond_its_limits_and_with_one_officer() {
    let phone = phone();
    let d = &phone.device;
    let case = d
        .cases()
        .create(CaseKind::Summary, "GF-111-C", "500103", today(), today())
        .unwrap();
    let mut edits = vec![officers()[0].clone(), CaseEdit::AddParty(person())];
    edits.extend(ordinary_facts());
    edits.extend([fact("correction", "refused"), fact("priors_12m", 0i64)]);
    d.cases().edit(&case.id, &edits).unwrap();
    // Heavier band 300–500: above the citizen's 200 yuan.
    d.cases().choose_penalty(&case.id, Some(300), None).unwrap();
    assert_eq!(
        refusal(d.cases().step(&case.id, &Step::DecideOnSpot)),
        RefusalKind::TwoOfficersRequired
    );
    d.cases().edit(&case.id, &[officers()[1].clone()]).unwrap();
    assert_eq!(
        refusal(d.cases().step(&case.id, &Step::DecideOnSpot)),
        RefusalKind::SummaryNotAllowed
    );
    // An officer with an interest withdraws: again fewer than two.
    d.cases()
        .edit(
            &case.id,
            &[CaseEdit::WithdrawOfficer {
                credential_no: "渝50010320022".into(),
            }],
        )
        .unwrap();
    assert_eq!(
        refusal(d.cases().step(&case.id, &file())),
        RefusalKind::WrongProcedure
    );
    // A fine outside the band needs a reason.
    assert!(matches!(
        d.cases().choose_penalty(&case.id, Some(600), None),
        Err(Error::Discretion(_))
    ));
    assert_eq!(d.cases().get(&case.id).unwrap().status, CaseStatus::Draft);
}

#[test]
fn an_ordinary_case_runs_the_whole_procedure() {
    let phone = phone();
    let d = &phone.device;
    let case = d
        .cases()
        .create(
            CaseKind::Ordinary,
            "DQ-118-3",
            "500112",
            today() - Duration::days(3),
            today(),
        )
        .unwrap();
    // No officer yet: the device's credentialed officer does not act in this case.
    assert_eq!(
        refusal(d.cases().step(&case.id, &file())),
        RefusalKind::NotACaseOfficer
    );
    d.cases().edit(&case.id, &[officers()[0].clone()]).unwrap();
    assert_eq!(
        refusal(d.cases().step(&case.id, &file())),
        RefusalKind::TwoOfficersRequired
    );
    d.cases()
        .edit(&case.id, &refused_barbecue(600)[1..])
        .unwrap();
    d.cases().step(&case.id, &file()).unwrap();
    d.cases()
        .add_number_block(&CaseNumberBlock {
            prefix: "渝北城管罚".into(),
            year: today().year(),
            first: 1,
            last: 10,
        })
        .unwrap();
    let numbered = d.cases().assign_number(&case.id, "渝北城管罚").unwrap();
    assert!(numbered.number.unwrap().starts_with("渝北城管罚〔"));

    // No notice without a chosen penalty and evidence.
    assert_eq!(
        refusal(d.cases().step(&case.id, &Step::Notify)),
        RefusalKind::NotEnoughEvidence
    );
    d.evidence()
        .add_to_case(
            &case.id,
            b"\xff\xd8 photo of the grill",
            "视听资料",
            "现场烧烤照片",
            None,
        )
        .unwrap();
    d.cases()
        .edit(
            &case.id,
            &[CaseEdit::AppendFindings(
                "当事人在禁止区域内露天烧烤，经责令改正拒不改正。".into(),
            )],
        )
        .unwrap();
    d.cases()
        .choose_penalty(&case.id, Some(12_000), None)
        .unwrap();
    d.cases().step(&case.id, &Step::Notify).unwrap();

    // The statement period is open; then the party waives it.
    assert_eq!(
        refusal(d.cases().step(&case.id, &Step::Decide)),
        RefusalKind::StatementPeriodOpen
    );
    d.cases().step(&case.id, &Step::CloseStatement).unwrap();
    // 12,000 ≥ 5,000 for a citizen: a hearing right, so a legal review before deciding.
    assert_eq!(
        refusal(d.cases().step(&case.id, &Step::Decide)),
        RefusalKind::LegalReviewRequired
    );
    d.cases().step(&case.id, &review()).unwrap();
    // Defending never makes it heavier.
    d.cases()
        .choose_penalty(&case.id, Some(15_000), None)
        .unwrap();
    assert_eq!(
        refusal(d.cases().step(&case.id, &Step::Decide)),
        RefusalKind::HeavierAfterDefence
    );
    d.cases()
        .choose_penalty(&case.id, Some(12_000), None)
        .unwrap();
    let decided = d.cases().step(&case.id, &Step::Decide).unwrap();
    let decision = decided.decision.unwrap();
    assert_eq!(
        (
            decision.fine,
            decision.confiscated_gains,
            decision.confiscate_property
        ),
        (12_000, 600, true)
    );

    assert_eq!(
        refusal(d.cases().step(&case.id, &Step::Close)),
        RefusalKind::NothingToClose
    );
    d.cases().step(&case.id, &serve()).unwrap();
    d.cases()
        .step(&case.id, &Step::RecordPayment { amount: 12_000 })
        .unwrap();
    let closed = d.cases().step(&case.id, &Step::Close).unwrap();
    assert_eq!(closed.status, CaseStatus::Closed);
    assert!(closed.history.len() <= 12, "{:?}", closed.history);
    assert_eq!(closed.evidence.len(), 1);
}

fn filed_case() -> (CaseFile, WorkingDays, Outcome) {
    let phone = phone();
    let d = &phone.device;
    let case = d
        .cases()
        .create(
            CaseKind::Ordinary,
            "DQ-118-3",
            "500112",
            today() - Duration::days(3),
            today(),
        )
        .unwrap();
    let mut edits = refused_barbecue(0);
    edits.push(CaseEdit::AppendFindings("现场检查发现露天烧烤。".into()));
    d.cases().edit(&case.id, &edits).unwrap();
    d.cases()
        .choose_penalty(&case.id, Some(12_000), None)
        .unwrap();
    let Suggestion::Outcome(outcome) = d.cases().suggest(&case.id).unwrap() else {
        panic!()
    };
    (
        d.cases().get(&case.id).unwrap(),
        d.catalogue().working_days().unwrap(),
        *outcome,
    )
}

fn context<'a>(today: NaiveDate, days: &'a WorkingDays, outcome: &'a Outcome) -> StepContext<'a> {
    StepContext {
        today,
        days,
        outcome: Some(outcome),
        notified_outcome: None,
        acting: catalogued(BY),
        approver: None,
        decision_days: procedure::DECISION_DAYS,
        now: format!("{today}T09:00:00+08:00"),
    }
}

/// Applies a step's edits to a case in memory, for time-dependent guards.
fn advance(case: &CaseFile, step: &Step, ctx: &StepContext<'_>) -> Result<CaseFile, RefusalKind> {
    let ctx = StepContext {
        today: ctx.today,
        days: ctx.days,
        outcome: ctx.outcome,
        notified_outcome: None,
        acting: ctx.acting,
        approver: step.approver().map(catalogued),
        decision_days: ctx.decision_days,
        now: ctx.now.clone(),
    };
    let edits = procedure::plan(case, step, &ctx).map_err(|r| r.kind)?;
    let mut doc = CaseDoc::create(
        &case.id,
        case.kind,
        &case.violation,
        &case.place_division,
        case.act_date,
        case.discovered_on,
    )
    .unwrap();
    let mut rebuild: Vec<CaseEdit> = case
        .officers
        .iter()
        .cloned()
        .map(CaseEdit::AddOfficer)
        .collect();
    rebuild.extend(case.parties.iter().cloned().map(CaseEdit::AddParty));
    rebuild.extend(
        case.facts
            .0
            .iter()
            .map(|(k, v)| CaseEdit::SetFact(Fact::new(k.clone(), v.clone()))),
    );
    rebuild.push(CaseEdit::AppendFindings(case.onsite.findings.clone()));
    let mut record = vec![RecordEdit::ChoosePenalty {
        fine: case.chosen_fine,
        reason: case.override_reason.clone(),
    }];
    let p = &case.procedure;
    use zhifa_core::cases::DateField::*;
    for (field, date) in [
        (Filed, p.filed_on),
        (Notified, p.notified_on),
        (HearingRequested, p.hearing_requested_on),
        (HearingHeld, p.hearing_held_on),
        (LegalReviewPassed, p.legal_review_passed_on),
        (StatementClosed, p.statement_closed_on),
    ] {
        if let Some(date) = date {
            record.push(RecordEdit::SetDate { field, date });
        }
    }
    if let Some(fine) = p.notified_fine {
        record.push(RecordEdit::SetNotifiedFine(fine));
    }
    record.push(RecordEdit::Transition {
        status: case.status,
        step: "rebuild".into(),
        at: String::new(),
        by: String::new(),
    });
    doc.apply(&rebuild).unwrap();
    doc.record(&record).unwrap();
    doc.record(&edits).unwrap();
    Ok(doc.read().unwrap())
}

#[test]
fn hearing_and_statement_periods_count_working_days() {
    let (case, days, outcome) = filed_case();
    // Filed on Friday 27 September 2024, notified the same day.
    let friday = NaiveDate::from_ymd_opt(2024, 9, 27).unwrap();
    let filed = advance(&case, &file(), &context(friday, &days, &outcome)).unwrap();
    let notified = advance(&filed, &Step::Notify, &context(friday, &days, &outcome)).unwrap();
    // Five working days: 29, 30 Sep, 8, 9, 10 Oct (National Day in between).
    let last_day = NaiveDate::from_ymd_opt(2024, 10, 10).unwrap();
    assert_eq!(
        advance(
            &notified,
            &Step::Decide,
            &context(last_day, &days, &outcome)
        )
        .unwrap_err(),
        RefusalKind::StatementPeriodOpen
    );
    let requested = advance(
        &notified,
        &Step::RequestHearing,
        &context(last_day, &days, &outcome),
    )
    .unwrap();
    assert_eq!(
        advance(
            &notified,
            &Step::RequestHearing,
            &context(last_day + Duration::days(1), &days, &outcome)
        )
        .unwrap_err(),
        RefusalKind::HearingRequestLate
    );
    assert_eq!(
        advance(
            &requested,
            &Step::Decide,
            &context(last_day, &days, &outcome)
        )
        .unwrap_err(),
        RefusalKind::HearingPending
    );
    // Seven working days' notice of the hearing: from Thursday 10 Oct to Friday 18 Oct (12 Oct is a working Saturday).
    assert_eq!(
        advance(
            &requested,
            &Step::HoldHearing,
            &context(
                NaiveDate::from_ymd_opt(2024, 10, 17).unwrap(),
                &days,
                &outcome
            )
        )
        .unwrap_err(),
        RefusalKind::HearingNoticeTooShort
    );
    let held = advance(
        &requested,
        &Step::HoldHearing,
        &context(
            NaiveDate::from_ymd_opt(2024, 10, 18).unwrap(),
            &days,
            &outcome,
        ),
    )
    .unwrap();
    assert_eq!(held.status, CaseStatus::HearingHeld);
    // A hearing on major rights needs a legal review first.
    let later = NaiveDate::from_ymd_opt(2024, 10, 22).unwrap();
    assert_eq!(
        advance(&held, &Step::Decide, &context(later, &days, &outcome)).unwrap_err(),
        RefusalKind::LegalReviewRequired
    );
    let reviewed = advance(&held, &review(), &context(later, &days, &outcome)).unwrap();
    assert_eq!(
        advance(&reviewed, &Step::Decide, &context(later, &days, &outcome))
            .unwrap()
            .status,
        CaseStatus::Decided
    );
    // After the period the officer may decide without a waiver.
    let after = NaiveDate::from_ymd_opt(2024, 10, 11).unwrap();
    let mut lapsed = notified.clone();
    lapsed.procedure.legal_review_passed_on = Some(after);
    assert_eq!(
        advance(&lapsed, &Step::Decide, &context(after, &days, &outcome))
            .unwrap()
            .status,
        CaseStatus::Decided
    );
}

#[test]
fn the_limitation_period_and_the_90_day_deadline() {
    let phone = phone();
    let d = &phone.device;
    let old = d
        .cases()
        .create(
            CaseKind::Ordinary,
            "DQ-116",
            "500103",
            today() - Duration::days(800),
            today(),
        )
        .unwrap();
    let edits = staffed();
    d.cases().edit(&old.id, &edits).unwrap();
    assert_eq!(
        refusal(d.cases().step(&old.id, &file())),
        RefusalKind::LimitationExpired
    );
    // Five years where life, health or finance was harmed.
    d.cases()
        .edit(&old.id, &[fact("life_health_finance_harm", true)])
        .unwrap();
    let filed = d.cases().step(&old.id, &file()).unwrap();
    let deadlines = procedure::deadlines(
        &filed,
        &WorkingDays::default(),
        today() + Duration::days(80),
        procedure::DECISION_DAYS,
    );
    let decision = deadlines.iter().find(|x| x.what == "decision").unwrap();
    assert_eq!(decision.due, today() + Duration::days(90));
    assert!(decision.warning && !decision.overdue);
    assert!(
        procedure::deadlines(
            &filed,
            &WorkingDays::default(),
            today() + Duration::days(91),
            procedure::DECISION_DAYS,
        )[0]
        .overdue
    );
    assert_eq!(
        d.cases()
            .list(&CaseQuery {
                due_by: Some((today() + Duration::days(90)).to_string()),
                limit: 10,
                ..Default::default()
            })
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn late_payment_adds_three_percent_a_day_capped_at_the_fine() {
    let (mut case, _, _) = filed_case();
    case.decision = Some(zhifa_core::cases::Decision {
        penalty: true,
        warning: false,
        fine: 10_000,
        confiscated_gains: 0,
        confiscate_property: false,
        other: vec![],
        decided_on: NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
    });
    case.procedure.served_on = Some(NaiveDate::from_ymd_opt(2024, 3, 1).unwrap());
    assert_eq!(
        amount_due(&case, NaiveDate::from_ymd_opt(2024, 3, 16).unwrap()),
        10_000
    );
    assert_eq!(
        amount_due(&case, NaiveDate::from_ymd_opt(2024, 3, 18).unwrap()),
        10_600
    );
    assert_eq!(
        amount_due(&case, NaiveDate::from_ymd_opt(2025, 3, 1).unwrap()),
        20_000
    );
}

#[test]
fn two_replicas_merge_with_nothing_lost_and_conflicts_shown() {
    let a = phone();
    let b = phone();
    let case = a
        .device
        .cases()
        .create(CaseKind::Ordinary, "DQ-118-3", "500103", today(), today())
        .unwrap();
    let mut edits = staffed();
    edits.extend(ordinary_facts());
    a.device.cases().edit(&case.id, &edits).unwrap();
    b.device
        .cases()
        .merge(&a.device.cases().snapshot(&case.id).unwrap())
        .unwrap();

    // Offline, both phones work on the case.
    a.device
        .cases()
        .edit(
            &case.id,
            &[
                CaseEdit::AppendFindings("甲：烧烤炉两台。".into()),
                fact("harm", "general"),
            ],
        )
        .unwrap();
    b.device
        .cases()
        .edit(
            &case.id,
            &[
                CaseEdit::AppendFindings("乙：现场有顾客十余人。".into()),
                fact("harm", "slight"),
            ],
        )
        .unwrap();
    b.device
        .evidence()
        .add_to_case(&case.id, b"photo-b", "视听资料", "乙拍摄", None)
        .unwrap();
    b.device
        .cases()
        .edit(
            &case.id,
            &[CaseEdit::AddInquiry(zhifa_core::cases::Inquiry {
                person: "张某".into(),
                time: "10:00".into(),
                record: "问：是否知道禁止区域？答：知道。".into(),
            })],
        )
        .unwrap();

    let merged_on_a = a
        .device
        .cases()
        .merge(&b.device.cases().snapshot(&case.id).unwrap())
        .unwrap();
    let merged_on_b = b
        .device
        .cases()
        .merge(&a.device.cases().snapshot(&case.id).unwrap())
        .unwrap();
    assert_eq!(merged_on_a, merged_on_b, "both replicas converge");
    let findings = &merged_on_a.onsite.findings;
    assert!(
        findings.contains("烧烤炉两台") && findings.contains("顾客十余人"),
        "{findings}"
    );
    assert_eq!(merged_on_a.evidence.len(), 1);
    assert_eq!(merged_on_a.inquiries.len(), 1);
    // The harm was set to two values: a person decides, no silent winner.
    assert_eq!(merged_on_a.conflicts.len(), 1);
    assert_eq!(merged_on_a.conflicts[0].field, "facts.harm");
    assert_eq!(
        merged_on_a.conflicts[0].values,
        vec!["general".to_string(), "slight".to_string()]
    );
    assert_eq!(
        refusal(a.device.cases().step(&case.id, &file())),
        RefusalKind::UnresolvedConflicts
    );
    assert_eq!(
        a.device
            .cases()
            .list(&CaseQuery {
                conflicted_only: true,
                limit: 10,
                ..Default::default()
            })
            .unwrap()
            .len(),
        1
    );

    let resolved = a
        .device
        .cases()
        .edit(
            &case.id,
            &[CaseEdit::Resolve {
                field: "facts.harm".into(),
                value: "general".into(),
            }],
        )
        .unwrap();
    assert!(resolved.conflicts.is_empty());
    assert_eq!(resolved.facts.text("harm"), Some("general"));
    assert!(matches!(
        a.device.cases().edit(
            &case.id,
            &[CaseEdit::Resolve {
                field: "facts.harm".into(),
                value: "serious".into()
            }]
        ),
        Err(Error::Case(CaseError::NotAConflictValue))
    ));
    // The resolution reaches the other phone; the same status set on both is no conflict.
    let b_after = b
        .device
        .cases()
        .merge(&a.device.cases().snapshot(&case.id).unwrap())
        .unwrap();
    assert!(b_after.conflicts.is_empty());
    a.device.cases().step(&case.id, &file()).unwrap();
    b.device.cases().step(&case.id, &file()).unwrap();
    let both_filed = a
        .device
        .cases()
        .merge(&b.device.cases().snapshot(&case.id).unwrap())
        .unwrap();
    assert_eq!(both_filed.status, CaseStatus::Filed);
    assert!(both_filed.conflicts.is_empty());
}

#[test]
fn conflicting_decisions_and_parties_must_be_settled() {
    let mut a = CaseDoc::create(
        "c1",
        CaseKind::Ordinary,
        "DQ-116",
        "500103",
        today(),
        today(),
    )
    .unwrap();
    a.apply(&[CaseEdit::AddParty(person())]).unwrap();
    let mut b = a.fork();
    let decision = |fine| zhifa_core::cases::Decision {
        penalty: true,
        warning: false,
        fine,
        confiscated_gains: 0,
        confiscate_property: false,
        other: vec![],
        decided_on: today(),
    };
    let mut renamed = person();
    renamed.name = "张某某".into();
    a.record(&[RecordEdit::SetDecision(decision(5_000))])
        .unwrap();
    b.record(&[RecordEdit::SetDecision(decision(8_000))])
        .unwrap();
    b.apply(&[CaseEdit::SetParty {
        index: 0,
        party: renamed,
    }])
    .unwrap();
    a.merge(&mut b).unwrap();
    let fields: Vec<String> = a
        .read()
        .unwrap()
        .conflicts
        .into_iter()
        .map(|c| c.field)
        .collect();
    assert_eq!(fields, vec!["decision.fine".to_string()]);
    // The party's name was changed on one side only: merged without conflict.
    assert_eq!(a.read().unwrap().parties[0].name, "张某某");
}

#[test]
fn documents_escape_what_people_typed_and_say_what_is_missing() {
    let phone = phone();
    let d = &phone.device;
    let case = d
        .cases()
        .create(CaseKind::Ordinary, "DQ-116", "500103", today(), today())
        .unwrap();
    assert!(matches!(
        d.cases()
            .render_document(&case.id, DocumentKind::OnsiteRecord),
        Err(Error::Document(_))
    ));
    let mut party = person();
    party.name = "<script>alert(1)</script>".into();
    d.cases()
        .edit(
            &case.id,
            &[
                CaseEdit::AddParty(party),
                CaseEdit::AppendFindings("车厢未密闭 & 沿途遗撒".into()),
            ],
        )
        .unwrap();
    let html = d
        .cases()
        .render_document(&case.id, DocumentKind::OnsiteRecord)
        .unwrap();
    assert!(
        !html.contains("<script>")
            && html.contains("&lt;script&gt;")
            && html.contains("&amp; 沿途遗撒")
    );
    assert!(matches!(
        d.cases()
            .render_document(&case.id, DocumentKind::PenaltyDecision),
        Err(Error::Document(_))
    ));
    assert!(d
        .cases()
        .render_document(&case.id, DocumentKind::OrderToCorrect)
        .unwrap()
        .contains("现责令你（单位）于"));
}

#[test]
fn evidence_metadata_is_signed_by_the_capturing_device() {
    let phone = phone();
    let d = &phone.device;
    let case = d
        .cases()
        .create(CaseKind::Ordinary, "DQ-116", "500103", today(), today())
        .unwrap();
    let gps = zhifa_core::codes::GpsFix {
        latitude: 29.56,
        longitude: 106.58,
        accuracy_m: 5.0,
    };
    let with = d
        .evidence()
        .add_to_case(
            &case.id,
            b"video bytes",
            "视听资料",
            "渣土车遗撒视频",
            Some(gps),
        )
        .unwrap();
    let item = &with.evidence[0];
    let metadata = evidence::verify(item, &d.device_key()).unwrap();
    assert_eq!(metadata.gps, Some(gps));
    assert_eq!(
        d.store().blobs().get(&item.hash.parse().unwrap()).unwrap(),
        b"video bytes"
    );
    let other = SigningKey::generate(Algorithm::EdDSA);
    assert!(evidence::verify(item, &other.public_key()).is_err());
}

#[test]
fn case_numbers_come_from_reserved_blocks_offline() {
    let phone = phone();
    let d = &phone.device;
    let year = today().year();
    d.cases()
        .add_number_block(&CaseNumberBlock {
            prefix: "渝中城管罚".into(),
            year,
            first: 41,
            last: 42,
        })
        .unwrap();
    let ids: Vec<String> = (0..3)
        .map(|_| {
            d.cases()
                .create(CaseKind::Ordinary, "DQ-116", "500103", today(), today())
                .unwrap()
                .id
        })
        .collect();
    assert_eq!(
        d.cases()
            .assign_number(&ids[0], "渝中城管罚")
            .unwrap()
            .number
            .unwrap(),
        format!("渝中城管罚〔{year}〕41号")
    );
    assert_eq!(
        d.cases()
            .assign_number(&ids[1], "渝中城管罚")
            .unwrap()
            .number
            .unwrap(),
        format!("渝中城管罚〔{year}〕42号")
    );
    assert_eq!(d.cases().numbers_left("渝中城管罚").unwrap(), 0);
    assert!(matches!(
        d.cases().assign_number(&ids[2], "渝中城管罚"),
        Err(Error::Case(CaseError::NoCaseNumbers))
    ));
}

#[test]
fn cases_are_listed_by_status_officer_and_enterprise_page_by_page() {
    let phone = phone();
    let d = &phone.device;
    let mut org = person();
    org.kind = PartyKind::Organisation;
    org.credit_code = Some("91500103MA5U1A0E5B".into());
    for i in 0..7 {
        let case = d
            .cases()
            .create(CaseKind::Ordinary, "DQ-116", "500103", today(), today())
            .unwrap();
        let mut edits = vec![officers()[i % 2].clone()];
        if i < 3 {
            edits.push(CaseEdit::AddParty(org.clone()));
        }
        d.cases().edit(&case.id, &edits).unwrap();
    }
    let all = |q: CaseQuery| d.cases().list(&q).unwrap();
    assert_eq!(
        all(CaseQuery {
            credit_code: Some("91500103MA5U1A0E5B".into()),
            limit: 50,
            ..Default::default()
        })
        .len(),
        3
    );
    assert_eq!(
        all(CaseQuery {
            officer: Some("渝50010320021".into()),
            limit: 50,
            ..Default::default()
        })
        .len(),
        4
    );
    assert_eq!(
        all(CaseQuery {
            status: Some(CaseStatus::Draft),
            limit: 50,
            ..Default::default()
        })
        .len(),
        7
    );
    let first = all(CaseQuery {
        limit: 4,
        ..Default::default()
    });
    let second = all(CaseQuery {
        limit: 4,
        after_id: Some(first.last().unwrap().id.clone()),
        ..Default::default()
    });
    assert_eq!((first.len(), second.len()), (4, 3));
    assert!(first.iter().all(|a| second.iter().all(|b| a.id < b.id)));
}

/// Set in the crash test's child: the store directory and the case id.
const CRASH_ENV: &str = "ZHIFA_CASE_CRASH_CHILD";

/// Runs only as the child of the crash test: edits until killed, printing each committed edit.
#[test]
fn crash_child_edits_a_case() {
    let Ok(spec) = std::env::var(CRASH_ENV) else {
        return;
    };
    let (dir, id) = spec.split_once('|').unwrap();
    let authority = SigningKey::generate(Algorithm::EdDSA);
    let device = Device::open(
        dir,
        &zhifa_core::testing::test_key(),
        vec!["50".into()],
        vec![authority.public_key()],
    )
    .unwrap();
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    for n in 0.. {
        device
            .cases()
            .edit(id, &[CaseEdit::AppendFindings(format!("[{n}]"))])
            .unwrap();
        writeln!(out, "committed {n}").unwrap();
        out.flush().unwrap();
    }
}

#[test]
fn a_killed_editor_loses_no_committed_edit() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let id = {
        let authority = SigningKey::generate(Algorithm::EdDSA);
        let device = Device::open(
            dir.path(),
            &zhifa_core::testing::test_key(),
            vec!["50".into()],
            vec![authority.public_key()],
        )
        .unwrap();
        device
            .cases()
            .create(CaseKind::Ordinary, "DQ-116", "500103", today(), today())
            .unwrap()
            .id
    };
    let mut total = 0;
    for round in 0..12u64 {
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "crash_child_edits_a_case", "--nocapture"])
            .env(CRASH_ENV, format!("{}|{id}", dir.path().display()))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let reader = std::thread::spawn({
            let stdout = child.stdout.take().unwrap();
            move || {
                BufReader::new(stdout)
                    .lines()
                    .map_while(Result::ok)
                    .filter(|l| l.starts_with("committed"))
                    .count()
            }
        });
        std::thread::sleep(std::time::Duration::from_millis(150 + 37 * round));
        child.kill().unwrap();
        child.wait().unwrap();
        let committed = reader.join().unwrap();
        total += committed;

        let authority = SigningKey::generate(Algorithm::EdDSA);
        let device = Device::open(
            dir.path(),
            &zhifa_core::testing::test_key(),
            vec!["50".into()],
            vec![authority.public_key()],
        )
        .unwrap();
        let findings = device.cases().get(&id).unwrap().onsite.findings;
        let present = findings.matches('[').count();
        // Every edit the child reported is there (one more may have committed unreported).
        assert!(
            present >= total,
            "round {round}: {present} present, {total} reported"
        );
        total = present;
    }
    assert!(
        total > 12,
        "the children made edits before being killed: {total}"
    );
}

#[test]
fn party_penalty_hearing_right_and_collective_decision_are_guarded() {
    let phone = phone();
    let d = &phone.device;
    // Absolute claims in an ad, removed before filing: mitigated, decided collectively.
    let case = d
        .cases()
        .create(
            CaseKind::Ordinary,
            "GG-57-1",
            "500103",
            today() - Duration::days(5),
            today(),
        )
        .unwrap();
    d.cases().edit(&case.id, &officers()).unwrap();
    assert_eq!(
        refusal(d.cases().step(&case.id, &file())),
        RefusalKind::NoParty
    );
    let mut company = person();
    company.kind = PartyKind::Organisation;
    company.credit_code = Some("91500103MA5U1A0Q6Q".into());
    company.id_number = None;
    let mut edits = vec![
        CaseEdit::AddParty(company),
        CaseEdit::AppendFindings("广告使用“最佳”用语。".into()),
    ];
    edits.extend(ordinary_facts().into_iter().filter(
        |e| !matches!(e, CaseEdit::SetFact(f) if f.name() == "age" || f.name() == "capacity"),
    ));
    d.cases().edit(&case.id, &edits).unwrap();
    d.cases().step(&case.id, &file()).unwrap();
    // Without the facts the engine needs, there is no penalty to notify.
    assert_eq!(
        refusal(d.cases().step(&case.id, &Step::Notify)),
        RefusalKind::NoPenaltyChosen
    );
    d.cases()
        .edit(
            &case.id,
            &[
                fact("removed_before_filing", true),
                fact("ad_spend", 8_000i64),
                fact("harm", "slight"),
                fact("priors_12m", 0i64),
                fact("first_offence", false),
            ],
        )
        .unwrap();
    d.cases()
        .choose_penalty(&case.id, Some(30_000), None)
        .unwrap();
    d.cases().step(&case.id, &Step::Notify).unwrap();
    d.cases().step(&case.id, &Step::CloseStatement).unwrap();
    d.cases().step(&case.id, &review()).unwrap();
    assert_eq!(
        refusal(d.cases().step(&case.id, &Step::Decide)),
        RefusalKind::CollectiveDecisionRequired
    );
    d.cases().step(&case.id, &collective()).unwrap();
    assert_eq!(
        d.cases().step(&case.id, &Step::Decide).unwrap().status,
        CaseStatus::Decided
    );

    // A 300-yuan fine on a citizen is below Chongqing's 5,000: no hearing right.
    let small = d
        .cases()
        .create(CaseKind::Ordinary, "GF-111-C", "500103", today(), today())
        .unwrap();
    let mut edits = staffed();
    edits.extend(ordinary_facts());
    edits.extend([
        fact("correction", "refused"),
        fact("priors_12m", 0i64),
        CaseEdit::AppendFindings("乱倒垃圾。".into()),
    ]);
    d.cases().edit(&small.id, &edits).unwrap();
    d.cases().step(&small.id, &file()).unwrap();
    d.cases()
        .choose_penalty(&small.id, Some(300), None)
        .unwrap();
    d.cases().step(&small.id, &Step::Notify).unwrap();
    assert_eq!(
        refusal(d.cases().step(&small.id, &Step::RequestHearing)),
        RefusalKind::NoHearingRight
    );
}

fn refused(result: Result<CaseFile, Error>) -> zhifa_core::cases::Refusal {
    match result {
        Err(Error::Case(CaseError::Refused(refusal))) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// What the officer reads: no English identifier, no debug text.
fn reads_in_chinese(text: &str) -> bool {
    !text.chars().any(|c| c.is_ascii_alphabetic())
}

#[test]
fn a_step_out_of_place_names_its_article_and_says_where_the_case_must_stand() {
    let phone = phone();
    let d = &phone.device;
    let case = d
        .cases()
        .create(CaseKind::Ordinary, "DQ-118-3", "500103", today(), today())
        .unwrap();
    d.cases().edit(&case.id, &refused_barbecue(0)).unwrap();
    let out_of_place = [
        (review(), "第五十八条"),
        (collective(), "第五十七条"),
        (Step::Notify, "第四十四条"),
        (Step::CloseStatement, "第四十五条"),
        (Step::RequestHearing, "第六十四条"),
        (Step::HoldHearing, "第六十四条"),
        (Step::Decide, "第五十七条"),
        (serve(), "第六十一条"),
        (Step::RecordPayment { amount: 100 }, "第六十七条"),
    ];
    for (step, article) in out_of_place {
        let refusal = refused(d.cases().step(&case.id, &step));
        assert_eq!(refusal.kind, RefusalKind::WrongStatus, "{step:?}");
        assert_eq!(refusal.article, article, "{step:?}");
        assert_eq!(refusal.missing[0], "新建", "{step:?}");
        let text = refusal.message_zh();
        assert!(reads_in_chinese(&text), "{step:?}: {text}");
    }
    assert_eq!(
        refused(d.cases().step(&case.id, &Step::Notify)).message_zh(),
        "依据《中华人民共和国行政处罚法》第四十四条：案件当前为“新建”，此操作只能在“已立案”或“已告知”或“已听证”时进行。"
    );
    // Filed: the statement closes only after the notice, or after the hearing.
    d.cases().step(&case.id, &file()).unwrap();
    assert_eq!(
        refused(d.cases().step(&case.id, &Step::CloseStatement)).message_zh(),
        "依据《中华人民共和国行政处罚法》第四十五条：案件当前为“已立案”，此操作只能在“已告知”或“已听证”时进行。"
    );
    let refusal = refused(d.cases().step(&case.id, &Step::Close));
    assert_eq!(
        (refusal.kind, refusal.article.as_str()),
        (RefusalKind::NothingToClose, "第六十六条")
    );
    assert_eq!(refusal.missing, ["已立案"]);
    // The other procedure's steps.
    let refusal = refused(d.cases().step(&case.id, &Step::DecideOnSpot));
    assert_eq!(
        (refusal.kind, refusal.article.as_str()),
        (RefusalKind::WrongProcedure, "第五十一条")
    );
    assert_eq!(
        refusal.message_zh(),
        "依据《中华人民共和国行政处罚法》第五十一条：本案适用普通程序，不能进行此操作。"
    );
}

#[test]
fn a_summary_case_refuses_the_ordinary_procedures_steps_in_words() {
    let phone = phone();
    let d = &phone.device;
    let case = d
        .cases()
        .create(CaseKind::Summary, "GF-111-C", "500103", today(), today())
        .unwrap();
    d.cases().edit(&case.id, &staffed()).unwrap();
    for (step, article) in [(file(), "第五十四条"), (serve(), "第六十一条")] {
        let refusal = refused(d.cases().step(&case.id, &step));
        assert_eq!(refusal.kind, RefusalKind::WrongProcedure, "{step:?}");
        assert_eq!(refusal.article, article);
        assert_eq!(refusal.missing, ["简易程序"]);
        assert!(reads_in_chinese(&refusal.message_zh()));
    }
    let refusal = refused(d.cases().step(&case.id, &Step::DecideOnSpot));
    assert_eq!(refusal.kind, RefusalKind::NoPenaltyChosen);
    assert_eq!(refusal.missing, ["裁量建议"]);
}

#[test]
fn a_case_keeps_its_number_and_a_second_one_is_refused_in_words() {
    let phone = phone();
    let d = &phone.device;
    d.cases()
        .add_number_block(&CaseNumberBlock {
            prefix: "渝中城管罚".into(),
            year: today().year(),
            first: 1,
            last: 5,
        })
        .unwrap();
    let case = d
        .cases()
        .create(CaseKind::Ordinary, "DQ-116", "500103", today(), today())
        .unwrap();
    let number = d
        .cases()
        .assign_number(&case.id, "渝中城管罚")
        .unwrap()
        .number
        .unwrap();
    // The agency's form: no padding zeros (GB/T 9704).
    assert_eq!(number, format!("渝中城管罚〔{}〕1号", today().year()));
    let refusal = refused(d.cases().assign_number(&case.id, "渝中城管罚"));
    assert_eq!(refusal.kind, RefusalKind::AlreadyNumbered);
    assert_eq!(refusal.missing, vec![number.clone()]);
    assert_eq!(
        refusal.message_zh(),
        format!("依据《中华人民共和国行政处罚法》第四十七条：本案已有案号（{number}），不能重复编号，请使用原案号。")
    );
    assert_eq!(d.cases().numbers_left("渝中城管罚").unwrap(), 4);
}

#[test]
fn a_merge_tells_the_watchers_of_the_case_after_it_is_stored() {
    let a = phone();
    let b = phone();
    let case = a
        .device
        .cases()
        .create(CaseKind::Ordinary, "DQ-118-3", "500103", today(), today())
        .unwrap();
    let told = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = told.clone();
    let watch = b
        .device
        .cases()
        .watch(move |id| seen.lock().unwrap().push(id.to_owned()));
    let snapshot = a.device.cases().snapshot(&case.id).unwrap();
    b.device.cases().merge(&snapshot).unwrap();
    // An edit on the device itself is the app's own and tells no one.
    b.device.cases().edit(&case.id, &staffed()).unwrap();
    assert_eq!(*told.lock().unwrap(), vec![case.id.clone()]);
    drop(watch);
    b.device.cases().merge(&snapshot).unwrap();
    assert_eq!(told.lock().unwrap().len(), 1);
}
