//! The data key that encrypts the device's files at rest, and how it is kept: only wrapped,
//! by a `KeyWrapper`. On a phone the shell wraps it with a platform key (Android Keystore
//! AES-GCM, the iOS Keychain / Secure Enclave) that never leaves the hardware; on a desktop and
//! in tests `PassphraseWrapper` wraps it under a key derived from a passphrase with Argon2id.
//!
//! Nothing here touches files: the store decides where the wrapped key lives.

use argon2::{Algorithm as Argon2Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use rand_core::{OsRng, RngCore};
use sha2::Sha256;
use zeroize::Zeroizing;

/// A random 256-bit key; the SQLCipher key of the database and the root every other
/// at-rest key is derived from (HKDF-SHA256, one label per use).
pub struct DataKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(..)")
    }
}

impl DataKey {
    pub fn generate() -> DataKey {
        let mut key = Zeroizing::new([0u8; 32]);
        OsRng.fill_bytes(key.as_mut());
        DataKey(key)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<DataKey, WrapError> {
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| WrapError::Malformed)?;
        Ok(DataKey(Zeroizing::new(bytes)))
    }

    /// From bytes handed over by a caller (a platform keystore), zeroing them.
    pub fn take(bytes: Vec<u8>) -> Result<DataKey, WrapError> {
        let bytes = Zeroizing::new(bytes);
        DataKey::from_bytes(&bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// A key of its own for one use (`label` names it), so that no two uses share a key.
    pub fn derive(&self, label: &str) -> Zeroizing<[u8; 32]> {
        let mut out = Zeroizing::new([0u8; 32]);
        Hkdf::<Sha256>::new(None, self.0.as_ref())
            .expand(label.as_bytes(), out.as_mut())
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        out
    }
}

/// Why a wrapped key could not be unwrapped (or a key not wrapped).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WrapError {
    /// The wrapping key does not open it: a wrong passphrase, another device's platform key,
    /// or a key file that was altered.
    #[error("the wrapped data key does not open with this key")]
    Refused,
    /// The platform keystore cannot be used now (locked, user cancelled, key invalidated).
    #[error("the platform keystore is unavailable: {0}")]
    Unavailable(String),
    #[error("the wrapped data key is malformed")]
    Malformed,
}

/// Seals and opens the data key. Implementations keep their own key out of the files the
/// store writes (in hardware, or derived from something the user knows).
pub trait KeyWrapper: Send + Sync {
    fn wrap(&self, key: &DataKey) -> Result<Vec<u8>, WrapError>;
    fn unwrap(&self, wrapped: &[u8]) -> Result<DataKey, WrapError>;
}

/// Argon2id cost parameters (RFC 9106).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub lanes: u32,
}

impl KdfParams {
    /// The default: 64 MiB, 3 passes, 1 lane (RFC 9106's second recommended option with one
    /// lane, as the crate runs lanes one after the other anyway). Paid once per store open.
    pub const DEFAULT: KdfParams = KdfParams {
        memory_kib: 64 * 1024,
        iterations: 3,
        lanes: 1,
    };
    /// The cheapest Argon2id allows: for test suites that open hundreds of stores. Never the
    /// default; an app must not use it.
    pub const LIGHT_FOR_TESTS: KdfParams = KdfParams {
        memory_kib: 8,
        iterations: 1,
        lanes: 1,
    };
    /// Above this a stored parameter set is refused rather than run (a key file cannot make
    /// the app allocate gigabytes).
    const MAX_MEMORY_KIB: u32 = 1024 * 1024;
}

const PASSPHRASE_FORMAT: &[u8; 4] = b"ZPW1";
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 24;
/// format, three u32 parameters, salt, nonce: all of it authenticated as associated data.
const HEADER_LEN: usize = 4 + 12 + SALT_LEN + NONCE_LEN;

/// The software fallback: the data key sealed with XChaCha20-Poly1305 under
/// Argon2id(passphrase, random salt). The parameters and salt travel in the wrapped bytes,
/// so a store wrapped with other parameters still opens.
pub struct PassphraseWrapper {
    passphrase: Zeroizing<Vec<u8>>,
    params: KdfParams,
}

impl std::fmt::Debug for PassphraseWrapper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PassphraseWrapper")
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

impl PassphraseWrapper {
    /// With `KdfParams::DEFAULT`.
    pub fn new(passphrase: &str) -> PassphraseWrapper {
        PassphraseWrapper::with_params(passphrase, KdfParams::DEFAULT)
    }

    /// With other parameters for new wrappings (tests: `KdfParams::LIGHT_FOR_TESTS`).
    pub fn with_params(passphrase: &str, params: KdfParams) -> PassphraseWrapper {
        PassphraseWrapper {
            passphrase: Zeroizing::new(passphrase.as_bytes().to_vec()),
            params,
        }
    }

    fn cipher(&self, params: KdfParams, salt: &[u8]) -> Result<XChaCha20Poly1305, WrapError> {
        if params.memory_kib > KdfParams::MAX_MEMORY_KIB {
            return Err(WrapError::Malformed);
        }
        let params = Params::new(params.memory_kib, params.iterations, params.lanes, Some(32))
            .map_err(|_| WrapError::Malformed)?;
        let mut kek = Zeroizing::new([0u8; 32]);
        Argon2::new(Argon2Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(&self.passphrase, salt, kek.as_mut())
            .map_err(|_| WrapError::Malformed)?;
        Ok(XChaCha20Poly1305::new(kek.as_ref().into()))
    }
}

impl KeyWrapper for PassphraseWrapper {
    fn wrap(&self, key: &DataKey) -> Result<Vec<u8>, WrapError> {
        let mut header = Vec::with_capacity(HEADER_LEN);
        header.extend_from_slice(PASSPHRASE_FORMAT);
        for value in [
            self.params.memory_kib,
            self.params.iterations,
            self.params.lanes,
        ] {
            header.extend_from_slice(&value.to_le_bytes());
        }
        let mut salt_and_nonce = [0u8; SALT_LEN + NONCE_LEN];
        OsRng.fill_bytes(&mut salt_and_nonce);
        header.extend_from_slice(&salt_and_nonce);
        let (salt, nonce) = salt_and_nonce.split_at(SALT_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().expect("split at the salt");
        let sealed = self
            .cipher(self.params, salt)?
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: key.as_bytes(),
                    aad: &header,
                },
            )
            .map_err(|_| WrapError::Malformed)?;
        header.extend_from_slice(&sealed);
        Ok(header)
    }

    fn unwrap(&self, wrapped: &[u8]) -> Result<DataKey, WrapError> {
        if wrapped.len() <= HEADER_LEN || wrapped[..4] != PASSPHRASE_FORMAT[..] {
            return Err(WrapError::Malformed);
        }
        let (header, sealed) = wrapped.split_at(HEADER_LEN);
        let number = |at: usize| u32::from_le_bytes(header[at..at + 4].try_into().expect("4"));
        let params = KdfParams {
            memory_kib: number(4),
            iterations: number(8),
            lanes: number(12),
        };
        let salt = &header[16..16 + SALT_LEN];
        let nonce: [u8; NONCE_LEN] = header[16 + SALT_LEN..].try_into().expect("header length");
        let key = Zeroizing::new(
            self.cipher(params, salt)?
                .decrypt(
                    &XNonce::from(nonce),
                    Payload {
                        msg: sealed,
                        aad: header,
                    },
                )
                .map_err(|_| WrapError::Refused)?,
        );
        DataKey::from_bytes(&key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrapped_key_opens_only_with_its_passphrase() {
        let key = DataKey::generate();
        let wrapper = PassphraseWrapper::with_params("正确的口令", KdfParams::LIGHT_FOR_TESTS);
        let wrapped = wrapper.wrap(&key).unwrap();
        assert!(
            !wrapped.windows(32).any(|w| w == key.as_bytes()),
            "the key is not in the clear"
        );
        assert_eq!(wrapper.unwrap(&wrapped).unwrap().as_bytes(), key.as_bytes());
        // The default parameters open a key wrapped with others: they travel in the bytes.
        let default = PassphraseWrapper::new("正确的口令");
        assert_eq!(default.unwrap(&wrapped).unwrap().as_bytes(), key.as_bytes());

        let wrong = PassphraseWrapper::with_params("错误的口令", KdfParams::LIGHT_FOR_TESTS);
        assert_eq!(wrong.unwrap(&wrapped).unwrap_err(), WrapError::Refused);
        let mut altered = wrapped.clone();
        altered[20] ^= 1; // the salt
        assert_eq!(wrapper.unwrap(&altered).unwrap_err(), WrapError::Refused);
        assert_eq!(
            wrapper.unwrap(&wrapped[..30]).unwrap_err(),
            WrapError::Malformed
        );
    }

    #[test]
    fn a_key_file_cannot_ask_for_unbounded_memory() {
        let wrapper = PassphraseWrapper::with_params("p", KdfParams::LIGHT_FOR_TESTS);
        let mut wrapped = wrapper.wrap(&DataKey::generate()).unwrap();
        wrapped[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(wrapper.unwrap(&wrapped).unwrap_err(), WrapError::Malformed);
    }

    #[test]
    fn derived_keys_differ_by_label() {
        let key = DataKey::generate();
        assert_ne!(*key.derive("a"), *key.derive("b"));
        assert_eq!(*key.derive("a"), *key.derive("a"));
        assert_ne!(*key.derive("a"), *key.as_bytes());
    }
}
