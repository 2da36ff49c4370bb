//! A database made before the server's schema was versioned (evidence owned by its first
//! uploader's team, events without their signer) opens under this server, on SQLite and (with
//! `ZHIFA_TEST_DATABASE_URL`) PostgreSQL: complete evidence becomes the shared copy granted to
//! its team, unfinished uploads are dropped, every event gets the enrolment of the key that
//! signed it, and a second open changes nothing.

mod support;

use support::backends;
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
INSERT INTO blob (hash, size, received, complete, team) VALUES ('aa', 6, 6, 1, 'B500103003');
INSERT INTO blob_part (hash, offset_, bytes) VALUES ('aa', 0, 'abc');
INSERT INTO blob_part (hash, offset_, bytes) VALUES ('aa', 3, 'def');
INSERT INTO blob (hash, size, received, complete, team) VALUES ('bb', 9, 3, 0, 'B500103003');
INSERT INTO blob_part (hash, offset_, bytes) VALUES ('bb', 0, 'ghi');
";

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
    assert_eq!(
        texts(db, "SELECT hash, size FROM blob_content"),
        strings(&[&["aa", "6"]])
    );
    assert_eq!(
        texts(
            db,
            "SELECT hash, offset_, bytes FROM blob_content_part ORDER BY offset_"
        ),
        strings(&[&["aa", "0", "abc"], &["aa", "3", "def"]])
    );
    assert_eq!(
        texts(db, "SELECT hash, team FROM blob_grant"),
        strings(&[&["aa", "B500103003"]])
    );
    assert_eq!(
        texts(db, "SELECT value FROM counter WHERE name = 'schema'"),
        strings(&[&["2"]])
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
            }
            Some(scratch) => {
                let mut client = postgres::Client::connect(&scratch.url, postgres::NoTls).unwrap();
                let schema = UNVERSIONED
                    .replace("{INT}", "BIGINT")
                    .replace("{BYTES}", "BYTEA");
                client.batch_execute(&schema).unwrap();
                client.batch_execute(OLD_ROWS).unwrap();
            }
        }
        let url = backend.as_ref().map(|s| s.url.as_str());
        let db = open_database(dir.path(), url).unwrap();
        check_upgraded(db.as_ref());
        drop(db);
        // A second open (a restart, another replica) finds the schema row and does nothing.
        let db = open_database(dir.path(), url).unwrap();
        check_upgraded(db.as_ref());
        let old_tables = texts(
            db.as_ref(),
            "SELECT COUNT(*) FROM blob_staged WHERE hash = 'bb'",
        );
        assert_eq!(old_tables, strings(&[&["0"]]), "a cut upload is dropped");
    }
}
