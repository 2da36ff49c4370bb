//! Case-file review (案卷评查) and outside outcomes (复议/诉讼) on SQLite and PostgreSQL.
//! Case documents are made by a real phone through the guarded procedure (the lawful ones), or
//! taken from it and edited without the guards, as a broken or dishonest app would (the
//! defective ones); they are stored as the server stores documents, with the index rows the
//! projection writes for them inserted by hand.

mod support;

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
use zhifa_sync_server::supervision::outcomes::{self, ImportError, RowRefusal};
use zhifa_sync_server::supervision::review::{self, By, Over, Rate};
use zhifa_sync_server::supervision::Scope;

const BY: &str = "渝50010320021";
const SECOND: &str = "渝50010320022";
const HEAD: &str = "渝50010320029";
const REVIEWER: &str = "渝50010320028";
const BODY: &str = "B500103003";
const DISTRICT: &str = "500103";

fn today() -> NaiveDate {
    zhifa_core::testing::today()
}

fn fact(name: &str, value: impl Into<FactValue>) -> CaseEdit {
    CaseEdit::SetFact(Fact::new(name, value))
}

/// Two officers, a citizen, and the facts of a barbecue whose owner refused to stop.
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
        ("illegal_gains", FactValue::Int(600)),
    ] {
        edits.push(fact(name, value));
    }
    edits
}

fn step(phone: &Phone, id: &str, step: Step) {
    phone.device.cases().step(id, &step).unwrap();
}

/// An ordinary case filed, numbered, evidenced, notified (12,000 yuan: a hearing right and a
/// legal review) and its statement period closed.
fn notified_case(phone: &Phone, number: u32) -> String {
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

fn served(phone: &Phone, id: &str) {
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
fn document(phone: &Phone, id: &str) -> CaseDoc {
    phone
        .device
        .store()
        .read(|c| repository::load(c, id))
        .unwrap()
}

/// The documents the tests review, by what they should show.
struct Made {
    /// (name, document bytes, the defect codes it has)
    cases: Vec<(&'static str, Vec<u8>, Vec<&'static str>)>,
}

fn made() -> &'static Made {
    static MADE: OnceLock<Made> = OnceLock::new();
    MADE.get_or_init(make)
}

fn make() -> Made {
    let phone = Phone::with_catalogue(&["50"], demo_catalogue());
    phone.on_duty(BY);
    let mut cases = Vec::new();

    // Lawful, ordinary: reviewed, decided, served, paid, closed.
    let lawful = notified_case(&phone, 1);
    step(
        &phone,
        &lawful,
        Step::PassLegalReview {
            reviewer: REVIEWER.into(),
        },
    );
    step(&phone, &lawful, Step::Decide);
    served(&phone, &lawful);
    step(&phone, &lawful, Step::RecordPayment { amount: 12_000 });
    step(&phone, &lawful, Step::Close);
    let mut doc = document(&phone, &lawful);
    cases.push(("lawful", doc.save(), vec![]));

    // The same file with the filing moved four months back: decided after the 90 days.
    let mut late = doc.fork();
    late.record(&[RecordEdit::SetDate {
        field: DateField::Filed,
        date: today() - Duration::days(120),
    }])
    .unwrap();
    cases.push(("late_decision", late.save(), vec!["decision_period"]));

    // The notice dated before the evidence was captured.
    let mut early = doc.fork();
    early
        .record(&[RecordEdit::SetDate {
            field: DateField::Notified,
            date: today() - Duration::days(2),
        }])
        .unwrap();
    cases.push((
        "evidence_after_notice",
        early.save(),
        vec!["evidence_before_notice"],
    ));

    // One of the two officers withdrew: one acting.
    let mut alone = doc.fork();
    alone
        .apply(&[CaseEdit::WithdrawOfficer {
            credential_no: SECOND.into(),
        }])
        .unwrap();
    cases.push(("one_officer", alone.save(), vec!["two_officers"]));

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
    cases.push(("no_legal_review", doc.save(), vec!["legal_review"]));

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
    cases.push((
        "not_served",
        document(&phone, &unserved).save(),
        vec!["service_record"],
    ));

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
    cases.push(("summary", document(&phone, &summary.id).save(), vec![]));
    Made { cases }
}

/// A server data directory with the demo catalogue published, and its database.
fn server(scratch: &Option<support::Scratch>) -> (tempfile::TempDir, std::sync::Arc<dyn Database>) {
    let dir = tempfile::tempdir().unwrap();
    open_catalogue(dir.path())
        .unwrap()
        .publish(&demo_catalogue())
        .unwrap();
    let db = open_database(dir.path(), scratch.as_ref().map(|s| s.url.as_str())).unwrap();
    (dir, db)
}

/// Stores a document as the server does (one snapshot) under `id`.
fn store_doc(db: &dyn Database, id: &str, bytes: &[u8], seq: i64) {
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
struct IndexRow<'a> {
    doc_id: &'a str,
    body: &'a str,
    district: &'a str,
    case_number: &'a str,
    status: &'a str,
    decided_on: Option<NaiveDate>,
    officers: &'a [&'a str],
}

fn index(db: &dyn Database, row: &IndexRow<'_>) {
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

fn decided_row<'a>(doc_id: &'a str, case_number: &'a str) -> IndexRow<'a> {
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

#[test]
fn a_lawful_case_scores_100_and_each_defect_is_found_on_the_case_that_has_it() {
    let made = made();
    for scratch in support::backends("review_checklist") {
        let (dir, db) = server(&scratch);
        for (seq, (name, bytes, _)) in made.cases.iter().enumerate() {
            store_doc(db.as_ref(), name, bytes, seq as i64 + 1);
            index(db.as_ref(), &decided_row(name, name));
        }
        // A hostile document under a case's kind, and a drawn case whose document is gone.
        store_doc(db.as_ref(), "hostile", b"not automerge at all", 100);
        index(db.as_ref(), &decided_row("hostile", "h"));
        index(db.as_ref(), &decided_row("gone", "g"));

        let period = (today() - Duration::days(1), today());
        let sample =
            review::draw(db.as_ref(), &Scope::City, period, Rate::All, 7, "评查员甲").unwrap();
        assert_eq!(sample.cases.len(), made.cases.len() + 2);
        let catalogue = open_catalogue(dir.path()).unwrap();
        let report = review::score_sample(db.as_ref(), &catalogue, &sample.id, "评查员甲").unwrap();
        assert_eq!(report.scored, made.cases.len());
        assert_eq!(
            report.skipped,
            vec!["gone".to_string(), "hostile".to_string()]
        );

        for (name, _, expected) in &made.cases {
            let row = transaction(db.as_ref(), |tx| {
                tx.query_opt(
                    "SELECT score, defects, details, body, reviewer FROM sv_review
                     WHERE sample_id = $1 AND doc_id = $2",
                    &[sample.id.clone().into(), (*name).into()],
                )
            })
            .unwrap()
            .unwrap();
            let codes: Vec<String> = serde_json::from_str(&row.text(1).unwrap()).unwrap();
            let details: Vec<review::Defect> = serde_json::from_str(&row.text(2).unwrap()).unwrap();
            assert_eq!(codes, *expected, "{name}: {details:#?}");
            let lost: i64 = expected
                .iter()
                .map(|code| review::checklist::item_of(code).unwrap().points)
                .sum();
            assert_eq!(row.int(0).unwrap(), 100 - lost, "{name}");
            assert!(details.iter().all(|d| d
                .text
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))));
            assert_eq!(
                (row.text(3).unwrap(), row.text(4).unwrap()),
                (BODY.into(), "评查员甲".into())
            );
        }
    }
}

#[test]
fn the_sample_is_the_same_for_the_same_seed_and_recorded() {
    for scratch in support::backends("review_sample") {
        let (_dir, db) = server(&scratch);
        let ids: Vec<String> = (0..40).map(|i| format!("case-{i:02}")).collect();
        for (i, id) in ids.iter().enumerate() {
            let other_district = i % 4 == 3;
            index(
                db.as_ref(),
                &IndexRow {
                    doc_id: id,
                    body: if other_district { "B500112001" } else { BODY },
                    district: if other_district { "500112" } else { DISTRICT },
                    case_number: id,
                    status: if i % 5 == 4 { "notified" } else { "decided" },
                    decided_on: (i % 5 != 4).then(|| today() - Duration::days(i as i64 % 3)),
                    officers: &[BY],
                },
            );
        }
        // Out of the period: never drawn.
        index(
            db.as_ref(),
            &IndexRow {
                decided_on: Some(today() - Duration::days(400)),
                ..decided_row("old", "old")
            },
        );
        let period = (today() - Duration::days(30), today());
        let city = Scope::City;
        let first = review::draw(db.as_ref(), &city, period, Rate::Percent(30), 42, "甲").unwrap();
        let again = review::draw(db.as_ref(), &city, period, Rate::Percent(30), 42, "乙").unwrap();
        let other = review::draw(db.as_ref(), &city, period, Rate::Percent(30), 43, "甲").unwrap();
        // 32 decided in the period: 30 % is 10 (rounded up).
        assert_eq!(first.cases.len(), 10);
        assert_eq!(first.cases, again.cases);
        assert_ne!(first.cases, other.cases);
        assert_ne!(first.id, again.id, "each draw is its own record");
        assert!(!first.cases.contains(&"old".to_string()));
        let population: Vec<String> = ids
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 5 != 4)
            .map(|(_, id)| id.clone())
            .collect();
        assert_eq!(
            review::pick(&population, Rate::Percent(30), 42),
            first.cases
        );

        // Recorded: seed, rate, who, when, and the cases drawn.
        let stored = transaction(db.as_ref(), |tx| review::sample::sample(tx, &first.id))
            .unwrap()
            .unwrap();
        assert_eq!(stored, first);
        assert_eq!(
            (stored.seed, stored.rate.as_str(), stored.drawn_by.as_str()),
            (42, "30%", "甲")
        );

        // A district's sample holds only its bodies' cases.
        let district = Scope::District("500112".into());
        let theirs = review::draw(db.as_ref(), &district, period, Rate::All, 1, "丙").unwrap();
        let expected: Vec<String> = population
            .iter()
            .filter(|id| id[5..].parse::<usize>().unwrap() % 4 == 3)
            .cloned()
            .collect();
        assert_eq!(theirs.cases, expected);
        assert!(review::draw(
            db.as_ref(),
            &city,
            (today(), today() - Duration::days(1)),
            Rate::All,
            1,
            "甲"
        )
        .is_err());
    }
    assert_eq!(Rate::parse("10%"), Some(Rate::Percent(10)));
    assert_eq!(Rate::parse("all"), Some(Rate::All));
    assert_eq!(Rate::parse("0"), None);
    assert_eq!(Rate::parse("150%"), None);
}

/// A review row written by hand: (sample, doc, score, defect codes, reviewed at).
fn reviewed(db: &dyn Database, sample: &str, doc: &str, score: i64, defects: &[&str], at: i64) {
    transaction(db, |tx| {
        tx.execute(
            "INSERT INTO sv_review (sample_id, doc_id, body, score, defects, reviewer, reviewed_at)
             SELECT $1, doc_id, body, $3, $4, '甲', $5 FROM sv_case WHERE doc_id = $2",
            &[
                sample.into(),
                doc.into(),
                score.into(),
                serde_json::to_string(defects).unwrap().into(),
                at.into(),
            ],
        )?;
        Ok(())
    })
    .unwrap();
}

#[test]
fn summary_by_body_and_officer_over_a_sample_or_a_period() {
    for scratch in support::backends("review_summary") {
        let (_dir, db) = server(&scratch);
        let db = db.as_ref();
        index(
            db,
            &IndexRow {
                officers: &[BY, SECOND],
                ..decided_row("a1", "a1")
            },
        );
        index(
            db,
            &IndexRow {
                officers: &[BY],
                ..decided_row("a2", "a2")
            },
        );
        index(
            db,
            &IndexRow {
                body: "B500112001",
                district: "500112",
                officers: &["渝50011220001"],
                ..decided_row("b1", "b1")
            },
        );
        reviewed(db, "s1", "a1", 100, &[], 1);
        reviewed(db, "s1", "a2", 70, &["legal_review", "documents"], 1);
        reviewed(db, "s1", "b1", 85, &["service_period"], 1);
        // Reviewed again in a later sample: over the period, the later review counts.
        reviewed(db, "s2", "a2", 80, &["documents"], 2);

        let by_body = |scope: &Scope, over: &Over| {
            transaction(db, |tx| review::summary(tx, scope, By::Body, over)).unwrap()
        };
        let sample = by_body(&Scope::City, &Over::Sample("s1".into()));
        assert_eq!(sample.len(), 2);
        assert_eq!(
            (
                sample[0].key.as_str(),
                sample[0].cases,
                sample[0].mean_score
            ),
            (BODY, 2, 85.0)
        );
        assert_eq!(sample[0].defects_by_code.get("legal_review"), Some(&1));
        assert_eq!(
            (sample[1].key.as_str(), sample[1].mean_score),
            ("B500112001", 85.0)
        );

        let period = Over::Period(today() - Duration::days(1), today());
        let latest = by_body(&Scope::District(DISTRICT.into()), &period);
        assert_eq!(latest.len(), 1, "a district sees only its bodies");
        assert_eq!((latest[0].cases, latest[0].mean_score), (2, 90.0));
        assert_eq!(latest[0].defects_by_code.get("documents"), Some(&1));
        assert_eq!(latest[0].defects_by_code.get("legal_review"), None);

        let officers = transaction(db, |tx| {
            review::summary(tx, &Scope::City, By::Officer, &Over::Sample("s1".into()))
        })
        .unwrap();
        let figure = |key: &str| officers.iter().find(|f| f.key == key).unwrap().clone();
        assert_eq!((figure(BY).cases, figure(BY).mean_score), (2, 85.0));
        assert_eq!(
            (figure(SECOND).cases, figure(SECOND).mean_score),
            (1, 100.0)
        );
        assert_eq!(
            figure("渝50011220001")
                .defects_by_code
                .get("service_period"),
            Some(&1)
        );
    }
}

#[test]
fn outcomes_import_good_rows_refuse_bad_ones_by_line_and_reimport_idempotently() {
    let yesterday = today() - Duration::days(1);
    let tomorrow = today() + Duration::days(1);
    let file = format!(
        "\u{feff}案号,类别,结果,决定日期,机关\n\
         渝中城管罚〔2026〕1号,复议,撤销,{yesterday},重庆市渝中区人民政府\n\
         渝中城管罚〔2026〕1号,诉讼,维持,2026/3/5,重庆市渝中区人民法院\n\
         ,复议,维持,{yesterday},甲\n\
         渝中城管罚〔2026〕2号,仲裁,维持,{yesterday},甲\n\
         渝中城管罚〔2026〕2号,复议,很好,{yesterday},甲\n\
         渝中城管罚〔2026〕2号,复议,维持,昨天,甲\n\
         渝中城管罚〔2026〕2号,复议,维持,{tomorrow},甲\n\
         渝中城管罚〔2026〕2号,复议,维持\n\
         \n\
         未同步〔2026〕9号,行政复议,确认违法,{yesterday},重庆市人民政府\n"
    );
    for scratch in support::backends("review_outcomes") {
        let (_dir, db) = server(&scratch);
        let db = db.as_ref();
        index(db, &decided_row("d1", "渝中城管罚〔2026〕1号"));
        let report = outcomes::import(db, file.as_bytes()).unwrap();
        assert_eq!(
            (report.imported, report.replaced, report.unchanged),
            (3, 0, 0)
        );
        let refused: Vec<(u64, RowRefusal)> = report
            .refused
            .iter()
            .map(|r| (r.line, r.refusal.clone()))
            .collect();
        assert_eq!(
            refused,
            vec![
                (4, RowRefusal::NoCaseNumber),
                (
                    5,
                    RowRefusal::UnknownKind {
                        value: "仲裁".into()
                    }
                ),
                (
                    6,
                    RowRefusal::UnknownResult {
                        value: "很好".into()
                    }
                ),
                (
                    7,
                    RowRefusal::BadDate {
                        value: "昨天".into()
                    }
                ),
                (
                    8,
                    RowRefusal::FutureDate {
                        value: tomorrow.to_string()
                    }
                ),
                (
                    9,
                    RowRefusal::Columns {
                        found: 3,
                        expected: 5
                    }
                ),
            ]
        );
        assert!(report.refused.iter().all(|r| !r.message.is_empty()));
        assert_eq!(report.unknown_cases, vec!["未同步〔2026〕9号".to_string()]);
        let held = |number: &str, kind: &str| {
            transaction(db, |tx| {
                tx.query_opt(
                    "SELECT result, decided_on, source FROM sv_outcome WHERE case_number = $1 AND kind = $2",
                    &[number.into(), kind.into()],
                )
            })
            .unwrap()
            .map(|r| (r.text(0).unwrap(), r.text(1).unwrap(), r.text(2).unwrap()))
        };
        assert_eq!(
            held("渝中城管罚〔2026〕1号", "litigation"),
            Some((
                "upheld".into(),
                "2026-03-05".into(),
                "重庆市渝中区人民法院".into()
            ))
        );

        // The same file again changes nothing.
        let again = outcomes::import(db, file.as_bytes()).unwrap();
        assert_eq!((again.imported, again.replaced, again.unchanged), (0, 0, 3));

        // A later result replaces the one held; an earlier one does not.
        let later = format!(
            "机关,案号,类别,结果,决定日期\n\
             重庆市第五中级人民法院,渝中城管罚〔2026〕1号,诉讼,撤销,{yesterday}\n\
             某法院,渝中城管罚〔2026〕1号,复议,维持,2020-01-01\n"
        );
        let replaced = outcomes::import(db, later.as_bytes()).unwrap();
        assert_eq!(
            (replaced.imported, replaced.replaced, replaced.unchanged),
            (0, 1, 1)
        );
        assert_eq!(
            held("渝中城管罚〔2026〕1号", "litigation").unwrap().0,
            "revoked"
        );
        assert_eq!(
            held("渝中城管罚〔2026〕1号", "reconsideration").unwrap(),
            (
                "revoked".into(),
                yesterday.to_string(),
                "重庆市渝中区人民政府".into()
            )
        );
    }
    let too_big = vec![b'a'; outcomes::MAX_BYTES + 1];
    assert!(matches!(
        outcomes::parse(&too_big, today()),
        Err(ImportError::TooLarge { .. })
    ));
    let missing = outcomes::parse("案号,类别,结果,机关\n".as_bytes(), today()).unwrap_err();
    assert!(matches!(missing, ImportError::Header(ref h) if h == "决定日期"));
    assert!(missing.message_zh().contains("决定日期"));
    assert!(matches!(
        outcomes::parse(&[0xff, 0xfe, 0x00], today()),
        Err(ImportError::NotUtf8)
    ));
}
