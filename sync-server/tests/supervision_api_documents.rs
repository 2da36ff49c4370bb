//! A case's file as the console reads it, over real HTTP on SQLite and PostgreSQL, from a
//! case a real phone made and synced with its evidence: the list of its legal documents (ready
//! or what the case lacks), one document as the phone's renderer prints it, the evidence files
//! streamed with the content type their bytes show; another district's supervisor gets the
//! same 404 as for a case that does not exist; and each look is in the access log.

mod supervision_api_support;
mod support;

use chrono::NaiveDate;
use supervision_api_support::*;
use zhifa_core::cases::document::CaseEdit;
use zhifa_core::cases::CaseKind;
use zhifa_sync_server::supervision::api::Role;
use zhifa_sync_server::supervision::Scope;

/// A 1×1 PNG: the evidence photo.
const PNG: &str = "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c49444154789c63f8cfc0000003010100c9fe92ef0000000049454e44ae426082";

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

/// A case in Yuzhong with a party, findings, a photo and a text file, synced to the server.
fn synced_case(server: &support::Server) -> (String, Vec<u8>, Vec<u8>) {
    let phone = server.enrolled(support::OFFICER_A);
    let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let cases = phone.device.cases();
    let case = cases
        .create(CaseKind::Ordinary, "SP-126-5", YUZHONG, day, day)
        .unwrap();
    cases
        .edit(
            &case.id,
            &[
                CaseEdit::AddParty(zhifa_core::testing::person()),
                CaseEdit::AppendFindings("后厨地面有积水，生熟食品混放。".into()),
            ],
        )
        .unwrap();
    let photo = hex::decode(PNG).unwrap();
    let notes = "询问情况的文字记录（非图片）".as_bytes().to_vec();
    let evidence = phone.device.evidence();
    evidence
        .add_to_case(&case.id, &photo, "视听资料", "后厨现场照片", None)
        .unwrap();
    evidence
        .add_to_case(&case.id, &notes, "书证", "文字记录", None)
        .unwrap();
    let report = phone.sync().unwrap();
    assert_eq!(report.blobs_sent, 2, "{report:?}");
    (case.id, photo, notes)
}

#[test]
fn documents_and_evidence_open_in_scope_only_and_every_look_is_logged() {
    for server in servers("sv_api_docs") {
        let (id, photo, notes) = synced_case(&server);
        let yuzhong = key(
            &server,
            "渝中监督",
            Role::District,
            Scope::District(YUZHONG.into()),
        );
        let yubei = key(
            &server,
            "渝北监督",
            Role::District,
            Scope::District(YUBEI.into()),
        );

        let listing = documents(&server, &id, &yuzhong);
        let (photo_hash, notes_hash) = (sha256_hex(&photo), sha256_hex(&notes));
        evidence(
            &server,
            &id,
            &yuzhong,
            &listing,
            (&photo, &photo_hash),
            (&notes, &notes_hash),
        );

        // Another district: the same 404 as a case that does not exist, for every route.
        let absent = get(&server, "/v1/supervision/cases/nothing/documents", &yubei);
        assert_eq!(absent.status, 404);
        for path in [
            format!("/v1/supervision/cases/{id}/documents"),
            format!("/v1/supervision/cases/{id}/documents/onsite_record"),
            format!("/v1/supervision/cases/{id}/evidence/{photo_hash}"),
        ] {
            let refused = get(&server, &path, &yubei);
            assert_eq!(refused.status, 404, "{path}");
            assert_eq!(refused.json(), absent.json(), "{path}");
        }

        // The access log holds each look by the Yuzhong supervisor, none by Yubei's.
        let looks = access_log(&server, &id);
        assert!(
            looks.iter().all(|(name, _)| name == "渝中监督"),
            "{looks:?}"
        );
        for what in [
            "documents".to_owned(),
            "document:onsite_record".to_owned(),
            format!("evidence:{photo_hash}"),
            format!("evidence:{notes_hash}"),
        ] {
            assert!(
                looks.iter().any(|(_, seen)| *seen == what),
                "{what}: {looks:?}"
            );
        }
        // A refusal shows nothing, so it logs nothing: the lacking decision is not a look.
        assert!(!looks
            .iter()
            .any(|(_, seen)| seen == "document:penalty_decision"));
    }
}

/// The listing and one document: what the case has, ready or lacking, rendered as printed.
fn documents(server: &support::Server, id: &str, yuzhong: &str) -> serde_json::Value {
    // The list: the ordinary procedure's documents, each ready or what it lacks.
    let listing = get(
        server,
        &format!("/v1/supervision/cases/{id}/documents"),
        yuzhong,
    );
    assert_eq!(listing.status, 200, "{:?}", listing.json());
    let listing = listing.json();
    let documents = listing["documents"].as_array().unwrap();
    let kinds: Vec<&str> = documents
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"penalty_decision"), "{kinds:?}");
    assert!(!kinds.contains(&"summary_decision"), "{kinds:?}");
    for doc in documents {
        assert!(is_zh(doc["title_zh"].as_str().unwrap()));
        match doc["ready"].as_bool().unwrap() {
            true => assert!(doc["lacking_zh"].is_null()),
            false => assert!(is_zh(doc["lacking_zh"].as_str().unwrap()), "{doc}"),
        }
    }
    let ready = |kind: &str| {
        documents
            .iter()
            .find(|d| d["kind"] == kind)
            .map(|d| d["ready"] == true)
    };
    assert_eq!(ready("onsite_record"), Some(true), "{listing}");
    assert_eq!(ready("evidence_list"), Some(true), "{listing}");
    // Undecided: the decision says what it lacks instead of printing half empty.
    assert_eq!(ready("penalty_decision"), Some(false));
    assert_eq!(listing["names"]["district"], "渝中区");
    assert!(is_zh(listing["names"]["body"].as_str().unwrap()));

    // One document: the renderer's HTML, framed and inert.
    let record = get(
        server,
        &format!("/v1/supervision/cases/{id}/documents/onsite_record"),
        yuzhong,
    );
    assert_eq!(record.status, 200);
    assert!(record
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(record
        .header("content-security-policy")
        .unwrap()
        .contains("default-src 'none'"));
    let html = String::from_utf8(record.body.clone()).unwrap();
    assert!(
        html.contains("现场检查") && html.contains("生熟食品混放"),
        "{html}"
    );
    let lacking = get(
        server,
        &format!("/v1/supervision/cases/{id}/documents/penalty_decision"),
        yuzhong,
    );
    assert_eq!(lacking.status, 400);
    assert!(is_zh(lacking.json()["detail"].as_str().unwrap()));
    let summary = get(
        server,
        &format!("/v1/supervision/cases/{id}/documents/summary_decision"),
        yuzhong,
    );
    assert_eq!(summary.status, 400);
    let unknown = get(
        server,
        &format!("/v1/supervision/cases/{id}/documents/../../me"),
        yuzhong,
    );
    assert_eq!(unknown.status, 404);

    listing
}

/// Each cited file streamed as stored, typed by its bytes; an uncited or malformed hash refused.
fn evidence(
    server: &support::Server,
    id: &str,
    yuzhong: &str,
    listing: &serde_json::Value,
    (photo, photo_hash): (&[u8], &str),
    (notes, notes_hash): (&[u8], &str),
) {
    // Evidence: the photo as an image, the text file as a download, byte for byte.
    let evidence = listing["evidence"].as_array().unwrap();
    assert_eq!(evidence.len(), 2);
    let entry = |hash: &str| evidence.iter().find(|e| e["hash"] == hash).unwrap();
    assert_eq!(entry(photo_hash)["content_type"], "image/png");
    assert_eq!(
        entry(notes_hash)["content_type"],
        "application/octet-stream"
    );
    assert_eq!(entry(photo_hash)["stored"], true);
    let image = get(
        server,
        &format!("/v1/supervision/cases/{id}/evidence/{photo_hash}"),
        yuzhong,
    );
    assert_eq!(image.status, 200);
    assert_eq!(image.header("content-type"), Some("image/png"));
    assert_eq!(image.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(image.body, photo);
    let file = get(
        server,
        &format!("/v1/supervision/cases/{id}/evidence/{notes_hash}"),
        yuzhong,
    );
    assert_eq!(file.status, 200);
    assert_eq!(
        file.header("content-type"),
        Some("application/octet-stream")
    );
    assert!(file
        .header("content-disposition")
        .unwrap()
        .starts_with("attachment"));
    assert_eq!(file.body, notes);
    // A hash the case does not cite, and a malformed one.
    let uncited = get(
        server,
        &format!("/v1/supervision/cases/{id}/evidence/{}", "ab".repeat(32)),
        yuzhong,
    );
    assert_eq!(uncited.status, 404);
    let malformed = get(
        server,
        &format!("/v1/supervision/cases/{id}/evidence/NOT-A-HASH"),
        yuzhong,
    );
    assert_eq!(malformed.status, 400);
    assert!(is_zh(malformed.json()["detail"].as_str().unwrap()));
}

/// Who looked at the case and what, from the access log.
fn access_log(server: &support::Server, case_id: &str) -> Vec<(String, String)> {
    use zhifa_sync_server::storage::transaction;
    transaction(server.state.db.as_ref(), |tx| {
        tx.query(
            "SELECT name, what FROM sv_access WHERE case_id = $1",
            &[case_id.into()],
        )
    })
    .unwrap()
    .iter()
    .map(|row| (row.text(0).unwrap(), row.text(1).unwrap()))
    .collect()
}
