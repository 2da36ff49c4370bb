//! The layouts of case and inspection documents pinned: documents already stored on phones and
//! servers must read the same, so every key, value type and nesting an edit writes is compared
//! with a dump taken from the layout as first shipped (case schema 1), and so is the order of
//! conflicts.

use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, Value, ROOT};
use chrono::NaiveDate;
use zhifa_core::cases::document::{CaseDoc, CaseEdit, RecordEdit};
use zhifa_core::cases::{
    Approval, CaseKind, CaseOfficer, CaseStatus, DateField, Decision, EvidenceItem, Extension,
    Inquiry, Party, PartyKind, ServiceConsent, ServiceMethod, ServiceRecord,
};
use zhifa_core::discretion::{Fact, FactValue};
use zhifa_core::inspections::{CheckResult, InspectionDoc, InspectionEdit, Task};
use zhifa_core::registry::OfficerRole;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 3, d).unwrap()
}

/// Every object, key, value type and value, maps in key order; op ids left out.
fn dump(doc: &AutoCommit, obj: &ObjId, out: &mut String) {
    let entry = |value: Value<'_>, id: ObjId, out: &mut String| match value {
        Value::Object(ObjType::Text) => {
            out.push_str(&format!("text({:?})", doc.text(&id).unwrap()))
        }
        Value::Object(_) => dump(doc, &id, out),
        Value::Scalar(s) => out.push_str(&format!("{:?}", s.as_ref())),
    };
    match doc.object_type(obj).unwrap() {
        ObjType::List => {
            out.push('[');
            for i in 0..doc.length(obj) {
                let (value, id) = doc.get(obj, i).unwrap().unwrap();
                entry(value, id, out);
                out.push_str(", ");
            }
            out.push(']');
        }
        _ => {
            out.push('{');
            for key in doc.keys(obj) {
                let (value, id) = doc.get(obj, key.as_str()).unwrap().unwrap();
                out.push_str(&format!("{key}: "));
                entry(value, id, out);
                out.push_str(", ");
            }
            out.push('}');
        }
    }
}

/// Every edit there is: the officer's, then the core's.
fn every_edit() -> (Vec<CaseEdit>, Vec<RecordEdit>) {
    let organisation = Party {
        kind: PartyKind::Organisation,
        name: "某餐饮公司".into(),
        credit_code: Some("91500103MA5U000000".into()),
        id_number: None,
        address: "渝中区".into(),
        representative: Some("李某".into()),
    };
    let person = Party {
        kind: PartyKind::Person,
        name: "张某".into(),
        credit_code: None,
        id_number: Some("500103199001011234".into()),
        address: "解放碑".into(),
        representative: None,
    };
    let officer = |no: &str, name: &str| CaseOfficer {
        credential_no: no.into(),
        name: name.into(),
        verified: true,
        withdrawn: false,
    };
    (
        vec![
            CaseEdit::AddParty(organisation.clone()),
            CaseEdit::AddParty(person),
            CaseEdit::SetParty {
                index: 0,
                party: Party {
                    name: "某餐饮有限公司".into(),
                    ..organisation
                },
            },
            CaseEdit::AddOfficer(officer("A1", "周强")),
            CaseEdit::AddOfficer(officer("A2", "吴敏")),
            CaseEdit::WithdrawOfficer {
                credential_no: "A2".into(),
            },
            CaseEdit::SetFact(Fact::new("harm", FactValue::Text("slight".into()))),
            CaseEdit::SetFact(Fact::new("priors_12m", FactValue::Int(2))),
            CaseEdit::SetFact(Fact::new("first_offence", FactValue::Bool(false))),
            CaseEdit::SetOnsite {
                time: "2025-03-01 10:00".into(),
                place: "解放碑".into(),
                party_signed: true,
            },
            CaseEdit::AppendFindings("烧烤炉两台。".into()),
            CaseEdit::AppendFindings("顾客十余人。".into()),
            CaseEdit::AddInquiry(Inquiry {
                person: "张某".into(),
                time: "10:30".into(),
                record: "问：知道吗？答：知道。".into(),
            }),
        ],
        vec![
            RecordEdit::SetNumber("渝中城管罚〔2025〕1号".into()),
            RecordEdit::AddEvidence(EvidenceItem {
                hash: "ab".repeat(32),
                kind: "视听资料".into(),
                description: "现场照片".into(),
                size: 1234,
                signed_metadata: vec![1, 2, 3],
            }),
            RecordEdit::SetSuggestion("{\"fine\":500}".into()),
            RecordEdit::ChoosePenalty {
                fine: Some(500),
                reason: None,
            },
            RecordEdit::SetDecision(Decision {
                penalty: true,
                warning: true,
                fine: 500,
                confiscated_gains: 20,
                confiscate_property: false,
                other: vec![
                    zhifa_core::discretion::PenaltyKind::OrderClosure,
                    zhifa_core::discretion::PenaltyKind::SuspendLicence,
                ],
                decided_on: day(9),
            }),
            RecordEdit::SetDate {
                field: DateField::Filed,
                date: day(2),
            },
            RecordEdit::SetDate {
                field: DateField::Notified,
                date: day(5),
            },
            RecordEdit::SetNotifiedFine(500),
            RecordEdit::SetPaidAmount(500),
            RecordEdit::Transition {
                status: CaseStatus::Filed,
                step: "file".into(),
                at: "2025-03-02T09:00:00Z".into(),
                by: "A1".into(),
            },
            RecordEdit::AddApproval(Approval {
                role: OfficerRole::FilingApproval,
                credential_no: "H1".into(),
                name: "罗某".into(),
                approved_on: day(2),
                recorded_by: "A1".into(),
            }),
            RecordEdit::AddExtension(Extension {
                approved_by: "H1".into(),
                approver_name: "罗某".into(),
                approved_on: day(20),
                until: day(30),
                reason: "案情复杂".into(),
                recorded_by: "A1".into(),
            }),
            RecordEdit::AddService(ServiceRecord {
                method: ServiceMethod::Post,
                served_on: day(12),
                recipient: "某餐饮公司".into(),
                served_by: "A1".into(),
                served_by_name: "周某".into(),
                recorded_at: "2025-03-12T09:00:00Z".into(),
                late: false,
                note: String::new(),
            }),
        ],
    )
}

fn apply(doc: &mut CaseDoc, (officer, record): (Vec<CaseEdit>, Vec<RecordEdit>)) {
    doc.apply(&officer).unwrap();
    doc.record(&record).unwrap();
    // Consent cites evidence the case already holds.
    doc.apply(&[CaseEdit::RecordServiceConsent(ServiceConsent {
        address: "party@example.cn".into(),
        evidence_hash: "ab".repeat(32),
    })])
    .unwrap();
}

fn new_case() -> CaseDoc {
    CaseDoc::create("c1", CaseKind::Ordinary, "DQ-116", "500103", day(1), day(1)).unwrap()
}

#[test]
fn every_edit_writes_the_schema_1_layout() {
    let mut case = new_case();
    let mut created = String::new();
    dump(case.automerge(), &ROOT, &mut created);
    assert_eq!(created, CREATED);
    apply(&mut case, every_edit());
    let mut edited = String::new();
    dump(case.automerge(), &ROOT, &mut edited);
    assert_eq!(edited, EDITED);
}

#[test]
fn conflicts_are_listed_in_the_same_order() {
    let mut a = new_case();
    apply(&mut a, every_edit());
    let mut b = a.fork();
    // Values unlike those already there: Automerge writes no op for an unchanged value.
    let changes = |fine: i64, harm: &str, name: &str, date: u32| {
        (
            vec![
                CaseEdit::SetFact(Fact::new("harm", FactValue::Text(harm.into()))),
                CaseEdit::SetParty {
                    index: 1,
                    party: Party {
                        kind: PartyKind::Person,
                        name: name.into(),
                        credit_code: None,
                        id_number: None,
                        address: "解放碑".into(),
                        representative: None,
                    },
                },
            ],
            vec![
                RecordEdit::SetNumber(format!("号{fine}")),
                RecordEdit::ChoosePenalty {
                    fine: Some(fine),
                    reason: Some(format!("理由{fine}")),
                },
                RecordEdit::SetDecision(Decision {
                    penalty: true,
                    warning: false,
                    fine,
                    confiscated_gains: 20,
                    confiscate_property: false,
                    other: vec![],
                    decided_on: day(date),
                }),
                RecordEdit::SetDate {
                    field: DateField::Served,
                    date: day(date),
                },
                RecordEdit::Transition {
                    status: if fine > 600 {
                        CaseStatus::Notified
                    } else {
                        CaseStatus::Decided
                    },
                    step: "step".into(),
                    at: "now".into(),
                    by: "A1".into(),
                },
            ],
        )
    };
    apply(&mut a, changes(600, "serious", "张三", 10));
    apply(&mut b, changes(800, "general", "张某某", 11));
    a.merge(&mut b).unwrap();
    let conflicts: Vec<(String, Vec<String>)> = a
        .read()
        .unwrap()
        .conflicts
        .into_iter()
        .map(|c| (c.field, c.values))
        .collect();
    let expected: Vec<(String, Vec<String>)> = CONFLICTS
        .iter()
        .map(|(field, values)| {
            (
                field.to_string(),
                values.iter().map(|v| v.to_string()).collect(),
            )
        })
        .collect();
    assert_eq!(conflicts, expected);
}

#[test]
fn inspection_edits_write_the_first_layout() {
    let task = Task {
        id: "t1".into(),
        plan_id: "p1".into(),
        credit_code: "91500103MA5U000000".into(),
        enterprise_name: "某餐饮公司".into(),
        division: "500103".into(),
        officers: vec!["A1".into(), "A2".into()],
        items: vec!["YZ-SC-001".into(), "YZ-SC-003".into()],
    };
    let mut doc = InspectionDoc::from_task(&task).unwrap();
    let mut created = String::new();
    dump(doc.automerge(), &ROOT, &mut created);
    assert_eq!(created, INSPECTION_CREATED);
    doc.apply(&[
        InspectionEdit::Record {
            item: "YZ-SC-003".into(),
            result: CheckResult::NonCompliant,
            note: "未密闭".into(),
        },
        InspectionEdit::AddEvidence {
            item: "YZ-SC-003".into(),
            hash: "ab".into(),
        },
        InspectionEdit::AttachVisit {
            visit_id: "v1".into(),
        },
    ])
    .unwrap();
    doc.link_case("YZ-SC-003", "c1").unwrap();
    let mut edited = String::new();
    dump(doc.automerge(), &ROOT, &mut edited);
    assert_eq!(edited, INSPECTION_EDITED);
}

/// Taken from the first shipped layout (`CaseDoc::create` before the shape declarations).
const CREATED: &str = r##"{act_date: Str("2025-03-01"), approvals: [], decision: {}, discovered_on: Str("2025-03-01"), evidence: [], extensions: [], facts: {}, history: [], id: Str("c1"), inquiries: [], kind: Str("ordinary"), officers: [], onsite: {findings: text(""), }, parties: [], place_division: Str("500103"), procedure: {}, schema: Int(1), service_consents: [], services: [], status: Str("draft"), violation: Str("DQ-116"), }"##;
const EDITED: &str = concat!(
    r##"{act_date: Str("2025-03-01"), "##,
    // Added within schema 1: lists of appended records, absent from older documents.
    r##"approvals: [{approved_on: Str("2025-03-02"), credential_no: Str("H1"), name: Str("罗某"), recorded_by: Str("A1"), role: Str("FilingApproval"), }, ], "##,
    r##"chosen_fine: Int(500), "##,
    r##"decision: {confiscate_property: Boolean(false), confiscated_gains: Int(20), decided_on: Str("2025-03-09"), fine: Int(500), other: Str("OrderClosure;SuspendLicence"), penalty: Boolean(true), warning: Boolean(true), }, "##,
    r##"discovered_on: Str("2025-03-01"), "##,
    r##"evidence: [{description: Str("现场照片"), hash: Str("abababababababababababababababababababababababababababababababab"), kind: Str("视听资料"), signed_metadata: Bytes([1, 2, 3]), size: Uint(1234), }, ], "##,
    r##"extensions: [{approved_by: Str("H1"), approved_on: Str("2025-03-20"), approver_name: Str("罗某"), reason: Str("案情复杂"), recorded_by: Str("A1"), until: Str("2025-03-30"), }, ], "##,
    r##"facts: {first_offence: Boolean(false), harm: Str("slight"), priors_12m: Int(2), }, "##,
    r##"history: [{at: Str("2025-03-02T09:00:00Z"), by: Str("A1"), status: Str("filed"), step: Str("file"), }, ], "##,
    r##"id: Str("c1"), "##,
    r##"inquiries: [{person: Str("张某"), record: text("问：知道吗？答：知道。"), time: Str("10:30"), }, ], "##,
    r##"kind: Str("ordinary"), "##,
    r##"number: Str("渝中城管罚〔2025〕1号"), "##,
    r##"officers: [{credential_no: Str("A1"), name: Str("周强"), verified: Boolean(true), withdrawn: Boolean(false), }, {credential_no: Str("A2"), name: Str("吴敏"), verified: Boolean(true), withdrawn: Boolean(true), }, ], "##,
    r##"onsite: {findings: text("烧烤炉两台。顾客十余人。"), party_signed: Boolean(true), place: Str("解放碑"), time: Str("2025-03-01 10:00"), }, "##,
    r##"override_reason: Null, "##,
    r##"parties: [{address: Str("渝中区"), credit_code: Str("91500103MA5U000000"), id_number: Null, kind: Str("organisation"), name: Str("某餐饮有限公司"), representative: Str("李某"), }, {address: Str("解放碑"), credit_code: Null, id_number: Str("500103199001011234"), kind: Str("person"), name: Str("张某"), representative: Null, }, ], "##,
    r##"place_division: Str("500103"), "##,
    r##"procedure: {filed_on: Str("2025-03-02"), notified_fine: Int(500), notified_on: Str("2025-03-05"), paid_amount: Int(500), }, "##,
    r##"schema: Int(1), "##,
    r##"service_consents: [{address: Str("party@example.cn"), evidence_hash: Str("abababababababababababababababababababababababababababababababab"), }, ], "##,
    r##"services: [{late: Boolean(false), method: Str("post"), note: Str(""), recipient: Str("某餐饮公司"), recorded_at: Str("2025-03-12T09:00:00Z"), served_by: Str("A1"), served_by_name: Str("周某"), served_on: Str("2025-03-12"), }, ], "##,
    r##"status: Str("filed"), "##,
    r##"suggestion: Str("{\"fine\":500}"), "##,
    r##"violation: Str("DQ-116"), "##,
    r##"}"##,
);
const CONFLICTS: &[(&str, &[&str])] = &[
    ("status", &["decided", "notified"]),
    ("number", &["号600", "号800"]),
    ("chosen_fine", &["600", "800"]),
    ("override_reason", &["理由600", "理由800"]),
    ("facts.harm", &["general", "serious"]),
    ("parties.1.name", &["张三", "张某某"]),
    ("decision.decided_on", &["2025-03-10", "2025-03-11"]),
    ("decision.fine", &["600", "800"]),
    ("procedure.served_on", &["2025-03-10", "2025-03-11"]),
];
/// Taken from the first shipped inspection layout.
const INSPECTION_CREATED: &str = r##"{checklist: {YZ-SC-001: {evidence: [], note: Str(""), }, YZ-SC-003: {evidence: [], note: Str(""), }, }, credit_code: Str("91500103MA5U000000"), division: Str("500103"), enterprise_name: Str("某餐饮公司"), id: Str("t1"), officers: [Str("A1"), Str("A2"), ], plan_id: Str("p1"), }"##;
const INSPECTION_EDITED: &str = r##"{checklist: {YZ-SC-001: {evidence: [], note: Str(""), }, YZ-SC-003: {case_id: Str("c1"), evidence: [Str("ab"), ], note: Str("未密闭"), result: Str("non_compliant"), }, }, credit_code: Str("91500103MA5U000000"), division: Str("500103"), enterprise_name: Str("某餐饮公司"), id: Str("t1"), officers: [Str("A1"), Str("A2"), ], plan_id: Str("p1"), visit_id: Str("v1"), }"##;

/// A case file written before the procedure's lists existed reads with them empty, and the
/// first approval creates its list.
#[test]
fn a_case_from_before_the_procedure_lists_still_reads() {
    use automerge::transaction::Transactable;
    let mut case = new_case();
    for key in ["approvals", "extensions", "services", "service_consents"] {
        case.automerge().delete(ROOT, key).unwrap();
    }
    let read = case.read().unwrap();
    assert!(read.approvals.is_empty() && read.services.is_empty());
    case.record(&[RecordEdit::AddApproval(Approval {
        role: OfficerRole::LegalReview,
        credential_no: "R1".into(),
        name: "唐某".into(),
        approved_on: day(3),
        recorded_by: "A1".into(),
    })])
    .unwrap();
    assert_eq!(
        case.read().unwrap().approvals[0].role,
        OfficerRole::LegalReview
    );
}
