//! The catalogue authority key: a file of its own, so it can live apart from the database
//! (on a hardware token or an offline machine in production). Written with owner-only access.

use std::path::Path;

use serde::{Deserialize, Serialize};
use zhifa_core::crypto::{Algorithm, Signer, SigningKey};

use crate::ServerError;

#[derive(Serialize, Deserialize)]
struct KeyFile {
    algorithm: String,
    secret: String,
}

#[derive(Debug, Clone)]
pub struct AuthorityKey(pub SigningKey);

impl AuthorityKey {
    /// Creates a new key file; refuses to overwrite an existing one.
    pub fn create(path: &Path, algorithm: Algorithm) -> Result<AuthorityKey, ServerError> {
        if path.exists() {
            return Err(ServerError::Config(format!(
                "{} already exists; refusing to overwrite a key",
                path.display()
            )));
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let key = SigningKey::generate(algorithm);
        let file = KeyFile {
            algorithm: algorithm.as_str().into(),
            secret: hex::encode(key.secret_bytes()),
        };
        let json = serde_json::to_string_pretty(&file).expect("key file serialises");
        write_private(path, json.as_bytes())?;
        // The public half, as SubjectPublicKeyInfo DER: what the apps pin.
        std::fs::write(public_path(path), key.public_key().to_spki_der())?;
        Ok(AuthorityKey(key))
    }

    pub fn load(path: &Path) -> Result<AuthorityKey, ServerError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            ServerError::Config(format!("cannot read authority key {}: {e}", path.display()))
        })?;
        let file: KeyFile = serde_json::from_str(&text)
            .map_err(|_| ServerError::Config("authority key file is malformed".into()))?;
        let algorithm = Algorithm::parse(&file.algorithm)
            .map_err(|_| ServerError::Config("unknown key algorithm".into()))?;
        let secret = hex::decode(&file.secret)
            .map_err(|_| ServerError::Config("authority key is not hex".into()))?;
        let key = SigningKey::from_secret_bytes(algorithm, &secret)
            .map_err(|_| ServerError::Config("authority key bytes are invalid".into()))?;
        Ok(AuthorityKey(key))
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
pub fn public_path(path: &Path) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".pub.der");
    name.into()
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
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
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
    }
}
