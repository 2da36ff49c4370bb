//! Upgrade of a store written by an app that did not encrypt: its plaintext database is
//! exported into an encrypted copy beside it (`sqlcipher_export`), synced and renamed over the
//! original, and its evidence files sealed (`BlobStore::seal_plaintext_files`, done first).
//! Crash-safe: until the rename the plaintext database is whole and the next open starts
//! again; after it, the database is the encrypted one.
//!
//! The plaintext pages an older app wrote may survive in free flash blocks until the file
//! system reuses them; nothing an app can do reaches them.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use super::{files, key, migrations, StoreError};
use crate::crypto::DataKey;

/// The first 16 bytes of every unencrypted SQLite database; an SQLCipher file starts with
/// its random salt instead.
const PLAINTEXT_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Whether `db` is a database written in the clear (by an app before encryption).
pub(super) fn is_plaintext(db: &Path) -> Result<bool, StoreError> {
    let mut header = [0u8; 16];
    match File::open(db) {
        Ok(mut file) => {
            let mut got = 0;
            while got < header.len() {
                match file.read(&mut header[got..])? {
                    0 => break,
                    n => got += n,
                }
            }
            Ok(got == header.len() && &header == PLAINTEXT_HEADER)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Replaces the plaintext database at `db` by an encrypted copy under `key`. A database SQLite
/// cannot read fails with its corruption error (the caller quarantines it); one from a newer
/// app is refused untouched.
pub(super) fn encrypt_database(db: &Path, key: &DataKey) -> Result<(), StoreError> {
    let staged = side_path(db, ".encrypting");
    // What an interrupted attempt left: never a database anyone reads.
    for stale in [staged.clone(), side_path(&staged, "-journal")] {
        if stale.exists() {
            std::fs::remove_file(&stale)?;
        }
    }
    files::private_file(&staged)?;
    if let Err(error) = export(db, &staged, key) {
        let _ = std::fs::remove_file(&staged);
        return Err(error);
    }
    for side in ["-wal", "-shm"] {
        let path = side_path(db, side);
        if path.exists() {
            std::fs::remove_file(path)?;
        }
    }
    std::fs::rename(&staged, db)?;
    files::sync_dir(db.parent().expect("the database lives in a directory"))
}

/// Exports the plaintext `db` into the (empty) encrypted database at `staged`, synced.
fn export(db: &Path, staged: &Path, key: &DataKey) -> Result<(), StoreError> {
    {
        let conn = Connection::open(db)?;
        let version: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > migrations::LATEST_SCHEMA {
            return Err(StoreError::SchemaTooNew {
                found: version,
                supported: migrations::LATEST_SCHEMA,
            });
        }
        // Committed pages still in the WAL go into the main file first, and the WAL away.
        let mode: String = conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("delete") {
            return Err(StoreError::Decode(format!(
                "plaintext database stays in {mode} mode"
            )));
        }
        let raw = key::raw_key(key);
        let staged_name = staged.to_string_lossy().into_owned();
        conn.execute(
            "ATTACH DATABASE ?1 AS encrypted KEY ?2",
            (staged_name.as_str(), raw.as_str()),
        )?;
        conn.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
        conn.execute_batch(&format!("PRAGMA encrypted.user_version = {version};"))?;
        conn.execute_batch("DETACH DATABASE encrypted")?;
    }
    File::open(staged)?.sync_all()?;
    Ok(())
}

/// `zhifa.sqlite3` + `suffix`, as SQLite names its side files.
pub(super) fn side_path(db: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", db.display()))
}
