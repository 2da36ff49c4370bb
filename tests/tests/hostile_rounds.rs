//! A hostile enrolled device shapes a whole round, not one message: changes held back behind
//! a dependency it withholds, many messages each within budget, one document named many
//! times, a document grown until no reply can carry it (`sync::budget`, the round's plan in
//! the server's `docs`). Each is refused, typed; nothing of it is stored; a teammate goes on
//! syncing. SQLite, and PostgreSQL when `ZHIFA_TEST_DATABASE_URL` is set.

use automerge::sync::{State, SyncDoc};
use automerge::transaction::Transactable;
use automerge::{AutoCommit, Change, ReadDoc, ROOT};
use rand_core::RngCore;
use zhifa_core::cases::CaseEdit;
use zhifa_core::crypto::{Algorithm, Signer, SoftwareKeystore};
use zhifa_core::sync::budget::crafted::list_bomb;
use zhifa_core::sync::budget::{
    DOCUMENT_BYTES, DOCUMENT_OPS, REPLY_BYTES, ROUND_LOAD_BYTES, ROUND_OPS,
};
use zhifa_core::sync::protocol::{
    from_cbor, routes, to_cbor, DocMessage, DocRefusal, ErrorBody, ErrorCode, SyncRequest,
    SyncResponse, BATCH_DOCS,
};
use zhifa_core::sync::{auth, DocId, DocKind, SubjectKind, Transport};
use zhifa_e2e::{scratch_postgres, Phone, TestServer, OFFICER_A, OFFICER_B};
use zhifa_sync_server::storage::transaction;

/// A real first sync message of `doc` (its heads and bloom filter) carrying `chunks`.
fn carrying(id: &str, doc: &mut AutoCommit, chunks: Vec<Vec<u8>>) -> DocMessage {
    let id = id.to_owned();
    let mut message = doc.sync().generate_sync_message(&mut State::new()).unwrap();
    message.changes = chunks.into();
    DocMessage(DocKind::Case, DocId(id), message.encode().into())
}

/// One round signed with the device's own key, as a hostile app on an enrolled phone would:
/// the answer, or the round's typed refusal with its status.
fn round(
    server: &TestServer,
    phone: &Phone,
    messages: Vec<DocMessage>,
) -> Result<SyncResponse, (u16, ErrorCode)> {
    let key = SoftwareKeystore::load_or_create(phone.device.store(), Algorithm::EdDSA).unwrap();
    let body = to_cbor(&SyncRequest {
        listing: None,
        messages,
    });
    let now = chrono::Utc::now().timestamp();
    let signed = auth::sign_request(&key as &dyn Signer, "POST", routes::SYNC, now, &body).unwrap();
    let mut headers = vec![("content-type", "application/cbor".to_owned())];
    headers.extend(signed.headers());
    let transport = zhifa_core::sync::http::HttpTransport::new(&server.base()).unwrap();
    let response = transport
        .send(&zhifa_core::sync::Request {
            method: "POST",
            path: routes::SYNC.into(),
            headers,
            body,
        })
        .unwrap();
    if response.status != 200 {
        let body: ErrorBody = serde_json::from_slice(&response.body).unwrap();
        return Err((response.status, body.error));
    }
    Ok(from_cbor(&response.body).unwrap())
}

fn one(
    server: &TestServer,
    phone: &Phone,
    message: DocMessage,
) -> Result<SyncResponse, (u16, ErrorCode)> {
    round(server, phone, vec![message])
}

fn refusal_of(response: &SyncResponse, id: &str) -> Option<DocRefusal> {
    let refusal = response.refused.iter().find(|(_, doc, _)| doc.0 == id);
    refusal.map(|r| r.2)
}

/// The rows the server holds of a document: snapshot and chunks, as stored.
fn stored_rows(server: &TestServer, id: &str) -> Vec<Vec<u8>> {
    transaction(server.state.db.as_ref(), |tx| {
        let sql = "SELECT bytes FROM doc_snapshot WHERE doc_id = $1";
        let mut rows: Vec<Vec<u8>> = tx
            .query(sql, &[id.into()])?
            .iter()
            .map(|r| r.bytes(0))
            .collect::<Result<_, _>>()?;
        let sql = "SELECT bytes FROM doc_chunk WHERE doc_id = $1 ORDER BY chunk";
        for row in tx.query(sql, &[id.into()])? {
            rows.push(row.bytes(0)?);
        }
        Ok(rows)
    })
    .unwrap()
}

fn stored_doc(server: &TestServer, id: &str) -> AutoCommit {
    let rows = stored_rows(server, id);
    let mut doc = AutoCommit::load(&rows[0]).unwrap();
    for chunk in &rows[1..] {
        doc.load_incremental(chunk).unwrap();
    }
    doc
}

fn docs_on_server(server: &TestServer) -> i64 {
    transaction(server.state.db.as_ref(), |tx| {
        tx.query_opt("SELECT count(*) FROM doc", &[])?
            .unwrap()
            .int(0)
    })
    .unwrap()
}

/// Two officers of one team who both hold a case.
fn team(server: &TestServer) -> (Phone, Phone, String) {
    let a = Phone::enrolled(server, SubjectKind::Officer, OFFICER_A);
    let b = Phone::enrolled(server, SubjectKind::Officer, OFFICER_B);
    let shared = a.shared_case();
    a.sync().unwrap();
    b.sync().unwrap();
    (a, b, shared)
}

/// The teammate edits the shared case and both phones sync with nothing refused.
fn teammate_syncs_on(a: &Phone, b: &Phone, shared: &str, words: &str) {
    let edit = CaseEdit::AppendFindings(words.into());
    b.device.cases().edit(shared, &[edit]).unwrap();
    let report = b.sync().unwrap();
    assert!(report.docs_refused.is_empty(), "{report:?}");
    a.sync().unwrap();
    let findings = a.device.cases().get(shared).unwrap().onsite.findings;
    assert!(findings.contains(words), "{findings}");
}

fn orphans_are_refused_and_never_kept(server: &TestServer) {
    let (a, b, shared) = team(server);
    let mut doc = a.case_document(&shared);
    let (heads, ops) = (doc.get_heads(), doc.stats().num_ops);
    let before = stored_rows(server, &shared);
    // The change the attacker withholds (tiny), and changes after it, each within budget.
    let withheld = list_bomb(&[0xa1; 16], ops + 1, &heads, "x", 4);
    let withheld_hash = Change::try_from(&withheld[..]).unwrap().hash();
    for i in 0..2u8 {
        let orphan = list_bomb(&[0xb0 + i; 16], ops + 6, &[withheld_hash], "o", 300_000);
        let response = one(server, &a, carrying(&shared, &mut doc, vec![orphan])).unwrap();
        assert_eq!(refusal_of(&response, &shared), Some(DocRefusal::Incomplete));
        assert_eq!(stored_rows(server, &shared), before, "nothing stored");
    }
    // The withheld change now applies alone: nothing held back comes with it.
    let response = one(server, &a, carrying(&shared, &mut doc, vec![withheld])).unwrap();
    assert!(response.refused.is_empty(), "{:?}", response.refused);
    let now = stored_doc(server, &shared).stats().num_ops;
    assert_eq!(now, ops + 5, "only the withheld change's operations");
    assert!(now <= DOCUMENT_OPS);
    teammate_syncs_on(&a, &b, &shared, "同事补充。");
    assert!(b.case_document(&shared).stats().num_ops < ops + 1_000);
}

fn bombs(n: usize) -> Vec<DocMessage> {
    let chunk = list_bomb(&[0xe0; 16], 1, &[], "bomb", 450_000);
    (0..n)
        .map(|i| {
            let mut m = AutoCommit::new()
                .sync()
                .generate_sync_message(&mut State::new())
                .unwrap();
            m.changes = vec![chunk.clone()].into();
            let id = format!("01890f3c-0000-7000-8000-{i:012}");
            DocMessage(DocKind::Case, DocId(id), m.encode().into())
        })
        .collect()
}

fn a_round_costs_at_most_its_budget(server: &TestServer) {
    let (a, b, shared) = team(server);
    let docs = docs_on_server(server);
    // Eight messages of 450,000 operations each, every one within the message budget: the
    // round applies as many as its budget allows and puts the rest off, unapplied.
    let response = round(server, &a, bombs(8)).unwrap();
    let afforded = (ROUND_OPS / 450_000) as usize;
    assert_eq!(response.refused.len(), afforded, "{:?}", response.refused);
    for (_, _, refusal) in &response.refused {
        // Applied, then refused for what they make: no readable case.
        assert_eq!(*refusal, DocRefusal::Malformed);
    }
    assert_eq!(response.changed.len(), 8 - afforded, "the rest wait");
    assert_eq!(docs_on_server(server), docs);
    // More messages than a batch holds: the round is refused before anything is read.
    let too_many = round(server, &a, bombs(BATCH_DOCS + 1)).unwrap_err();
    assert_eq!(too_many, (413, ErrorCode::TooLarge));
    assert_eq!(docs_on_server(server), docs);
    teammate_syncs_on(&a, &b, &shared, "同事补充。");
}

fn a_document_named_twice_refuses_the_round(server: &TestServer) {
    let (a, b, shared) = team(server);
    let mut doc = a.case_document(&shared);
    let heads_only = carrying(&shared, &mut doc, vec![]);
    let before = stored_rows(server, &shared);
    let cached = server.state.documents.cached();
    let twice = round(server, &a, vec![heads_only.clone(); 24]).unwrap_err();
    assert_eq!(twice, (400, ErrorCode::BadRequest));
    assert_eq!(stored_rows(server, &shared), before);
    assert!(server.state.documents.cached() <= cached + 1);
    // Once is an ordinary round.
    let response = one(server, &a, heads_only).unwrap();
    assert!(response.refused.is_empty(), "{:?}", response.refused);
    teammate_syncs_on(&a, &b, &shared, "同事补充。");
}

/// A change putting `bytes` random bytes (hex, one operation) under `key` of `doc`.
fn padded(id: &str, doc: &mut AutoCommit, key: &str, bytes: usize) -> DocMessage {
    let before = doc.get_heads();
    let mut pad = vec![0u8; bytes / 2];
    rand_core::OsRng.fill_bytes(&mut pad);
    doc.put(ROOT, key, hex::encode(&pad)).unwrap();
    doc.commit();
    let changes = doc.get_changes(&before);
    let chunks = changes.iter().map(|c| c.raw_bytes().to_vec()).collect();
    carrying(id, doc, chunks)
}

fn stored_bytes(server: &TestServer, id: &str) -> u64 {
    let rows = stored_rows(server, id);
    rows.iter().map(|r| r.len() as u64).sum()
}

fn a_document_never_outgrows_a_reply(server: &TestServer) {
    let (a, b, shared) = team(server);
    // One-operation changes of a megabyte each, every one within the message budget, until
    // the document's byte cap refuses them.
    let mut doc = a.case_document(&shared);
    let mut refused = 0;
    for i in 0..7 {
        let message = padded(&shared, &mut doc, &format!("pad{i}"), 1 << 20);
        let response = one(server, &a, message).unwrap();
        match refusal_of(&response, &shared) {
            None => assert_eq!(refused, 0, "accepted after a refusal"),
            Some(refusal) => {
                assert_eq!(refusal, DocRefusal::OverBudget);
                refused += 1;
            }
        }
        assert!(stored_bytes(server, &shared) <= DOCUMENT_BYTES);
    }
    assert!(refused > 0 && refused < 7, "{refused} refused");
    // A teammate who holds the case gets what was stored, in a reply it accepts, every time.
    for _ in 0..2 {
        let report = b.sync().unwrap();
        assert!(report.docs_refused.is_empty(), "{report:?}");
    }
    let held = b.case_document(&shared);
    assert!(held.get(ROOT, "pad0").unwrap().is_some());
    teammate_syncs_on(&a, &b, &shared, "同事补充。");
}

/// Team cases, each within every cap, whose replies together pass what one reply carries,
/// as the server and their author hold them.
fn large_cases(server: &TestServer, a: &Phone, n: usize) -> Vec<(String, AutoCommit)> {
    let ids: Vec<String> = (0..n).map(|_| a.shared_case()).collect();
    a.sync().unwrap();
    let mut cases = Vec::new();
    for id in ids {
        let mut doc = a.case_document(&id);
        let response = one(server, a, padded(&id, &mut doc, "pad", 1_500_000)).unwrap();
        assert!(response.refused.is_empty(), "{:?}", response.refused);
        cases.push((id, doc));
    }
    cases
}

fn replies_are_split_by_size(server: &TestServer) {
    let a = Phone::enrolled(server, SubjectKind::Officer, OFFICER_A);
    let cases = large_cases(server, &a, REPLY_BYTES / 1_500_000 + 2);
    // A new teammate's first sync receives them all: what does not fit one reply comes in
    // the next round of the same session.
    let b = Phone::enrolled(server, SubjectKind::Officer, OFFICER_B);
    let report = b.sync().unwrap();
    assert!(report.docs_refused.is_empty(), "{report:?}");
    for (id, _) in &cases {
        let held = b.case_document(id);
        assert!(held.get(ROOT, "pad").unwrap().is_some(), "{id}");
    }
}

fn a_round_loads_at_most_its_budget(server: &TestServer) {
    let a = Phone::enrolled(server, SubjectKind::Officer, OFFICER_A);
    let mut cases = large_cases(server, &a, 12);
    let stored: Vec<u64> = cases
        .iter()
        .map(|(id, _)| stored_bytes(server, id))
        .collect();
    assert!(stored.iter().sum::<u64>() > ROUND_LOAD_BYTES);
    // Heads-only messages naming every large case: nothing to add, everything to load.
    let messages = cases
        .iter_mut()
        .map(|(id, doc)| carrying(id, doc, vec![]))
        .collect();
    let response = round(server, &a, messages).unwrap();
    assert!(response.refused.is_empty(), "{:?}", response.refused);
    let put_off: Vec<&str> = response.changed.iter().map(|r| (r.1).0.as_str()).collect();
    assert!(!put_off.is_empty());
    let loaded: u64 = (cases.iter().zip(&stored))
        .filter(|((id, _), _)| !put_off.contains(&id.as_str()))
        .map(|(_, bytes)| bytes)
        .sum();
    assert!(
        loaded <= ROUND_LOAD_BYTES,
        "{loaded} bytes loaded in one round"
    );
    // A teammate holding none of them syncs them all in one session.
    let b = Phone::enrolled(server, SubjectKind::Officer, OFFICER_B);
    let report = b.sync().unwrap();
    assert!(report.docs_refused.is_empty(), "{report:?}");
    for (id, _) in &cases {
        assert!(b.case_document(id).get(ROOT, "pad").unwrap().is_some());
    }
}

fn an_honest_batch_over_the_round_budget_syncs_in_one_session(server: &TestServer) {
    let a = Phone::enrolled(server, SubjectKind::Officer, OFFICER_A);
    // Three genuine cases of 350,000 operations each (one a character of findings): more
    // than one round may apply, so the server puts one off and the phone sends it again.
    let long = "a".repeat(350_000);
    let ids: Vec<String> = (0..3).map(|_| a.shared_case()).collect();
    for id in &ids {
        let edit = CaseEdit::AppendFindings(long.clone());
        a.device.cases().edit(id, &[edit]).unwrap();
    }
    const { assert!(3 * 350_000 > ROUND_OPS) };
    let report = a.sync().unwrap();
    assert!(report.docs_refused.is_empty(), "{report:?}");
    assert_eq!(docs_on_server(server), 3);
    let b = Phone::enrolled(server, SubjectKind::Officer, OFFICER_B);
    let report = b.sync().unwrap();
    assert!(report.docs_refused.is_empty(), "{report:?}");
    for id in &ids {
        assert_eq!(b.device.cases().get(id).unwrap().onsite.findings, long);
    }
}

macro_rules! on_both_backends {
    ($($name:ident => $body:ident),* $(,)?) => {
        mod sqlite {
            $(#[test] fn $name() { super::$body(&super::TestServer::start_blocking()); })*
        }
        mod postgres {
            $(#[test] fn $name() {
                let Some(db) = super::scratch_postgres(concat!("rounds_", stringify!($name)))
                else { return; };
                super::$body(&super::TestServer::start_with(Some(db.url.clone()), None));
            })*
        }
    };
}

on_both_backends! {
    changes_held_back_behind_a_withheld_one_are_refused_and_never_kept
        => orphans_are_refused_and_never_kept,
    many_messages_within_budget_cost_at_most_the_round_budget
        => a_round_costs_at_most_its_budget,
    a_document_named_many_times_in_one_round_is_refused
        => a_document_named_twice_refuses_the_round,
    a_document_grown_past_its_byte_cap_is_refused_and_the_teammate_syncs_on
        => a_document_never_outgrows_a_reply,
    replies_over_one_body_are_split_across_rounds
        => replies_are_split_by_size,
    a_round_naming_many_large_documents_loads_at_most_its_budget
        => a_round_loads_at_most_its_budget,
    a_phone_with_more_than_a_round_takes_sends_it_in_one_session
        => an_honest_batch_over_the_round_budget_syncs_in_one_session,
}
