//! Devices and the sync server over real HTTP on loopback: convergence, authorisation,
//! faults, evidence, events, case numbers, credentials and visit reconciliation. The same
//! scenarios run against PostgreSQL when `ZHIFA_TEST_DATABASE_URL` is set.

use chrono::NaiveDate;
use zhifa_core::cases::{CaseEdit, CaseKind, CaseOfficer, Party, PartyKind};
use zhifa_core::discretion::{Fact, FactValue};
use zhifa_core::sync::protocol::{routes, to_cbor, DocMessage, SyncRequest};
use zhifa_core::sync::{auth, DocId, DocKind, SubjectKind, SyncError, Transport};
use zhifa_core::Error;
use zhifa_e2e::{scratch_postgres, Phone, TestServer, OFFICER_A, OFFICER_B, OTHER_TEAM_OFFICER};

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn officer(no: &str) -> CaseEdit {
    CaseEdit::AddOfficer(CaseOfficer {
        credential_no: no.into(),
        name: String::new(),
        verified: true,
        withdrawn: false,
    })
}

/// A case opened on phone A and shared with B by sync.
fn shared_case(server: &TestServer, a: &Phone, b: &Phone) -> String {
    let case = a
        .device
        .cases()
        .create(
            CaseKind::Ordinary,
            "SP-126-5",
            "500103",
            date("2026-11-20"),
            date("2026-11-21"),
        )
        .unwrap();
    a.device
        .cases()
        .edit(&case.id, &[officer(OFFICER_A), officer(OFFICER_B)])
        .unwrap();
    a.sync().unwrap();
    b.sync().unwrap();
    assert_eq!(
        b.device.cases().get(&case.id).unwrap().officers.len(),
        2,
        "{}",
        server.base()
    );
    case.id
}

/// Three rounds of both phones' syncs, each of which must end with nothing refused: a
/// document refused in a sync that still returns `Ok` is not converged, whatever the rounds.
fn converge(a: &Phone, b: &Phone) {
    for _ in 0..3 {
        for phone in [a, b] {
            let report = phone.sync().unwrap();
            assert!(report.docs_refused.is_empty(), "{report:?}");
        }
    }
}

fn two_phones_converge(server: &TestServer) {
    let a = Phone::enrolled(server, SubjectKind::Officer, OFFICER_A);
    let b = Phone::enrolled(server, SubjectKind::Officer, OFFICER_B);
    let id = shared_case(server, &a, &b);
    // Apart: each edits without the other.
    a.device
        .cases()
        .edit(
            &id,
            &[CaseEdit::AppendFindings("现场发现过期食品。".into())],
        )
        .unwrap();
    a.device
        .cases()
        .edit(
            &id,
            &[CaseEdit::SetFact(Fact::new(
                "first_offence",
                FactValue::Bool(true),
            ))],
        )
        .unwrap();
    b.device
        .cases()
        .edit(
            &id,
            &[CaseEdit::AddParty(Party {
                kind: PartyKind::Organisation,
                name: "重庆某某餐饮有限公司".into(),
                credit_code: Some("91500103MA5U1A0B2Y".into()),
                id_number: None,
                address: "渝中区解放碑".into(),
                representative: None,
            })],
        )
        .unwrap();
    b.device
        .cases()
        .edit(
            &id,
            &[CaseEdit::SetFact(Fact::new(
                "first_offence",
                FactValue::Bool(false),
            ))],
        )
        .unwrap();
    converge(&a, &b);
    let on_a = a.device.cases().get(&id).unwrap();
    let on_b = b.device.cases().get(&id).unwrap();
    assert_eq!(on_a, on_b);
    assert!(on_a.onsite.findings.contains("过期食品"));
    assert_eq!(on_a.parties.len(), 1);
    // The same fact set differently on the two phones is a conflict for a person to resolve.
    assert!(
        on_a.conflicts
            .iter()
            .any(|c| c.field.contains("first_offence")),
        "{:?}",
        on_a.conflicts
    );
    // Both are now clean: nothing left to send.
    let quiet = a.sync().unwrap();
    assert_eq!(quiet.round_trips, 1, "{quiet:?}");
    assert_eq!(quiet.docs_synced, 0);
}

#[test]
fn two_phones_edit_one_case_apart_and_converge() {
    two_phones_converge(&TestServer::start_blocking());
}

#[test]
fn two_phones_converge_on_postgresql() {
    let Some(db) = scratch_postgres("two_phones_converge_on_postgresql") else {
        return;
    };
    two_phones_converge(&TestServer::start_with(Some(db.url.clone()), None));
}

#[test]
fn two_replicas_on_one_postgresql_database_serve_one_team() {
    let Some(db) = scratch_postgres("two_replicas_on_one_postgresql_database_serve_one_team")
    else {
        return;
    };
    let first = TestServer::start_with(Some(db.url.clone()), None);
    let second = TestServer::start_with(Some(db.url.clone()), Some(first.data_dir.clone()));
    let a = Phone::enrolled(&first, SubjectKind::Officer, OFFICER_A);
    let b = Phone::enrolled_via(&first, &second.base(), SubjectKind::Officer, OFFICER_B);
    let id = shared_case(&first, &a, &b);
    // Enough rounds that one replica compacts what the other holds in its cache.
    const ROUNDS: usize = 20;
    for round in 0..ROUNDS {
        a.device
            .cases()
            .edit(&id, &[CaseEdit::AppendFindings(format!("A{round};"))])
            .unwrap();
        b.device
            .cases()
            .edit(&id, &[CaseEdit::AppendFindings(format!("B{round};"))])
            .unwrap();
        a.sync().unwrap();
        b.sync().unwrap();
    }
    converge(&a, &b);
    let findings = a.device.cases().get(&id).unwrap().onsite.findings;
    assert_eq!(findings, b.device.cases().get(&id).unwrap().onsite.findings);
    for round in 0..ROUNDS {
        assert!(
            findings.contains(&format!("A{round};")) && findings.contains(&format!("B{round};"))
        );
    }
}

/// The seeded fault-proxy scenario (`zhifa_e2e::faults`, which the soak runs for many more
/// seeds): every run converges with nothing lost.
fn faults_converge(database_url: Option<&str>, seeds: std::ops::Range<u64>) {
    let tally = zhifa_e2e::faults::run_seeds(database_url, seeds.clone(), |_, _| {});
    assert!(tally.failures.is_empty(), "{:?}", tally.failures);
    assert_eq!(tally.converged, seeds.end - seeds.start);
    assert!(
        tally.injected > 20,
        "the proxy injected only {} faults",
        tally.injected
    );
}

#[test]
fn seeded_fault_runs_converge_with_nothing_lost() {
    faults_converge(None, 0..12);
}

#[test]
fn seeded_fault_runs_converge_on_postgresql() {
    let Some(db) = scratch_postgres("seeded_fault_runs_converge_on_postgresql") else {
        return;
    };
    faults_converge(Some(&db.url), 100..104);
}

/// Raw signed requests, as an attacker or a broken client would send them.
fn post(
    server: &TestServer,
    path: &str,
    body: &[u8],
    signer: Option<&dyn zhifa_core::crypto::Signer>,
) -> u16 {
    exchange(server, path, body, signer).status
}

fn exchange(
    server: &TestServer,
    path: &str,
    body: &[u8],
    signer: Option<&dyn zhifa_core::crypto::Signer>,
) -> zhifa_core::sync::Response {
    let transport = zhifa_core::sync::http::HttpTransport::new(&server.base()).unwrap();
    let mut headers = vec![("content-type", "application/cbor".to_owned())];
    if let Some(signer) = signer {
        let signed =
            auth::sign_request(signer, "POST", path, chrono::Utc::now().timestamp(), body).unwrap();
        headers.extend(signed.headers());
    }
    let request = zhifa_core::sync::Request {
        method: "POST",
        path: path.into(),
        headers,
        body: body.to_vec(),
    };
    transport.send(&request).unwrap()
}

#[test]
fn unsigned_badly_signed_replayed_and_foreign_requests_are_refused() {
    refusals(&TestServer::start_blocking());
}

#[test]
fn refusals_on_postgresql() {
    let Some(db) = scratch_postgres("refusals_on_postgresql") else {
        return;
    };
    refusals(&TestServer::start_with(Some(db.url.clone()), None));
}

fn refusals(server: &TestServer) {
    let a = Phone::enrolled(server, SubjectKind::Officer, OFFICER_A);
    let body = to_cbor(&SyncRequest::default());
    assert_eq!(post(server, routes::SYNC, &body, None), 401);
    // A key the server never enrolled.
    let stranger = zhifa_core::crypto::SigningKey::generate(zhifa_core::crypto::Algorithm::EdDSA);
    assert_eq!(post(server, routes::SYNC, &body, Some(&stranger)), 401);
    // A replay: the very same signed request twice.
    let transport = zhifa_core::sync::http::HttpTransport::new(&server.base()).unwrap();
    let key = zhifa_core::crypto::SoftwareKeystore::load_or_create(
        a.device.store(),
        zhifa_core::crypto::Algorithm::EdDSA,
    )
    .unwrap();
    let signed = auth::sign_request(
        &key,
        "POST",
        routes::SYNC,
        chrono::Utc::now().timestamp(),
        &body,
    )
    .unwrap();
    let mut headers = vec![("content-type", "application/cbor".to_owned())];
    headers.extend(signed.headers());
    let request = zhifa_core::sync::Request {
        method: "POST",
        path: routes::SYNC.into(),
        headers: headers.clone(),
        body: body.clone(),
    };
    assert_eq!(transport.send(&request).unwrap().status, 200);
    assert_eq!(transport.send(&request).unwrap().status, 401);
    // A signature over another body.
    let tampered = zhifa_core::sync::Request {
        body: to_cbor(&SyncRequest {
            listing: None,
            messages: vec![],
        })
        .into_iter()
        .chain([0])
        .collect(),
        ..request
    };
    assert_eq!(transport.send(&tampered).unwrap().status, 401);
    // A signature from too long ago.
    let old = auth::sign_request(
        &key,
        "POST",
        routes::SYNC,
        chrono::Utc::now().timestamp() - 3_600,
        &body,
    )
    .unwrap();
    let mut headers = vec![("content-type", "application/cbor".to_owned())];
    headers.extend(old.headers());
    let stale = zhifa_core::sync::Request {
        method: "POST",
        path: routes::SYNC.into(),
        headers,
        body,
    };
    assert_eq!(transport.send(&stale).unwrap().status, 401);

    // Another team's document, blob and events.
    let case = a
        .device
        .cases()
        .create(
            CaseKind::Ordinary,
            "SP-126-5",
            "500103",
            date("2026-11-20"),
            date("2026-11-21"),
        )
        .unwrap();
    a.device
        .evidence()
        .add_to_case(&case.id, b"photo of the kitchen", "photo", "后厨", None)
        .unwrap();
    a.sync().unwrap();
    let other = Phone::enrolled(server, SubjectKind::Officer, OTHER_TEAM_OFFICER);
    other.sync().unwrap();
    assert!(
        matches!(other.device.cases().get(&case.id), Err(Error::Case(_))),
        "another team never lists it"
    );
    // It learns the id some other way and merges a copy, then tries to sync it.
    other
        .device
        .cases()
        .merge(&a.device.cases().snapshot(&case.id).unwrap())
        .unwrap();
    other
        .device
        .cases()
        .edit(&case.id, &[CaseEdit::AppendFindings("篡改".into())])
        .unwrap();
    let report = other.sync().unwrap();
    assert_eq!(report.docs_refused.len(), 1, "{report:?}");
    assert!(report.docs_refused[0].contains("Forbidden"));
    assert_eq!(
        other.device.sync().refused_documents().unwrap(),
        vec![(
            case.id.clone(),
            zhifa_core::sync::protocol::DocRefusal::Forbidden
        )],
        "kept on the phone, marked"
    );
    assert!(!a
        .device
        .cases()
        .get(&case.id)
        .unwrap()
        .onsite
        .findings
        .contains("篡改"));
    let hash = a.device.cases().get(&case.id).unwrap().evidence[0]
        .hash
        .clone();
    assert!(matches!(
        other.device.evidence().fetch(&other.transport, &hash),
        Err(Error::Sync(SyncError::Forbidden(_)))
    ));
    // A broken sync message is refused for that document; nothing is stored.
    let broken = SyncRequest {
        listing: None,
        messages: vec![DocMessage(
            DocKind::Case,
            DocId(uuid_like()),
            vec![0x42, 0, 1, 2].into(),
        )],
    };
    assert_eq!(
        post(server, routes::SYNC, &to_cbor(&broken), Some(&key)),
        200
    );
    assert_eq!(
        post(server, routes::SYNC, b"\xff\xfe not cbor", Some(&key)),
        400
    );

    // An event id reused for other content is refused as a conflict; the first stays stored
    // and is acknowledged again when re-sent.
    let _ = a
        .device
        .codes()
        .verify_enforcement_code("EC1:not-a-code", None, "500103");
    let first = a.device.sync().pending_events(1).unwrap().remove(0).signed;
    let mut envelope: zhifa_core::events::Envelope<zhifa_core::codes::visit::VerificationRecord> =
        zhifa_core::events::open(&first, &a.device.device_key()).unwrap();
    envelope.body.code_hash = "0".repeat(64);
    let mut payload = Vec::new();
    ciborium::into_writer(&envelope, &mut payload).unwrap();
    let second =
        zhifa_core::crypto::sign1(payload, zhifa_core::events::EVENT_CONTENT_TYPE, &key).unwrap();
    let upload = |signed: &[u8]| {
        let body = to_cbor(&zhifa_core::sync::protocol::EventUpload {
            events: vec![signed.to_vec().into()],
        });
        let response = exchange(server, routes::EVENTS, &body, Some(&key));
        zhifa_core::sync::protocol::from_cbor::<zhifa_core::sync::protocol::EventAck>(
            &response.body,
        )
        .unwrap()
    };
    assert_eq!(upload(&first).acked, vec![envelope.id.clone()]);
    assert_eq!(
        upload(&second).refused,
        vec![(
            envelope.id.clone(),
            zhifa_core::sync::protocol::EventRefusal::Conflict
        )]
    );
    assert_eq!(upload(&first).acked, vec![envelope.id.clone()]);
}

fn uuid_like() -> String {
    "01890f3c-0000-7000-8000-000000000001".into()
}

#[test]
fn evidence_events_case_numbers_and_credentials_travel() {
    travel(&TestServer::start_blocking());
}

#[test]
fn evidence_events_case_numbers_and_credentials_travel_on_postgresql() {
    let Some(db) =
        scratch_postgres("evidence_events_case_numbers_and_credentials_travel_on_postgresql")
    else {
        return;
    };
    travel(&TestServer::start_with(Some(db.url.clone()), None));
}

fn travel(server: &TestServer) {
    let a = Phone::enrolled(server, SubjectKind::Officer, OFFICER_A);
    let b = Phone::enrolled(server, SubjectKind::Officer, OFFICER_B);
    let options = zhifa_core::sync::SyncOptions {
        case_number_prefix: Some("渝中市监罚".into()),
        ..zhifa_e2e::quick()
    };
    let progress = std::sync::Mutex::new(Vec::new());
    let report = a
        .device
        .sync()
        .run(&a.transport, &options, &|p| {
            progress.lock().unwrap().push(p)
        })
        .unwrap();
    assert!(report.credential_renewed, "{report:?}");
    assert_eq!(report.case_numbers_added, 100);
    assert!(report.catalogue_version.is_some());
    assert!(progress
        .lock()
        .unwrap()
        .last()
        .is_some_and(|p| p.phase == zhifa_core::sync::SyncPhase::Done));
    assert_eq!(a.device.cases().numbers_left("渝中市监罚").unwrap(), 100);
    // The credential the server issued works: the phone shows a valid code.
    assert!(a
        .device
        .codes()
        .enforcement_code(None)
        .unwrap()
        .payload
        .starts_with("EC1:"));

    // A photo of 1.2 MB goes up in parts and comes down on the other phone.
    let photo: Vec<u8> = (0..1_200_000u32).map(|i| (i % 251) as u8).collect();
    let case = a
        .device
        .cases()
        .create(
            CaseKind::Ordinary,
            "SP-126-5",
            "500103",
            date("2026-11-20"),
            date("2026-11-21"),
        )
        .unwrap();
    a.device
        .evidence()
        .add_to_case(&case.id, &photo, "photo", "后厨照片", None)
        .unwrap();
    let report = a.sync().unwrap();
    assert_eq!(report.blobs_sent, 1);
    b.sync().unwrap();
    let hash = b.device.cases().get(&case.id).unwrap().evidence[0]
        .hash
        .clone();
    b.device.evidence().fetch(&b.transport, &hash).unwrap();
    assert_eq!(
        b.device
            .store()
            .blobs()
            .get(&hash.parse().unwrap())
            .unwrap(),
        photo
    );

    // Another block only when the reserve runs low; a second prefix of another team is refused.
    let again = a
        .device
        .sync()
        .run(&a.transport, &options, &|_| {})
        .unwrap();
    assert_eq!(again.case_numbers_added, 0);
    let other = Phone::enrolled(server, SubjectKind::Officer, OTHER_TEAM_OFFICER);
    let stolen = other.device.sync().run(&other.transport, &options, &|_| {});
    assert!(
        matches!(stolen, Err(Error::Sync(SyncError::Forbidden(_)))),
        "{stolen:?}"
    );
}

#[test]
fn visits_are_reconciled_with_the_enterprises_verifications() {
    reconciliation(&TestServer::start_blocking());
}

#[test]
fn visits_are_reconciled_on_postgresql() {
    let Some(db) = scratch_postgres("visits_are_reconciled_on_postgresql") else {
        return;
    };
    reconciliation(&TestServer::start_with(Some(db.url.clone()), None));
}

fn reconciliation(server: &TestServer) {
    let officer = Phone::enrolled(server, SubjectKind::Officer, OFFICER_A);
    officer.sync().unwrap();
    let enterprise_code = "91500103MA5U1A0B2Y";
    let enterprise = Phone::enrolled(server, SubjectKind::Enterprise, enterprise_code);
    enterprise.sync_via(&enterprise.transport).unwrap();
    // The officer shows the code; the enterprise checks it offline and logs the verdict.
    let shown = officer
        .device
        .codes()
        .enforcement_code(Some(enterprise_code))
        .unwrap();
    enterprise
        .device
        .codes()
        .verify_enforcement_code(&shown.payload, Some(enterprise_code), "500103")
        .unwrap();
    enterprise.sync().unwrap();
    // An enterprise cannot speak for another: its events name itself.
    assert!(enterprise
        .device
        .sync()
        .pending_events(10)
        .unwrap()
        .is_empty());
    // The officer's visit record (signed, queued, synced): written here as the visit event
    // the enterprise-code scan produces.
    let issued = zhifa_core::codes::issue_enterprise_code(
        &server
            .state
            .agencies
            .signer(
                "B500103001",
                zhifa_core::registry::KeyPurpose::EnterpriseCode,
            )
            .unwrap(),
        &server
            .catalogue
            .enterprise(enterprise_code)
            .unwrap()
            .unwrap(),
        1,
        chrono::Utc::now(),
        chrono::Duration::days(30),
    )
    .unwrap();
    officer.sync().unwrap();
    officer
        .device
        .codes()
        .open_visit(&issued, None, vec![OFFICER_B.into()], None)
        .unwrap();
    officer.sync().unwrap();
    let report = zhifa_sync_server::events::reconcile(
        server.state.db.as_ref(),
        chrono::Utc::now() - chrono::Duration::hours(1),
        chrono::Utc::now() + chrono::Duration::hours(1),
    )
    .unwrap();
    assert_eq!(report.matched.len(), 1, "{report:?}");
    assert!(report.visits_without_verification.is_empty());
    assert!(report.verifications_without_visit.is_empty());
}

/// A case edited and synced many times: the server compacts its chunks into the snapshot,
/// and a phone that never saw it, served by a restarted server (empty cache), gets it whole.
#[test]
fn a_long_history_is_compacted_and_stays_whole() {
    let mut server = TestServer::start_blocking();
    let a = Phone::enrolled(&server, SubjectKind::Officer, OFFICER_A);
    let case = a
        .device
        .cases()
        .create(
            CaseKind::Ordinary,
            "SP-126-5",
            "500103",
            date("2026-11-20"),
            date("2026-11-21"),
        )
        .unwrap();
    for n in 0..45 {
        a.device
            .cases()
            .edit(&case.id, &[CaseEdit::AppendFindings(format!("#{n};"))])
            .unwrap();
        a.sync().unwrap();
    }
    let (chunks, upto) = zhifa_sync_server::storage::transaction(server.state.db.as_ref(), |tx| {
        let chunks = tx
            .query_opt(
                "SELECT count(*) FROM doc_chunk WHERE doc_id = $1",
                &[case.id.as_str().into()],
            )?
            .unwrap()
            .int(0)?;
        let upto = tx
            .query_opt(
                "SELECT snapshot_upto FROM doc WHERE id = $1",
                &[case.id.as_str().into()],
            )?
            .unwrap()
            .int(0)?;
        Ok((chunks, upto))
    })
    .unwrap();
    assert!(
        upto >= 32 && chunks < 32,
        "compacted: snapshot up to {upto}, {chunks} chunks left"
    );
    server.restart();
    let b = Phone::enrolled(&server, SubjectKind::Officer, OFFICER_B);
    b.sync().unwrap();
    let findings = b.device.cases().get(&case.id).unwrap().onsite.findings;
    for n in 0..45 {
        assert!(findings.contains(&format!("#{n};")), "lost #{n}");
    }
}
