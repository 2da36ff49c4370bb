//! Issue 11 §2, the procedure's rules at their boundaries: every refusal cites its article in
//! Chinese, Art. 60's period as a guard (day 90 and 91, an extension's last day and the day
//! after, a sector's own period), Art. 61's service records and seven working days, the roles
//! approvals need, the credentialed acting officer, and the authorship of every edit.
//! Time-dependent rules run through `procedure::plan` with the day set; the rest through the
//! device.

use chrono::{Duration, NaiveDate};
use zhifa_core::cases::procedure::{self, Service, StepContext};
use zhifa_core::cases::{
    CaseEdit, CaseError, CaseFile, CaseKind, CaseStatus, Refusal, RefusalKind, ServiceConsent,
    ServiceMethod, Step, WorkingDays,
};
use zhifa_core::discretion::{Fact, FactValue, Outcome, Suggestion};
use zhifa_core::registry::{CatalogueData, Officer, OfficerRole};
use zhifa_core::testing::{demo_catalogue, officers, person, Phone};
use zhifa_core::Error;

/// 周强 and 吴敏 work the cases; the city-management body's head and legal reviewer approve.
const ZHOU: &str = "渝50010320021";
const WU: &str = "渝50010320022";
const HEAD: &str = "渝50010320029";
const REVIEWER: &str = "渝50010320028";
/// The market-supervision body's head: the right role, another body.
const OTHER_HEAD: &str = "渝50010320009";

fn today() -> NaiveDate {
    zhifa_core::testing::today()
}

fn on_duty(data: CatalogueData, officer: &str) -> Phone {
    let phone = Phone::with_catalogue(&["50"], data);
    phone.on_duty(officer);
    phone
}

fn catalogued(credential_no: &str) -> Officer {
    demo_catalogue()
        .officers
        .into_iter()
        .find(|o| o.credential_no == credential_no)
        .expect("a demo officer")
}

fn fact(name: &str, value: impl Into<FactValue>) -> CaseEdit {
    CaseEdit::SetFact(Fact::new(name, value))
}

/// Officers, party, facts of an open-air barbecue that went on after an order, and a finding.
fn barbecue() -> Vec<CaseEdit> {
    let mut edits = officers();
    edits.push(CaseEdit::AddParty(person()));
    for (name, value) in [
        ("criminal_referral", FactValue::Bool(false)),
        ("no_fault_proven", FactValue::Bool(false)),
        ("minor_act", FactValue::Bool(false)),
        ("removed_harm", FactValue::Bool(false)),
        ("coerced", FactValue::Bool(false)),
        ("confessed", FactValue::Bool(false)),
        ("meritorious", FactValue::Bool(false)),
        ("age", FactValue::Int(40)),
        ("capacity", FactValue::Text("full".into())),
        ("first_offence", FactValue::Bool(false)),
        ("harm", FactValue::Text("general".into())),
        ("correction", FactValue::Text("refused".into())),
        ("priors_12m", FactValue::Int(0)),
        ("pollution_alert", FactValue::Bool(false)),
        ("property_value", FactValue::Int(300)),
        ("illegal_gains", FactValue::Int(0)),
    ] {
        edits.push(CaseEdit::SetFact(Fact::new(name, value)));
    }
    edits.push(CaseEdit::AppendFindings("现场检查发现露天烧烤。".into()));
    edits
}

fn file(approver: &str) -> Step {
    Step::File {
        approver: approver.into(),
    }
}

fn kind(result: Result<CaseFile, Error>) -> RefusalKind {
    refused(result).kind
}

fn refused(result: Result<CaseFile, Error>) -> Refusal {
    match result {
        Err(Error::Case(CaseError::Refused(refusal))) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn chinese(text: &str) -> bool {
    !text.chars().any(|c| c.is_ascii_alphabetic() || c == '_')
}

/// A filed ordinary case on a phone on duty as 周强, its working days and the engine's outcome.
struct Filed {
    phone: Phone,
    case: CaseFile,
    days: WorkingDays,
    outcome: Outcome,
}

fn filed_case() -> Filed {
    let phone = on_duty(demo_catalogue(), ZHOU);
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
    d.cases().edit(&case.id, &barbecue()).unwrap();
    d.cases()
        .choose_penalty(&case.id, Some(12_000), None)
        .unwrap();
    let case = d.cases().step(&case.id, &file(HEAD)).unwrap();
    let Suggestion::Outcome(outcome) = d.cases().suggest(&case.id).unwrap() else {
        panic!("the facts are complete")
    };
    let days = d.catalogue().working_days().unwrap();
    Filed {
        phone,
        case,
        days,
        outcome: *outcome,
    }
}

/// Plans `step` on `case` as 周强 on `day`, with `decision_days` from filing.
fn plan_on(
    f: &Filed,
    case: &CaseFile,
    step: &Step,
    day: NaiveDate,
    decision_days: i64,
) -> Result<Vec<zhifa_core::cases::RecordEdit>, Refusal> {
    let acting = catalogued(ZHOU);
    let approver = step.approver().map(catalogued);
    let context = StepContext {
        today: day,
        days: &f.days,
        outcome: Some(&f.outcome),
        notified_outcome: None,
        acting: &acting,
        approver: approver.as_ref(),
        decision_days,
        now: format!("{day}T09:00:00+08:00"),
    };
    procedure::plan(case, step, &context)
}

/// The filed case, notified, the statement closed and the reviews done: ready to decide.
fn ready_to_decide(case: &CaseFile) -> CaseFile {
    let mut ready = case.clone();
    let filed = ready.procedure.filed_on.unwrap();
    ready.status = CaseStatus::Notified;
    ready.procedure.notified_on = Some(filed);
    ready.procedure.notified_fine = Some(12_000);
    ready.procedure.statement_closed_on = Some(filed);
    ready.procedure.legal_review_passed_on = Some(filed);
    ready.procedure.collective_decided_on = Some(filed);
    ready
}

#[test]
fn art_60_deciding_on_day_90_is_allowed_and_on_day_91_refused() {
    let f = filed_case();
    let filed = f.case.procedure.filed_on.unwrap();
    let ready = ready_to_decide(&f.case);
    let days = procedure::DECISION_DAYS;
    assert!(plan_on(&f, &ready, &Step::Decide, filed + Duration::days(90), days).is_ok());
    let late = plan_on(&f, &ready, &Step::Decide, filed + Duration::days(91), days).unwrap_err();
    assert_eq!(late.kind, RefusalKind::DecisionPeriodExpired);
    assert_eq!(late.article, "第六十条");
    let text = late.message_zh();
    assert!(
        text.contains("九十日") && text.contains("第六十条"),
        "{text}"
    );
    assert!(chinese(&text), "{text}");
}

#[test]
fn art_60_an_extension_is_approved_in_time_and_holds_to_its_last_day() {
    let f = filed_case();
    let filed = f.case.procedure.filed_on.unwrap();
    let ready = ready_to_decide(&f.case);
    let days = procedure::DECISION_DAYS;
    let until = filed + Duration::days(120);
    let extend = |approver: &str, until: NaiveDate, reason: &str| Step::ExtendDecisionPeriod {
        approver: approver.into(),
        until,
        reason: reason.into(),
    };
    let day_90 = filed + Duration::days(90);
    // On the period's last day, by the head, to a later day: approved.
    let edits = plan_on(&f, &ready, &extend(HEAD, until, "案情复杂"), day_90, days).unwrap();
    assert!(matches!(
        &edits[..],
        [zhifa_core::cases::RecordEdit::AddExtension(e)] if e.until == until && e.approved_by == HEAD && e.reason == "案情复杂"
    ));
    // A day late, it cannot be approved after the fact.
    let after = plan_on(
        &f,
        &ready,
        &extend(HEAD, until, "案情复杂"),
        day_90 + Duration::days(1),
        days,
    );
    assert_eq!(after.unwrap_err().kind, RefusalKind::ExtensionTooLate);
    // Not beyond the period, without a reason, by someone without the authority or of
    // another body: refused.
    let same = plan_on(&f, &ready, &extend(HEAD, day_90, "案情复杂"), day_90, days);
    assert_eq!(same.unwrap_err().kind, RefusalKind::ExtensionNotLater);
    let no_reason = plan_on(&f, &ready, &extend(HEAD, until, " "), day_90, days);
    assert_eq!(no_reason.unwrap_err().kind, RefusalKind::MissingParticulars);
    let reviewer = plan_on(
        &f,
        &ready,
        &extend(REVIEWER, until, "案情复杂"),
        day_90,
        days,
    );
    assert_eq!(reviewer.unwrap_err().kind, RefusalKind::ApproverLacksRole);
    let other = plan_on(
        &f,
        &ready,
        &extend(OTHER_HEAD, until, "案情复杂"),
        day_90,
        days,
    );
    assert_eq!(other.unwrap_err().kind, RefusalKind::ApproverOfOtherBody);

    // Recorded through the device, the extension moves the deadline to its last day.
    let d = &f.phone.device;
    let extended = d
        .cases()
        .step(&f.case.id, &extend(HEAD, until, "需要补充鉴定"))
        .unwrap();
    assert_eq!(extended.extensions.len(), 1);
    assert_eq!(extended.extensions[0].approver_name, "罗志刚");
    assert_eq!(extended.extensions[0].recorded_by, ZHOU);
    let due = d.cases().deadlines(&f.case.id).unwrap();
    let decision = due.iter().find(|x| x.what == "decision").unwrap();
    assert_eq!(decision.due, until);
    assert_eq!(decision.label, "作出处罚决定期限");
    // Deciding on the extension's last day is allowed; the day after it is not.
    let ready = ready_to_decide(&extended);
    assert!(plan_on(&f, &ready, &Step::Decide, until, days).is_ok());
    let late = plan_on(&f, &ready, &Step::Decide, until + Duration::days(1), days);
    assert_eq!(late.unwrap_err().kind, RefusalKind::DecisionPeriodExpired);
}

#[test]
fn art_60_a_sectors_own_period_applies_where_the_catalogue_gives_one() {
    let f = filed_case();
    let filed = f.case.procedure.filed_on.unwrap();
    let ready = ready_to_decide(&f.case);
    assert!(plan_on(&f, &ready, &Step::Decide, filed + Duration::days(60), 60).is_ok());
    let late = plan_on(&f, &ready, &Step::Decide, filed + Duration::days(61), 60).unwrap_err();
    assert_eq!(late.kind, RefusalKind::DecisionPeriodExpired);
    assert!(
        late.message_zh().contains("六十日"),
        "{}",
        late.message_zh()
    );

    // The device reads the period off the violation's enforcement item.
    let mut data = demo_catalogue();
    let violation = data
        .violations
        .iter()
        .find(|v| v.code == "DQ-118-3")
        .unwrap()
        .item_code
        .clone();
    data.items
        .iter_mut()
        .find(|i| i.code == violation)
        .unwrap()
        .decision_days = Some(60);
    let phone = on_duty(data, ZHOU);
    let d = &phone.device;
    let case = d
        .cases()
        .create(CaseKind::Ordinary, "DQ-118-3", "500112", today(), today())
        .unwrap();
    d.cases().edit(&case.id, &barbecue()).unwrap();
    d.cases().step(&case.id, &file(HEAD)).unwrap();
    let due = d.cases().deadlines(&case.id).unwrap();
    assert_eq!(due[0].what, "decision");
    assert_eq!(due[0].due, today() + Duration::days(60));
}

#[test]
fn approvals_need_the_role_in_the_acting_officers_body() {
    let phone = on_duty(demo_catalogue(), ZHOU);
    let d = &phone.device;
    let case = d
        .cases()
        .create(CaseKind::Ordinary, "DQ-118-3", "500112", today(), today())
        .unwrap();
    d.cases().edit(&case.id, &barbecue()).unwrap();
    // The officer himself, his colleague, the reviewer: none approves filing.
    for who in [ZHOU, WU, REVIEWER] {
        let refusal = refused(d.cases().step(&case.id, &file(who)));
        assert_eq!(refusal.kind, RefusalKind::ApproverLacksRole, "{who}");
        assert_eq!(refusal.article, "第五十四条");
        assert!(refusal.message_zh().contains("立案审批"));
    }
    let unknown = refused(d.cases().step(&case.id, &file("渝00000000000")));
    assert_eq!(unknown.kind, RefusalKind::ApproverLacksRole);
    let other = refused(d.cases().step(&case.id, &file(OTHER_HEAD)));
    assert_eq!(other.kind, RefusalKind::ApproverOfOtherBody);
    assert!(
        other.message_zh().contains("钱国栋"),
        "{}",
        other.message_zh()
    );
    let filed = d.cases().step(&case.id, &file(HEAD)).unwrap();
    let approval = filed.approval(OfficerRole::FilingApproval).unwrap();
    assert_eq!(
        (approval.name.as_str(), approval.recorded_by.as_str()),
        ("罗志刚", ZHOU)
    );
    assert_eq!(approval.approved_on, today());

    // Legal review by the reviewer only; the collective decision chaired by the head only.
    let review = |who: &str| Step::PassLegalReview {
        reviewer: who.into(),
    };
    let collective = |who: &str| Step::RecordCollectiveDecision { chair: who.into() };
    assert_eq!(
        kind(d.cases().step(&case.id, &review(HEAD))),
        RefusalKind::ApproverLacksRole
    );
    assert_eq!(
        kind(d.cases().step(&case.id, &collective(REVIEWER))),
        RefusalKind::ApproverLacksRole
    );
    let reviewed = d.cases().step(&case.id, &review(REVIEWER)).unwrap();
    assert!(reviewed.procedure.legal_review_passed_on.is_some());
    let decided = d.cases().step(&case.id, &collective(HEAD)).unwrap();
    assert_eq!(decided.approvals.len(), 3);
    assert!(decided.approval(OfficerRole::CollectiveDecision).is_some());
}

#[test]
fn the_acting_officer_is_the_devices_credentialed_officer_in_the_case() {
    // No credential held: no step.
    let bare = Phone::with_catalogue(&["50"], demo_catalogue());
    let d = &bare.device;
    let case = d
        .cases()
        .create(CaseKind::Ordinary, "DQ-118-3", "500112", today(), today())
        .unwrap();
    d.cases().edit(&case.id, &barbecue()).unwrap();
    let none = refused(d.cases().step(&case.id, &file(HEAD)));
    assert_eq!(none.kind, RefusalKind::NoDutyCredential);
    assert_eq!(none.article, "第四十二条");
    assert!(chinese(&none.message_zh()));

    // A credentialed officer who does not act in this case.
    let stranger = on_duty(demo_catalogue(), "渝50010320001");
    let d = &stranger.device;
    let case = d
        .cases()
        .create(CaseKind::Ordinary, "DQ-118-3", "500112", today(), today())
        .unwrap();
    d.cases().edit(&case.id, &barbecue()).unwrap();
    let refusal = refused(d.cases().step(&case.id, &file(HEAD)));
    assert_eq!(refusal.kind, RefusalKind::NotACaseOfficer);
    assert!(refusal.message_zh().contains("渝50010320001"));

    // One who withdrew (Art. 43) no longer acts.
    let zhou = on_duty(demo_catalogue(), ZHOU);
    let d = &zhou.device;
    let case = d
        .cases()
        .create(CaseKind::Ordinary, "DQ-118-3", "500112", today(), today())
        .unwrap();
    d.cases().edit(&case.id, &barbecue()).unwrap();
    d.cases()
        .edit(
            &case.id,
            &[CaseEdit::WithdrawOfficer {
                credential_no: ZHOU.into(),
            }],
        )
        .unwrap();
    assert_eq!(
        kind(d.cases().step(&case.id, &file(HEAD))),
        RefusalKind::NotACaseOfficer
    );

    // The history names the credentialed officer and reads in Chinese.
    let case = d
        .cases()
        .create(CaseKind::Ordinary, "DQ-118-3", "500112", today(), today())
        .unwrap();
    d.cases().edit(&case.id, &barbecue()).unwrap();
    let filed = d.cases().step(&case.id, &file(HEAD)).unwrap();
    let entry = filed.history.last().unwrap();
    assert_eq!(entry.by, ZHOU);
    assert_eq!(
        (entry.step_zh.as_str(), entry.status_zh.as_str()),
        ("立案", "已立案")
    );
}

fn service(method: ServiceMethod, served_on: NaiveDate, note: &str) -> Step {
    Step::Serve {
        service: Service {
            method,
            served_on,
            recipient: "张某".into(),
            note: note.into(),
        },
    }
}

fn decided(f: &Filed, on: NaiveDate) -> CaseFile {
    let mut case = ready_to_decide(&f.case);
    case.status = CaseStatus::Decided;
    case.decision = Some(zhifa_core::cases::Decision {
        penalty: true,
        warning: false,
        fine: 12_000,
        confiscated_gains: 0,
        confiscate_property: false,
        other: vec![],
        decided_on: on,
    });
    case
}

fn served(edits: &[zhifa_core::cases::RecordEdit]) -> &zhifa_core::cases::ServiceRecord {
    edits
        .iter()
        .find_map(|e| match e {
            zhifa_core::cases::RecordEdit::AddService(s) => Some(s),
            _ => None,
        })
        .expect("a service record")
}

#[test]
fn art_61_service_within_seven_working_days_or_recorded_late() {
    let f = filed_case();
    // A Monday; the seventh working day after it is the next Wednesday but one.
    let monday = NaiveDate::from_ymd_opt(2025, 3, 3).unwrap();
    let due = procedure::service_deadline(monday, &f.days);
    assert_eq!(due, NaiveDate::from_ymd_opt(2025, 3, 12).unwrap());
    let case = decided(&f, monday);
    let days = procedure::DECISION_DAYS;
    let on_time = plan_on(&f, &case, &service(ServiceMethod::Post, due, ""), due, days).unwrap();
    assert!(!served(&on_time).late);
    assert_eq!(served(&on_time).served_by, ZHOU);
    let next = due + Duration::days(1);
    let late = plan_on(
        &f,
        &case,
        &service(ServiceMethod::Post, next, ""),
        next,
        days,
    )
    .unwrap();
    assert!(served(&late).late);

    // Deadlines: the service period shows while the decision waits, and stays overdue once
    // served late.
    let waiting = procedure::deadlines(&case, &f.days, due, days);
    let entry = waiting.iter().find(|x| x.what == "service").unwrap();
    assert_eq!((entry.due, entry.overdue), (due, false));
    assert_eq!(entry.label, "送达处罚决定书期限");
    let mut after = case.clone();
    after.status = CaseStatus::Served;
    after.services.push(served(&late).clone());
    let shown = procedure::deadlines(&after, &f.days, next, days);
    assert!(shown.iter().any(|x| x.what == "service" && x.overdue));
    after.services[0].late = false;
    let shown = procedure::deadlines(&after, &f.days, next, days);
    assert!(!shown.iter().any(|x| x.what == "service"));
}

#[test]
fn art_61_each_way_of_service_records_what_it_needs() {
    let f = filed_case();
    let monday = NaiveDate::from_ymd_opt(2025, 3, 3).unwrap();
    let case = decided(&f, monday);
    let days = procedure::DECISION_DAYS;
    let tuesday = monday + Duration::days(1);
    let refusal = |step: &Step, day: NaiveDate| plan_on(&f, &case, step, day, days).unwrap_err();
    // Electronic service only with the party's signed consent on record.
    let electronic = service(ServiceMethod::Electronic, tuesday, "");
    assert_eq!(
        refusal(&electronic, tuesday).kind,
        RefusalKind::NoServiceConsent
    );
    let mut consented = case.clone();
    consented.service_consents.push(ServiceConsent {
        address: "zhang@example.cn".into(),
        evidence_hash: "ab".into(),
    });
    assert!(plan_on(&f, &consented, &electronic, tuesday, days).is_ok());
    // Lodged, entrusted and public-notice service say how; every service names the recipient.
    for method in [
        ServiceMethod::Lodged,
        ServiceMethod::Entrusted,
        ServiceMethod::PublicNotice,
    ] {
        let refused = refusal(&service(method, tuesday, ""), tuesday);
        assert_eq!(refused.kind, RefusalKind::MissingParticulars);
        let noted = service(method, tuesday, "见证人：社区网格员李某");
        assert!(plan_on(&f, &case, &noted, tuesday, days).is_ok());
    }
    let nobody = Step::Serve {
        service: Service {
            method: ServiceMethod::Direct,
            served_on: tuesday,
            recipient: " ".into(),
            note: String::new(),
        },
    };
    assert_eq!(
        refusal(&nobody, tuesday).kind,
        RefusalKind::MissingParticulars
    );
    // Not before the decision, not in the future; on the spot only on the decision's day.
    let before = service(ServiceMethod::Direct, monday - Duration::days(1), "");
    assert_eq!(
        refusal(&before, tuesday).kind,
        RefusalKind::ServiceDateInvalid
    );
    let future = service(ServiceMethod::Direct, tuesday + Duration::days(1), "");
    assert_eq!(
        refusal(&future, tuesday).kind,
        RefusalKind::ServiceDateInvalid
    );
    let spot_later = service(ServiceMethod::OnTheSpot, tuesday, "");
    assert_eq!(
        refusal(&spot_later, tuesday).kind,
        RefusalKind::ServiceNotOnTheSpot
    );
    assert!(plan_on(
        &f,
        &case,
        &service(ServiceMethod::OnTheSpot, monday, ""),
        tuesday,
        days
    )
    .is_ok());

    // The consent must cite evidence the case holds.
    let d = &f.phone.device;
    let consent = |hash: &str| {
        CaseEdit::RecordServiceConsent(ServiceConsent {
            address: "zhang@example.cn".into(),
            evidence_hash: hash.into(),
        })
    };
    assert!(matches!(
        d.cases().edit(&f.case.id, &[consent("00")]),
        Err(Error::Case(CaseError::NoSuchEntry))
    ));
    let form = d
        .evidence()
        .add_to_case(
            &f.case.id,
            b"signed consent",
            "书证",
            "电子送达确认书",
            None,
        )
        .unwrap();
    let hash = form.evidence.last().unwrap().hash.clone();
    let with = d.cases().edit(&f.case.id, &[consent(&hash)]).unwrap();
    assert_eq!(with.service_consents.len(), 1);
}

#[test]
fn a_summary_decision_is_handed_over_on_the_spot_by_the_acting_officer() {
    let phone = on_duty(demo_catalogue(), ZHOU);
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
    let mut edits = barbecue();
    edits.extend([fact("correction", "pending")]);
    d.cases().edit(&case.id, &edits).unwrap();
    d.cases().choose_penalty(&case.id, Some(150), None).unwrap();
    let decided = d.cases().step(&case.id, &Step::DecideOnSpot).unwrap();
    let handed = &decided.services[0];
    assert_eq!(handed.method, ServiceMethod::OnTheSpot);
    assert_eq!(handed.method.name_zh(), "当场交付");
    assert_eq!(
        (handed.served_on, handed.recipient.as_str()),
        (today(), "张某")
    );
    assert_eq!(
        (handed.served_by.as_str(), handed.served_by_name.as_str()),
        (ZHOU, "周强")
    );
    assert!(!handed.late);
}

#[test]
fn an_ordinary_decision_is_served_through_the_device() {
    let f = filed_case();
    let d = &f.phone.device;
    // Walk the case to a decision on the device: notice, waiver, review, collective.
    d.cases().step(&f.case.id, &Step::Notify).unwrap();
    d.cases().step(&f.case.id, &Step::CloseStatement).unwrap();
    d.cases()
        .step(
            &f.case.id,
            &Step::PassLegalReview {
                reviewer: REVIEWER.into(),
            },
        )
        .unwrap();
    d.cases()
        .step(
            &f.case.id,
            &Step::RecordCollectiveDecision { chair: HEAD.into() },
        )
        .unwrap();
    let decided = d.cases().step(&f.case.id, &Step::Decide).unwrap();
    assert_eq!(decided.status, CaseStatus::Decided);
    let waiting = d.cases().deadlines(&f.case.id).unwrap();
    let entry = waiting.iter().find(|x| x.what == "service").unwrap();
    assert_eq!(entry.due, procedure::service_deadline(today(), &f.days));
    let served = d
        .cases()
        .step(&f.case.id, &service(ServiceMethod::Direct, today(), ""))
        .unwrap();
    assert_eq!(served.status, CaseStatus::Served);
    assert_eq!(served.procedure.served_on, Some(today()));
    assert_eq!(served.services[0].served_by, ZHOU);
}

#[test]
fn every_refusal_names_its_article_and_says_what_to_do_in_chinese() {
    use RefusalKind::*;
    // Every kind, exhaustively: a new kind without a text does not compile here.
    let sample = |kind: RefusalKind| -> (&'static str, Vec<&'static str>) {
        match kind {
            WrongStatus => ("第五十四条", vec!["已立案", "新建"]),
            WrongProcedure => ("第五十一条", vec!["简易程序"]),
            AlreadyNumbered => ("第四十七条", vec!["渝中城管罚〔2026〕1号"]),
            UnresolvedConflicts => ("第四十七条", vec!["案件情节（危害后果程度）"]),
            TwoOfficersRequired => ("第四十二条", vec!["1"]),
            NoParty => ("第五十四条", vec!["当事人"]),
            NoPenaltyChosen => ("第四十四条", vec!["裁量建议"]),
            SummaryNotAllowed => ("第五十一条", vec!["≤200"]),
            LimitationExpired => ("第三十六条", vec!["2024年1月1日"]),
            NotEnoughEvidence => ("第四十条", vec!["证据"]),
            NoHearingRight => ("第六十三条", vec![]),
            HearingRequestLate => ("第六十四条", vec!["2026年12月8日"]),
            HearingNoticeTooShort => ("第六十四条", vec!["2026年12月10日"]),
            HearingPending => ("第六十五条", vec![]),
            StatementPeriodOpen => ("第四十五条", vec!["2026年12月8日"]),
            LegalReviewRequired => ("第五十八条", vec!["法制审核"]),
            CollectiveDecisionRequired => ("第五十七条", vec!["集体讨论决定"]),
            HeavierAfterDefence => ("第四十五条", vec!["罚款人民币5000元", "罚款人民币8000元"]),
            FactsChangedAfterNotice => ("第四十四条", vec![]),
            HearingNotOffered => ("第六十四条", vec![]),
            ChoiceNoLongerLawful => ("第三十七条", vec!["罚款超过法定最高额5000元"]),
            Underpaid => ("第七十二条", vec!["5150"]),
            NothingToClose => ("第六十六条", vec!["已作出决定"]),
            NoDutyCredential => ("第四十二条", vec![]),
            NotACaseOfficer => ("第四十二条", vec!["渝50010320001"]),
            ApproverLacksRole => ("第五十四条", vec!["吴敏（渝50010320022）", "立案审批"]),
            ApproverOfOtherBody => ("第五十四条", vec!["钱国栋（渝50010320009）"]),
            DecisionPeriodExpired => ("第六十条", vec!["90", "2026年3月1日"]),
            ExtensionTooLate => ("第六十条", vec!["2026年3月1日"]),
            ExtensionNotLater => ("第六十条", vec!["2026年3月1日"]),
            MissingParticulars => ("第六十一条", vec!["受送达人"]),
            NoServiceConsent => ("第六十一条", vec!["当事人签署的电子送达确认书"]),
            ServiceDateInvalid => ("第六十一条", vec!["2026年3月1日", "2026年3月5日"]),
            ServiceNotOnTheSpot => ("第六十一条", vec![]),
        }
    };
    let all = [
        WrongStatus,
        WrongProcedure,
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
        FactsChangedAfterNotice,
        HearingNotOffered,
        ChoiceNoLongerLawful,
        Underpaid,
        NothingToClose,
        NoDutyCredential,
        NotACaseOfficer,
        ApproverLacksRole,
        ApproverOfOtherBody,
        DecisionPeriodExpired,
        ExtensionTooLate,
        ExtensionNotLater,
        MissingParticulars,
        NoServiceConsent,
        ServiceDateInvalid,
        ServiceNotOnTheSpot,
    ];
    // Says what to do: an instruction, a way forward, or where the case must stand.
    let directs = ["请", "应", "须", "不得", "只能", "不能", "不予", "不属于"];
    for kind in all {
        let (article, missing) = sample(kind);
        let text = Refusal {
            kind,
            article: article.into(),
            missing: missing.into_iter().map(String::from).collect(),
        }
        .message_zh();
        assert!(
            text.starts_with(&format!("依据《中华人民共和国行政处罚法》{article}：")),
            "{kind:?}: {text}"
        );
        assert!(chinese(&text), "{kind:?} reads {text}");
        assert!(directs.iter().any(|d| text.contains(d)), "{kind:?}: {text}");
    }
}

#[test]
fn refusals_from_the_planner_cite_an_article_and_dates_in_chinese() {
    let f = filed_case();
    let d = &f.phone.device;
    let mut seen = vec![
        refused(d.cases().step(&f.case.id, &file(HEAD))), // out of place
        refused(d.cases().step(&f.case.id, &Step::Decide)), // not notified
        refused(d.cases().step(&f.case.id, &Step::Close)),
        refused(d.cases().step(&f.case.id, &Step::HoldHearing)),
    ];
    d.cases().step(&f.case.id, &Step::Notify).unwrap();
    seen.push(refused(d.cases().step(&f.case.id, &Step::Decide))); // statement period open
    for refusal in seen {
        assert!(!refusal.article.is_empty(), "{refusal:?}");
        let text = refusal.message_zh();
        assert!(chinese(&text), "{text}");
        let iso_date = text
            .as_bytes()
            .windows(3)
            .any(|w| w[0].is_ascii_digit() && w[1] == b'-' && w[2].is_ascii_digit());
        assert!(!iso_date, "{text}");
    }
}

#[test]
fn conflicting_fields_are_named_in_chinese_in_the_refusal() {
    let a = on_duty(demo_catalogue(), ZHOU);
    let b = on_duty(demo_catalogue(), WU);
    let case = a
        .device
        .cases()
        .create(CaseKind::Ordinary, "DQ-118-3", "500112", today(), today())
        .unwrap();
    a.device.cases().edit(&case.id, &barbecue()).unwrap();
    b.device
        .cases()
        .merge(&a.device.cases().snapshot(&case.id).unwrap())
        .unwrap();
    let mut moved = zhifa_core::testing::person();
    moved.address = "重庆市渝中区七星岗街道".into();
    a.device
        .cases()
        .edit(&case.id, &[fact("harm", "slight")])
        .unwrap();
    b.device
        .cases()
        .edit(
            &case.id,
            &[
                fact("harm", "serious"),
                CaseEdit::SetParty {
                    index: 0,
                    party: moved,
                },
            ],
        )
        .unwrap();
    let mut other = zhifa_core::testing::person();
    other.address = "重庆市渝中区南纪门街道".into();
    a.device
        .cases()
        .edit(
            &case.id,
            &[CaseEdit::SetParty {
                index: 0,
                party: other,
            }],
        )
        .unwrap();
    let merged = a
        .device
        .cases()
        .merge(&b.device.cases().snapshot(&case.id).unwrap())
        .unwrap();
    let labels: Vec<&str> = merged.conflicts.iter().map(|c| c.label.as_str()).collect();
    assert!(labels.contains(&"当事人（第1项）住所或地址"), "{labels:?}");
    assert!(labels.contains(&"案件情节（危害后果程度：无、轻微、一般还是严重）"));
    let refusal = refused(a.device.cases().step(&case.id, &file(HEAD)));
    assert_eq!(refusal.kind, RefusalKind::UnresolvedConflicts);
    let text = refusal.message_zh();
    assert!(
        text.contains("住所或地址") && text.contains("危害后果程度"),
        "{text}"
    );
    assert!(
        !text.contains("facts.") && !text.contains("parties."),
        "{text}"
    );
}

#[test]
fn every_edit_is_authored_and_merges_keep_the_other_officers_authorship() {
    let a = on_duty(demo_catalogue(), ZHOU);
    let b = on_duty(demo_catalogue(), WU);
    let case = a
        .device
        .cases()
        .create(CaseKind::Ordinary, "DQ-118-3", "500112", today(), today())
        .unwrap();
    a.device.cases().edit(&case.id, &barbecue()).unwrap();
    b.device
        .cases()
        .merge(&a.device.cases().snapshot(&case.id).unwrap())
        .unwrap();
    a.device
        .cases()
        .edit(&case.id, &[fact("harm", "slight")])
        .unwrap();
    b.device
        .cases()
        .edit(&case.id, &[fact("harm", "serious")])
        .unwrap();
    a.device
        .cases()
        .merge(&b.device.cases().snapshot(&case.id).unwrap())
        .unwrap();
    a.device
        .cases()
        .edit(
            &case.id,
            &[CaseEdit::Resolve {
                field: "facts.harm".into(),
                value: "serious".into(),
            }],
        )
        .unwrap();
    a.device.cases().step(&case.id, &file(HEAD)).unwrap();

    let history = a.device.cases().history(&case.id).unwrap();
    let by = |no: &str| history.iter().filter(|e| e.credential_no == no).count();
    assert!(by(ZHOU) > 0 && by(WU) > 0, "{history:?}");
    let wu = history
        .iter()
        .find(|e| e.credential_no == WU && e.field == "facts.harm")
        .expect("吴敏's edit kept through the merge");
    assert_eq!(
        (wu.value.as_str(), wu.officer_name.as_str()),
        ("严重", "吴敏")
    );
    assert_eq!(wu.device, b.device.device_key().key_id().to_string());
    assert!(wu.label.starts_with("案件情节"));
    let settled = history.iter().find(|e| e.resolved).expect("the settling");
    assert_eq!(
        (
            settled.field.as_str(),
            settled.value.as_str(),
            settled.credential_no.as_str()
        ),
        ("facts.harm", "严重", ZHOU)
    );
    let creation = &history[0];
    assert_eq!(creation.credential_no, ZHOU);
    // Every field a person reads in the history has a Chinese name.
    assert!(
        history
            .iter()
            .all(|e| chinese(&e.label) && e.label != "其他内容"),
        "{history:?}"
    );
    assert!(creation.at_zh.contains('年'), "{}", creation.at_zh);
    assert!(history
        .iter()
        .any(|e| e.field == "status" && e.value == "已立案"));
    assert!(history
        .iter()
        .any(|e| e.field == "approvals.0" && e.value == "立案审批：罗志刚"));

    let csv = a.device.cases().history_csv(&case.id).unwrap();
    let header = csv.lines().next().unwrap();
    assert_eq!(
        header.trim_start_matches('\u{feff}'),
        "时间（北京时间）,执法人员,执法证号,设备,时间来源,操作,内容,值"
    );
    assert!(csv.contains("确认冲突取值"));
    assert_eq!(csv.lines().count(), history.len() + 1);

    // Without a credential an edit still records the device, and says no officer held one.
    let bare = Phone::with_catalogue(&["50"], demo_catalogue());
    bare.device
        .cases()
        .merge(&a.device.cases().snapshot(&case.id).unwrap())
        .unwrap();
    bare.device
        .cases()
        .edit(&case.id, &[CaseEdit::AppendFindings("补记。".into())])
        .unwrap();
    let last = bare
        .device
        .cases()
        .history(&case.id)
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(last.credential_no, "");
    assert_eq!(last.officer_name, "（未持执法证件）");
    assert_eq!(last.device, bare.device.device_key().key_id().to_string());
}

#[test]
fn an_inspections_entries_record_who_made_them() {
    use zhifa_core::inspections::{CheckResult, InspectionDoc, InspectionEdit, Task};
    let phone = on_duty(demo_catalogue(), ZHOU);
    let d = &phone.device;
    let task = Task {
        id: "YZ-2026-01-00001".into(),
        plan_id: "YZ-2026-01".into(),
        credit_code: "91500103MA5U1A0E5B".into(),
        enterprise_name: "重庆渝中大坪山城烧烤店".into(),
        division: "500103".into(),
        officers: vec![ZHOU.into(), WU.into()],
        items: vec!["YZ-SC-002".into()],
    };
    d.inspections().receive_task(&task).unwrap();
    d.inspections()
        .edit(
            &task.id,
            &[InspectionEdit::Record {
                item: "YZ-SC-002".into(),
                result: CheckResult::NonCompliant,
                note: "餐具未消毒。".into(),
            }],
        )
        .unwrap();
    let mut doc = InspectionDoc::load(&d.inspections().snapshot(&task.id).unwrap()).unwrap();
    let history = doc.audit();
    let result = history
        .iter()
        .find(|e| e.field == "checklist.YZ-SC-002.result")
        .expect("the result's author");
    assert_eq!(
        (
            result.credential_no.as_str(),
            result.label.as_str(),
            result.value.as_str()
        ),
        (ZHOU, "检查事项（YZ-SC-002）检查结果", "不符合")
    );
    assert_eq!(result.device, d.device_key().key_id().to_string());
}
