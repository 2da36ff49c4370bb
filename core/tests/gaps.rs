//! What an app needs besides the case workflow, at the edges: the violations and their fact
//! questions, a regulation's article, the inspection list, evidence by path, the credential
//! held.

use std::collections::BTreeSet;

use zhifa_core::cases::{CaseEdit, CaseError, CaseKind};
use zhifa_core::crypto::{Algorithm, Signer, SigningKey};
use zhifa_core::device::Device;
use zhifa_core::discretion::{
    FactKind, FactValue, Facts, Suggestion, SuggestionRequest, ViolationInfo,
};
use zhifa_core::inspections::repository::LIST_LIMIT;
use zhifa_core::inspections::{CheckResult, InspectionEdit, InspectionStatus, Task};
use zhifa_core::store::{BlobHash, StoreError};
use zhifa_core::sync::protocol::MAX_BLOB;
use zhifa_core::testing::{person, test_key, today, yuzhong_catalogue, OnDuty, Phone, YUZHONG};
use zhifa_core::Error;

const OFFICER: &str = "渝50010320021";

fn empty_device(dir: &std::path::Path) -> Device {
    let authority = SigningKey::generate(Algorithm::EdDSA);
    Device::open(
        dir,
        &test_key(),
        vec![YUZHONG.into()],
        vec![authority.public_key()],
    )
    .unwrap()
}

fn case_error(result: Result<impl std::fmt::Debug, Error>) -> CaseError {
    match result {
        Err(Error::Case(e)) => e,
        other => panic!("expected a case error, got {other:?}"),
    }
}

/// An answer the schema allows: no, zero, the first value.
fn answer(info: &ViolationInfo, fact: &str) -> FactValue {
    let question = info.questions.iter().find(|q| q.key == fact).unwrap();
    match &question.kind {
        FactKind::YesNo => FactValue::Bool(false),
        FactKind::Number { min, .. } => FactValue::Int(*min),
        FactKind::OneOf { values } => FactValue::Text(values[0].value.clone()),
    }
}

#[test]
fn every_violation_lists_every_fact_the_engine_asks_about_it() {
    let phone = Phone::demo();
    let violations = phone.device.discretion().violations().unwrap();
    let engine = phone.device.discretion().engine().unwrap();
    assert_eq!(violations.len(), engine.violations().count());
    assert!(violations.windows(2).all(|w| w[0].id < w[1].id), "by code");

    for info in &violations {
        let keys: BTreeSet<&str> = info.questions.iter().map(|q| q.key.as_str()).collect();
        assert_eq!(info.questions[0].key, "party_type");
        assert!(info.questions[0].required);
        assert!(
            !info.title.is_empty() && !info.legal_basis.is_empty(),
            "{info:?}"
        );
        for party in ["citizen", "organisation"] {
            if !engine
                .violation(&info.id)
                .unwrap()
                .party_types
                .iter()
                .any(|p| p == party)
            {
                continue;
            }
            // Answer whatever the engine asks until it suggests: it never asks a fact the
            // schema left out.
            let mut facts = Facts::new().with("party_type", party);
            for round in 0.. {
                assert!(round < 12, "{}: the engine keeps asking", info.id);
                let request = SuggestionRequest {
                    violation: info.id.clone(),
                    place_division: YUZHONG.into(),
                    act_date: today(),
                    act_ended: None,
                    discovered_on: today(),
                    decision_date: today(),
                    facts: facts.clone(),
                };
                match phone.device.discretion().suggest(&request).unwrap() {
                    Suggestion::Outcome(_) => break,
                    Suggestion::NeedFacts(asked) => {
                        for question in asked {
                            assert!(
                                keys.contains(question.fact.as_str()),
                                "{} ({party}) asks {} not in {keys:?}",
                                info.id,
                                question.fact
                            );
                            facts.set(&question.fact, answer(info, &question.fact));
                        }
                    }
                }
            }
        }
    }

    // A fine on the goods' value asks for it, in yuan, never negative; a choice's values come
    // with their words; the age is asked of citizens only, so it is not asked of every case.
    let food = violations.iter().find(|v| v.id == "SP-122").unwrap();
    let goods = food
        .questions
        .iter()
        .find(|q| q.key == "goods_value")
        .unwrap();
    assert_eq!(
        goods.kind,
        FactKind::Number {
            unit: "元".into(),
            min: 0
        }
    );
    assert!(!goods.required);
    let FactKind::OneOf { values } = &food.questions[0].kind else {
        panic!("the party type is a choice");
    };
    let labels: Vec<&str> = values.iter().map(|v| v.label.as_str()).collect();
    assert_eq!(labels, ["公民", "法人或者其他组织"]);
    let age = food.questions.iter().find(|q| q.key == "age").unwrap();
    assert!(!age.required && age.label.contains("年龄"));
    let referral = food
        .questions
        .iter()
        .find(|q| q.key == "criminal_referral")
        .unwrap();
    assert!(referral.required, "the statute asks it of every party");
    assert!(food.legal_basis.iter().any(|b| b.contains("食品安全法")));
    // Only what decides this violation: a fixed range needs no goods' value.
    let prices = violations.iter().find(|v| v.id == "JG-13").unwrap();
    assert!(!prices.questions.iter().any(|q| q.key == "goods_value"));
}

#[test]
fn no_catalogue_no_violations_and_no_articles() {
    let dir = tempfile::tempdir().unwrap();
    let device = empty_device(dir.path());
    assert!(device.discretion().violations().unwrap().is_empty());
    assert!(device
        .catalogue()
        .article("LAW-SPAQF-2021", "126")
        .unwrap()
        .is_none());
}

#[test]
fn an_article_opens_by_its_printed_number_or_its_digits() {
    let phone = Phone::demo();
    let registry = phone.device.catalogue();
    let article = registry
        .article("LAW-SPAQF-2021", "第一百二十六条")
        .unwrap()
        .unwrap();
    assert_eq!(article.regulation_title, "中华人民共和国食品安全法");
    assert_eq!(article.number, "第一百二十六条");
    assert!(!article.text.is_empty());
    assert_eq!(
        registry.article("LAW-SPAQF-2021", " 126 ").unwrap(),
        Some(article)
    );
    assert!(registry
        .article("LAW-SPAQF-2021", "第一条")
        .unwrap()
        .is_none());
    assert!(registry.article("LAW-SPAQF-2021", "0").unwrap().is_none());
    assert!(registry.article("NO-SUCH-LAW", "126").unwrap().is_none());
}

fn task(n: usize) -> Task {
    Task {
        id: format!("task-{n:04}"),
        plan_id: "YZ-2026-食品-01".into(),
        credit_code: "91500103MA5U1A0E5B".into(),
        enterprise_name: "重庆市渝中区某某餐饮店".into(),
        division: YUZHONG.into(),
        officers: vec![OFFICER.into(), "渝50010320022".into()],
        items: vec!["YZ-SC-002".into(), "YZ-SC-003".into()],
    }
}

#[test]
fn inspections_list_newest_first_with_their_progress_and_bounded() {
    let phone = Phone::demo();
    let inspections = phone.device.inspections();
    assert!(inspections.list().unwrap().is_empty());
    for n in 0..3 {
        inspections.receive_task(&task(n)).unwrap();
    }
    inspections
        .edit(
            "task-0000",
            &[InspectionEdit::Record {
                item: "YZ-SC-002".into(),
                result: CheckResult::NonCompliant,
                note: "后厨未消毒".into(),
            }],
        )
        .unwrap();
    let listed = inspections.list().unwrap();
    assert_eq!(listed.len(), 3);
    let first = &listed[0];
    assert_eq!(first.id, "task-0000", "the one changed last comes first");
    assert_eq!(first.status, InspectionStatus::InProgress);
    assert_eq!(first.status_zh, "检查中");
    assert_eq!(
        (first.items_total, first.items_recorded, first.non_compliant),
        (2, 1, 1)
    );
    assert_eq!(first.enterprise_name, "重庆市渝中区某某餐饮店");
    assert_eq!(listed[1].status, InspectionStatus::NotStarted);
    inspections
        .edit(
            "task-0000",
            &[InspectionEdit::Record {
                item: "YZ-SC-003".into(),
                result: CheckResult::Compliant,
                note: String::new(),
            }],
        )
        .unwrap();
    assert_eq!(
        inspections.list().unwrap()[0].status,
        InspectionStatus::Completed
    );

    for n in 3..LIST_LIMIT + 5 {
        inspections.receive_task(&task(n)).unwrap();
    }
    assert_eq!(inspections.list().unwrap().len(), LIST_LIMIT);
}

fn new_case(phone: &Phone) -> String {
    let case = phone
        .device
        .cases()
        .create(CaseKind::Ordinary, "DQ-116", YUZHONG, today(), today())
        .unwrap();
    phone
        .device
        .cases()
        .edit(&case.id, &[CaseEdit::AddParty(person())])
        .unwrap();
    case.id
}

#[test]
fn evidence_from_a_path_is_streamed_in_and_exported_to_a_path() {
    let phone = Phone::demo();
    let case_id = new_case(&phone);
    let files = tempfile::tempdir().unwrap();
    let photo = files.path().join("IMG_0001.jpg");
    let content: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&photo, &content).unwrap();

    let case = phone
        .device
        .evidence()
        .add_file_to_case(&case_id, &photo, "视听资料", "现场照片", None)
        .unwrap();
    let item = &case.evidence[0];
    assert_eq!(item.size, content.len() as i64);
    assert_eq!(item.hash, BlobHash::of(&content).to_hex());
    // The same metadata as `add_to_case`: signed by this device over hash and size.
    zhifa_core::cases::evidence::verify(item, &phone.device.device_key()).unwrap();

    let out = files.path().join("cache").join("view.jpg");
    std::fs::create_dir(out.parent().unwrap()).unwrap();
    let written = phone
        .device
        .evidence()
        .export_to_file(&item.hash, &out)
        .unwrap();
    assert_eq!(written, content.len() as u64);
    assert_eq!(std::fs::read(&out).unwrap(), content);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the decrypted copy is the app's alone");
    }
    // Exporting again replaces the file; no temporary file is left beside it.
    phone
        .device
        .evidence()
        .export_to_file(&item.hash, &out)
        .unwrap();
    assert_eq!(std::fs::read_dir(out.parent().unwrap()).unwrap().count(), 1);
}

#[test]
fn evidence_by_path_is_refused_in_words_at_its_edges() {
    let phone = Phone::demo();
    let case_id = new_case(&phone);
    let evidence = phone.device.evidence();
    let files = tempfile::tempdir().unwrap();
    let add = |path: &std::path::Path| {
        evidence.add_file_to_case(&case_id, path, "视听资料", "现场照片", None)
    };

    assert_eq!(case_error(add(files.path())), CaseError::NotAFile);
    assert_eq!(
        case_error(add(&files.path().join("absent.jpg"))),
        CaseError::EvidenceUnreadable
    );
    let empty = files.path().join("empty.jpg");
    std::fs::write(&empty, b"").unwrap();
    assert_eq!(case_error(add(&empty)), CaseError::EvidenceEmpty);
    // Over the limit: refused by its size before a byte is read (the file is sparse).
    let huge = files.path().join("huge.mp4");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(MAX_BLOB + 1)
        .unwrap();
    assert_eq!(
        case_error(add(&huge)),
        CaseError::EvidenceTooLarge {
            size: MAX_BLOB + 1,
            max: MAX_BLOB
        }
    );
    let photo = files.path().join("photo.jpg");
    std::fs::write(&photo, b"\xff\xd8 photo").unwrap();
    assert_eq!(
        case_error(evidence.add_file_to_case("no-such-case", &photo, "视听资料", "照片", None)),
        CaseError::NotFound
    );
    let message = Error::Case(CaseError::NotAFile).message_zh();
    assert!(message.contains("不是文件"), "{message}");
    assert!(phone
        .device
        .cases()
        .get(&case_id)
        .unwrap()
        .evidence
        .is_empty());

    // Export: to a directory, of a file not on the device, of a malformed hash.
    let hash = BlobHash::of(b"\xff\xd8 photo").to_hex();
    assert_eq!(
        case_error(evidence.export_to_file(&hash, files.path())),
        CaseError::NotAFile
    );
    let out = files.path().join("out.jpg");
    assert!(matches!(
        evidence.export_to_file(&hash, &out),
        Err(Error::Store(StoreError::BlobNotFound(_)))
    ));
    assert!(!out.exists());
    assert!(matches!(
        evidence.export_to_file("not-a-hash", &out),
        Err(Error::Store(StoreError::Decode(_)))
    ));
}

#[test]
fn the_credential_held_is_readable_and_absent_off_duty() {
    let phone = Phone::demo();
    assert!(phone.device.codes().credential().unwrap().is_none());
    let on_duty = OnDuty::new(&[YUZHONG], yuzhong_catalogue(), OFFICER);
    let (_, credential) = on_duty.phone.device.codes().credential().unwrap().unwrap();
    assert_eq!(credential.subject, OFFICER);
    assert!(credential.expires_at > chrono::Utc::now());
}
