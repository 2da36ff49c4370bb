//! A hostile enrolled device sends Automerge messages that would cost the server, and then
//! every teammate's phone, unbounded memory and time (`sync::budget`), a change automerge
//! would apply but cannot save, or a document under another document's id. Each is refused,
//! typed, for that document only; nothing of it is stored or cached; the other documents of
//! the same round are applied; and a teammate goes on syncing. SQLite, and PostgreSQL when `ZHIFA_TEST_DATABASE_URL` is set.

use std::sync::OnceLock;

use automerge::sync::{State, SyncDoc};
use automerge::{AutoCommit, ReadDoc};
use zhifa_core::cases::CaseEdit;
use zhifa_core::crypto::{Algorithm, Signer, SoftwareKeystore};
use zhifa_core::sync::budget::crafted::{list_bomb, non_canonical, text_bomb};
use zhifa_core::sync::budget::MESSAGE_BYTES;
use zhifa_core::sync::protocol::{
    from_cbor, routes, to_cbor, DocMessage, DocRefusal, SyncRequest, SyncResponse,
};
use zhifa_core::sync::{auth, DocId, DocKind, SubjectKind, Transport};
use zhifa_e2e::{scratch_postgres, Phone, TestServer, OFFICER_A, OFFICER_B};
use zhifa_sync_server::storage::transaction;

/// A real first sync message of `doc` (its heads and bloom filter) carrying `chunks`.
fn message_carrying(doc: &mut AutoCommit, chunks: Vec<Vec<u8>>) -> Vec<u8> {
    let mut message = doc.sync().generate_sync_message(&mut State::new()).unwrap();
    message.changes = chunks.into();
    message.encode()
}

/// The whole of `doc`, as a device sends a document the server does not hold.
fn whole(doc: &mut AutoCommit) -> Vec<u8> {
    let changes = doc
        .get_changes(&[])
        .into_iter()
        .map(|c| c.raw_bytes().to_vec())
        .collect();
    message_carrying(doc, changes)
}

/// A billion operations in about a hundred bytes, after `doc`'s heads.
fn op_bomb(doc: &mut AutoCommit) -> Vec<u8> {
    let (heads, ops) = (doc.get_heads(), doc.stats().num_ops);
    let chunk = list_bomb(&[0xb0; 16], ops + 1, &heads, "bomb", 1_000_000_000);
    assert!(chunk.len() < 200);
    message_carrying(doc, vec![chunk])
}

/// A compressed change that inflates past the byte budget (built once: it takes a while).
fn deflate_bomb() -> Vec<u8> {
    static CHUNK: OnceLock<Vec<u8>> = OnceLock::new();
    let chunk = CHUNK.get_or_init(|| text_bomb(&[0xd0; 16], 1, &[], "t", MESSAGE_BYTES + 1));
    assert!(chunk.len() < 100_000);
    message_carrying(&mut AutoCommit::new(), vec![chunk.clone()])
}

/// The whole of `doc` plus a change automerge applies but writes in other bytes (so that
/// saving or sending the document would panic inside automerge).
fn poisoned(doc: &mut AutoCommit) -> Vec<u8> {
    let (heads, ops) = (doc.get_heads(), doc.stats().num_ops);
    let mut chunks: Vec<Vec<u8>> = doc
        .get_changes(&[])
        .into_iter()
        .map(|c| c.raw_bytes().to_vec())
        .collect();
    chunks.push(non_canonical(&[0xc0; 16], ops + 1, &heads, "bomb", 5));
    message_carrying(doc, chunks)
}

/// One round signed with the device's own key, as a hostile app on an enrolled phone would.
fn round(server: &TestServer, phone: &Phone, messages: Vec<DocMessage>) -> SyncResponse {
    let key = SoftwareKeystore::load_or_create(phone.device.store(), Algorithm::EdDSA).unwrap();
    let body = to_cbor(&SyncRequest {
        listing: None,
        messages,
    });
    let signed = auth::sign_request(
        &key as &dyn Signer,
        "POST",
        routes::SYNC,
        chrono::Utc::now().timestamp(),
        &body,
    )
    .unwrap();
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
    assert_eq!(
        response.status, 200,
        "a refused document is not a failed round"
    );
    from_cbor(&response.body).unwrap()
}

/// Everything the server stores of one document.
#[derive(Debug, PartialEq)]
struct Stored {
    row: Option<(Vec<u8>, i64, i64)>,
    snapshot: Option<Vec<u8>>,
    chunks: Vec<Vec<u8>>,
    sync_states: i64,
}

fn stored(server: &TestServer, id: &str) -> Stored {
    transaction(server.state.db.as_ref(), |tx| {
        let row = tx
            .query_opt(
                "SELECT digest, seq, last_chunk FROM doc WHERE id = $1",
                &[id.into()],
            )?
            .map(|r| Ok::<_, zhifa_sync_server::ServerError>((r.bytes(0)?, r.int(1)?, r.int(2)?)))
            .transpose()?;
        let snapshot = tx
            .query_opt(
                "SELECT bytes FROM doc_snapshot WHERE doc_id = $1",
                &[id.into()],
            )?
            .map(|r| r.bytes(0))
            .transpose()?;
        let chunks = tx
            .query(
                "SELECT bytes FROM doc_chunk WHERE doc_id = $1 ORDER BY chunk",
                &[id.into()],
            )?
            .iter()
            .map(|r| r.bytes(0))
            .collect::<Result<Vec<_>, _>>()?;
        let sync_states = tx
            .query_opt(
                "SELECT count(*) FROM sync_state WHERE doc_id = $1",
                &[id.into()],
            )?
            .unwrap()
            .int(0)?;
        Ok(Stored {
            row,
            snapshot,
            chunks,
            sync_states,
        })
    })
    .unwrap()
}

/// The operations of the document as the server stores it.
fn stored_ops(stored: &Stored) -> u64 {
    let mut doc = AutoCommit::load(stored.snapshot.as_ref().unwrap()).unwrap();
    for chunk in &stored.chunks {
        doc.load_incremental(chunk).unwrap();
    }
    doc.stats().num_ops
}

fn refusal_of(response: &SyncResponse, id: &str) -> Option<DocRefusal> {
    response
        .refused
        .iter()
        .find(|(_, doc, _)| doc.0 == id)
        .map(|r| r.2)
}

fn bombs_are_refused_and_the_team_syncs_on(server: &TestServer) {
    let a = Phone::enrolled(server, SubjectKind::Officer, OFFICER_A);
    let b = Phone::enrolled(server, SubjectKind::Officer, OFFICER_B);
    let shared = a.shared_case();
    a.sync().unwrap();
    b.sync().unwrap();
    let before = stored(server, &shared);
    let ops_before = stored_ops(&before);

    // One round: an op bomb on the shared case, a deflate bomb as a new document, a case
    // listed under an id its content does not carry, a new case with a change in other
    // bytes than automerge writes, and a genuine new case.
    let genuine = a.shared_case();
    let tainted = a.shared_case();
    let mut tainted_doc = a.case_document(&tainted);
    let (inflating, misnamed) = (
        "01890f3c-0000-7000-8000-0000000000b1".to_owned(),
        "01890f3c-0000-7000-8000-0000000000b2".to_owned(),
    );
    let mut shared_doc = a.case_document(&shared);
    let mut genuine_doc = a.case_document(&genuine);
    let case = |id: &str, bytes: Vec<u8>| DocMessage(DocKind::Case, DocId(id.into()), bytes.into());
    let response = round(
        server,
        &a,
        vec![
            case(&shared, op_bomb(&mut shared_doc)),
            case(&inflating, deflate_bomb()),
            case(&misnamed, whole(&mut genuine_doc)),
            case(&tainted, poisoned(&mut tainted_doc)),
            case(&genuine, whole(&mut genuine_doc)),
        ],
    );
    assert_eq!(refusal_of(&response, &shared), Some(DocRefusal::OverBudget));
    assert_eq!(
        refusal_of(&response, &inflating),
        Some(DocRefusal::OverBudget)
    );
    assert_eq!(
        refusal_of(&response, &misnamed),
        Some(DocRefusal::Malformed)
    );
    assert_eq!(refusal_of(&response, &tainted), Some(DocRefusal::Malformed));
    assert_eq!(
        refusal_of(&response, &genuine),
        None,
        "{:?}",
        response.refused
    );

    // Nothing of the refused messages was stored: the shared case is as it was, to the
    // byte and the operation; the others have no row, snapshot, chunk or sync state.
    assert_eq!(stored(server, &shared), before);
    assert_eq!(stored_ops(&stored(server, &shared)), ops_before);
    for id in [&inflating, &misnamed, &tainted] {
        let nothing = stored(server, id);
        assert_eq!(
            nothing,
            Stored {
                row: None,
                snapshot: None,
                chunks: vec![],
                sync_states: 0
            }
        );
    }
    // The genuine case of the same round was applied.
    let applied = stored(server, &genuine);
    assert!(applied.row.is_some());
    assert_eq!(stored_ops(&applied), genuine_doc.stats().num_ops);

    // The teammate syncs normally: the genuine case arrives, the shared one stays small, an
    // edit goes both ways, and nobody's phone is refused anything.
    b.device
        .cases()
        .edit(&shared, &[CaseEdit::AppendFindings("同事补充。".into())])
        .unwrap();
    let report = b.sync().unwrap();
    assert!(report.docs_refused.is_empty(), "{report:?}");
    assert!(b.device.cases().get(&genuine).is_ok());
    // The case the poisoned message claimed travels as its own phone sends it.
    let report = a.sync().unwrap();
    assert!(report.docs_refused.is_empty(), "{report:?}");
    b.sync().unwrap();
    assert!(b.device.cases().get(&tainted).is_ok());
    assert!(b.case_document(&shared).stats().num_ops < ops_before + 1_000);
    let report = a.sync().unwrap();
    assert!(report.docs_refused.is_empty(), "{report:?}");
    let findings = a.device.cases().get(&shared).unwrap().onsite.findings;
    assert!(findings.contains("同事补充。"), "{findings}");
}

#[test]
fn bombs_and_poisoned_documents_are_refused_and_the_team_syncs_on() {
    bombs_are_refused_and_the_team_syncs_on(&TestServer::start_blocking());
}

#[test]
fn bombs_and_poisoned_documents_are_refused_on_postgresql() {
    let Some(db) = scratch_postgres("bombs_and_poisoned_documents_are_refused_on_postgresql")
    else {
        return;
    };
    bombs_are_refused_and_the_team_syncs_on(&TestServer::start_with(Some(db.url.clone()), None));
}
