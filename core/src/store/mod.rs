//! The device store: one SQLite database in WAL mode (one writer, a few readers) and a
//! content-addressed blob directory beside it.
//!
//! Every write is one transaction. A database that SQLite cannot read is moved aside, never
//! deleted (it may hold evidence), and a fresh one is started; `Store::quarantined` reports it.

mod blob;
mod migrations;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior};

pub use blob::{BlobHash, BlobStore};
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
}

impl StoreError {
    /// What to tell an officer.
    pub fn message_zh(&self) -> &'static str {
        use crate::texts::store as text;
        match self {
            StoreError::SchemaTooNew { .. } => text::SCHEMA_TOO_NEW,
            StoreError::BlobNotFound(_) => text::BLOB_NOT_FOUND,
            StoreError::BlobCorrupt(_) => text::BLOB_CORRUPT,
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
    /// Opens (or creates) the store in `dir`, migrating its schema to the latest version.
    pub fn open(dir: impl AsRef<Path>) -> Result<Store, StoreError> {
        let dir = dir.as_ref().to_path_buf();
        std::fs::create_dir_all(&dir)?;
        let db_path = dir.join(DATABASE_FILE);

        let (writer, quarantined) = match open_writer(&db_path) {
            Ok(conn) => (conn, None),
            Err(error) if is_corruption(&error) => {
                let moved_to = quarantine(&db_path)?;
                let conn = open_writer(&db_path)?;
                conn.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
                    (QUARANTINE_META, moved_to.to_string_lossy()),
                )?;
                (conn, Some(moved_to))
            }
            Err(error) => return Err(error),
        };
        let quarantined = match quarantined {
            Some(path) => Some(path),
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
            .map(|_| open_reader(&db_path).map(Mutex::new))
            .collect::<Result<Vec<_>, _>>()?;
        let blobs = BlobStore::open(dir.join(BLOB_DIR))?;
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

fn open_writer(path: &Path) -> Result<Connection, StoreError> {
    let mut conn = Connection::open(path)?;
    // Touch the file header first: a file that is not a database fails here.
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

fn open_reader(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )?;
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
        let side = PathBuf::from(format!("{}{suffix}", db_path.display()));
        if side.exists() {
            std::fs::rename(
                &side,
                PathBuf::from(format!("{}{suffix}", moved_to.display())),
            )?;
        }
    }
    Ok(moved_to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_a_wal_store_at_the_latest_schema() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
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
    }

    #[test]
    fn a_failed_write_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
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
            let store = Store::open(dir.path()).unwrap();
            store.write(|tx| set_meta(tx, "evidence", "kept")).unwrap();
        }
        let db = dir.path().join(DATABASE_FILE);
        // Overwrite the header: SQLite no longer recognises the file.
        let mut bytes = std::fs::read(&db).unwrap();
        bytes[..16].copy_from_slice(b"garbage-garbage!");
        std::fs::write(&db, &bytes).unwrap();

        let store = Store::open(dir.path()).unwrap();
        let moved = store.quarantined().expect("quarantine reported");
        assert!(moved.exists(), "the corrupt file is kept");
        assert_eq!(std::fs::read(&moved).unwrap(), bytes, "byte for byte");
        // The fresh store works, and the report survives a restart until acknowledged.
        store.write(|tx| set_meta(tx, "k", "v")).unwrap();
        drop(store);
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.quarantined(), Some(moved.clone()));
        store.acknowledge_quarantine().unwrap();
        drop(store);
        assert!(Store::open(dir.path()).unwrap().quarantined().is_none());
        assert!(moved.exists());
    }

    #[test]
    fn a_database_from_a_newer_app_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        drop(Store::open(dir.path()).unwrap());
        let db = dir.path().join(DATABASE_FILE);
        Connection::open(&db)
            .unwrap()
            .pragma_update(None, "user_version", 999)
            .unwrap();
        let error = Store::open(dir.path()).unwrap_err();
        assert!(matches!(error, StoreError::SchemaTooNew { found: 999, .. }));
        assert!(db.exists());
    }
}
