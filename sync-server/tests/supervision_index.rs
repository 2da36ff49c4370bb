//! The supervision index follows what phones sync, on SQLite and PostgreSQL: an ordinary
//! case through its steps, a departure with its reason, hostile facts, an inspection, visits
//! and the enterprises' verifications; a rebuild gives the same rows; a document that does
//! not read is skipped.

mod support;

use chrono::{Datelike, NaiveDate, Utc};
use zhifa_core::calendar::beijing_date;
use zhifa_core::cases::numbers::CaseNumberBlock;
use zhifa_core::cases::procedure::Service;
use zhifa_core::cases::{CaseEdit, CaseKind, Inquiry, ServiceMethod, Step};
use zhifa_core::codes::visit::{VerificationRecord, VisitRecord};
use zhifa_core::codes::CodeRefusal;
use zhifa_core::crypto::{sign1, Algorithm, Signer, SigningKey};
use zhifa_core::discretion::{Fact, FactValue};
use zhifa_core::events::{Envelope, EventKind, EVENT_CONTENT_TYPE};
use zhifa_core::inspections::planner::Task;
use zhifa_core::inspections::task::{CheckResult, InspectionEdit};
use zhifa_core::sync::protocol::EventUpload;
use zhifa_core::sync::{DocKind, SubjectKind};
use zhifa_core::testing::{officers, person};
use zhifa_sync_server::devices::DeviceRecord;
use zhifa_sync_server::storage::{transaction, Row, Value};
use zhifa_sync_server::supervision::index::{rebuild, Projector};
use zhifa_sync_server::{events, server};

use support::{Scratch, Server};

/// The demo's city-management officers (body B500103003): the two acting, the head who
/// approves filing and chairs the collective decision, the legal reviewer.
const OFFICER: &str = "渝50010320021";
const HEAD: &str = "渝50010320029";
const REVIEWER: &str = "渝50010320028";
const PREFIX: &str = "渝中城管罚";
const SHOP: &str = "91500103MA5U1A0B2Y";

fn today() -> NaiveDate {
    beijing_date(Utc::now())
}

fn fact(name: &str, value: impl Into<FactValue>) -> CaseEdit {
    CaseEdit::SetFact(Fact::new(name, value))
}

/// Open-air barbecue in a banned area, correction refused: the heavier tier of DQ-118-3.
fn barbecue() -> Vec<CaseEdit> {
    let mut edits = officers();
    edits.push(CaseEdit::AddParty(person()));
    edits.extend([
        fact("criminal_referral", false),
        fact("no_fault_proven", false),
        fact("minor_act", false),
        fact("removed_harm", false),
        fact("coerced", false),
        fact("confessed", false),
        fact("meritorious", false),
        fact("age", 40i64),
        fact("capacity", "full"),
        fact("first_offence", false),
        fact("harm", "general"),
        fact("correction", "refused"),
        fact("priors_12m", 0i64),
        fact("pollution_alert", false),
        fact("property_value", 300i64),
        fact("illegal_gains", 0i64),
    ]);
    edits.push(CaseEdit::AppendFindings(
        "当事人在禁止露天烧烤区域内露天烧烤食品，经劝阻拒不停止。".into(),
    ));
    edits.push(CaseEdit::AddInquiry(Inquiry {
        person: "张某".into(),
        time: Utc::now().to_rfc3339(),
        record: "问：你是否在此露天烧烤？\n答：是的。".into(),
    }));
    edits
}

/// The sv_case row of `id` as (column, value) pairs.
fn case_row(server: &Server, id: &str) -> Option<Vec<(String, Value)>> {
    const COLUMNS: &str = "status, kind, body, district, sector, item, violation, case_number,
        party_kind, filed_on, legal_review_on, collective_on, notified_on, decided_on, served_on,
        paid_on, closed_on, due_on, outcome, baseline_row, band_min, band_max, statutory_max,
        penalty, fine, departure, departure_reason, legal_review_required, collective_required,
        hearing_due, hearing_offered, services, acting_officers, uncredentialed,
        out_of_jurisdiction, steps, evidence, evidence_missing, no_penalty, late_fee";
    let row = transaction(server.state.db.as_ref(), |tx| {
        tx.query_opt(
            &format!("SELECT {COLUMNS} FROM sv_case WHERE doc_id = $1"),
            &[id.into()],
        )
    })
    .unwrap()?;
    let names = COLUMNS.split(',').map(|c| c.trim().to_owned());
    Some(names.zip(row.0).collect())
}

fn get<'a>(row: &'a [(String, Value)], column: &str) -> &'a Value {
    &row.iter().find(|(c, _)| c == column).expect(column).1
}

fn text(v: &str) -> Value {
    Value::Text(v.into())
}

fn day(d: NaiveDate) -> Value {
    Value::Text(d.to_string())
}

fn new_case(phone: &support::Phone, edits: &[CaseEdit]) -> String {
    let cases = phone.device.cases();
    let id = cases
        .create(CaseKind::Ordinary, "DQ-118-3", "500103", today(), today())
        .unwrap()
        .id;
    cases.edit(&id, edits).unwrap();
    id
}

fn enrolled(server: &Server) -> support::Phone {
    let phone = server.enrolled(OFFICER);
    phone.sync().unwrap();
    phone
        .device
        .cases()
        .add_number_block(&CaseNumberBlock {
            prefix: PREFIX.into(),
            year: today().year(),
            first: 1,
            last: 20,
        })
        .unwrap();
    phone
}

fn ordinary_case_columns_follow_its_steps(server: &Server) {
    let phone = enrolled(server);
    let cases = phone.device.cases();
    let id = new_case(&phone, &barbecue());
    phone.sync().unwrap();
    let row = case_row(server, &id).expect("indexed on its first sync");
    assert_eq!(get(&row, "status"), &text("draft"));
    assert_eq!(get(&row, "kind"), &text("ordinary"));
    assert_eq!(get(&row, "body"), &text("B500103003"));
    assert_eq!(get(&row, "district"), &text("500103"));
    assert_eq!(get(&row, "sector"), &text("城市管理"));
    assert_eq!(get(&row, "item"), &text("YZ-CG-001"));
    assert_eq!(get(&row, "party_kind"), &text("person"));
    assert_eq!(get(&row, "filed_on"), &Value::Null);
    assert_eq!(get(&row, "due_on"), &Value::Null);
    assert_eq!(get(&row, "outcome"), &text("penalty"));
    // The district's 2024 baseline is the more favourable heavier band (8,000–20,000).
    assert_eq!(get(&row, "baseline_row"), &text("YZ24-DQ1183-2"));
    assert_eq!(get(&row, "band_min"), &Value::Int(8_000));
    assert_eq!(get(&row, "band_max"), &Value::Int(20_000));
    assert_eq!(get(&row, "statutory_max"), &Value::Int(20_000));
    assert_eq!(get(&row, "acting_officers"), &Value::Int(2));
    assert_eq!(get(&row, "uncredentialed"), &Value::Int(0));
    assert_eq!(get(&row, "out_of_jurisdiction"), &Value::Int(0));
    assert_eq!(get(&row, "penalty"), &Value::Int(0));
    assert_eq!(get(&row, "decided_on"), &Value::Null);

    cases.assign_number(&id, PREFIX).unwrap();
    cases
        .step(
            &id,
            &Step::File {
                approver: HEAD.into(),
            },
        )
        .unwrap();
    phone.sync().unwrap();
    let row = case_row(server, &id).unwrap();
    assert_eq!(get(&row, "status"), &text("filed"));
    assert_eq!(get(&row, "filed_on"), &day(today()));
    assert_eq!(
        get(&row, "due_on"),
        &day(today() + chrono::Duration::days(90))
    );
    let Value::Text(number) = get(&row, "case_number") else {
        panic!("a case number")
    };
    assert!(number.contains(PREFIX), "{number}");

    cases.choose_penalty(&id, Some(12_000), None).unwrap();
    cases.step(&id, &Step::Notify).unwrap();
    cases.step(&id, &Step::CloseStatement).unwrap();
    let review = Step::PassLegalReview {
        reviewer: REVIEWER.into(),
    };
    cases.step(&id, &review).unwrap();
    let collective = Step::RecordCollectiveDecision { chair: HEAD.into() };
    cases.step(&id, &collective).unwrap();
    cases.step(&id, &Step::Decide).unwrap();
    phone.sync().unwrap();
    let row = case_row(server, &id).unwrap();
    assert_eq!(get(&row, "status"), &text("decided"));
    assert_eq!(get(&row, "notified_on"), &day(today()));
    assert_eq!(get(&row, "legal_review_on"), &day(today()));
    assert_eq!(get(&row, "collective_on"), &day(today()));
    assert_eq!(get(&row, "decided_on"), &day(today()));
    assert_eq!(get(&row, "penalty"), &Value::Int(1));
    assert_eq!(get(&row, "fine"), &Value::Int(12_000));
    assert_eq!(get(&row, "departure"), &Value::Int(0));
    // A citizen's fine of 12,000 passes Chongqing's 较大数额 of 5,000: a hearing right.
    assert_eq!(get(&row, "hearing_due"), &Value::Int(1));
    assert_eq!(get(&row, "hearing_offered"), &Value::Int(1));

    cases
        .step(
            &id,
            &Step::Serve {
                service: Service {
                    method: ServiceMethod::Direct,
                    served_on: today(),
                    recipient: "张某".into(),
                    note: String::new(),
                },
            },
        )
        .unwrap();
    cases
        .step(&id, &Step::RecordPayment { amount: 12_000 })
        .unwrap();
    cases.step(&id, &Step::Close).unwrap();
    phone.sync().unwrap();
    let row = case_row(server, &id).unwrap();
    assert_eq!(get(&row, "status"), &text("closed"));
    assert_eq!(get(&row, "served_on"), &day(today()));
    assert_eq!(get(&row, "paid_on"), &day(today()));
    assert_eq!(get(&row, "closed_on"), &day(today()));
    assert_eq!(get(&row, "services"), &Value::Int(1));
    assert_eq!(get(&row, "late_fee"), &Value::Int(0));
    let history = cases.get(&id).unwrap().history.len() as i64;
    assert!(history >= 6, "{history}");
    assert_eq!(get(&row, "steps"), &Value::Int(history));

    // The officers of the case, each once, both credentialed.
    let officers = transaction(server.state.db.as_ref(), |tx| {
        tx.query(
            "SELECT credential_no, acting, credentialed FROM sv_case_officer WHERE doc_id = $1
             ORDER BY credential_no",
            &[id.as_str().into()],
        )
    })
    .unwrap();
    let officers: Vec<(String, i64, i64)> = officers
        .iter()
        .map(|r| (r.text(0).unwrap(), r.int(1).unwrap(), r.int(2).unwrap()))
        .collect();
    assert_eq!(
        officers,
        vec![
            ("渝50010320021".into(), 1, 1),
            ("渝50010320022".into(), 1, 1)
        ]
    );
}

fn a_departure_keeps_its_reason_and_hostile_facts_do_not_break_the_round(server: &Server) {
    let phone = enrolled(server);
    let cases = phone.device.cases();
    let id = new_case(&phone, &barbecue());
    let reason = "当事人家庭经济困难，已当场停止烧烤";
    cases
        .choose_penalty(&id, Some(3_000), Some(reason.into()))
        .unwrap();
    // Another case whose facts the engine cannot read, and an officer the catalogue lacks.
    let hostile = new_case(&phone, &[]);
    cases
        .edit(
            &hostile,
            &[
                fact("age", "四十"),
                CaseEdit::AddOfficer(zhifa_core::cases::CaseOfficer {
                    credential_no: "渝99999999999".into(),
                    name: "冒名".into(),
                    verified: true,
                    withdrawn: false,
                }),
            ],
        )
        .unwrap();
    let report = phone.sync().unwrap();
    assert!(report.docs_refused.is_empty(), "{report:?}");
    let row = case_row(server, &id).unwrap();
    assert_eq!(get(&row, "fine"), &Value::Int(3_000));
    assert_eq!(get(&row, "penalty"), &Value::Int(1));
    assert_eq!(get(&row, "departure"), &Value::Int(1));
    assert_eq!(get(&row, "departure_reason"), &text(reason));
    let row = case_row(server, &hostile).expect("indexed all the same");
    assert_eq!(get(&row, "outcome"), &text("unknown"));
    assert_eq!(get(&row, "band_min"), &Value::Null);
    assert_eq!(get(&row, "acting_officers"), &Value::Int(1));
    assert_eq!(get(&row, "uncredentialed"), &Value::Int(1));
}

fn an_inspection_is_indexed(server: &Server) {
    let phone = enrolled(server);
    let inspections = phone.device.inspections();
    let task = Task {
        id: "0193a5f0-7c1e-7000-8000-00000000a001".into(),
        plan_id: "YZ-2026-12".into(),
        credit_code: SHOP.into(),
        enterprise_name: "示例餐饮店".into(),
        division: "500103".into(),
        officers: vec![OFFICER.into(), "渝50010320022".into()],
        items: vec!["YZ-CG-001".into(), "YZ-CG-002".into()],
    };
    inspections.receive_task(&task).unwrap();
    let record = InspectionEdit::Record {
        item: "YZ-CG-001".into(),
        result: CheckResult::NonCompliant,
        note: "后厨露天烧烤".into(),
    };
    inspections.edit(&task.id, &[record]).unwrap();
    phone.sync().unwrap();
    let row = transaction(server.state.db.as_ref(), |tx| {
        tx.query_opt(
            "SELECT body, district, plan_id, planned, enterprise, grade, officers, items, checked,
             findings, visit_id, visited_on FROM sv_inspection WHERE doc_id = $1",
            &[task.id.as_str().into()],
        )
    })
    .unwrap()
    .expect("indexed");
    let expected = vec![
        text("B500103003"),
        text("500103"),
        text("YZ-2026-12"),
        Value::Int(1),
        text(SHOP),
        text("A"),
        text("渝50010320021,渝50010320022"),
        Value::Int(2),
        Value::Int(1),
        Value::Int(1),
        text(""),
        Value::Null,
    ];
    assert_eq!(row.0, expected);
}

/// A device record and its key, as enrolment would make them.
fn device(kind: SubjectKind, subject: &str) -> (SigningKey, DeviceRecord) {
    let key = SigningKey::generate(Algorithm::EdDSA);
    let record = DeviceRecord {
        key_id: key.public_key().key_id().to_string(),
        public_key: key.public_key(),
        subject_kind: kind,
        subject: subject.into(),
        team: "B500103001".into(),
        divisions: vec!["500103".into()],
    };
    (key, record)
}

fn signed<T: serde::Serialize>(key: &SigningKey, id: &str, kind: EventKind, body: T) -> Vec<u8> {
    let envelope = Envelope {
        id: id.to_owned(),
        kind,
        created_at: Utc::now(),
        body,
    };
    let mut payload = Vec::new();
    ciborium::into_writer(&envelope, &mut payload).unwrap();
    sign1(payload, EVENT_CONTENT_TYPE, key).unwrap()
}

fn visit(key: &SigningKey, id: &str, officer: &str, step: u64) -> Vec<u8> {
    let now = Utc::now();
    let record = VisitRecord {
        id: id.into(),
        credit_code: SHOP.into(),
        enterprise_code_hash: "00".into(),
        enforcement_code_hash: "00".into(),
        step,
        officer: officer.into(),
        officers_present: vec![],
        gps: None,
        opened_at: now,
        wall_time: now,
        clock_trusted: true,
    };
    signed(key, id, EventKind::Visit, record)
}

fn check(key: &SigningKey, id: &str, officer: &str, step: u64, refused: bool) -> Vec<u8> {
    let now = Utc::now();
    let record = VerificationRecord {
        id: id.into(),
        code_hash: "00".into(),
        verifier_credit_code: Some(SHOP.into()),
        credential_no: Some(officer.into()),
        step: Some(step),
        refusal: refused.then_some(CodeRefusal::UnknownKey),
        verified_at: now,
        wall_time: now,
        clock_trusted: true,
    };
    signed(key, id, EventKind::CodeVerification, record)
}

fn send(server: &Server, device: &DeviceRecord, projector: &Projector, event: Vec<u8>) {
    let upload = EventUpload {
        events: vec![event.into()],
    };
    let ack = events::receive(server.state.db.as_ref(), device, &upload, Some(projector)).unwrap();
    assert_eq!(ack.acked.len(), 1, "{ack:?}");
}

fn visits(server: &Server) -> Vec<Row> {
    transaction(server.state.db.as_ref(), |tx| {
        tx.query(
            "SELECT visit_id, officer, body, district, enterprise, visited_on, verified, code_refused
             FROM sv_visit ORDER BY visit_id",
            &[],
        )
    })
    .unwrap()
}

fn visits_and_verifications_are_matched(server: &Server) {
    let projector = server.state.projection.current().unwrap();
    let (officer_key, officer) = device(SubjectKind::Officer, support::OFFICER_A);
    let (shop_key, shop) = device(SubjectKind::Enterprise, SHOP);
    let step = (Utc::now().timestamp() / 30) as u64;
    send(
        server,
        &officer,
        &projector,
        visit(&officer_key, "visit-1", support::OFFICER_A, step),
    );
    let row = |verified: i64, refused: i64, id: &str| {
        Row(vec![
            text(id),
            text(support::OFFICER_A),
            text("B500103001"),
            text("500103"),
            text(SHOP),
            day(today()),
            Value::Int(verified),
            Value::Int(refused),
        ])
    };
    assert_eq!(visits(server), vec![row(0, 0, "visit-1")]);
    // The enterprise confirms the code a few steps later: the visit is verified.
    let confirm = check(&shop_key, "check-1", support::OFFICER_A, step + 3, false);
    send(server, &shop, &projector, confirm);
    assert_eq!(visits(server), vec![row(1, 0, "visit-1")]);
    // A refused check arrives before the visit it concerns.
    let refuse = check(&shop_key, "check-2", support::OFFICER_B, step, true);
    send(server, &shop, &projector, refuse);
    let (other_key, other) = device(SubjectKind::Officer, support::OFFICER_B);
    send(
        server,
        &other,
        &projector,
        visit(&other_key, "visit-2", support::OFFICER_B, step),
    );
    let mut second = row(0, 1, "visit-2");
    second.0[1] = text(support::OFFICER_B);
    assert_eq!(visits(server), vec![row(1, 0, "visit-1"), second]);
}

/// Every index row, the time of projection left out.
fn index_rows(server: &Server) -> Vec<Vec<Row>> {
    let queries = [
        "SELECT * FROM sv_case ORDER BY doc_id",
        "SELECT * FROM sv_case_officer ORDER BY doc_id, credential_no",
        "SELECT * FROM sv_inspection ORDER BY doc_id",
        "SELECT * FROM sv_visit ORDER BY visit_id",
    ];
    transaction(server.state.db.as_ref(), |tx| {
        let mut out = Vec::new();
        for sql in queries {
            let mut rows = tx.query(sql, &[])?;
            if sql.contains("sv_case ") || sql.contains("sv_inspection") {
                // updated_at is the last column.
                for row in &mut rows {
                    row.0.pop();
                }
            }
            out.push(rows);
        }
        Ok(out)
    })
    .unwrap()
}

fn rebuild_gives_the_same_rows_and_skips_what_does_not_read(server: &Server) {
    let before = index_rows(server);
    assert!(before[0].len() >= 3 && before[2].len() == 1 && before[3].len() == 2);
    let projector = server.state.projection.current().unwrap();
    let rebuilt = rebuild(server.state.db.as_ref(), &projector).unwrap();
    assert_eq!(rebuilt.cases, before[0].len() as u64);
    assert_eq!(
        (rebuilt.inspections, rebuilt.visits, rebuilt.skipped),
        (1, 2, 0)
    );
    assert_eq!(index_rows(server), before);

    // A document that does not read as a case loses its rows and is counted as skipped.
    let id = before[0][0].text(0).unwrap();
    let indexed = transaction(server.state.db.as_ref(), |tx| {
        let mut empty = automerge::AutoCommit::new();
        projector.document(tx, (DocKind::Case, &id, "B500103003"), &mut empty, 0)
    })
    .unwrap();
    assert!(!indexed);
    assert!(case_row(server, &id).is_none());
}

fn on_each_backend(test: &str, run: impl Fn(&Server)) {
    for backend in support::backends(test) {
        let server = Server::start_on(backend, |_| {});
        run(&server);
    }
}

#[test]
fn the_index_follows_cases_inspections_and_visits_and_rebuilds_the_same() {
    on_each_backend("supervision_index", |server| {
        ordinary_case_columns_follow_its_steps(server);
        a_departure_keeps_its_reason_and_hostile_facts_do_not_break_the_round(server);
        an_inspection_is_indexed(server);
        visits_and_verifications_are_matched(server);
        rebuild_gives_the_same_rows_and_skips_what_does_not_read(server);
    });
}

#[test]
fn a_database_never_indexed_is_built_once() {
    for backend in support::backends("supervision_index_built") {
        let dir = tempfile::tempdir().unwrap();
        let url = backend.as_ref().map(|s: &Scratch| s.url.clone());
        let db = server::open_database(dir.path(), url.as_deref()).unwrap();
        let projector = Projector::new(&zhifa_core::testing::demo_catalogue());
        let first = zhifa_sync_server::supervision::index::ensure_built(db.as_ref(), &projector);
        assert!(first.unwrap().is_some(), "built the first time");
        let again = zhifa_sync_server::supervision::index::ensure_built(db.as_ref(), &projector);
        assert!(again.unwrap().is_none(), "not again");
    }
}
