//! The store's data key, kept only wrapped in `zhifa.key` beside the database (owner-only).
//! Made once, on the first open, before anything is encrypted with it, and never replaced: a
//! database that does not open with it is quarantined, not re-keyed.

use std::path::Path;

use zeroize::Zeroizing;

use crate::crypto::{DataKey, KeyWrapper};

use super::{files, StoreError};

pub(super) const KEY_FILE: &str = "zhifa.key";
/// File format 1: this tag, then the wrapper's bytes (opaque: the platform's or the
/// passphrase wrapper's own format).
const KEY_FILE_TAG: &[u8; 4] = b"ZKF1";

/// Unwraps the store's data key, or makes, wraps and saves one if there is none yet.
pub(super) fn load_or_create(dir: &Path, wrapper: &dyn KeyWrapper) -> Result<DataKey, StoreError> {
    let path = dir.join(KEY_FILE);
    match std::fs::read(&path) {
        Ok(bytes) => {
            files::narrow_if_present(&path, files::FILE_MODE)?;
            let wrapped = bytes
                .strip_prefix(KEY_FILE_TAG.as_slice())
                .ok_or(StoreError::Key(crate::crypto::WrapError::Malformed))?;
            Ok(wrapper.unwrap(wrapped)?)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = DataKey::generate();
            let mut bytes = KEY_FILE_TAG.to_vec();
            bytes.extend(wrapper.wrap(&key)?);
            // The wrapping must open again before anything depends on it.
            let check = wrapper.unwrap(&bytes[KEY_FILE_TAG.len()..])?;
            if check.as_bytes() != key.as_bytes() {
                return Err(StoreError::Key(crate::crypto::WrapError::Refused));
            }
            files::write_atomically(&path, &bytes)?;
            Ok(key)
        }
        Err(e) => Err(e.into()),
    }
}

/// `PRAGMA key` with the data key as SQLCipher's raw key (`x'…'`): no PBKDF2 runs, the key
/// is already random (opening stays fast). Must be the connection's first statement.
pub(super) fn apply(conn: &rusqlite::Connection, key: &DataKey) -> Result<(), StoreError> {
    let statement = Zeroizing::new(format!("PRAGMA key = \"{}\";", raw_key(key).as_str()));
    conn.execute_batch(&statement)?;
    Ok(())
}

/// The data key as SQLCipher's raw-key text, `x'<64 hex digits>'`; zeroed when dropped.
pub(super) fn raw_key(key: &DataKey) -> Zeroizing<String> {
    let hex = Zeroizing::new(hex::encode(key.as_bytes()));
    Zeroizing::new(format!("x'{}'", hex.as_str()))
}
