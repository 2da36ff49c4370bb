//! Owner-only files: every directory the store makes is 0700 and every file 0600 on unix
//! (database, WAL, SHM, key file, blobs, temporary files), whatever the process umask, and
//! files left by an older app are narrowed when the store opens. Writes that must be whole
//! go through a temporary file, synced and renamed into place.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::Path;

use super::StoreError;

#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};

pub(super) const FILE_MODE: u32 = 0o600;
pub(super) const DIR_MODE: u32 = 0o700;

/// Creates `dir` (and missing parents) owner-only; narrows it if it already exists.
pub(super) fn private_dir(dir: &Path) -> Result<(), StoreError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    builder.mode(DIR_MODE);
    builder.create(dir)?;
    narrow(dir, DIR_MODE)
}

/// Options that create a new owner-only file.
pub(super) fn private_new() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(FILE_MODE);
    options
}

/// Makes sure `path` exists owner-only before SQLite opens it: SQLite gives the WAL and SHM
/// the database file's mode, so this one file decides all three.
pub(super) fn private_file(path: &Path) -> Result<(), StoreError> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    options.mode(FILE_MODE);
    drop(options.open(path)?);
    narrow(path, FILE_MODE)
}

/// Sets `path`'s mode if it exists and is wider (files made by an older app).
pub(super) fn narrow_if_present(path: &Path, mode: u32) -> Result<(), StoreError> {
    match fs::metadata(path) {
        Ok(_) => narrow(path, mode),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e.into()),
    }
}

fn narrow(path: &Path, mode: u32) -> Result<(), StoreError> {
    #[cfg(unix)]
    if fs::metadata(path)?.permissions().mode() & 0o777 != mode {
        fs::set_permissions(path, fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

/// Writes `bytes` to `path` whole or not at all: a temporary file beside it, synced, renamed.
pub(super) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let dir = path.parent().expect("store files live in a directory");
    let temp = dir.join(format!(".{}.tmp", uuid::Uuid::now_v7()));
    let result = (|| {
        let mut file = private_new().open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temp, path)?;
        sync_dir(dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// Makes a rename in `dir` durable on POSIX; directories cannot be opened this way on Windows.
pub(super) fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}
