//! The device key. On a phone the shell may keep it in Android Keystore or the Secure Enclave
//! by implementing `DeviceKeystore`; the software keystore here keeps it in the store's
//! `device_key` row, which is as protected as the database: encrypted at rest under the
//! store's data key, so copied files without the key that unwraps it do not reveal it.

use rusqlite::OptionalExtension;

use super::{Algorithm, CryptoError, PublicKey, Signer, SigningKey};
use crate::store::{Store, StoreError};

/// The key that identifies this device: it signs requests, visit records and evidence metadata,
/// and duty credentials are bound to its public key.
pub trait DeviceKeystore: Signer + Send + Sync {}

/// A device key generated once and kept in the store's `device_key` row.
#[derive(Debug)]
pub struct SoftwareKeystore {
    key: SigningKey,
}

impl SoftwareKeystore {
    /// Loads the store's device key, creating one of `algorithm` on first use. A later call
    /// with another algorithm returns the existing key: a device never silently changes identity.
    pub fn load_or_create(
        store: &Store,
        algorithm: Algorithm,
    ) -> Result<SoftwareKeystore, StoreError> {
        store.write(|tx| {
            let existing = tx
                .query_row("SELECT algorithm, secret FROM device_key WHERE id = 1", [], |row| {
                    Ok((row.get::<_, String>(0)?, row.get::<_, Vec<u8>>(1)?))
                })
                .optional()?;
            let key = match existing {
                Some((algorithm, secret)) => {
                    let algorithm = Algorithm::parse(&algorithm).map_err(decode_error)?;
                    SigningKey::from_secret_bytes(algorithm, &secret).map_err(decode_error)?
                }
                None => {
                    let key = SigningKey::generate(algorithm);
                    tx.execute(
                        "INSERT INTO device_key (id, algorithm, secret, created_at) VALUES (1, ?1, ?2, ?3)",
                        (algorithm.as_str(), key.secret_bytes().as_slice(), chrono::Utc::now().to_rfc3339()),
                    )?;
                    key
                }
            };
            Ok(SoftwareKeystore { key })
        })
    }
}

fn decode_error(error: CryptoError) -> StoreError {
    StoreError::Decode(format!("device key: {error}"))
}

impl Signer for SoftwareKeystore {
    fn public_key(&self) -> PublicKey {
        self.key.public_key()
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.key.sign(message)
    }
}

impl DeviceKeystore for SoftwareKeystore {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_device_key_persists_across_opens() {
        let dir = tempfile::tempdir().unwrap();
        let first = {
            let store = Store::open(dir.path(), &crate::testing::test_key()).unwrap();
            SoftwareKeystore::load_or_create(&store, Algorithm::ES256)
                .unwrap()
                .public_key()
        };
        let store = Store::open(dir.path(), &crate::testing::test_key()).unwrap();
        let again = SoftwareKeystore::load_or_create(&store, Algorithm::EdDSA).unwrap();
        assert_eq!(again.public_key(), first);
        let signature = again.sign(b"visit").unwrap();
        first.verify(b"visit", &signature).unwrap();
    }
}
