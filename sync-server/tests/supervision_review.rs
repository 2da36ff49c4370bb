//! Case-file review (案卷评查) and outside outcomes (复议/诉讼) on SQLite and PostgreSQL:
//! the checklist over case documents a phone made (`review_support`), seeded recorded
//! samples, summaries by body and officer, and the CSV import of outcomes.

mod review_support;
mod support;

use chrono::Duration;
use review_support::*;
use zhifa_sync_server::server::open_catalogue;
use zhifa_sync_server::storage::{transaction, Database};
use zhifa_sync_server::supervision::index::{self, Projector};
use zhifa_sync_server::supervision::outcomes::{self, ImportError, RowRefusal};
use zhifa_sync_server::supervision::review::{self, By, Over, Rate};
use zhifa_sync_server::supervision::Scope;

#[test]
fn a_lawful_case_scores_100_and_each_defect_is_found_on_the_case_that_has_it() {
    let made = made();
    for scratch in support::backends("review_checklist") {
        let (dir, db) = server(&scratch);
        for (seq, (_, id, bytes, _)) in made.cases.iter().enumerate() {
            store_doc(db.as_ref(), id, bytes, seq as i64 + 1);
        }
        // The index of these documents, as the projection builds it.
        let catalogue = open_catalogue(dir.path()).unwrap();
        let projector = Projector::from_store(&catalogue).unwrap();
        index::rebuild(db.as_ref(), &projector).unwrap();
        // A hostile document under a case's kind (stored after the rebuild, which refuses
        // to load it), and a row whose document is gone: drawn, never scored.
        store_doc(db.as_ref(), "hostile", b"not automerge at all", 100);
        index(db.as_ref(), &decided_row("hostile", "h"));
        index(db.as_ref(), &decided_row("gone", "g"));
        // A case's document stored under another id: it is not the case it claims to be.
        store_doc(db.as_ref(), "impostor", &made.cases[0].2, 101);
        index(db.as_ref(), &decided_row("impostor", "i"));

        let period = (today() - Duration::days(1), today());
        let sample =
            review::draw(db.as_ref(), &Scope::City, period, Rate::All, 7, "评查员甲").unwrap();
        assert_eq!(sample.cases.len(), made.cases.len() + 3);
        let report = review::score_sample(db.as_ref(), &catalogue, &sample.id, "评查员甲").unwrap();
        assert_eq!(report.scored, made.cases.len());
        assert_eq!(
            report.skipped,
            vec![
                "gone".to_string(),
                "hostile".to_string(),
                "impostor".to_string()
            ]
        );

        for (name, id, _, expected) in &made.cases {
            let row = transaction(db.as_ref(), |tx| {
                tx.query_opt(
                    "SELECT score, defects, details, body, reviewer FROM sv_review
                     WHERE sample_id = $1 AND doc_id = $2",
                    &[sample.id.clone().into(), id.clone().into()],
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
        // Drilling down: the sample's reviews, lowest score first, within the scope.
        let listed = transaction(db.as_ref(), |tx| {
            review::reviews(tx, &Scope::City, &sample.id)
        })
        .unwrap();
        assert_eq!(listed.len(), made.cases.len());
        assert!(listed.windows(2).all(|w| w[0].score <= w[1].score));
        assert!(listed.last().unwrap().defects.is_empty());
        let lawful = listed.iter().find(|r| r.doc_id == made.cases[0].1).unwrap();
        assert!(lawful.case_number.starts_with("渝北城管罚〔"), "{lawful:?}");
        let elsewhere = Scope::District("500112".into());
        let listed = transaction(db.as_ref(), |tx| {
            review::reviews(tx, &elsewhere, &sample.id)
        })
        .unwrap();
        assert!(listed.is_empty());
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
         未同步〔2026〕9号,行政复议,确认违法,{yesterday},重庆市人民政府\n\
         渝中城管罚〔2026〕3号,诉讼,变更,{yesterday},\"重庆市渝中区人民法院\n（二审：\"\"第五中院\"\"）\"\n\
         渝中城管罚〔2026〕4号,诉讼,撤回,{yesterday}x,某院\n"
    );
    for scratch in support::backends("review_outcomes") {
        let (_dir, db) = server(&scratch);
        let db = db.as_ref();
        index(db, &decided_row("d1", "渝中城管罚〔2026〕1号"));
        let report = outcomes::import(db, file.as_bytes()).unwrap();
        assert_eq!(
            (report.imported, report.replaced, report.unchanged),
            (4, 0, 0)
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
                // After a quoted cell over two lines, the line the row starts on.
                (
                    14,
                    RowRefusal::BadDate {
                        value: format!("{yesterday}x")
                    }
                ),
            ]
        );
        assert!(report.refused.iter().all(|r| !r.message.is_empty()));
        assert_eq!(
            report.unknown_cases,
            vec![
                "未同步〔2026〕9号".to_string(),
                "渝中城管罚〔2026〕3号".to_string()
            ]
        );
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

        assert_eq!(
            held("渝中城管罚〔2026〕3号", "litigation").unwrap().2,
            "重庆市渝中区人民法院\n（二审：\"第五中院\"）"
        );
        // The same file again changes nothing.
        let again = outcomes::import(db, file.as_bytes()).unwrap();
        assert_eq!((again.imported, again.replaced, again.unchanged), (0, 0, 4));

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

#[test]
fn a_lawful_case_synced_by_a_phone_through_a_real_server_scores_100() {
    use zhifa_core::cases::{CaseKind, Step};
    use zhifa_core::registry::KeyPurpose;
    for scratch in support::backends("review_synced") {
        let server = support::Server::start_on(scratch, |_| {});
        let phone = server.enrolled(BY);
        phone.sync().unwrap();
        // The body's duty credential on the phone (what an officer's shift begins with).
        let officer = server.state.catalogue.officer(BY).unwrap().unwrap();
        let agency = server
            .state
            .agencies
            .signer(BODY, KeyPurpose::DutyCredential)
            .unwrap();
        let credential = zhifa_core::codes::issue_duty_credential(
            &agency,
            &officer,
            &phone.device.device_key(),
            &[],
            // The body's key was made with the server, just now.
            chrono::Utc::now(),
            Duration::hours(8),
        )
        .unwrap();
        phone
            .device
            .codes()
            .install_credential(&credential)
            .unwrap();

        let cases = phone.device.cases();
        let case = cases
            .create(
                CaseKind::Ordinary,
                "DQ-118-3",
                "500103",
                today() - Duration::days(3),
                today(),
            )
            .unwrap();
        cases.edit(&case.id, &barbecue()).unwrap();
        let go = |step: Step| {
            cases.step(&case.id, &step).unwrap();
        };
        go(Step::File {
            approver: HEAD.into(),
        });
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
                &[zhifa_core::cases::CaseEdit::AppendFindings(
                    "当事人在禁止区域内露天烧烤，经责令改正拒不改正。".into(),
                )],
            )
            .unwrap();
        cases.choose_penalty(&case.id, Some(12_000), None).unwrap();
        go(Step::Notify);
        go(Step::CloseStatement);
        go(Step::PassLegalReview {
            reviewer: REVIEWER.into(),
        });
        go(Step::Decide);
        phone.sync().unwrap();
        go(Step::Serve {
            service: zhifa_core::cases::procedure::Service {
                method: zhifa_core::cases::ServiceMethod::Direct,
                served_on: today(),
                recipient: "张某".into(),
                note: String::new(),
            },
        });
        go(Step::RecordPayment { amount: 12_000 });
        go(Step::Close);
        let report = phone.sync().unwrap();
        assert!(report.docs_refused.is_empty(), "{report:?}");

        let db = server.state.db.as_ref();
        // The index projected the synced case (helper A's projection): nothing inserted here.
        let projected = transaction(db, |tx| {
            let row = tx.query_opt(
                "SELECT status, decided_on, body FROM sv_case WHERE doc_id = $1",
                &[case.id.clone().into()],
            )?;
            row.map(|r| Ok((r.text(0)?, r.text(1)?, r.text(2)?)))
                .transpose()
        })
        .unwrap();
        assert_eq!(
            projected,
            Some(("closed".into(), today().to_string(), BODY.into()))
        );
        let period = (today(), today());
        let sample = review::draw(db, &Scope::City, period, Rate::All, 1, "评查员").unwrap();
        assert_eq!(sample.cases, vec![case.id.clone()]);
        let report =
            review::score_sample(db, &server.state.catalogue, &sample.id, "评查员").unwrap();
        assert_eq!(report.scored, 1);
        let (score, defects) = transaction(db, |tx| {
            let row = tx
                .query_opt(
                    "SELECT score, details FROM sv_review WHERE sample_id = $1",
                    &[sample.id.clone().into()],
                )?
                .unwrap();
            Ok((row.int(0)?, row.text(1)?))
        })
        .unwrap();
        assert_eq!((score, defects.as_str()), (100, "[]"));
    }
}
