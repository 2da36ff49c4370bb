use super::*;
use crate::crypto::{KdfParams, PassphraseWrapper};
use crate::testing::test_key;

fn keyed(path: &Path, key: &DataKey) -> Connection {
    let conn = Connection::open(path).unwrap();
    key::apply(&conn, key).unwrap();
    conn
}

fn the_key(dir: &Path) -> DataKey {
    key::load_or_create(dir, &test_key()).unwrap()
}

#[test]
fn creates_an_encrypted_wal_store_at_the_latest_schema() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), &test_key()).unwrap();
    let (mode, version): (String, u32) = store
        .read(|c| {
            let mode = c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
            let version = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            Ok::<_, rusqlite::Error>((mode, version))
        })
        .unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(version, LATEST_SCHEMA);
    assert!(store.quarantined().is_none());

    store
        .write(|tx| set_meta(tx, "device.name", "执法终端-秘密-0042"))
        .unwrap();
    drop(store);
    let db = dir.path().join(DATABASE_FILE);
    assert!(!upgrade::is_plaintext(&db).unwrap());
    let bytes = std::fs::read(&db).unwrap();
    let needle = "执法终端-秘密-0042".as_bytes();
    assert!(!bytes.windows(needle.len()).any(|w| w == needle));
    // Without the key, SQLite sees no database.
    let plain = Connection::open(&db).unwrap();
    assert!(plain
        .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r
            .get::<_, i64>(0))
        .is_err());
}

#[test]
fn a_failed_write_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), &test_key()).unwrap();
    let result: Result<(), StoreError> = store.write(|tx| {
        set_meta(tx, "k", "v")?;
        Err(StoreError::Decode("stop".into()))
    });
    assert!(result.is_err());
    assert_eq!(store.read(|c| get_meta(c, "k")).unwrap(), None);
}

#[test]
fn a_corrupt_database_is_quarantined_not_deleted() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path(), &test_key()).unwrap();
        store.write(|tx| set_meta(tx, "evidence", "kept")).unwrap();
    }
    let db = dir.path().join(DATABASE_FILE);
    // Overwrite the salt: the first page no longer authenticates.
    let mut bytes = std::fs::read(&db).unwrap();
    bytes[..16].copy_from_slice(b"garbage-garbage!");
    std::fs::write(&db, &bytes).unwrap();

    let store = Store::open(dir.path(), &test_key()).unwrap();
    let moved = store.quarantined().expect("quarantine reported");
    assert!(moved.exists(), "the corrupt file is kept");
    assert_eq!(std::fs::read(&moved).unwrap(), bytes, "byte for byte");
    // The fresh store works, and the report survives a restart until acknowledged.
    store.write(|tx| set_meta(tx, "k", "v")).unwrap();
    drop(store);
    let store = Store::open(dir.path(), &test_key()).unwrap();
    assert_eq!(store.quarantined(), Some(moved.clone()));
    store.acknowledge_quarantine().unwrap();
    drop(store);
    assert!(Store::open(dir.path(), &test_key())
        .unwrap()
        .quarantined()
        .is_none());
    assert!(moved.exists());
}

#[test]
fn a_database_under_another_key_is_quarantined_not_deleted() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path(), &test_key()).unwrap();
        store.write(|tx| set_meta(tx, "case", "案件")).unwrap();
    }
    let own_key = the_key(dir.path());
    let db = dir.path().join(DATABASE_FILE);
    let before = std::fs::read(&db).unwrap();
    // Another store's key file takes this one's place (restored from the wrong backup).
    let other = tempfile::tempdir().unwrap();
    drop(Store::open(other.path(), &test_key()).unwrap());
    std::fs::copy(
        other.path().join(key::KEY_FILE),
        dir.path().join(key::KEY_FILE),
    )
    .unwrap();

    let store = Store::open(dir.path(), &test_key()).unwrap();
    let moved = store.quarantined().expect("quarantine reported");
    assert_eq!(std::fs::read(&moved).unwrap(), before, "kept byte for byte");
    // Still readable with the key it was written under.
    let kept: String = keyed(&moved, &own_key)
        .query_row("SELECT value FROM meta WHERE key = 'case'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(kept, "案件");
    // The fresh store works under the key now in place.
    store.write(|tx| set_meta(tx, "k", "v")).unwrap();
    assert_eq!(
        store.read(|c| get_meta(c, "k")).unwrap().as_deref(),
        Some("v")
    );
}

#[test]
fn a_lost_key_file_quarantines_the_database_it_cannot_open() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path(), &test_key()).unwrap();
        store.write(|tx| set_meta(tx, "case", "案件")).unwrap();
    }
    let before = std::fs::read(dir.path().join(DATABASE_FILE)).unwrap();
    std::fs::remove_file(dir.path().join(key::KEY_FILE)).unwrap();
    // A new key is made; the database it does not open is kept aside, not overwritten.
    let store = Store::open(dir.path(), &test_key()).unwrap();
    let moved = store.quarantined().expect("quarantine reported");
    assert_eq!(std::fs::read(&moved).unwrap(), before);
    assert_eq!(store.read(|c| get_meta(c, "case")).unwrap(), None);
    store.write(|tx| set_meta(tx, "k", "v")).unwrap();
}

#[test]
fn a_wrong_passphrase_is_refused_and_touches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path(), &test_key()).unwrap();
        store.write(|tx| set_meta(tx, "k", "v")).unwrap();
    }
    let snapshot = |dir: &Path| {
        let mut files: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .map(|p| (p.clone(), std::fs::read(&p).unwrap()))
            .collect();
        files.sort();
        files
    };
    let before = snapshot(dir.path());
    let wrong = PassphraseWrapper::with_params("not the passphrase", KdfParams::LIGHT_FOR_TESTS);
    let error = Store::open(dir.path(), &wrong).unwrap_err();
    assert!(matches!(error, StoreError::Key(WrapError::Refused)));
    assert_eq!(error.message_zh(), crate::texts::store::KEY_REFUSED);
    assert_eq!(snapshot(dir.path()), before);
    // The right one still opens it, nothing quarantined.
    let store = Store::open(dir.path(), &test_key()).unwrap();
    assert!(store.quarantined().is_none());
    assert_eq!(
        store.read(|c| get_meta(c, "k")).unwrap().as_deref(),
        Some("v")
    );
}

#[test]
fn a_database_from_a_newer_app_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open(dir.path(), &test_key()).unwrap());
    let db = dir.path().join(DATABASE_FILE);
    keyed(&db, &the_key(dir.path()))
        .pragma_update(None, "user_version", 999)
        .unwrap();
    let error = Store::open(dir.path(), &test_key()).unwrap_err();
    assert!(matches!(error, StoreError::SchemaTooNew { found: 999, .. }));
    assert!(db.exists());
}

#[cfg(unix)]
#[test]
fn every_file_and_directory_is_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("app");
    // An older app's wide modes are narrowed too.
    std::fs::create_dir_all(root.join(BLOB_DIR)).unwrap();
    std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(root.join(BLOB_DIR), std::fs::Permissions::from_mode(0o755)).unwrap();
    let store = Store::open(&root, &test_key()).unwrap();
    store.write(|tx| set_meta(tx, "k", "v")).unwrap();
    let hash = store.blobs().put(b"photo").unwrap();
    let blob = store.blobs().path_of(&hash);

    let db = root.join(DATABASE_FILE);
    for file in [
        db.clone(),
        upgrade::side_path(&db, "-wal"),
        upgrade::side_path(&db, "-shm"),
        root.join(key::KEY_FILE),
        blob.clone(),
    ] {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
    for directory in [
        root.clone(),
        root.join(BLOB_DIR),
        root.join(BLOB_DIR).join("tmp"),
        blob.parent().unwrap().to_path_buf(),
    ] {
        assert_eq!(mode(&directory), 0o700, "{}", directory.display());
    }
}

/// A store as the app before encryption left it after a kill: plaintext database with
/// committed pages still in its WAL, the search index, the device key, a plaintext photo.
fn write_plaintext_store(dir: &Path, photo: &[u8]) {
    let live = tempfile::tempdir().unwrap();
    let db = live.path().join(DATABASE_FILE);
    let mut conn = Connection::open(&db).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
    migrations::migrate(&mut conn).unwrap();
    conn.execute_batch(
        "INSERT INTO meta (key, value) VALUES ('device.name', '执法终端-明文-07');
         INSERT INTO device_key (id, algorithm, secret, created_at)
             VALUES (1, 'EdDSA', x'0102030405', 't');
         INSERT INTO search_index (rowid, title, body) VALUES (7, 'wuzheng', 'jingying');",
    )
    .unwrap();
    // Copied while the connection is open: what a kill -9 leaves behind.
    std::fs::create_dir_all(dir).unwrap();
    for suffix in ["", "-wal"] {
        std::fs::copy(
            upgrade::side_path(&db, suffix),
            upgrade::side_path(&dir.join(DATABASE_FILE), suffix),
        )
        .unwrap();
    }
    drop(conn);
    let hex = BlobHash::of(photo).to_hex();
    let shard = dir.join(BLOB_DIR).join(&hex[..2]);
    std::fs::create_dir_all(&shard).unwrap();
    std::fs::write(shard.join(&hex), photo).unwrap();
}

fn assert_upgraded(dir: &Path, store: &Store, photo: &[u8]) {
    assert!(store.quarantined().is_none());
    let db = dir.join(DATABASE_FILE);
    assert!(!upgrade::is_plaintext(&db).unwrap());
    assert!(!upgrade::side_path(&db, ".encrypting").exists());
    store
        .read(|c| {
            assert_eq!(
                get_meta(c, "device.name")?.as_deref(),
                Some("执法终端-明文-07")
            );
            let secret: Vec<u8> =
                c.query_row("SELECT secret FROM device_key WHERE id = 1", [], |r| {
                    r.get(0)
                })?;
            assert_eq!(secret, [1, 2, 3, 4, 5]);
            let found: i64 = c.query_row(
                "SELECT rowid FROM search_index WHERE search_index MATCH 'wuzheng'",
                [],
                |r| r.get(0),
            )?;
            assert_eq!(found, 7);
            let version: u32 = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            assert_eq!(version, LATEST_SCHEMA);
            Ok::<_, StoreError>(())
        })
        .unwrap();
    let hash = BlobHash::of(photo);
    assert_eq!(store.blobs().get(&hash).unwrap(), photo);
    let hex = hash.to_hex();
    assert!(!dir.join(BLOB_DIR).join(&hex[..2]).join(&hex).exists());
    let bytes = std::fs::read(&db).unwrap();
    let needle = "执法终端-明文-07".as_bytes();
    assert!(!bytes.windows(needle.len()).any(|w| w == needle));
}

#[test]
fn a_plaintext_store_of_an_older_app_is_encrypted_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let photo = b"\xff\xd8 an older app's photo".repeat(1000);
    write_plaintext_store(dir.path(), &photo);
    assert!(upgrade::is_plaintext(&dir.path().join(DATABASE_FILE)).unwrap());

    let store = Store::open(dir.path(), &test_key()).unwrap();
    assert_upgraded(dir.path(), &store, &photo);
    store.write(|tx| set_meta(tx, "after", "upgrade")).unwrap();
    drop(store);
    let store = Store::open(dir.path(), &test_key()).unwrap();
    assert_upgraded(dir.path(), &store, &photo);
}

#[test]
fn an_upgrade_interrupted_midway_finishes_on_the_next_open() {
    let dir = tempfile::tempdir().unwrap();
    let photo = b"photo of the stall".to_vec();
    write_plaintext_store(dir.path(), &photo);
    // The killed attempt had made its key, sealed one more photo, and half-written the
    // encrypted copy; the plaintext database was not yet replaced.
    let key = the_key(dir.path());
    let blobs = BlobStore::open(dir.path().join(BLOB_DIR), &key).unwrap();
    let second = blobs.put(b"a photo sealed before the kill").unwrap();
    let staged = upgrade::side_path(&dir.path().join(DATABASE_FILE), ".encrypting");
    std::fs::write(&staged, b"half an encrypted copy").unwrap();

    let store = Store::open(dir.path(), &test_key()).unwrap();
    assert_upgraded(dir.path(), &store, &photo);
    assert_eq!(
        store.blobs().get(&second).unwrap(),
        b"a photo sealed before the kill"
    );
}

#[test]
fn a_corrupt_plaintext_store_is_quarantined_during_the_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    write_plaintext_store(dir.path(), b"photo");
    let db = dir.path().join(DATABASE_FILE);
    std::fs::remove_file(upgrade::side_path(&db, "-wal")).unwrap();
    // A valid header over pages that are not a database.
    let mut bytes = std::fs::read(&db).unwrap();
    for byte in &mut bytes[100..] {
        *byte = 0xa5;
    }
    std::fs::write(&db, &bytes).unwrap();

    let store = Store::open(dir.path(), &test_key()).unwrap();
    let moved = store.quarantined().expect("quarantined");
    assert_eq!(std::fs::read(&moved).unwrap(), bytes);
    assert!(!upgrade::is_plaintext(&db).unwrap());
    // Its evidence was sealed all the same.
    assert_eq!(
        store.blobs().get(&BlobHash::of(b"photo")).unwrap(),
        b"photo"
    );
}
