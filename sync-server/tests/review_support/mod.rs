//! What the review tests share: case documents made by a real phone through the guarded
//! procedure (the lawful ones) or taken from it and edited without the guards, as a broken or
//! dishonest app would (the defective ones); a server's database and catalogue; documents
//! stored as the server stores them, and the index rows the projection writes for them.
#![allow(dead_code)]

use std::sync::OnceLock;

use chrono::{Datelike, Duration, NaiveDate};
use zhifa_core::cases::document::{CaseDoc, CaseEdit, DateField, RecordEdit};
use zhifa_core::cases::numbers::CaseNumberBlock;
use zhifa_core::cases::procedure::Service;
use zhifa_core::cases::{repository, CaseKind, Decision, ServiceMethod, ServiceRecord, Step};
use zhifa_core::discretion::{Fact, FactValue};
use zhifa_core::testing::{demo_catalogue, officers, person, Phone};
use zhifa_sync_server::server::{open_catalogue, open_database};
use zhifa_sync_server::storage::{transaction, Database, Value};

use crate::support;

pub const BY: &str = "渝50010320021";
pub const SECOND: &str = "渝50010320022";
pub const HEAD: &str = "渝50010320029";
pub const REVIEWER: &str = "渝50010320028";
pub const BODY: &str = "B500103003";
pub const DISTRICT: &str = "500103";

pub fn today() -> NaiveDate {
    zhifa_core::testing::today()
}

pub fn fact(name: &str, value: impl Into<FactValue>) -> CaseEdit {
    CaseEdit::SetFact(Fact::new(name, value))
}

/// Two officers, a citizen, and the facts of a barbecue whose owner refused to stop.
pub fn barbecue() -> Vec<CaseEdit> {
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
        ("illegal_gains", FactValue::Int(600)),
    ] {
        edits.push(fact(name, value));
    }
    edits
}

pub fn step(phone: &Phone, id: &str, step: Step) {
    phone.device.cases().step(id, &step).unwrap();
}

/// An ordinary case filed, numbered, evidenced, notified (12,000 yuan: a hearing right and a
/// legal review) and its statement period closed.
pub fn notified_case(phone: &Phone, number: i32) -> String {
    let cases = phone.device.cases();
    let case = cases
        .create(
            CaseKind::Ordinary,
            "DQ-118-3",
            "500112",
            today() - Duration::days(3),
            today(),
        )
        .unwrap();
    cases.edit(&case.id, &barbecue()).unwrap();
    step(
        phone,
        &case.id,
        Step::File {
            approver: HEAD.into(),
        },
    );
    cases
        .add_number_block(&CaseNumberBlock {
            prefix: "渝北城管罚".into(),
            year: today().year(),
            first: number,
            last: number,
        })
        .unwrap();
    cases.assign_number(&case.id, "渝北城管罚").unwrap();
    phone
        .device
        .evidence()
        .add_to_case(
            &case.id,
            b"\xff\xd8 grill",
            "视听资料",
            "现场烧烤照片",
            None,
        )
        .unwrap();
    cases
        .edit(
            &case.id,
            &[CaseEdit::AppendFindings(
                "当事人在禁止区域内露天烧烤，经责令改正拒不改正。".into(),
            )],
        )
        .unwrap();
    cases.choose_penalty(&case.id, Some(12_000), None).unwrap();
    step(phone, &case.id, Step::Notify);
    step(phone, &case.id, Step::CloseStatement);
    case.id
}

pub fn served(phone: &Phone, id: &str) {
    step(
        phone,
        id,
        Step::Serve {
            service: Service {
                method: ServiceMethod::Direct,
                served_on: today(),
                recipient: "张某".into(),
                note: String::new(),
            },
        },
    );
}

/// The phone's document of case `id`.
pub fn document(phone: &Phone, id: &str) -> CaseDoc {
    phone
        .device
        .store()
        .read(|c| repository::load(c, id))
        .unwrap()
}

/// The documents the tests review, by what they should show.
pub struct Made {
    /// (name, case id, document bytes, the defect codes it has)
    pub cases: Vec<(&'static str, String, Vec<u8>, Vec<&'static str>)>,
}

pub fn made() -> &'static Made {
    static MADE: OnceLock<Made> = OnceLock::new();
    MADE.get_or_init(make)
}

/// An ordinary case through the whole lawful procedure: reviewed, decided, served, paid,
/// closed.
pub fn closed_case(phone: &Phone, number: i32) -> String {
    let id = notified_case(phone, number);
    step(
        phone,
        &id,
        Step::PassLegalReview {
            reviewer: REVIEWER.into(),
        },
    );
    step(phone, &id, Step::Decide);
    served(phone, &id);
    step(phone, &id, Step::RecordPayment { amount: 12_000 });
    step(phone, &id, Step::Close);
    id
}

pub fn make() -> Made {
    let phone = Phone::with_catalogue(&["50"], demo_catalogue());
    phone.on_duty(BY);
    let mut cases = Vec::new();
    let mut push = |name, id: String, mut doc: CaseDoc, defects| {
        cases.push((name, id, doc.save(), defects));
    };

    let lawful = closed_case(&phone, 1);
    push("lawful", lawful.clone(), document(&phone, &lawful), vec![]);

    // A closed file with the filing moved four months back: decided after the 90 days.
    let late = closed_case(&phone, 4);
    let mut doc = document(&phone, &late);
    doc.record(&[RecordEdit::SetDate {
        field: DateField::Filed,
        date: today() - Duration::days(120),
    }])
    .unwrap();
    push("late_decision", late, doc, vec!["decision_period"]);

    // The notice dated before the evidence was captured.
    let early = closed_case(&phone, 5);
    let mut doc = document(&phone, &early);
    doc.record(&[RecordEdit::SetDate {
        field: DateField::Notified,
        date: today() - Duration::days(2),
    }])
    .unwrap();
    push(
        "evidence_after_notice",
        early,
        doc,
        vec!["evidence_before_notice"],
    );

    // One of the two officers withdrew: one acting.
    let alone = closed_case(&phone, 6);
    let mut doc = document(&phone, &alone);
    doc.apply(&[CaseEdit::WithdrawOfficer {
        credential_no: SECOND.into(),
    }])
    .unwrap();
    push("one_officer", alone, doc, vec!["two_officers"]);

    // Decided without the legal review its 12,000 yuan requires (the guards bypassed).
    let unreviewed = notified_case(&phone, 2);
    let mut doc = document(&phone, &unreviewed);
    let chosen = doc.read().unwrap().chosen_penalty.unwrap();
    doc.record(&[
        RecordEdit::SetDecision(Decision::of_choice(&chosen, today())),
        RecordEdit::Transition {
            status: zhifa_core::cases::CaseStatus::Decided,
            step: "decide".into(),
            at: format!("{}T10:00:00+08:00", today()),
            by: BY.into(),
        },
        RecordEdit::AddService(ServiceRecord {
            method: ServiceMethod::Direct,
            served_on: today(),
            recipient: "张某".into(),
            served_by: BY.into(),
            served_by_name: "周强".into(),
            recorded_at: format!("{}T11:00:00+08:00", today()),
            late: false,
            note: String::new(),
        }),
        RecordEdit::SetDate {
            field: DateField::Served,
            date: today(),
        },
        RecordEdit::Transition {
            status: zhifa_core::cases::CaseStatus::Served,
            step: "serve".into(),
            at: format!("{}T11:00:00+08:00", today()),
            by: BY.into(),
        },
    ])
    .unwrap();
    push("no_legal_review", unreviewed, doc, vec!["legal_review"]);

    // Decided lawfully but never served.
    let unserved = notified_case(&phone, 3);
    step(
        &phone,
        &unserved,
        Step::PassLegalReview {
            reviewer: REVIEWER.into(),
        },
    );
    step(&phone, &unserved, Step::Decide);
    let doc = document(&phone, &unserved);
    push("not_served", unserved, doc, vec!["service_record"]);

    // Lawful, summary: decided on the spot, paid, closed.
    let summary = phone
        .device
        .cases()
        .create(
            CaseKind::Summary,
            "GF-111-C",
            "500103",
            today() - Duration::days(1),
            today(),
        )
        .unwrap();
    let mut edits = officers();
    edits.push(CaseEdit::AddParty(person()));
    edits.extend(barbecue().into_iter().skip(3).take(9));
    edits.extend([fact("correction", "pending"), fact("priors_12m", 0i64)]);
    // Without its findings the on-the-spot decision cannot state the facts (Art. 52).
    edits.push(CaseEdit::AppendFindings(
        "当事人在人行道上露天烧烤。".into(),
    ));
    phone.device.cases().edit(&summary.id, &edits).unwrap();
    phone
        .device
        .cases()
        .choose_penalty(&summary.id, Some(150), None)
        .unwrap();
    step(&phone, &summary.id, Step::DecideOnSpot);
    step(&phone, &summary.id, Step::RecordPayment { amount: 150 });
    step(&phone, &summary.id, Step::Close);
    push(
        "summary",
        summary.id.clone(),
        document(&phone, &summary.id),
        vec![],
    );
    Made { cases }
}

/// A server data directory with the demo catalogue published, and its database.
pub fn server(
    scratch: &Option<support::Scratch>,
) -> (tempfile::TempDir, std::sync::Arc<dyn Database>) {
    let dir = tempfile::tempdir().unwrap();
    open_catalogue(dir.path())
        .unwrap()
        .publish(&demo_catalogue())
        .unwrap();
    let db = open_database(dir.path(), scratch.as_ref().map(|s| s.url.as_str())).unwrap();
    (dir, db)
}

/// Stores a document as the server does (one snapshot) under `id`.
pub fn store_doc(db: &dyn Database, id: &str, bytes: &[u8], seq: i64) {
    transaction(db, |tx| {
        tx.execute(
            "INSERT INTO doc (id, kind, team, division, digest, seq, last_chunk, snapshot_upto, updated_at)
             VALUES ($1, 1, $2, $3, $4, $5, 0, 0, 0)",
            &[id.into(), BODY.into(), DISTRICT.into(), vec![0u8; 32].into(), seq.into()],
        )?;
        tx.execute(
            "INSERT INTO doc_snapshot (doc_id, bytes) VALUES ($1, $2)",
            &[id.into(), bytes.to_vec().into()],
        )?;
        Ok(())
    })
    .unwrap();
}

/// The index row the projection writes, with what the review reads of it.
pub struct IndexRow<'a> {
    pub doc_id: &'a str,
    pub body: &'a str,
    pub district: &'a str,
    pub case_number: &'a str,
    pub status: &'a str,
    pub decided_on: Option<NaiveDate>,
    pub officers: &'a [&'a str],
}

pub fn index(db: &dyn Database, row: &IndexRow<'_>) {
    transaction(db, |tx| {
        // An undecided case's NULL, written as '' (`NULLIF`) for the backends' one dialect.
        let decided: Value = row.decided_on.map_or(String::new(), |d| d.to_string()).into();
        tx.execute(
            "INSERT INTO sv_case (doc_id, body, district, place, town, sector, item, violation,
                 case_number, kind, status, party_kind, enterprise, decided_on, extended, steps,
                 outcome, baseline_row, penalty, fine, confiscated, departure, departure_reason,
                 no_penalty, measures, legal_review_required, collective_required, hearing_due,
                 hearing_offered, on_the_spot_paid, late_fee, transferred, services, evidence,
                 evidence_missing, acting_officers, uncredentialed, out_of_jurisdiction, updated_at)
             VALUES ($1, $2, $3, '', '', '', '', '', $4, 'ordinary', $5, 'person', '', NULLIF($6, ''), 0, 0,
                 'penalty', '', 0, 0, 0, 0, '', '', '', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0)",
            &[
                row.doc_id.into(),
                row.body.into(),
                row.district.into(),
                row.case_number.into(),
                row.status.into(),
                decided.clone(),
            ],
        )?;
        for officer in row.officers {
            tx.execute(
                "INSERT INTO sv_case_officer (doc_id, credential_no, name, acting, credentialed)
                 VALUES ($1, $2, '', 1, 1)",
                &[row.doc_id.into(), (*officer).into()],
            )?;
        }
        Ok(())
    })
    .unwrap();
}

pub fn decided_row<'a>(doc_id: &'a str, case_number: &'a str) -> IndexRow<'a> {
    IndexRow {
        doc_id,
        body: BODY,
        district: DISTRICT,
        case_number,
        status: "closed",
        decided_on: Some(today()),
        officers: &[BY, SECOND],
    }
}
