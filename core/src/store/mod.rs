//! The device store: one SQLite database in WAL mode (one writer, a few readers) and a
//! content-addressed blob directory beside it, both encrypted at rest under the store's data
//! key (SQLCipher for the database, `sealed` files for blobs), which is kept only wrapped in
//! `zhifa.key` (`key`). Everything the store writes is owner-only (`files`).
//!
//! Every write is one transaction. A database that SQLite cannot read (corrupt, or not
//! encrypted with this key) is moved aside, never deleted (it may hold evidence), and a fresh
//! one is started; `Store::quarantined` reports it. A store an older app wrote in the clear is
//! encrypted in place on the first open (`upgrade`).

mod blob;
mod files;
mod key;
mod migrations;
mod sealed;
mod upgrade;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior};

use crate::crypto::{DataKey, KeyWrapper, WrapError};

pub use blob::{BlobHash, BlobReader, BlobStore};
pub use migrations::LATEST_SCHEMA;

const DATABASE_FILE: &str = "zhifa.sqlite3";
const BLOB_DIR: &str = "blobs";
const READERS: usize = 2;
const QUARANTINE_META: &str = "store.quarantined";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    #[error("database schema {found} is newer than this app ({supported}); update the app")]
    SchemaTooNew { found: u32, supported: u32 },
    #[error("blob {0} is not in the store")]
    BlobNotFound(BlobHash),
    #[error("blob {0} does not match its hash")]
    BlobCorrupt(BlobHash),
    #[error("stored record cannot be decoded: {0}")]
    Decode(String),
    /// The data key could not be unwrapped (wrong passphrase, platform key unavailable or
    /// not this store's): nothing was read or changed.
    #[error("the store's data key: {0}")]
    Key(#[from] WrapError),
}

impl StoreError {
    /// What to tell an officer.
    pub fn message_zh(&self) -> &'static str {
        use crate::texts::store as text;
        match self {
            StoreError::SchemaTooNew { .. } => text::SCHEMA_TOO_NEW,
            StoreError::BlobNotFound(_) => text::BLOB_NOT_FOUND,
            StoreError::BlobCorrupt(_) => text::BLOB_CORRUPT,
            StoreError::Key(WrapError::Refused) => text::KEY_REFUSED,
            StoreError::Key(WrapError::Unavailable(_)) => text::KEY_UNAVAILABLE,
            StoreError::Key(WrapError::Malformed) => text::KEY_MALFORMED,
            StoreError::Io(_) | StoreError::Sqlite(_) | StoreError::Decode(_) => {
                text::READ_WRITE_FAILED
            }
        }
    }
}

pub struct Store {
    dir: PathBuf,
    writer: Mutex<Connection>,
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
    blobs: BlobStore,
    quarantined: Mutex<Option<PathBuf>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (or creates) the store in `dir`, its data key unwrapped by `wrapper` (made and
    /// wrapped on the first open), encrypting a store an older app wrote in the clear, and
    /// migrating its schema to the latest version.
    pub fn open(dir: impl AsRef<Path>, wrapper: &dyn KeyWrapper) -> Result<Store, StoreError> {
        let dir = dir.as_ref().to_path_buf();
        files::private_dir(&dir)?;
        let key = key::load_or_create(&dir, wrapper)?;
        let db_path = dir.join(DATABASE_FILE);
        let blobs = BlobStore::open(dir.join(BLOB_DIR), &key)?;

        let mut quarantined = None;
        if upgrade::is_plaintext(&db_path)? {
            blobs.seal_plaintext_files()?;
            match upgrade::encrypt_database(&db_path, &key) {
                Ok(()) => {}
                Err(error) if is_corruption(&error) => quarantined = Some(quarantine(&db_path)?),
                Err(error) => return Err(error),
            }
        }
        let writer = match open_writer(&db_path, &key) {
            Ok(conn) => conn,
            Err(error) if is_corruption(&error) => {
                quarantined = Some(quarantine(&db_path)?);
                open_writer(&db_path, &key)?
            }
            Err(error) => return Err(error),
        };
        let quarantined = match quarantined {
            Some(moved_to) => {
                writer.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
                    (QUARANTINE_META, moved_to.to_string_lossy()),
                )?;
                Some(moved_to)
            }
            // A quarantine reported by an earlier open that the app did not acknowledge yet.
            None => writer
                .query_row(
                    "SELECT value FROM meta WHERE key = ?1",
                    [QUARANTINE_META],
                    |r| r.get::<_, String>(0),
                )
                .optional()?
                .map(PathBuf::from),
        };

        let readers = (0..READERS)
            .map(|_| open_reader(&db_path, &key).map(Mutex::new))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Store {
            dir,
            writer: Mutex::new(writer),
            readers,
            next_reader: AtomicUsize::new(0),
            blobs,
            quarantined: Mutex::new(quarantined),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn blobs(&self) -> &BlobStore {
        &self.blobs
    }

    /// Where a corrupt database was moved, until `acknowledge_quarantine` is called.
    pub fn quarantined(&self) -> Option<PathBuf> {
        self.quarantined
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The user has been told about the quarantined file; stop reporting it.
    pub fn acknowledge_quarantine(&self) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute("DELETE FROM meta WHERE key = ?1", [QUARANTINE_META])?;
            Ok::<_, StoreError>(())
        })?;
        *self.quarantined.lock().unwrap_or_else(|p| p.into_inner()) = None;
        Ok(())
    }

    /// Runs `f` in one IMMEDIATE transaction on the writer connection; commits if `f` returns
    /// Ok, rolls back otherwise.
    pub fn write<T, E>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let mut conn = lock(&self.writer);
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        let value = f(&tx)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(value)
    }

    /// Runs `f` on a read-only connection; it sees the last committed state.
    pub fn read<T, E>(&self, f: impl FnOnce(&Connection) -> Result<T, E>) -> Result<T, E> {
        let start = self.next_reader.fetch_add(1, Ordering::Relaxed);
        // Prefer a free reader; otherwise wait for the one it is our turn to use.
        for offset in 0..self.readers.len() {
            if let Ok(conn) = self.readers[(start + offset) % self.readers.len()].try_lock() {
                return f(&conn);
            }
        }
        f(&lock(&self.readers[start % self.readers.len()]))
    }
}

/// Reads a `meta` value.
pub fn get_meta(conn: &Connection, key: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| {
            row.get(0)
        })
        .optional()?)
}

/// Writes a `meta` value inside the caller's transaction.
pub fn set_meta(tx: &Transaction<'_>, key: &str, value: &str) -> Result<(), StoreError> {
    tx.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
        (key, value),
    )?;
    Ok(())
}

/// Deletes a `meta` value inside the caller's transaction.
pub fn delete_meta(tx: &Transaction<'_>, key: &str) -> Result<(), StoreError> {
    tx.execute("DELETE FROM meta WHERE key = ?1", [key])?;
    Ok(())
}

fn lock(mutex: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    // A panic while holding the lock leaves the connection usable: its transaction rolled back.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn open_writer(path: &Path, key: &DataKey) -> Result<Connection, StoreError> {
    // Owner-only before SQLite opens it: the WAL and SHM take the database file's mode.
    files::private_file(path)?;
    for side in ["-wal", "-shm"] {
        files::narrow_if_present(&upgrade::side_path(path, side), files::FILE_MODE)?;
    }
    let mut conn = Connection::open(path)?;
    key::apply(&conn, key)?;
    // Read the schema first: a file that is not a database, or not encrypted with this key,
    // fails here (SQLCipher checks the first page's HMAC).
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |row| {
        row.get::<_, i64>(0)
    })?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // FULL: a committed edit survives power loss too, not only a killed process.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    migrations::migrate(&mut conn)?;
    Ok(conn)
}

fn open_reader(path: &Path, key: &DataKey) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )?;
    key::apply(&conn, key)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

fn is_corruption(error: &StoreError) -> bool {
    matches!(
        error,
        StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _))
            if matches!(e.code, rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt)
    )
}

/// Moves the database and its WAL/SHM files aside under a timestamped name.
fn quarantine(db_path: &Path) -> Result<PathBuf, StoreError> {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let moved_to = db_path.with_extension(format!("sqlite3.corrupt-{stamp}"));
    std::fs::rename(db_path, &moved_to)?;
    for suffix in ["-wal", "-shm"] {
        let side = upgrade::side_path(db_path, suffix);
        if side.exists() {
            std::fs::rename(&side, upgrade::side_path(&moved_to, suffix))?;
        }
    }
    Ok(moved_to)
}

#[cfg(test)]
mod tests;
