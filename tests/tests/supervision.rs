//! The supervision index end to end, over real HTTP: two phones (on two replicas of one
//! PostgreSQL database when `ZHIFA_TEST_DATABASE_URL` is set) edit one case apart and the
//! server's row follows the merged case; a catalogue published anew (an officer delisted)
//! reaches the next projection; a two-code visit the enterprise confirmed is verified; the
//! enterprise's check refusing the officer's code (a replayed code) fires the warning.

use zhifa_core::cases::{CaseEdit, CaseOfficer, Party, PartyKind};
use zhifa_core::sync::SubjectKind;
use zhifa_e2e::{scratch_postgres, Phone, TestServer, OFFICER_A, OFFICER_B};
use zhifa_sync_server::storage::{transaction, Value};
use zhifa_sync_server::supervision::warnings::{self, Filter, Rules};
use zhifa_sync_server::supervision::Scope;
use zhifa_sync_server::AgencyKeys;

const SHOP: &str = "91500103MA5U1A0B2Y";

fn query(server: &TestServer, sql: &str, id: &str) -> Vec<Vec<Value>> {
    transaction(server.state.db.as_ref(), |tx| tx.query(sql, &[id.into()]))
        .unwrap()
        .into_iter()
        .map(|row| row.0)
        .collect()
}

fn text(v: &str) -> Value {
    Value::Text(v.into())
}

fn converge(a: &Phone, b: &Phone) {
    for _ in 0..3 {
        a.sync().unwrap();
        b.sync().unwrap();
    }
}

/// `first` serves phone A, `second` phone B (the same server, or another replica).
fn the_index_follows_what_phones_sync(first: &TestServer, second: &TestServer) {
    let a = Phone::enrolled(first, SubjectKind::Officer, OFFICER_A);
    let b = Phone::enrolled_via(first, &second.base(), SubjectKind::Officer, OFFICER_B);
    a.sync().unwrap();
    let id = a.shared_case();
    a.sync().unwrap();
    b.sync().unwrap();
    // Apart: A names the party, B adds a third officer.
    a.device
        .cases()
        .edit(
            &id,
            &[CaseEdit::AddParty(Party {
                kind: PartyKind::Organisation,
                name: "重庆示例餐饮有限公司".into(),
                credit_code: Some(SHOP.into()),
                id_number: None,
                address: "重庆市渝中区解放碑".into(),
                representative: Some("李某".into()),
            })],
        )
        .unwrap();
    b.device
        .cases()
        .edit(
            &id,
            &[CaseEdit::AddOfficer(CaseOfficer {
                credential_no: "渝50010320003".into(),
                name: "王芳".into(),
                verified: true,
                withdrawn: false,
            })],
        )
        .unwrap();
    converge(&a, &b);
    let sql = "SELECT body, district, violation, party_kind, enterprise, acting_officers,
               uncredentialed FROM sv_case WHERE doc_id = $1";
    let merged = vec![
        text("B500103001"),
        text("500103"),
        text("SP-126-5"),
        text("organisation"),
        text(SHOP),
        Value::Int(3),
        Value::Int(0),
    ];
    assert_eq!(query(first, sql, &id), vec![merged.clone()]);

    // The catalogue no longer lists B: the next change is projected under the new version.
    let mut data = zhifa_e2e::demo_catalogue();
    data.officers.retain(|o| o.credential_no != OFFICER_B);
    data.agency_keys
        .extend(AgencyKeys::open(&first.data_dir).records().unwrap());
    first.catalogue.publish(&data).unwrap();
    let findings = CaseEdit::AppendFindings("后厨未设防蝇设施。".into());
    a.device.cases().edit(&id, &[findings]).unwrap();
    a.sync().unwrap();
    let mut delisted = merged;
    delisted[6] = Value::Int(1);
    assert_eq!(query(first, sql, &id), vec![delisted]);
    let officers = query(
        second,
        "SELECT credential_no, credentialed FROM sv_case_officer WHERE doc_id = $1
         ORDER BY credential_no",
        &id,
    );
    assert_eq!(
        officers,
        vec![
            vec![text(OFFICER_A), Value::Int(1)],
            vec![text(OFFICER_B), Value::Int(0)],
            vec![text("渝50010320003"), Value::Int(1)],
        ]
    );
    // Every officer phone that synced is seen.
    let seen = query(
        first,
        "SELECT COUNT(*) FROM sv_device_seen WHERE district = $1",
        "500103",
    );
    assert_eq!(seen, vec![vec![Value::Int(2)]]);
}

/// The officer scans the shop's enterprise code and opens a two-code visit with OFFICER_B.
fn visit_shop(server: &TestServer, officer: &Phone) {
    let signer = server
        .state
        .agencies
        .signer(
            "B500103001",
            zhifa_core::registry::KeyPurpose::EnterpriseCode,
        )
        .unwrap();
    let record = server.catalogue.enterprise(SHOP).unwrap().unwrap();
    let now = chrono::Utc::now();
    let issued = zhifa_core::codes::issue_enterprise_code(
        &signer,
        &record,
        1,
        now,
        chrono::Duration::days(30),
    )
    .unwrap();
    officer
        .device
        .codes()
        .open_visit(&issued, None, vec![OFFICER_B.into()], None)
        .unwrap();
}

fn a_confirmed_visit_is_verified(server: &TestServer) {
    let officer = Phone::enrolled(server, SubjectKind::Officer, OFFICER_A);
    officer.sync().unwrap();
    let enterprise = Phone::enrolled(server, SubjectKind::Enterprise, SHOP);
    enterprise.sync().unwrap();
    let shown = officer.device.codes().enforcement_code(Some(SHOP)).unwrap();
    enterprise
        .device
        .codes()
        .verify_enforcement_code(&shown.payload, Some(SHOP), "500103")
        .unwrap();
    enterprise.sync().unwrap();
    visit_shop(server, &officer);
    officer.sync().unwrap();
    let visits = query(
        server,
        "SELECT officer, body, enterprise, verified, code_refused FROM sv_visit WHERE enterprise = $1",
        SHOP,
    );
    assert_eq!(
        visits,
        vec![vec![
            text(OFFICER_A),
            text("B500103001"),
            text(SHOP),
            Value::Int(1),
            Value::Int(0)
        ]]
    );
}

/// The `code_refused` warnings about OFFICER_A a run as of today gives.
fn refused_code_warnings(server: &TestServer) -> Vec<warnings::Warning> {
    let today = zhifa_core::testing::today();
    warnings::run(server.state.db.as_ref(), &Rules::builtin(), today).unwrap();
    let filter = Filter {
        rule: Some("code_refused".into()),
        ..Filter::default()
    };
    transaction(server.state.db.as_ref(), |tx| {
        warnings::list(tx, &Scope::District("500103".into()), &filter)
    })
    .unwrap()
    .into_iter()
    .filter(|w| w.scope == OFFICER_A)
    .collect()
}

/// After `a_confirmed_visit_is_verified`: nothing to warn of; then the enterprise scans the
/// same code again (a replay, refused on its phone), syncs, and the warning is there, open,
/// saying why in words.
fn a_refused_code_fires_its_warning(server: &TestServer) {
    assert_eq!(refused_code_warnings(server), Vec::new());
    let officer = Phone::enrolled(server, SubjectKind::Officer, OFFICER_A);
    officer.sync().unwrap();
    let enterprise = Phone::enrolled(server, SubjectKind::Enterprise, SHOP);
    enterprise.sync().unwrap();
    let shown = officer.device.codes().enforcement_code(Some(SHOP)).unwrap();
    let codes = enterprise.device.codes();
    codes
        .verify_enforcement_code(&shown.payload, Some(SHOP), "500103")
        .unwrap();
    assert!(codes
        .verify_enforcement_code(&shown.payload, Some(SHOP), "500103")
        .is_err());
    enterprise.sync().unwrap();
    visit_shop(server, &officer);
    officer.sync().unwrap();
    let fired = refused_code_warnings(server);
    assert_eq!(fired.len(), 1, "{fired:?}");
    assert_eq!(
        (fired[0].status.as_str(), fired[0].body.as_str()),
        ("open", "B500103001")
    );
    assert!(
        fired[0].why.contains("拒绝") || fired[0].why.contains("未通过"),
        "{}",
        fired[0].why
    );
    // The city sees it too; another district does not.
    let elsewhere = transaction(server.state.db.as_ref(), |tx| {
        warnings::list(tx, &Scope::District("500104".into()), &Filter::default())
    })
    .unwrap();
    assert!(elsewhere.iter().all(|w| w.district == "500104"));
}

#[test]
fn the_index_follows_phones_on_sqlite() {
    let server = TestServer::start_blocking();
    the_index_follows_what_phones_sync(&server, &server);
    a_confirmed_visit_is_verified(&server);
    a_refused_code_fires_its_warning(&server);
}

#[test]
fn the_index_follows_phones_on_two_postgresql_replicas() {
    let Some(db) = scratch_postgres("the_index_follows_phones_on_two_postgresql_replicas") else {
        return;
    };
    let first = TestServer::start_with(Some(db.url.clone()), None);
    let second = TestServer::start_with(Some(db.url.clone()), Some(first.data_dir.clone()));
    the_index_follows_what_phones_sync(&first, &second);
    a_confirmed_visit_is_verified(&second);
    a_refused_code_fires_its_warning(&first);
}
