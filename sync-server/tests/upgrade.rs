//! A database made before the server's schema was versioned (evidence owned by its first
//! uploader's team, events without their signer) opens under this server, on SQLite and (with
//! `ZHIFA_TEST_DATABASE_URL`) PostgreSQL: complete evidence becomes the shared copy granted to
//! its team and downloads whole, even when the older server took it in uneven parts; a file
//! that does not match its name and unfinished uploads are dropped; every event gets the
//! enrolment of the key that signed it; a second open changes nothing.

mod support;

use sha2::{Digest as _, Sha256};
use support::backends;
use zhifa_core::crypto::{Algorithm, Signer, SigningKey};
use zhifa_core::sync::protocol::BLOB_PART;
use zhifa_core::sync::SubjectKind;
use zhifa_sync_server::blobs;
use zhifa_sync_server::devices::DeviceRecord;
use zhifa_sync_server::server::open_database;
use zhifa_sync_server::storage::{transaction, Database, Value};

const UNVERSIONED: &str = include_str!("data/schema_unversioned.sql");

/// The rows an older server wrote: an officer's and an enterprise's device, one event of
/// each, one complete file in two parts and one upload cut short.
const OLD_ROWS: &str = "
INSERT INTO device (key_id, public_key, subject_kind, subject, team, divisions, label, enrolled_at)
    VALUES ('k-officer', '', 'officer', '渝50010320001', 'B500103003', '500103', 'A', 0);
INSERT INTO device (key_id, public_key, subject_kind, subject, team, divisions, label, enrolled_at)
    VALUES ('k-enterprise', '', 'enterprise', '91500103MA5U1A0E5B', '91500103MA5U1A0E5B', '500103', 'E', 0);
INSERT INTO event (id, kind, key_id, digest, signed, credit_code, credential_no, step, ok, at_time, received_at)
    VALUES ('e-visit', 'visit', 'k-officer', '', '', '91500103MA5U1A0E5B', '渝50010320001', 7, 1, 0, 0);
INSERT INTO event (id, kind, key_id, digest, signed, credit_code, credential_no, step, ok, at_time, received_at)
    VALUES ('e-check', 'code_verification', 'k-enterprise', '', '', '91500103MA5U1A0E5B', '渝50010320001', 7, 1, 0, 0);
";

/// A photo of a part and a half, as the older server stored it: in three uneven parts.
fn photo() -> Vec<u8> {
    (0..BLOB_PART + BLOB_PART / 2)
        .map(|i| (i % 251) as u8)
        .collect()
}

fn hash_of(content: &[u8]) -> String {
    hex::encode(Sha256::digest(content))
}

/// The old evidence rows, as SQL with `bytes` writing a byte literal in the backend's
/// dialect: the photo complete in uneven parts, a "complete" file whose parts do not make its
/// name, and an upload cut short.
fn old_evidence(bytes: fn(&[u8]) -> String) -> String {
    let photo = photo();
    let (good, forged, cut) = (hash_of(&photo), hash_of(b"forged"), hash_of(b"cut"));
    let size = photo.len();
    let third = size / 3;
    let mut sql = format!(
        "INSERT INTO blob (hash, size, received, complete, team) VALUES
             ('{good}', {size}, {size}, 1, 'B500103003'),
             ('{forged}', 3, 3, 1, 'B500103003'),
             ('{cut}', 9, 3, 0, 'B500103003');"
    );
    for (hash, offset, part) in [
        (&good, 0, &photo[..third]),
        (&good, third, &photo[third..2 * third]),
        (&good, 2 * third, &photo[2 * third..]),
        (&forged, 0, b"abc".as_slice()),
        (&cut, 0, b"cut".as_slice()),
    ] {
        sql += &format!(
            "INSERT INTO blob_part (hash, offset_, bytes) VALUES ('{hash}', {offset}, {});",
            bytes(part)
        );
    }
    sql
}

/// The photo read back as a teammate's phone downloads it, part by part.
fn download(db: &dyn Database) -> Vec<u8> {
    let key = SigningKey::generate(Algorithm::EdDSA);
    let teammate = DeviceRecord {
        key_id: key.public_key().key_id().to_string(),
        public_key: key.public_key(),
        subject_kind: SubjectKind::Officer,
        subject: "渝50010320002".into(),
        team: "B500103003".into(),
        divisions: vec!["500103".into()],
    };
    let download = blobs::open_download(db, &teammate, &hash_of(&photo())).unwrap();
    let mut content = Vec::new();
    for offset in &download.offsets {
        content.extend(blobs::read_part(db, &download.hash, *offset).unwrap());
    }
    content
}

fn texts(db: &dyn Database, sql: &str) -> Vec<Vec<String>> {
    transaction(db, |tx| tx.query(sql, &[]))
        .unwrap()
        .into_iter()
        .map(|row| {
            row.0
                .into_iter()
                .map(|value| match value {
                    Value::Text(text) => text,
                    Value::Int(int) => int.to_string(),
                    Value::Bytes(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                    Value::Null => "NULL".into(),
                })
                .collect()
        })
        .collect()
}

fn strings(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|row| row.iter().map(|s| s.to_string()).collect())
        .collect()
}

fn check_upgraded(db: &dyn Database) {
    assert_eq!(
        texts(db, "SELECT id, signer_kind, signer FROM event ORDER BY id"),
        strings(&[
            &["e-check", "enterprise", "91500103MA5U1A0E5B"],
            &["e-visit", "officer", "渝50010320001"],
        ])
    );
    let photo = photo();
    let size = photo.len().to_string();
    assert_eq!(
        texts(db, "SELECT hash, size FROM blob_content"),
        strings(&[&[&hash_of(&photo), &size]]),
        "the complete photo only: the forged file and the cut upload are dropped"
    );
    assert_eq!(
        texts(db, "SELECT offset_ FROM blob_content_part ORDER BY offset_"),
        strings(&[&["0"], &[&BLOB_PART.to_string()]]),
        "stored again in the parts a download reads"
    );
    assert_eq!(
        texts(db, "SELECT hash, team FROM blob_grant"),
        strings(&[&[&hash_of(&photo), "B500103003"]])
    );
    assert_eq!(download(db), photo);
    assert_eq!(
        texts(db, "SELECT value FROM counter WHERE name = 'schema'"),
        strings(&[&["4"]])
    );
    // Schema 3's supervision tables exist, empty until `serve` builds the index; schema 4's
    // console accounts exist, with no account until an admin makes one.
    assert_eq!(
        texts(db, "SELECT COUNT(*) FROM sv_case"),
        strings(&[&["0"]])
    );
    assert_eq!(
        texts(db, "SELECT COUNT(*) FROM web_account"),
        strings(&[&["0"]])
    );
}

#[test]
fn an_unversioned_database_is_upgraded_in_place_once() {
    for backend in backends("upgrade") {
        let dir = tempfile::tempdir().unwrap();
        match &backend {
            None => {
                let conn = rusqlite::Connection::open(dir.path().join("sync.sqlite3")).unwrap();
                let schema = UNVERSIONED
                    .replace("{INT}", "INTEGER")
                    .replace("{BYTES}", "BLOB");
                conn.execute_batch(&schema).unwrap();
                conn.execute_batch(&OLD_ROWS.replace("''", "x''")).unwrap();
                conn.execute_batch(&old_evidence(|b| format!("x'{}'", hex::encode(b))))
                    .unwrap();
            }
            Some(scratch) => {
                let mut client = postgres::Client::connect(&scratch.url, postgres::NoTls).unwrap();
                let schema = UNVERSIONED
                    .replace("{INT}", "BIGINT")
                    .replace("{BYTES}", "BYTEA");
                client.batch_execute(&schema).unwrap();
                client.batch_execute(OLD_ROWS).unwrap();
                client
                    .batch_execute(&old_evidence(|b| format!("'\\x{}'::bytea", hex::encode(b))))
                    .unwrap();
            }
        }
        let url = backend.as_ref().map(|s| s.url.as_str());
        let db = open_database(dir.path(), url).unwrap();
        check_upgraded(db.as_ref());
        drop(db);
        // A second open (a restart, another replica) finds the schema row and does nothing.
        let db = open_database(dir.path(), url).unwrap();
        check_upgraded(db.as_ref());
        assert_eq!(
            texts(db.as_ref(), "SELECT COUNT(*) FROM blob_staged"),
            strings(&[&["0"]]),
            "a cut upload is not carried over: its phone sends it again"
        );
    }
}
