//! The legal documents, rendered from cases the real procedure planner moved along on chosen
//! dates, with the demo catalogue's engine, bodies and holiday calendar: every particular the
//! law requires at the step the document records, a refusal in zh-CN naming the article and
//! what is missing before that step, Beijing times, no English anywhere, print-ready CSS.

use chrono::NaiveDate;
use zhifa_core::cases::document::{CaseDoc, CaseEdit, RecordEdit};
use zhifa_core::cases::procedure::{self, Service, StepContext};
use zhifa_core::cases::{
    CaseFile, CaseKind, EvidenceItem, Inquiry, Party, PartyKind, Refusal, RefusalKind, Step,
    WorkingDays,
};
use zhifa_core::discretion::{ChosenPenalty, Fact, FactValue, Outcome, PenaltyKind, Suggestion};
use zhifa_core::documents::{self, DocumentContext, DocumentError, DocumentKind, Lacking};
use zhifa_core::registry::EnforcementBody;
use zhifa_core::testing::{officers, person, Phone};
use zhifa_core::Error;

const BY: &str = "渝50010320021";
/// The demo body's head and its legal reviewer (roles in the catalogue).
const HEAD: &str = "渝50010320029";
const REVIEWER: &str = "渝50010320028";

fn catalogued(credential_no: &str) -> zhifa_core::registry::Officer {
    zhifa_core::testing::demo_catalogue()
        .officers
        .into_iter()
        .find(|o| o.credential_no == credential_no)
        .expect("a demo officer")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A case held in memory and moved by the planner, with the demo phone's catalogue.
struct Desk {
    phone: Phone,
    days: WorkingDays,
    body: EnforcementBody,
}

struct Held {
    doc: CaseDoc,
}

impl Desk {
    fn new() -> Desk {
        let phone = Phone::demo();
        let days = phone.device.catalogue().working_days().unwrap();
        let body = phone
            .device
            .catalogue()
            .body("B500103003")
            .unwrap()
            .unwrap();
        Desk { phone, days, body }
    }

    fn open(&self, kind: CaseKind, violation: &str, act: NaiveDate, edits: Vec<CaseEdit>) -> Held {
        let mut doc = CaseDoc::create("c-1", kind, violation, "500103", act, act).unwrap();
        doc.apply(&edits).unwrap();
        Held { doc }
    }

    fn outcome(&self, case: &CaseFile, today: NaiveDate) -> Option<Outcome> {
        let request = procedure::suggestion_request(case, today);
        match self.phone.device.discretion().suggest(&request).unwrap() {
            Suggestion::Outcome(outcome) => Some(*outcome),
            Suggestion::NeedFacts(_) => None,
        }
    }

    /// The planner's step on `today`, applied.
    fn step(&self, held: &mut Held, step: Step, today: NaiveDate) {
        self.try_step(held, step.clone(), today)
            .unwrap_or_else(|r| panic!("{step:?} on {today}: {}", r.message_zh()));
    }

    /// The officer's choice, checked against the outcome on `today` as the device does.
    fn choose(&self, held: &mut Held, chosen: ChosenPenalty, today: NaiveDate) {
        let outcome = self.outcome(&held.doc.read().unwrap(), today).unwrap();
        zhifa_core::discretion::check_choice(&outcome, &chosen).unwrap();
        held.doc
            .record(&[
                RecordEdit::ChoosePenalty {
                    fine: chosen.fine,
                    reason: chosen.reason.clone(),
                },
                RecordEdit::SetChosenPenalty(chosen),
            ])
            .unwrap();
    }

    /// The step on `today`, applied unless refused; the outcome for the notice's facts as
    /// the device computes it.
    fn try_step(&self, held: &mut Held, step: Step, today: NaiveDate) -> Result<(), Refusal> {
        let case = held.doc.read().unwrap();
        let then = case.procedure.notice.as_ref().and_then(|notice| {
            let mut then = case.clone();
            then.facts = notice.facts.clone();
            self.outcome(&then, today)
        });
        let outcome = self.outcome(&case, today);
        let acting = catalogued(BY);
        let approver = step.approver().map(catalogued);
        let context = StepContext {
            today,
            days: &self.days,
            outcome: outcome.as_ref(),
            notified_outcome: then.as_ref(),
            acting: &acting,
            approver: approver.as_ref(),
            decision_days: procedure::DECISION_DAYS,
            now: format!("{today}T09:00:00+08:00"),
        };
        let edits = procedure::plan(&case, &step, &context)?;
        held.doc.record(&edits).unwrap();
        Ok(())
    }

    fn render(
        &self,
        kind: DocumentKind,
        held: &Held,
        today: NaiveDate,
    ) -> Result<String, DocumentError> {
        let case = held.doc.read().unwrap();
        let engine = self.phone.device.discretion().engine().unwrap();
        let outcome = self.outcome(&case, today);
        let context = DocumentContext {
            body: Some(&self.body),
            violation: engine.violation(&case.violation).unwrap(),
            outcome: outcome.as_ref(),
            days: &self.days,
            today,
        };
        documents::render(kind, &case, &context)
    }

    fn ok(&self, kind: DocumentKind, held: &Held, today: NaiveDate) -> String {
        self.render(kind, held, today)
            .unwrap_or_else(|e| panic!("{kind:?}: {}", e.message_zh()))
    }
}

/// The on-site record itself: when and where it was made (finding 8: findings alone are not one).
fn onsite() -> CaseEdit {
    CaseEdit::SetOnsite {
        time: "2024-09-20 10:00".into(),
        place: "重庆市渝中区解放碑步行街".into(),
        party_signed: true,
    }
}

fn fact(name: &str, value: impl Into<FactValue>) -> CaseEdit {
    CaseEdit::SetFact(Fact::new(name, value))
}

/// Every fact the engine asks of an adult with full capacity, none of them mitigating.
fn plain_facts() -> Vec<CaseEdit> {
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

/// A barbecue in a banned zone, its owner refusing to stop: the heavier tier (10,000–20,000
/// yuan for a citizen, a hearing right from 5,000).
fn barbecue(party: Party, correction: &str) -> Vec<CaseEdit> {
    let mut edits = officers();
    edits.push(CaseEdit::AddParty(party));
    edits.extend(plain_facts());
    edits.extend([
        fact("first_offence", false),
        fact("harm", "general"),
        fact("correction", correction),
        fact("priors_12m", 0i64),
        fact("pollution_alert", false),
        fact("property_value", 300i64),
        fact("illegal_gains", 300i64),
    ]);
    edits
}

fn evidence() -> RecordEdit {
    RecordEdit::AddEvidence(EvidenceItem {
        hash: "ab".repeat(32),
        kind: "视听资料".into(),
        description: "解放碑步行街露天烧烤现场照片".into(),
        size: 1024,
        signed_metadata: vec![],
    })
}

const FINDINGS: &str = "当事人在解放碑步行街禁止露天烧烤区域内露天烧烤食品，经劝阻拒不停止。";

fn refusal(result: Result<String, DocumentError>) -> (String, Vec<Lacking>, String) {
    match result {
        Err(error @ DocumentError::Refused(_)) => {
            let message = error.message_zh();
            let DocumentError::Refused(refusal) = error;
            (refusal.article, refusal.lacking, message)
        }
        Ok(_) => panic!("rendered a document the case does not support"),
    }
}

/// What a person reads: the text of the page without its markup and style.
fn visible_text(html: &str) -> String {
    let without_style = match (html.find("<style>"), html.find("</style>")) {
        (Some(a), Some(b)) => format!("{}{}", &html[..a], &html[b + 8..]),
        _ => html.to_owned(),
    };
    let mut text = String::new();
    let mut in_tag = false;
    for c in without_style.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
}

/// ASCII letters a person would read as English or debug output: everything but unified
/// social credit codes (18 characters of digits and capitals) and URLs.
fn english_in(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric() && !":/.-_".contains(c))
        .filter(|word| word.chars().any(|c| c.is_ascii_alphabetic()))
        .filter(|word| {
            let credit_code = word.len() == 18
                && word
                    .chars()
                    .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase());
            !credit_code && !word.starts_with("http")
        })
        .map(str::to_owned)
        .collect()
}

fn assert_no_english(kind: DocumentKind, html: &str) {
    let found = english_in(&visible_text(html));
    assert!(found.is_empty(), "{kind:?} shows {found:?}");
}

/// Notified Friday 27 September 2024: five working days run to 10 October (National Day and
/// the working Sunday 29 September on the holiday calendar).
const NOTIFIED: (i32, u32, u32) = (2024, 9, 27);

/// The ordinary case, from filing through hearing, review and decision to closing, with
/// every document checked at the step that supports it and refused before.
#[test]
fn an_ordinary_case_produces_every_document_at_its_step() {
    let desk = Desk::new();
    let friday = day(NOTIFIED.0, NOTIFIED.1, NOTIFIED.2);
    let mut case = desk.open(
        CaseKind::Ordinary,
        "DQ-118-3",
        day(2024, 9, 20),
        barbecue(person(), "refused"),
    );
    // Before the findings: the decision documents would have nothing to state.
    let (article, lacking, message) =
        refusal(desk.render(DocumentKind::PenaltyDecision, &case, friday));
    assert_eq!(
        (article.as_str(), lacking),
        ("第五十九条", vec![Lacking::Decision])
    );
    assert!(
        message.contains("《行政处罚决定书》") && message.contains("第五十九条"),
        "{message}"
    );
    assert!(english_in(&message).is_empty(), "{message}");
    let (_, lacking, _) = refusal(desk.render(DocumentKind::OnsiteRecord, &case, friday));
    assert_eq!(lacking, vec![Lacking::Findings]);
    let (_, lacking, _) = refusal(desk.render(DocumentKind::InquiryRecord, &case, friday));
    assert_eq!(lacking, vec![Lacking::Inquiry]);
    let (_, lacking, _) = refusal(desk.render(DocumentKind::SummaryDecision, &case, friday));
    assert_eq!(lacking, vec![Lacking::SummaryProcedure]);

    case.doc
        .apply(&[
            CaseEdit::AppendFindings(FINDINGS.into()),
            CaseEdit::SetOnsite {
                // Stored as an instant: 16:30 UTC is half past midnight in Beijing.
                time: "2024-09-19T16:30:00Z".into(),
                place: "重庆市渝中区解放碑步行街".into(),
                party_signed: false,
            },
            CaseEdit::AddInquiry(Inquiry {
                person: "张某".into(),
                time: "2024-09-20 10:15".into(),
                record: "问：你是否在此露天烧烤？\n答：是的。".into(),
            }),
        ])
        .unwrap();
    case.doc
        .record(&[
            evidence(),
            RecordEdit::SetNumber("渝中城管罚〔2024〕12号".into()),
        ])
        .unwrap();
    let filing = desk.ok(DocumentKind::FilingApproval, &case, friday);
    assert!(filing.contains("在禁止区域内露天烧烤食品") && filing.contains("第五十四条"));
    let onsite = desk.ok(DocumentKind::OnsiteRecord, &case, friday);
    for particular in [
        "2024年9月20日00时30分",
        "重庆市渝中区解放碑步行街",
        "周强（执法证号：渝50010320021）",
        "拒绝签名",
        "申请回避",
    ] {
        assert!(
            onsite.contains(particular),
            "onsite record lacks {particular}"
        );
    }
    let inquiry = desk.ok(DocumentKind::InquiryRecord, &case, friday);
    assert!(inquiry.contains("2024年9月20日10时15分") && inquiry.contains("<p>答：是的。</p>"));
    let list = desk.ok(DocumentKind::EvidenceList, &case, friday);
    assert!(
        list.contains("解放碑步行街露天烧烤现场照片") && list.contains("询问笔录：被询问人张某")
    );
    // The order to correct: seven working days from Friday 27 September 2024 run over the
    // working Sunday 29 September and National Day to Saturday 12 October (a working day).
    let order = desk.ok(DocumentKind::OrderToCorrect, &case, friday);
    assert!(
        order.contains("于2024年10月12日前（七个工作日内）改正"),
        "{order}"
    );

    desk.step(
        &mut case,
        Step::File {
            approver: HEAD.into(),
        },
        friday,
    );
    case.doc
        .record(&[RecordEdit::ChoosePenalty {
            fine: Some(12_000),
            reason: None,
        }])
        .unwrap();
    let (article, lacking, _) = refusal(desk.render(DocumentKind::HearingNotice, &case, friday));
    assert_eq!(
        (article.as_str(), lacking),
        ("第六十四条", vec![Lacking::HearingRequest])
    );
    let (article, lacking, _) =
        refusal(desk.render(DocumentKind::LegalReviewOpinion, &case, friday));
    assert_eq!(
        (article.as_str(), lacking),
        ("第五十八条", vec![Lacking::LegalReview])
    );
    desk.step(&mut case, Step::Notify, friday);
    let notice = desk.ok(DocumentKind::NoticeOfIntendedPenalty, &case, friday);
    for particular in [
        "渝中城管罚〔2024〕12号",
        FINDINGS,
        "罚款人民币12000元",
        "没收违法所得人民币300元",
        "《中华人民共和国大气污染防治法》",
        "陈述和申辩",
        "请于2024年10月10日前（收到本告知书之日起五个工作日内）提出",
        "有权要求举行听证",
        "重庆市渝中区大坪正街160号",
        "重庆市渝中区城市管理局（印章）",
        "2024年9月27日",
    ] {
        assert!(notice.contains(particular), "notice lacks {particular}");
    }
    assert!(!notice.contains("见现场检查笔录"));
    let hearing_right = desk.ok(DocumentKind::HearingRightNotice, &case, friday);
    assert!(hearing_right.contains("2024年10月10日前"));

    let last_day = day(2024, 10, 10);
    desk.step(&mut case, Step::RequestHearing, last_day);
    let hearing = desk.ok(DocumentKind::HearingNotice, &case, last_day);
    // Seven working days ahead: Thursday 10 October to Friday 18 October.
    assert!(
        hearing.contains("2024年10月10日") && hearing.contains("不早于2024年10月18日"),
        "{hearing}"
    );
    assert!(hearing.contains("一至二人代理"));
    desk.step(&mut case, Step::HoldHearing, day(2024, 10, 18));
    desk.step(
        &mut case,
        Step::PassLegalReview {
            reviewer: REVIEWER.into(),
        },
        day(2024, 10, 21),
    );
    let review = desk.ok(DocumentKind::LegalReviewOpinion, &case, day(2024, 10, 21));
    assert!(review.contains("同意拟作出的行政处罚决定") && review.contains("2024年10月21日"));
    let (_, lacking, _) =
        refusal(desk.render(DocumentKind::CollectiveDiscussion, &case, day(2024, 10, 21)));
    assert_eq!(lacking, vec![Lacking::CollectiveDiscussion]);
    desk.step(
        &mut case,
        Step::RecordCollectiveDecision { chair: HEAD.into() },
        day(2024, 10, 21),
    );
    assert!(desk
        .ok(DocumentKind::CollectiveDiscussion, &case, day(2024, 10, 21))
        .contains("同意给予罚款人民币12000元"));
    let (_, lacking, _) =
        refusal(desk.render(DocumentKind::ServiceReceipt, &case, day(2024, 10, 21)));
    assert_eq!(lacking, vec![Lacking::Decision]);

    let decided = day(2024, 10, 22);
    desk.step(&mut case, Step::Decide, decided);
    let unserved = desk.ok(DocumentKind::PenaltyDecision, &case, decided);
    assert!(unserved.contains("请于<span class=\"fill\"></span>前（收到本决定书之日起十五日内）"));
    desk.step(
        &mut case,
        Step::Serve {
            service: Service {
                method: zhifa_core::cases::ServiceMethod::Direct,
                served_on: decided,
                recipient: "张某".into(),
                note: String::new(),
            },
        },
        decided,
    );
    let decision = desk.ok(DocumentKind::PenaltyDecision, &case, decided);
    for particular in [
        "当事人：张某",
        "身份证件号码：500103199001011234",
        "住址：重庆市渝中区解放碑街道",
        FINDINGS,
        "解放碑步行街露天烧烤现场照片",
        "依法举行了听证",
        "罚款人民币12000元",
        "请于2024年11月6日前（收到本决定书之日起十五日内）",
        "中国工商银行重庆渝中支行（账号：3100020109024588003）",
        "百分之三",
        "六十日内向重庆市渝中区人民政府申请行政复议",
        "六个月内依法向重庆市渝中区人民法院提起行政诉讼",
        "重庆市渝中区城市管理局（印章）",
        "2024年10月22日",
    ] {
        assert!(decision.contains(particular), "decision lacks {particular}");
    }
    let receipt = desk.ok(DocumentKind::ServiceReceipt, &case, decided);
    assert!(
        receipt.contains("《行政处罚决定书》渝中城管罚〔2024〕12号")
            && receipt.contains("2024年10月22日")
    );
    let (article, lacking, _) = refusal(desk.render(DocumentKind::ClosingReport, &case, decided));
    assert_eq!(
        (article.as_str(), lacking),
        ("第六十六条", vec![Lacking::Execution])
    );
    let (_, lacking, _) = refusal(desk.render(DocumentKind::NoPenaltyDecision, &case, decided));
    assert_eq!(lacking, vec![Lacking::NoPenaltyDecided]);
    desk.step(
        &mut case,
        Step::RecordPayment { amount: 12_000 },
        day(2024, 10, 30),
    );
    desk.step(&mut case, Step::Close, day(2024, 10, 31));
    let closing = desk.ok(DocumentKind::ClosingReport, &case, day(2024, 10, 31));
    assert!(
        closing.contains("当事人已于2024年10月30日缴纳人民币12000元")
            && closing.contains("2024年10月31日")
    );

    for kind in DocumentKind::ALL {
        if let Ok(html) = desk.render(kind, &case, day(2024, 10, 31)) {
            assert_no_english(kind, &html);
        }
    }
}

/// Below the hearing threshold the notice states no hearing right and the 听证告知书 is a
/// refusal; at the threshold both are there (Art. 63; Chongqing: 5,000 yuan for a citizen).
#[test]
fn the_hearing_right_appears_from_the_threshold() {
    let desk = Desk::new();
    let friday = day(NOTIFIED.0, NOTIFIED.1, NOTIFIED.2);
    for (fine, hearing) in [(4_999, false), (5_000, true)] {
        let mut case = desk.open(
            CaseKind::Ordinary,
            "DQ-118-3",
            day(2024, 9, 20),
            barbecue(person(), "pending"),
        );
        case.doc
            .apply(&[CaseEdit::AppendFindings(FINDINGS.into()), onsite()])
            .unwrap();
        case.doc
            .record(&[RecordEdit::ChoosePenalty {
                fine: Some(fine),
                reason: Some("依据现场情节".into()),
            }])
            .unwrap();
        desk.step(
            &mut case,
            Step::File {
                approver: HEAD.into(),
            },
            friday,
        );
        desk.step(&mut case, Step::Notify, friday);
        let notice = desk.ok(DocumentKind::NoticeOfIntendedPenalty, &case, friday);
        assert_eq!(notice.contains("有权要求举行听证"), hearing, "fine {fine}");
        let right = desk.render(DocumentKind::HearingRightNotice, &case, friday);
        if hearing {
            assert!(right.unwrap().contains(&format!("罚款人民币{fine}元")));
        } else {
            let (article, lacking, _) = refusal(right);
            assert_eq!(
                (article.as_str(), lacking),
                ("第六十三条", vec![Lacking::HearingRight])
            );
        }
    }
}

/// An organisation's decision names its legal representative and credit code (Art. 59 (1)).
#[test]
fn an_organisation_is_named_with_its_representative() {
    let desk = Desk::new();
    let company = Party {
        kind: PartyKind::Organisation,
        name: "重庆渝中解放碑老码头火锅餐饮有限公司".into(),
        credit_code: Some("91500103MA5U1A0B2Y".into()),
        id_number: None,
        address: "重庆市渝中区解放碑民族路88号".into(),
        representative: Some("陈大明".into()),
    };
    let friday = day(NOTIFIED.0, NOTIFIED.1, NOTIFIED.2);
    let mut case = desk.open(
        CaseKind::Ordinary,
        "DQ-118-3",
        day(2024, 9, 20),
        barbecue(company, "refused"),
    );
    case.doc
        .apply(&[CaseEdit::AppendFindings(FINDINGS.into()), onsite()])
        .unwrap();
    case.doc
        .record(&[RecordEdit::ChoosePenalty {
            fine: Some(12_000),
            reason: None,
        }])
        .unwrap();
    desk.step(
        &mut case,
        Step::File {
            approver: HEAD.into(),
        },
        friday,
    );
    desk.step(&mut case, Step::Notify, friday);
    let notice = desk.ok(DocumentKind::NoticeOfIntendedPenalty, &case, friday);
    for particular in [
        "法定代表人（负责人）：陈大明",
        "统一社会信用代码：91500103MA5U1A0B2Y",
        "住所：重庆市渝中区解放碑民族路88号",
    ] {
        assert!(notice.contains(particular), "notice lacks {particular}");
    }
    assert_no_english(DocumentKind::NoticeOfIntendedPenalty, &notice);
}

/// A summary case: the on-the-spot decision with its time and place, the named remedies,
/// every officer's signature line with the credential number and the line for a refusal to
/// sign; the ordinary procedure's documents are refusals naming Art. 51.
#[test]
fn a_summary_decision_carries_what_article_52_requires() {
    let desk = Desk::new();
    let today = day(2026, 12, 1);
    let mut edits = officers();
    edits.push(CaseEdit::AddParty(person()));
    edits.extend(plain_facts());
    edits.extend([fact("correction", "pending"), fact("priors_12m", 0i64)]);
    edits.push(CaseEdit::AppendFindings(
        "当事人在较场口随意倾倒生活垃圾。".into(),
    ));
    edits.push(CaseEdit::SetOnsite {
        time: "2026-12-01T01:05:00Z".into(),
        place: "重庆市渝中区较场口".into(),
        party_signed: true,
    });
    let mut case = desk.open(CaseKind::Summary, "GF-111-C", today, edits);
    case.doc
        .record(&[RecordEdit::ChoosePenalty {
            fine: Some(100),
            reason: None,
        }])
        .unwrap();
    let (article, lacking, message) =
        refusal(desk.render(DocumentKind::NoticeOfIntendedPenalty, &case, today));
    assert_eq!(
        (article.as_str(), lacking),
        ("第五十一条", vec![Lacking::OrdinaryProcedure])
    );
    assert!(
        message.contains("简易程序") && english_in(&message).is_empty(),
        "{message}"
    );
    desk.step(&mut case, Step::DecideOnSpot, today);
    let html = desk.ok(DocumentKind::SummaryDecision, &case, today);
    for particular in [
        "违法时间：2026年12月1日09时05分",
        "违法地点：重庆市渝中区较场口",
        "随意倾倒生活垃圾",
        "罚款人民币100元",
        "第六十八条当场收缴罚款",
        "六十日内向重庆市渝中区人民政府申请行政复议",
        "重庆市渝中区人民法院",
        "执法人员：周强　执法证号：渝50010320021　签名：",
        "执法人员：吴敏　执法证号：渝50010320022　签名：",
        "当事人签收：",
        "当事人拒绝签收的，由执法人员在此注明情况并签名",
        "重庆市渝中区城市管理局（印章）",
        "2026年12月1日",
    ] {
        assert!(
            html.contains(particular),
            "summary decision lacks {particular}"
        );
    }
    for kind in DocumentKind::ALL {
        match desk.render(kind, &case, today) {
            Ok(html) => assert_no_english(kind, &html),
            Err(DocumentError::Refused(r)) => assert!(!r.lacking.is_empty()),
        }
    }
}

/// A no-penalty decision states the statute's ground and the education given (Art. 33 ¶3);
/// the penalty decision is refused for it.
#[test]
fn a_no_penalty_decision_names_its_ground() {
    let desk = Desk::new();
    let friday = day(NOTIFIED.0, NOTIFIED.1, NOTIFIED.2);
    let mut edits = officers();
    edits.push(CaseEdit::AddParty(person()));
    edits.extend(plain_facts());
    edits.extend([
        fact("minor_act", true),
        fact("harm", "none"),
        fact("correction", "corrected"),
        fact("first_offence", true),
        fact("priors_12m", 0i64),
        fact("pollution_alert", false),
        fact("property_value", 300i64),
        fact("illegal_gains", 0i64),
    ]);
    edits.extend([CaseEdit::AppendFindings(FINDINGS.into()), onsite()]);
    let mut case = desk.open(CaseKind::Ordinary, "DQ-118-3", day(2024, 9, 20), edits);
    desk.step(
        &mut case,
        Step::File {
            approver: HEAD.into(),
        },
        friday,
    );
    // The education given (Art. 33 ¶3) is recorded with the choice, and printed.
    let educated = zhifa_core::discretion::ChosenPenalty {
        education: Some(zhifa_core::discretion::EducationRecord {
            content: "告知当事人不得占道经营".into(),
            by: BY.into(),
            at: "2024-09-27T02:00:00Z".parse().unwrap(),
        }),
        ..Default::default()
    };
    let outcome = desk.outcome(&case.doc.read().unwrap(), friday).unwrap();
    zhifa_core::discretion::check_choice(&outcome, &educated).unwrap();
    case.doc
        .record(&[RecordEdit::SetChosenPenalty(educated)])
        .unwrap();
    desk.step(&mut case, Step::Notify, friday);
    desk.step(&mut case, Step::CloseStatement, friday);
    desk.step(&mut case, Step::Decide, day(2024, 9, 30));
    let html = desk.ok(DocumentKind::NoPenaltyDecision, &case, day(2024, 9, 30));
    for particular in [
        "不予行政处罚决定书",
        "第三十三条",
        "决定对你（单位）不予行政处罚",
        "批评教育",
        "教育内容",
        "告知当事人不得占道经营",
        "2024年9月27日10时00分",
        "重庆市渝中区人民政府",
    ] {
        assert!(
            html.contains(particular),
            "no-penalty decision lacks {particular}:\n{html}"
        );
    }
    let (_, lacking, _) =
        refusal(desk.render(DocumentKind::PenaltyDecision, &case, day(2024, 9, 30)));
    assert_eq!(lacking, vec![Lacking::PenaltyDecided]);
    assert_no_english(DocumentKind::NoPenaltyDecision, &html);
}

/// Print-ready: A4 with GB/T 9704 margins, 3号仿宋 body and 2号小标宋 titles, the free
/// Noto Serif CJK SC named as the fallback.
#[test]
fn every_page_is_laid_out_for_print() {
    let css = documents::PAGE_CSS;
    for rule in [
        "@page{size:A4;margin:37mm 26mm 35mm 28mm}",
        "font-size:16pt",
        "font-size:22pt",
        "FangSong",
        "'仿宋'",
        "STFangsong",
        "'Noto Serif CJK SC'",
        "'方正小标宋简体'",
    ] {
        assert!(css.contains(rule), "print CSS lacks {rule}");
    }
}

/// Through the device: the agency is the first acting officer's body, and a document the
/// case does not support is a typed refusal in the crate's error.
#[test]
fn the_device_renders_in_the_agency_name_and_refuses_in_words() {
    let phone = Phone::demo();
    let d = &phone.device;
    let today = zhifa_core::testing::today();
    let case = d
        .cases()
        .create(CaseKind::Ordinary, "DQ-118-3", "500103", today, today)
        .unwrap();
    let mut edits = barbecue(person(), "refused");
    edits.extend([CaseEdit::AppendFindings(FINDINGS.into()), onsite()]);
    d.cases().edit(&case.id, &edits).unwrap();
    let html = d
        .cases()
        .render_document(&case.id, DocumentKind::FilingApproval)
        .unwrap();
    assert!(html.contains("<span class=\"agency\">重庆市渝中区城市管理局</span>立案审批表"));
    match d
        .cases()
        .render_document(&case.id, DocumentKind::NoticeOfIntendedPenalty)
    {
        Err(error @ Error::Document(_)) => {
            let message = error.message_zh();
            assert!(
                message.contains("第四十四条") && message.contains("拟作出的行政处罚"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
}

fn company() -> Party {
    Party {
        kind: PartyKind::Organisation,
        name: "重庆渝中解放碑老码头火锅餐饮有限公司".into(),
        credit_code: Some("91500103MA5U1A0B2Y".into()),
        id_number: None,
        address: "重庆市渝中区解放碑民族路88号".into(),
        representative: Some("陈大明".into()),
    }
}

fn organisation_facts(harm: &str, correction: &str) -> Vec<CaseEdit> {
    let mut edits = officers();
    edits.push(CaseEdit::AddParty(company()));
    edits.extend(plain_facts().into_iter().filter(
        |e| !matches!(e, CaseEdit::SetFact(f) if f.name() == "age" || f.name() == "capacity"),
    ));
    edits.extend([
        fact("first_offence", false),
        fact("priors_12m", 0i64),
        fact("harm", harm),
        fact("correction", correction),
        fact("illegal_gains", 1_000i64),
        CaseEdit::AppendFindings(FINDINGS.into()),
        onsite(),
    ]);
    edits
}

fn kind_of(result: Result<(), Refusal>) -> RefusalKind {
    result.expect_err("refused").kind
}

/// Finding 1 (Arts. 44, 45, 63-64): facts made heavier after the notice are refused at the
/// decision with Art. 44 (notify again); the decision is exactly the chosen penalty, and a
/// kind added after the notice, or a hearing right the notice did not offer, is refused.
#[test]
fn a_decision_never_adds_to_the_notice() {
    let desk = Desk::new();
    let on = day(2024, 9, 27);
    let mut case = desk.open(
        CaseKind::Ordinary,
        "SCZT-43",
        day(2024, 9, 20),
        organisation_facts("general", "refused"),
    );
    desk.step(
        &mut case,
        Step::File {
            approver: HEAD.into(),
        },
        on,
    );
    let fine_only = ChosenPenalty {
        kinds: vec![PenaltyKind::Fine, PenaltyKind::ConfiscateGains],
        fine: Some(40_000),
        confiscated_gains: Some(1_000),
        ..Default::default()
    };
    desk.choose(&mut case, fine_only.clone(), on);
    desk.step(&mut case, Step::Notify, on);
    let notice = case.doc.read().unwrap().procedure.notice.unwrap();
    assert_eq!(notice.penalty, fine_only);
    case.doc.apply(&[fact("harm", "serious")]).unwrap();
    desk.step(&mut case, Step::CloseStatement, on);
    desk.step(
        &mut case,
        Step::PassLegalReview {
            reviewer: REVIEWER.into(),
        },
        on,
    );
    desk.step(
        &mut case,
        Step::RecordCollectiveDecision { chair: HEAD.into() },
        on,
    );
    let later = day(2024, 10, 9);
    let refusal = desk.try_step(&mut case, Step::Decide, later).unwrap_err();
    assert_eq!(refusal.kind, RefusalKind::FactsChangedAfterNotice);
    assert_eq!(refusal.article, "第四十四条");
    assert!(
        refusal.message_zh().contains("重新告知"),
        "{}",
        refusal.message_zh()
    );

    // The officer chooses what the serious facts call for, closure included: the old notice
    // did not state it, so the decision is refused until the party is notified again.
    let outcome = desk.outcome(&case.doc.read().unwrap(), later).unwrap();
    assert_eq!(outcome.other, vec![PenaltyKind::OrderClosure]);
    let closure = ChosenPenalty {
        kinds: vec![
            PenaltyKind::Fine,
            PenaltyKind::ConfiscateGains,
            PenaltyKind::OrderClosure,
        ],
        fine: outcome.fine.map(|f| f.min),
        ..fine_only.clone()
    };
    desk.choose(&mut case, closure.clone(), later);
    // Notified again: closure and its hearing right are stated; the decision is exactly it.
    desk.step(&mut case, Step::Notify, later);
    let notice = case.doc.read().unwrap().procedure.notice.unwrap();
    assert!(notice.hearing_offered);
    let html = desk.ok(DocumentKind::NoticeOfIntendedPenalty, &case, later);
    assert!(html.contains("责令关闭") && html.contains("听证"), "{html}");
    let statement_open = desk.try_step(&mut case, Step::Decide, later);
    assert_eq!(kind_of(statement_open), RefusalKind::StatementPeriodOpen);
    desk.step(&mut case, Step::CloseStatement, later);
    desk.step(&mut case, Step::Decide, later);
    let decision = case.doc.read().unwrap().decision.unwrap();
    assert_eq!(decision.other, vec![PenaltyKind::OrderClosure]);
    assert_eq!(decision.fine, closure.fine.unwrap());
    assert_eq!(decision.confiscated_gains, 1_000);
    let html = desk.ok(DocumentKind::PenaltyDecision, &case, later);
    assert!(html.contains("责令关闭") && !html.contains("OrderClosure"));
}

/// Finding 2 (Art. 37): a fine chosen under 1,000–10,000 is refused at a decision on or
/// after the lighter 500–5,000 frame's first day; the day before it stands.
#[test]
fn a_decision_is_rechecked_against_the_frame_on_its_date() {
    let desk = Desk::new();
    let act = day(2026, 1, 15);
    let chosen_on = day(2026, 2, 16);
    let open = || {
        let mut case = desk.open(
            CaseKind::Ordinary,
            "SR-HW-32",
            act,
            organisation_facts("general", "pending"),
        );
        desk.step(
            &mut case,
            Step::File {
                approver: HEAD.into(),
            },
            chosen_on,
        );
        // The illegal gains are confiscated in full besides the fine (Art. 28).
        let eight = ChosenPenalty {
            kinds: vec![PenaltyKind::Fine, PenaltyKind::ConfiscateGains],
            fine: Some(8_000),
            confiscated_gains: Some(1_000),
            reason: Some("情节较重".into()),
            ..Default::default()
        };
        desk.choose(&mut case, eight, chosen_on);
        desk.step(&mut case, Step::Notify, chosen_on);
        desk.step(&mut case, Step::CloseStatement, chosen_on);
        desk.step(
            &mut case,
            Step::PassLegalReview {
                reviewer: REVIEWER.into(),
            },
            chosen_on,
        );
        desk.step(
            &mut case,
            Step::RecordCollectiveDecision { chair: HEAD.into() },
            chosen_on,
        );
        case
    };
    let mut before = open();
    desk.step(&mut before, Step::Decide, day(2026, 2, 28));
    assert_eq!(before.doc.read().unwrap().decision.unwrap().fine, 8_000);
    let mut on = open();
    let refusal = desk
        .try_step(&mut on, Step::Decide, day(2026, 3, 1))
        .unwrap_err();
    assert_eq!(refusal.kind, RefusalKind::ChoiceNoLongerLawful);
    assert_eq!(refusal.article, "第三十七条");
    assert!(refusal.message_zh().contains("重新选定处罚"));
    assert!(on.doc.read().unwrap().decision.is_none());
}
