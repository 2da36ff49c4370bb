//! The catalogue authority key: a file of its own, so it can live apart from the database
//! (on a hardware token or an offline machine in production). Its public half, as
//! SubjectPublicKeyInfo DER, is what the apps pin.

use std::path::{Path, PathBuf};

use zhifa_core::crypto::{Algorithm, Signer, SigningKey};

use crate::error::ServerError;
use crate::keyfile;

#[derive(Debug, Clone)]
pub struct AuthorityKey(pub SigningKey);

impl AuthorityKey {
    /// Creates a new key file and `<file>.pub.der`; refuses to overwrite an existing key.
    pub fn create(path: &Path, algorithm: Algorithm) -> Result<AuthorityKey, ServerError> {
        let key = SigningKey::generate(algorithm);
        keyfile::create(path, &key)?;
        std::fs::write(public_path(path), key.public_key().to_spki_der())?;
        Ok(AuthorityKey(key))
    }

    pub fn load(path: &Path) -> Result<AuthorityKey, ServerError> {
        keyfile::load(path).map(AuthorityKey)
    }

    pub fn load_or_create(path: &Path) -> Result<AuthorityKey, ServerError> {
        if path.exists() {
            AuthorityKey::load(path)
        } else {
            AuthorityKey::create(path, Algorithm::EdDSA)
        }
    }
}

/// `authority.key` → `authority.key.pub.der`
pub fn public_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".pub.der");
    name.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhifa_core::crypto::PublicKey;

    #[test]
    fn a_key_file_round_trips_and_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("authority.key");
        let created = AuthorityKey::create(&path, Algorithm::ES256).unwrap();
        let loaded = AuthorityKey::load(&path).unwrap();
        assert_eq!(loaded.0.public_key(), created.0.public_key());
        let pinned = PublicKey::from_spki_der(&std::fs::read(public_path(&path)).unwrap()).unwrap();
        assert_eq!(pinned, created.0.public_key());
        assert!(AuthorityKey::create(&path, Algorithm::EdDSA).is_err());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
