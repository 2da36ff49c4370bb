//! Attacks by an enrolled device on who may vouch for what and on first-writer-wins
//! namespaces, over real HTTP on loopback: an officer's phone vouching for an enterprise, a
//! team taking an inspection task's id first, a body taking another's case-number prefix,
//! one phone draining a prefix's year. Each test plays the attack, asserts the typed
//! refusal, and asserts that the victim still syncs. SQLite, and PostgreSQL when
//! `ZHIFA_TEST_DATABASE_URL` is set.

use zhifa_core::events::{open, EventKind};
use zhifa_core::inspections::{self, Candidate, GradeRates, Plan, PlanRequest, Task};
use zhifa_core::sync::protocol::{
    from_cbor, routes, to_cbor, ErrorCode, EventAck, EventRefusal, EventUpload,
};
use zhifa_core::sync::{auth, SubjectKind, SyncError, SyncOptions, Transport};
use zhifa_core::Error;
use zhifa_e2e::{scratch_postgres, Phone, TestServer, OFFICER_A, OFFICER_B, OTHER_TEAM_OFFICER};
use zhifa_sync_server::docs::CreateConflict;
use zhifa_sync_server::plans::{self, PublishError, Published, TaskConflict};

const ENTERPRISE: &str = "91500103MA5U1A0B2Y";
/// The case-number prefix of OFFICER_A's body (B500103001) in the demo catalogue.
const MARKET_PREFIX: &str = "渝中市监罚";
/// OTHER_TEAM_OFFICER's body's (B500103002).
const ENVIRONMENT_PREFIX: &str = "渝中环罚";

/// Runs `scenario` on SQLite and, when configured, on PostgreSQL.
fn on_both(name: &str, scenario: fn(&TestServer)) {
    scenario(&TestServer::start_blocking());
    if let Some(db) = scratch_postgres(name) {
        scenario(&TestServer::start_with(Some(db.url.clone()), None));
    }
}

/// The device's key, as its software keystore holds it.
fn device_key(phone: &Phone) -> zhifa_core::crypto::SoftwareKeystore {
    zhifa_core::crypto::SoftwareKeystore::load_or_create(
        phone.device.store(),
        zhifa_core::crypto::Algorithm::EdDSA,
    )
    .unwrap()
}

/// Uploads signed events as the device would, and reads the server's typed answer.
fn upload_events(server: &TestServer, phone: &Phone, events: &[Vec<u8>]) -> EventAck {
    let body = to_cbor(&EventUpload {
        events: events.iter().cloned().map(Into::into).collect(),
    });
    let key = device_key(phone);
    let signed = auth::sign_request(
        &key,
        "POST",
        routes::EVENTS,
        chrono::Utc::now().timestamp(),
        &body,
    )
    .unwrap();
    let mut headers = vec![("content-type", "application/cbor".to_owned())];
    headers.extend(signed.headers());
    let response = zhifa_core::sync::http::HttpTransport::new(&server.base())
        .unwrap()
        .send(&zhifa_core::sync::Request {
            method: "POST",
            path: routes::EVENTS.into(),
            headers,
            body,
        })
        .unwrap();
    assert_eq!(response.status, 200);
    from_cbor(&response.body).unwrap()
}

fn reconcile(server: &TestServer) -> zhifa_sync_server::events::Reconciliation {
    let now = chrono::Utc::now();
    zhifa_sync_server::events::reconcile(
        server.state.db.as_ref(),
        now - chrono::Duration::hours(1),
        now + chrono::Duration::hours(1),
    )
    .unwrap()
}

/// The enterprise code the officer scans at the door.
fn enterprise_code(server: &TestServer) -> String {
    zhifa_core::codes::issue_enterprise_code(
        &server
            .state
            .agencies
            .signer(
                "B500103001",
                zhifa_core::registry::KeyPurpose::EnterpriseCode,
            )
            .unwrap(),
        &server.catalogue.enterprise(ENTERPRISE).unwrap().unwrap(),
        1,
        chrono::Utc::now(),
        chrono::Duration::days(30),
    )
    .unwrap()
}

#[test]
fn an_officer_s_phone_cannot_vouch_for_the_enterprise() {
    on_both(
        "an_officer_s_phone_cannot_vouch_for_the_enterprise",
        vouching,
    );
}

fn vouching(server: &TestServer) {
    let officer = Phone::enrolled(server, SubjectKind::Officer, OFFICER_A);
    officer.sync().unwrap();
    let opened = officer
        .device
        .codes()
        .open_visit(&enterprise_code(server), None, vec![OFFICER_B.into()], None)
        .unwrap();
    // The attack: the officer's own phone "verifies" its code in the enterprise's name.
    officer
        .device
        .codes()
        .verify_enforcement_code(&opened.enforcement_code.payload, Some(ENTERPRISE), "500103")
        .unwrap();
    let pending = officer.device.sync().pending_events(10).unwrap();
    assert_eq!(pending.len(), 2);
    let public = officer.device.device_key();
    let kind_of = |signed: &[u8]| open::<ciborium::Value>(signed, &public).unwrap();
    let forged = pending
        .iter()
        .map(|e| kind_of(&e.signed))
        .find(|e| e.kind == EventKind::CodeVerification)
        .unwrap();
    let ack = upload_events(
        server,
        &officer,
        &pending.iter().map(|e| e.signed.clone()).collect::<Vec<_>>(),
    );
    assert_eq!(
        ack.refused,
        vec![(forged.id.clone(), EventRefusal::VouchesForOther)]
    );
    assert_eq!(ack.acked, vec![opened.visit.id.clone()]);
    assert!(!EventRefusal::VouchesForOther.message_zh().is_empty());
    // The phone's own sync completes: the visit is kept, the claim marked refused.
    let report = officer.sync().unwrap();
    assert_eq!((report.events_sent, report.events_refused), (1, 1));
    assert!(officer.device.sync().pending_events(10).unwrap().is_empty());
    let before = reconcile(server);
    assert!(before.matched.is_empty(), "{before:?}");
    assert_eq!(before.visits_without_verification.len(), 1);
    assert_eq!(
        before.visits_without_verification[0].event_id,
        opened.visit.id
    );
    assert!(before.verifications_without_visit.is_empty());

    // The enterprise's own phone checks the code: that verification counts.
    let enterprise = Phone::enrolled(server, SubjectKind::Enterprise, ENTERPRISE);
    enterprise.sync().unwrap();
    let shown = officer
        .device
        .codes()
        .enforcement_code(Some(ENTERPRISE))
        .unwrap();
    enterprise
        .device
        .codes()
        .verify_enforcement_code(&shown.payload, Some(ENTERPRISE), "500103")
        .unwrap();
    let report = enterprise.sync().unwrap();
    assert_eq!((report.events_sent, report.events_refused), (1, 0));
    let after = reconcile(server);
    assert_eq!(after.matched.len(), 1, "{after:?}");
    assert_eq!(after.matched[0].0.event_id, opened.visit.id);
    assert_eq!(after.matched[0].1.credit_code, ENTERPRISE);
    assert!(after.visits_without_verification.is_empty());
}

/// The plan `plan-inspections` draws for `plan_id` over the published demo catalogue: every
/// enterprise of Yuzhong the food officers may inspect.
fn draw(server: &TestServer, plan_id: &str) -> (Plan, Vec<zhifa_core::registry::Officer>) {
    let body = server
        .catalogue
        .bundle_for(&["500103".into()], None)
        .unwrap()
        .unwrap();
    let candidates: Vec<Candidate> = body
        .upserts
        .enterprises
        .iter()
        .map(Candidate::never_inspected)
        .collect();
    let key = plans::task_id_key(&server.data_dir).unwrap();
    let plan = inspections::plan(&PlanRequest {
        plan_id: plan_id.into(),
        task_ids: &key,
        items: vec!["YZ-SC-002".into(), "YZ-SC-006".into()],
        candidates: &candidates,
        officers: &body.upserts.officers,
        start: zhifa_core::calendar::beijing_date(chrono::Utc::now()),
        window_days: 180,
        rates: GradeRates {
            a: 1_000_000,
            b: 1_000_000,
            c: 1_000_000,
            d: 1_000_000,
        },
        seed: 7,
    });
    assert!(plan.tasks.len() >= 2, "{plan:?}");
    (plan, body.upserts.officers)
}

/// Another team's phone makes an inspection under `id` and syncs it to the server first.
fn squat(attacker: &Phone, id: &str) {
    attacker
        .device
        .inspections()
        .receive_task(&Task {
            id: id.into(),
            plan_id: "squat".into(),
            credit_code: ENTERPRISE.into(),
            enterprise_name: "抢注".into(),
            division: "500103".into(),
            officers: vec![OTHER_TEAM_OFFICER.into()],
            items: vec!["YZ-SC-002".into()],
        })
        .unwrap();
    attacker.sync().unwrap();
}

/// Every task of `plan` for OFFICER_A reaches OFFICER_A's phone, as planned.
fn officer_receives(server: &TestServer, plan: &Plan, except: Option<&str>) {
    let phone = Phone::enrolled(server, SubjectKind::Officer, OFFICER_A);
    phone.sync().unwrap();
    let mine: Vec<&Task> = plan
        .tasks
        .iter()
        .filter(|t| t.officers.iter().any(|o| o == OFFICER_A) && Some(t.id.as_str()) != except)
        .collect();
    assert!(!mine.is_empty());
    for task in mine {
        let received = phone.device.inspections().get(&task.id).unwrap();
        assert_eq!(
            (&received.credit_code, &received.officers),
            (&task.credit_code, &task.officers)
        );
    }
}

#[test]
fn inspection_task_ids_cannot_be_taken_first_and_conflicts_fail_the_publish() {
    on_both(
        "inspection_task_ids_cannot_be_taken_first_and_conflicts_fail_the_publish",
        task_namespace,
    );
}

fn task_namespace(server: &TestServer) {
    let db = server.state.db.as_ref();
    let attacker = Phone::enrolled(server, SubjectKind::Officer, OTHER_TEAM_OFFICER);
    // The attack as it worked before: squatting the ids a plan id used to predict.
    for n in 1..=3 {
        squat(&attacker, &format!("YZ-2026-12-{n:05}"));
    }
    let (plan, officers) = draw(server, "YZ-2026-12");
    assert!(plan.tasks.iter().all(|t| !t.id.starts_with("YZ-2026-12-")));
    let tasks = plan.tasks.len();
    assert_eq!(
        plans::publish(db, &officers, &plan).unwrap(),
        Published {
            new: tasks,
            already: 0
        }
    );
    officer_receives(server, &plan, None);
    // Publishing the same plan again (drawn again: the same ids) writes nothing and succeeds,
    // even after the officers have worked on a task.
    let (again, _) = draw(server, "YZ-2026-12");
    assert_eq!(again.tasks, plan.tasks);
    assert_eq!(
        plans::publish(db, &officers, &again).unwrap(),
        Published {
            new: 0,
            already: tasks
        }
    );

    // A leaked id (the plan file of a plan not yet published), taken by another team first:
    // the publish fails and names the task; the other tasks still reach their officers.
    let (next, _) = draw(server, "YZ-2027-01");
    let leaked = next
        .tasks
        .iter()
        .find(|t| t.officers.iter().any(|o| o == OFFICER_A))
        .unwrap();
    squat(&attacker, &leaked.id);
    match plans::publish(db, &officers, &next) {
        Err(PublishError::Conflicts {
            published,
            conflicts,
        }) => {
            assert_eq!(
                conflicts,
                vec![(
                    leaked.id.clone(),
                    leaked.credit_code.clone(),
                    TaskConflict::Taken(CreateConflict::OtherTeam)
                )]
            );
            assert_eq!(published.new, next.tasks.len() - 1);
        }
        other => panic!("publish must fail on a taken id: {other:?}"),
    }
    officer_receives(server, &next, Some(&leaked.id));
    // The same id with other content (the plan changed since it was published) fails too.
    let mut changed = plan.clone();
    changed.tasks[0].officers.reverse();
    match plans::publish(db, &officers, &changed) {
        Err(PublishError::Conflicts { conflicts, .. }) => assert_eq!(
            conflicts,
            vec![(
                changed.tasks[0].id.clone(),
                changed.tasks[0].credit_code.clone(),
                TaskConflict::Taken(CreateConflict::OtherContent)
            )]
        ),
        other => panic!("publish must fail on other content: {other:?}"),
    }
    // The attacker's own sync still works.
    attacker.sync().unwrap();
}

fn options(prefix: Option<&str>, block: i32, min: i32) -> SyncOptions {
    SyncOptions {
        case_number_prefix: prefix.map(str::to_owned),
        case_number_block: block,
        case_numbers_min: min,
        ..zhifa_e2e::quick()
    }
}

#[test]
fn a_body_cannot_take_another_body_s_case_number_prefix() {
    on_both(
        "a_body_cannot_take_another_body_s_case_number_prefix",
        prefixes,
    );
}

fn prefixes(server: &TestServer) {
    // The attack: another body asks first for the year under the market body's prefix.
    let other = Phone::enrolled(server, SubjectKind::Officer, OTHER_TEAM_OFFICER);
    let stolen = other.device.sync().run(
        &other.transport,
        &options(Some(MARKET_PREFIX), 100, 20),
        &|_| {},
    );
    let refusal = match stolen {
        Err(Error::Sync(refusal @ SyncError::Forbidden(ErrorCode::PrefixNotOwned))) => refusal,
        other => panic!("another body's prefix must be refused: {other:?}"),
    };
    assert_eq!(
        refusal.message_zh(),
        zhifa_core::texts::sync::PREFIX_NOT_OWNED
    );
    assert_eq!(other.device.cases().numbers_left(MARKET_PREFIX).unwrap(), 0);
    // Everything else of that sync went through (catalogue, credential: before the numbers).
    assert!(other.device.codes().credential().unwrap().is_some());
    // Not named by the app, the prefix is the body's own from the catalogue.
    let report = other
        .device
        .sync()
        .run(&other.transport, &options(None, 100, 20), &|_| {})
        .unwrap();
    assert_eq!(report.case_numbers_added, 100);
    assert_eq!(
        other
            .device
            .cases()
            .numbers_left(ENVIRONMENT_PREFIX)
            .unwrap(),
        100
    );
    // The owner's phone gets its block under its prefix.
    let owner = Phone::enrolled(server, SubjectKind::Officer, OFFICER_A);
    let report = owner
        .device
        .sync()
        .run(&owner.transport, &options(None, 100, 20), &|_| {})
        .unwrap();
    assert_eq!(report.case_numbers_added, 100);
    assert_eq!(
        owner.device.cases().numbers_left(MARKET_PREFIX).unwrap(),
        100
    );
}

#[test]
fn one_phone_cannot_drain_a_prefix_s_year() {
    on_both("one_phone_cannot_drain_a_prefix_s_year", quota);
}

fn quota(server: &TestServer) {
    let greedy = Phone::enrolled(server, SubjectKind::Officer, OFFICER_A);
    let drain = options(Some(MARKET_PREFIX), 1_000, 100_000);
    let per_day = zhifa_sync_server::numbers::DEVICE_NUMBERS_PER_DAY as u32;
    let mut taken = 0;
    let refused = loop {
        match greedy.device.sync().run(&greedy.transport, &drain, &|_| {}) {
            Ok(report) => {
                taken += u32::try_from(report.case_numbers_added).unwrap();
                assert!(taken <= per_day, "over the day's quota");
            }
            Err(error) => break error,
        }
    };
    assert_eq!(taken, per_day);
    match &refused {
        Error::Sync(
            error @ SyncError::Server {
                status: 429,
                code: ErrorCode::NumbersQuota,
            },
        ) => assert_eq!(error.message_zh(), zhifa_core::texts::sync::NUMBERS_QUOTA),
        other => panic!("the quota must refuse: {other:?}"),
    }
    assert_eq!(
        greedy.device.cases().numbers_left(MARKET_PREFIX).unwrap(),
        per_day
    );
    // A colleague's phone still gets its block.
    let colleague = Phone::enrolled(server, SubjectKind::Officer, OFFICER_B);
    let report = colleague
        .device
        .sync()
        .run(&colleague.transport, &options(None, 100, 20), &|_| {})
        .unwrap();
    assert_eq!(report.case_numbers_added, 100);
}
