//! Keys, signatures and COSE_Sign1: the trust primitives every signed thing in zhifa uses
//! (catalogue bundles, duty credentials, codes, events), and the data key that encrypts the
//! device's files at rest (`wrap`: kept only wrapped by a `KeyWrapper`).

mod cose;
mod keys;
mod keystore;
mod wrap;

pub use cose::{sign1, sign1_compact, verify_sign1, Sign1Limits, VerifiedSign1};
pub use keys::{sha256, Algorithm, KeyId, PublicKey, Signer, SigningKey};
pub use keystore::{DeviceKeystore, SoftwareKeystore};
pub use wrap::{DataKey, KdfParams, KeyWrapper, PassphraseWrapper, WrapError};

/// What can go wrong with keys and signatures. Texts carry no key material or personal data.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error("signed message is malformed: {0}")]
    Malformed(&'static str),
    #[error("signed message is larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("algorithm is not on the allow-list")]
    UnsupportedAlgorithm,
    #[error("no trusted key has this key id")]
    UnknownKey,
    #[error("signature does not verify")]
    BadSignature,
    #[error("key bytes are not a valid {0} key")]
    KeyEncoding(&'static str),
    /// The platform keystore did not sign (locked, key invalidated, the officer cancelled
    /// the prompt, no answer in time): nothing is wrong with the data.
    #[error("the platform keystore did not sign")]
    KeystoreUnavailable,
}

impl CryptoError {
    /// What to tell an officer.
    pub fn message_zh(&self) -> &'static str {
        use crate::texts::crypto as text;
        match self {
            CryptoError::Malformed(_) | CryptoError::TooLarge { .. } => text::MALFORMED,
            CryptoError::UnsupportedAlgorithm => text::UNSUPPORTED_ALGORITHM,
            CryptoError::UnknownKey => text::UNKNOWN_KEY,
            CryptoError::BadSignature => text::BAD_SIGNATURE,
            CryptoError::KeyEncoding(_) => text::KEY_ENCODING,
            CryptoError::KeystoreUnavailable => text::KEYSTORE_UNAVAILABLE,
        }
    }
}
