//! Private key files: JSON with the algorithm and the secret in hex, created with owner-only
//! access and never overwritten.

use std::path::Path;

use serde::{Deserialize, Serialize};
use zhifa_core::crypto::{Algorithm, SigningKey};

use crate::error::ServerError;

#[derive(Serialize, Deserialize)]
struct KeyFile {
    algorithm: String,
    secret: String,
}

pub fn create(path: &Path, key: &SigningKey) -> Result<(), ServerError> {
    if path.exists() {
        return Err(ServerError::Config(format!(
            "{} already exists; refusing to overwrite a key",
            path.display()
        )));
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let file = KeyFile {
        algorithm: key.algorithm().as_str().into(),
        secret: hex::encode(key.secret_bytes()),
    };
    let json = serde_json::to_string_pretty(&file).expect("key file serialises");
    write_private(path, json.as_bytes())
}

pub fn load(path: &Path) -> Result<SigningKey, ServerError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ServerError::Config(format!("cannot read key {}: {e}", path.display())))?;
    let file: KeyFile = serde_json::from_str(&text)
        .map_err(|_| ServerError::Config(format!("{} is not a key file", path.display())))?;
    let algorithm = Algorithm::parse(&file.algorithm)
        .map_err(|_| ServerError::Config("unknown key algorithm".into()))?;
    let secret =
        hex::decode(&file.secret).map_err(|_| ServerError::Config("key is not hex".into()))?;
    SigningKey::from_secret_bytes(algorithm, &secret)
        .map_err(|_| ServerError::Config("key bytes are invalid".into()))
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<(), ServerError> {
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
    file.sync_all()?;
    Ok(())
}

/// A 32-byte secret in hex at `path`, made from the OS's generator the first time (owner-only;
/// a second process creating it at the same moment reads the first one's).
pub fn secret(path: &Path) -> Result<[u8; 32], ServerError> {
    if !path.exists() {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mut fresh = [0u8; 32];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut fresh);
        match write_private(path, hex::encode(fresh).as_bytes()) {
            Err(ServerError::Io(e)) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            other => other?,
        }
    }
    let text = std::fs::read_to_string(path)?;
    hex::decode(text.trim())
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or_else(|| ServerError::Config(format!("{} is not a 32-byte secret", path.display())))
}
